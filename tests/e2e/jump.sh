#!/bin/bash
# kexec jump end-to-end (x86_64): the proof that --load-preserve-context and
# --load-jump-back-helper work.  Debian's amd64 kernels lack
# CONFIG_KEXEC_JUMP, so both kernels are the small one
# scripts/build-jump-kernel.sh builds from Debian's linux-source-6.1
# (cached in .cache/kernel-jump/, ~7 minutes on 2 cores when not cached).
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
# The same kernel, built with CONFIG_OF (and OF_UNITTEST, the only option
# that gives x86_64 OF_EARLY_FLATTREE), also proves --dtb on x86_64 (case
# dtb-setup-data): A loads B with `kexec -c --dtb marker.dtb`, a tree made
# here with dtc holding the property kexec-ng-marker = the run's token; B
# finds it in /proc/device-tree: kexec-ng handed the blob over as a
# SETUP_DTB setup_data node and B's kernel unflattened it.
#
# Usage: tests/e2e/jump.sh [--kexec PATH]   (default build/static-x86_64/kexec)
# Prints "PASS NAME" or "FAIL NAME: <reason>" for jump-back and
# dtb-setup-data, then "N passed, N failed" (scripts/test.sh counts it); logs
# in build/e2e-logs/NAME.log. Exit status 1 on failure.  The guests get
# a CPU with 1 GiB pages (pdpe1gb): kernel B's identity map must cover the
# return address in kernel A's memory (kexec(8), KEXEC JUMP).
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
_e2e_cpio_gz "$RUN/case" "$RUN/case.cpio.gz"
# B's initrd: busybox, /init, kexec and the same /case.sh; A's adds /k2.
cat "$base" "$RUN/kexec.cpio.gz" "$RUN/case.cpio.gz" >"$RUN/k2/k2/initrd.img"
cp "$kernel" "$RUN/k2/k2/vmlinuz"
_e2e_cpio_gz "$RUN/k2" "$RUN/k2.cpio.gz"
cat "$RUN/k2/k2/initrd.img" "$RUN/k2.cpio.gz" >"$RUN/initrd.img"

log=$E2E_LOGS/$name.log
E2E_CPU=qemu64,+pdpe1gb e2e_qemu seabios "$kernel" "$RUN/initrd.img" "$E2E_CONSOLE stage=1" "$log" 300 \
  "E2E: poweroff|Kernel panic|kexec-ng purgatory: exception" 3
qrc=$?

# the verdict, from the serial log
reason=
has() { grep -aqE "$1" "$log"; }
if ! has "^E2E: rc load=0"; then reason="the --load-preserve-context load failed: $(grep -a 'E2E: out load' "$log" | tail -3 | tr '\n' ' ')"
elif ! has "^E2E: jump B cmdline .*token=$token .*kexec_jump_back_entry=0x[0-9a-f]{16}"; then
  reason="kernel B never showed kexec_jump_back_entry= with the token"
elif has "kexec_jump_back_entry=0x0000000000000000"; then reason="the purgatory left the entry's digits zero"
elif ! has "^E2E: rc helper=0"; then reason="--load-jump-back-helper failed in B: $(grep -a 'E2E: out helper' "$log" | tail -3 | tr '\n' ' ')"
elif ! has "^E2E: jump A resumed token=$token"; then reason="kernel A did not resume (qemu status $qrc)"
elif ! has "^E2E: rc jump=0"; then reason="kexec -e in A did not return 0 after the jump back"
elif ! has "^E2E: out jump: kexec: back in this kernel"; then reason="kexec -e did not say it came back"
fi
if [ -z "$reason" ]; then
  entry=$(grep -aoE "kexec_jump_back_entry=0x[0-9a-f]{16}" "$log" | head -1)
  echo "PASS $name ($entry; QEMU ${E2E_QEMU_SECS}s)"
  passed=$((passed + 1))
else
  echo "FAIL $name: $reason (log: $log)"
  failed=$((failed + 1))
fi

# --- dtb-setup-data: --dtb on x86_64, seen by the next kernel ---------------
name=dtb-setup-data
token=$(e2e_random_token)
rm -rf "$RUN/case" "$RUN/k2/k2/marker.dtb"; mkdir -p "$RUN/case"
printf '/dts-v1/;\n/ {\n\tkexec-ng-marker = "%s";\n};\n' "$token" |
  dtc -q -I dts -O dtb -o "$RUN/k2/k2/marker.dtb" - || fail "dtc cannot make the marker tree"
# shellcheck disable=SC2016  # guest script text
{
  echo "KEXEC=/bin/kexec"
  echo "TOKEN=$token"
  echo "APPEND2=\"$E2E_CONSOLE stage=1 dtb=B token=$token\""
  cat <<'GUEST'
case_main() {
  if grep -q ' dtb=B' /proc/cmdline; then
    echo "E2E: dtb B marker=$(tr -d '\0' </proc/device-tree/kexec-ng-marker 2>&1)"
    return
  fi
  run_cmd load $KEXEC -c -l --dtb=/k2/marker.dtb --initrd=/k2/initrd.img --append="$APPEND2" /k2/vmlinuz
  run_cmd exec $KEXEC -e
}
GUEST
} >"$RUN/case/case.sh"
_e2e_cpio_gz "$RUN/case" "$RUN/case.cpio.gz"
cat "$base" "$RUN/kexec.cpio.gz" "$RUN/case.cpio.gz" >"$RUN/k2/k2/initrd.img"
_e2e_cpio_gz "$RUN/k2" "$RUN/k2.cpio.gz"
cat "$RUN/k2/k2/initrd.img" "$RUN/k2.cpio.gz" >"$RUN/initrd.img"
log=$E2E_LOGS/$name.log
e2e_qemu seabios "$kernel" "$RUN/initrd.img" "$E2E_CONSOLE stage=1" "$log" 300 \
  "E2E: poweroff|Kernel panic|kexec-ng purgatory: exception" 3
qrc=$?
reason=
if ! has "^E2E: rc load=0"; then reason="kexec -c --dtb failed: $(grep -a 'E2E: out load' "$log" | tail -3 | tr '\n' ' ')"
elif ! has "^E2E: dtb B marker="; then reason="the second kernel did not run the check (qemu status $qrc)"
elif ! has "^E2E: dtb B marker=$token"$'\r'"?\$"; then
  reason="/proc/device-tree/kexec-ng-marker in the second kernel: $(grep -a '^E2E: dtb B marker=' "$log" | head -1)"
fi
if [ -z "$reason" ]; then
  echo "PASS $name (/proc/device-tree/kexec-ng-marker = the token; QEMU ${E2E_QEMU_SECS}s)"
  passed=$((passed + 1))
else
  echo "FAIL $name: $reason (log: $log)"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
