#!/bin/bash
# kexec-ng demo: boot Debian bookworm's 6.1 kernel in QEMU (TCG, SeaBIOS),
# load Debian trixie's 6.12 kernel with kexec-ng's static binary through
# kexec_load (our purgatory checks every segment's SHA-256), kexec into it,
# and show that it came up with what it was given, and how long each step took.
# On a fresh Debian 12 machine it installs and downloads what it needs.
#   bash scripts/demo.sh [--file-syscall] [--ovmf]
# Real loads happen only inside the guest, never on this machine.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
sw=-c fw=seabios
for a in "$@"; do
  case "$a" in
    --file-syscall) sw=-s ;;
    --ovmf) fw=ovmf ;;
    *) echo "usage: scripts/demo.sh [--file-syscall] [--ovmf]" >&2; exit 2 ;;
  esac
done

echo "== preparing (packages, Debian kernels, static kexec-ng)"
bash scripts/setup-deps.sh >/dev/null || { echo "demo: installing packages failed" >&2; exit 1; }
bash scripts/fetch-kernels.sh >/dev/null || { echo "demo: fetching the kernels failed" >&2; exit 1; }
make -s static ARCH=x86_64 >/dev/null || { echo "demo: building kexec-ng failed" >&2; exit 1; }

. tests/e2e/lib.sh
E2E_QUIET=1
e2e_need_kernels
_e2e_lock
base=$(e2e_base_layer) && e2e_stage2_initrd >/dev/null && e2e_k2_layer trixie >/dev/null ||
  e2e_die "cannot build the guest's initramfs"
_e2e_unlock
run=$(mktemp -d "$E2E_WORK/demo.XXXXXX"); trap 'rm -rf "$run"' EXIT
e2e_kexec_layer ng build/static-x86_64/kexec "$run/kexec.cpio.gz" || e2e_die "cannot pack kexec"
token=$(e2e_random_token)
mkdir -p "$run/tree"
cat >"$run/tree/case.sh" <<CASE
KEXEC=/bin/kexec
APPEND2="$E2E_CONSOLE stage=2 token=$token"
case_main() {
  run_cmd plan \$KEXEC --dry-run $sw -l /k2/vmlinuz --initrd=/k2/initrd.img --append="\$APPEND2"
  t0=\$(cut -d' ' -f1 /proc/uptime)
  run_cmd load \$KEXEC $sw -l /k2/vmlinuz --initrd=/k2/initrd.img --append="\$APPEND2" || return
  t1=\$(cut -d' ' -f1 /proc/uptime)
  echo "E2E: demo load-seconds \$t0 \$t1"
  echo "E2E: demo exec"
  run_cmd exec \$KEXEC -e
}
CASE
_e2e_cpio_gz "$run/tree" "$run/case.cpio.gz"
cat "$base" "$E2E_WORK/k2-trixie.cpio.gz" "$run/kexec.cpio.gz" "$run/case.cpio.gz" >"$run/initrd.img"
log=$E2E_LOGS/demo.log
mkdir -p "$E2E_LOGS"

echo "== booting $(e2e_kernel_version bookworm) under QEMU ($fw), then kexec ($sw) into $(e2e_kernel_version trixie)"
# Host-side clock on the serial log: the guest's clock restarts at the kexec.
: >"$log"
(
  seen_exec= ; t_start=$(date +%s.%N)
  while sleep 0.05; do
    now=$(date +%s.%N)
    if [ -z "$seen_exec" ] && grep -aq "E2E: demo exec" "$log" 2>/dev/null; then
      seen_exec=$now; echo "$now" >"$run/t_exec"
    fi
    if grep -aq "$E2E_SUCCESS" "$log" 2>/dev/null; then echo "$now" >"$run/t_up"; break; fi
    [ -f "$run/done" ] && break
  done
  echo "$t_start" >"$run/t_start"
) &
watcher=$!
e2e_qemu "$fw" "$(e2e_kernel bookworm)" "$run/initrd.img" "$E2E_CONSOLE stage=1" "$log" 150 "$E2E_SUCCESS" 3
touch "$run/done"; wait $watcher

echo
echo "== what the guest printed"
_e2e_lines "$log" | grep -aE "stage1 |out plan: |rc load|demo load|stage2 |cmdline|SUCCESS" | sed 's/^E2E: /  /'
grep -a "kexec-ng purgatory" "$log" | tr -d '\r' | sed 's/^/  serial: /'
echo
if ! grep -aq "$E2E_SUCCESS token=$token" "$log"; then
  echo "== the second kernel did not come up; serial log: $log"
  exit 1
fi
read -r _ _ _ l0 l1 < <(_e2e_lines "$log" | grep -a "demo load-seconds")
marker=$(_e2e_field "$log" stage2 marker)
echo "== result"
echo "  second kernel: $(_e2e_field "$log" stage2 kernel) (token $token on its command line: yes)"
echo "  file only the new initrd holds: $([ "$marker" = "$(cat "$E2E_WORK/stage2-marker.txt")" ] && echo found || echo MISSING)"
echo "  memory: stage 1 $(_e2e_field "$log" stage1 memtotal) kB, stage 2 $(_e2e_field "$log" stage2 memtotal) kB"
awk -v a="$l0" -v b="$l1" 'BEGIN { printf "  kexec -l (guest clock, TCG): %.2f s\n", b - a }'
awk -v a="$(cat "$run/t_exec")" -v b="$(cat "$run/t_up")" \
  'BEGIN { printf "  kexec -e to the new kernel'"'"'s init (host clock): %.1f s\n", b - a }'
awk -v a="$(cat "$run/t_start")" -v b="$(cat "$run/t_up")" \
  'BEGIN { printf "  whole run, QEMU start to second kernel up (host clock): %.1f s\n", b - a }'
echo "  serial log: $log"
