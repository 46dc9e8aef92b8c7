#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The libFuzzer harnesses of tests/fuzz: build them (clang, ASan + UBSan,
# -Dfuzz=true in build/fuzz), make their seed corpora, and run each.
#
# Usage: scripts/fuzz.sh [--keep] [TARGET|all] [SECONDS]
#   TARGET    load dtb vmcore spcr cmdline decompress pe flat kdump page (default: all)
#   SECONDS   fresh fuzzing per target after its corpus (default 30)
#   --keep    keep the corpus of earlier runs (build/fuzz-corpus/TARGET),
#             for a long campaign; without it each run starts from the seeds
#   --save-corpus  after a PASS, keep what the run found in the tree: the
#             inputs of tests/fuzz/corpus/TARGET and of the run's corpus
#             that reach code the seeds and the regression inputs do not,
#             minimized (libFuzzer -merge=1), replace tests/fuzz/corpus/TARGET
#
# Each target first runs every input of its corpus: the seeds (made here
# from the fixtures and synthetic images), tests/fuzz/corpus/TARGET/ (what
# the long campaign found, minimized: --save-corpus) and
# tests/fuzz/regressions/TARGET/ (inputs that once crashed, kept so they
# never do again); then fuzzes for
# SECONDS. Prints "PASS fuzz-TARGET (...)" or "FAIL fuzz-TARGET: ..." with
# the reproducer (path and hex dump) and libFuzzer's report; the last line
# is "N passed, N failed". Harnesses run side by side, one per CPU
# (KX_FUZZ_JOBS overrides). A crash's input is left in build/fuzz-artifacts/:
# add it to tests/fuzz/regressions/TARGET/ with the fix.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export KEXEC_NG_FORBID_SYSCALLS=1
ALL="load dtb vmcore spcr cmdline decompress pe flat kdump page"

KEEP=0 SAVE=0
while :; do
  case ${1:-} in
    --keep) KEEP=1; shift ;;
    --save-corpus) SAVE=1; shift ;;
    *) break ;;
  esac
done
TARGETS=${1:-all}
[ "$TARGETS" = all ] && TARGETS=$ALL
SECONDS_EACH=${2:-30}
B=$ROOT/build/fuzz
CORPUS=$ROOT/build/fuzz-corpus
ART=$ROOT/build/fuzz-artifacts
SEEDS=$ROOT/build/fuzz-seeds

die() { echo "fuzz.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

command -v clang >/dev/null || die "no clang (scripts/setup-deps.sh installs it)"
mkdir -p "$ROOT/build"
if [ ! -f "$B/build.ninja" ]; then
  CC=clang meson setup "$B" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcross_purgatories=disabled --buildtype=debug >"$ROOT/build/fuzz-setup.log" 2>&1 ||
    { tail -n 20 "$ROOT/build/fuzz-setup.log"; die "meson setup $B failed"; }
fi
targets=()
for t in $TARGETS; do targets+=("tests/fuzz/fuzz_$t"); done
ninja -C "$B" "${targets[@]}" tests/unit/mkbzimage tests/unit/mkuki vmcore-save >"$ROOT/build/fuzz-build.log" 2>&1 ||
  { tail -n 30 "$ROOT/build/fuzz-build.log"; die "building the harnesses failed"; }

# --- seeds ------------------------------------------------------------------
# seed TARGET NAME: stdin into the TARGET's seed folder.
seed() { mkdir -p "$SEEDS/$1"; cat >"$SEEDS/$1/$2"; }
make_seeds() {
  local w=$SEEDS/.work f c i
  rm -rf "$SEEDS"; mkdir -p "$w"
  for f in tests/fixtures/dtb/*.dtb; do seed dtb "$(basename "$f")" <"$f"; done
  seed spcr SPCR <tests/fixtures/spcr-box/sys/firmware/acpi/tables/SPCR
  # a flattened stream: its header, two pieces out of order, the end marker
  python3 -c 'import struct, sys
h = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
h = h.ljust(4096, b"\0")
p = struct.pack(">qq", 8192, 5) + b"pages" + struct.pack(">qq", 0, 8) + b"KDUMP   "
sys.stdout.buffer.write(h + p + b"\xff" * 16)' | seed flat stream
  for f in tests/fixtures/vmcore/*.core.xz; do xz -dc "$f" | seed vmcore "$(basename "$f" .xz)"; done
  # dumps of two fixture kernels (zlib, zstd), made by vmcore-save
  for f in x86_64-6.12-dynamic arm64-6.1-static; do
    xz -dc "tests/fixtures/vmcore/$f.core.xz" >"$w/$f.min" &&
      python3 tests/dump/pagealign.py "$w/$f.min" "$w/$f.core" || return 1
  done
  "$B/vmcore-save" -c -d 1 "$w/x86_64-6.12-dynamic.core" "$w/x.kdump" 2>/dev/null &&
    "$B/vmcore-save" -z -d 1 "$w/arm64-6.1-static.core" "$w/a.kdump" 2>/dev/null || return 1
  seed kdump x86_64-6.12-zlib <"$w/x.kdump"
  seed kdump arm64-6.1-zstd <"$w/a.kdump"
  # one page of each codec (selector: codec in bits 0-2, page size in 3-4),
  # and data for the snappy round trip (bit 7)
  head -c 3000 /dev/urandom | base64 -w 0 | head -c 4096 >"$w/page"
  { printf '\x01'; python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read(), 1))' "$w/page"; } | seed page zlib
  { printf '\x03'; zstd -q -1 -c "$w/page"; } | seed page zstd
  python3 - "$w" <<'PY'
import struct, sys
w = sys.argv[1]
page = open(w + "/page", "rb").read()
# snappy by hand: the length, a 60-byte literal, then one 16-byte literal
# repeated by copies with 1-, 2- and 4-byte offsets, then a long literal
s = bytes([0x80 | 0x00, 0x20])          # varint 4096
s += bytes([59 << 2]) + page[:60]
s += bytes([0x3c]) + page[:16]          # literal of 16
s += bytes([1 | (11 - 4) << 2, 16])     # copy 11 from 16 back
s += bytes([2 | (37 - 1) << 2, 16, 0])  # copy 37 from 16 back
s += bytes([3 | (64 - 1) << 2, 16, 0, 0, 0])
rest = 4096 - (60 + 16 + 11 + 37 + 64)
s += bytes([61 << 2]) + struct.pack("<H", rest - 1) + page[:rest]
open(w + "/snappy", "wb").write(b"\x04" + s)
PY
  seed page snappy <"$w/snappy"
  { printf '\x80'; cat "$w/page"; } | seed page round-trip
  # A synthetic bzImage (tests/cli/mkbzimage.c), compressed every way the
  # loaders take, and a UKI around it; the first byte is the harness's
  # selector (architecture and options).
  "$B/tests/unit/mkbzimage" "$w/bz" || return 1
  printf 'console=ttyS0 fuzz\n' >"$w/cmdline"; head -c 512 /dev/zero >"$w/initrd"
  "$B/tests/unit/mkuki" 0x8664 "$w/uki" .linux="$w/bz" .cmdline="$w/cmdline" .initrd="$w/initrd" || return 1
  { printf '\0'; cat "$w/bz"; } | seed load bzimage
  { printf '\x0c'; cat "$w/bz"; } | seed load bzimage-crash
  { printf '\0'; cat "$w/uki"; } | seed load uki
  { printf '\0'; gzip -9c "$w/bz"; } | seed load bzimage.gz
  { printf '\0'; zstd -q -19 -c "$w/bz"; } | seed load bzimage.zst
  { printf '\0'; xz -c "$w/bz"; } | seed load bzimage.xz
  # arm64 / riscv64 Image headers (magic at 56; riscv64's "RISCV" at 48)
  python3 - "$w" <<'PY'
import struct, sys
w = sys.argv[1]
a = bytearray(4096)
struct.pack_into("<QQQ", a, 8, 0, 0x200000, 0xa)       # text_offset, image_size, flags (4K, LE)
a[56:60] = b"ARM\x64"
open(w + "/arm64", "wb").write(b"\x01" + a)
r = bytearray(4096)
struct.pack_into("<QQQ", r, 8, 0x200000, 0x200000, 0)   # text_offset, image_size, flags
struct.pack_into("<I", r, 32, 2)                        # version 0.2
r[48:56] = b"RISCV\0\0\0"
r[56:60] = b"RSC\x05"
open(w + "/riscv64", "wb").write(b"\x02" + r)
PY
  seed load arm64 <"$w/arm64"; seed load riscv64 <"$w/riscv64"
  # the 32-bit entry: the bzImage made not relocatable (code32_start
  # 0x100000, memtest86+'s kind), and with --entry-32bit (selector bit 7);
  # a 32-bit ELF with two PT_LOADs, with each --args-* (bits 7, 4, 5)
  python3 - "$w" <<'PY'
import struct, sys
w = sys.argv[1]
bz = bytearray(open(w + "/bz", "rb").read())
bz[0x234] = 0
struct.pack_into("<I", bz, 0x214, 0x100000)
open(w + "/bz-fixed", "wb").write(b"\x00" + bz)
e = bytearray(0x3000)
e[0:16] = b"\x7fELF\x01\x01\x01" + bytes(9)
struct.pack_into("<HHIIIIIHHHHHH", e, 16, 2, 3, 1, 0x200000, 52, 0, 0, 52, 32, 2, 0, 0, 0)
for i, paddr in enumerate((0x200000, 0x300000)):
    struct.pack_into("<IIIIIIII", e, 52 + 32 * i, 1, 0x1000 * (i + 1), paddr, paddr, 0x1000, 0x2000, 5, 0x1000)
open(w + "/elf32", "wb").write(e)
PY
  seed load bzimage-fixed <"$w/bz-fixed"
  { printf '\x84'; cat "$w/bz"; } | seed load bzimage-entry32
  { printf '\0'; cat "$w/elf32"; } | seed load elf32
  { printf '\x84'; cat "$w/elf32"; } | seed load elf32-args-linux
  { printf '\xa4'; cat "$w/elf32"; } | seed load elf32-args-none
  # multiboot: the 32-bit ELF with a Multiboot v1 header (flags 3), and
  # with a Multiboot2 header shaped like Xen's (memory information request,
  # module alignment, optional relocatable/console/framebuffer/EFI tags)
  python3 - "$w" <<'PY'
import struct, sys
w = sys.argv[1]
e = bytearray(open(w + "/elf32", "rb").read())
m1 = bytearray(e)
struct.pack_into("<III", m1, 0x1000, 0x1BADB002, 3, (-(0x1BADB002 + 3)) & 0xffffffff)
open(w + "/mb1", "wb").write(m1)
tags = struct.pack("<HHIII", 1, 0, 16, 4, 6) + struct.pack("<HHI", 6, 0, 8)
tags += struct.pack("<HHIIIII", 10, 1, 24, 0x200000, 0xffffffff, 0x200000, 2)
tags += struct.pack("<HHII", 4, 1, 12, 2) + bytes(4) + struct.pack("<HHIIII", 5, 1, 20, 0, 0, 0) + bytes(4)
tags += struct.pack("<HHI", 7, 1, 8) + struct.pack("<HHII", 9, 1, 12, 0x200100) + bytes(4)
tags += struct.pack("<HHI", 0, 0, 8)
n = 16 + len(tags)
m2 = bytearray(e)
m2[0x1000:0x1000 + n] = struct.pack("<IIII", 0xE85250D6, 0, n, (-(0xE85250D6 + n)) & 0xffffffff) + tags
open(w + "/mb2", "wb").write(m2)
PY
  { printf '\0'; cat "$w/mb1"; } | seed load multiboot
  { printf '\0'; cat "$w/mb2"; } | seed load multiboot2
  { printf '\0'; cat "$w/uki"; } | seed pe uki-x86_64
  head -c 65536 /dev/urandom | base64 >"$w/text"
  i=0
  for c in "gzip -c" "xz -c" "xz --format=lzma -c" "zstd -q -c" "lz4 -q -l -c" "lz4 -q -c" "bzip2 -c" "lzop -c"; do
    # shellcheck disable=SC2086  # the compressor's words
    { printf "\\x$(printf %02x $i)"; $c <"$w/text"; } | seed decompress "codec$i"
    { printf "\\x$(printf %02x $((i | 128)))"; $c <"$w/text"; } | seed decompress "codec$i-memfd"
    i=$((i + 1))
  done
  printf -- '-l\0vmlinuz\0--append=console=ttyS0\0--initrd=initrd.img' | seed cmdline load
  printf -- '-p\0-s\0--hotplug\0--reuse-cmdline\0vmlinuz' | seed cmdline crash
  printf -- '-S\0-l' | seed cmdline status
  printf -- '--dry-run\0--json\0--uki-profile=@1\0-t\0uki\0-l\0x.efi' | seed cmdline json
  printf -- '--mem-min=0x1000\0--mem-max=0xffffffff\0--entry=0x100000\0-c\0-l\0k' | seed cmdline addresses
  rm -rf "$w"
}
make_seeds || die "making the seed corpora failed"

# --- runs -------------------------------------------------------------------
# save_corpus TARGET: tests/fuzz/corpus/TARGET becomes the inputs of it and
# of the run's corpus that add coverage to the seeds and regression inputs,
# each kept once (libFuzzer names corpus files by their SHA-1). Only inputs
# of at most 64 KiB go into the tree: the larger ones are mutants of the
# big seeds (cores, dumps) that every run makes anew anyway.
save_corpus() {
  local t=$1 m=$ROOT/build/fuzz-merge/$1 kept=tests/fuzz/corpus/$1 f
  rm -rf "$m"; mkdir -p "$m/out" "$m/new"
  cp "$SEEDS/$t"/* tests/fuzz/regressions/"$t"/* "$m/out/" 2>/dev/null
  find "$kept" "$CORPUS/$t" -type f -size -65537c -exec cp -t "$m/new/" {} + 2>/dev/null
  "$B/tests/fuzz/fuzz_$t" -merge=1 -timeout=20 -rss_limit_mb=2048 -max_len=1048576 \
    "$m/out" "$m/new" >"$ROOT/build/fuzz-$t.merge.log" 2>&1 ||
    { echo "merging the corpus of $t failed: build/fuzz-$t.merge.log" >>"$ROOT/build/fuzz-$t.log"; return 1; }
  # what is left in out besides the seeds and regression inputs is new
  for f in "$SEEDS/$t"/* tests/fuzz/regressions/"$t"/*; do rm -f "$m/out/$(basename "$f")"; done
  rm -rf "$kept"; mkdir -p "$kept"
  cp "$m/out"/* "$kept/" 2>/dev/null
  rm -rf "$m"
  return 0
}

# run_target TARGET: one harness; its verdict lines on stdout, status 0 on PASS.
run_target() {
  local t=$1 c=$CORPUS/$1 reg=tests/fuzz/regressions/$1 kept=tests/fuzz/corpus/$1
  local log=$ROOT/build/fuzz-$1.log rc execs cov inputs a
  [ $KEEP = 1 ] || rm -rf "$c"
  mkdir -p "$c" "$reg"
  rm -f "$ART/$t-"*
  local dirs=("$c" "$SEEDS/$t")
  [ -d "$kept" ] && dirs+=("$kept")
  dirs+=("$reg")
  # -rss_limit_mb: a harness that asks for gigabytes is a finding too.
  "$B/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
    -max_len=1048576 -print_final_stats=1 -artifact_prefix="$ART/$t-" \
    "${dirs[@]}" >"$log" 2>&1
  rc=$?
  [ $rc = 0 ] && [ $SAVE = 1 ] && { save_corpus "$t" || rc=$?; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  inputs=$(find "$c" -type f | wc -l)
  if [ $rc = 0 ]; then
    echo "PASS fuzz-$t (${SECONDS_EACH} s: ${execs:-?} executions, ${cov:-cov ?}, corpus $inputs inputs, $(find "$reg" -type f | wc -l) regression inputs)"
    return 0
  fi
  echo "FAIL fuzz-$t (exit $rc; log $log)"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|    #[0-9]+ )' "$log" | head -n 25
  for a in "$ART/$t-"*; do
    [ -f "$a" ] || continue
    echo "  reproducer: $a ($(stat -c %s "$a") bytes; first 512 in hex:)"
    head -c 512 "$a" | od -An -tx1 | sed 's/^/   /'
  done
  return 1
}

# One harness per CPU at a time (libFuzzer runs one thread); verdicts are
# printed in the order of TARGETS.
JOBS=${KX_FUZZ_JOBS:-$(nproc)}
mkdir -p "$ART"
for t in $TARGETS; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  run_target "$t" >"$ROOT/build/fuzz-$t.verdict" &
done
wait
passed=0 failed=0
for t in $TARGETS; do
  cat "$ROOT/build/fuzz-$t.verdict"
  if grep -q "^PASS fuzz-$t " "$ROOT/build/fuzz-$t.verdict"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
