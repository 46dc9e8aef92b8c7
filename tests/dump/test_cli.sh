#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vmcore-save's command line (TAP): usage errors and refusals named, with
# exit 2; a dump of a real kernel's core (tests/fixtures/vmcore, widened to
# whole pages by pagealign.py) starts with the kdump header, is the same
# file for 1 and 3 threads, its -F stream put back by -R is that file too;
# an existing DUMPFILE is never replaced; a broken core is refused with 4/5.
# vmcore-dmesg reads every dump back (the five fixture kernels, every
# codec): the same log as of the ELF core; broken dump files are refused
# by name.
#   test_cli.sh VMCORE_SAVE SRCDIR VMCORE_DMESG
set -u
SAVE=$1 SRC=$2 DMESG=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
# expect NAME RC PATTERN CMD...: exit status RC, stderr matching PATTERN
expect() {
  local name=$1 rc=$2 pat=$3; shift 3
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" = "$rc" ] && grep -qE -- "$pat" "$T/err"; then ok "$name"
  else nok "$name" "exit $got (want $rc), stderr: $(head -c 300 "$T/err")"; fi
}
xz -dc "$SRC/tests/fixtures/vmcore/x86_64-6.12-dynamic.core.xz" >"$T/min.core"
python3 "$SRC/tests/dump/pagealign.py" "$T/min.core" "$T/core"

expect "-d 32 out of range" 2 "dump level '32': a number from 0 to 31" "$SAVE" -d 32 "$T/core" "$T/a"
expect "-E with -c refused (makedumpfile's rule)" 2 "-E writes pages as they are: not with -c, -l, -p or -z" "$SAVE" -E -c "$T/core" "$T/a"
expect "-E with -p refused" 2 "-E writes pages as they are" "$SAVE" -E -p "$T/core" "$T/a"
expect "-E with --num-threads refused (makedumpfile's rule)" 2 "--num-threads cannot be used with -E" "$SAVE" -E --num-threads 2 "$T/core" "$T/a"
expect "--dump-dmesg with -c refused" 2 "--dump-dmesg writes the log only: not with -c" "$SAVE" --dump-dmesg -c "$T/core" "$T/a"
expect "one operand is not enough" 2 "VMCORE and DUMPFILE, both" "$SAVE" "$T/core"
expect "-F takes one operand" 2 "-F takes one VMCORE" "$SAVE" -F "$T/core" "$T/a"
expect "--num-threads 257" 2 "--num-threads '257'" "$SAVE" --num-threads 257 "$T/core" "$T/a"
expect "a missing core" 3 "nothing.core: cannot open" "$SAVE" "$T/nothing.core" "$T/a"
[ ! -e "$T/a" ] && ok "no dump file left by a failed run" || nok "no dump file left by a failed run" "$(ls -l "$T/a")"
head -c 100 "$T/core" >"$T/short.core"
expect "a truncated core" 4 "short.core: program headers .* run past the end of the file" "$SAVE" "$T/short.core" "$T/a"
# cut inside the last PT_LOAD's pages: pages are mapped from a file, never
# past its end (that would be SIGBUS); the pages there are read, and say so
head -c $(($(stat -c %s "$T/core") - 5000)) "$T/core" >"$T/cut.core"
expect "a core cut inside its pages" 4 "cut.core: pages at physical 0x[0-9a-f]*: .* run past the end of the file" \
  "$SAVE" -d 0 "$T/cut.core" "$T/a"
printf 'not a core at all, just text\n%.0s' {1..10} >"$T/text"
expect "not a core" 5 "text: not an ELF core file \\(no ELF magic\\)" "$SAVE" "$T/text" "$T/a"

if "$SAVE" -c -d 1 --num-threads 1 --message-level 31 "$T/core" "$T/d1" >"$T/report" 2>"$T/err"; then
  ok "saves a real kernel's core (-c -d 1)"
else
  nok "saves a real kernel's core (-c -d 1)" "$(head -c 300 "$T/err")"
fi
# (the fixture holds what vmcore-dmesg reads, not the mem_map)
grep -q "^vmcore-save: warning: poisoned and offline pages kept: .*mem_section" "$T/err" &&
  ok "-d 1 without a readable mem_map: a warning, the dump still made" || nok "-d 1 without a readable mem_map: a warning" "$(head -c 300 "$T/err")"
expect "-d 31 without a readable mem_map: refused, named" 4 "core: .*mem_section" "$SAVE" -d 31 "$T/core" "$T/a"
[ ! -e "$T/a" ] && ok "... no dump file left" || nok "... no dump file left" "$(ls -l "$T/a")"
# --allow-lower-level: the classes the core cannot tell left in, a warning
# naming why, the level the dump was made at in its sub header (at 4096 + 8)
if "$SAVE" -l -d 31 --allow-lower-level "$T/core" "$T/low" 2>"$T/err" &&
   grep -q "^vmcore-save: warning: dump level 31 lowered to 1 (--allow-lower-level): .*core: the mem_section" "$T/err" &&
   [ "$(od -An -t u4 -j 4104 -N 4 "$T/low" | tr -d ' ')" = 1 ]; then
  ok "-d 31 --allow-lower-level without a readable mem_map: level 1, said"
else
  nok "-d 31 --allow-lower-level without a readable mem_map: level 1, said" "$(head -c 300 "$T/err")"
fi
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d.replace(b"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", b"NUMBER(PAGE_BUDDX_MAPCOUNT_VALUE)"))' "$T/core" "$T/nobuddy.core"
expect "-d 17 without NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE): refused, named" 4 "free pages .*NUMBER\(PAGE_BUDDY_MAPCOUNT_VALUE\)" "$SAVE" -l -d 17 "$T/nobuddy.core" "$T/a"
rm -f "$T/low"
if "$SAVE" -l -d 17 --allow-lower-level "$T/nobuddy.core" "$T/low" 2>"$T/err" &&
   grep -q "^vmcore-save: warning: dump level 17 lowered to 1 (--allow-lower-level): .*NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" "$T/err" &&
   "$DMESG" "$T/low" >/dev/null 2>>"$T/err"; then
  ok "... with --allow-lower-level: level 1, the missing entry named"
else
  nok "... with --allow-lower-level: level 1, the missing entry named" "$(head -c 300 "$T/err")"
fi
[ "$(head -c 8 "$T/d1")" = "KDUMP   " ] && ok "the file starts with the kdump signature" || nok "the file starts with the kdump signature"
grep -q '^  Remaining pages  : 0x' "$T/report" && grep -q '^Total pages     : 0x000000000001fe77$' "$T/report" &&
  ok "the report (--message-level 31) counts the core's pages" || nok "the report counts the core's pages" "$(cat "$T/report")"
"$SAVE" -c -d 1 --num-threads 3 "$T/core" "$T/d3" 2>"$T/err" && cmp -s "$T/d1" "$T/d3" &&
  ok "the same file with 3 threads" || nok "the same file with 3 threads" "$(cat "$T/err")"
"$SAVE" -c -d 1 -F "$T/core" 2>"$T/err" >"$T/stream" && "$SAVE" -R "$T/dr" <"$T/stream" 2>>"$T/err" && cmp -s "$T/d1" "$T/dr" &&
  ok "-F | -R gives the same file" || nok "-F | -R gives the same file" "$(cat "$T/err")"
echo "keep me" >"$T/exists"
expect "an existing dump file is not replaced" 1 "exists: cannot create: File exists" "$SAVE" -c -d 1 "$T/core" "$T/exists"
[ "$(cat "$T/exists")" = "keep me" ] && ok "... and is left as it was" || nok "... and is left as it was" "$(head -c 80 "$T/exists")"
for z in -l -p -z ""; do
  "$SAVE" $z -d 1 "$T/core" "$T/dz$z" 2>"$T/err" && [ "$(head -c 8 "$T/dz$z")" = "KDUMP   " ] &&
    ok "saves with ${z:-no compression}" || nok "saves with ${z:-no compression}" "$(cat "$T/err")"
done
head -c 5000 "$T/stream" | "$SAVE" -R "$T/cut" 2>"$T/err"
rc=$?
[ $rc = 4 ] && grep -q "without its end marker\|ends inside" "$T/err" && [ ! -e "$T/cut" ] &&
  ok "-R of a cut stream: refused, no file" || nok "-R of a cut stream: refused, no file" "exit $rc: $(cat "$T/err")"
# vmcore-dmesg on the dumps of every fixture kernel, every codec
for f in "$SRC"/tests/fixtures/vmcore/*.core.xz; do
  b=$(basename "$f" .core.xz)
  xz -dc "$f" >"$T/m.core" && python3 "$SRC/tests/dump/pagealign.py" "$T/m.core" "$T/f.core"
  xz -dc "$SRC/tests/fixtures/vmcore/$b.dmesg.xz" >"$T/want"
  for z in -c -l -p -z ""; do
    rm -f "$T/f.kdump"
    if "$SAVE" $z -d 1 "$T/f.core" "$T/f.kdump" 2>/dev/null && "$DMESG" "$T/f.kdump" >"$T/got" 2>"$T/err" && cmp -s "$T/got" "$T/want"; then
      ok "vmcore-dmesg reads the $b dump (${z:-uncompressed})"
    else
      nok "vmcore-dmesg reads the $b dump (${z:-uncompressed})" "$(head -c 300 "$T/err")"
    fi
  done
done
# a dump filtered again (makedumpfile's "makedumpfile -d 31 dumpfile
# newdumpfile"): the same file as saving the core itself with those options
"$SAVE" -c -d 1 "$T/core" "$T/r1" 2>/dev/null && "$SAVE" -l -d 1 "$T/r1" "$T/r2" 2>"$T/err" &&
  "$SAVE" -l -d 1 "$T/core" "$T/r3" 2>/dev/null && cmp -s "$T/r2" "$T/r3" &&
  ok "a dump saved again (-c then -l) is the file the core gives" ||
  nok "a dump saved again (-c then -l) is the file the core gives" "$(head -c 300 "$T/err") $(cmp "$T/r2" "$T/r3" 2>&1)"
"$SAVE" -l -d 1 --num-threads 3 "$T/r1" "$T/r4" 2>/dev/null && cmp -s "$T/r2" "$T/r4" &&
  ok "... with 3 threads too" || nok "... with 3 threads too"
# -E: an ELF core again, the pages of the dump level only (whole files are
# compared with makedumpfile -E's in tests/dump/host-compare.sh)
for f in "$SRC"/tests/fixtures/vmcore/*.core.xz; do
  b=$(basename "$f" .core.xz)
  xz -dc "$f" >"$T/m.core" && python3 "$SRC/tests/dump/pagealign.py" "$T/m.core" "$T/f.core"
  xz -dc "$SRC/tests/fixtures/vmcore/$b.dmesg.xz" >"$T/want"
  rm -f "$T/f.elf"
  if "$SAVE" -E -d 1 "$T/f.core" "$T/f.elf" 2>"$T/err" && "$DMESG" "$T/f.elf" >"$T/got" 2>>"$T/err" && cmp -s "$T/got" "$T/want"; then
    ok "vmcore-dmesg reads the $b ELF dump (-E -d 1)"
  else
    nok "vmcore-dmesg reads the $b ELF dump (-E -d 1)" "$(head -c 300 "$T/err")"
  fi
done
rm -f "$T/e0"
"$SAVE" -E -d 0 "$T/core" "$T/e0" 2>"$T/err" && [ "$(stat -c %s "$T/e0")" -le "$(stat -c %s "$T/core")" ] &&
  "$DMESG" "$T/e0" >/dev/null 2>>"$T/err" && ok "-E -d 0: every page, no larger than the core" ||
  nok "-E -d 0: every page, no larger than the core" "$(head -c 300 "$T/err")"
if command -v readelf >/dev/null; then
  n0=$(readelf -lW "$T/core" | grep -c ' LOAD ') n1=$(readelf -lW "$T/e0" | grep -c ' LOAD ')
  [ "$n0" = "$n1" ] && readelf -nW "$T/e0" | grep -q VMCOREINFO &&
    ok "-E -d 0: readelf sees the core's $n0 PT_LOADs and its notes" || nok "-E -d 0: readelf sees the PT_LOADs and notes" "$n0 vs $n1"
fi
rm -f "$T/ef" "$T/e1"
"$SAVE" -E -d 1 "$T/core" "$T/e1" 2>"$T/err" && "$SAVE" -E -d 1 -F "$T/core" 2>>"$T/err" | "$SAVE" -R "$T/ef" 2>>"$T/err" &&
  cmp -s "$T/e1" "$T/ef" && ok "-E -F | -R gives the same ELF file" || nok "-E -F | -R gives the same ELF file" "$(head -c 300 "$T/err")"
expect "-E of a kdump file refused (makedumpfile's rule)" 2 "d1 is a kdump-compressed dump: an ELF dump is made from an ELF core" "$SAVE" -E "$T/d1" "$T/a"
expect "-E of a core cut inside its pages" 4 "cut.core: PT_LOAD data at physical 0x[0-9a-f]*: .* run past the end of the file" "$SAVE" -E "$T/cut.core" "$T/a"
[ ! -e "$T/a" ] && ok "... no dump file left" || nok "... no dump file left" "$(ls -l "$T/a")"
# --dump-dmesg (makedumpfile's, as kdump-tools runs it): the log into a new
# file, from the core and from a dump file, the same as vmcore-dmesg prints
"$DMESG" "$T/core" >"$T/want-log" 2>/dev/null
rm -f "$T/log1" "$T/log2"
"$SAVE" --dump-dmesg "$T/core" "$T/log1" 2>"$T/err" && cmp -s "$T/log1" "$T/want-log" &&
  "$SAVE" --dump-dmesg "$T/d1" "$T/log2" 2>>"$T/err" && cmp -s "$T/log2" "$T/want-log" &&
  ok "--dump-dmesg: the log, from the core and from a dump file" || nok "--dump-dmesg: the log" "$(head -c 300 "$T/err")"
expect "--dump-dmesg of a truncated core" 4 "short.core: program headers" "$SAVE" --dump-dmesg "$T/short.core" "$T/a"
[ ! -e "$T/a" ] && ok "... no log file left" || nok "... no log file left" "$(ls -l "$T/a")"
# the progress line: on a terminal only (script(1) gives it one)
if command -v script >/dev/null; then
  rm -f "$T/p1" "$T/p2"
  script -qec "'$SAVE' -c -d 1 '$T/core' '$T/p1'" /dev/null >"$T/tty" 2>&1
  "$SAVE" -c -d 1 "$T/core" "$T/p2" 2>"$T/notty"
  grep -aq 'Copying data *: \[100.0 %\]' "$T/tty" && ! grep -q 'Copying' "$T/notty" && cmp -s "$T/p1" "$T/p2" &&
    ok "a progress line on a terminal, none otherwise" || nok "a progress line on a terminal, none otherwise" "$(tr '\r' '\n' <"$T/tty" | tail -n 3)"
fi
# broken dump files: named, exit 4 (broken) or 5 (not a dump)
cp "$T/d1" "$T/bad"; printf '\x00\x00\x00\x00' | dd of="$T/bad" bs=1 seek=428 conv=notrunc 2>/dev/null
expect "a dump with block_size 0" 4 "block_size 0 is not a page size" "$DMESG" "$T/bad"
head -c 9000 "$T/d1" >"$T/bad"
expect "a dump cut inside its bitmaps" 4 "bad: the bitmaps" "$DMESG" "$T/bad"
cp "$T/d1" "$T/bad"; printf 'sparc64\x00' | dd of="$T/bad" bs=1 seek=272 conv=notrunc 2>/dev/null
expect "a dump of an unknown machine" 5 "utsname machine \"sparc64\"" "$DMESG" "$T/bad"
expect "a flattened stream is named" 5 "a flattened stream \(makedumpfile -F\)" "$DMESG" "$T/stream"
echo "1..$n"
[ $failed = 0 ]
