#!/bin/sh
# shellcheck disable=SC3043  # busybox sh has local
# /init of the kdump guests (tests/e2e/kdump.sh; busybox sh).  It reaches the
# guests as an initramfs layer after the shared base layer, so it overrides
# tests/e2e/init.sh there and only there.
#
#   stage 1 (no /proc/vmcore): the first kernel, booted with crashkernel=
#           (or without, for the no-region case).  Report what it reserved,
#           source /case.sh (written by the host per case) and run its
#           case_main: load the capture kernel with -p, write a marker to
#           /dev/kmsg, crash through sysrq.
#   stage 2 (/proc/vmcore exists): the capture kernel.  Report what it was
#           given, then run the dump oracles on /proc/vmcore: Debian's
#           readelf (-h, -l, -n), makedumpfile --dump-dmesg (the marker must
#           be in the first kernel's log), makedumpfile -c -d 31, and the
#           project's vmcore-dmesg when the host put it in this initrd.
#
# Every command's output and exit status goes to the serial console as
# "E2E: ..." lines; the host (kdump.sh) decides PASS/FAIL.
# shellcheck disable=SC1091,SC2013,SC2086,SC2059  # words of /proc/cmdline and /proc/iomem; labels are plain words; hex printf on purpose
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# guest_mounts, guest_cmdline, guest_facts, stage2_marker, finish, run_cmd
# shellcheck source=tests/e2e/guest-lib.sh
. /guest-lib.sh
guest_mounts

guest_cmdline
guest_facts
cpus=$(cat /sys/devices/system/cpu/online 2>/dev/null)

# run_cmd (guest-lib.sh): output lines cut to 400 characters.
RUN_CMD_WIDTH=400

# ram_bytes: the total of the top-level "System RAM" ranges of /proc/iomem.
ram_bytes() {
  t=0
  for r in $(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1-\2/p' /proc/iomem); do
    t=$((t + 0x${r#*-} - 0x${r%-*} + 1))
  done
  echo $t
}

# crash_total: the total of the "Crash kernel" ranges of /proc/iomem (low
# and high; /sys/kernel/kexec_crash_size counts only the main one).
crash_total() {
  t=0
  for r in $(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Crash kernel$/\1-\2/p' /proc/iomem); do
    t=$((t + 0x${r#*-} - 0x${r%-*} + 1))
  done
  echo $t
}

# dmesg_norm: a dmesg text without the caller field, every continuation line
# of a record given its record's "[ time] " prefix in place of the indent as
# wide as the record's whole prefix (makedumpfile's way), and the text's own
# leading blanks dropped on every line (makedumpfile and vmcore-dmesg keep
# them differently on continuation lines: "  \"trace_clock=local\"").
dmesg_norm() {
  awk '{
    if (match($0, /^\[ *[0-9]+\.[0-9]+\] (\[ *[TC][0-9]+\] )?/)) {
      raw = RLENGTH; ts = substr($0, 1, index($0, "] ") + 1)
      text = substr($0, raw + 1)
    } else {
      pad = sprintf("%" raw "s", "")
      if (raw > 0 && substr($0, 1, raw) == pad) text = substr($0, raw + 1); else text = $0
    }
    sub(/^[ \t]+/, "", text)
    print ts text
  }'
}

# vmcoreinfo_text: the VMCOREINFO note's text, from readelf's hex dump of it.
vmcoreinfo_text() {
  hex=$(readelf -W -n /proc/vmcore | sed -n 's/^ *VMCOREINFO .*description data: *//p' | head -n1 | sed 's/ *$//')
  [ -n "$hex" ] && printf "$(echo "$hex" | sed 's/^/\\x/; s/ /\\x/g')"
}

if [ -e /proc/vmcore ]; then
  # --- stage 2: the capture kernel ---------------------------------------
  marker=$(stage2_marker)
  vsize=$(stat -c %s /proc/vmcore 2>/dev/null)
  echo "E2E: kdump2 kernel=$(uname -r) uptime=$uptime fw=$fw token=$token marker=$marker memtotal=$memtotal cpus=$cpus vmcore_size=$vsize"
  echo "E2E: cmdline $(cat /proc/cmdline)"
  # the RAM this kernel took (kdump.sh's kdump-memmap: the memmap= options'
  # in place of the e820 table boot_params gave it)
  sed -n 's/^\([0-9a-f]*-[0-9a-f]*\) : System RAM$/E2E: ram2 \1/p' /proc/iomem
  # kdump.sh's atomic cases: which capture kernel came up is the question,
  # not what the dump holds (the other cases run the tools)
  case " $(cat /proc/cmdline) " in
    *" kdump_oracles=none "*) echo "E2E: KDUMP-STAGE2-DONE token=$token"; finish ;;
  esac
  kmarker=kdump-marker-$token
  run_cmd readelf_h readelf -h /proc/vmcore
  run_cmd readelf_l readelf -W -l /proc/vmcore
  # (readelf 2.40 dumps VMCOREINFO's text as hex bytes: cut the lines)
  RUN_CMD_WIDTH=100
  run_cmd readelf_n readelf -W -n /proc/vmcore
  RUN_CMD_WIDTH=400
  # arm64: the layout facts dump tools need, for the log.  Debian's 6.12
  # arm64 kernels are built for 52-bit VAs with 4K pages (LPA2): VMCOREINFO
  # says NUMBER(VA_BITS)=52, which makedumpfile up to 1.7.6 (bookworm's
  # 1.7.2, trixie's 1.7.6) refuses ("PAGE SIZE 0x1000 and VA Bits 52 not
  # supported"); the host then records the makedumpfile oracle as not run.
  if [ "$(uname -m)" = aarch64 ]; then
    vmcoreinfo_text >/tmp/vmcoreinfo
    grep -E '^(NUMBER\((VA_BITS|TCR_EL1_T1SZ|PHYS_OFFSET|kimage_voffset)\)|KERNELOFFSET)=' /tmp/vmcoreinfo | sed 's/^/E2E: vmcoreinfo /'
  fi
  t0=$(cut -d" " -f1 /proc/uptime)
  run_cmd dmesg makedumpfile --dump-dmesg /proc/vmcore /tmp/dmesg.txt
  echo "E2E: dmesg lines=$(wc -l </tmp/dmesg.txt 2>/dev/null) secs_from=$t0 secs_to=$(cut -d" " -f1 /proc/uptime)"
  grep -F "$kmarker" /tmp/dmesg.txt 2>/dev/null | sed 's/^/E2E: out dmesg-marker: /'
  t0=$(cut -d" " -f1 /proc/uptime)
  run_cmd dump makedumpfile -c -d 31 /proc/vmcore /tmp/dump.kdump
  echo "E2E: dump bytes=$(stat -c %s /tmp/dump.kdump 2>/dev/null) secs_from=$t0 secs_to=$(cut -d" " -f1 /proc/uptime)"
  rm -f /tmp/dump.kdump
  if [ -x /bin/vmcore-dmesg ]; then
    echo "E2E: cmd vdmesg: vmcore-dmesg /proc/vmcore"
    /bin/vmcore-dmesg /proc/vmcore >/tmp/vdmesg.txt 2>/tmp/vdmesg.err
    rc=$?
    sed 's/^/E2E: out vdmesg-stderr: /' /tmp/vdmesg.err
    echo "E2E: rc vdmesg=$rc"
    echo "E2E: vdmesg lines=$(wc -l </tmp/vdmesg.txt)"
    grep -F "$kmarker" /tmp/vdmesg.txt | sed 's/^/E2E: out vdmesg-marker: /'
    if cmp -s /tmp/dmesg.txt /tmp/vdmesg.txt; then
      echo "E2E: vdmesg same=yes"
    else
      # Presentation differences that are not the log's content:
      # makedumpfile 1.7.6 prints the caller ("[     T0] ") whenever the
      # kernel's printk_info has the field, even without CONFIG_PRINTK_CALLER,
      # and indents the continuation lines of a multi-line record where
      # others repeat the prefix (or print none).
      dmesg_norm </tmp/dmesg.txt >/tmp/dmesg.norm
      dmesg_norm </tmp/vdmesg.txt >/tmp/vdmesg.norm
      if cmp -s /tmp/dmesg.norm /tmp/vdmesg.norm; then
        echo "E2E: vdmesg same=normalized"
        diff /tmp/dmesg.txt /tmp/vdmesg.txt | head -n 6 | sed 's/^/E2E: out vdmesg-rawdiff: /'
      else
        echo "E2E: vdmesg same=no"
        diff /tmp/dmesg.norm /tmp/vdmesg.norm | head -n 8 | sed 's/^/E2E: out vdmesg-diff: /'
      fi
    fi
  else
    echo "E2E: vdmesg absent"
  fi
  # vmcore-save (zlib, as kdump-tools asks; bookworm's makedumpfile has
  # no zstd): the dump it writes must read back through Debian's
  # makedumpfile (the same log as makedumpfile's own on /proc/vmcore), and
  # its flattened stream (-F) rearranged by makedumpfile -R must be the same
  # file.
  if [ -x /bin/vmcore-save ] && grep -q ' kxsave=1' /proc/cmdline; then
    t0=$(cut -d" " -f1 /proc/uptime)
    run_cmd save /bin/vmcore-save -c -d 1 --message-level 31 /proc/vmcore /tmp/save.kdump
    echo "E2E: save bytes=$(stat -c %s /tmp/save.kdump 2>/dev/null) secs_from=$t0 secs_to=$(cut -d" " -f1 /proc/uptime)"
    if [ -s /tmp/dmesg.txt ]; then
      run_cmd savedmesg makedumpfile --dump-dmesg /tmp/save.kdump /tmp/save-dmesg.txt
      if cmp -s /tmp/dmesg.txt /tmp/save-dmesg.txt; then echo "E2E: savedmesg same=yes"
      else echo "E2E: savedmesg same=no"; diff /tmp/dmesg.txt /tmp/save-dmesg.txt | head -n 6 | sed 's/^/E2E: out savedmesg-diff: /'; fi
    fi
    # (one dump at a time in the capture kernel's RAM: the first one's
    # checksum kept, the file removed)
    sum=$(sha256sum </tmp/save.kdump | cut -d" " -f1)
    rm -f /tmp/save.kdump
    /bin/vmcore-save -c -d 1 -F /proc/vmcore 2>/tmp/flat.err | makedumpfile -R /tmp/flat.kdump >/tmp/flat.out 2>&1
    echo "E2E: saveflat rc=$? bytes=$(stat -c %s /tmp/flat.kdump 2>/dev/null)"
    sed 's/^/E2E: out saveflat: /' /tmp/flat.err /tmp/flat.out | head -n 4
    if [ "$(sha256sum </tmp/flat.kdump | cut -d" " -f1)" = "$sum" ]; then echo "E2E: saveflat same=yes"; else echo "E2E: saveflat same=no"; fi
    rm -f /tmp/flat.kdump
    # -d 31 (the mem_map read through the page tables): the pages left
    # out, class by class, as makedumpfile counts them on the same
    # /proc/vmcore; both written with LZO (deterministic), so with the same
    # bitmaps and pages the files are the same from the first bitmap on
    # (headers differ: time, flags).
    # (one dump at a time in the capture kernel's RAM: of each, the sub
    # header size, a digest of everything after the headers and its
    # first 256 KiB, the bitmaps, to show where they differ)
    run_cmd save31 /bin/vmcore-save -l -d 31 --message-level 22 /proc/vmcore /tmp/save31.kdump
    tail31() {
      local s; s=$(od -An -t u4 -j 432 -N 4 "/tmp/$1.kdump" | tr -d ' ')
      echo "${s:-none} $(tail -c +$(( (${s:-0} + 1) * 4096 + 1 )) "/tmp/$1.kdump" | sha256sum | cut -d' ' -f1)" >"/tmp/$1.sum"
      tail -c +$(( (${s:-0} + 1) * 4096 + 1 )) "/tmp/$1.kdump" | head -c 262144 >"/tmp/$1.head"
      # vmcore-dmesg reads the dump file: the log it reads of /proc/vmcore
      if [ ! -s "/tmp/$1.kdump" ]; then d=none
      elif /bin/vmcore-dmesg "/tmp/$1.kdump" >"/tmp/$1.dmesg" 2>"/tmp/$1.dmesg.err" &&
           cmp -s "/tmp/$1.dmesg" /tmp/vdmesg.txt; then d=yes
      else d=no; head -n 2 "/tmp/$1.dmesg.err" | sed "s/^/E2E: out dmesg31-$1: /"; fi
      echo "E2E: dmesg31 $1=$d"
      rm -f "/tmp/$1.kdump" "/tmp/$1.dmesg"
    }
    tail31 save31
    # (kxmdfdry=1, trixie's 6.12: makedumpfile's report without the file,
    # which its 1.7.6 would fill with 6.12's free pages, see kdump.sh)
    dry=; grep -q ' kxmdfdry=1' /proc/cmdline && dry=--dry-run
    run_cmd dump31 makedumpfile $dry -l -d 31 --message-level 22 /proc/vmcore /tmp/dump31.kdump
    tail31 dump31
    for f in save31 dump31; do
      echo "E2E: classes $f=$(grep -E '^ +(Pages filled|Non-private|Private cache|User process|Free pages|Hwpoison|Offline)' /tmp/out.$f |
        sed 's/.*: 0x0*\([0-9a-f]\)/\1/' | tr '\n' ',')"
    done
    if cmp -s /tmp/save31.sum /tmp/dump31.sum; then
      echo "E2E: save31 same=yes"
    else
      # (cmp -l: byte number from the first bitmap on, octal values)
      echo "E2E: save31 same=no sums=$(tr ' ' : </tmp/save31.sum)/$(tr ' ' : </tmp/dump31.sum)"
      cmp -l /tmp/save31.head /tmp/dump31.head 2>&1 | head -n 12 | sed 's/^/E2E: out save31-cmp: /'
    fi
    rm -f /tmp/save31.* /tmp/dump31.*
  fi
  # kxstream=1: a -c -d 31 dump as a flattened stream (vmcore-save -F, as
  # over ssh) out of the second serial port, for crash on the host
  # (kdump.sh, kd_crash_check); its digest on the console.
  if [ -x /bin/vmcore-save ] && grep -q ' kxstream=1' /proc/cmdline; then
    stty -F /dev/ttyS1 raw -echo 2>/tmp/stty.err || sed 's/^/E2E: out stream-stty: /' /tmp/stty.err
    t0=$(cut -d" " -f1 /proc/uptime)
    sum=$({ /bin/vmcore-save -c -d 31 -F /proc/vmcore 2>/tmp/stream.err; echo $? >/tmp/stream.rc; } |
      tee /dev/ttyS1 | sha256sum | cut -d" " -f1)
    echo "E2E: stream rc=$(cat /tmp/stream.rc) sha256=$sum secs_from=$t0 secs_to=$(cut -d" " -f1 /proc/uptime)"
    sed 's/^/E2E: out stream: /' /tmp/stream.err | head -n 3
  fi
  echo "E2E: KDUMP-STAGE2-DONE token=$token"
  finish
fi

if [ "$stage" = 2 ]; then
  echo "E2E: kdump2-novmcore kernel=$(uname -r) token=$token: stage=2 on the command line but no /proc/vmcore"
  finish
fi

# --- stage 1 -----------------------------------------------------------------
echo "E2E: stage1 kernel=$(uname -r) uptime=$uptime fw=$fw memtotal=$memtotal cpus=$cpus crash_size=$(cat /sys/kernel/kexec_crash_size 2>/dev/null) crash_loaded=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null) crash_total=$(crash_total) ram_bytes=$(ram_bytes)"
grep -i "crash kernel" /proc/iomem | sed 's/^ */E2E: iomem /'
crashloaded() { echo "E2E: sys $1=$(cat /sys/kernel/kexec_crash_loaded)"; }
if [ -f /case.sh ]; then
  . /case.sh
  case_main
else
  echo "E2E: no /case.sh"
fi
echo "E2E: stage1 done"
finish
