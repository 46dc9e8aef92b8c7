# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by run.sh, cases.sh and bench.sh
# Library of the kexec-ng QEMU end-to-end harness (sourced by tests/e2e/run.sh
# and scripts/bench.sh).  Nothing here runs a kexec binary on the host: the
# binaries under test are only copied into guest initramfs images.
#
# Architectures (e2e_set_arch; run.sh --arch): x86_64 (the default), arm64
# and riscv64.
#
# Layout:
#   .cache/kernels/<name>-<amd64|arm64>/vmlinuz   kernels (scripts/fetch-kernels.sh)
#   .cache/kexec-tools/, .cache/kexec-tools-arm64/ Debian's kexec-tools + its libraries
#   .cache/busybox-arm64/busybox                  busybox-static for the arm64 guests
#   build/e2e-work/, build/e2e-work/arm64/        cached initramfs layers, per-run files
#   build/e2e-logs/<case>.log, .../arm64/<case>.log  serial log of each case
#
# A guest's initramfs is a concatenation of gzip'ed newc cpio layers (the
# kernel unpacks concatenated archives in order):
#   base       busybox-static + applet links + /init (tests/e2e/init.sh)   cached
#              + /guest-lib.sh (tests/e2e/guest-lib.sh: what the guests'
#              /init scripts share)
#   k2-<name>  /k2/vmlinuz + /k2/initrd.img (the stage-2 initrd)           cached
#   kexec      /bin/kexec under test (+ libraries when dynamic)            per run
#   case       /case.sh (the stage-1 commands)                             per case
# The stage-2 initrd is base + /stage2-marker (a random token made once and
# cached; the host knows it, stage 1 cannot see it).

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_WORK_ROOT=${E2E_WORK:-$E2E_ROOT/build/e2e-work}
E2E_LOGS_ROOT=${E2E_LOGS:-$E2E_ROOT/build/e2e-logs}
E2E_KCACHE=$E2E_ROOT/.cache/kernels
E2E_OVMF_CODE=${E2E_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
E2E_OVMF_VARS=${E2E_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
E2E_AAVMF_CODE=${E2E_AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
E2E_AAVMF_VARS=${E2E_AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
# arm64 guests: QEMU virt under TCG.  LPA2 off: with it, Debian's 6.12 oopses
# on every kexec_load (testing-in-qemu.md).  A case may name another CPU
# (cases-arm64.sh: neoverse-n1 has no FEAT_RNG, so KASLR can only come from
# the kaslr-seed the loader writes).  pauth-impdef=on: pointer
# authentication with QEMU's cheap IMPLEMENTATION DEFINED algorithm, not
# QARMA5, whose emulation doubles a boot of Debian's kernel (measured: the
# a64_no_checks_i case 37 s -> 19 s).
E2E_ARM64_CPU=${E2E_ARM64_CPU:-max,lpa2=off,pauth-impdef=on}
# riscv64 guests: QEMU virt, OpenSBI from QEMU's firmware (-bios default).
E2E_OPENSBI=${E2E_OPENSBI:-/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin}
E2E_MEM=${E2E_MEM:-1G}
E2E_SMP=${E2E_SMP:-1}
# Allowed |MemTotal(stage 2) - MemTotal(stage 1)|: the two kernels reserve
# different amounts for themselves (6.1 vs 6.12 differ by ~7 MiB at 1 GiB).
E2E_MEMDIFF_KB=${E2E_MEMDIFF_KB:-16384}
_E2E_BUSYBOX_ENV=${E2E_BUSYBOX:-}
_E2E_CONSOLE_ENV=${E2E_CONSOLE:-}
# Kernel command line of both stages: console=<the arch's serial port> plus
# E2E_CMDLINE.  "quiet" (loglevel 4: warnings, errors and panics still show)
# makes a case ~15% faster than a full boot log on the emulated 8250; run.sh
# --kernel-log drops it.  E2E_CONSOLE from the environment replaces it all.
E2E_CMDLINE=${E2E_CMDLINE:-"panic=-1 quiet"}
E2E_SUCCESS=KEXEC-NG-STAGE2-SUCCESS
# x86_64: bookworm's memtest86+ (scripts/fetch-kernels.sh), the 32-bit entry's case
E2E_MEMTEST=$E2E_ROOT/.cache/memtest86+/memtest86+x64.bin
E2E_DIGEST_MSG="kexec-ng purgatory: digest mismatch"

# e2e_set_arch x86_64|arm64: everything that differs between the guests'
# architectures.  lib.sh starts with x86_64; run.sh --arch and bench.sh
# --arch call it again.
e2e_set_arch() {
  E2E_KERNELS="bookworm trixie"
  case "$1" in
    x86_64|amd64)
      # backports: trixie-backports' 7.x, for the 6.18+ kexec_file flags
      E2E_KERNELS="bookworm trixie backports"
      E2E_ARCH=x86_64 E2E_DEB_ARCH=amd64 E2E_QEMU=qemu-system-x86_64 E2E_TTY=ttyS0
      E2E_FIRMWARES="seabios ovmf"
      E2E_WORK=$E2E_WORK_ROOT E2E_LOGS=$E2E_LOGS_ROOT
      E2E_KTCACHE=$E2E_ROOT/.cache/kexec-tools
      E2E_BUSYBOX=${_E2E_BUSYBOX_ENV:-/bin/busybox}
      E2E_ELF_MACHINE="Advanced Micro Devices X86-64" ;;
    arm64|aarch64)
      E2E_ARCH=arm64 E2E_DEB_ARCH=arm64 E2E_QEMU=qemu-system-aarch64 E2E_TTY=ttyAMA0
      # direct: QEMU loads the Image and its own DTB (with a kaslr-seed);
      # uefi: AAVMF boots the Image through its EFI stub.
      E2E_FIRMWARES="direct uefi"
      E2E_WORK=$E2E_WORK_ROOT/arm64 E2E_LOGS=$E2E_LOGS_ROOT/arm64
      E2E_KTCACHE=$E2E_ROOT/.cache/kexec-tools-arm64
      E2E_BUSYBOX=${_E2E_BUSYBOX_ENV:-$E2E_ROOT/.cache/busybox-arm64/busybox}
      E2E_ELF_MACHINE=AArch64 E2E_ELF_EM=183 ;;
    riscv64)
      E2E_ARCH=riscv64 E2E_DEB_ARCH=riscv64 E2E_QEMU=qemu-system-riscv64 E2E_TTY=ttyS0
      # direct: OpenSBI (QEMU's -bios default) enters the Image with QEMU's
      # DTB.  Only trixie has a riscv64 kernel (bookworm has no riscv64
      # archive), and Debian has no riscv64 kexec-tools: ng mode only.
      E2E_FIRMWARES="direct" E2E_KERNELS="trixie"
      E2E_WORK=$E2E_WORK_ROOT/riscv64 E2E_LOGS=$E2E_LOGS_ROOT/riscv64
      E2E_KTCACHE=
      E2E_BUSYBOX=${_E2E_BUSYBOX_ENV:-$E2E_ROOT/.cache/busybox-riscv64/busybox}
      E2E_ELF_MACHINE=RISC-V E2E_ELF_EM=243 ;;
    *) e2e_die "unknown architecture '$1' (x86_64, arm64 or riscv64)" ;;
  esac
  # x86_64: no_timer_check, because under TCG on a loaded host the kernel's
  # IO-APIC timer check can fail ("8254 timer not connected") and the guest
  # never reaches init; it says nothing about the loader.
  local extra=
  [ "$E2E_ARCH" = x86_64 ] && extra=" no_timer_check"
  E2E_CONSOLE=${_E2E_CONSOLE_ENV:-"console=$E2E_TTY $E2E_CMDLINE$extra"}
}

e2e_die() { echo "e2e: error: $*" >&2; exit 2; }
e2e_log() { [ -n "${E2E_QUIET:-}" ] || echo "e2e: $*" >&2; }
e2e_set_arch "${E2E_ARCH:-x86_64}"

e2e_random_token() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# --- kernels ------------------------------------------------------------------
e2e_kernel() { echo "$E2E_KCACHE/$1-$E2E_DEB_ARCH/vmlinuz"; }
e2e_kernel_version() { cat "$E2E_KCACHE/$1-$E2E_DEB_ARCH/version"; }
e2e_kernel_package() { cat "$E2E_KCACHE/$1-$E2E_DEB_ARCH/package"; }

e2e_need_kernels() {
  local k missing=0 tool fw
  for tool in "$E2E_QEMU" cpio gzip readelf /bin/busybox; do
    command -v "$tool" >/dev/null 2>&1 || e2e_die "$tool not found: run scripts/setup-deps.sh"
  done
  case "$E2E_ARCH" in
    x86_64) fw=$E2E_OVMF_CODE ;;
    arm64) fw=$E2E_AAVMF_CODE ;;
    riscv64) fw=$E2E_OPENSBI ;;
  esac
  [ -f "$fw" ] || e2e_die "$fw not found: run scripts/setup-deps.sh"
  for k in $E2E_KERNELS; do [ -f "$(e2e_kernel $k)" ] || missing=1; done
  [ -z "$E2E_KTCACHE" ] || [ -x "$E2E_KTCACHE/sbin/kexec" ] || missing=1
  [ "$E2E_ARCH" != x86_64 ] || [ -f "$E2E_ROOT/.cache/systemd-boot-efi/linuxx64.efi.stub" ] || missing=1
  [ "$E2E_ARCH" != x86_64 ] || [ -f "$E2E_MEMTEST" ] || missing=1
  [ -f "$E2E_BUSYBOX" ] || missing=1
  if [ $missing = 1 ]; then
    e2e_log "kernels or kexec-tools missing: running scripts/fetch-kernels.sh"
    "$E2E_ROOT/scripts/fetch-kernels.sh" >&2 || e2e_die "fetch-kernels.sh failed"
  fi
}

# --- cpio layers ----------------------------------------------------------------
# _e2e_cpio_gz DIR OUT: newc cpio of DIR's contents, owned by root, gzip'ed.
_e2e_cpio_gz() {
  (cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 -n >"$2.tmp"
  mv "$2.tmp" "$2"
}

_e2e_sha() { cat "$@" | sha256sum | cut -c1-16; }

# Serialise cache builds between concurrent runs.
_e2e_lock() { mkdir -p "$E2E_WORK"; exec 9>"$E2E_WORK/.lock"; flock 9; }
_e2e_unlock() { flock -u 9; exec 9>&-; }

# e2e_base_layer: busybox tree + /init + /guest-lib.sh.  Prints the layer's
# path.
e2e_base_layer() {
  local key out=$E2E_WORK/base.cpio.gz
  key=$(_e2e_sha "$E2E_BUSYBOX" "$E2E_DIR/init.sh" "$E2E_DIR/guest-lib.sh")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  readelf -h "$E2E_BUSYBOX" 2>/dev/null | grep -q "Machine: *$E2E_ELF_MACHINE" ||
    { echo "e2e: $E2E_BUSYBOX is not an $E2E_ARCH busybox" >&2; return 1; }
  local t=$E2E_WORK/base-tree
  rm -rf "$t"
  mkdir -p "$t"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,k2,root,etc}
  cp "$E2E_BUSYBOX" "$t/bin/busybox"
  local a
  # Running the host's own busybox-static to list its applets is harmless;
  # the guest's (another architecture's, for arm64) is never run here.  Both
  # are Debian's busybox-static of the same release and configuration.
  for a in $(/bin/busybox --list-full); do
    [ -e "$t/$a" ] || ln -s /bin/busybox "$t/$a"
  done
  # Never let a busybox applet stand in for the binary under test.
  rm -f "$t"/bin/kexec "$t"/sbin/kexec "$t"/usr/sbin/kexec
  if [ "$(id -u)" = 0 ]; then mknod -m 600 "$t/dev/console" c 5 1; mknod -m 666 "$t/dev/null" c 1 3; fi
  install -m 755 "$E2E_DIR/init.sh" "$t/init"
  install -m 644 "$E2E_DIR/guest-lib.sh" "$t/guest-lib.sh"
  _e2e_cpio_gz "$t" "$out"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_stage2_initrd: base + /stage2-marker.  Prints its path; the marker value
# is in $E2E_WORK/stage2-marker.txt.
e2e_stage2_initrd() {
  local base key out=$E2E_WORK/stage2-initrd.img
  base=$(e2e_base_layer)
  key=$(cat "$base.key")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ] && [ -s "$E2E_WORK/stage2-marker.txt" ]; then
    echo "$out"; return
  fi
  local t=$E2E_WORK/stage2-tree marker
  rm -rf "$t"; mkdir -p "$t"
  marker=stage2-$(e2e_random_token)
  echo "$marker" >"$t/stage2-marker"
  _e2e_cpio_gz "$t" "$E2E_WORK/stage2-marker.cpio.gz"
  cat "$base" "$E2E_WORK/stage2-marker.cpio.gz" >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "$marker" >"$E2E_WORK/stage2-marker.txt"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_k2_layer NAME: /k2/vmlinuz (kernel NAME) + /k2/initrd.img (stage-2 initrd).
e2e_k2_layer() {
  local name=$1 s2 key out=$E2E_WORK/k2-$1.cpio.gz
  s2=$(e2e_stage2_initrd)
  key=$(e2e_kernel_package "$name")-$(_e2e_sha "$s2")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/k2-tree-$name
  rm -rf "$t"; mkdir -p "$t/k2"
  cp "$(e2e_kernel "$name")" "$t/k2/vmlinuz"
  cp "$s2" "$t/k2/initrd.img"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_k2x_layer NAME: more forms of kernel NAME for the format cases:
# /k2/vmlinux.elf (the ELF vmlinux inside the bzImage's payload, extracted by
# the project's own tool) and /k2/vmlinuz.gz (the bzImage, gzip'ed).
e2e_k2x_layer() {
  local name=$1 key out=$E2E_WORK/k2x-$1.cpio.gz tool=$E2E_ROOT/build/dev/tests/unit/extract-vmlinux
  key=$(e2e_kernel_package "$name")-k2x1
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  if [ ! -x "$tool" ]; then
    { [ -f "$E2E_ROOT/build/dev/build.ninja" ] || meson setup "$E2E_ROOT/build/dev" >/dev/null; } &&
      ninja -C "$E2E_ROOT/build/dev" tests/unit/extract-vmlinux >/dev/null || return 1
  fi
  local t=$E2E_WORK/k2x-tree-$name
  rm -rf "$t"; mkdir -p "$t/k2"
  "$tool" "$(e2e_kernel "$name")" "$t/k2/vmlinux.elf" || return 1
  gzip -1 -n -c "$(e2e_kernel "$name")" >"$t/k2/vmlinuz.gz"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_uki_layer KERNEL INITRD CMDLINE DIR [MACHINE [DTB]]: a layer with /k2/uki.efi,
# a UKI made in DIR whose .linux is the file KERNEL, .initrd the file INITRD
# and .cmdline the text CMDLINE.  Without MACHINE: objcopy adds the sections
# to systemd's stub (bookworm's systemd-boot-efi, fetched by
# scripts/fetch-kernels.sh; tests/tools/mkuki-objcopy.sh).  With MACHINE (a
# PE Machine, for arm64 and riscv64, whose PE files the host's x86_64
# objcopy cannot write, and for multi-profile UKIs): the dev build's mkuki
# (tests/tools/mkuki.c: PE header and sections as objcopy lays them out, no
# stub code), given E2E_UKI_EXTRA's further NAME=FILE sections after the
# others (.ucode, .profile/.cmdline pairs).  Prints the layer's path.
e2e_uki_layer() {
  local kernel=$1 initrd=$2 cmdline=$3 dir=$4 machine=${5:-} dtb=${6:-} uki=$4/uki-tree/k2/uki.efi
  mkdir -p "$dir/uki-tree/k2"
  echo "$cmdline" >"$dir/uki-cmdline"
  if [ -z "$machine" ]; then
    local stub=$E2E_ROOT/.cache/systemd-boot-efi/linuxx64.efi.stub
    [ -f "$stub" ] || { echo "e2e: $stub missing (scripts/fetch-kernels.sh)" >&2; return 1; }
    # E2E_UKI_UCODE: a .ucode section (x86_64's early microcode cpio)
    bash "$E2E_ROOT/tests/tools/mkuki-objcopy.sh" "$stub" "$uki" "$kernel" "$initrd" "$dir/uki-cmdline" \
      ${E2E_UKI_UCODE:+"$E2E_UKI_UCODE"} >&2 || return 1
  else
    local tool=$E2E_ROOT/build/dev/tests/unit/mkuki
    { [ -f "$E2E_ROOT/build/dev/build.ninja" ] || meson setup "$E2E_ROOT/build/dev" >/dev/null; } &&
      ninja -C "$E2E_ROOT/build/dev" tests/unit/mkuki >/dev/null || return 1
    printf 'ID=kexec-ng-test\n' >"$dir/uki-osrel"
    # shellcheck disable=SC2086  # E2E_UKI_EXTRA: words on purpose
    "$tool" "$machine" "$uki" .osrel="$dir/uki-osrel" .cmdline="$dir/uki-cmdline" \
      .linux="$kernel" .initrd="$initrd" ${dtb:+.dtb="$dtb"} ${E2E_UKI_EXTRA:-} >&2 || return 1
  fi
  _e2e_cpio_gz "$dir/uki-tree" "$dir/uki.cpio.gz"
  rm -rf "$dir/uki-tree"
  echo "$dir/uki.cpio.gz"
}

# _e2e_ucode_cpio OUT: an early-microcode cpio as the kernel looks for it
# (kernel/x86/microcode/GenuineIntel.bin, newc, uncompressed) holding a
# marker, not microcode: the kernel unpacks it into rootfs with the rest of
# the initrd, where stage 2 finds it.
_e2e_ucode_cpio() {
  local t=$1.tree
  rm -rf "$t"; mkdir -p "$t/kernel/x86/microcode"
  printf 'kexec-ng-ucode' >"$t/kernel/x86/microcode/GenuineIntel.bin"
  (cd "$t" && find kernel | LC_ALL=C sort | cpio -o -H newc --quiet) >"$1"
  rm -rf "$t"
}

# e2e_stage2_uki_layer NAME TOKEN DIR [MACHINE]: e2e_uki_layer for a stage 2:
# the kernel NAME, the stage-2 initrd and stage 2's command line with TOKEN
# (per case: the token is).
e2e_stage2_uki_layer() {
  e2e_uki_layer "$(e2e_kernel "$1")" "$E2E_WORK/stage2-initrd.img" "$E2E_CONSOLE stage=2 token=$2" "$3" ${4:+"$4"} ${5:+"$5"}
}

# _e2e_copy_elf BIN ROOT DEST: copy BIN to ROOT/DEST and, when it is dynamic,
# its interpreter and DT_NEEDED libraries (read with readelf, never by running
# it) from the host's library directories.
_e2e_copy_elf() {
  local bin=$1 root=$2 dest=$3
  readelf -h "$bin" 2>/dev/null | grep -q "Machine: *$E2E_ELF_MACHINE" ||
    { echo "e2e: $bin is not an $E2E_ARCH binary" >&2; return 1; }
  mkdir -p "$root$(dirname "$dest")"
  cp "$bin" "$root$dest"
  chmod 755 "$root$dest"
  local interp
  interp=$(readelf -l "$bin" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  [ -n "$interp" ] || return 0
  [ "$E2E_ARCH" = x86_64 ] ||
    { echo "e2e: $bin is dynamically linked: the $E2E_ARCH guests need a static binary (make static ARCH=$E2E_ARCH)" >&2; return 1; }
  declare -A seen=()
  local queue=("$bin") obj lib d found
  mkdir -p "$root$(dirname "$interp")"
  cp -L "$interp" "$root$interp"
  while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}; queue=("${queue[@]:1}")
    for lib in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${seen[$lib]:-}" ] && continue
      seen[$lib]=1
      found=
      for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib; do
        [ -e "$d/$lib" ] && { found=$d/$lib; break; }
      done
      [ -n "$found" ] || { echo "e2e: $bin needs $lib, not found on the host" >&2; return 1; }
      mkdir -p "$root/lib/x86_64-linux-gnu"
      cp -L "$found" "$root/lib/x86_64-linux-gnu/$lib"
      queue+=("$found")
    done
  done
}

# _e2e_add_kexec_tools ROOT DEST: Debian's kexec-tools (+ its libraries from
# the fetch-kernels cache) at ROOT/DEST.
_e2e_add_kexec_tools() {
  local root=$1 dest=$2
  mkdir -p "$root"
  cp -a "$E2E_KTCACHE/lib" "$root/"
  [ -d "$E2E_KTCACHE/lib64" ] && cp -a "$E2E_KTCACHE/lib64" "$root/"
  mkdir -p "$root$(dirname "$dest")"
  cp "$E2E_KTCACHE/sbin/kexec" "$root$dest"
  chmod 755 "$root$dest"
}

# e2e_kexec_layer MODE BIN OUT: MODE "ng" puts BIN at /bin/kexec, MODE "tools"
# puts Debian's kexec-tools there.
e2e_kexec_layer() {
  local mode=$1 bin=$2 out=$3 t=$3.tree
  rm -rf "$t"; mkdir -p "$t"
  case "$mode" in
    tools) _e2e_add_kexec_tools "$t" /bin/kexec ;;
    *) _e2e_copy_elf "$bin" "$t" /bin/kexec || return 1 ;;
  esac
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
}

# --- the guest's /case.sh (cases*.sh) -----------------------------------------------
# e2e_case_head MODE TOKEN FILE: the start of a stage 1's /case.sh, up to
# "case_main() {": $K2 loads FILE with the stage-2 initrd.
# shellcheck disable=SC2016  # guest script text is single-quoted on purpose
e2e_case_head() {
  local token=$2 file=$3   # $1, the mode, no longer changes the head: both tools answer -S alike
  echo "KEXEC=/bin/kexec"
  # The status of the normal (non-crash) image: a bare -S reports the crash
  # kernel (kexec-tools defaults to KEXEC_ON_CRASH unless -l is given, and
  # kexec-ng answers the same), so the harness asks `-S -l` of both.
  echo 'STATUS="-S -l"'
  echo "TOKEN=$token"
  echo "APPEND2=\"$E2E_CONSOLE stage=2 token=$token\""
  echo "K2=\"$file --initrd=/k2/initrd.img\""
  echo 'sysloaded() { echo "E2E: sys $1=$(cat /sys/kernel/kexec_loaded)"; }'
  echo 'case_main() {'
}

# e2e_case_unload_status: case_main's commands of the unload-status cases
# (e2e_check_unload_status) up to status3: -S, a -c load, -S, -p -S, -u, -S,
# a -s load, -S.
# shellcheck disable=SC2016
e2e_case_unload_status() {
  echo '  run_cmd status0 $KEXEC $STATUS'
  echo '  run_cmd loadc $KEXEC -c -l $K2 --append="$APPEND2"'
  echo '  sysloaded loadc'
  echo '  run_cmd status1 $KEXEC $STATUS'
  echo '  run_cmd pstatus1 $KEXEC -p -S'
  echo '  run_cmd unloadc $KEXEC -u'
  echo '  sysloaded unloadc'
  echo '  run_cmd status2 $KEXEC $STATUS'
  echo '  run_cmd loads $KEXEC -s -l $K2 --append="$APPEND2"'
  echo '  sysloaded loads'
  echo '  run_cmd status3 $KEXEC $STATUS'
}

# --- failure atomicity (cases.sh's atomic-*, kdump.sh's atomic-*) -------------------
# With an image loaded, loads that fail must leave it loaded (kexec(8), WHAT
# A FAILED LOAD LEAVES LOADED). The guest's side: e2e_atomic_guest_fns
# defines, inside case_main, what its steps use (the case sets KEXEC, SW,
# P, LOADEDF, ST and APPENDX, the command line of every load meant to fail:
# its token is not the case's, so a stage 2 booting one would show it):
#   astate LABEL        "E2E: atomic LABEL sys=<LOADEDF> S=<kexec ST's exit>"
#   astep LABEL CMD...  run_cmd LABEL CMD..., then astate LABEL
#   sigstep LABEL SIG   a load whose --initrd is a FIFO nobody writes: kexec
#                       waits in openat(2), where a helper sends SIG (once
#                       /proc/PID/syscall shows it there twice, 0.3 s apart);
#                       kexec runs in the foreground (a background job of a
#                       non-interactive shell ignores SIGINT)
# shellcheck disable=SC2016  # guest script text is single-quoted on purpose
e2e_atomic_guest_fns() {
  cat <<'GUEST'
  astate() {
    $KEXEC $ST >/dev/null 2>&1; s=$?
    echo "E2E: atomic $1 sys=$(cat $LOADEDF) S=$s"
  }
  astep() { l=$1; shift; run_cmd "$l" "$@"; astate "$l"; }
  case "$(uname -m)" in x86_64) OPENAT=257 ;; *) OPENAT=56 ;; esac
  killer() {
    sig=$1 i=0
    while [ $i -lt 600 ]; do
      for p in $(pidof kexec); do
        n=$(cut -d" " -f1 /proc/$p/syscall 2>/dev/null)
        [ "$n" = "$OPENAT" ] || continue
        sleep 0.3
        [ "$(cut -d" " -f1 /proc/$p/syscall 2>/dev/null)" = "$OPENAT" ] || continue
        echo "E2E: atomic signal $sig to kexec in openat ($(grep SigIgn /proc/$p/status | tr -d '\t'))"
        kill -$sig $p
        # an ignored signal would leave it waiting: do not hang the guest
        j=0
        while kill -0 $p 2>/dev/null && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
        kill -0 $p 2>/dev/null && { echo "E2E: atomic signal $sig did not end kexec"; kill -9 $p; }
        return
      done
      sleep 0.1; i=$((i + 1))
    done
    echo "E2E: atomic signal $sig never sent: no kexec waited in openat"
  }
  sigstep() {
    rm -f /tmp/fifo; mkfifo /tmp/fifo
    killer $2 &
    kpid=$!
    run_cmd $1 $KEXEC $SW $P /k2/vmlinuz --initrd=/tmp/fifo --append="$APPENDX"
    wait $kpid
    astate $1
  }
GUEST
}

# e2e_atomic_guest_steps: the failing loads every atomicity case makes, in
# the guest's case_main (e2e_atomic_guest_fns defined): files missing, a
# truncated kernel, a file that is no kernel, options that contradict each
# other, SIGINT and SIGTERM while kexec waits for its initrd.
# shellcheck disable=SC2016
e2e_atomic_guest_steps() {
  cat <<'GUEST'
  astep missing $KEXEC $SW $P /k2/nonexistent --append="$APPENDX"
  astep noinitrd $KEXEC $SW $P /k2/vmlinuz --initrd=/k2/nonexistent --append="$APPENDX"
  head -c 1000000 /k2/vmlinuz >/tmp/truncated
  astep truncated $KEXEC $SW $P /tmp/truncated --initrd=/k2/initrd.img --append="$APPENDX"
  astep garbage $KEXEC $SW $P /init --initrd=/k2/initrd.img --append="$APPENDX"
  astep badopt $KEXEC $SW $P --mem-min=0x2000000 --mem-max=0x1000000 /k2/vmlinuz --initrd=/k2/initrd.img --append="$APPENDX"
  sigstep sig_int INT
  sigstep sig_term TERM
GUEST
}

# e2e_atomic_table_common: e2e_check_atomic's lines for the steps of
# e2e_atomic_guest_steps (the image stays loaded through each; every one
# is found before the kernel is asked, a signal before kexec asks it).
e2e_atomic_table_common() {
  cat <<'EOF'
missing 1 1 ^kexec: /k2/nonexistent: cannot open: No such file or directory$
noinitrd 1 1 ^kexec: /k2/nonexistent: cannot open: No such file or directory$
truncated 252 1 ^kexec: /tmp/truncated: .*past the end of the file
badopt 1 1 ^kexec: --mem-min 0x2000000 is above --mem-max 0x1000000$
sig_int 130 1
sig_term 143 1
EOF
}

# e2e_check_atomic LOG: the atomicity steps, one a line on stdin, "LABEL RC
# LOADED [PATTERN]": the command LABEL exited RC, its output matches the
# extended regular expression PATTERN (none: not checked), and afterwards
# the image the case asks about was loaded (LOADED 1) or not (0), as sysfs
# and kexec -S both said. Prints the first step that did otherwise, or
# nothing.
e2e_check_atomic() {
  local log=$1 label rc want pattern got out st lines
  lines=$(_e2e_lines "$log")
  while read -r label rc want pattern; do
    case "$label" in ''|\#*) continue ;; esac
    got=$(_e2e_rc "$log" "$label")
    out=$(_e2e_out "$log" "$label")
    [ "$got" = "$rc" ] || { echo "step $label exited ${got:-<never ran>}, expected $rc: $(_e2e_brief <<<"$out")"; return; }
    [ -z "$pattern" ] || grep -aqE -- "$pattern" <<<"$out" ||
      { echo "step $label: the output does not say /$pattern/: $(_e2e_brief <<<"$out")"; return; }
    case "$label" in
      sig_*)
        grep -aqE "^E2E: atomic signal [A-Z]+ to kexec in openat" <<<"$(sed -n "/^E2E: cmd $label: /,/^E2E: rc $label=/p" <<<"$lines")" ||
          { echo "step $label: no signal was sent to a kexec waiting in openat"; return; } ;;
    esac
    st=$(sed -n "s/^E2E: atomic $label \(sys=[0-9]* S=[0-9]*\)\$/\1/p" <<<"$lines" | tail -n1)
    [ "$st" = "sys=$want S=$want" ] ||
      { echo "step $label: afterwards ${st:-nothing reported}, expected sys=$want S=$want"; return; }
  done
}

# e2e_atomic_normal_case KIND: case_main's steps of a normal (-l) atomic
# case (atomic-c: kexec_load, atomic-s: kexec_file_load), up to the last
# failing load; the case then runs kexec -e, and stage 2 must show the
# case's token (e2e_check_exec). /k2/vmlinux.elf must be there for
# atomic-s (e2e_k2x_layer).
# shellcheck disable=SC2016
e2e_atomic_normal_case() {
  local kind=$1 sw=-c
  [ "$kind" = atomic-s ] && sw=-s
  echo "  SW=$sw P=-l LOADEDF=/sys/kernel/kexec_loaded ST=\"-S -l\""
  echo "  APPENDX=\"$E2E_CONSOLE stage=2 token=refused-load\""
  echo '  run_cmd load $KEXEC $SW -l $K2 --append="$APPEND2" || return'
  echo '  sysloaded load'
  e2e_atomic_guest_fns
  echo '  astate load'
  e2e_atomic_guest_steps
  if [ "$kind" = atomic-c ]; then
    # no room below --mem-max for the kernel
    echo '  astep nofit $KEXEC $SW -l --mem-max=0x2000000 $K2 --append="$APPENDX"'
    # the kernel refuses a segment whose end is not page aligned
    echo '  astep krefuse $KEXEC $SW -l $K2 --append="$APPENDX" --x-test-misaligned-segment'
  else
    # an initrd over half of RAM (sparse: it costs nothing; 2/3 of
    # MemTotal is more than half of /proc/iomem's System RAM)
    echo '  truncate -s $((memtotal * 2 / 3))K /tmp/huge'
    echo '  astep nofit $KEXEC $SW -l /k2/vmlinuz --initrd=/tmp/huge --append="$APPENDX"'
    # the kernel's loaders know no ELF vmlinux on x86_64 (ENOEXEC)
    echo '  astep krefuse $KEXEC $SW -l /k2/vmlinux.elf --initrd=/k2/initrd.img --append="$APPENDX"'
  fi
  # one way: nothing can be loaded until the next boot, but -e works
  echo '  echo 1 >/proc/sys/kernel/kexec_load_disabled'
  echo '  astep disabled $KEXEC $SW -l $K2 --append="$APPENDX"'
}

# e2e_atomic_table KIND: what each step of a normal atomic case must show
# (e2e_check_atomic): LABEL EXIT LOADED [PATTERN]. Every failure but the
# kernel's own and kexec_load_disabled's is found before the kernel is
# asked; for those two kexec says what stayed loaded.
e2e_atomic_table() {
  local s=kexec_load
  [ "$1" = atomic-s ] && s=kexec_file_load
  echo "load 0 1"
  e2e_atomic_table_common
  cat <<EOF
disabled 255 1 ^kexec: $s.* refused: kexec is disabled \(kernel.kexec_load_disabled is 1.*: Operation not permitted; the kernel loaded before is still loaded\$
EOF
  if [ "$1" = atomic-c ]; then
    cat <<'EOF'
garbage 252 1 ^kexec: /init: cannot determine the file type
nofit 255 1 ^kexec: kernel: no free RAM for 0x[0-9a-f]+ bytes .*between 0x[0-9a-f]+ and 0x2000000$
krefuse 255 1 ^kexec: kexec_load refused the plan .*: Cannot assign requested address; the kernel loaded before is still loaded$
EOF
  else
    # (-s leaves a file no loader here knows to the kernel's loaders)
    cat <<'EOF'
garbage 255 1 ^kexec: kexec_file_load of /init failed: Exec format error; the kernel loaded before is still loaded$
nofit 255 1 ^kexec: initrd /tmp/huge: [0-9]+ MiB, more than half of RAM
krefuse 255 1 ^kexec: kexec_file_load of /k2/vmlinux.elf failed: Exec format error; the kernel loaded before is still loaded$
EOF
  fi
}

# --- QEMU -------------------------------------------------------------------
# e2e_qemu FW KERNEL INITRD APPEND LOG TIMEOUT [STOP_REGEX [GRACE]]
# Boots KERNEL with INITRD under TCG, serial console to LOG.  Returns 0 when
# the guest powered off (or rebooted: -no-reboot turns that into an exit),
# 124 when the host timeout ended it, 125 when STOP_REGEX appeared in the log
# (QEMU is then stopped GRACE seconds later).  Sets E2E_QEMU_SECS.
# The arm64 guests run `-M virt -cpu $E2E_CPU` (default $E2E_ARM64_CPU).
# Hotplug (kdump.sh's hotplug cases): E2E_MAXCPUS and E2E_MAXMEM (with two
# DIMM slots) leave room to hot-add a vCPU and memory, and E2E_MONITOR names
# a Unix socket for the QEMU monitor (e2e_monitor); without it there is none.
# E2E_AT_STOP: a command run once, on the still running guest, when the
# STOP_REGEX grace ends, before QEMU is killed (the wrong-digest cases dump
# the VGA text buffer of the halted purgatory through E2E_MONITOR).
e2e_qemu() {
  local fw=$1 kernel=$2 initrd=$3 append=$4 log=$5 timeout=$6 stop=${7:-} grace=${8:-5}
  # Several vCPUs share one host thread (thread=single).  Under multi-threaded
  # TCG a 2-vCPU x86_64 guest now and then died in early boot, before any
  # loader ran, with "Oops: int3" in sched_clock_cpu: a static branch the
  # kernel was live-patching (text_poke_bp) from the other vCPU was run
  # stale (1 of 10 trixie OVMF kdump boots here, and once in CI).  One thread
  # switches vCPUs only between translated blocks, so none runs a block
  # that another vCPU is rewriting.
  local accel=tcg smp=$E2E_SMP mem=$E2E_MEM monitor=none
  [ -n "${E2E_MONITOR:-}" ] && monitor="unix:$E2E_MONITOR,server=on,wait=off"
  # (a socket per CPU: CPU n is socket-id=n for device_add; Linux takes
  # no hot-added CPU into a package that already has one on bare metal)
  [ -n "${E2E_MAXCPUS:-}" ] && smp="$smp,maxcpus=$E2E_MAXCPUS,sockets=$E2E_MAXCPUS,cores=1,threads=1"
  [ -n "${E2E_MAXMEM:-}" ] && mem="$mem,slots=2,maxmem=$E2E_MAXMEM"
  [ "${E2E_MAXCPUS:-$E2E_SMP}" -gt 1 ] && accel=tcg,thread=single
  local args=(-accel "$accel" -m "$mem" -smp "$smp" -nographic
              -monitor "$monitor"
              -serial "file:$log" -no-reboot -net none
              -kernel "$kernel" -initrd "$initrd" -append "$append")
  local vars=$log.fw-vars.fd
  # x86_64: QEMU's default CPU (qemu64) unless E2E_CPU names one.
  [ "$E2E_ARCH" = x86_64 ] && [ -n "${E2E_CPU:-}" ] && args+=(-cpu "$E2E_CPU")
  case "$E2E_ARCH:$fw" in
    x86_64:seabios) ;;
    x86_64:ovmf)
      # OVMF: the 4M split build as two pflash devices (code read-only plus
      # a private copy of the variable store); it boots -kernel through the
      # kernel's EFI stub.
      cp "$E2E_OVMF_VARS" "$vars"
      args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_OVMF_CODE"
             -drive "if=pflash,format=raw,unit=1,file=$vars") ;;
    arm64:direct)
      # QEMU enters the Image itself at EL1 with its generated DTB (which
      # carries a kaslr-seed and an rng-seed).
      args=(-M virt -cpu "${E2E_CPU:-$E2E_ARM64_CPU}" "${args[@]}") ;;
    arm64:uefi)
      # AAVMF (edk2 ArmVirtQemu), code read-only plus a private copy of the
      # variable store, both 64 MiB pflash; it loads -kernel from fw_cfg and
      # starts it through the Image's EFI stub.
      cp "$E2E_AAVMF_VARS" "$vars"
      args=(-M virt -cpu "${E2E_CPU:-$E2E_ARM64_CPU}" "${args[@]}"
            -drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_AAVMF_CODE"
            -drive "if=pflash,format=raw,unit=1,file=$vars") ;;
    riscv64:direct)
      # OpenSBI (M mode) enters the Image in S mode with QEMU's DTB.
      args=(-M virt -bios default ${E2E_CPU:+-cpu "$E2E_CPU"} "${args[@]}") ;;
    *) e2e_die "unknown firmware $fw for $E2E_ARCH (${E2E_FIRMWARES})" ;;
  esac
  : >"$log"
  local t0 t1 pid rc=0 stopped=0 deadline now
  t0=$(date +%s.%N)
  # timeout(1) is only a safety net should this shell die: the loop below
  # normally ends QEMU.
  # E2E_QEMU_EXTRA: more QEMU options, split on blanks (bench.sh --icount).
  # shellcheck disable=SC2206
  [ -z "${E2E_QEMU_EXTRA:-}" ] || args+=($E2E_QEMU_EXTRA)
  timeout -k 5 $((timeout + 60)) "$E2E_QEMU" "${args[@]}" </dev/null >"$log.qemu-out" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s) + timeout ))
  while kill -0 $pid 2>/dev/null; do
    now=$(date +%s)
    if [ "$now" -ge "$deadline" ]; then rc=124; break; fi
    if [ -n "$stop" ] && [ $stopped = 0 ] && grep -aqE "$stop" "$log"; then
      stopped=1
      deadline=$(( now + grace ))
    fi
    sleep 0.25
  done
  if kill -0 $pid 2>/dev/null; then
    [ $stopped = 1 ] && [ -n "${E2E_AT_STOP:-}" ] && eval "$E2E_AT_STOP"
    kill $pid 2>/dev/null
    sleep 0.5
    kill -9 $pid 2>/dev/null
    [ $stopped = 1 ] && rc=125
  fi
  wait $pid 2>/dev/null
  t1=$(date +%s.%N)
  E2E_QEMU_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  rm -f "$vars"
  [ -s "$log.qemu-out" ] || rm -f "$log.qemu-out"
  return $rc
}

# e2e_monitor SOCKET COMMAND...: send each COMMAND to the QEMU human monitor
# listening on SOCKET (E2E_MONITOR) and print what it answered.
e2e_monitor() {
  python3 - "$@" <<'PY'
import re, socket, sys, time
sock = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try:
        sock.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.1)
sock.settimeout(20)
def answer():
    got = b""
    while not got.rstrip().endswith(b"(qemu)"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    return got.decode(errors="replace")
answer()
for command in sys.argv[2:]:
    sock.sendall(command.encode() + b"\n")
    # the monitor echoes the command as it redraws its line: keep the rest
    lines = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", answer()).replace("\r", "").split("\n")
    print("(qemu) " + command)
    print("\n".join(l for l in lines[1:] if l.strip() != "(qemu)"))
PY
}

# --- reading a serial log ---------------------------------------------------------
# _e2e_lines LOG: the guest's "E2E: ..." lines.  Serial output may put them
# after firmware escape sequences or kernel messages on the same line.
_e2e_lines() {
  tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' | grep -ao 'E2E: .*'
}
# _e2e_field LOG PREFIX KEY: the first value of KEY=... on "E2E: PREFIX" lines.
_e2e_field() {
  _e2e_lines "$1" | grep -a "^E2E: $2 " | tr ' ' '\n' | sed -n "s/^$3=//p" | head -n1
}
# _e2e_rc LOG LABEL: exit status of command LABEL ("" when it never ran).
_e2e_rc() { _e2e_lines "$1" | sed -n "s/^E2E: rc $2=\([0-9]*\)$/\1/p" | tail -n1; }
# _e2e_out LOG LABEL: the command's output.
_e2e_out() { _e2e_lines "$1" | sed -n "s/^E2E: out $2: //p"; }
# _e2e_brief TEXT: one line, at most 160 characters.
_e2e_brief() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-160; }
# _e2e_tail LOG: a hint of where a guest stopped: the last kernel panic (with
# the BUG/Oops/RIP lines that name its cause) when there is one, then the last
# two lines.  (CI keeps only the suite's output, not the guest logs.)
_e2e_tail() {
  local clean why
  clean=$(tr -d '\r' <"$1" | grep -av '^\s*$' | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g')
  why=$(grep -aE 'Kernel panic|BUG:|Oops|RIP: |general protection|Attempted to kill init|Unable to mount root|Initramfs unpacking failed|Out of memory' <<<"$clean" |
    tail -n 4 | _e2e_brief)
  [ -n "$why" ] && printf '%s ... ' "$why"
  tail -n 2 <<<"$clean" | _e2e_brief
}

# _e2e_check_given LOG PREFIX VERSION TOKEN WHO WHAT: the kernel that reports
# on "E2E: PREFIX" lines runs VERSION and was given TOKEN (its command line)
# and the stage-2 initrd (its marker; E2E_STAGE2_INITRD=stage1: stage 1's
# initrd, --reuseinitrd).  Prints nothing when it was, else the
# reason, naming the kernel WHO (runs) or WHAT (token, marker): "stage 2"
# twice, or "the capture kernel" and "capture kernel".
_e2e_check_given() {
  local log=$1 p=$2 v=$3 token=$4 who=$5 what=$6 kv tok mk want
  kv=$(_e2e_field "$log" "$p" kernel)
  tok=$(_e2e_field "$log" "$p" token)
  mk=$(_e2e_field "$log" "$p" marker)
  want=$(cat "$E2E_WORK/stage2-marker.txt")
  [ "$kv" = "$v" ] || { echo "$who runs '$kv', expected $v"; return; }
  [ "$tok" = "$token" ] || { echo "$what token '$tok', expected $token (command line not passed)"; return; }
  if [ "${E2E_STAGE2_INITRD:-}" = stage1 ]; then
    # --reuseinitrd: stage 1's own initrd, which holds /k2 and no marker
    [ "$mk" = MISSING ] && [ "$(_e2e_field "$log" "$p" k2)" = yes ] ||
      { echo "$what marker '$mk', k2=$(_e2e_field "$log" "$p" k2): expected stage 1's initrd (no marker, /k2/vmlinuz)"; return; }
    return
  fi
  [ "$mk" = "$want" ] || { echo "$what marker '$mk', expected $want (initrd not passed)"; return; }
}

# e2e_check_stage2 LOG TOKEN K2 FW1 [FIXED]: what a stage 2 must show (the
# kernel K2 runs; the command line token, the file only the new initrd holds,
# stage 1's MemTotal within E2E_MEMDIFF_KB, the same firmware view as stage 1
# (EFI passed on)).  FIXED=1: the command line was fixed before stage 1 ran
# (a UKI's .cmdline), so it has no memtotal1= and the host compares the two
# MemTotals itself.  Prints nothing when it does, else the reason.
e2e_check_stage2() {
  local log=$1 token=$2 k2=$3 fw1=$4 fixed=${5:-0}
  local v2 mem1 diff fw2 why
  v2=$(e2e_kernel_version "$k2")
  mem1=$(_e2e_field "$log" stage1 memtotal)
  diff=$(_e2e_field "$log" stage2 memdiff)
  fw2=$(_e2e_field "$log" stage2 fw)
  why=$(_e2e_check_given "$log" stage2 "$v2" "$token" "stage 2" "stage 2")
  [ -z "$why" ] || { echo "$why"; return; }
  if [ "$fixed" = 1 ]; then
    local mem2; mem2=$(_e2e_field "$log" stage2 memtotal)
    if [ -z "$mem1" ] || [ -z "$mem2" ]; then echo "stage 1 or stage 2 did not report MemTotal"; return; fi
    diff=$(( mem2 > mem1 ? mem2 - mem1 : mem1 - mem2 ))
  else
    [ "$(_e2e_field "$log" stage2 memtotal1)" = "$mem1" ] || { echo "stage 2 did not get stage 1's memtotal1=$mem1"; return; }
  fi
  [ -n "$diff" ] && [ "$diff" -le "$E2E_MEMDIFF_KB" ] ||
    { echo "stage 2 MemTotal differs from stage 1 ($mem1 kB) by ${diff:-?} kB > $E2E_MEMDIFF_KB kB"; return; }
  [ "$fw2" = "$fw1" ] || { echo "stage 2 sees firmware '$fw2', stage 1 saw '$fw1' (EFI not passed on?)"; return; }
}

# --- checks shared by the case files (cases*.sh, kdump.sh) -----------------------
# Each prints nothing when the guest did what it should, else the reason.

# e2e_check_stage1 LOG K1 QEMU_RC: stage 1 reached init, running kernel K1.
e2e_check_stage1() {
  local log=$1 qrc=$3 v1 s1
  v1=$(e2e_kernel_version "$2")
  s1=$(_e2e_field "$log" stage1 kernel)
  if [ -z "$s1" ]; then
    [ "$qrc" = 124 ] && { echo "stage 1 never reached init (host timeout): $(_e2e_tail "$log")"; return; }
    echo "stage 1 never reached init: $(_e2e_tail "$log")"; return
  fi
  [ "$s1" = "$v1" ] || { echo "stage 1 runs $s1, expected $v1"; return; }
}

# e2e_check_wrong_digest LOG: the purgatory refused the kernel (its message on
# the serial console) and stage 2 never came up.
e2e_check_wrong_digest() {
  local log=$1 saw=0 reached=0
  # The purgatory's own line, not an echo in stage 1's command output.
  # (grep -q reads here-strings: a pipe into grep -q that stops at the first
  # match kills the writer with SIGPIPE, and pipefail turns a "yes" into "no")
  grep -aF "$E2E_DIGEST_MSG" <<<"$(tr -d '\r' <"$log")" | grep -av 'E2E: ' >/dev/null && saw=1
  grep -aq "^E2E: $E2E_SUCCESS" <<<"$(_e2e_lines "$log")" && reached=1
  [ $reached = 1 ] && { echo "stage 2 booted despite the wrong digest"; return; }
  [ $saw = 1 ] || { echo "no '$E2E_DIGEST_MSG' on the serial console (exec rc=$(_e2e_rc "$log" exec)): $(_e2e_tail "$log")"; return; }
}

# e2e_vga_text DUMP: the characters of an 80x25 VGA text buffer dump
# (pmemsave 0xb8000 4000: a character byte and an attribute byte per cell),
# the rows joined: text the purgatory wrapped at 80 columns reads as one.
e2e_vga_text() {
  python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d[0::2].decode("latin-1"))' "$1"
}

# e2e_check_vga_digest DUMP WANT: the purgatory's refusal is (WANT=1) or is
# not (WANT=0, the cases without --console-vga) in the guest's VGA text.
e2e_check_vga_digest() {
  local dump=$1 want=$2 text
  [ -s "$dump" ] || { echo "no VGA text buffer dump ($dump): the QEMU monitor's pmemsave did not run"; return; }
  text=$(e2e_vga_text "$dump")
  if grep -aqF "$E2E_DIGEST_MSG" <<<"$text"; then
    [ "$want" = 1 ] || echo "'$E2E_DIGEST_MSG' in the VGA text without --console-vga"
  else
    [ "$want" = 0 ] || echo "no '$E2E_DIGEST_MSG' in the VGA text at 0xb8000: '$(tr -s ' ' <<<"$text" | head -c 300)'"
  fi
}

# e2e_check_exec LOG TOKEN K2 FW1 QEMU_RC [UNSEEN [FIXED]]: after "sysloaded
# load" and the command "exec" (kexec -e), a stage 2 reported TOKEN and passes
# e2e_check_stage2 (FIXED passed on).  UNSEEN=1: the load could not be
# observed (kexec -f loads and executes in one command).
e2e_check_exec() {
  local log=$1 token=$2 k2=$3 fw1=$4 qrc=$5 unseen=${6:-0} fixed=${7:-0} erc
  [ "$unseen" = 1 ] || [ "$(_e2e_field "$log" sys load)" = 1 ] ||
    { echo "/sys/kernel/kexec_loaded is not 1 after the load"; return; }
  if ! grep -aq "^E2E: $E2E_SUCCESS token=$token\$" <<<"$(_e2e_lines "$log")"; then
    erc=$(_e2e_rc "$log" exec)
    if [ -n "$erc" ]; then echo "kexec -e returned $erc: $(_e2e_out "$log" exec | _e2e_brief)"; return; fi
    [ "$qrc" = 124 ] && { echo "stage 2 never reported (host timeout): $(_e2e_tail "$log")"; return; }
    echo "stage 2 never reported: $(_e2e_tail "$log")"; return
  fi
  e2e_check_stage2 "$log" "$token" "$k2" "$fw1" "$fixed"
}

# e2e_want_rcs LOG "LABEL=RC ...": the first command LABEL whose exit status
# is not RC.
e2e_want_rcs() {
  local log=$1 w l e rc
  for w in $2; do
    l=${w%=*}; e=${w#*=}
    rc=$(_e2e_rc "$log" "$l")
    if [ "$rc" != "$e" ]; then
      echo "'$(_e2e_lines "$log" | sed -n "s/^E2E: cmd $l: \/bin\///p" | head -n1)' exited ${rc:-<none>}, expected $e: $(_e2e_out "$log" "$l" | _e2e_brief)"
      return
    fi
  done
}

# e2e_check_unload_status LOG "LABEL=RC ..." "LABEL=LOADED ...": the
# unload-status cases: each command's exit status, then what
# /sys/kernel/kexec_loaded said at each "sysloaded LABEL".
e2e_check_unload_status() {
  local log=$1 w l e why
  why=$(e2e_want_rcs "$log" "$2")
  [ -z "$why" ] || { echo "$why"; return; }
  for w in $3; do
    l=${w%=*}; e=${w#*=}
    [ "$(_e2e_field "$log" sys "$l")" = "$e" ] || { echo "/sys/kernel/kexec_loaded after $l is not $e"; return; }
  done
}

# --- running the cases (run.sh, kdump.sh) ------------------------------------------
# e2e_name_selected NAME [PATTERN...]: NAME contains a PATTERN or matches it as
# a shell glob (or no PATTERN is given).
e2e_name_selected() {
  local name=$1 p; shift
  [ $# -gt 0 ] || return 0
  for p in "$@"; do
    # shellcheck disable=SC2053
    [[ $name == *"$p"* || $name == $p ]] && return 0
  done
  return 1
}

# e2e_run_jobs N FUNC LINE...: FUNC LINE for every LINE, N at a time (in the
# background when N > 1); returns when all are done.
e2e_run_jobs() {
  local _jobs=$1 _fn=$2 _line _running=0
  shift 2
  for _line in "$@"; do
    if [ "$_jobs" -le 1 ]; then
      "$_fn" "$_line"
    else
      "$_fn" "$_line" &
      _running=$((_running + 1))
      if [ $_running -ge "$_jobs" ]; then wait -n; _running=$((_running - 1)); fi
    fi
  done
  wait
}

# e2e_count_results DIR LINE...: counts each case (the first word of LINE) in
# the caller's passed or failed by DIR/NAME.result ("PASS ..." or not); a case
# with no result failed, and that is said.
e2e_count_results() {
  local dir=$1 line name; shift
  for line in "$@"; do
    read -r name _ <<<"$line"
    if [ ! -f "$dir/$name.result" ]; then
      echo "FAIL $name: the case runner died"; failed=$((failed + 1))
    elif grep -q '^PASS ' "$dir/$name.result"; then passed=$((passed + 1))
    else failed=$((failed + 1)); fi
  done
}
