#!/bin/bash
# vmcore-dmesg's command line on the host: output and exit status on the
# real kernels' minimal cores (tests/fixtures/vmcore), on broken copies of
# them and on files that are not cores. TAP.
#   tests/vmcore/test_cli.sh VMCORE_DMESG SOURCE_ROOT
set -uo pipefail
bin=$1 top=$2
fx=$top/tests/fixtures/vmcore
work=$(mktemp -d "${TMPDIR:-/tmp}/vmcore-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'; }
# expect NAME STATUS STDERR-PATTERN -- ARGS...
expect() {
  local name=$1 want=$2 pattern=$3; shift 4
  "$bin" "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" = "$want" ] && grep -Eq -- "$pattern" "$work/err"; then ok "$name"
  else not_ok "$name" "exit $got (want $want): $(head -3 "$work/err")"; fi
}

echo "1..20"
xz -dc "$fx/x86_64-6.12-dynamic.core.xz" >"$work/core"
xz -dc "$fx/x86_64-6.12-dynamic.dmesg.xz" >"$work/want"
if "$bin" "$work/core" >"$work/out" 2>"$work/err" && cmp -s "$work/out" "$work/want"; then
  ok "a real minimal core prints its log"
else not_ok "a real minimal core prints its log" "$(diff "$work/out" "$work/want" | head -5)"; fi
if "$bin" -r "$work/core" >"$work/raw" 2>"$work/err" && [ "$(wc -l <"$work/raw")" = "$(wc -l <"$work/want")" ] &&
   [ "$(head -1 "$work/raw")" = "$(head -1 "$work/want" | sed 's/^\[[ 0-9.]*\] //')" ]; then
  ok "--raw: the same records, no timestamps"
else not_ok "--raw: the same records, no timestamps" "$(head -2 "$work/raw")"; fi
"$bin" -v "$work/core" >/dev/null 2>"$work/err"
if grep -q 'printk_rb_dynamic ring buffer at 0x[0-9a-f]*: 2^15 descriptors, 2^20 bytes of text; [0-9]* records (0 lost, 0 incomplete, 0 inconsistent)' "$work/err"
then ok "--verbose describes the buffer"; else not_ok "--verbose describes the buffer" "$(cat "$work/err")"; fi
if "$bin" -x "$work/min" "$work/core" >/dev/null 2>"$work/err" &&
   "$bin" "$work/min" >"$work/out2" 2>>"$work/err" && cmp -s "$work/out2" "$work/want"; then ok "--extract writes a core that reads the same"
else not_ok "--extract writes a core that reads the same" "$(cat "$work/err")"; fi
expect "--extract never overwrites a file (exit 3)" 3 'min: cannot create: File exists' -- -x "$work/min" "$work/core"
# --extract gets its name only once written whole: a run killed midway, or
# one that fails, leaves nothing under it. The core is a FIFO: vmcore-dmesg
# has made its output file (nameless) and waits in open(2) until a writer
# comes, where it is killed (deterministically: once the file is open).
leftovers() { find "$work" -maxdepth 1 -name "*$1*" ! -name fifo | sed "s|$work/||" | tr '\n' ' '; }
killed_midway() {
  local sig=$1 name="--extract: SIG$1 midway leaves no file under the name" pid i
  rm -f "$work/fifo"; mkfifo "$work/fifo"
  "$bin" -x "$work/killed-$sig" "$work/fifo" >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 200); do
    # the output is open (an O_TMPFILE shows as "DIR/#N (deleted)")
    # shellcheck disable=SC2010  # the links' targets, not file names
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $work/" && break
    sleep 0.05
  done
  sleep 0.2
  kill -"$sig" "$pid"; wait "$pid" 2>/dev/null
  local rc=$? left; left=$(leftovers "killed-$sig")
  if [ "$i" -lt 200 ] && [ "$rc" = $((128 + $(kill -l "$sig"))) ] && [ -z "$left" ]; then ok "$name"
  else not_ok "$name" "waited $i, exit $rc, left: ${left:-nothing}"; fi
}
killed_midway TERM
killed_midway KILL
# a writer comes: the core cannot be read from a FIFO (no pread), exit 3
rm -f "$work/fifo"; mkfifo "$work/fifo"
cat "$work/core" >"$work/fifo" 2>/dev/null &
"$bin" -x "$work/failed" "$work/fifo" >/dev/null 2>"$work/err"; rc=$?
wait
if [ "$rc" = 3 ] && [ -z "$(leftovers failed)" ]; then ok "--extract: a run that fails leaves no file"
else not_ok "--extract: a run that fails leaves no file" "exit $rc, left: $(leftovers failed); $(head -2 "$work/err")"; fi
if "$bin" -x "$work/killed-KILL" "$work/core" >/dev/null 2>"$work/err" && "$bin" "$work/killed-KILL" >"$work/out3" 2>>"$work/err" &&
   cmp -s "$work/out3" "$work/want"; then ok "--extract: the name a killed run did not take is free"
else not_ok "--extract: the name a killed run did not take is free" "$(cat "$work/err")"; fi

size=$(stat -c %s "$work/core")
head -c $((size / 2)) "$work/core" >"$work/half"
expect "a core cut in half: exit 4, named" 4 'run past the end of the file' -- "$work/half"
head -c 100 "$work/core" >"$work/short"
expect "a core cut inside its program headers: exit 4" 4 'program headers \(e_phoff 0x40, [0-9]+ entries\)' -- "$work/short"
# the VMCOREINFO note's text loses SYMBOL(prb): the line renamed in place
sed 's/SYMBOL(prb)=/SYMBOL(xyz)=/' "$work/core" >"$work/noprb"
expect "VMCOREINFO without SYMBOL(prb): exit 4, named" 4 'VMCOREINFO has no SYMBOL\(prb\)' -- "$work/noprb"
sed 's/SYMBOL(prb)=/SYMBOL(log_buf)=/' "$work/core" >"$work/legacy"
expect "a pre-5.10 printk buffer: exit 5, said so" 5 'structured printk buffer of Linux 3.5 to 5.9' -- "$work/legacy"
# one byte of e_ident changed: EI_CLASS (offset 4) 32-bit, EI_DATA (5) big-endian
{ head -c 4 "$work/core"; printf '\001'; tail -c +6 "$work/core"; } >"$work/class32"
expect "a 32-bit core: exit 5, said so" 5 'class32: EI_CLASS 1: only 64-bit cores are supported' -- "$work/class32"
{ head -c 5 "$work/core"; printf '\002'; tail -c +7 "$work/core"; } >"$work/bigendian"
expect "a big-endian core: exit 5, said so" 5 'bigendian: EI_DATA 2: only little-endian cores are supported' -- "$work/bigendian"
expect "not an ELF file: exit 5" 5 'not an ELF core file \(no ELF magic\)' -- "$fx/README.md"
expect "an ELF executable: exit 5" 5 'e_type [23]: not a core file' -- "$bin"
expect "no such file: exit 3" 3 'cannot open: No such file or directory' -- "$work/nonexistent"
expect "an unknown option: exit 2" 2 'unrecognized option' -- --bogus
expect "two core files: exit 2" 2 'one core file, not also' -- "$work/core" "$work/core"
[ "$failed" = 0 ]
