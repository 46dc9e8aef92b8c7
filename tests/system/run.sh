#!/bin/bash
# kexec-ng tests on real Debian systems: debootstrap'ed bookworm / trixie
# (scripts/debian-systems.sh) booted by QEMU (TCG) from their own kernel and
# initramfs, systemd as PID 1, results read from the serial console and,
# after the guest powers off, from the disk image with debugfs.  See
# tests/system/lib.sh (images, boots) and tests/system/cases.sh (the
# scenarios and their verdicts).
#
# Usage: tests/system/run.sh [options] [SUITE...]    (default: bookworm trixie)
#   SUITE: bookworm | trixie (amd64) | trixie-arm64 (built through qemu-user,
#   booted in qemu-system-aarch64 -M virt; not in the default set)
#   --deb-bookworm F    kexec-ng's .deb for bookworm (default
#                       build/deb/kexec-ng_*_amd64.deb: `make deb`, /sbin)
#   --deb-trixie F      ... for trixie (default build/deb-trixie/...: built
#                       with KX_SBINDIR=/usr/sbin, where trixie has kexec)
#   --deb-trixie-arm64 F  ... for trixie-arm64 (default
#                       build/deb-trixie-arm64/kexec-ng_*_arm64.deb: cross-built,
#                       KX_DEB_HOST_ARCH=arm64 scripts/build-deb.sh)
#   --only ng|tools     kexec-ng's scenarios only, or the kexec-tools control
#   --jobs N            cases at once (default 2: one TCG QEMU per core)
#   --crashkernel SIZE  crashkernel= of every boot (default 256M)
#   --smoke             the smoke case only (boot, kdump-tools armed with
#                       Debian's kexec-tools, power-off)
#
# Cases, per suite, each one QEMU chain (tests/system/cases.sh):
#   SUITE-kexec-ng      apt install ./kexec-ng_*.deb over kexec-tools, then
#                       systemctl kexec, LOAD_KEXEC=true + systemctl reboot,
#                       kdump through kdump-tools, kexec-tools back
#   SUITE-kexec-tools   the same steps with Debian's kexec-tools (control)
#
# Each verdict prints "PASS name (N s)[: what was seen]" or "FAIL name (N s):
# reason"; a host that cannot run these prints "SKIP ..."; the last line is
# "N passed, N failed".  Exit status 1 when a verdict failed.  Logs, images
# and saved dumps: build/system/<case>/.  The first run builds the systems
# (minutes, network); later runs use .cache/systems/.
set -uo pipefail

# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/system/cases.sh
. "$SYS_DIR/cases.sh"

# 256M: kdump-tools' capture kernel and initrd with room to spare (128M is
# enough to load on both suites; trixie's kdump-config suggests 150M).
CRASHKERNEL=256M
QUIET=
SMOKE=0
JOBS=2
ONLY=
DEB_bookworm='' DEB_trixie='' DEB_trixie_arm64=''
SUITES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --crashkernel) CRASHKERNEL=$2; shift 2 ;;
    --crashkernel=*) CRASHKERNEL=${1#--crashkernel=}; shift ;;
    --quiet-kernel) QUIET=" quiet"; shift ;;
    --smoke) SMOKE=1; shift ;;
    --jobs) JOBS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --deb-bookworm) DEB_bookworm=$2; shift 2 ;;
    --deb-trixie) DEB_trixie=$2; shift 2 ;;
    --deb-trixie-arm64) DEB_trixie_arm64=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    bookworm|trixie|trixie-arm64) SUITES+=("$1"); shift ;;
    *) echo "run.sh: unknown option or suite $1" >&2; exit 2 ;;
  esac
done
[ ${#SUITES[@]} -gt 0 ] || SUITES=(bookworm trixie)

reason=$(sys_skip_reason)
if [ -n "$reason" ]; then
  echo "SKIP tests/system: $reason"
  echo "0 passed, 0 failed"
  exit 0
fi
# A system this host cannot build or boot (arm64: qemu-user, binfmt_misc)
# is skipped alone.
runnable=()
for s in "${SUITES[@]}"; do
  reason=$(sys_skip_reason "$s")
  if [ -n "$reason" ]; then echo "SKIP tests/system $s: $reason"; else runnable+=("$s"); fi
done
[ ${#runnable[@]} -gt 0 ] || { echo "0 passed, 0 failed"; exit 0; }
SUITES=("${runnable[@]}")

WORK=$SYS_ROOT/build/system
mkdir -p "$WORK"
passed=0 failed=0

# A oneshot unit after everything else of the boot (multi-user.target and
# kdump-tools.service, which loads the crash kernel), its output on the
# serial console as well as in the journal.
write_unit() {
  cat >"$1" <<'EOF'
[Unit]
Description=kexec-ng system test scenario
After=multi-user.target kdump-tools.service kexec-load.service

[Service]
Type=oneshot
ExecStart=/bin/sh /root/scenario.sh
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF
}

# wait_marker LOG TOKEN PID: seconds from now until TOKEN shows in LOG (the
# QEMU with PID running), or "-" when QEMU ended first.
wait_marker() {
  local log=$1 tok=$2 pid=$3 t0
  t0=$(_sys_now)
  while kill -0 "$pid" 2>/dev/null; do
    if grep -q "KX-SMOKE-MARKER $tok" "$log" 2>/dev/null; then
      _sys_dt "$t0" "$(_sys_now)"; return
    fi
    sleep 0.5
  done
  echo -
}

smoke() {
  local suite=$1 name=smoke-$1 t0 dir tok img log rc tmark tend why=
  t0=$(_sys_now)
  dir=$WORK/$name
  rm -rf "$dir"; mkdir -p "$dir/ov/units/multi-user.target.wants"
  tok=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  echo "$tok" >"$dir/ov/token"
  cp "$SYS_DIR/smoke-scenario.sh" "$dir/ov/scenario.sh"
  write_unit "$dir/ov/units/kx-scenario.service"
  ln -s ../kx-scenario.service "$dir/ov/units/multi-user.target.wants/kx-scenario.service"
  img=$dir/disk.img log=$dir/serial.log
  local ti
  ti=$(_sys_now)
  sys_image "$suite" "$img" "$dir/ov/token:/root/token" "$dir/ov/scenario.sh:/root/scenario.sh" \
    "$dir/ov/units:/etc/systemd/system" || {
    echo "FAIL $name ($(_sys_dt "$t0" "$(_sys_now)") s): sys_image failed (building the $suite system?)"; failed=$((failed + 1)); return; }
  local timg
  timg=$(_sys_dt "$ti" "$(_sys_now)")
  local tb
  tb=$(_sys_now)
  sys_boot "$img" "$log" --append "crashkernel=$CRASHKERNEL$QUIET" &
  local qpid=$!
  tmark=$(wait_marker "$log" "$tok" "$qpid")
  wait "$qpid"; rc=$?
  tend=$(_sys_dt "$tb" "$(_sys_now)")
  if [ $rc = 124 ]; then why="QEMU timed out (${SYS_TIMEOUT}s)"
  elif [ $rc != 0 ]; then why="QEMU exited $rc"
  elif ! grep -q "KX-SMOKE-MARKER $tok" "$log"; then why="no marker in the serial log"
  elif ! sys_get "$img" /root/result.txt "$dir/result.txt"; then why="no /root/result.txt in the image"
  elif ! grep -qx "KX-SMOKE-MARKER $tok" "$dir/result.txt"; then why="result.txt has no token"
  elif ! grep -qx 1 <(sed -n '/^== \/sys\/kernel\/kexec_crash_loaded/{n;p}' "$dir/result.txt"); then
    why="kdump-tools did not load the crash kernel (crashkernel=$CRASHKERNEL; see $dir/result.txt)"
  fi
  local times="image ${timg}s, boot to marker ${tmark}s, QEMU ${tend}s"
  if [ -z "$why" ]; then
    echo "PASS $name ($(_sys_dt "$t0" "$(_sys_now)") s; $times)"
    passed=$((passed + 1))
  else
    echo "FAIL $name ($(_sys_dt "$t0" "$(_sys_now)") s; $times): $why (log: $log)"
    failed=$((failed + 1))
  fi
}

if [ $SMOKE = 1 ]; then
  for s in "${SUITES[@]}"; do smoke "$s"; done
  echo "$passed passed, $failed failed"
  [ $failed = 0 ]
  exit
fi

# The packages.  A missing one is a failure of every case that needs it.
[ -n "$DEB_bookworm" ] || DEB_bookworm=$(ls "$SYS_ROOT"/build/deb/kexec-ng_*_amd64.deb 2>/dev/null | head -n 1)
[ -n "$DEB_trixie" ] || DEB_trixie=$(ls "$SYS_ROOT"/build/deb-trixie/kexec-ng_*_amd64.deb 2>/dev/null | head -n 1)
[ -n "$DEB_trixie_arm64" ] || DEB_trixie_arm64=$(ls "$SYS_ROOT"/build/deb-trixie-arm64/kexec-ng_*_arm64.deb 2>/dev/null | head -n 1)

# The systems first, one at a time (they share the mirror and the disk).
for s in "${SUITES[@]}"; do
  t0=$(_sys_now)
  if ! sys_prepare "$s"; then
    echo "FAIL system-$s ($(_sys_dt "$t0" "$(_sys_now)") s): building the $s system failed"
    failed=$((failed + 1))
  fi
done

# One case: its verdict lines into OUT (run in the background, JOBS at once).
run_case() {
  local suite=$1 v=$2 out=$3 deb=DEB_${1//-/_} ktdeb sysname
  passed=0 failed=0
  sysname=$(sys_system "$suite")
  ktdeb=$(ls "$SYS_CACHE/$sysname/debs/"kexec-tools_*.deb 2>/dev/null | head -n 1)
  if [ "$v" = ng ] && { [ ! -f "${!deb}" ] || [ ! -f "$ktdeb" ]; }; then
    echo "FAIL $suite-kexec-ng (0 s): no kexec-ng .deb for $suite ('${!deb}': make deb) or no kexec-tools .deb in $SYS_CACHE/$sysname/debs" >"$out"
    return
  fi
  sys_case "$suite" "$v" "$CRASHKERNEL$QUIET" "${!deb}" "$ktdeb" >"$out" 2>"$out.err"
}

cases=()
for s in "${SUITES[@]}"; do
  [ -f "$SYS_CACHE/$(sys_system "$s")/stamp" ] || continue
  for v in ng tools; do
    [ -z "$ONLY" ] || [ "$ONLY" = "$v" ] || continue
    cases+=("$s:$v")
  done
done
T0=$(_sys_now)
for c in "${cases[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  run_case "${c%%:*}" "${c#*:}" "$WORK/verdicts-${c%%:*}-${c#*:}.txt" &
done
wait
for c in "${cases[@]}"; do
  f=$WORK/verdicts-${c%%:*}-${c#*:}.txt
  if [ -s "$f" ]; then cat "$f"; else echo "FAIL ${c%%:*}-${c#*:} (0 s): no verdicts (stderr: $f.err)"; fi
done | tee "$WORK/verdicts.txt"
passed=$((passed + $(grep -c '^PASS ' "$WORK/verdicts.txt")))
failed=$((failed + $(grep -c '^FAIL ' "$WORK/verdicts.txt")))
echo "tests/system: ${#cases[@]} cases in $(_sys_dt "$T0" "$(_sys_now)") s ($JOBS at once)"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
