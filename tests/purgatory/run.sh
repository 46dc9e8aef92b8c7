#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the arm64 purgatory in QEMU (qemu-system-aarch64 -M virt, TCG) the
# way the old kernel's cpu_soft_restart enters it, and check what the
# "new kernel" gets. See README.md beside this file.
#
#   tests/purgatory/run.sh                 the cases, as TAP
#   tests/purgatory/run.sh --bench [MiB]   time the check of one MiB-sized
#                                          region (default 64): caches
#                                          on/off x SHA-256 instructions/C
#   options: --mkimage PATH  the host tool (else built in build/purgatory-qemu)
#            --keep DIR      keep the images and QEMU logs in DIR
#
# Skips (TAP "1..0 # SKIP") without qemu-system-aarch64 or an aarch64
# compiler. Never runs kexec: everything happens inside QEMU.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
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

qemu=$(command -v qemu-system-aarch64) ||
  skip_all "no qemu-system-aarch64 (Debian: qemu-system-arm)"
if [ "$(uname -m)" = aarch64 ]; then
  CC=${CC:-gcc} OBJCOPY=objcopy
else
  CC=aarch64-linux-gnu-gcc OBJCOPY=aarch64-linux-gnu-objcopy
fi
command -v "$CC" >/dev/null && command -v "$OBJCOPY" >/dev/null ||
  skip_all "no aarch64 compiler (Debian: gcc-aarch64-linux-gnu)"
command -v python3 >/dev/null || skip_all "no python3 (reads the QEMU monitor)"

if [ -z "$mkimage" ]; then
  b=$top/build/purgatory-qemu
  if [ ! -f "$b/build.ninja" ]; then
    meson setup "$b" "$top" >/dev/null || { echo "run.sh: meson setup $b failed" >&2; exit 1; }
  fi
  ninja -C "$b" tests/unit/mkpurgimage >/dev/null ||
    { echo "run.sh: building mkpurgimage failed" >&2; exit 1; }
  mkimage=$b/tests/unit/mkpurgimage
fi

if [ -n "$keep" ]; then
  work=$keep; mkdir -p "$work"
else
  work=$(mktemp -d /tmp/kx-purgatory-qemu.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi

# The two bare-metal programs. With the MMU off every access is Device
# memory: -mstrict-align, and no FP/SIMD (EL1 starts with it trapped).
bm_flags=(-std=gnu11 -O2 -g0 -ffreestanding -nostdlib -static -fno-pic -no-pie
          -mgeneral-regs-only -mstrict-align -mbranch-protection=none
          -fno-stack-protector -Wall -Wextra -Werror -I"$here"
          -T "$here/harness.lds" -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=0x40200000 \
  "$here/boot.S" "$here/boot.c" -o "$work/boot.elf" &&
"$CC" "${bm_flags[@]}" -Wl,--section-start=.text=0x40400000 \
  "$here/kernel.S" "$here/kernel.c" -o "$work/kernel.elf" &&
"$OBJCOPY" -O binary "$work/kernel.elf" "$work/kernel-built.bin" ||
  { echo "run.sh: building the bare-metal stubs failed" >&2; exit 1; }

# make_images DIR [mkimage options]
make_images() {
  local dir=$1; shift
  mkdir -p "$dir" && "$mkimage" "$dir" "$work/kernel-built.bin" "$@"
}

# Print the PC of the (only) CPU, through the QEMU monitor socket.
monitor_pc() {
  python3 - "$1" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(b"info registers\n")
out, deadline = b"", time.time() + 5
while b"PC=" not in out or not re.search(rb"PC=[0-9a-fA-F]{16}", out):
    if time.time() > deadline:
        break
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    out += chunk
m = re.search(rb"PC=([0-9a-fA-F]{16})", out)
print(m.group(1).decode() if m else "unknown")
try:
    s.sendall(b"quit\n")
except OSError:
    pass
PY
}

# run_qemu DIR EL(1|2|2h) WAIT
#   WAIT=exit: until QEMU powers off (the kernel does); WAIT=park:SECONDS
#   or park:/REGEX/: until REGEX shows up (or SECONDS pass), one more
#   second, then read the PC and quit. Output in DIR/serial.log, the PC in
#   DIR/pc, wall time in DIR/seconds.
run_qemu() {
  local dir=$1 el=$2 wait=$3 machine=virt mode=0 pid start end
  case $el in
    1) ;;
    2) machine=virt,virtualization=on ;;
    2h) machine=virt,virtualization=on; mode=1 ;;
  esac
  rm -f "$dir/mon.sock" "$dir/pc"
  start=$(date +%s.%N)
  timeout 120 "$qemu" -M "$machine" -cpu max,lpa2=off -m 512M -smp 1 \
    -nographic -no-reboot -monitor "unix:$dir/mon.sock,server,nowait" \
    -device "loader,file=$work/boot.elf,cpu-num=0" \
    -device "loader,file=$dir/kernel.bin,addr=0x40400000,force-raw=on" \
    -device "loader,file=$dir/purgatory.bin,addr=0x40300000,force-raw=on" \
    -device "loader,file=$dir/initrd.bin,addr=0x41000000,force-raw=on" \
    -device "loader,file=$dir/dtb.bin,addr=0x58000000,force-raw=on" \
    -device "loader,file=$dir/tiny.bin,addr=0x58200010,force-raw=on" \
    -device "loader,addr=0x40280000,data=$mode,data-len=4" \
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
      monitor_pc "$dir/mon.sock" >"$dir/pc" 2>/dev/null || echo unknown >"$dir/pc"
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
    [ -n "${3:-}" ] && head -20 "$3" | sed 's/^/#   /'
  fi
}

# The PC is inside the purgatory: [0x40300000, 0x40400000).
pc_in_purgatory() {
  local pc
  pc=$(cat "$1/pc" 2>/dev/null)
  [[ $pc =~ ^[0-9a-fA-F]{16}$ ]] || return 1
  (( 16#$pc >= 0x40300000 && 16#$pc < 0x40400000 ))
}

REPORT=4 CACHES_OFF=1 PORTABLE=2
ok_line='harness: kernel OK'
verified='kexec-ng purgatory: 5 regions verified'

# good NAME EL [mkimage options]: boots, says "5 regions verified" (the
# report line too, REGEX in $want if set), kernel content.
good() {
  local name=$1 el=$2 d=$work/$1; shift 2
  make_images "$d" "$@" || { result 0 "$name (mkimage)"; return; }
  run_qemu "$d" "$el" exit
  local ok=1
  grep -qF "$ok_line" "$d/serial.txt" || ok=0
  grep -q "EXCEPTION\|FAIL" "$d/serial.txt" && ok=0
  if [ -n "${silent:-}" ]; then
    grep -q "kexec-ng purgatory" "$d/serial.txt" && ok=0
  else
    grep -qxF "$verified" "$d/serial.txt" || ok=0
  fi
  [ -n "${want:-}" ] && { grep -qE "$want" "$d/serial.txt" || ok=0; }
  # With the report on: SCTLR.M (bit 0) and C (bit 2) as the check ran,
  # set exactly when the report says the caches were on.
  local sctlr
  sctlr=$(sed -n 's/^kexec-ng purgatory: SCTLR during the check 0x\([0-9a-f]*\)$/\1/p' "$d/serial.txt")
  if grep -q "MMU and caches on" "$d/serial.txt"; then
    [ -n "$sctlr" ] && (( (16#$sctlr & 5) == 5 )) || ok=0
  elif grep -q "MMU and caches off" "$d/serial.txt"; then
    [ -n "$sctlr" ] && (( (16#$sctlr & 5) == 0 )) || ok=0
  fi
  result $ok "$name" "$d/serial.txt"
  [ $ok = 1 ] && sed -n "s/^$ok_line/#   kernel OK/p" "$d/serial.txt"
}

# bad NAME EL REGEX [mkimage options]: REGEX on the UART (empty: silent),
# no kernel, the CPU parked inside the purgatory.
bad() {
  local name=$1 el=$2 re=$3 d=$work/$1 wait; shift 3
  make_images "$d" "$@" || { result 0 "$name (mkimage)"; return; }
  if [ -n "$re" ]; then wait="park:/$re/"; else wait="park:${park_seconds:-5}"; fi
  run_qemu "$d" "$el" "$wait"
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
  echo "# check of a ${bench} MiB region (+ 75 KiB in 3 more) in QEMU TCG, -cpu max"
  for el in 1 2; do
    for k in "0 caches on, SHA-256 instructions" "$PORTABLE caches on, C SHA-256" \
             "$CACHES_OFF caches off, SHA-256 instructions" \
             "$((CACHES_OFF | PORTABLE)) caches off, C SHA-256"; do
      knobs=${k%% *} what=${k#* }
      d=$work/bench-$el-$knobs
      make_images "$d" --initrd-size "$size" --knobs "$((knobs | REPORT))" || exit 1
      run_qemu "$d" "$el" exit
      us=$(sed -n 's/.*purgatory took \([0-9]*\) us.*/\1/p' "$d/serial.txt")
      if [ -z "$us" ] || ! grep -qxF "$verified" "$d/serial.txt"; then
        echo "EL$el $what: FAILED"; sed 's/^/  /' "$d/serial.txt"; continue
      fi
      printf 'EL%s  %-38s %8.3f s guest (%s s QEMU wall)\n' "$el" "$what" \
        "$(echo "$us" | awk '{ print $1 / 1e6 }')" "$(cat "$d/seconds")"
    done
  done
  exit 0
fi

echo "1..16"
want='EL1, MMU and caches on, SHA-256 instructions' \
  good el1-verify 1 --knobs $REPORT
want='EL2 \(E2H=0\), MMU and caches on, SHA-256 instructions' \
  good el2-verify 2 --knobs $REPORT
want='EL2 \(E2H=1\), MMU and caches on, SHA-256 instructions' \
  good el2-vhe-verify 2h --knobs $REPORT
want='MMU and caches on, portable SHA-256' \
  good el1-verify-c-sha256 1 --knobs $((REPORT | PORTABLE))
want='EL1, MMU and caches off \(asked to\)' \
  good el1-verify-caches-off 1 --knobs $((REPORT | CACHES_OFF))
want='EL2 \(E2H=0\), MMU and caches off \(asked to\), portable' \
  good el2-verify-caches-off-c-sha256 2 --knobs $((REPORT | CACHES_OFF | PORTABLE))
good el1-regs-passed 1 --regs
silent=1 good el1-silent 1 --serial 0
silent=1 good el1-no-verify-corrupt 1 --no-verify --corrupt 1
silent=1 good el2-no-verify-corrupt 2 --no-verify --corrupt 0

mm='kexec-ng purgatory: digest mismatch in region'
bad el1-corrupt-initrd 1 "^$mm 1 \(start 0x41000000, len 0x400000\): refusing to boot$" --corrupt 1
bad el2-corrupt-kernel 2 "^$mm 0 \(start 0x40400000, len 0x[0-9a-f]+\): refusing to boot$" --corrupt 0
bad el2-vhe-corrupt-dtb 2h "^$mm 2 \(start 0x58000000, len 0x12345\): refusing to boot$" --corrupt 2
bad el1-caches-off-corrupt-tiny 1 "^$mm 3 \(start 0x58200010, len 0x1\): refusing to boot$" \
  --corrupt 3 --knobs $CACHES_OFF
# Silent: nothing on the UART, so wait well past the time the same
# check took when it booted (el1-silent), then look where the CPU is.
t=$(cat "$work/el1-silent/seconds" 2>/dev/null || echo 5)
park_seconds=$(echo "$t" | awk '{ print 3 * $1 + 2 }')
export park_seconds
bad el1-silent-corrupt 1 "" --serial 0 --corrupt 1
bad el1-silent-caches-off-corrupt 1 "" --serial 0 --corrupt 2 --knobs $CACHES_OFF

echo "# $((n - failed)) of $n passed"
[ $failed = 0 ]
