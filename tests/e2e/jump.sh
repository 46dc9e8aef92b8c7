#!/bin/bash
# kexec jump and device trees end-to-end (x86_64), on one small kernel that
# scripts/build-jump-kernel.sh builds from trixie-backports' newest linux-source, 7.x (cached
# in .cache/kernel-jump/, ~200 s on 2 cores when not cached): Debian's
# amd64 kernels lack CONFIG_KEXEC_JUMP and CONFIG_OF.
#
# jump-back: the proof that --load-preserve-context and
# --load-jump-back-helper work.
#
#   kernel A (SeaBIOS)  kexec -l --load-preserve-context --mem-max=... B; kexec -e
#   kernel B            finds kexec_jump_back_entry= in /proc/cmdline (the
#                       purgatory wrote it), kexec --load-jump-back-helper;
#                       kexec -e
#   kernel A            kexec -e returns 0: A prints E2E: jump A resumed
#
# The host judges the serial log: B saw the entry, A resumed with the same
# token, kexec -e said it came back.
#
# Then one chain of four kernels proves --dtb and --force-dtb on x86_64
# (CONFIG_OF gives x86_64 OF_EARLY_FLATTREE, which reads a SETUP_DTB
# setup_data node; marker.dtb is a tree made here with dtc holding the
# property kexec-ng-marker = the run's token):
#
#   kernel A (SeaBIOS)  kexec -c -l --dtb=marker.dtb B; kexec -e
#   kernel B            dtb-setup-data: /proc/device-tree/kexec-ng-marker is
#                       the token (kexec-ng handed the blob over as a
#                       SETUP_DTB node, B's kernel unflattened it);
#                       kexec -s -l --force-dtb C; kexec -e
#   kernel C            force-dtb: the marker again, though nothing but B's
#                       kernel gave C a tree (KEXEC_FILE_FORCE_DTB: 6.18+
#                       copies the tree it booted with into C's setup_data),
#                       and B's load said no "EINVAL" note (7.x knows the flag);
#                       kexec -s -l D (no --force-dtb); kexec -e
#   kernel D            force-dtb-absent, the control: C had the tree, but
#                       without the flag D gets none (no /sys/firmware/fdt,
#                       no marker)
#
# Usage: tests/e2e/jump.sh [--kexec PATH]   (default build/static-x86_64/kexec)
# Prints "PASS NAME" or "FAIL NAME: <reason>" for jump-back, dtb-setup-data,
# force-dtb and force-dtb-absent, then "N passed, N failed" (scripts/test.sh
# counts it); logs in build/e2e-logs/jump-back.log and dtb-chain.log.  Exit
# status 1 on failure.  The guests get a CPU with 1 GiB pages (pdpe1gb):
# kernel B's identity map must cover the return address in kernel A's memory
# (kexec(8), KEXEC JUMP).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEXEC_BIN=$E2E_ROOT/build/static-x86_64/kexec
while [ $# -gt 0 ]; do
  case "$1" in
    --kexec) KEXEC_BIN=$2; shift 2 ;;
    --kexec=*) KEXEC_BIN=${1#--kexec=}; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "jump.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "${KEXEC_BIN#/}" != "$KEXEC_BIN" ] || KEXEC_BIN=$PWD/$KEXEC_BIN
name=jump-back
passed=0 failed=0
fail() { echo "FAIL $name: $*"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
[ -f "$KEXEC_BIN" ] || fail "no kexec binary at $KEXEC_BIN (make static ARCH=x86_64)"

e2e_set_arch x86_64
kernel=$("$E2E_ROOT/scripts/build-jump-kernel.sh") || fail "cannot build the kexec-jump kernel"
mkdir -p "$E2E_WORK" "$E2E_LOGS"
RUN=$E2E_WORK/jump.$$
rm -rf "$RUN"; mkdir -p "$RUN/case" "$RUN/k2/k2"
trap 'rm -rf "$RUN"' EXIT

_e2e_lock
base=$(e2e_base_layer) || e2e_die "cannot build the base layer"
_e2e_unlock
e2e_kexec_layer ng "$KEXEC_BIN" "$RUN/kexec.cpio.gz" || e2e_die "cannot pack $KEXEC_BIN"
cp "$kernel" "$RUN/k2/k2/vmlinuz"

# guest_initrds HOPS: $RUN/initrd.img, for the kernel QEMU boots, from the
# guest script in $RUN/case; each kernel of the chain can kexec the next
# one, HOPS in all.  Every guest's initrd holds busybox, /init, kexec,
# /case.sh and, but for the last guest's, /k2 (this same kernel, whatever
# else $RUN/k2/k2 holds, and the next guest's initrd as /k2/initrd.img).
guest_initrds() {
  local hop
  _e2e_cpio_gz "$RUN/case" "$RUN/case.cpio.gz"
  cat "$base" "$RUN/kexec.cpio.gz" "$RUN/case.cpio.gz" >"$RUN/initrd.img"
  for ((hop = 0; hop < $1; hop++)); do
    mv "$RUN/initrd.img" "$RUN/k2/k2/initrd.img"
    _e2e_cpio_gz "$RUN/k2" "$RUN/k2.cpio.gz"
    cat "$base" "$RUN/kexec.cpio.gz" "$RUN/case.cpio.gz" "$RUN/k2.cpio.gz" >"$RUN/initrd.img"
  done
}

has() { grep -aqE "$1" "$log"; }
# judge WHAT: PASS $name (WHAT) when $reason is empty, else FAIL with it.
judge() {
  if [ -z "$reason" ]; then
    echo "PASS $name ($1)"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $reason (log: $log)"
    failed=$((failed + 1))
  fi
}

token=$(e2e_random_token)
# Kernel B gets the RAM below 256 MiB (of 1 GiB): kexec keeps it for A.
MEM_MAX=0xfffffff
# /case.sh of both kernels: B is the one whose command line has the entry.
# shellcheck disable=SC2016  # guest script text
{
  echo "KEXEC=/bin/kexec"
  echo "TOKEN=$token"
  echo "APPEND2=\"$E2E_CONSOLE stage=1 jump=B token=$token\""
  cat <<'GUEST'
case_main() {
  if grep -q kexec_jump_back_entry= /proc/cmdline; then
    echo "E2E: jump B cmdline $(cat /proc/cmdline)"
    echo "E2E: jump B memtotal=$memtotal"
    run_cmd helper $KEXEC --load-jump-back-helper
    echo "E2E: jump B sys loaded=$(cat /sys/kernel/kexec_loaded)"
    run_cmd back $KEXEC -e
    echo "E2E: jump B: kexec -e came back here"
    return
  fi
  echo "E2E: jump A token=$TOKEN memtotal=$memtotal"
GUEST
  echo "  run_cmd load \$KEXEC -l --load-preserve-context --mem-max=$MEM_MAX --initrd=/k2/initrd.img --append=\"\$APPEND2\" /k2/vmlinuz"
  cat <<'GUEST'
  echo "E2E: jump A sys loaded=$(cat /sys/kernel/kexec_loaded)"
  run_cmd jump $KEXEC -e
  echo "E2E: jump A resumed token=$TOKEN uptime=$(cut -d' ' -f1 /proc/uptime)"
}
GUEST
} >"$RUN/case/case.sh"
guest_initrds 1

log=$E2E_LOGS/$name.log
E2E_CPU=qemu64,+pdpe1gb e2e_qemu seabios "$kernel" "$RUN/initrd.img" "$E2E_CONSOLE stage=1" "$log" 300 \
  "E2E: poweroff|Kernel panic|kexec-ng purgatory: exception" 3
qrc=$?

# the verdict, from the serial log
reason=
if ! has "^E2E: rc load=0"; then reason="the --load-preserve-context load failed: $(grep -a 'E2E: out load' "$log" | tail -3 | tr '\n' ' ')"
elif ! has "^E2E: jump B cmdline .*token=$token .*kexec_jump_back_entry=0x[0-9a-f]{16}"; then
  reason="kernel B never showed kexec_jump_back_entry= with the token"
elif has "kexec_jump_back_entry=0x0000000000000000"; then reason="the purgatory left the entry's digits zero"
elif ! has "^E2E: rc helper=0"; then reason="--load-jump-back-helper failed in B: $(grep -a 'E2E: out helper' "$log" | tail -3 | tr '\n' ' ')"
elif ! has "^E2E: jump A resumed token=$token"; then reason="kernel A did not resume (qemu status $qrc)"
elif ! has "^E2E: rc jump=0"; then reason="kexec -e in A did not return 0 after the jump back"
elif ! has "^E2E: out jump: kexec: back in this kernel"; then reason="kexec -e did not say it came back"
fi
judge "$(grep -aoE "kexec_jump_back_entry=0x[0-9a-f]{16}" "$log" | head -1); QEMU ${E2E_QEMU_SECS}s"

# --- the device tree chain: --dtb, then --force-dtb and its control ---------
token=$(e2e_random_token)
rm -rf "$RUN/case"; mkdir -p "$RUN/case"
printf '/dts-v1/;\n/ {\n\tkexec-ng-marker = "%s";\n};\n' "$token" |
  dtc -q -I dts -O dtb -o "$RUN/k2/k2/marker.dtb" - || fail "dtc cannot make the marker tree"
# /case.sh of all four: dtb=B, C or D on the command line says which one
# runs it (A has none).
# shellcheck disable=SC2016  # guest script text
{
  echo "KEXEC=/bin/kexec"
  echo "APPEND=\"$E2E_CONSOLE stage=1 token=$token\""
  cat <<'GUEST'
case_main() {
  hop=A
  for word in $(cat /proc/cmdline); do
    case "$word" in dtb=*) hop=${word#dtb=} ;; esac
  done
  if [ $hop != A ]; then
    fdt=absent
    [ -e /sys/firmware/fdt ] && fdt=present
    echo "E2E: dtb $hop fdt=$fdt marker=$(tr -d '\0' </proc/device-tree/kexec-ng-marker 2>/dev/null)"
  fi
  case $hop in
    A) run_cmd load $KEXEC -c -l --dtb=/k2/marker.dtb --initrd=/k2/initrd.img --append="$APPEND dtb=B" /k2/vmlinuz ;;
    B) run_cmd force $KEXEC -s -l --force-dtb --initrd=/k2/initrd.img --append="$APPEND dtb=C" /k2/vmlinuz ;;
    C) run_cmd noforce $KEXEC -s -l --initrd=/k2/initrd.img --append="$APPEND dtb=D" /k2/vmlinuz ;;
    *) return ;;
  esac
  run_cmd exec$hop $KEXEC -e
}
GUEST
} >"$RUN/case/case.sh"
guest_initrds 3
log=$E2E_LOGS/dtb-chain.log
e2e_qemu seabios "$kernel" "$RUN/initrd.img" "$E2E_CONSOLE stage=1" "$log" 300 \
  "E2E: dtb D |E2E: poweroff|Kernel panic|kexec-ng purgatory: exception" 3
qrc=$?
# marker_of HOP: the line kernel HOP printed, or why there is none.
marker_of() {
  grep -a "^E2E: dtb $1 " "$log" | head -1 | tr -d '\r' | grep . ||
    echo "kernel $1 never ran the check (qemu status $qrc)"
}
out_of() { grep -a "E2E: out $1" "$log" | tail -3 | tr '\n' ' '; }

name="dtb-setup-data"
reason=
if ! has "^E2E: rc load=0"; then reason="kexec -c --dtb failed: $(out_of load)"
elif [ "$(marker_of B)" != "E2E: dtb B fdt=present marker=$token" ]; then reason="kernel B: $(marker_of B)"
fi
judge "/proc/device-tree/kexec-ng-marker = the token; QEMU ${E2E_QEMU_SECS}s for A-D"

name=force-dtb
reason=
if ! has "^E2E: rc force=0"; then reason="kexec -s --force-dtb failed in B: $(out_of force)"
elif has "^E2E: out force: .*EINVAL"; then reason="the load went through an EINVAL retry: $(out_of force)"
elif [ "$(marker_of C)" != "E2E: dtb C fdt=present marker=$token" ]; then reason="kernel C: $(marker_of C)"
fi
judge "C booted with B's tree: the marker = the token; no EINVAL note"

name=force-dtb-absent
reason=
if ! has "^E2E: rc noforce=0"; then reason="kexec -s in C failed: $(out_of noforce)"
elif [ "$(marker_of D)" != "E2E: dtb D fdt=absent marker=" ]; then reason="kernel D: $(marker_of D)"
fi
judge "without --force-dtb D got no tree from C"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
