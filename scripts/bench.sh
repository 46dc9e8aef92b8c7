#!/bin/bash
# Benchmark kexec-ng against Debian's kexec-tools inside QEMU guests (TCG),
# x86_64 or arm64 (riscv64: the exec path of kexec-ng only, Debian has no
# riscv64 kexec-tools).  Never runs kexec on the host.
#
# Load: in ONE guest, for each of N iterations (alternating which tool goes
# first), for each path -c (kexec_load), -c -i (kexec_load, no purgatory
# check) and -s (kexec_file_load; x86_64 only: Debian's arm64 kernels have no
# kexec_file_load), each tool runs
#   kexec <path> -l /k2/vmlinuz --initrd=<stage-2 initrd + MB MiB of random data> --append=...
# under tests/e2e/peakrss (static: fork/exec, wall time from CLOCK_MONOTONIC,
# wait4's CPU time, minor faults and ru_maxrss, and the private memory: the
# run's own cgroup v2 memory.peak), then `kexec -u`.  An extra warm-up
# iteration 0 is not counted.  The host prints per-tool medians of successful
# runs and the ratios kexec-ng / kexec-tools.  Our binary only has to exist:
# failures are counted and reported, not fatal.
#
# Exec path: the cost of the purgatory's digest check.  One guest per run:
# stage 1 loads the same kernel and big initrd with -c, with or without -i,
# reads a clock kexec does not reset (tests/e2e/archcounter.c: arm64
# CNTVCT_EL0, x86_64 the TSC, riscv64 the time CSR) and runs `kexec -e`; stage 2's init reads it
# again first thing.  R runs of each of kexec-ng and kexec-tools, check on
# and -i (with --exec-sha256 also kexec-ng --digest=sha256), interleaved;
# the host prints medians and the check's cost (on - off) and ratio.
#
# Usage: scripts/bench.sh [--arch x86_64|arm64|riscv64] [--kexec PATH] [-n N]
#                         [--initrd-mb MB] [--kernel bookworm|trixie] [--fw F]
#                         [--cpu CPU] [--exec-runs R] [--icount SHIFT]
#                         [--exec-sha256] [--exec-ng-only] [--exec-only]
#                         [--report-only]
#   --arch A       guest architecture (default x86_64)
#   --kexec PATH   kexec-ng binary (default build/static-ARCH/kexec)
#   -n N           counted load iterations per tool and path (default 10)
#   --initrd-mb MB random data added to the initrd (default 48)
#   --kernel K     kernel the guest runs and loads (default bookworm)
#   --fw F         firmware (default seabios; arm64: direct)
#   --cpu CPU      QEMU -cpu (arm64 default max,lpa2=off,pauth-impdef=on;
#                  x86_64 default QEMU's qemu64, which has no SSE4.2: the
#                  purgatory's CRC32C then runs on tables; max has crc32q)
#   --exec-runs R  exec-path runs per tool and check setting (default 3; 0
#                  skips them)
#   --exec-sha256  exec path: also kexec-ng with --digest=sha256
#   --exec-ng-only exec path: kexec-ng only (no kexec-tools runs)
#   --exec-only    skip the load benchmark (the exec path only)
#   --icount SHIFT[,sleep=off]
#                  the exec-path guests run with QEMU -icount shift=SHIFT:
#                  the guest's clock then advances 2^SHIFT ns per instruction
#                  instead of with the host's, so the times count
#                  instructions (blind to the host's load and to memory and
#                  caches, which TCG does not model anyway).  While the guest
#                  idles its clock still follows the host's, unless
#                  sleep=off: then it jumps to the next timer, and runs of
#                  the same setting count the same to within a few µs
#   --report-only  print the report of the last run's results again
# Serial logs: build/e2e-logs[/arm64]/bench*.log; raw results:
# bench-results.txt and bench-exec-results.txt next to them.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

ARCH=x86_64
KEXEC_BIN=
N=10
MB=48
KERNEL=bookworm
FW=
CPU=
EXEC_RUNS=3
ICOUNT=
ICOUNT_OPTS=
REPORT_ONLY=0
EXEC_SHA256=0
EXEC_TOOLS=1
LOAD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    --kexec) KEXEC_BIN=$2; shift 2 ;;
    --kexec=*) KEXEC_BIN=${1#--kexec=}; shift ;;
    -n) N=$2; shift 2 ;;
    --initrd-mb) MB=$2; shift 2 ;;
    --kernel) KERNEL=$2; shift 2 ;;
    --fw) FW=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --exec-runs) EXEC_RUNS=$2; shift 2 ;;
    --icount) ICOUNT=${2%%,*} ICOUNT_OPTS=${2#"${2%%,*}"}; shift 2 ;;
    --exec-sha256) EXEC_SHA256=1; shift ;;
    --exec-ng-only) EXEC_TOOLS=0; shift ;;
    --exec-only) LOAD=0; shift ;;
    --report-only) REPORT_ONLY=1; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
e2e_set_arch "$ARCH"
KEXEC_BIN=${KEXEC_BIN:-$E2E_ROOT/build/static-$E2E_ARCH/kexec}
case "$E2E_ARCH" in
  x86_64) PATHS="c ci s"; FW=${FW:-seabios}; export E2E_CPU=${CPU:-} ;;
  arm64) PATHS="c ci"; FW=${FW:-direct}; export E2E_CPU=${CPU:-$E2E_ARM64_CPU} ;;
  riscv64)
    # Debian has no riscv64 kexec-tools: kexec-ng's exec path only.
    PATHS="c"; FW=${FW:-direct}; export E2E_CPU=${CPU:-}; EXEC_TOOLS=0; LOAD=0 ;;
esac
results=$E2E_LOGS/bench-results.txt
exec_results=$E2E_LOGS/bench-exec-results.txt
[ "${KEXEC_BIN#/}" != "$KEXEC_BIN" ] || KEXEC_BIN=$PWD/$KEXEC_BIN

# _bench_static_tool NAME [SRC...]: tests/e2e/NAME.c (and the project's
# sources SRC, relative to src/) built static for the guests' architecture
# into $E2E_WORK/NAME (rebuilt when its source changes).
_bench_static_tool() {
  local out=$E2E_WORK/$1 cc=(gcc) name=$1 extra=() f
  shift
  for f in "$@"; do extra+=("$E2E_ROOT/src/$f"); done
  [ "$E2E_ARCH" = arm64 ] && cc=(aarch64-linux-gnu-gcc)
  # riscv64: as cross/riscv64.ini (trixie's glibc in the sysroot, lld)
  [ "$E2E_ARCH" = riscv64 ] && cc=(riscv64-linux-gnu-gcc "--sysroot=$E2E_ROOT/.cache/sysroot-riscv64"
                                   -fuse-ld=lld -B/usr/lib/llvm-19/bin)
  if [ ! -x "$out" ] || [ "$E2E_DIR/$name.c" -nt "$out" ]; then
    "${cc[@]}" -static -O2 -Wall -Wextra -I"$E2E_ROOT/src" -o "$out" "$E2E_DIR/$name.c" "${extra[@]}" ||
      e2e_die "cannot build $name with ${cc[*]}"
  fi
  echo "$out"
}

# _bench_tree DIR: both kexecs and the measuring tools, for a guest.
_bench_tree() {
  mkdir -p "$1/bin"
  _e2e_copy_elf "$KEXEC_BIN" "$1" /bin/kexec-ng || e2e_die "cannot pack $KEXEC_BIN"
  [ "$E2E_ARCH" = riscv64 ] || _e2e_add_kexec_tools "$1" /bin/kexec-tools
  cp "$PEAKRSS" "$1/bin/peakrss"
  [ -z "${READPATH:-}" ] || cp "$READPATH" "$1/bin/readpath"
  [ -z "$ARCHCOUNTER" ] || cp "$ARCHCOUNTER" "$1/bin/archcounter"
}

# Guest shell text making /tmp/big-initrd.img: the stage-2 initrd plus an
# uncompressed newc cpio holding MB MiB of random data (so that a kernel
# booting it unpacks it cleanly) and /bin/archcounter (the exec path) for stage 2.
# The kernel finds an uncompressed archive only at a 4-byte aligned offset
# (and skips NUL bytes): pad the stage-2 initrd with zeros first.
BIG_INITRD='mkdir -p /tmp/pad/bin
dd if=/dev/urandom of=/tmp/pad/bench-pad bs=1M count=$MB 2>/dev/null
[ -x /bin/archcounter ] && cp /bin/archcounter /tmp/pad/bin/
(cd /tmp/pad && find . | cpio -o -H newc 2>/dev/null) >/tmp/pad.cpio
s=$(wc -c </k2/initrd.img)
{ cat /k2/initrd.img; head -c $(( (4 - s % 4) % 4 )) /dev/zero; cat /tmp/pad.cpio; } >/tmp/big-initrd.img
rm -rf /tmp/pad /tmp/pad.cpio'

prepare() {
  [ -f "$KEXEC_BIN" ] || e2e_die "no kexec-ng binary at $KEXEC_BIN (build it with 'make static ARCH=$E2E_ARCH' or pass --kexec PATH)"
  case "$KERNEL" in bookworm|trixie) ;; *) e2e_die "--kernel must be bookworm or trixie" ;; esac
  e2e_need_kernels
  mkdir -p "$E2E_WORK" "$E2E_LOGS"
  PEAKRSS=$(_bench_static_tool peakrss) || exit 2
  READPATH=$(_bench_static_tool readpath core/crc32c.c) || exit 2
  ARCHCOUNTER=
  if [ "$EXEC_RUNS" -gt 0 ]; then ARCHCOUNTER=$(_bench_static_tool archcounter) || exit 2; fi
  _e2e_lock
  base=$(e2e_base_layer) || e2e_die "cannot build the base layer"
  k2=$(e2e_k2_layer "$KERNEL") || e2e_die "cannot build the k2 layer"
  _e2e_unlock
  RUN=$E2E_WORK/bench.$$
  rm -rf "$RUN"; mkdir -p "$RUN"
  trap 'rm -rf "$RUN"' EXIT
}

# --- load: one guest ----------------------------------------------------------
run_guest() {
rm -rf "$RUN/tree"; mkdir -p "$RUN/tree"
_bench_tree "$RUN/tree"
cat >"$RUN/tree/bench.sh" <<EOF
N=$N
MB=$MB
PATHS="$PATHS"
APPEND="$E2E_CONSOLE stage=2 token=bench"
$BIG_INITRD
EOF
cat >>"$RUN/tree/bench.sh" <<'EOF'
# Private memory: each run in its own cgroup (peakrss -g), its memory.peak
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
CG=
if echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then CG="-g /sys/fs/cgroup"
else echo "E2E: bench-note no cgroup2 memory controller: private memory not measured"; fi
echo "E2E: bench setup guest=$(uname -r) fw=$(if [ -d /sys/firmware/efi ]; then echo efi; else echo bios; fi) kernel_bytes=$(wc -c </k2/vmlinuz) initrd_bytes=$(wc -c </tmp/big-initrd.img) iterations=$N"
one() {
  tool=$1 path=$2 i=$3
  case $path in ci) sw="-c -i" ;; *) sw=-$path ;; esac
  peakrss -o /tmp/r $CG /bin/kexec-$tool $sw -l /k2/vmlinuz --initrd=/tmp/big-initrd.img --append="$APPEND" >/tmp/o 2>&1
  echo "E2E: bench-result tool=$tool path=$path iter=$i $(cat /tmp/r)"
  if ! grep -q ' status=0$' /tmp/r; then
    head -n 5 /tmp/o | sed "s/^/E2E: bench-out tool=$tool path=$path iter=$i: /"
  fi
  /bin/kexec-$tool -u >/dev/null 2>&1
  if [ "$(cat /sys/kernel/kexec_loaded)" != 0 ]; then
    echo "E2E: bench-note $tool -u left an image loaded; unloading with kexec-tools"
    /bin/kexec-tools -u >/dev/null 2>&1
  fi
}
i=0
while [ $i -le $N ]; do
  if [ $((i % 2)) = 1 ]; then order="ng tools"; else order="tools ng"; fi
  for path in $PATHS; do
    for tool in $order; do one $tool $path $i; done
  done
  i=$((i + 1))
done
# How to read the inputs (tests/e2e/readpath.c): mapping vs read()s
readpath -r 5 /k2/vmlinuz /tmp/big-initrd.img 2>&1 | sed 's/^/E2E: bench-readpath /'
echo "E2E: bench done"
EOF
_e2e_cpio_gz "$RUN/tree" "$RUN/bench.cpio.gz"
cat "$base" "$k2" "$RUN/bench.cpio.gz" >"$RUN/initrd.img"

log=$E2E_LOGS/bench.log
echo "bench: $E2E_ARCH guest $KERNEL ($(e2e_kernel_version "$KERNEL")) on $FW${E2E_CPU:+ (-cpu $E2E_CPU)}, $N iterations, initrd + $MB MiB; serial log $log" >&2
E2E_MEM=${E2E_BENCH_MEM:-2G} e2e_qemu "$FW" "$(e2e_kernel "$KERNEL")" "$RUN/initrd.img" \
  "$E2E_CONSOLE stage=bench" "$log" $((180 + N * 90))
qrc=$?
_e2e_lines "$log" | grep -a '^E2E: bench' >"$results"
if ! grep -q '^E2E: bench done' "$results"; then
  echo "bench: the guest did not finish (qemu status $qrc): $(_e2e_tail "$log")" >&2
  return 1
fi
}

# --- exec path: one guest per run ----------------------------------------------
# run_exec_guest TOOL CHECK RUN: appends one line to $exec_results.  CHECK:
# on (the default digest), off (-i), sha256 (kexec-ng --digest=sha256).
run_exec_guest() {
  local tool=$1 check=$2 r=$3 sw='' log
  [ "$check" = off ] && sw=-i
  [ "$check" = sha256 ] && sw=--digest=sha256
  rm -rf "$RUN/xtree"; mkdir -p "$RUN/xtree"
  _bench_tree "$RUN/xtree"
  {
    echo "MB=$MB"
    echo "APPEND=\"$E2E_CONSOLE stage=2 token=bench-exec\""
    echo "$BIG_INITRD"
    echo "/bin/kexec-$tool -c $sw -l /k2/vmlinuz --initrd=/tmp/big-initrd.img --append=\"\$APPEND\" >/tmp/o 2>&1"
    echo 'rc=$?'
    echo 'echo "E2E: bench-exec load rc=$rc kernel_bytes=$(wc -c </k2/vmlinuz) initrd_bytes=$(wc -c </tmp/big-initrd.img)"'
    echo 'if [ $rc = 0 ]; then'
    # x86_64: archcounter gives TSC ticks; the rate this kernel calibrated
    # shellcheck disable=SC2028  # (backslashes of a sed expression for the guest)
    echo '  echo "E2E: bench-exec tsc_khz=$(sed -n "s/^cpu MHz[[:space:]]*: \([0-9]*\)\.\([0-9]\{3\}\).*/\1\2/p" /proc/cpuinfo | head -n1)"'
    # riscv64: the time CSR's rate, from the device tree
    echo '  if [ -r /proc/device-tree/cpus/timebase-frequency ]; then'
    echo '    tb=$(od -An -tx1 /proc/device-tree/cpus/timebase-frequency | tr -d "[:space:]")'
    echo '    echo "E2E: bench-exec timebase_hz=$((0x$tb))"'
    echo '  fi'
    echo '  echo "E2E: bench-exec t_exec_ns=$(/bin/archcounter)"'
    echo "  /bin/kexec-$tool -e"
    echo '  echo "E2E: bench-exec kexec -e returned $?"'
    echo 'else'
    echo '  head -n 5 /tmp/o | sed "s/^/E2E: bench-exec out: /"'
    echo 'fi'
  } >"$RUN/xtree/bench.sh"
  _e2e_cpio_gz "$RUN/xtree" "$RUN/xbench.cpio.gz"
  cat "$base" "$k2" "$RUN/xbench.cpio.gz" >"$RUN/xinitrd.img"
  log=$E2E_LOGS/bench-exec-$tool-$check-$r.log
  E2E_MEM=${E2E_BENCH_MEM:-2G} E2E_QEMU_EXTRA=${ICOUNT:+-icount shift=$ICOUNT$ICOUNT_OPTS} \
    e2e_qemu "$FW" "$(e2e_kernel "$KERNEL")" "$RUN/xinitrd.img" "$E2E_CONSOLE stage=bench" "$log" 600
  local t0 t1 ok=0 setup khz
  t0=$(_e2e_lines "$log" | sed -n 's/^E2E: bench-exec t_exec_ns=\([0-9]*\)$/\1/p' | head -n1)
  t1=$(_e2e_field "$log" stage2-counter t_init_ns)
  khz=$(_e2e_lines "$log" | sed -n 's/^E2E: bench-exec tsc_khz=\([0-9]*\)$/\1/p' | head -n1)
  local hz; hz=$(_e2e_lines "$log" | sed -n 's/^E2E: bench-exec timebase_hz=\([0-9]*\)$/\1/p' | head -n1)
  if [ "$E2E_ARCH" = riscv64 ] && [ -n "$t0" ] && [ -n "$t1" ]; then
    # time CSR ticks to ns (QEMU virt: 10 MHz of the virtual clock)
    if [ -n "$hz" ] && [ "$hz" -gt 0 ]; then t1=$(( (t1 - t0) * 1000000000 / hz )) t0=0; else t0=; fi
  fi
  if [ "$E2E_ARCH" = x86_64 ] && [ -n "$t0" ] && [ -n "$t1" ]; then
    # TSC ticks to ns: exactly 2^SHIFT under -icount, else stage 1's rate
    if [ -n "$ICOUNT" ]; then
      t0=$((t0 << ICOUNT)) t1=$((t1 << ICOUNT))
    elif [ -n "$khz" ] && [ "$khz" -gt 0 ]; then
      t1=$(( (t1 - t0) * 1000000 / khz )) t0=0
    else
      t0=
    fi
  fi
  setup=$(_e2e_lines "$log" | grep -a '^E2E: bench-exec load' | head -n1)
  _e2e_lines "$log" | grep -aq "^E2E: $E2E_SUCCESS token=bench-exec\$" && ok=1
  if [ -n "$t0" ] && [ -n "$t1" ] && [ $ok = 1 ]; then
    echo "tool=$tool check=$check run=$r exec_us=$(( (t1 - t0) / 1000 )) qemu_s=$E2E_QEMU_SECS ${setup#E2E: bench-exec load } icount=${ICOUNT:-off}$ICOUNT_OPTS cpu=${E2E_CPU:-default} fw=$FW kernel=$KERNEL" >>"$exec_results"
  else
    echo "tool=$tool check=$check run=$r failed qemu_s=$E2E_QEMU_SECS" >>"$exec_results"
    echo "bench: exec run $tool check=$check #$r failed: $(_e2e_lines "$log" | grep -a 'bench-exec' | _e2e_brief) | $(_e2e_tail "$log")" >&2
  fi
}

run_exec() {
  : >"$exec_results"
  echo "bench: exec path, $EXEC_RUNS runs each of kexec-ng$([ $EXEC_TOOLS = 1 ] && echo " and kexec-tools") with the check on and with -i$([ $EXEC_SHA256 = 1 ] && echo ", kexec-ng also with --digest=sha256"); serial logs $E2E_LOGS/bench-exec-*.log" >&2
  local r v order
  for r in $(seq 1 "$EXEC_RUNS"); do
    # A different order in each run.
    case $((r % 4)) in
      1) order="ng:on ng:off tools:on tools:off ng:sha256" ;;
      2) order="ng:sha256 tools:off tools:on ng:off ng:on" ;;
      3) order="ng:off tools:on ng:sha256 ng:on tools:off" ;;
      0) order="tools:on ng:on ng:sha256 tools:off ng:off" ;;
    esac
    for v in $order; do
      [ $EXEC_TOOLS = 0 ] && [ "${v%:*}" = tools ] && continue
      [ $EXEC_SHA256 = 0 ] && [ "${v#*:}" = sha256 ] && continue
      run_exec_guest "${v%:*}" "${v#*:}" "$r"
    done
  done
}

exec_report() {
  [ -s "$exec_results" ] || return 0
  local line kb ib ic cpu fw k
  line=$(grep -m1 'exec_us=' "$exec_results")
  kb=$(sed -n 's/.*kernel_bytes=\([0-9]*\).*/\1/p' <<<"$line")
  ib=$(sed -n 's/.*initrd_bytes=\([0-9]*\).*/\1/p' <<<"$line")
  ic=$(sed -n 's/.* icount=\([^ ]*\).*/\1/p' <<<"$line")
  cpu=$(sed -n 's/.* cpu=\([^ ]*\).*/\1/p' <<<"$line")
  fw=$(sed -n 's/.* fw=\([^ ]*\).*/\1/p' <<<"$line")
  k=$(sed -n 's/.* kernel=\([^ ]*\).*/\1/p' <<<"$line")
  echo
  local clock="host real time"
  case "$ic" in off|'') ;; *) clock="-icount shift=$ic: $((1 << ${ic%%,*})) ns per guest instruction" ;; esac
  echo "exec path: from just before kexec -e to stage 2's init ($E2E_ARCH counter; $clock), $(e2e_kernel_version "${k:-$KERNEL}") into itself, kernel ${kb:+$((kb / 1048576)) MiB} + initrd ${ib:+$((ib / 1048576)) MiB}, ${fw:-$FW}, -cpu ${cpu:-${E2E_CPU:-default}} (ms)"
  printf '%-12s %-16s %6s %10s %8s %8s\n' tool check ok median_ms min_ms max_ms
  local tool check vals med mn mx on off name label ok total sha
  for tool in ng tools; do
    name=kexec-$tool; [ $tool = ng ] && name=kexec-ng
    grep -q "^tool=$tool " "$exec_results" || continue
    sha=n/a
    for check in on off sha256; do
      grep -q "^tool=$tool check=$check " "$exec_results" || continue
      vals=$(awk -v t="$tool" -v c="$check" '$1 == "tool=" t && $2 == "check=" c {
          if ($4 ~ /^exec_us=/) { sub(/^exec_us=/, "", $4); print $4 } else print "F" }' "$exec_results")
      total=$(grep -c . <<<"$vals")
      ok=$(grep -c '^[0-9]' <<<"$vals")
      vals=$(grep '^[0-9]' <<<"$vals" | sort -n)
      med=$(awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.0f\n", a[(NR + 1) / 2] / 1000; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2000 }' <<<"$vals")
      mn=$(head -n1 <<<"$vals" | awk 'NF { printf "%.0f", $1 / 1000 }')
      mx=$(tail -n1 <<<"$vals" | awk 'NF { printf "%.0f", $1 / 1000 }')
      label=on; [ $tool = ng ] && label="on (crc32c)"
      [ $check = off ] && label="off (-i)"
      [ $check = sha256 ] && label="on (sha256)"
      printf '%-12s %-16s %6s %10s %8s %8s\n' "$name" "$label" "$ok/$total" "$med" "${mn:-n/a}" "${mx:-n/a}"
      case $check in on) on=$med ;; off) off=$med ;; sha256) sha=$med ;; esac
    done
    if [ "$on" != n/a ] && [ "$off" != n/a ]; then
      printf '%-12s %-16s %6s %10s   (on/off %s)\n' "$name" "check" "" "$((on - off))" \
        "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')"
    fi
    if [ "$sha" != n/a ] && [ "$off" != n/a ]; then
      printf '%-12s %-16s %6s %10s   (sha256/off %s)\n' "$name" "check (sha256)" "" "$((sha - off))" \
        "$(awk -v a="$sha" -v b="$off" 'BEGIN { printf "%.3f", a / b }')"
    fi
  done
}

if [ $REPORT_ONLY = 0 ]; then
  prepare
  if [ $LOAD = 1 ]; then run_guest || exit 1; else : >"$results"; fi
  [ "$EXEC_RUNS" -gt 0 ] && run_exec
fi
if [ ! -s "$results" ]; then
  # --exec-only: no load results
  [ "$EXEC_RUNS" -gt 0 ] && exec_report
  exit 0
fi
grep -a '^E2E: bench-note' "$results" >&2
echo
echo "Reading the inputs (tests/e2e/readpath.c in the guest: hash, then the kernel's copy):"
grep -a '^E2E: bench-readpath' "$results" | sed 's/^E2E: bench-readpath /  /'
grep -a '^E2E: bench-out' "$results" | sort -u -t: -k2,2 | head -n 8 >&2

setup=$(grep '^E2E: bench setup' "$results")
initrd_bytes=$(sed -n 's/.*initrd_bytes=\([0-9]*\).*/\1/p' <<<"$setup")
kernel_bytes=$(sed -n 's/.*kernel_bytes=\([0-9]*\).*/\1/p' <<<"$setup")
guest=$(sed -n 's/.*guest=\([^ ]*\).*/\1/p' <<<"$setup")
gfw=$(sed -n 's/.* fw=\([^ ]*\).*/\1/p' <<<"$setup")
runs=$(sed -n 's/.*iterations=\([0-9]*\).*/\1/p' <<<"$setup")
echo
echo "kexec -l of $guest ($((kernel_bytes / 1024)) KiB, the running kernel) + initrd ($((initrd_bytes / 1048576)) MiB), $gfw $E2E_ARCH guest under TCG${E2E_CPU:+ (-cpu $E2E_CPU)}, $runs runs each (medians of successful runs)"
echo "kexec-ng: $KEXEC_BIN"
echo "kexec-tools: Debian $(sed 's/^kexec-tools=//' "$E2E_KTCACHE/version") (dynamic)"
printf '%-7s %-12s %5s %9s %9s %9s %8s %11s %11s\n' path tool ok wall_ms min_ms cpu_ms minflt maxrss_kib private_kib
# Per path and tool: medians of the successful counted runs (iter > 0) of
# wall time, CPU time (user + sys), minor faults, peak RSS and private memory
# (the run's cgroup memory.peak); then kexec-ng / kexec-tools.
for path in $PATHS; do
  awk -v p="$path" '
    function med(arr, n,   i, j, t) {
      if (n == 0) return "n/a"
      for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
      return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    function fmt(v, d) { return v == "n/a" ? v : sprintf("%.1f", v / d) }
    function ratio(a, b) { return (a == "n/a" || b == "n/a" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
    $0 ~ "^E2E: bench-result tool=[a-z]+ path=" p " " {
      delete f
      for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      t = f["tool"]
      if (f["iter"] > 0) {
        total[t]++
        if (f["status"] == 0) {
          k = ++ok[t]
          wall[t, k] = f["wall_us"]; cpu[t, k] = f["user_us"] + f["sys_us"]
          flt[t, k] = f["minflt"]; rss[t, k] = f["maxrss_kb"]
          priv[t, k] = ("private_kb" in f && f["private_kb"] >= 0) ? f["private_kb"] : "n/a"
        }
      }
    }
    END {
      sw = p; sub(/i$/, " -i", sw); sw = "-" sw
      for (ti = 1; ti <= 2; ti++) {
        t = ti == 1 ? "ng" : "tools"
        n = ok[t] + 0; mn = "n/a"
        for (q = 1; q <= 5; q++) {
          delete a; np = 0
          for (k = 1; k <= n; k++) {
            v = q == 1 ? wall[t, k] : q == 2 ? cpu[t, k] : q == 3 ? flt[t, k] : q == 4 ? rss[t, k] : priv[t, k]
            if (v != "n/a") a[++np] = v
            if (q == 1 && (mn == "n/a" || v < mn)) mn = v
          }
          m[t, q] = med(a, np)
        }
        printf "%-7s %-12s %5s %9s %9s %9s %8s %11s %11s\n", sw, (t == "ng" ? "kexec-ng" : "kexec-tools"),
          n "/" total[t] + 0, fmt(m[t, 1], 1000), fmt(mn, 1000), fmt(m[t, 2], 1000), m[t, 3], m[t, 4], m[t, 5]
      }
      printf "%-7s %-12s %5s %9s %9s %9s %8s %11s %11s\n", sw, "ratio ng/kt", "",
        ratio(m["ng", 1], m["tools", 1]), "", ratio(m["ng", 2], m["tools", 2]), ratio(m["ng", 3], m["tools", 3]),
        ratio(m["ng", 4], m["tools", 4]), ratio(m["ng", 5], m["tools", 5])
    }' "$results"
done
if [ "$EXEC_RUNS" -gt 0 ]; then exec_report; fi
exit 0
