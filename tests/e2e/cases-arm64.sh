# shellcheck shell=bash
# shellcheck disable=SC2016,SC2015,SC2034  # guest script text is single-quoted on purpose
# The arm64 end-to-end cases (run.sh --arch arm64): what stage 1 runs
# (/case.sh inside the guest) and how the host judges the serial log.  Same
# interface as cases.sh (x86_64); sourced by tests/e2e/run.sh after lib.sh.
#
# Case table: NAME KIND FIRMWARE KERNEL1 KERNEL2 CPU
#   FIRMWARE  direct (QEMU enters the Image with its own DTB) or uefi (AAVMF,
#             the Image's EFI stub; ACPI)
#   KERNEL1 boots first (QEMU -kernel); KERNEL2 is the one stage 1 loads,
#   always through kexec_load (-c): Debian's arm64 kernels have no
#   kexec_file_load.
#   CPU       n1 = -cpu neoverse-n1, max = -cpu max,lpa2=off,pauth-impdef=on
#             (E2E_ARM64_CPU). Both have the CRC32 and SHA-256 instructions
#             the purgatory uses for CRC32C (the default) and, when the kind
#             ends in -sha256 (--digest=sha256), SHA-256.
#
# KASLR: a kernel takes its seed from /chosen/kaslr-seed, and when that is
# absent or zero from the RNDR instruction if the CPU has FEAT_RNG (6.1 and
# 6.12 alike).  `-cpu max` has FEAT_RNG, so there a kernel randomizes itself
# whatever the loader did: the check "stage 2 says 'KASLR enabled' and its
# _stext is not the link address" passes even without a seed (measured: see
# the kaslr-control case).  neoverse-n1 has no FEAT_RNG: there stage 2 is
# randomized only if the loader wrote a fresh non-zero kaslr-seed (the kernel
# zeroes the property after reading it, so a loader that copies the running
# DTB passes 0).  So every case that proves the seed runs on n1; the cases on
# max (the -i paths, the wrong digest, -u/-S) do not claim it.
#
# Matrix: each item on each kernel (as the kernel kexec'ed into) and each
# firmware at least once, 2 cases per item.
E2E_CASES=(
  # the plain Image (Debian's vmlinuz: uncompressed, PE/COFF EFI stub)
  "a64_image_bookworm_to_trixie_direct   image         direct bookworm trixie   n1"
  "a64_image_trixie_to_bookworm_uefi     image         uefi   trixie   bookworm n1"
  # ... with --digest=sha256
  "a64_image_sha256_trixie_to_bookworm_direct image-sha256 direct trixie bookworm n1"
  # gzip -9 of the Image
  "a64_gzip_trixie_to_bookworm_direct    gzip          direct trixie   bookworm n1"
  "a64_gzip_bookworm_to_trixie_uefi      gzip          uefi   bookworm trixie   n1"
  # EFI zboot (zstd) made from the real Image by tests/tools/wrap_kernel.c
  "a64_zboot_bookworm_to_trixie_uefi     zboot         uefi   bookworm trixie   n1"
  "a64_zboot_trixie_to_bookworm_direct   zboot         direct trixie   bookworm n1"
  # synthetic ELF: one PT_LOAD holding the real Image (wrap_kernel.c)
  "a64_synthetic_elf_trixie_to_bookworm_uefi   elf     uefi   trixie   bookworm n1"
  "a64_synthetic_elf_bookworm_to_trixie_direct elf     direct bookworm trixie   n1"
  # the purgatory's check skipped: -i and --no-checks
  "a64_no_checks_i_bookworm_to_trixie_uefi     nocheck-i    uefi   bookworm trixie   max"
  "a64_no_checks_long_trixie_to_bookworm_direct nocheck-long direct trixie   bookworm max"
  # a wrong digest stops the boot with the purgatory's message (kexec-ng
  # only): CRC32C (the default), SHA-256
  "a64_wrong_digest_bookworm_direct      wrong-digest  direct bookworm trixie   max"
  "a64_wrong_digest_sha256_trixie_uefi   wrong-digest-sha256 uefi trixie  bookworm max"
  # -S reports a load, -u unloads it; -s says there is no kexec_file_load
  "a64_unload_status_bookworm_uefi       unload-status uefi   bookworm trixie   max"
  "a64_unload_status_trixie_direct       unload-status direct trixie   bookworm max"
  # negative control of the KASLR check: Debian's kexec-tools (in every mode)
  # given a DTB without kaslr-seed (kexec-tools only refreshes a seed the DTB
  # already has): stage 2 must come up *unrandomized*, or the check proves
  # nothing
  "a64_kaslr_control_noseed_bookworm_to_trixie_direct kaslr-control direct bookworm trixie n1"
  # ... and kexec-ng given the same seedless DTB (--dtb) writes a fresh seed
  "a64_dtb_noseed_trixie_to_bookworm_direct    dtb-noseed    direct trixie   bookworm n1"
  # a UKI (Machine 0xaa64, made by mkuki: the host's objcopy has no arm64 PE)
  # with the Image in .linux, the stage-2 initrd and a .cmdline holding the
  # token, loaded with no --initrd and no --append
  "a64_uki_bookworm_to_trixie_uefi       uki           uefi   bookworm trixie   n1"
  "a64_uki_trixie_to_bookworm_direct     uki           direct trixie   bookworm n1"
  # the same UKI with a .dtb: the guest's own tree (QEMU dumpdtb) plus a
  # marker property, which stage 2 must show in /proc/device-tree
  "a64_uki_dtb_trixie_to_bookworm_direct uki-dtb       direct trixie   bookworm n1"
  # failure atomicity (cases.sh's atomic_c; Debian's arm64 kernels have no
  # kexec_file_load): with a kernel loaded, loads that fail leave it loaded,
  # and kexec -e boots it
  "a64_atomic_c_trixie_to_bookworm_direct atomic-c      direct trixie   bookworm max"
)

# e2e_case_token_layers KIND K2 TOKEN DIR: layers made for one case's token.
e2e_case_token_layers() {
  case "$1" in
    uki) e2e_stage2_uki_layer "$2" "$3" "$4" 0xaa64 ;;
    uki-dtb) _e2e_marker_dtb "$4/marker.dtb" && e2e_stage2_uki_layer "$2" "$3" "$4" 0xaa64 "$4/marker.dtb" ;;
  esac
}

# _e2e_marker_dtb OUT: the DTB QEMU makes for the n1 direct-boot guest (same
# machine, CPU, memory and CPU count) with /kexec-ng-marker = "uki-dtb".
_e2e_marker_dtb() {
  "$E2E_QEMU" -M "virt,dumpdtb=$1" -cpu neoverse-n1 -accel tcg -m "$E2E_MEM" \
    -smp "$E2E_SMP" -nographic -monitor none -serial none -net none >/dev/null 2>&1 </dev/null
  fdtput -t s "$1" / kexec-ng-marker uki-dtb
}

# e2e_case_cpu CPU: the -cpu value of a table's CPU column.  E2E_FORCE_CPU
# runs every case on one CPU instead (an experiment: with
# E2E_FORCE_CPU=max,lpa2=off the kaslr-control case fails, because FEAT_RNG
# randomizes a kernel that got no seed).
e2e_case_cpu() {
  [ -n "${E2E_FORCE_CPU:-}" ] && { echo "$E2E_FORCE_CPU"; return; }
  case "$1" in
    n1) echo neoverse-n1 ;;
    max|'') echo "$E2E_ARM64_CPU" ;;
    *) echo "$1" ;;
  esac
}

# _e2e_k2f_layer NAME FORMAT: /k2/<file> made from kernel NAME's Image
# (gzip: Image.gz; zboot: vmlinuz.efi; elf: vmlinux.elf).  The wrappers are
# made by the dev build's wrap-kernel tool (built when missing); nothing here
# runs a kexec binary.
_e2e_k2f_layer() {
  local name=$1 fmt=$2 key out=$E2E_WORK/k2f-$1-$2.cpio.gz tool=$E2E_ROOT/build/dev/tests/unit/wrap-kernel
  key=$(e2e_kernel_package "$name")-$fmt-1
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/k2f-tree-$name-$fmt img
  img=$(e2e_kernel "$name")
  rm -rf "$t"; mkdir -p "$t/k2"
  if [ "$fmt" != gzip ]; then
    { [ -f "$E2E_ROOT/build/dev/build.ninja" ] || meson setup "$E2E_ROOT/build/dev" >/dev/null; } &&
      ninja -C "$E2E_ROOT/build/dev" tests/unit/wrap-kernel >/dev/null || return 1
  fi
  case "$fmt" in
    gzip) gzip -9 -n -c "$img" >"$t/k2/Image.gz" ;;
    zboot) "$tool" zboot zstd "$img" "$t/k2/vmlinuz.efi" >/dev/null || return 1 ;;
    elf) "$tool" elf "$E2E_ELF_EM" "$img" "$t/k2/vmlinux.elf" >/dev/null || return 1 ;;
  esac
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# _e2e_kaslr_control_layer: Debian's kexec-tools at /bin/kexec-tools and
# /k2/noseed.dtb: the DTB QEMU makes for the n1 direct-boot guest (dumpdtb,
# same machine, CPU, memory and CPU count) without kaslr-seed and rng-seed.
_e2e_kaslr_control_layer() {
  local key out=$E2E_WORK/kaslr-control.cpio.gz
  key=$(cat "$E2E_KTCACHE/version")-$E2E_MEM-$E2E_SMP-1
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/kaslr-control-tree
  rm -rf "$t"; mkdir -p "$t/k2"
  _e2e_add_kexec_tools "$t" /bin/kexec-tools
  "$E2E_QEMU" -M "virt,dumpdtb=$t/k2/noseed.dtb" -cpu neoverse-n1 -accel tcg -m "$E2E_MEM" \
    -smp "$E2E_SMP" -nographic -monitor none -serial none -net none >/dev/null 2>&1 </dev/null
  fdtget "$t/k2/noseed.dtb" /chosen kaslr-seed >/dev/null 2>&1 ||
    { echo "e2e: QEMU's DTB has no /chosen/kaslr-seed to remove" >&2; return 1; }
  fdtput -d "$t/k2/noseed.dtb" /chosen kaslr-seed &&
    fdtput -d "$t/k2/noseed.dtb" /chosen rng-seed || return 1
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_case_layers KIND K2: extra initramfs layers a case needs (paths).
e2e_case_layers() {
  case "$1" in
    gzip|zboot|elf) _e2e_k2f_layer "$2" "$1" ;;
    kaslr-control|dtb-noseed) _e2e_kaslr_control_layer ;;
  esac
}

# Host-side timeouts (seconds).  A two-kernel arm64 run takes ~25-45 s here
# (two at a time on two cores); the wrong-digest guest hangs by design and is
# stopped a few seconds after the purgatory's message.
e2e_case_timeout() {
  case "$1" in
    wrong-digest*) echo 120 ;;
    unload-status) echo 150 ;;
    *) echo 240 ;;
  esac
}

# Does the case apply to this mode ("ng" or "tools")?
# kexec-tools 2.0.25 (bookworm) has no --x-test-wrong-digest, does not know
# EFI zboot ("Cannot determine the file type") and refuses the synthetic ELF
# ("Invalid memory segment": it places PT_LOADs at their p_paddr).
e2e_case_applies() {
  local kind=$1 mode=$2
  # (dtb-noseed with kexec-tools is kaslr-control.)
  # (nor --digest, kexec-ng's own)
  [ "$mode" = tools ] && case "$kind" in wrong-digest*|*-sha256|zboot|elf|dtb-noseed|uki|uki-dtb|atomic-*) return 1 ;; esac
  return 0
}

# e2e_case_stage1_append KIND: extra words for stage 1's command line.
e2e_case_stage1_append() { :; }

# The file stage 1 loads for a kind.
_e2e_case_file() {
  case "$1" in
    gzip) echo /k2/Image.gz ;;
    zboot) echo /k2/vmlinuz.efi ;;
    elf) echo /k2/vmlinux.elf ;;
    uki|uki-dtb) echo /k2/uki.efi ;;
    *) echo /k2/vmlinuz ;;
  esac
}

# e2e_case_write KIND FW TOKEN FILE [MODE]: write /case.sh for the guest.
e2e_case_write() {
  local kind=$1 fw=$2 token=$3 f=$4 mode=${5:-ng}
  local file; file=$(_e2e_case_file "$kind")
  {
    e2e_case_head "$mode" "$token" "$file"
    case "$kind" in
      image|image-sha256|gzip|zboot|elf|nocheck-i|nocheck-long|dtb-noseed)
        local sw=
        case "$kind" in
          image-sha256) sw=--digest=sha256 ;;
          nocheck-i) sw=-i ;;
          nocheck-long) sw=--no-checks ;;
          dtb-noseed) sw=--dtb=/k2/noseed.dtb ;;
        esac
        echo "  run_cmd load \$KEXEC -c $sw -l \$K2 --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      uki|uki-dtb)
        # the UKI's own initrd and command line: no --initrd, no --append
        echo "  run_cmd load \$KEXEC -c -l $file || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      wrong-digest|wrong-digest-sha256)
        # On a UEFI (ACPI) boot the running DTB is the EFI stub's, without
        # stdout-path: the purgatory finds the PL011 in the ACPI SPCR table.
        local sw=; [ "$kind" = wrong-digest-sha256 ] && sw=" --digest=sha256"
        echo "  run_cmd load \$KEXEC -c$sw -l \$K2 --x-test-wrong-digest --append=\"\$APPEND2\" || return"
        echo '  run_cmd exec $KEXEC -e'
        ;;
      unload-status)
        e2e_case_unload_status
        ;;
      atomic-c)
        e2e_atomic_normal_case "$kind"
        echo '  run_cmd exec $KEXEC -e'
        ;;
      kaslr-control)
        echo '  run_cmd load /bin/kexec-tools -l $K2 --dtb=/k2/noseed.dtb --append="$APPEND2" || return'
        echo '  sysloaded load'
        echo '  run_cmd exec /bin/kexec-tools -e'
        ;;
    esac
    echo '  :'
    echo '}'
  } >"$f"
}

# _e2e_kaslr LOG STAGE: "state stext" of the kaslr line of STAGE.
_e2e_kaslr() {
  _e2e_lines "$1" | sed -n "s/^E2E: kaslr stage=$2 state=\([a-z]*\) stext=\([0-9a-f]*\).*/\1 \2/p" | head -n1
}

# _e2e_check_kaslr LOG: stage 2 was randomized ("KASLR enabled" and _stext
# away from the link address, which is 0xffff8000xxxxxxxx for Debian's 6.1
# (0xffff800008010000) and 6.12 (0xffff800080010000); a randomized one is at
# least 2^(VA_BITS-3) above 0xffff800000000000).
_e2e_check_kaslr() {
  local st stext
  read -r st stext <<<"$(_e2e_kaslr "$1" 2)"
  [ -n "$st" ] || { echo "stage 2 did not report KASLR"; return; }
  [ "$st" = enabled ] || { echo "stage 2 KASLR state '$st' (no kaslr-seed from the loader?), _stext=$stext"; return; }
  case "$stext" in
    ffff8000????????) echo "stage 2 _stext=$stext is the link address (not randomized)"; return ;;
    ffff*) ;;
    *) echo "stage 2 _stext '$stext' unreadable"; return ;;
  esac
}

# e2e_case_check KIND FW K1 K2 LOG TOKEN MODE QEMU_RC [CPU]
# Prints nothing when the case passed, else the reason.
e2e_case_check() {
  local kind=$1 fw=$2 k1=$3 k2=$4 log=$5 token=$6 mode=$7 qrc=$8 cpu=${9:-}
  local why rc
  why=$(e2e_check_stage1 "$log" "$k1" "$qrc")
  [ -z "$why" ] || { echo "$why"; return; }
  local fw1; fw1=$(_e2e_field "$log" stage1 fw)
  # init.sh says "efi" when /sys/firmware/efi exists, else "bios".
  case "$fw:$fw1" in direct:bios|uefi:efi) ;; *) echo "stage 1 firmware view is '$fw1' under $fw"; return ;; esac

  case "$kind" in
    image|image-sha256|gzip|zboot|elf|nocheck-*|kaslr-control|dtb-noseed|wrong-digest*|uki|uki-dtb)
      rc=$(_e2e_rc "$log" load)
      [ "$rc" = 0 ] || { echo "load exited ${rc:-<none>}: $(_e2e_out "$log" load | _e2e_brief)"; return; }
      case "$kind" in wrong-digest*) e2e_check_wrong_digest "$log"; return ;; esac
      # a UKI's command line is fixed before stage 1 runs (no memtotal1=)
      local fixed=0; case "$kind" in uki|uki-dtb) fixed=1 ;; esac
      why=$(e2e_check_exec "$log" "$token" "$k2" "$fw1" "$qrc" 0 "$fixed")
      [ -z "$why" ] || { echo "$why"; return; }
      if [ "$kind" = uki-dtb ]; then
        [ "$(_e2e_field "$log" stage2 dtmarker)" = uki-dtb ] ||
          { echo "stage 2's /proc/device-tree has no kexec-ng-marker from the UKI's .dtb (dtmarker='$(_e2e_field "$log" stage2 dtmarker)')"; return; }
      fi
      case "$kind" in
        kaslr-control)
          # The check must fail here, or it cannot tell a fresh seed from none.
          why=$(_e2e_check_kaslr "$log")
          [ -n "$why" ] || { echo "KASLR check passed without any kaslr-seed (stage 2: $(_e2e_kaslr "$log" 2)): it proves nothing on this CPU"; return; }
          ;;
        nocheck-*) ;;   # on max: FEAT_RNG randomizes any kernel
        *)
          [ "$cpu" = n1 ] || return
          why=$(_e2e_check_kaslr "$log")
          if [ "$mode" = tools ] && [ "$fw" = uefi ]; then
            # kexec-tools only refreshes a kaslr-seed the running DTB has; the
            # EFI stub's DTB has none (AAVMF offers no EFI_RNG_PROTOCOL here),
            # so its stage 2 is not randomized (measured): a second negative
            # control of the check.
            [ -n "$why" ] || { echo "kexec-tools on UEFI: stage 2 randomized ($(_e2e_kaslr "$log" 2)), expected no seed: the check may prove nothing"; return; }
            return
          fi
          [ -z "$why" ] || { echo "$why"; return; }
          ;;
      esac
      ;;
    atomic-c)
      why=$(e2e_check_atomic "$log" <<<"$(e2e_atomic_table "$kind")")
      [ -z "$why" ] || { echo "$why"; return; }
      e2e_check_exec "$log" "$token" "$k2" "$fw1" "$qrc"
      ;;
    unload-status)
      # pstatus1: `-p -S` asks about the crash kernel, which is never loaded.
      # loads: -s has no kexec_file_load on Debian's arm64 kernels (253).
      e2e_check_unload_status "$log" \
        "status0=0 loadc=0 status1=1 pstatus1=0 unloadc=0 status2=0 loads=253 status3=0" \
        "loadc=1 unloadc=0 loads=0"
      ;;
  esac
}
