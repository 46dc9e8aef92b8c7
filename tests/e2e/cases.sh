# shellcheck shell=bash
# shellcheck disable=SC2016,SC2015,SC2034  # guest script text is single-quoted on purpose
# The end-to-end cases: what stage 1 runs (/case.sh inside the guest) and how
# the host judges the serial log.  Sourced by tests/e2e/run.sh after lib.sh.
#
# Case table: NAME KIND FIRMWARE KERNEL1 KERNEL2 [CPU]
#   KERNEL1 boots first (QEMU -kernel); KERNEL2 is the one stage 1 loads.
#   CPU: QEMU's -cpu; none: QEMU's default (qemu64: no SSE4.2, so the
#   purgatory computes CRC32C with tables; with max, the crc32q instruction).
#   The purgatory's digest is CRC32C (the default) unless the kind ends in
#   -sha256 (--digest=sha256).
E2E_CASES=(
  # kexec_load (-c) then -e, both directions, both firmwares
  "exec_c_bookworm_to_trixie_seabios   exec-c        seabios bookworm trixie"
  # ... on -cpu max, where the purgatory's CRC32C is SSE4.2's crc32q, and
  # with --digest=sha256
  "exec_c_max_bookworm_to_trixie_seabios exec-c      seabios bookworm trixie   max"
  "exec_c_sha256_trixie_to_bookworm_seabios exec-c-sha256 seabios trixie bookworm"
  "exec_c_trixie_to_bookworm_seabios   exec-c        seabios trixie   bookworm"
  "exec_c_bookworm_to_trixie_ovmf      exec-c        ovmf    bookworm trixie"
  "exec_c_trixie_to_bookworm_ovmf      exec-c        ovmf    trixie   bookworm"
  # kexec_file_load (-s) then -e
  "exec_s_trixie_to_bookworm_seabios   exec-s        seabios trixie   bookworm"
  "exec_s_bookworm_to_trixie_seabios   exec-s        seabios bookworm trixie"
  "exec_s_trixie_to_bookworm_ovmf      exec-s        ovmf    trixie   bookworm"
  "exec_s_bookworm_to_trixie_ovmf      exec-s        ovmf    bookworm trixie"
  # purgatory must refuse a kernel whose digest does not match (kexec-ng only):
  # CRC32C (the default), SHA-256
  "wrong_digest_bookworm_seabios       wrong-digest  seabios bookworm trixie"
  "wrong_digest_sha256_trixie_ovmf     wrong-digest-sha256 ovmf trixie bookworm"
  # ... and says so on the VGA text screen with --console-vga (after
  # --reset-vga set text mode 3): the host reads 0xb8000 through the QEMU
  # monitor; the cases above must not have it there
  "wrong_digest_vga_bookworm_seabios   wrong-digest-vga seabios bookworm trixie"
  # -S reports a load, -u unloads it (both syscalls)
  "unload_status_bookworm_seabios      unload-status seabios bookworm trixie"
  "unload_status_trixie_seabios        unload-status seabios trixie   bookworm"
  "unload_status_trixie_ovmf           unload-status ovmf    trixie   bookworm"
  # lockdown=integrity: kexec_load refused; kexec_file_load of Debian's signed
  # kernel refused too (no platform keyring holds its signer)
  "lockdown_bookworm_seabios           lockdown      seabios bookworm trixie"
  "lockdown_trixie_seabios             lockdown      seabios trixie   bookworm"
  "lockdown_bookworm_ovmf              lockdown      ovmf    bookworm trixie"
  # Formats and the default syscall choice (kexec-ng only):
  # the ELF vmlinux inside the bzImage through the default -a (kexec_file_load
  # answers ENOEXEC, kexec-ng says so and falls back to kexec_load) ...
  "exec_elf_trixie_to_bookworm_seabios  exec-elf      seabios trixie   bookworm"
  "exec_elf_bookworm_to_trixie_ovmf     exec-elf      ovmf    bookworm trixie"
  # ... a gzip'ed bzImage unwrapped into a sealed memfd, through both syscalls ...
  "exec_gz_c_bookworm_to_trixie_seabios exec-gz-c     seabios bookworm trixie"
  "exec_gz_s_trixie_to_bookworm_ovmf    exec-gz-s     ovmf    trixie   bookworm"
  # ... --reuseinitrd: stage 1 (trixie 6.12: /sys/firmware/initrd) booted with
  # retain_initrd hands its own initrd on (kexec_file_load, a sealed memfd)
  "exec_reuseinitrd_trixie_to_bookworm_seabios exec-reuseinitrd seabios trixie bookworm"
  # ... plain `kexec K`: load, then shutdown -r now (a stand-in that runs kexec -e) ...
  "default_action_bookworm_to_trixie_seabios default-action seabios bookworm trixie"
  # ... -f: load and execute at once, never calling shutdown(8) ...
  "force_c_trixie_to_bookworm_seabios  exec-force    seabios trixie   bookworm"
  # ... and -i: the purgatory skips its check, so a wrong digest boots anyway.
  "no_checks_wrong_digest_bookworm_to_trixie_ovmf nocheck-wrong ovmf bookworm trixie"
  # -d asks the kernel to log the load too (KEXEC_FILE_DEBUG, 6.8+; KEXEC_DEBUG,
  # kexec-tools master): a 6.1 kernel says EINVAL to both flags, kexec-ng says
  # so and loads without them (-s, then -c, then -e)
  "debug_d_bookworm_to_trixie_seabios  exec-debug    seabios bookworm trixie"
  # --no-cma (KEXEC_FILE_NO_CMA, accepted from 6.18): trixie-backports' 7.x takes the flag;
  # 6.12 says EINVAL, kexec-ng says so and loads without it (6.12 never puts
  # segments in CMA); both then boot the new kernel
  "no_cma_s_backports_to_trixie_seabios exec-nocma    seabios backports trixie"
  "no_cma_s_trixie_to_bookworm_seabios exec-nocma     seabios trixie   bookworm"
  # A UKI made with objcopy from systemd's stub (.linux the Debian kernel,
  # .initrd the stage-2 initrd, .cmdline with the case's token), loaded with
  # no --initrd and no --append: stage 2 shows the UKI's token and marker.
  "uki_c_bookworm_to_trixie_seabios    exec-uki-c    seabios bookworm trixie"
  "uki_s_trixie_to_bookworm_ovmf       exec-uki-s    ovmf    trixie   bookworm"
  # A multi-profile UKI (made by tests/tools/mkuki.c): the base .cmdline and
  # profile 0's carry wrong tokens, profile 1's the case's; loaded with
  # --uki-profile=@1 (systemd-boot's spelling), stage 2 must show profile 1's
  "uki_profile_c_trixie_to_bookworm_seabios exec-uki-profile seabios trixie bookworm"
  # Failure atomicity (kexec(8), WHAT A FAILED LOAD LEAVES LOADED): with a
  # kernel loaded, loads that fail (files missing, truncated or no kernel,
  # contradictory options, a plan that does not fit, SIGINT and SIGTERM
  # while kexec waits for its initrd, the kernel's own refusal, then
  # kexec_load_disabled) leave it loaded, and kexec -e boots it: through
  # kexec_load on 6.1 and kexec_file_load on 6.12 (the crash kernel's
  # counterparts are kdump.sh's atomic cases)
  "atomic_c_bookworm_to_trixie_seabios  atomic-c      seabios bookworm trixie"
  "atomic_s_trixie_to_bookworm_seabios  atomic-s      seabios trixie   bookworm"
  # The 32-bit entry: Debian's memtest86+ (its .bin, a bzImage that is not
  # relocatable: code32_start 0x100000), loaded at its fixed address with
  # console=ttyS0,115200 and entered in 32-bit protected mode by the
  # purgatory; memtest's own screen must come up on the serial console,
  # showing the guest's RAM (the e820 map in boot_params). The default -a
  # must say why it goes straight to kexec_load. Stopped once memtest tests.
  "exec_memtest_bookworm_seabios       exec-memtest  seabios bookworm bookworm"
  # ... and from a UEFI-booted 6.12 (OVMF): the same exit from long mode
  "exec_memtest_trixie_ovmf            exec-memtest  ovmf    trixie   trixie"
  # ... and a Linux bzImage through that entry with --entry-32bit (startup_32,
  # boot_params in ESI): stage 2 must show the usual token, initrd and memory
  "exec_c32_bookworm_to_trixie_seabios exec-c32      seabios bookworm trixie"
  # elf-x86: a 32-bit ELF (tests/e2e/elf32.S, built here with gcc -m32) that
  # prints what it was handed: ELF boot notes (the default --args-elf, through
  # -a, which must say why it uses kexec_load), boot_params (--args-linux),
  # nothing (--args-none); the command line it prints carries the case's token
  "exec_elf32_notes_bookworm_seabios   exec-elf32-elf   seabios bookworm bookworm"
  "exec_elf32_linux_trixie_seabios     exec-elf32-linux seabios trixie   trixie"
  "exec_elf32_none_bookworm_seabios    exec-elf32-none  seabios bookworm bookworm"
  # multiboot (tests/e2e/multiboot/): a tiny Multiboot v1 kernel built here
  # prints its boot information (magic, memory fields and map = the guest's,
  # command line, a module); Debian's Xen 4.17 (Multiboot2) with the Debian
  # kernel and the stage-2 initrd as modules: its banner, its memory map =
  # the guest's, dom0 built and started (stopped there: the PV dom0 faults
  # early under TCG with either loader)
  "exec_mb1_bookworm_seabios           exec-mb1      seabios bookworm bookworm"
  "exec_xen_bookworm_seabios           exec-xen      seabios bookworm bookworm"
)
. "$E2E_DIR/multiboot/multiboot.sh"

# e2e_elf32_layer: /k2/elf32, tests/e2e/elf32.S linked at 2 MiB as a
# 32-bit ELF (gcc -m32 -nostdlib: no 32-bit libc needed).
e2e_elf32_layer() {
  local key out=$E2E_WORK/elf32.cpio.gz t=$E2E_WORK/elf32-tree
  key=$(_e2e_sha "$E2E_DIR/elf32.S")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  rm -rf "$t"; mkdir -p "$t/k2"
  gcc -m32 -nostdlib -static -no-pie -Wl,-Ttext=0x200000 -Wl,--build-id=none \
    -o "$t/k2/elf32" "$E2E_DIR/elf32.S" >&2 || return 1
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_check_elf32 LOG KIND TOKEN: the 32-bit ELF said what it was handed,
# with the case's command line; the -a load said why it used kexec_load.
e2e_check_elf32() {
  local log=$1 kind=$2 token=$3 text want
  text=$(tr -d '\r' <"$log")
  [ "$(_e2e_rc "$log" load)" = 0 ] || { echo "kexec -l elf32 exited $(_e2e_rc "$log" load): $(_e2e_out "$log" load | _e2e_brief)"; return; }
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_loaded is not 1 after the load"; return; }
  case "$kind" in
    exec-elf32-elf)
      grep -aq "a 32-bit ELF, which no kexec_file_load loader takes: loading with kexec_load" <<<"$(_e2e_out "$log" load)" ||
        { echo "the default -a load did not say why it used kexec_load: $(_e2e_out "$log" load | _e2e_brief)"; return; }
      want="E2E-ELF32: notes cmdline=console=ttyS0 token=$token" ;;
    exec-elf32-linux) want="E2E-ELF32: boot_params cmdline=console=ttyS0 token=$token" ;;
    *) want="E2E-ELF32: no arguments" ;;
  esac
  grep -aqxF "$want" <<<"$text" ||
    { echo "no '$want' on the serial console (exec rc=$(_e2e_rc "$log" exec)): $(grep -a 'E2E-ELF32' <<<"$text" | _e2e_brief) $(_e2e_tail "$log")"; return; }
}

# e2e_memtest_layer: /k2/memtest.bin, bookworm's memtest86+x64.bin.
e2e_memtest_layer() {
  local key out=$E2E_WORK/memtest.cpio.gz t=$E2E_WORK/memtest-tree
  key=$(cat "$(dirname "$E2E_MEMTEST")/version")-$(_e2e_sha "$E2E_MEMTEST")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  [ -f "$E2E_MEMTEST" ] || { echo "e2e: $E2E_MEMTEST missing (scripts/fetch-kernels.sh)" >&2; return 1; }
  rm -rf "$t"; mkdir -p "$t/k2"
  cp "$E2E_MEMTEST" "$t/k2/memtest.bin"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_case_stop KIND: the serial log's sign that a guest that never powers
# off has shown enough (run.sh stops QEMU a few seconds later).
e2e_case_stop() {
  case "$1" in
    # memtest86+'s first test running: its banner and memory line came before
    exec-memtest) echo 'Address test' ;;
    exec-elf32-*) echo 'E2E-ELF32: .*[a-z]' ;;
    exec-mb1) echo 'E2E-MB1: end' ;;
    exec-xen) echo 'Command line: console=hvc0' ;;
  esac
}

# e2e_check_memtest LOG MODE: memtest86+ came up on the serial console after
# kexec -e: its banner, the RAM it found (within 10% below the guest's
# E2E_MEM: the e820 map of boot_params), its first test; and (kexec-ng) the
# default -a said it went to kexec_load.
e2e_check_memtest() {
  local log=$1 mode=$2 text mb want
  text=$(tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]/\n/g')
  if [ "$mode" = ng ]; then
    [ "$(_e2e_rc "$log" loada)" = 0 ] || { echo "kexec -l (-a) of memtest.bin exited $(_e2e_rc "$log" loada): $(_e2e_out "$log" loada | _e2e_brief)"; return; }
    grep -aq "relocatable_kernel (at 0x234) is 0: it runs only at 0x100000.*loading with kexec_load" <<<"$(_e2e_out "$log" loada)" ||
      { echo "the default -a load did not say why it used kexec_load: $(_e2e_out "$log" loada | _e2e_brief)"; return; }
  fi
  [ "$(_e2e_rc "$log" load)" = 0 ] || { echo "kexec -c -l memtest.bin exited $(_e2e_rc "$log" load): $(_e2e_out "$log" load | _e2e_brief)"; return; }
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_loaded is not 1 after the load"; return; }
  grep -aqE 'Memtest86\+ v[0-9]' <<<"$text" ||
    { echo "no memtest86+ banner on the serial console (exec rc=$(_e2e_rc "$log" exec)): $(_e2e_tail "$log")"; return; }
  mb=$(grep -aoE 'Memory  : +[0-9]+MB' <<<"$text" | head -n1 | grep -oE '[0-9]+')
  case "$E2E_MEM" in *G) want=$(( ${E2E_MEM%G} * 1024 )) ;; *M) want=${E2E_MEM%M} ;; *) want=$E2E_MEM ;; esac
  [ -n "$mb" ] && [ "$mb" -le "$want" ] && [ $((mb * 10)) -ge $((want * 9)) ] ||
    { echo "memtest86+ found ${mb:-no} MB of RAM, expected 90-100% of $want MB (boot_params' e820 map)"; return; }
  grep -aq 'Address test' <<<"$text" || { echo "memtest86+ came up but ran no test"; return; }
}

# e2e_case_token_layers KIND K2 TOKEN DIR: layers made for one case's token.
e2e_case_token_layers() {
  case "$1" in
    # a .ucode (an early microcode cpio with a marker) before .initrd
    exec-uki-profile)
      _e2e_ucode_cpio "$4/ucode.cpio" || return 1
      printf 'ID=profile-0\n' >"$4/profile0"; printf 'ID=profile-1\n' >"$4/profile1"
      echo "$E2E_CONSOLE stage=2 token=not-profile-1" >"$4/cmdline0"
      echo "$E2E_CONSOLE stage=2 token=$3" >"$4/cmdline1"
      E2E_UKI_EXTRA=".ucode=$4/ucode.cpio .profile=$4/profile0 .cmdline=$4/cmdline0 .profile=$4/profile1 .cmdline=$4/cmdline1" \
        e2e_uki_layer "$(e2e_kernel "$2")" "$E2E_WORK/stage2-initrd.img" "$E2E_CONSOLE stage=2 token=base-section" "$4" 0x8664 ;;
    exec-uki-*) _e2e_ucode_cpio "$4/ucode.cpio" && E2E_UKI_UCODE=$4/ucode.cpio e2e_stage2_uki_layer "$2" "$3" "$4" ;;
  esac
}

# e2e_case_layers KIND K2: extra initramfs layers a case needs (paths).
e2e_case_layers() {
  case "$1" in
    exec-elf|exec-gz-*) e2e_k2x_layer "$2" ;;
    # /k2/vmlinux.elf: a kernel kexec_file_load refuses (x86_64 has only
    # the bzImage loader) that kexec-ng's own checks accept
    atomic-s) e2e_k2x_layer "$2" ;;
    exec-memtest) e2e_memtest_layer ;;
    exec-elf32-*) e2e_elf32_layer ;;
    exec-mb1) e2e_mb1_layer ;;
    exec-xen) e2e_xen_layer ;;
  esac
}

# Host-side timeouts (seconds).  A whole two-kernel run takes 11-15 s with
# SeaBIOS and ~15-30 s with OVMF on this machine; the wrong-digest guest hangs
# by design, and is stopped a few seconds after the purgatory's message.
e2e_case_timeout() {
  case "$1" in
    wrong-digest*) echo 75 ;;
    exec-xen) echo 300 ;;
    exec-*|default-action|nocheck-wrong) echo 150 ;;
    atomic-*) echo 240 ;;
    *) echo 100 ;;
  esac
}

# e2e_case_cpu CPU: the table's CPU column is QEMU's -cpu as it is.
e2e_case_cpu() { [ "${1:--}" = - ] || echo "$1"; }

# Does the case apply to this mode ("ng" or "tools")?
e2e_case_applies() {
  local kind=$1 mode=$2
  [ "$mode" = tools ] && case "$kind" in
    # (bookworm's kexec-tools 2.0.25 predates UKI support)
    # (nor --digest, kexec-ng's own; the atomic cases check kexec-ng's
    # messages and use its test switch)
    # (nor is --entry-32bit through kexec-tools' bzImage64 loader checked here;
    # kexec-tools refuses --reuseinitrd on x86: "not implemented on this architecture")
    wrong-digest*|nocheck-wrong|exec-elf|exec-gz-*|exec-uki-*|exec-debug|exec-nocma|exec-c-sha256|exec-c32|exec-elf32-*|exec-reuseinitrd|default-action|atomic-*) return 1 ;;
  esac
  return 0
}

# e2e_case_stage1_append KIND: extra words for stage 1's command line.
e2e_case_stage1_append() {
  case "$1" in
    lockdown) echo "lockdown=integrity" ;;
    exec-reuseinitrd) echo "retain_initrd" ;;
  esac
}

# e2e_case_write KIND FW TOKEN FILE: write /case.sh for the guest.
e2e_case_write() {
  local kind=$1 fw=$2 token=$3 f=$4 mode=${5:-ng}
  {
    e2e_case_head "$mode" "$token" /k2/vmlinuz
    case "$kind" in
      exec-c|exec-s|exec-c-sha256|exec-c32)
        local sw=-c
        case "$kind" in exec-s) sw=-s ;; exec-c-sha256) sw="-c --digest=sha256" ;; exec-c32) sw="-c --entry-32bit" ;; esac
        echo "  run_cmd load \$KEXEC $sw -l \$K2 --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-nocma)
        echo "  run_cmd load \$KEXEC -s --no-cma -l \$K2 --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-debug)
        echo "  run_cmd loads \$KEXEC -s -d -l \$K2 --append=\"\$APPEND2\" || return"
        echo '  run_cmd unloads $KEXEC -u'
        echo "  run_cmd load \$KEXEC -c -d -l \$K2 --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      wrong-digest|wrong-digest-sha256|wrong-digest-vga|nocheck-wrong)
        local sw=
        case "$kind" in
          nocheck-wrong) sw=" -i" ;; wrong-digest-sha256) sw=" --digest=sha256" ;;
          wrong-digest-vga) sw=" --console-vga --reset-vga" ;;
        esac
        echo "  run_cmd load \$KEXEC -c$sw -l \$K2 --x-test-wrong-digest --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-force)
        # A shutdown(8) that only says it was called: -f must not call it.
        echo '  mkdir -p /sbin'
        echo '  printf "#!/bin/sh\nexec >/dev/console 2>&1\necho \"E2E: shutdown called \$*\"\nexit 1\n" >/sbin/shutdown'
        echo '  chmod +x /sbin/shutdown'
        echo '  run_cmd load $KEXEC -f -c $K2 --append="$APPEND2"'
        ;;
      exec-reuseinitrd)
        echo "  run_cmd load \$KEXEC -s -l /k2/vmlinuz --reuseinitrd --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-uki-profile)
        echo '  run_cmd load $KEXEC -c --uki-profile=@1 -l /k2/uki.efi || return'
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-uki-c|exec-uki-s)
        # the UKI's own initrd and command line: no --initrd, no --append
        local sw=-c; [ "$kind" = exec-uki-s ] && sw=-s
        echo "  run_cmd load \$KEXEC $sw -l /k2/uki.efi || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-elf|exec-gz-c|exec-gz-s)
        local file=vmlinuz.gz sw=-c
        # --args-linux: what kdump-tools' kdump-config adds for an ELF kernel
        case "$kind" in exec-elf) file=vmlinux.elf sw=--args-linux ;; exec-gz-s) sw=-s ;; esac
        echo "  run_cmd load \$KEXEC $sw -l /k2/$file --initrd=/k2/initrd.img --append=\"\$APPEND2\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      default-action)
        # shutdown(8) stand-in: what init scripts would do, in one step.
        echo '  mkdir -p /sbin'
        # (it runs inside run_cmd's capture: it writes to the console itself)
        echo '  printf "#!/bin/sh\nexec >/dev/console 2>&1\necho \"E2E: shutdown called \$*\"\necho \"E2E: sys load=\$(cat /sys/kernel/kexec_loaded)\"\nexec /bin/kexec -e\n" >/sbin/shutdown'
        echo '  chmod +x /sbin/shutdown'
        echo '  run_cmd load $KEXEC $K2 --append="$APPEND2"'
        ;;
      unload-status)
        e2e_case_unload_status
        echo '  run_cmd unloads $KEXEC -u'
        echo '  sysloaded unloads'
        echo '  run_cmd status4 $KEXEC $STATUS'
        ;;
      lockdown)
        echo '  run_cmd loadc $KEXEC -c -l $K2 --append="$APPEND2"'
        echo '  sysloaded loadc'
        echo '  run_cmd loads $KEXEC -s -l $K2 --append="$APPEND2"'
        echo '  sysloaded loads'
        ;;
      atomic-c|atomic-s)
        e2e_atomic_normal_case "$kind"
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-elf32-*)
        local args=
        case "$kind" in exec-elf32-linux) args=" -c --args-linux" ;; exec-elf32-none) args=" -c --args-none" ;; esac
        echo "  run_cmd load \$KEXEC$args -l /k2/elf32 --command-line=\"console=ttyS0 token=\$TOKEN\" || return"
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
      exec-mb1|exec-xen) e2e_mb_write "$kind" "$mode" ;;
      exec-memtest)
        # the default (-a) first: it must say why it goes to kexec_load
        if [ "$mode" = ng ]; then
          echo '  run_cmd loada $KEXEC -l /k2/memtest.bin --command-line="console=ttyS0,115200" || return'
          echo '  run_cmd unloada $KEXEC -u'
        fi
        echo '  run_cmd load $KEXEC -c -l /k2/memtest.bin --command-line="console=ttyS0,115200" || return'
        echo '  sysloaded load'
        echo '  run_cmd exec $KEXEC -e'
        ;;
    esac
    echo '  :'
    echo '}'
  } >"$f"
}

# e2e_case_check KIND FW K1 K2 LOG TOKEN MODE QEMU_RC
# Prints nothing when the case passed, else the reason.
e2e_case_check() {
  local kind=$1 fw=$2 k1=$3 k2=$4 log=$5 token=$6 mode=$7 qrc=$8
  local why rc out
  why=$(e2e_check_stage1 "$log" "$k1" "$qrc")
  [ -z "$why" ] || { echo "$why"; return; }
  local fw1; fw1=$(_e2e_field "$log" stage1 fw)
  case "$fw:$fw1" in seabios:bios|ovmf:efi) ;; *) echo "stage 1 firmware is '$fw1' under $fw"; return ;; esac

  case "$kind" in
    exec-memtest)
      e2e_check_memtest "$log" "$mode"
      ;;
    exec-elf32-*)
      e2e_check_elf32 "$log" "$kind" "$token"
      ;;
    exec-mb1) e2e_check_mb1 "$log" "$token" "$mode" ;;
    exec-xen) e2e_check_xen "$log" "$token" "$mode" ;;
    exec-*|wrong-digest*|nocheck-wrong|default-action)
      rc=$(_e2e_rc "$log" load)
      if [ "$kind" = default-action ]; then
        # kexec never returns here: it execs shutdown, which runs kexec -e.
        grep -aq "^E2E: shutdown called -r now\$" <<<"$(_e2e_lines "$log")" ||
          { echo "plain 'kexec K' did not run 'shutdown -r now' (load rc=${rc:-none}): $(_e2e_out "$log" load | _e2e_brief)"; return; }
        rc=0
      fi
      if [ "$kind" = exec-force ]; then
        # kexec -f never returns: it executes the kernel it just loaded.
        ! grep -aq "^E2E: shutdown called" <<<"$(_e2e_lines "$log")" ||
          { echo "kexec -f called shutdown(8)"; return; }
        [ -z "$rc" ] || { echo "kexec -f returned (exit $rc): $(_e2e_out "$log" load | _e2e_brief)"; return; }
        rc=0
      fi
      if [ "$kind" = exec-debug ]; then
        [ "$(_e2e_rc "$log" loads)" = 0 ] || { echo "-s -d load exited $(_e2e_rc "$log" loads): $(_e2e_out "$log" loads | _e2e_brief)"; return; }
        grep -aq "said EINVAL with KEXEC_FILE_DEBUG (-d).*trying again without it" <<<"$(_e2e_out "$log" loads)" ||
          { echo "-s -d on 6.1 did not say it retried without KEXEC_FILE_DEBUG: $(_e2e_out "$log" loads | _e2e_brief)"; return; }
        grep -aq "said EINVAL with KEXEC_DEBUG (-d).*trying again without it" <<<"$(_e2e_out "$log" load)" ||
          { echo "-c -d did not say it retried without KEXEC_DEBUG: $(_e2e_out "$log" load | _e2e_brief)"; return; }
      fi
      if [ "$kind" = exec-nocma ]; then
        # (grep reads a here-string: a pipe into grep -q breaks under pipefail)
        out=$(_e2e_out "$log" load)
        if [ "$k1" = backports ]; then
          ! grep -aq "KEXEC_FILE_NO_CMA" <<<"$out" ||
            { echo "7.x refused KEXEC_FILE_NO_CMA: $(_e2e_brief <<<"$out")"; return; }
        else
          grep -aq "said EINVAL with KEXEC_FILE_NO_CMA (--no-cma).*trying again without it" <<<"$out" ||
            { echo "-s --no-cma on $k1 did not say it retried without KEXEC_FILE_NO_CMA: $(_e2e_brief <<<"$out")"; return; }
        fi
      fi
      if [ "$kind" = exec-elf ]; then
        grep -aq "falling back to kexec_load" <<<"$(_e2e_out "$log" load)" ||
          { echo "the default -a load of an ELF vmlinux did not say it fell back to kexec_load: $(_e2e_out "$log" load | _e2e_brief)"; return; }
      fi
      if [ "$rc" != 0 ]; then
        echo "load exited ${rc:-<none>}: $(_e2e_out "$log" load | _e2e_brief)"; return
      fi
      case "$kind" in
        wrong-digest*)
          why=$(e2e_check_wrong_digest "$log")
          [ -z "$why" ] || { echo "$why"; return; }
          e2e_check_vga_digest "$log.vga" "$([ "$kind" = wrong-digest-vga ] && echo 1 || echo 0)"
          return ;;
      esac
      local unseen=0 fixed=0; [ "$kind" = exec-force ] && unseen=1
      local E2E_STAGE2_INITRD=; [ "$kind" = exec-reuseinitrd ] && E2E_STAGE2_INITRD=stage1
      case "$kind" in exec-uki-*) fixed=1 ;; esac
      case "$kind" in
        exec-uki-*)
          # the UKI's .ucode went before its .initrd: stage 2's rootfs has it
          [ "$(_e2e_field "$log" stage2 ucode)" = kexec-ng-ucode ] ||
            { echo "stage 2 has no kernel/x86/microcode/GenuineIntel.bin from the UKI's .ucode (ucode='$(_e2e_field "$log" stage2 ucode)')"; return; } ;;
      esac
      e2e_check_exec "$log" "$token" "$k2" "$fw1" "$qrc" $unseen $fixed
      ;;
    unload-status)
      # pstatus1: `-p -S` asks about the crash kernel, which is never loaded.
      e2e_check_unload_status "$log" \
        "status0=0 loadc=0 status1=1 pstatus1=0 unloadc=0 status2=0 loads=0 status3=1 unloads=0 status4=0" \
        "loadc=1 unloadc=0 loads=1 unloads=0"
      ;;
    atomic-c|atomic-s)
      why=$(e2e_check_atomic "$log" <<<"$(e2e_atomic_table "$kind")")
      [ -z "$why" ] || { echo "$why"; return; }
      # stage 2 shows the case's token: the first load's, no later one's
      e2e_check_exec "$log" "$token" "$k2" "$fw1" "$qrc"
      ;;
    lockdown)
      local ld; ld=$(_e2e_field "$log" stage1 lockdown)
      [ "$ld" = integrity ] ||
        { echo "stage 1 not locked down (lockdown=$ld; harness problem)"; return; }
      # kexec-tools does not mention lockdown; in --kexec-tools mode the
      # harness only checks that the kernel refused with EPERM.
      local why="lockdown|locked down"; [ "$mode" = tools ] && why="Operation not permitted"
      rc=$(_e2e_rc "$log" loadc)
      out=$(_e2e_out "$log" loadc)
      [ "$rc" = 255 ] || { echo "kexec -c -l under lockdown exited ${rc:-<none>}, expected 255: $(_e2e_brief <<<"$out")"; return; }
      grep -qiE "$why" <<<"$out" || { echo "kexec -c -l under lockdown does not say '$why': $(_e2e_brief <<<"$out")"; return; }
      [ "$(_e2e_field "$log" sys loadc)" = 0 ] || { echo "something is loaded after the refused -c load"; return; }
      # Debian's kernels are signed for shim's keys, which neither SeaBIOS
      # nor OVMF with its empty variable store (no Secure Boot, empty db)
      # puts in the platform keyring: the file syscall refuses them too.
      rc=$(_e2e_rc "$log" loads)
      out=$(_e2e_out "$log" loads)
      [ -n "$rc" ] && [ "$rc" != 0 ] || { echo "kexec -s -l of the signed kernel under lockdown on $fw exited ${rc:-<none>}, expected failure: $(_e2e_brief <<<"$out")"; return; }
      grep -qiE "$why" <<<"$out" || { echo "kexec -s -l under lockdown does not say '$why': $(_e2e_brief <<<"$out")"; return; }
      [ "$(_e2e_field "$log" sys loads)" = 0 ] || { echo "something is loaded after the refused -s load"; return; }
      ;;
  esac
}
