#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the riscv64 purgatory in QEMU (qemu-system-riscv64 -M virt, TCG,
# OpenSBI from QEMU's firmware) the way the old kernel's
# riscv_kexec_relocate / riscv_kexec_norelocate enter it, and check what
# the "new kernel" gets. See README.md beside this file.
#
#   tests/purgatory/riscv64/run.sh                 the cases, as TAP
#   tests/purgatory/riscv64/run.sh --bench [MiB]   time the check of one
#                                                  MiB-sized region (default 64)
#   options: --mkimage PATH  the host tool (else built in build/purgatory-qemu)
#            --keep DIR      keep the images and QEMU logs in DIR
#
# Skips (TAP "1..0 # SKIP") without qemu-system-riscv64 or a riscv64
# compiler. Never runs kexec: everything happens inside QEMU.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
mkimage= keep= bench=

while [ $# -gt 0 ]; do
  case $1 in
    --mkimage) mkimage=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --bench)
      bench=64; shift
      if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then bench=$1; shift; fi ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

qemu=$(command -v qemu-system-riscv64) ||
  skip_all "no qemu-system-riscv64 (Debian: qemu-system-misc)"
if [ "$(uname -m)" = riscv64 ]; then
  CC=${CC:-gcc} OBJCOPY=objcopy
else
  CC=riscv64-linux-gnu-gcc OBJCOPY=riscv64-linux-gnu-objcopy
fi
command -v "$CC" >/dev/null && command -v "$OBJCOPY" >/dev/null ||
  skip_all "no riscv64 compiler (Debian: gcc-riscv64-linux-gnu)"
command -v python3 >/dev/null || skip_all "no python3 (reads the QEMU monitor)"

if [ -z "$mkimage" ]; then
  b=$top/build/purgatory-qemu
  if [ ! -f "$b/build.ninja" ]; then
    meson setup "$b" "$top" >/dev/null || { echo "run.sh: meson setup $b failed" >&2; exit 1; }
  fi
  ninja -C "$b" tests/unit/mkpurgimage-riscv64 >/dev/null ||
    { echo "run.sh: building mkpurgimage-riscv64 failed" >&2; exit 1; }
  mkimage=$b/tests/unit/mkpurgimage-riscv64
fi

if [ -n "$keep" ]; then
  work=$keep; mkdir -p "$work"
else
  work=$(mktemp -d /tmp/kx-purgatory-rv-qemu.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi

# The two bare-metal programs, linked where layout.h puts them. No gp
# (-mno-relax), no small-data sections, no PIE.
bm_flags=(-std=gnu11 -O2 -g0 -ffreestanding -nostdlib -static -fno-pic -no-pie
          -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax
          -msmall-data-limit=0 -fno-stack-protector -Wall -Wextra -Werror -I"$here"
          -T "$here/harness.lds" -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=0x80200000 \
  "$here/boot.S" "$here/boot.c" -o "$work/boot.elf" &&
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=0x80400000 \
  "$here/kernel.S" "$here/kernel.c" -o "$work/kernel.elf" &&
"$OBJCOPY" -O binary "$work/kernel.elf" "$work/kernel-built.bin" ||
  { echo "run.sh: building the bare-metal stubs failed" >&2; exit 1; }

# make_images DIR [mkimage options]
make_images() {
  local dir=$1; shift
  mkdir -p "$dir" && "$mkimage" "$dir" "$work/kernel-built.bin" "$@"
}

# Print the PC of CPU $2, through the QEMU monitor socket $1.
monitor_pc() {
  python3 - "$1" "$2" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b"cpu %d\ninfo registers\n" % int(sys.argv[2]))
out, deadline = b"", time.time() + 5
pat = rb"\n\s*pc\s+([0-9a-fA-F]{16})"
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
#   HOW: jump (hart 0), hart1 (-smp 2, hart 1 enters), trap (through stvec).
#   WAIT=exit: until QEMU powers off (the kernel does); WAIT=park:SECONDS
#   or park:/REGEX/: until REGEX shows up (or SECONDS pass), one more
#   second, then read the PC of the hart that entered and quit. Output in
#   DIR/serial.txt, the PC in DIR/pc, wall time in DIR/seconds.
run_qemu() {
  local dir=$1 how=$2 wait=$3 smp=1 mode=0 cpu=0 pid start end
  case $how in
    jump) ;;
    hart1) smp=2; mode=1; cpu=1 ;;
    trap) mode=2 ;;
  esac
  rm -f "$dir/mon.sock" "$dir/pc"
  : >"$dir/serial.log"
  start=$(date +%s.%N)
  timeout 120 "$qemu" -M virt -m 512M -smp "$smp" -bios default \
    -nographic -no-reboot -monitor "unix:$dir/mon.sock,server,nowait" \
    -kernel "$work/boot.elf" \
    -device "loader,file=$dir/kernel.bin,addr=0x80400000,force-raw=on" \
    -device "loader,file=$dir/purgatory.bin,addr=0x80300000,force-raw=on" \
    -device "loader,file=$dir/initrd.bin,addr=0x81000000,force-raw=on" \
    -device "loader,file=$dir/dtb.bin,addr=0x98000000,force-raw=on" \
    -device "loader,file=$dir/tiny.bin,addr=0x98200010,force-raw=on" \
    -device "loader,addr=0x80280000,data=$mode,data-len=4" \
    </dev/null >"$dir/serial.log" 2>&1 &
  pid=$!
  if [[ $wait == park:* ]]; then
    local what=${wait#park:} deadline
    if [[ $what == /*/ ]]; then
      deadline=$((SECONDS + 60)); what=${what:1:${#what}-2}
      until tr -d '\r' <"$dir/serial.log" 2>/dev/null | grep -qE "$what" ||
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
    # The end of the log: OpenSBI's banner comes first.
    [ -n "${3:-}" ] && tail -12 "$3" | sed 's/^/#   /'
  fi
}

# The PC is inside the purgatory: [0x80300000, 0x80400000).
pc_in_purgatory() {
  local pc
  pc=$(cat "$1/pc" 2>/dev/null)
  [[ $pc =~ ^[0-9a-fA-F]{16}$ ]] || return 1
  (( 16#$pc >= 0x80300000 && 16#$pc < 0x80400000 ))
}

ok_line='harness: kernel OK'
verified='kexec-ng purgatory: 5 regions verified'

# good NAME HOW [mkimage options]: boots, says "5 regions verified" (or,
# with silent=1, nothing from the purgatory), the kernel's line says OK.
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
  result $ok "$name" "$d/serial.txt"
  [ $ok = 1 ] && sed -n "s/^$ok_line/#   kernel OK/p" "$d/serial.txt"
}

# bad NAME HOW REGEX [mkimage options]: REGEX on the UART (empty:
# silent), no kernel, the hart parked inside the purgatory.
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

if [ -n "$bench" ]; then
  size=$((bench * 1024 * 1024))
  echo "# check of a ${bench} MiB region (+ 75 KiB in 3 more) in QEMU TCG, -M virt, portable C SHA-256"
  for v in "verify on" "verify off"; do
    d=$work/bench-${v#verify }
    opts=(--initrd-size "$size")
    [ "$v" = "verify off" ] && opts+=(--no-verify)
    make_images "$d" "${opts[@]}" || exit 1
    run_qemu "$d" jump exit
    us=$(sed -n 's/.*purgatory took \([0-9]*\) us.*/\1/p' "$d/serial.txt")
    if [ -z "$us" ]; then
      echo "$v: FAILED"; sed 's/^/  /' "$d/serial.txt"; continue
    fi
    printf '%-10s %8.3f s guest (%s s QEMU wall)' "$v" \
      "$(echo "$us" | awk '{ print $1 / 1e6 }')" "$(cat "$d/seconds")"
    [ "$v" = "verify on" ] && echo "$us $bench" |
      awk '{ printf ", %.1f MiB/s", $2 / ($1 / 1e6) }'
    echo
  done
  exit 0
fi

echo "1..12"
good verify jump
good verify-hart1 hart1
good verify-through-trap trap
silent=1 good silent jump --serial 0
silent=1 good no-verify-corrupt jump --no-verify --corrupt 1

mm='kexec-ng purgatory: digest mismatch in region'
bad corrupt-kernel jump "^$mm 0 \(start 0x80400000, len 0x[0-9a-f]+\): refusing to boot$" --corrupt 0
bad corrupt-initrd-hart1 hart1 "^$mm 1 \(start 0x81000000, len 0x400000\): refusing to boot$" --corrupt 1
bad corrupt-dtb-through-trap trap "^$mm 2 \(start 0x98000000, len 0x12345\): refusing to boot$" --corrupt 2
bad corrupt-tiny jump "^$mm 3 \(start 0x98200010, len 0x1\): refusing to boot$" --corrupt 3
bad bad-parameter-block jump \
  "^kexec-ng purgatory: bad parameter block \(nr_regions 17\): refusing to boot$" --bad-nr-regions
bad region-outside-ram jump \
  "^kexec-ng purgatory: exception \(scause 0x5, sepc 0x803[0-9a-f]{5}, stval 0xc00000[0-3][0-9a-f]\): refusing to boot$" --fault
# Silent: nothing on the UART, so wait well past the time the same
# check took when it booted (silent), then look where the hart is.
t=$(cat "$work/silent/seconds" 2>/dev/null || echo 5)
park_seconds=$(echo "$t" | awk '{ print 3 * $1 + 2 }')
export park_seconds
bad silent-corrupt jump "" --serial 0 --corrupt 1

echo "# $((n - failed)) of $n passed"
[ $failed = 0 ]
