# shellcheck shell=sh
# shellcheck disable=SC2034,SC2013,SC2086  # variables read by the /init scripts; words of /proc/cmdline; labels are plain words
# What the guests' /init scripts share (busybox sh): sourced as /guest-lib.sh
# by tests/e2e/init.sh and tests/e2e/kdump-init.sh.  lib.sh packs it into the
# base layer beside init.sh, kdump.sh into the kdump-init layer beside
# kdump-init.sh.

# guest_mounts: /proc, /sys, /dev (the console then becomes stdin, stdout and
# stderr) and /tmp.
guest_mounts() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev 2>/dev/null
  [ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
  mount -t tmpfs tmpfs /tmp 2>/dev/null
}

# guest_cmdline: stage (default 1), token and memtotal1 from /proc/cmdline.
guest_cmdline() {
  stage=1
  token=
  memtotal1=
  for w in $(cat /proc/cmdline); do
    case "$w" in
      stage=*) stage=${w#stage=} ;;
      token=*) token=${w#token=} ;;
      memtotal1=*) memtotal1=${w#memtotal1=} ;;
    esac
  done
}

# guest_facts: uptime (s), memtotal (kB) and fw ("efi" when
# /sys/firmware/efi exists, else "bios").
guest_facts() {
  uptime=$(cut -d" " -f1 /proc/uptime)
  memtotal=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  if [ -d /sys/firmware/efi ]; then fw=efi; else fw=bios; fi
}

# stage2_marker: the content of /stage2-marker (only the stage-2 initrd has
# it), or MISSING.
stage2_marker() {
  if [ -f /stage2-marker ]; then cat /stage2-marker; else echo MISSING; fi
}

finish() {
  echo "E2E: poweroff"
  sync
  poweroff -f
  sleep 5
  echo o >/proc/sysrq-trigger
}

# run_cmd LABEL CMD...: run CMD, print its output and exit status.  With
# RUN_CMD_WIDTH set, each output line is cut to that many characters.
run_cmd() {
  label=$1; shift
  echo "E2E: cmd $label: $*"
  "$@" >/tmp/out.$label 2>&1
  rc=$?
  if [ -n "${RUN_CMD_WIDTH:-}" ]; then
    cut -c1-$RUN_CMD_WIDTH /tmp/out.$label | sed "s/^/E2E: out $label: /"
  else
    sed "s/^/E2E: out $label: /" /tmp/out.$label
  fi
  echo "E2E: rc $label=$rc"
  return $rc
}
