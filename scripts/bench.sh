#!/bin/bash
# Benchmark kexec-ng against Debian's kexec-tools inside ONE QEMU guest
# (x86_64, TCG).  Never runs kexec on the host.
#
# In the guest, for each of N iterations (alternating which tool goes first),
# for both paths -c (kexec_load) and -s (kexec_file_load), each tool runs
#   kexec -<path> -l /k2/vmlinuz --initrd=<stage-2 initrd + MB MiB of random data> --append=...
# under tests/e2e/peakrss (static: fork/exec, wait4's ru_maxrss, wall time
# from CLOCK_MONOTONIC), then `kexec -u`.  An extra warm-up iteration 0 is not
# counted.  The host prints per-tool medians of successful runs and the
# ratios kexec-ng / kexec-tools.  Our binary only has to exist: failures are
# counted and reported, not fatal.
#
# Usage: scripts/bench.sh [--kexec PATH] [-n N] [--initrd-mb MB]
#                         [--kernel bookworm|trixie] [--fw seabios|ovmf]
#   --kexec PATH   kexec-ng binary (default build/static-x86_64/kexec)
#   -n N           counted iterations per tool and path (default 10)
#   --initrd-mb MB random data appended to the initrd (default 48)
#   --kernel K     kernel the guest runs and loads (default bookworm)
#   --fw F         firmware (default seabios)
#   --report-only  print the report of the last run's bench-results.txt again
# Serial log: build/e2e-logs/bench.log; raw results: build/e2e-logs/bench-results.txt
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

KEXEC_BIN=$E2E_ROOT/build/static-x86_64/kexec
N=10
MB=48
KERNEL=bookworm
FW=seabios
REPORT_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kexec) KEXEC_BIN=$2; shift 2 ;;
    --kexec=*) KEXEC_BIN=${1#--kexec=}; shift ;;
    -n) N=$2; shift 2 ;;
    --initrd-mb) MB=$2; shift 2 ;;
    --kernel) KERNEL=$2; shift 2 ;;
    --fw) FW=$2; shift 2 ;;
    --report-only) REPORT_ONLY=1; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
results=$E2E_LOGS/bench-results.txt
[ "${KEXEC_BIN#/}" != "$KEXEC_BIN" ] || KEXEC_BIN=$PWD/$KEXEC_BIN
run_guest() {
[ -f "$KEXEC_BIN" ] || e2e_die "no kexec-ng binary at $KEXEC_BIN (build it with 'make static ARCH=x86_64' or pass --kexec PATH)"
case "$KERNEL" in bookworm|trixie) ;; *) e2e_die "--kernel must be bookworm or trixie" ;; esac

e2e_need_kernels
mkdir -p "$E2E_WORK" "$E2E_LOGS"

# peakrss, static, rebuilt when its source changes.
PEAKRSS=$E2E_WORK/peakrss
if [ ! -x "$PEAKRSS" ] || [ "$E2E_DIR/peakrss.c" -nt "$PEAKRSS" ]; then
  gcc -static -O2 -Wall -Wextra -o "$PEAKRSS" "$E2E_DIR/peakrss.c" || e2e_die "cannot build peakrss"
fi

_e2e_lock
base=$(e2e_base_layer) || e2e_die "cannot build the base layer"
k2=$(e2e_k2_layer "$KERNEL") || e2e_die "cannot build the k2 layer"
_e2e_unlock

RUN=$E2E_WORK/bench.$$
rm -rf "$RUN"; mkdir -p "$RUN/tree/bin"
trap 'rm -rf "$RUN"' EXIT
_e2e_copy_elf "$KEXEC_BIN" "$RUN/tree" /bin/kexec-ng || e2e_die "cannot pack $KEXEC_BIN"
_e2e_add_kexec_tools "$RUN/tree" /bin/kexec-tools
cp "$PEAKRSS" "$RUN/tree/bin/peakrss"
cat >"$RUN/tree/bench.sh" <<EOF
N=$N
MB=$MB
APPEND="$E2E_CONSOLE stage=2 token=bench"
EOF
cat >>"$RUN/tree/bench.sh" <<'EOF'
dd if=/dev/urandom of=/tmp/rand bs=1M count=$MB 2>/dev/null
cat /k2/initrd.img /tmp/rand >/tmp/big-initrd.img
rm -f /tmp/rand
echo "E2E: bench setup guest=$(uname -r) fw=$(if [ -d /sys/firmware/efi ]; then echo efi; else echo bios; fi) kernel_bytes=$(wc -c </k2/vmlinuz) initrd_bytes=$(wc -c </tmp/big-initrd.img) iterations=$N"
one() {
  tool=$1 path=$2 i=$3
  peakrss -o /tmp/r /bin/kexec-$tool -$path -l /k2/vmlinuz --initrd=/tmp/big-initrd.img --append="$APPEND" >/tmp/o 2>&1
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
  for path in c s; do
    for tool in $order; do one $tool $path $i; done
  done
  i=$((i + 1))
done
echo "E2E: bench done"
EOF
_e2e_cpio_gz "$RUN/tree" "$RUN/bench.cpio.gz"
cat "$base" "$k2" "$RUN/bench.cpio.gz" >"$RUN/initrd.img"

log=$E2E_LOGS/bench.log
echo "bench: guest $KERNEL ($(e2e_kernel_version "$KERNEL")) on $FW, $N iterations, initrd + $MB MiB; serial log $log" >&2
E2E_MEM=${E2E_BENCH_MEM:-2G} e2e_qemu "$FW" "$(e2e_kernel "$KERNEL")" "$RUN/initrd.img" \
  "$E2E_CONSOLE stage=bench" "$log" $((180 + N * 90))
qrc=$?
_e2e_lines "$log" | grep -a '^E2E: bench' >"$results"
if ! grep -q '^E2E: bench done' "$results"; then
  echo "bench: the guest did not finish (qemu status $qrc): $(_e2e_tail "$log")" >&2
  return 1
fi
}
[ $REPORT_ONLY = 1 ] || run_guest || exit 1
[ -s "$results" ] || e2e_die "no $results"
grep -a '^E2E: bench-note' "$results" >&2
grep -a '^E2E: bench-out' "$results" | sort -u -t: -k2,2 | head -n 8 >&2

setup=$(grep '^E2E: bench setup' "$results")
initrd_bytes=$(sed -n 's/.*initrd_bytes=\([0-9]*\).*/\1/p' <<<"$setup")
kernel_bytes=$(sed -n 's/.*kernel_bytes=\([0-9]*\).*/\1/p' <<<"$setup")
guest=$(sed -n 's/.*guest=\([^ ]*\).*/\1/p' <<<"$setup")
gfw=$(sed -n 's/.* fw=\([^ ]*\).*/\1/p' <<<"$setup")
runs=$(sed -n 's/.*iterations=\([0-9]*\).*/\1/p' <<<"$setup")
echo
echo "kexec -l of $guest ($((kernel_bytes / 1024)) KiB, the running kernel) + initrd ($((initrd_bytes / 1048576)) MiB), $gfw guest under TCG, $runs runs each (medians of successful runs)"
echo "kexec-ng: $KEXEC_BIN"
echo "kexec-tools: Debian $(sed 's/^kexec-tools=//' "$E2E_KTCACHE/version") (dynamic)"
printf '%-5s %-12s %7s %14s %12s %16s\n' path tool ok wall_ms min_wall_ms maxrss_kib
for path in c s; do
  declare -A W=() R=()
  for tool in ng tools; do
    vals=$(awk -v t="$tool" -v p="$path" '
      $0 ~ "^E2E: bench-result tool=" t " path=" p " " {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
        if (f["iter"] > 0) { n++; if (f["status"] == 0) { ok++; print f["wall_us"], f["maxrss_kb"] } }
      }
      END { printf "N %d %d\n", n, ok }' "$results")
    total=$(awk '$1 == "N" { print $2 }' <<<"$vals")
    ok=$(awk '$1 == "N" { print $3 }' <<<"$vals")
    med() { grep -v '^N ' <<<"$vals" | awk -v c="$1" '{ print $c }' | sort -n |
            awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
    w=$(med 1); r=$(med 2)
    wmin=$(grep -v '^N ' <<<"$vals" | awk '{ print $1 }' | sort -n | head -n1)
    wminms=n/a; [ -n "$wmin" ] && wminms=$(awk -v w="$wmin" 'BEGIN { printf "%.1f", w / 1000 }')
    W[$tool]=$w; R[$tool]=$r
    name=kexec-$tool; [ $tool = ng ] && name=kexec-ng
    wms=n/a; [ "$w" != n/a ] && wms=$(awk -v w="$w" 'BEGIN { printf "%.1f", w / 1000 }')
    printf '%-5s %-12s %7s %14s %12s %16s\n' "-$path" "$name" "$ok/$total" "$wms" "$wminms" "$r"
  done
  if [ "${W[ng]}" != n/a ] && [ "${W[tools]}" != n/a ]; then
    printf '%-5s %-12s %7s %14s %12s %16s\n' "-$path" "ratio ng/kt" "" \
      "$(awk -v a="${W[ng]}" -v b="${W[tools]}" 'BEGIN { printf "%.2f", a / b }')" "" \
      "$(awk -v a="${R[ng]}" -v b="${R[tools]}" 'BEGIN { printf "%.2f", a / b }')"
  else
    printf '%-5s %-12s %7s %14s %12s %16s\n' "-$path" "ratio ng/kt" "" n/a "" n/a
  fi
  unset W R
done
