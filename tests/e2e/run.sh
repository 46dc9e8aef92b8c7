#!/bin/bash
# kexec-ng QEMU end-to-end tests (x86_64 and arm64): boot a Debian kernel
# under TCG, load the other Debian kernel with the kexec under test, kexec
# into it and check what the second kernel was given.  See tests/e2e/lib.sh,
# cases.sh (x86_64) and cases-arm64.sh.
#
# Usage: tests/e2e/run.sh [options] [PATTERN...]
#   --arch ARCH      x86_64 (default), arm64 or riscv64: the guests' architecture
#   --kexec PATH     kexec binary under test (default build/static-ARCH/kexec)
#   --kexec-tools    test Debian's kexec-tools instead (validates the harness;
#                    the wrong-digest cases are skipped, and the lockdown
#                    cases check for EPERM instead of kexec-ng's explanation)
#   -j N             run N guests at once (default 1; the machine has 2 cores)
#   --kernel-log     full kernel boot logs on the serial console (default:
#                    "quiet", which still shows warnings, errors and panics)
#   --list           list the cases and exit
#   PATTERN          run only cases whose name contains PATTERN (or matches
#                    it as a shell glob); several patterns are OR'ed
#
# Each case prints one line, "PASS <name>" or "FAIL <name>: <reason>"; the
# last line is "N passed, N failed".  Exit status 1 when any case failed.
# Serial logs: build/e2e-logs/<name>.log.  Never runs kexec on the host.
# Needs scripts/setup-deps.sh (packages); runs scripts/fetch-kernels.sh when
# the kernels are not cached yet.  Environment: E2E_MEM (guest RAM, 1G),
# E2E_SMP (1), E2E_MEMDIFF_KB (allowed MemTotal difference, 16384).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODE=ng
ARCH=x86_64
KEXEC_BIN=
JOBS=1
LIST=0
PATTERNS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kexec) KEXEC_BIN=$2; shift 2 ;;
    --kexec=*) KEXEC_BIN=${1#--kexec=}; shift ;;
    --kexec-tools) MODE=tools; shift ;;
    --arch) ARCH=$2; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    -j) JOBS=$2; shift 2 ;;
    -j*) JOBS=${1#-j}; shift ;;
    --list) LIST=1; shift ;;
    --kernel-log) E2E_CMDLINE="panic=-1"; export E2E_CMDLINE; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) PATTERNS+=("$1"); shift ;;
  esac
done
e2e_set_arch "$ARCH"
# shellcheck disable=SC1090  # the cases of the architecture
case "$E2E_ARCH" in
  x86_64) . "$E2E_DIR/cases.sh" ;;
  *) . "$E2E_DIR/cases-$E2E_ARCH.sh" ;;
esac
# The CPU column (x86_64: optional; arm64): a case's -cpu.
declare -F e2e_case_cpu >/dev/null || e2e_case_cpu() { :; }
# Layers made per case, for its token (cases.sh: the UKI cases).
declare -F e2e_case_token_layers >/dev/null || e2e_case_token_layers() { :; }
KEXEC_BIN=${KEXEC_BIN:-$E2E_ROOT/build/static-$E2E_ARCH/kexec}

selected=()
skipped=0
for line in "${E2E_CASES[@]}"; do
  read -r name kind fw k1 k2 cpu <<<"$line"
  e2e_name_selected "$name" "${PATTERNS[@]}" || continue
  if ! e2e_case_applies "$kind" "$MODE"; then skipped=$((skipped + 1)); continue; fi
  selected+=("$line")
done

if [ $LIST = 1 ]; then
  for line in "${selected[@]}"; do
    read -r name kind fw k1 k2 cpu <<<"$line"
    printf '%-44s %-14s %-8s %-9s -> %-9s %s\n' "$name" "$kind" "$fw" "$k1" "$k2" "$(e2e_case_cpu "$cpu")"
  done
  exit 0
fi
[ ${#selected[@]} -gt 0 ] || { echo "run.sh: no case matches ${PATTERNS[*]}" >&2; echo "0 passed, 0 failed"; exit 1; }

mkdir -p "$E2E_WORK" "$E2E_LOGS"
RUN=$E2E_WORK/run.$$
rm -rf "$RUN"; mkdir -p "$RUN"
trap 'rm -rf "$RUN"' EXIT

# A missing binary under test fails every case with the reason.
if [ $MODE = ng ]; then
  [ "${KEXEC_BIN#/}" != "$KEXEC_BIN" ] || KEXEC_BIN=$PWD/$KEXEC_BIN
  if [ ! -f "$KEXEC_BIN" ]; then
    echo "e2e: no kexec binary at $KEXEC_BIN (build it with 'make static ARCH=$E2E_ARCH' or pass --kexec PATH)" >&2
    for line in "${selected[@]}"; do
      read -r name _ <<<"$line"
      echo "FAIL $name: no kexec binary at $KEXEC_BIN"
    done
    echo "0 passed, ${#selected[@]} failed"
    exit 1
  fi
fi

e2e_need_kernels
_e2e_lock
base=$(e2e_base_layer) || e2e_die "cannot build the base layer"
e2e_stage2_initrd >/dev/null || e2e_die "cannot build the stage-2 initrd"
for k in $E2E_KERNELS; do e2e_k2_layer $k >/dev/null || e2e_die "cannot build the k2 layer for $k"; done
for line in "${selected[@]}"; do
  read -r _ kind _ _ k2 _ <<<"$line"
  e2e_case_layers "$kind" "$k2" >/dev/null || e2e_die "cannot build the extra layers of $kind for $k2"
done
_e2e_unlock
if [ $MODE = tools ]; then
  desc="Debian kexec-tools $(sed 's/^kexec-tools=//' "$E2E_KTCACHE/version")"
else
  desc="$KEXEC_BIN"
fi
e2e_kexec_layer $MODE "$KEXEC_BIN" "$RUN/kexec.cpio.gz" || e2e_die "cannot pack $desc"
echo "e2e: testing $desc; ${#selected[@]} cases, $JOBS at a time; logs in $E2E_LOGS" >&2

# run_case LINE: prints the PASS/FAIL line; writes RUN/NAME.result.
run_case() {
  local name kind fw k1 k2 cpu
  read -r name kind fw k1 k2 cpu <<<"$1"
  local d=$RUN/$name token log initrd append reason qrc
  mkdir -p "$d/tree"
  token=$(e2e_random_token)
  e2e_case_write "$kind" "$fw" "$token" "$d/tree/case.sh" "$MODE"
  _e2e_cpio_gz "$d/tree" "$d/case.cpio.gz"
  initrd=$d/initrd.img
  local extra; extra=$(e2e_case_layers "$kind" "$k2") || { echo "FAIL $name: cannot build its layers"; return; }
  # layers made for this case's token (a UKI's .cmdline holds it)
  local tl; tl=$(e2e_case_token_layers "$kind" "$k2" "$token" "$d") || { echo "FAIL $name: cannot build its per-case layers"; return; }
  extra="$extra $tl"
  # shellcheck disable=SC2086
  cat "$base" "$E2E_WORK/k2-$k2.cpio.gz" $extra "$RUN/kexec.cpio.gz" "$d/case.cpio.gz" >"$initrd"
  append="$E2E_CONSOLE stage=1 $(e2e_case_stage1_append "$kind")"
  log=$E2E_LOGS/$name.log
  local stop='' mon='' at_stop=''
  case "$kind" in
    wrong-digest*)
      stop="$E2E_DIGEST_MSG"
      # the halted purgatory's VGA text buffer, judged by e2e_case_check
      # (a socket path must fit sun_path's 108 bytes)
      mon=$(mktemp -u /tmp/e2e-mon.XXXXXX)
      rm -f "$log.vga"
      # (the file name quoted: unquoted, HMP reads 4000 /work... as a division)
      at_stop="e2e_monitor $mon 'pmemsave 0xb8000 4000 \"$log.vga\"' >/dev/null" ;;
  esac
  # A guest that never powers off by itself (memtest86+) says when it has
  # shown enough.
  if [ -z "$stop" ] && declare -F e2e_case_stop >/dev/null; then stop=$(e2e_case_stop "$kind"); fi
  # A purgatory that traps never boots: stop there instead of at the timeout.
  stop="${stop:+$stop|}kexec-ng purgatory: exception"
  E2E_CPU=$(e2e_case_cpu "$cpu") E2E_MONITOR=$mon E2E_AT_STOP=$at_stop \
    e2e_qemu "$fw" "$(e2e_kernel "$k1")" "$initrd" "$append" "$log" "$(e2e_case_timeout "$kind")" "$stop" 5
  qrc=$?
  [ -z "$mon" ] || rm -f "$mon"
  reason=$(e2e_case_check "$kind" "$fw" "$k1" "$k2" "$log" "$token" "$MODE" "$qrc" "$cpu")
  local res
  if [ -z "$reason" ]; then res="PASS $name"; else res="FAIL $name: $reason"; fi
  echo "$res"
  printf '%s\t%s\t%s\n' "$name" "$E2E_QEMU_SECS" "${res%%:*}" >"$RUN/$name.time"
  echo "$res" >"$RUN/$name.result"
  rm -rf "$d"
}

t0=$(date +%s)
e2e_run_jobs "$JOBS" run_case "${selected[@]}"

passed=0 failed=0
summary=$E2E_LOGS/summary.txt
{
  echo "# $(date -u +%FT%TZ) $desc"
  for line in "${selected[@]}"; do
    read -r name _ <<<"$line"
    if [ -f "$RUN/$name.result" ]; then cat "$RUN/$name.time"; else printf '%s\t-\tFAIL\n' "$name"; fi
  done
} >"$summary"
e2e_count_results "$RUN" "${selected[@]}"
echo "e2e: $(( $(date +%s) - t0 )) s in all; per-case QEMU times in $summary" >&2
if [ $skipped -gt 0 ]; then
  echo "e2e: $skipped case(s) do not apply to this mode" >&2
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
