#!/bin/bash
# kexec-ng tests on real Debian systems: debootstrap'ed bookworm / trixie
# (scripts/debian-systems.sh) booted by QEMU (TCG) from their own kernel and
# initramfs, systemd as PID 1, results read back from the disk image with
# debugfs after the guest powers off.  See tests/system/lib.sh.
#
# Usage: tests/system/run.sh [options] [SUITE...]    (default: bookworm trixie)
#   --crashkernel SIZE  crashkernel= of the smoke boots (default 384M)
#   --quiet-kernel      "quiet" on the kernel command line
#
# Cases (per suite):
#   smoke-SUITE   boots; kx-scenario.service (tests/system/smoke-scenario.sh)
#                 writes a random token to the kernel log and /root/result.txt
#                 with what kdump-tools did (kdump-config show, the kexec
#                 command it ran), then powers off.  PASS: the token is in the
#                 serial log and in result.txt read back with debugfs, and
#                 kdump-tools loaded the crash kernel.
#
# Each case prints "PASS name (N s)" or "FAIL name (N s): reason"; a host that
# cannot run these prints "SKIP ..."; the last line is "N passed, N failed".
# Exit status 1 when a case failed.  Logs and images: build/system/.  The
# first run builds the systems (minutes, network); later runs use .cache/.
set -uo pipefail

# shellcheck source=tests/system/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CRASHKERNEL=384M
QUIET=
SUITES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --crashkernel) CRASHKERNEL=$2; shift 2 ;;
    --crashkernel=*) CRASHKERNEL=${1#--crashkernel=}; shift ;;
    --quiet-kernel) QUIET=" quiet"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    bookworm|trixie) SUITES+=("$1"); shift ;;
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

for s in "${SUITES[@]}"; do smoke "$s"; done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
