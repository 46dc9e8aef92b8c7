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
# scripts/bench.sh puts /bin/archcounter in both stages: a clock that kexec
# does not reset, read as early as init runs (arm64: ns; x86_64, riscv64: ticks).
t_init_ns=
[ -x /bin/archcounter ] && t_init_ns=$(/bin/archcounter)
# guest_mounts, guest_cmdline, guest_facts, stage2_marker, finish, run_cmd
# shellcheck source=tests/e2e/guest-lib.sh
. /guest-lib.sh
guest_mounts
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null

guest_cmdline
guest_facts
# The selected lockdown level: "none", "integrity" or "confidentiality".
lockdown=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/security/lockdown 2>/dev/null)
[ -n "$lockdown" ] || lockdown=unavailable
loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null)

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

case "$stage" in
  2)
    marker=$(stage2_marker)
    diff=
    if [ -n "$memtotal1" ]; then
      diff=$((memtotal - memtotal1))
      [ $diff -lt 0 ] && diff=$((-diff))
    fi
    # a device-tree property a case put in the tree it handed on (a UKI's .dtb)
    dtmarker=$(tr -d '\000' </proc/device-tree/kexec-ng-marker 2>/dev/null)
    # an early microcode cpio a case put before the initrd (a UKI's .ucode)
    ucode=$(cat /kernel/x86/microcode/GenuineIntel.bin 2>/dev/null)
    # stage 1's initrd (it holds the kernel it loaded) handed on again: --reuseinitrd
    k2=no; [ -e /k2/vmlinuz ] && k2=yes
    echo "E2E: stage2 kernel=$(uname -r) uptime=$uptime fw=$fw token=$token marker=$marker memtotal=$memtotal memtotal1=$memtotal1 memdiff=$diff dtmarker=$dtmarker ucode=$ucode k2=$k2"
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
