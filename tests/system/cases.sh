# shellcheck shell=bash
# The scenarios of tests/system/run.sh on one Debian system, with kexec-ng
# (its .deb installed in the guest over kexec-tools) or with Debian's own
# kexec-tools (the control: the same steps, so that a failure shows whether
# the harness or kexec-ng is at fault).  The guest side is
# tests/system/guest-scenario.sh, which says what each boot does.
#
# One QEMU run holds a whole chain: boot 1 (install, kexec -l, systemctl
# kexec) -> boot 2 through kexec (LOAD_KEXEC=true, systemctl reboot) ->
# boot 3 through kexec (kdump-tools armed, marker, sysrq c) -> capture
# kernel (kdump-tools saves the dump, reboots: QEMU ends, -no-reboot).  When
# a reboot goes through the firmware instead, QEMU ends early and the host
# boots stage 3 itself (kxstage=3 kxtoken=cold), so the kdump scenario still
# runs.  kexec-ng then gets one more boot (stage 4): kexec-tools' .deb back.
#
# Verdicts (each a PASS/FAIL line, counted by run.sh):
#   install-SUITE                  [ng] apt install ./kexec-ng_*.deb replaces
#                                  kexec-tools, kdump-tools stays installed
#   systemctl-kexec-SUITE-V        boot 2 has T1 on its command line, and the
#                                  serial console shows systemd's shutdown
#                                  through kexec (systemd-shutdown, then the
#                                  kernel's "Starting new kernel")
#   load-kexec-reboot-SUITE-V      [ng] boot 3 has T2: LOAD_KEXEC=true and
#                                  systemctl reboot went through kexec, with
#                                  the same shutdown lines.  [tools] what
#                                  kexec-tools does there, checked as expected
#                                  (see expect_load_kexec)
#   kdump-SUITE-V                  kdump-tools armed the crash kernel at boot
#                                  through `kexec` (its command line is
#                                  printed); after sysrq c the disk holds
#                                  /var/crash/<date>/dmesg.<date> with the
#                                  marker and dump.<date> with a valid
#                                  kdump-compressed (or ELF) header of the
#                                  kernel that crashed; the installed
#                                  vmcore-dmesg, run on /proc/vmcore in the
#                                  capture kernel, shows the marker too
#   restore-SUITE                  [ng] apt install ./kexec-tools_*.deb gives
#                                  Debian's kexec back; kdump-tools arms with it

# What kexec-tools does with LOAD_KEXEC=true and `systemctl reboot` (the
# control's expectation, read off its packages): Debian 12's loads the kernel
# from its init script's stop at shutdown (kexec-load, through systemd's SysV
# generator) but nothing then runs kexec -e (its kexec.service is masked), so
# the reboot goes through the firmware; Debian 13's has no LOAD_KEXEC at all
# (only kexec-load-kernel, by hand).  Both: a firmware reboot.
expect_load_kexec_tools=firmware

_sys_tok() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# _sys_between LOG FROM TO: the lines of LOG after the first line matching
# FROM up to the first matching TO.
_sys_between() {
  awk -v a="$2" -v b="$3" 'on && index($0, b) { exit } on { print } index($0, a) { on = 1 }' "$1"
}

# _sys_kexec_shutdown LOG FROM TO: empty when the lines between FROM and TO
# show systemd's shutdown through kexec; else what is missing.
_sys_kexec_shutdown() {
  local part
  part=$(_sys_between "$1" "$2" "$3" | tr -d '\r')
  grep -q 'systemd-shutdown\[1\]: .*[Ss]yncing' <<<"$part" || { echo "no 'systemd-shutdown: Syncing filesystems' line"; return; }
  grep -q 'systemd-shutdown\[1\]: Rebooting with kexec' <<<"$part" || { echo "no 'systemd-shutdown: Rebooting with kexec' line"; return; }
  grep -q 'kexec_core: Starting new kernel' <<<"$part" || { echo "no 'kexec_core: Starting new kernel' line"; return; }
}

# sys_verdict NAME SECONDS WHY [DETAIL]: one PASS/FAIL line.
sys_verdict() {
  if [ -z "$3" ]; then
    echo "PASS $1 ($2 s)${4:+: $4}"; passed=$((passed + 1))
  else
    echo "FAIL $1 ($2 s): $3"; failed=$((failed + 1))
  fi
}

# sys_case SUITE ng|tools CRASHKERNEL DEB KTDEB: the scenarios above.  DEB is
# the kexec-ng package for SUITE, KTDEB Debian's kexec-tools .deb of SUITE.
sys_case() {
  local suite=$1 v=$2 ck=$3 deb=$4 ktdeb=$5
  local label name dir img log t0 t1 t2 t3 why detail rc
  case $v in ng) label=kexec-ng ;; *) label=kexec-tools ;; esac
  name=$suite-$label dir=$WORK/$name
  t0=$(_sys_now)
  rm -rf "$dir"; mkdir -p "$dir/ov/kx" "$dir/ov/debs" "$dir/ov/units/multi-user.target.wants"
  t1=$(_sys_tok) t2=$(_sys_tok) t3=$(_sys_tok)
  printf 'VARIANT=%s\nT1=%s\nT2=%s\nT3=%s\n' "$v" "$t1" "$t2" "$t3" >"$dir/ov/kx/config"
  cp "$SYS_DIR/guest-scenario.sh" "$dir/ov/kx/"
  # The .debs outside /root (mode 700): apt reads a local .deb as its
  # sandbox user _apt when the archive has the same version.
  # (the guest looks for kexec-ng_*.deb: a --deb-SUITE of another name gets the prefix)
  if [ "$v" = ng ]; then
    case $(basename "$deb") in
      kexec-ng_*) cp "$deb" "$dir/ov/debs/" ;;
      *) cp "$deb" "$dir/ov/debs/kexec-ng_$(basename "$deb")" ;;
    esac
    cp "$ktdeb" "$dir/ov/debs/"; chmod 644 "$dir"/ov/debs/*
  fi
  cat >"$dir/ov/units/kx-scenario.service" <<'EOF'
[Unit]
Description=kexec-ng system test scenario
# After the crash kernel is armed (or failed to be) and the boot is done.
After=multi-user.target kdump-tools.service kexec-load.service kexec-ng-load.service

[Service]
Type=oneshot
ExecStart=/bin/sh /root/kx/guest-scenario.sh
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF
  ln -s ../kx-scenario.service "$dir/ov/units/multi-user.target.wants/kx-scenario.service"
  # In the capture kernel, before kdump-tools saves the dump: the installed
  # vmcore-dmesg (kexec-ng's, or kexec-tools' in the control) on the real
  # /proc/vmcore, into a file the host reads back.
  mkdir -p "$dir/ov/units/kdump-tools-dump.service.d"
  cat >"$dir/ov/units/kdump-tools-dump.service.d/kx-vmcore-dmesg.conf" <<'EOF'
[Service]
ExecStartPre=-/bin/sh -c 'mkdir -p /var/crash && { vmcore-dmesg /proc/vmcore; echo "vmcore-dmesg exit $?"; } >/var/crash/kx-vmcore-dmesg.txt 2>&1; sync'
EOF
  img=$dir/disk.img
  if ! sys_image "$suite" "$img" "$dir/ov/kx:/root/kx" "$dir/ov/debs:/srv/kx-debs" \
      "$dir/ov/units:/etc/systemd/system"; then
    sys_verdict "image-$name" "$(_sys_dt "$t0" "$(_sys_now)")" "sys_image failed"
    return
  fi

  # Run 1: the chain.
  log=$dir/serial-1.log
  sys_boot "$img" "$log" --append "crashkernel=$ck" --timeout 1200; rc=$?
  echo "sys: $name run 1: QEMU status $rc after $(_sys_dt "$t0" "$(_sys_now)") s" >&2
  local logs=("$log")
  # A firmware reboot (or a failure) before stage 3: boot stage 3 by hand.
  if ! grep -aq 'KX: stage 3 up' "$log"; then
    log=$dir/serial-2.log
    sys_boot "$img" "$log" --append "crashkernel=$ck kxstage=3 kxtoken=cold" --timeout 900; rc=$?
    echo "sys: $name run 2 (stage 3 booted by the host): QEMU status $rc" >&2
    logs+=("$log")
  fi
  local all=$dir/serial.log
  cat "${logs[@]}" >"$all"
  local tnow
  tnow=$(_sys_dt "$t0" "$(_sys_now)")

  if [ "$v" = ng ]; then
    why=
    grep -aq 'KX: RESULT install ok' "$all" || why="$(grep -a 'KX: after install' "$all" | head -n 1 | sed 's/.*KX: //') (log: $all)"
    sys_verdict "install-$suite" "$tnow" "${why:-}" "kexec-tools removed, kdump-tools kept, $(grep -a 'KX: kexec: ' "$all" | sed -n 2p | sed 's/.*KX: kexec: //')"
  fi

  why=
  if ! grep -aq 'KX: RESULT systemctl-kexec ok' "$all"; then
    why="boot 2 never came up through kexec with T1 ($(grep -a 'KX: RESULT \(kexec-l\|systemctl\)' "$all" | sed 's/.*RESULT //' | tr '\n' ';') log: $all)"
  else
    why=$(_sys_kexec_shutdown "$all" 'KX: systemctl kexec' 'KX: stage 2 up')
  fi
  sys_verdict "systemctl-kexec-$suite-$label" "$tnow" "$why" "T1 on boot 2's command line; systemd-shutdown synced, unmounted, 'Rebooting with kexec'"

  why='' detail=''
  if grep -aq 'KX: RESULT load-kexec-reboot ok' "$all"; then
    why=$(_sys_kexec_shutdown "$all" 'KX: LOAD_KEXEC=true' 'KX: stage 3 up')
    detail="T2 on boot 3's command line: the reboot went through kexec"
    if [ "$v" = tools ] && [ -z "$why" ]; then
      why="control: expected a $expect_load_kexec_tools reboot from kexec-tools, it went through kexec (update expect_load_kexec_tools)"
    fi
  elif grep -aq 'KX: stage 3 up.*token cold' "$all"; then
    detail="reboot went through the firmware"
    [ "$v" = tools ] || why="LOAD_KEXEC=true + systemctl reboot went through the firmware (log: $all)"
    [ "$v" = tools ] && detail="as expected of kexec-tools: the reboot went through the firmware"
  else
    why="stage 3 never came up (log: $all)"
  fi
  sys_verdict "load-kexec-reboot-$suite-$label" "$tnow" "$why" "$detail"

  sys_check_dump "$suite" "$label" "$img" "$dir" "$all" "$t3" "$tnow"

  if [ "$v" = ng ]; then
    log=$dir/serial-4.log
    sys_boot "$img" "$log" --append "crashkernel=$ck kxstage=4" --timeout 900; rc=$?
    why=
    grep -aq 'KX: RESULT restore ok' "$log" ||
      why="$(grep -a 'KX: \(after restore\|RESULT restore\)' "$log" | sed 's/.*KX: //' | tr '\n' ';') QEMU $rc (log: $log)"
    sys_verdict "restore-$suite" "$(_sys_dt "$t0" "$(_sys_now)")" "$why" \
      "$(grep -a 'KX: after restore' "$log" | sed 's/.*KX: after restore: //')"
  fi
}

# sys_check_dump SUITE LABEL IMG DIR LOG T3 SECONDS: the kdump verdict.
sys_check_dump() {
  local suite=$1 label=$2 img=$3 dir=$4 all=$5 t3=$6 tnow=$7 why='' cmd crashdir f dmesg dump kver limited=''
  kver=$(sed -n 's/^kernel=//p' "$(cat "$img.system")/versions.txt")
  cmd=$(grep -a 'KX: KDUMP-CMD ' "$all" | tail -n 1 | sed 's/.*KX: KDUMP-CMD //' | tr -d '\r')
  if ! grep -aq 'KX: RESULT kdump-armed ok' "$all"; then
    why="kdump-tools did not arm the crash kernel: $(grep -a 'KX: RESULT kdump-armed' "$all" | sed 's/.*RESULT //') (log: $all)"
  elif ! sys_get "$img" /var/crash "$dir/crash"; then
    why="no /var/crash in the image"
  else
    crashdir=$(find "$dir/crash" -mindepth 2 -maxdepth 2 -type d | head -n 1)
    dmesg=$(find "$dir/crash" -name 'dmesg.*' | head -n 1)
    dump=$(find "$dir/crash" -name 'dump.*' | head -n 1)
    [ -n "$dump" ] || dump=$(find "$dir/crash" -name 'vmcore.*' | head -n 1)
    if [ -z "$crashdir" ]; then
      why="kdump-tools saved nothing under /var/crash ($(sys_ls "$img" /var/crash | awk '{print $NF}' | tr '\n' ' '); log: $all)"
    elif [ -z "$dmesg" ] && grep -aq 'VA Bits 52 not supported' "$all"; then
      # trixie-arm64: makedumpfile 1.7.6 cannot read the 6.12 kernel
      # (VA_BITS=52, makedumpfile issue #18), so kdump-tools saves no dmesg.*
      # and an empty dump.*: nothing of theirs to check.  What still can be:
      # kdump-tools armed the crash kernel through the package's kexec, the
      # panic reached the capture kernel (makedumpfile ran there), and the
      # installed vmcore-dmesg reads the marker from /proc/vmcore.
      limited="makedumpfile $(sed -n 's/^pkg.makedumpfile=//p' "$(cat "$img.system")/versions.txt") in the capture kernel cannot read this kernel ('PAGE SIZE 0x1000 and VA Bits 52 not supported'): kdump-tools saved no dmesg.* and an empty dump.* in ${crashdir#"$dir/crash"}"
      if [ "$label" = kexec-ng ] && ! grep -a 'KX: kexec: ' "$all" | tail -n 1 | grep -q 'kexec-ng'; then
        why="$limited; and the kexec that kdump-tools ran at boot 3 was not kexec-ng's: $(grep -a 'KX: kexec: ' "$all" | tail -n 1)"
      elif ! grep -aq "KX-MARKER-$t3" "$dir/crash/crash/kx-vmcore-dmesg.txt" 2>/dev/null; then
        why="$limited; and vmcore-dmesg on /proc/vmcore in the capture kernel did not show the marker: $(tail -n 2 "$dir/crash/crash/kx-vmcore-dmesg.txt" 2>/dev/null | tr '\n' ' ')"
      fi
    elif [ -z "$dmesg" ]; then
      why="no dmesg.* in $crashdir"
    elif ! grep -aq "KX-MARKER-$t3" "$dmesg"; then
      why="the marker is not in $dmesg"
    elif [ -z "$dump" ]; then
      why="no dump.* (or vmcore.*) in $crashdir"
    elif ! f=$(python3 "$SYS_ROOT/tests/tools/dump-header.py" "$dump"); then
      why="$f"
    elif ! grep -q " release=$kver " <<<"$f "; then
      why="$dump: $f: not the $kver kernel that crashed"
    elif [ "$label" = kexec-ng ] && ! grep -a 'KX: kexec: ' "$all" | tail -n 1 | grep -q 'kexec-ng'; then
      why="the kexec that kdump-tools ran at boot 3 was not kexec-ng's: $(grep -a 'KX: kexec: ' "$all" | tail -n 1)"
    elif ! grep -aq "KX-MARKER-$t3" "$dir/crash/crash/kx-vmcore-dmesg.txt" 2>/dev/null; then
      why="vmcore-dmesg on /proc/vmcore in the capture kernel did not show the marker: $(tail -n 2 "$dir/crash/crash/kx-vmcore-dmesg.txt" 2>/dev/null | tr '\n' ' ')"
    fi
  fi
  local detail=
  if [ -z "$why" ] && [ -n "$limited" ]; then
    detail="only what makedumpfile leaves checkable: $limited; checked: armed at boot by $(grep -a 'KX: kexec: ' "$all" | tail -n 1 | sed 's/.*KX: kexec: //'), the marker in vmcore-dmesg's output on /proc/vmcore in the capture kernel; kdump-tools ran: $cmd"
  elif [ -z "$why" ]; then
    detail="$(basename "$dump"): $(stat -c %s "$dump") bytes, $f; the marker in $(basename "$dmesg") and in vmcore-dmesg's output on /proc/vmcore; kdump-tools ran: $cmd"
  fi
  sys_verdict "kdump-$suite-$label" "$tnow" "$why" "$detail"
}
