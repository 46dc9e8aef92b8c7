#!/bin/sh
# Guest side of tests/system/run.sh's smoke case, run by kx-scenario.service
# once multi-user.target is reached.  Writes a marker with the host's token
# (/root/token) to the kernel log (so it shows on the serial console) and,
# with what kdump-tools did at boot, to /root/result.txt, which the host reads
# back with debugfs after the power-off.  POSIX sh: dash runs it.
set -u
tok=$(cat /root/token)
out=/root/result.txt
{
  echo "KX-SMOKE-MARKER $tok"
  echo "uptime: $(cut -d' ' -f1 /proc/uptime)"
  echo "kernel: $(uname -r)"
  echo "cmdline: $(cat /proc/cmdline)"
  echo "== systemctl is-active kdump-tools"
  systemctl is-active kdump-tools 2>&1
  echo "== systemctl is-active kexec-load"
  systemctl is-active kexec-load 2>&1
  echo "== /sys/kernel/kexec_crash_loaded"
  cat /sys/kernel/kexec_crash_loaded 2>&1
  echo "== /sys/kernel/kexec_crash_size"
  cat /sys/kernel/kexec_crash_size 2>&1
  echo "== Crash kernel in /proc/iomem"
  grep -i 'crash kernel' /proc/iomem 2>&1
  echo "== kdump-config show"
  kdump-config show 2>&1
  echo "== /var/crash/kexec_cmd"
  cat /var/crash/kexec_cmd 2>&1
  echo "== journal: kdump-tools.service"
  journalctl -b --no-pager -o cat -u kdump-tools.service 2>&1
  echo "== journal: kdump-config's logger lines"
  # (NAME, logger's tag, is kdump-tools when the init script runs it)
  journalctl -b --no-pager -o cat -t kdump-tools -t kdump-config 2>&1
  echo "== ls -l /var/lib/kdump"
  ls -l /var/lib/kdump 2>&1
  echo "== systemctl --failed"
  systemctl --failed --no-legend --plain 2>&1
  # (No systemd-analyze: the boot is not finished while this unit runs.)
} >"$out" 2>&1
sync
# <3>: an error-level line, shown on the console even with "quiet".
echo "<3>KX-SMOKE-MARKER $tok" >/dev/kmsg
systemctl poweroff
