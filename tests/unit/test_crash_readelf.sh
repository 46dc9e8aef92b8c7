#!/bin/bash
# binutils' view of the crash headers kexec-ng builds (TAP).
#   test_crash_readelf.sh MKELFCOREHDR SOURCE_ROOT
# For each architecture, a synthetic memory image (the header at offset 0,
# the notes at their physical addresses: see tests/tools/mkelfcorehdr.c)
# must read as an ELF core with the right machine, one PT_NOTE per CPU plus
# VMCOREINFO, the PT_LOADs in order, and `readelf -n` must find one
# NT_PRSTATUS per CPU and the VMCOREINFO note, without a warning. The header
# built from tests/fixtures/crash-box must list its PT_LOADs outside the
# crash region. Skipped (TAP SKIP) when readelf is not installed.
set -uo pipefail
mk=$1
src=$2
if ! command -v readelf > /dev/null; then
	echo "1..0 # SKIP readelf (binutils) not installed"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# expect NAME ACTUAL WANTED
expect() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi; }

echo "1..15"
for arch in x86_64 arm64 riscv64; do
	case $arch in
	x86_64) machine="Advanced Micro Devices X86-64"; loads=4 ;;
	arm64) machine="AArch64"; loads=4 ;;
	riscv64) machine="RISC-V"; loads=3 ;;  # no kernel text mapping given
	esac
	img=$work/image-$arch
	if ! "$mk" image "$arch" "$img" 2> "$work/err"; then
		not_ok "$arch: image built" "$(cat "$work/err")"
		continue
	fi
	readelf -h "$img" > "$work/h" 2> "$work/h.err"
	readelf -lW "$img" > "$work/l" 2> "$work/l.err"
	readelf -nW "$img" > "$work/n" 2> "$work/n.err"
	got=$(sed -n 's/^ *Type: *//p; s/^ *Machine: *//p' "$work/h" | paste -sd '|')
	expect "$arch: readelf -h: CORE, $machine" "$got" "CORE (Core file)|$machine"
	types=$(awk '$1 == "NOTE" || $1 == "LOAD" { printf "%s ", $1 }' "$work/l")
	want="NOTE NOTE NOTE NOTE $(for ((i = 0; i < loads; i++)); do printf 'LOAD '; done)"
	expect "$arch: readelf -l: 3 CPU notes, VMCOREINFO, then $loads PT_LOADs" "$types" "$want"
	# PT_NOTE i: offset = paddr = 0x2000 + i * 0x200 for the CPUs, 0x6000 for VMCOREINFO
	notes=$(while read -r type off vaddr paddr filesz memsz rest; do
		[ "$type" = NOTE ] || continue
		printf '%x=%x,%x ' $((off)) $((paddr)) $((vaddr))
	done < "$work/l")
	expect "$arch: PT_NOTE offset = paddr = the note's address, vaddr 0" "$notes" \
		"2000=2000,0 2200=2200,0 2400=2400,0 6000=6000,0 "
	prstatus=$(grep -c 'CORE .*NT_PRSTATUS' "$work/n")
	vmcoreinfo=$(grep -c '^ *VMCOREINFO ' "$work/n")
	complaints=$(cat "$work/h.err" "$work/l.err" "$work/n.err" | grep -ci 'warning\|error\|corrupt')
	expect "$arch: readelf -n: 3 NT_PRSTATUS, 1 VMCOREINFO, no complaint" \
		"$prstatus $vmcoreinfo $complaints" "3 1 0"
done

# The header from the QEMU fixture: real addresses, RAM minus "Crash kernel".
hdr=$work/crash-box
if "$mk" root "$src/tests/fixtures/crash-box" "$hdr" 2> "$work/err"; then
	size=$(stat -c %s "$hdr")
	expect "crash-box: one page" "$size" 4096
	readelf -lW "$hdr" > "$work/l" 2> "$work/l.err"
	expect "crash-box: readelf -l without complaint" "$(grep -ci 'warning\|error' "$work/l.err")" 0
	crash=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Crash kernel$/\1 \2/p' \
		"$src/tests/fixtures/crash-box/proc/iomem")
	read -r cs ce <<< "$crash"
	cs=$((16#$cs)); ce=$((16#$ce + 1))
	bad=0; ram=0
	while read -r type off vaddr paddr filesz memsz rest; do
		[ "$type" = LOAD ] || continue
		[ "$vaddr" = 0xffffffffad600000 ] && continue  # the kernel text mapping
		ram=$((ram + 1))
		start=$((paddr)); end=$((paddr + filesz))
		[ $((off)) = $start ] && [ $((filesz)) = $((memsz)) ] || bad=$((bad + 1))
		[ $end -le $cs ] || [ $start -ge $ce ] || bad=$((bad + 1))
	done < "$work/l"
	expect "crash-box: 3 RAM PT_LOADs, none inside the crash region" "$ram $bad" "3 0"
else
	not_ok "crash-box: header built" "$(cat "$work/err")"
fi
[ $n = 15 ] || not_ok "ran every check ($n of 15)"
exit $((fails > 0))
