#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vmcore-save against Debian's makedumpfile, whole files, on the host: the
# same real vmcore (scripts/bench-save.sh's: /proc/vmcore of a 2 GiB bookworm
# 6.1 guest that crashed into its capture kernel, copied out through a
# virtio disk; made once, about a minute, cached in .cache/bench-save) and
# bookworm's makedumpfile 1.7.2 (the kdump tools tests/e2e/kdump.sh takes out
# of Debian's packages). Nothing here runs kexec on the host.
#   -E -d 31, -E -d 1, -E -d 16   the ELF dumps are the same, byte for byte
#   -E -d 31 -F | -R              makedumpfile -R puts our stream back into
#                                 that same file
#   -l -d 31, -l -d 1             the kdump files are the same from the first
#                                 bitmap on (the headers hold the time)
#   snappy                        every page of the vmcore through our snappy
#                                 codec and Debian's libsnappy.so.1, both ways,
#                                 and mutated streams judged alike
#                                 (build/dev's snappy-interop, ~45 s)
# Prints "PASS name" / "FAIL name: why" and ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
export KEXEC_NG_FORBID_SYSCALLS=1
SAVE=$ROOT/build/static-x86_64/vmcore-save
INTEROP=$ROOT/build/dev/tests/unit/snappy-interop
MDF_TREE=$ROOT/.cache/kdump-tools-bookworm-amd64/tree
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
end() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit; }

[ -x "$SAVE" ] || { fail host-compare "no $SAVE (make static ARCH=x86_64)"; end; }
# (the kdump suite takes it out of Debian's packages: scripts/test.sh runs it first)
[ -x "$MDF_TREE/sbin/makedumpfile" ] ||
  { fail host-compare "no $MDF_TREE/sbin/makedumpfile: run bash tests/e2e/kdump.sh --arch x86_64 kdump_c_rt_bookworm_to_bookworm_seabios first"; end; }
t0=$SECONDS
VMCORE=$(bash scripts/bench-save.sh --vmcore-only) && [ -s "$VMCORE" ] ||
  { fail host-compare "scripts/bench-save.sh --vmcore-only made no vmcore"; end; }
echo "host-compare: $VMCORE, $(stat -c %s "$VMCORE") bytes ($((SECONDS - t0)) s to make or find)"
mdf() {
  LD_LIBRARY_PATH=$MDF_TREE/lib:$MDF_TREE/lib64:$MDF_TREE/lib/x86_64-linux-gnu "$MDF_TREE/sbin/makedumpfile" "$@"
}
W=$(mktemp -d "${TMPDIR:-/tmp}/host-compare.XXXXXX")
trap 'rm -rf "$W"' EXIT

# same NAME OURS THEIRS: the whole files
same() {
  if cmp -s "$2" "$3"; then
    pass "$1 ($(stat -c %s "$2") bytes, the same)"
  else
    fail "$1" "vmcore-save $(stat -c %s "$2" 2>/dev/null) bytes, makedumpfile $(stat -c %s "$3" 2>/dev/null): $(cmp "$2" "$3" 2>&1 | head -n 1)"
  fi
}
# after_headers FILE: the kdump file from its first bitmap on (the sub
# header's size in blocks at byte 432; header and sub header before it)
after_headers() {
  local s
  s=$(od -An -t u4 -j 432 -N 4 "$1" | tr -d ' ')
  tail -c +$(( (s + 1) * 4096 + 1 )) "$1"
}

for d in 31 1 16; do
  rm -f "$W/ours" "$W/theirs"
  if ! "$SAVE" -E -d $d "$VMCORE" "$W/ours" 2>"$W/err"; then
    fail "-E -d $d" "vmcore-save: $(head -c 300 "$W/err")"; continue
  fi
  if ! mdf -E -d $d "$VMCORE" "$W/theirs" >"$W/err" 2>&1; then
    fail "-E -d $d" "makedumpfile: $(tail -n 3 "$W/err")"; continue
  fi
  same "-E -d $d: vmcore-save's ELF dump is makedumpfile's" "$W/ours" "$W/theirs"
  if [ $d = 31 ]; then
    rm -f "$W/flat"
    if "$SAVE" -E -d 31 -F "$VMCORE" 2>"$W/err" | mdf -R "$W/flat" >>"$W/err" 2>&1; then
      same "-E -d 31 -F | makedumpfile -R" "$W/flat" "$W/theirs"
    else
      fail "-E -d 31 -F | makedumpfile -R" "$(tail -n 3 "$W/err")"
    fi
  fi
done
for d in 31 1; do
  rm -f "$W/ours" "$W/theirs"
  if "$SAVE" -l -d $d "$VMCORE" "$W/ours" 2>"$W/err" && mdf -l -d $d "$VMCORE" "$W/theirs" >>"$W/err" 2>&1; then
    if cmp -s <(after_headers "$W/ours") <(after_headers "$W/theirs"); then
      pass "-l -d $d: the kdump files are the same from the first bitmap on ($(stat -c %s "$W/ours") bytes)"
    else
      fail "-l -d $d" "the files differ after the headers: $(cmp <(after_headers "$W/ours") <(after_headers "$W/theirs") 2>&1 | head -n 1)"
    fi
  else
    fail "-l -d $d" "$(tail -n 3 "$W/err")"
  fi
done
if [ -x "$INTEROP" ]; then
  if "$INTEROP" "$VMCORE" >"$W/interop" 2>&1; then
    pass "snappy: our codec and libsnappy.so.1 on every page of the vmcore ($(grep '^# [0-9]* pages' "$W/interop" | cut -c3-))"
  else
    fail "snappy" "$(grep -A2 '^not ok' "$W/interop" | head -n 6 | tr '\n' ' ') $(tail -n 2 "$W/interop" | tr '\n' ' ')"
  fi
else
  fail "snappy" "no $INTEROP (meson setup build/dev && ninja -C build/dev)"
fi
echo "host-compare: $((SECONDS - t0)) s in all"
end
