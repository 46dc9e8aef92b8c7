#!/bin/sh
# /init of the kexec-ng end-to-end guests (busybox sh).  One init for both
# stages; the stage comes from `stage=` on /proc/cmdline.
#
#   stage=1 (or none): source /case.sh (written by the host per case) and run
#           its case_main; report every command's output and exit status on
#           the serial console as "E2E: ..." lines; power off.
#   stage=2: the kernel we kexec'ed into.  Report what it was given (kernel
#           release, token= from the command line, the marker file that only
#           the stage-2 initrd holds, MemTotal against stage 1's) and power off.
#   stage=bench: source /bench.sh (scripts/bench.sh).
#
# The host (tests/e2e/lib.sh) reads the serial log and decides PASS/FAIL.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# scripts/bench.sh --arch arm64 puts /bin/archcounter in both stages: a clock
# that kexec does not reset, read as early as init runs.
t_init_ns=
[ -x /bin/archcounter ] && t_init_ns=$(/bin/archcounter)
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null

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

uptime=$(cut -d" " -f1 /proc/uptime)
memtotal=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
# The selected lockdown level: "none", "integrity" or "confidentiality".
lockdown=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/security/lockdown 2>/dev/null)
[ -n "$lockdown" ] || lockdown=unavailable
if [ -d /sys/firmware/efi ]; then fw=efi; else fw=bios; fi
loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null)

finish() {
  echo "E2E: poweroff"
  sync
  poweroff -f
  sleep 5
  echo o >/proc/sysrq-trigger
}

# arm64: KASLR as this kernel reports it (dmesg: "KASLR enabled", "KASLR
# disabled due to lack of seed", "... on command line") and where _stext
# ended up (unrandomized, it is 0xffff8000xxxxxxxx on Debian's 6.1 and 6.12).
kaslr_report() {
  [ "$(uname -m)" = aarch64 ] || return 0
  case "$(dmesg | grep -m1 'KASLR ')" in
    *"KASLR enabled"*) k=enabled ;;
    *"lack of seed"*) k=noseed ;;
    *"command line"*) k=cmdline ;;
    *) k=unknown ;;
  esac
  echo "E2E: kaslr stage=$1 state=$k stext=$(grep -m1 ' _stext$' /proc/kallsyms | cut -d' ' -f1)"
}

# run_cmd LABEL CMD...: run CMD, print its output and exit status.
run_cmd() {
  label=$1; shift
  echo "E2E: cmd $label: $*"
  "$@" >/tmp/out.$label 2>&1
  rc=$?
  sed "s/^/E2E: out $label: /" /tmp/out.$label
  echo "E2E: rc $label=$rc"
  return $rc
}

case "$stage" in
  2)
    if [ -f /stage2-marker ]; then marker=$(cat /stage2-marker); else marker=MISSING; fi
    diff=
    if [ -n "$memtotal1" ]; then
      diff=$((memtotal - memtotal1))
      [ $diff -lt 0 ] && diff=$((-diff))
    fi
    echo "E2E: stage2 kernel=$(uname -r) uptime=$uptime fw=$fw token=$token marker=$marker memtotal=$memtotal memtotal1=$memtotal1 memdiff=$diff"
    echo "E2E: cmdline $(cat /proc/cmdline)"
    [ -n "$t_init_ns" ] && echo "E2E: stage2-counter t_init_ns=$t_init_ns"
    kaslr_report 2
    echo "E2E: KEXEC-NG-STAGE2-SUCCESS token=$token"
    finish
    ;;
  bench)
    echo "E2E: bench kernel=$(uname -r) fw=$fw memtotal=$memtotal"
    . /bench.sh
    finish
    ;;
  *)
    echo "E2E: stage1 kernel=$(uname -r) uptime=$uptime fw=$fw memtotal=$memtotal lockdown=$lockdown kexec_loaded=$loaded"
    kaslr_report 1
    if [ -f /case.sh ]; then
      . /case.sh
      # Stage 2 gets stage 1's MemTotal to compare with its own.
      APPEND2="$APPEND2 memtotal1=$memtotal"
      case_main
    else
      echo "E2E: no /case.sh"
    fi
    echo "E2E: stage1 done"
    finish
    ;;
esac
