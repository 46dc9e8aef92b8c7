#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2054  # QEMU options are comma-separated words
#
# Run the x86_64, arm64 or riscv64 purgatory in QEMU (TCG) the way the old
# kernel enters it, and check what the "new kernel" gets. See README.md
# beside this file.
#   x86_64: qemu-system-x86_64 -M pc (SeaBIOS), a multiboot stub that goes
#          to long mode as relocate_kernel leaves it; QEMU's default CPU
#          (qemu64: no SSE4.2, no SHA-NI) and -cpu max (SSE4.2).
#   arm64: qemu-system-aarch64 -M virt; entered as cpu_soft_restart does, at
#          EL1, EL2 and EL2 with VHE.
#   riscv64: qemu-system-riscv64 -M virt under OpenSBI from QEMU's firmware;
#          entered as riscv_kexec_relocate (a jump, on hart 0 or 1) or
#          riscv_kexec_norelocate (a trap to stvec) does.
#
#   tests/purgatory/run.sh [--arch A]                 the cases, as TAP
#   tests/purgatory/run.sh [--arch A] --bench [MiB]   time the check of one
#                            MiB-sized region (default 64) with each digest
#                            and implementation (arm64: caches on and off),
#                            and with the check off
#   options: --arch A        x86_64, arm64 (default) or riscv64
#            --mkimage PATH  the host tool (else built in build/purgatory-qemu)
#            --keep DIR      keep the images and QEMU logs in DIR
#            --icount        (--bench) run QEMU with -icount shift=0: one
#                            guest instruction per nanosecond, so the times
#                            count guest instructions (deterministic, blind
#                            to the host's load)
#
# Skips (TAP "1..0 # SKIP") without that QEMU or a compiler for the
# architecture. Never runs kexec: everything happens inside QEMU.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
arch=arm64 mkimage='' keep='' bench='' icount=''

while [ $# -gt 0 ]; do
  case $1 in
    --arch) arch=$2; shift 2 ;;
    --mkimage) mkimage=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --icount) icount=1; shift ;;
    --bench)
      bench=64; shift
      if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then bench=$1; shift; fi ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

# Per architecture: QEMU, compiler, the host tool's name, flags for the two
# bare-metal programs, where RAM starts (layout.h: every address below is
# RAM + the same offset on both), and how many log lines a failure shows.
case $arch in
  x86_64)
    qemu_name=qemu-system-x86_64 qemu_pkg=qemu-system-x86 machine=x86_64
    cross=x86_64-linux-gnu mkimage_name=mkpurgimage-x86_64 ram=0
    # Long mode with CR4.OSFXSR clear, as the old kernel leaves it: no SSE.
    arch_flags=(-m64 -mgeneral-regs-only -mno-red-zone -fcf-protection=none)
    diag() { head -20 "$1"; } ;;
  arm64)
    qemu_name=qemu-system-aarch64 qemu_pkg=qemu-system-arm machine=aarch64
    cross=aarch64-linux-gnu mkimage_name=mkpurgimage ram=0x40000000
    # With the MMU off every access is Device memory: -mstrict-align, and
    # no FP/SIMD (EL1 starts with it trapped).
    arch_flags=(-mgeneral-regs-only -mstrict-align -mbranch-protection=none)
    diag() { head -20 "$1"; } ;;
  riscv64)
    qemu_name=qemu-system-riscv64 qemu_pkg=qemu-system-misc machine=riscv64
    cross=riscv64-linux-gnu mkimage_name=mkpurgimage-riscv64 ram=0x80000000
    # No gp (-mno-relax), no small-data sections.
    arch_flags=(-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax
                -msmall-data-limit=0)
    # The end of the log: OpenSBI's banner comes first.
    diag() { tail -12 "$1"; } ;;
  *) echo "run.sh: --arch: x86_64, arm64 or riscv64, not $arch" >&2; exit 2 ;;
esac
hex() { printf '0x%x' $((ram + $1)); }
boot_addr=$(hex 0x200000) mailbox=$(hex 0x280000) purgatory=$(hex 0x300000)
kernel=$(hex 0x400000) initrd=$(hex 0x1000000) dtb=$(hex 0x18000000)
tiny=$(hex 0x18200010)

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

qemu=$(command -v $qemu_name) || skip_all "no $qemu_name (Debian: $qemu_pkg)"
if [ "$(uname -m)" = $machine ]; then
  CC=${CC:-gcc} OBJCOPY=objcopy
else
  CC=$cross-gcc OBJCOPY=$cross-objcopy
fi
command -v "$CC" >/dev/null && command -v "$OBJCOPY" >/dev/null ||
  skip_all "no $machine compiler (Debian: gcc-$cross)"
command -v python3 >/dev/null || skip_all "no python3 (reads the QEMU monitor)"

if [ -z "$mkimage" ]; then
  b=$top/build/purgatory-qemu
  if [ ! -f "$b/build.ninja" ]; then
    meson setup "$b" "$top" >/dev/null || { echo "run.sh: meson setup $b failed" >&2; exit 1; }
  fi
  ninja -C "$b" tests/unit/$mkimage_name >/dev/null ||
    { echo "run.sh: building $mkimage_name failed" >&2; exit 1; }
  mkimage=$b/tests/unit/$mkimage_name
fi

if [ -n "$keep" ]; then
  work=$keep; mkdir -p "$work"
else
  work=$(mktemp -d /tmp/kx-purgatory-$arch-qemu.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi

# The two bare-metal programs, linked where layout.h puts them: the
# architecture's directory first on the include path (layout.h), then this
# one (baremetal.h). No PIE.
bm_flags=(-std=gnu11 -O2 -g0 -ffreestanding -nostdlib -static -fno-pic -no-pie
          "${arch_flags[@]}" -fno-stack-protector -Wall -Wextra -Werror
          -I"$here/$arch" -I"$here"
          -T "$here/harness.lds" -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=$boot_addr \
  "$here/$arch/boot.S" "$here/$arch/boot.c" -o "$work/boot.elf" &&
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=$kernel \
  "$here/$arch/kernel.S" "$here/$arch/kernel.c" -o "$work/kernel.elf" &&
"$OBJCOPY" -O binary "$work/kernel.elf" "$work/kernel-built.bin" &&
  # x86_64: QEMU's multiboot loader takes the flat image (a.out kludge).
  { [ $arch != x86_64 ] || "$OBJCOPY" -O binary "$work/boot.elf" "$work/boot.bin"; } ||
  { echo "run.sh: building the bare-metal stubs failed" >&2; exit 1; }

# make_images DIR [mkimage options]
make_images() {
  local dir=$1; shift
  mkdir -p "$dir" && "$mkimage" "$dir" "$work/kernel-built.bin" "$@"
}

# Print the PC of CPU $2, through the QEMU monitor socket $1.
monitor_pc() {
  local pat='PC=([0-9a-fA-F]{16})'
  [ $arch = riscv64 ] && pat='\n\s*pc\s+([0-9a-fA-F]{16})'
  [ $arch = x86_64 ] && pat='RIP=([0-9a-fA-F]{16})'
  python3 - "$1" "$2" "$pat" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b"cpu %d\ninfo registers\n" % int(sys.argv[2]))
pat = sys.argv[3].encode()
out, deadline = b"", time.time() + 5
while not re.search(pat, out):
    if time.time() > deadline:
        break
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    out += chunk
m = re.search(pat, out)
print(m.group(1).decode() if m else "unknown")
try:
    s.sendall(b"quit\n")
except OSError:
    pass
PY
}

# run_qemu DIR HOW WAIT
#   HOW: x86_64: default (QEMU's default CPU, qemu64), max (-cpu max);
#   arm64: 1 (EL1), 2 (EL2), 2h (EL2 with E2H=1); riscv64: jump (hart
#   0), hart1 (-smp 2, hart 1 enters), trap (through stvec).
#   WAIT=exit: until QEMU powers off (the kernel does); WAIT=park:SECONDS
#   or park:/REGEX/: until REGEX shows up (or SECONDS pass), one more
#   second, then read the PC of the CPU that entered and quit. Output in
#   DIR/serial.txt, the PC in DIR/pc, wall time in DIR/seconds.
run_qemu() {
  local dir=$1 how=$2 wait=$3 mode=0 cpu=0 pid start end
  local -a machine_args
  case $arch/$how in
    x86_64/default) machine_args=(-M pc) ;;
    x86_64/max) machine_args=(-M pc -cpu max) ;;
    arm64/1) machine_args=(-M virt) ;;
    arm64/2) machine_args=(-M virt,virtualization=on) ;;
    arm64/2h) machine_args=(-M virt,virtualization=on); mode=1 ;;
    riscv64/jump) machine_args=(-M virt -smp 1) ;;
    riscv64/hart1) machine_args=(-M virt -smp 2); mode=1; cpu=1 ;;
    riscv64/trap) machine_args=(-M virt -smp 1); mode=2 ;;
  esac
  if [ $arch = x86_64 ]; then
    machine_args+=(-m 512M -smp 1 -net none -kernel "$work/boot.bin"
                   -device isa-debug-exit,iobase=0xf4,iosize=0x04)
  elif [ $arch = arm64 ]; then
    machine_args+=(-cpu max,lpa2=off -m 512M -smp 1
                   -device "loader,file=$work/boot.elf,cpu-num=0")
  else
    machine_args+=(-m 512M -bios default -kernel "$work/boot.elf")
  fi
  rm -f "$dir/mon.sock" "$dir/pc"
  : >"$dir/serial.log"
  start=$(date +%s.%N)
  [ -n "$icount" ] && machine_args+=(-icount shift=0)
  timeout 120 "$qemu" "${machine_args[@]}" \
    -nographic -no-reboot -monitor "unix:$dir/mon.sock,server,nowait" \
    -device "loader,file=$dir/kernel.bin,addr=$kernel,force-raw=on" \
    -device "loader,file=$dir/purgatory.bin,addr=$purgatory,force-raw=on" \
    -device "loader,file=$dir/initrd.bin,addr=$initrd,force-raw=on" \
    -device "loader,file=$dir/dtb.bin,addr=$dtb,force-raw=on" \
    -device "loader,file=$dir/tiny.bin,addr=$tiny,force-raw=on" \
    -device "loader,addr=$mailbox,data=$mode,data-len=4" \
    </dev/null >"$dir/serial.log" 2>&1 &
  pid=$!
  if [[ $wait == park:* ]]; then
    local what=${wait#park:} deadline
    if [[ $what == /*/ ]]; then
      deadline=$((SECONDS + 60)); what=${what:1:${#what}-2}
      until grep -qE "$what" <<<"$(tr -d '\r' <"$dir/serial.log" 2>/dev/null)" ||
            [ $SECONDS -ge $deadline ] ||
            ! kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
      done
      sleep 1
    else
      sleep "$what"
    fi
    if kill -0 "$pid" 2>/dev/null; then
      monitor_pc "$dir/mon.sock" "$cpu" >"$dir/pc" 2>/dev/null || echo unknown >"$dir/pc"
      sleep 0.5
      kill "$pid" 2>/dev/null
    else
      echo exited >"$dir/pc"
    fi
  fi
  wait "$pid" 2>/dev/null
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f\n", $2 - $1 }' >"$dir/seconds"
  tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
}

n=0 failed=0
result() { # result OK NAME [diagnostics file]
  n=$((n + 1))
  if [ "$1" = 1 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=$((failed + 1))
    [ -n "${3:-}" ] && diag "$3" | sed 's/^/#   /'
  fi
}

# The PC is inside the purgatory: [RAM + 3 MiB, RAM + 4 MiB).
pc_in_purgatory() {
  local pc
  pc=$(cat "$1/pc" 2>/dev/null)
  [[ $pc =~ ^[0-9a-fA-F]{16}$ ]] || return 1
  (( 16#$pc >= purgatory && 16#$pc < kernel ))
}

ok_line='harness: kernel OK'
verified='kexec-ng purgatory: 5 regions verified'

# good NAME HOW [mkimage options]: boots, says "5 regions verified" (or,
# with silent=1, nothing from the purgatory; the report line too, REGEX in
# $want if set), the kernel's line says OK.
good() {
  local name=$1 how=$2 d=$work/$1; shift 2
  make_images "$d" "$@" || { result 0 "$name (mkimage)"; return; }
  run_qemu "$d" "$how" exit
  local ok=1
  grep -qF "$ok_line" "$d/serial.txt" || ok=0
  grep -q "EXCEPTION\|FAIL" "$d/serial.txt" && ok=0
  if [ -n "${silent:-}" ]; then
    grep -q "kexec-ng purgatory" "$d/serial.txt" && ok=0
  else
    grep -qxF "$verified" "$d/serial.txt" || ok=0
  fi
  [ -n "${want:-}" ] && { grep -qE "$want" "$d/serial.txt" || ok=0; }
  # arm64 with the report on: SCTLR.M (bit 0) and C (bit 2) as the check
  # ran, set exactly when the report says the caches were on.
  if [ $arch = arm64 ]; then
    local sctlr
    sctlr=$(sed -n 's/^kexec-ng purgatory: SCTLR during the check 0x\([0-9a-f]*\)$/\1/p' "$d/serial.txt")
    if grep -q "MMU and caches on" "$d/serial.txt"; then
      [ -n "$sctlr" ] && (( (16#$sctlr & 5) == 5 )) || ok=0
    elif grep -q "MMU and caches off" "$d/serial.txt"; then
      [ -n "$sctlr" ] && (( (16#$sctlr & 5) == 0 )) || ok=0
    fi
  fi
  result $ok "$name" "$d/serial.txt"
  [ $ok = 1 ] && sed -n "s/^$ok_line/#   kernel OK/p" "$d/serial.txt"
}

# bad NAME HOW REGEX [mkimage options]: REGEX on the UART (empty: silent),
# no kernel, the CPU that entered parked inside the purgatory.
bad() {
  local name=$1 how=$2 re=$3 d=$work/$1 wait; shift 3
  make_images "$d" "$@" || { result 0 "$name (mkimage)"; return; }
  if [ -n "$re" ]; then wait="park:/$re/"; else wait="park:${park_seconds:-5}"; fi
  run_qemu "$d" "$how" "$wait"
  local ok=1
  if [ -n "$re" ]; then
    grep -qE "$re" "$d/serial.txt" || ok=0
  else
    grep -q "kexec-ng purgatory" "$d/serial.txt" && ok=0
  fi
  grep -q "harness: kernel\|EXCEPTION" "$d/serial.txt" && ok=0
  pc_in_purgatory "$d" || ok=0
  echo "pc: $(cat "$d/pc" 2>/dev/null)" >>"$d/serial.txt"
  result $ok "$name" "$d/serial.txt"
}

# Silent bad cases: nothing on the UART, so wait well past the time the
# same check took when it booted (the good case in $1), then look where
# the CPU is.
park_after() {
  local t
  t=$(cat "$work/$1/seconds" 2>/dev/null || echo 5)
  park_seconds=$(echo "$t" | awk '{ print 3 * $1 + 2 }')
  export park_seconds
}

mm='kexec-ng purgatory: digest mismatch in region'
REPORT=4 CACHES_OFF=1 PORTABLE=2 # the knobs (src/purgatory/knobs.h)

# --bench: one run per configuration, "HOW KNOBS DIGEST LABEL" (DIGEST
# "off": --no-verify); the kernel stub prints how long the purgatory took
# (x86_64: TSC ticks, the others: microseconds).
bench_configs() {
  case $arch in
    x86_64)
      echo "max 0 crc32c -cpu max, crc32c, SSE4.2 crc32"
      echo "max $PORTABLE crc32c -cpu max, crc32c, tables"
      echo "default 0 crc32c qemu64, crc32c, tables"
      echo "max 0 sha256 -cpu max, sha256 (SHA-NI if QEMU has it)"
      echo "default 0 sha256 qemu64, sha256, C"
      echo "max 0 off -cpu max, check off" ;;
    arm64)
      for el in 1 2; do
        echo "$el 0 crc32c EL$el caches on, crc32c, CRC32 instructions"
        echo "$el $PORTABLE crc32c EL$el caches on, crc32c, tables"
        echo "$el 0 sha256 EL$el caches on, sha256, SHA-256 instructions"
        echo "$el $PORTABLE sha256 EL$el caches on, sha256, C"
        echo "$el $CACHES_OFF crc32c EL$el caches off, crc32c, CRC32 instructions"
        echo "$el $CACHES_OFF sha256 EL$el caches off, sha256, SHA-256 instructions"
        echo "$el $((CACHES_OFF | PORTABLE)) sha256 EL$el caches off, sha256, C"
      done
      echo "1 0 off EL1, check off" ;;
    riscv64)
      echo "jump 0 crc32c crc32c, tables"
      echo "jump 0 sha256 sha256, C"
      echo "jump 0 off check off" ;;
  esac
}

run_bench() {
  local clock="wall clock of the guest" unit
  [ -n "$icount" ] && clock="-icount shift=0: 1 ns = 1 guest instruction"
  echo "# $arch: check of a ${bench} MiB region (+ 75 KiB in 3 more) in QEMU TCG ($clock)"
  local how knobs digest label d opts t n=0
  while read -r how knobs digest label; do
    n=$((n + 1))
    d=$work/bench-$n
    opts=(--initrd-size "$size")
    if [ "$digest" = off ]; then opts+=(--no-verify); else opts+=(--digest "$digest"); fi
    [ $arch != riscv64 ] && opts+=(--knobs "$knobs")
    make_images "$d" "${opts[@]}" || exit 1
    run_qemu "$d" "$how" exit
    t=$(sed -n 's/.*purgatory took \([0-9]*\) \(us\|tsc ticks\).*/\1 \2/p' "$d/serial.txt")
    if [ -z "$t" ] || { [ "$digest" != off ] && ! grep -qxF "$verified" "$d/serial.txt"; }; then
      echo "$label: FAILED"; sed 's/^/  /' "$d/serial.txt"; continue
    fi
    # seconds of guest time (TSC ticks: ns under -icount, else unknown)
    unit=${t#* }; t=${t% *}
    if [ "$unit" = us ]; then
      t=$(echo "$t" | awk '{ printf "%.6f", $1 / 1e6 }')
    elif [ -n "$icount" ]; then
      t=$(echo "$t" | awk '{ printf "%.6f", $1 / 1e9 }')
    else
      printf '%-52s %14s TSC ticks (%s s QEMU wall)\n' "$label" "$t" "$(cat "$d/seconds")"
      continue
    fi
    if [ -n "$icount" ]; then
      printf '%-52s %12.0f instructions, %6.2f per byte of the region\n' "$label" \
        "$(echo "$t" | awk '{ print $1 * 1e9 }')" \
        "$(echo "$t $size" | awk '{ print $1 * 1e9 / $2 }')"
    else
      printf '%-52s %8.3f s guest (%s s QEMU wall)\n' "$label" "$t" "$(cat "$d/seconds")"
    fi
  done < <(bench_configs)
}

# entry32 NAME HOW [mkimage options]: --entry32: verified, then the
# kernel's 32-bit entry says the 32-bit protocol held (kernel.S).
entry32() {
  local name=$1 how=$2 d=$work/$1; shift 2
  make_images "$d" --entry32 "$@" || { result 0 "$name (mkimage)"; return; }
  run_qemu "$d" "$how" exit
  local ok=1
  grep -qF "harness: kernel32 OK" "$d/serial.txt" || ok=0
  grep -qxF "$verified" "$d/serial.txt" || ok=0
  grep -q "EXCEPTION\|FAIL" "$d/serial.txt" && ok=0
  result $ok "$name" "$d/serial.txt"
}

cases_x86_64() {
  echo "1..21"
  # CRC32C (the loader's default) on the CPU without SSE4.2 (tables) and
  # with it (crc32q), SHA-256 on both; the report says which code ran.
  want='kexec-ng purgatory: crc32c, portable tables' \
    good crc32c-qemu64 default --knobs $REPORT
  want='kexec-ng purgatory: crc32c, SSE4.2 crc32 instruction' \
    good crc32c-max max --knobs $REPORT
  want='kexec-ng purgatory: crc32c, portable tables' \
    good crc32c-max-tables max --knobs $((REPORT | PORTABLE))
  want='kexec-ng purgatory: sha256, portable C' \
    good sha256-qemu64 default --digest sha256 --knobs $REPORT
  want='kexec-ng purgatory: sha256, (SHA-NI instructions|portable C)' \
    good sha256-max max --digest sha256 --knobs $REPORT
  good crc32c-regs-zeroed max --regs
  good sha256-regs-zeroed default --digest sha256 --regs
  silent=1 good silent max --serial 0
  silent=1 good no-verify-corrupt default --no-verify --corrupt 1

  bad crc32c-qemu64-corrupt-kernel default "^$mm 0 \(start 0x400000, len 0x[0-9a-f]+\): refusing to boot$" --corrupt 0
  bad crc32c-max-corrupt-initrd max "^$mm 1 \(start 0x1000000, len 0x400000\): refusing to boot$" --corrupt 1
  bad crc32c-max-corrupt-tiny max "^$mm 3 \(start 0x18200010, len 0x1\): refusing to boot$" --corrupt 3
  bad crc32c-max-tables-corrupt-bootparams max "^$mm 2 \(start 0x18000000, len 0x12345\): refusing to boot$" \
    --corrupt 2 --knobs $PORTABLE
  bad sha256-qemu64-corrupt-bootparams default "^$mm 2 \(start 0x18000000, len 0x12345\): refusing to boot$" \
    --digest sha256 --corrupt 2
  bad sha256-max-corrupt-initrd max "^$mm 1 \(start 0x1000000, len 0x400000\): refusing to boot$" \
    --digest sha256 --corrupt 1
  bad bad-digest-kind max \
    "^kexec-ng purgatory: bad parameter block \(nr_regions 5, digest kind 2\): refusing to boot$" --bad-digest-kind
  bad bad-parameter-block default \
    "^kexec-ng purgatory: bad parameter block \(nr_regions 17, digest kind 1\): refusing to boot$" --bad-nr-regions
  park_after silent
  bad silent-corrupt max "" --serial 0 --corrupt 1
  # The 32-bit entry (KX_PURGATORY_ENTRY32): checked, then out of long mode
  entry32 entry32-qemu64 default
  entry32 entry32-max-sha256 max --digest sha256 --regs
  bad entry32-corrupt-kernel default "^$mm 0 \(start 0x400000, len 0x[0-9a-f]+\): refusing to boot$" \
    --entry32 --corrupt 0
}

cases_arm64() {
  echo "1..24"
  # CRC32C (the loader's default) at every EL, with the CRC32 instructions
  # and with the tables; SHA-256 with its instructions and in C.
  want='EL1, MMU and caches on, crc32c, CRC32 instructions' \
    good el1-verify 1 --knobs $REPORT
  want='EL2 \(E2H=0\), MMU and caches on, crc32c, CRC32 instructions' \
    good el2-verify 2 --knobs $REPORT
  want='EL2 \(E2H=1\), MMU and caches on, crc32c, CRC32 instructions' \
    good el2-vhe-verify 2h --knobs $REPORT
  want='EL1, MMU and caches on, crc32c, portable tables' \
    good el1-verify-crc32c-tables 1 --knobs $((REPORT | PORTABLE))
  want='EL1, MMU and caches on, sha256, SHA-256 instructions' \
    good el1-verify-sha256 1 --digest sha256 --knobs $REPORT
  want='EL2 \(E2H=1\), MMU and caches on, sha256, SHA-256 instructions' \
    good el2-vhe-verify-sha256 2h --digest sha256 --knobs $REPORT
  want='MMU and caches on, sha256, portable C' \
    good el1-verify-c-sha256 1 --digest sha256 --knobs $((REPORT | PORTABLE))
  want='EL1, MMU and caches off \(asked to\), crc32c, CRC32 instructions' \
    good el1-verify-caches-off 1 --knobs $((REPORT | CACHES_OFF))
  want='EL2 \(E2H=0\), MMU and caches off \(asked to\), crc32c, portable tables' \
    good el2-verify-caches-off-crc32c-tables 2 --knobs $((REPORT | CACHES_OFF | PORTABLE))
  want='EL2 \(E2H=0\), MMU and caches off \(asked to\), sha256, portable C' \
    good el2-verify-caches-off-c-sha256 2 --digest sha256 --knobs $((REPORT | CACHES_OFF | PORTABLE))
  good el1-regs-passed 1 --regs
  silent=1 good el1-silent 1 --serial 0
  silent=1 good el1-no-verify-corrupt 1 --no-verify --corrupt 1
  silent=1 good el2-no-verify-corrupt 2 --no-verify --corrupt 0

  bad el1-corrupt-initrd 1 "^$mm 1 \(start 0x41000000, len 0x400000\): refusing to boot$" --corrupt 1
  bad el2-corrupt-kernel 2 "^$mm 0 \(start 0x40400000, len 0x[0-9a-f]+\): refusing to boot$" --corrupt 0
  bad el2-vhe-corrupt-dtb 2h "^$mm 2 \(start 0x58000000, len 0x12345\): refusing to boot$" --corrupt 2
  bad el1-caches-off-corrupt-tiny 1 "^$mm 3 \(start 0x58200010, len 0x1\): refusing to boot$" \
    --corrupt 3 --knobs $CACHES_OFF
  bad el1-tables-corrupt-kernel 1 "^$mm 0 \(start 0x40400000, len 0x[0-9a-f]+\): refusing to boot$" \
    --corrupt 0 --knobs $PORTABLE
  bad el1-sha256-corrupt-initrd 1 "^$mm 1 \(start 0x41000000, len 0x400000\): refusing to boot$" \
    --digest sha256 --corrupt 1
  bad el2-sha256-caches-off-corrupt-dtb 2 "^$mm 2 \(start 0x58000000, len 0x12345\): refusing to boot$" \
    --digest sha256 --corrupt 2 --knobs $CACHES_OFF
  bad el1-bad-digest-kind 1 \
    "^kexec-ng purgatory: bad parameter block \(nr_regions 5, digest kind 2\): refusing to boot$" --bad-digest-kind
  park_after el1-silent
  bad el1-silent-corrupt 1 "" --serial 0 --corrupt 1
  bad el1-silent-caches-off-corrupt 1 "" --serial 0 --corrupt 2 --knobs $CACHES_OFF
}

cases_riscv64() {
  echo "1..16"
  # CRC32C (the loader's default; tables: riscv64 has no CRC instruction)
  # and SHA-256 (C).
  good verify jump
  good verify-hart1 hart1
  good verify-through-trap trap
  good verify-sha256 jump --digest sha256
  good verify-sha256-through-trap trap --digest sha256
  silent=1 good silent jump --serial 0
  silent=1 good no-verify-corrupt jump --no-verify --corrupt 1

  bad corrupt-kernel jump "^$mm 0 \(start 0x80400000, len 0x[0-9a-f]+\): refusing to boot$" --corrupt 0
  bad corrupt-initrd-hart1 hart1 "^$mm 1 \(start 0x81000000, len 0x400000\): refusing to boot$" --corrupt 1
  bad corrupt-dtb-through-trap trap "^$mm 2 \(start 0x98000000, len 0x12345\): refusing to boot$" --corrupt 2
  bad corrupt-tiny jump "^$mm 3 \(start 0x98200010, len 0x1\): refusing to boot$" --corrupt 3
  bad sha256-corrupt-initrd jump "^$mm 1 \(start 0x81000000, len 0x400000\): refusing to boot$" \
    --digest sha256 --corrupt 1
  bad bad-parameter-block jump \
    "^kexec-ng purgatory: bad parameter block \(nr_regions 17, digest kind 1\): refusing to boot$" --bad-nr-regions
  bad bad-digest-kind jump \
    "^kexec-ng purgatory: bad parameter block \(nr_regions 5, digest kind 2\): refusing to boot$" --bad-digest-kind
  bad region-outside-ram jump \
    "^kexec-ng purgatory: exception \(scause 0x5, sepc 0x803[0-9a-f]{5}, stval 0xc00000[0-3][0-9a-f]\): refusing to boot$" --fault
  park_after silent
  bad silent-corrupt jump "" --serial 0 --corrupt 1
}

if [ -n "$bench" ]; then
  size=$((bench * 1024 * 1024))
  run_bench
  exit 0
fi

cases_$arch
echo "# $((n - failed)) of $n passed"
[ $failed = 0 ]
