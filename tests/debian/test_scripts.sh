#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package's shell scripts (debian/scripts: kexec-load-kernel,
# coldreboot, shutdown-hook and grub-entry.awk) on fixture roots made here
# (KX_TEST_ROOT stands for /). Every command with an effect is a stub that
# writes what it was asked into a log: PATH holds only the stubs and a few
# plain tools, so no real kexec, reboot or systemctl can be reached. Prints
# TAP.
#   test_scripts.sh SRCDIR
# shellcheck disable=SC2016  # the stubs' bodies expand when they run
set -u
export KEXEC_NG_FORBID_SYSCALLS=1
SRC=$(realpath "$1")
SCRIPTS=$SRC/debian/scripts
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Plain tools by absolute path, then the stubs; nothing else is on PATH.
mkdir -p "$work/tools" "$work/stubs"
for t in sh cat sed awk tail head cut ln mkdir rm id tr grep run-parts; do
  p=$(command -v "$t") || { echo "Bail out! no $t"; exit 1; }
  ln -s "$p" "$work/tools/$t"
done
LOG=$work/log
# The stubs: each appends "NAME ARGS" to $LOG. kexec -u and -l change
# sys/kernel/kexec_loaded like the real one; -l also logs what the initrd
# file held. systemctl answers from $STATE and $JOBS; runlevel from $LEVEL;
# reboot exits $REBOOT_STATUS.
stub() {
  printf '#!/bin/sh\necho "%s $*" >>"$LOG"\n%s\n' "$1" "$2" >"$work/stubs/$1"
  chmod +x "$work/stubs/$1"
}
stub kexec 'for a; do case $a in
  --initrd=*) echo "initrd holds: $(cat "$KX_TEST_ROOT${a#--initrd=}")" >>"$LOG" ;;
  -u) echo 0 >"$KX_TEST_ROOT/sys/kernel/kexec_loaded" ;;
  -l) echo 1 >"$KX_TEST_ROOT/sys/kernel/kexec_loaded" ;;
  --dry-run) echo 0 >"$KX_TEST_ROOT/sys/kernel/kexec_loaded" ;;
esac; done'
stub systemctl 'case $1 in
  is-system-running) echo "$STATE" ;;
  list-jobs) printf "%s\n" "$JOBS" ;;
esac'
stub runlevel 'echo "$LEVEL"'
stub reboot 'echo "SYSTEMCTL_SKIP_AUTO_KEXEC=${SYSTEMCTL_SKIP_AUTO_KEXEC:-}" >>"$LOG"; exit "${REBOOT_STATUS:-0}"'
export PATH=$work/stubs:$work/tools LOG KX_TEST_LIBDIR=$SCRIPTS
for c in kexec systemctl runlevel reboot; do
  [ "$(command -v "$c")" = "$work/stubs/$c" ] || { echo "Bail out! $c is not the stub"; exit 1; }
done

R=$work/root
export KX_TEST_ROOT=$R
# fresh [systemd|sysv]: an empty root with /vmlinuz and /initrd.img, nothing
# loaded, and the init system's marks.
fresh() {
  rm -rf "$R" "$LOG"; : >"$LOG"
  mkdir -p "$R/etc/default/kexec.d" "$R/sys/kernel" "$R/boot/grub" "$R/run"
  echo 0 >"$R/sys/kernel/kexec_loaded"
  echo kernel >"$R/boot/vmlinuz-6.1.0-18-amd64"; ln -s boot/vmlinuz-6.1.0-18-amd64 "$R/vmlinuz"
  echo initrd >"$R/boot/initrd.img-6.1.0-18-amd64"; ln -s boot/initrd.img-6.1.0-18-amd64 "$R/initrd.img"
  [ "${1:-systemd}" = systemd ] && mkdir -p "$R/run/systemd/system"
  export STATE=running JOBS='' LEVEL="N 2" REBOOT_STATUS=0
}
rebooting() { STATE=stopping JOBS="  81 reboot.target start waiting
 103 kexec-ng-load.service stop running"; }
config() { printf '%s\n' "$@" >"$R/etc/default/kexec"; }

n=0 failed=0
# t NAME STATUS PATTERN... -- COMMAND...: run COMMAND; its status must be
# STATUS and its output, then what the stubs logged while it ran, must have
# a line matching each pattern, in order; a pattern "!RE": no such line.
t() {
  local name=$1 want=$2 pats=() ; shift 2
  while [ "$1" != -- ]; do pats+=("$1"); shift; done; shift
  n=$((n + 1))
  : >"$LOG"
  out=$("$@" 2>&1); local got=$?
  local all; all=$(printf '%s\n' "$out"; cat "$LOG")
  local ok=1 rest=$all p
  [ "$got" = "$want" ] || ok=0
  for p in "${pats[@]}"; do
    if [ "${p#!}" != "$p" ]; then
      grep -qE -- "${p#!}" <<<"$all" && ok=0
    else
      # in order: look from the line after the previous match
      local line; line=$(grep -nE -- "$p" <<<"$rest" | head -n 1 | cut -d: -f1 2>/dev/null)
      [ -n "$line" ] || { ok=0; continue; }
      rest=$(tail -n +"$((line + 1))" <<<"$rest")
    fi
  done
  if [ $ok = 1 ]; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    echo "#   exit $got (want $want); output, then the stubs' log:"
    sed 's/^/#     /' <<<"$all"
    printf '#   expected: %s\n' "${pats[@]}"
    failed=$((failed + 1))
  fi
}
LOAD=$SCRIPTS/kexec-load-kernel HOOK=$SCRIPTS/shutdown-hook COLD=$SCRIPTS/coldreboot

# --- kexec-load-kernel: what /etc/default/kexec says
fresh
t "no configuration: /vmlinuz, /initrd.img, the running command line" 0 \
  '^kexec -l /vmlinuz --initrd=/initrd.img --reuse-cmdline$' -- sh "$LOAD"
fresh; config 'KERNEL_IMAGE="/boot/vmlinuz-6.1.0-18-amd64"' 'INITRD=""' 'APPEND="root=/dev/vda1 quiet"'
t "KERNEL_IMAGE, INITRD=\"\" (none), APPEND" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-18-amd64 --append=root=/dev/vda1 quiet$' '!initrd' -- sh "$LOAD"
fresh; rm "$R/vmlinuz" "$R/initrd.img"
ln -s vmlinuz-6.1.0-18-amd64 "$R/boot/vmlinuz"; ln -s initrd.img-6.1.0-18-amd64 "$R/boot/initrd.img"
t "links in /boot (link_in_boot): /boot/vmlinuz, /boot/initrd.img" 0 \
  '^kexec -l /boot/vmlinuz --initrd=/boot/initrd.img --reuse-cmdline$' -- sh "$LOAD"
fresh; config 'APPEND="from-file"'
printf 'APPEND="from-snippet"\n' >"$R/etc/default/kexec.d/50local"
printf 'APPEND="from-ignored"\n' >"$R/etc/default/kexec.d/60local.dpkg-old"
t "kexec.d snippets come after the file (run-parts names only)" 0 \
  '--append=from-snippet$' '!from-ignored' -- sh "$LOAD"
fresh; config 'KERNEL_IMAGE=/boot/vmlinuz-6.1.0-18-amd64'
printf 'APPEND="$APPEND console=ttyS0"\nKERNEL_IMAGE="$KERNEL_IMAGE"\n' >"$R/etc/default/kexec.d/70console"
t "a snippet may use a variable nothing set (APPEND)" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-18-amd64 --initrd=/initrd.img --append= console=ttyS0$' -- sh "$LOAD"
fresh; echo 1 >"$R/sys/kernel/kexec_loaded"
t "a loaded kernel is left alone" 0 'loaded already' '!^kexec ' -- sh "$LOAD"
t "--dry-run plans even so" 0 '^kexec -l /vmlinuz --dry-run --initrd=/initrd.img --reuse-cmdline$' \
  -- sh "$LOAD" --dry-run
t "an unknown option: exit 2" 2 'Usage: kexec-load-kernel' '!^kexec ' -- sh "$LOAD" --force

# --- USE_GRUB_CONFIG: a grub.cfg as Debian's grub-mkconfig writes it
grub_cfg() {
  cat >"$R/boot/grub/grub.cfg" <<KX_GRUB
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="$1"
fi
function load_video {
  if [ x\$feature_all_video_module = xy ]; then
    insmod all_video
  fi
}
menuentry 'Debian GNU/Linux' --class debian --class gnu-linux \$menuentry_id_option 'gnulinux-simple-UUID' {
	load_video
	echo	'Loading Linux 6.1.0-18-amd64 ...'
	linux	$2/vmlinuz-6.1.0-18-amd64 root=UUID=1234 ro  quiet \$vt_handoff
	echo	'Loading initial ramdisk ...'
	initrd	$2/initrd.img-6.1.0-18-amd64
}
submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-UUID' {
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-18-amd64' --class debian \$menuentry_id_option 'gnulinux-6.1.0-18-amd64-advanced-UUID' {
		linux	$2/vmlinuz-6.1.0-18-amd64 root=UUID=1234 ro  quiet
		initrd	$2/initrd.img-6.1.0-18-amd64
	}
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-17-amd64' --class debian \$menuentry_id_option 'gnulinux-6.1.0-17-amd64-advanced-UUID' {
		linux	$2/vmlinuz-6.1.0-17-amd64 root=UUID=1234 ro  quiet
		initrd	$2/ucode.img $2/initrd.img-6.1.0-17-amd64
	}
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-17-amd64 (recovery mode)' --class debian \$menuentry_id_option 'gnulinux-6.1.0-17-amd64-recovery-UUID' {
		linux	$2/vmlinuz-6.1.0-17-amd64 root=UUID=1234 ro single
		initrd	$2/initrd.img-6.1.0-17-amd64
	}
}
### END /etc/grub.d/10_linux ###
if [ "\$grub_platform" = "efi" ]; then
menuentry 'UEFI Firmware Settings' \$menuentry_id_option 'uefi-firmware' {
	fwsetup
}
fi
KX_GRUB
  echo kernel17 >"$R/boot/vmlinuz-6.1.0-17-amd64"; echo initrd17 >"$R/boot/initrd.img-6.1.0-17-amd64"
  echo ucode >"$R/boot/ucode.img"
}
fresh; config 'USE_GRUB_CONFIG=true' 'APPEND="ignored"'; grub_cfg 0 /boot
t "GRUB: default 0, its command line (not \$vt_handoff, not APPEND)" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-18-amd64 --initrd=/boot/initrd.img-6.1.0-18-amd64 --append=root=UUID=1234 ro quiet$' \
  -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg 0 ""
t "GRUB on a separate /boot: its paths are under /boot here" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-18-amd64 --initrd=/boot/initrd.img-6.1.0-18-amd64 ' -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg '1>2' /boot
t "GRUB: 1>2, the third entry of the submenu" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-17-amd64 --initrd=/boot/initrd.img-6.1.0-17-amd64 --append=root=UUID=1234 ro single$' \
  -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg '${saved_entry}' /boot
printf '# GRUB Environment Block\nsaved_entry=gnulinux-advanced-UUID>gnulinux-6.1.0-17-amd64-advanced-UUID\n####\n' \
  >"$R/boot/grub/grubenv"
t "GRUB: saved_entry by ids; two initrds, concatenated" 0 \
  '^kexec -l /boot/vmlinuz-6.1.0-17-amd64 --initrd=/run/kexec-ng/initrd ' '^initrd holds: ucode$' \
  '^initrd17$' -- sh "$LOAD"
t "... and the concatenation is removed afterwards" 0 -- test ! -e "$R/run/kexec-ng/initrd"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg 'Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-17-amd64' /boot
t "GRUB: by titles" 0 '^kexec -l /boot/vmlinuz-6.1.0-17-amd64 ' -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg 'gnulinux-6.1.0-18-amd64-advanced-UUID' /boot
t "GRUB: an entry id without its submenu is not at the top level" 1 \
  'no entry "gnulinux-6.1.0-18-amd64-advanced-UUID"' '!^kexec ' -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; grub_cfg 2 /boot
t "GRUB: default 2 (the firmware entry) has no linux line" 1 'has no linux line' '!^kexec ' \
  -- sh "$LOAD"
fresh; config 'USE_GRUB_CONFIG=true'; rm -f "$R/boot/grub/grub.cfg"
t "GRUB: no grub.cfg" 1 'no /boot/grub/grub.cfg' '!^kexec ' -- sh "$LOAD"

# --- shutdown-hook load: only for a reboot, only with LOAD_KEXEC
fresh; config 'LOAD_KEXEC=true'
t "load: not shutting down: nothing" 0 '!^kexec ' -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=true'; STATE=stopping JOBS="  81 poweroff.target start waiting"
t "load: powering off: nothing" 0 '!^kexec ' -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=false'; rebooting
t "load: rebooting, LOAD_KEXEC=false: nothing" 0 '!^kexec ' -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=true'; rebooting
t "load: rebooting, LOAD_KEXEC=true: loads" 0 '^kexec -l /vmlinuz --initrd=/initrd.img --reuse-cmdline$' \
  -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=true'; rebooting; echo 1 >"$R/sys/kernel/kexec_loaded"
t "load: a kernel loaded already is the one booted" 0 'loaded already' '!^kexec ' -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=true'; rebooting; mkdir -p "$R/run/kexec-ng"; : >"$R/run/kexec-ng/cold-reboot"
t "load: after coldreboot: nothing" 0 'cold reboot' '!^kexec ' -- sh "$HOOK" load
fresh; config 'LOAD_KEXEC=true'; rebooting; : >"$R/no-kexec-reboot"
t "load: kexec-tools' /no-kexec-reboot: nothing" 0 'cold reboot' '!^kexec ' -- sh "$HOOK" load
t "... moved to /run for the reboot stage" 0 -- \
  sh -c 'test ! -e "$1/no-kexec-reboot" && test -e "$1/run/kexec-ng/cold-reboot"' - "$R"
fresh sysv; config 'LOAD_KEXEC=true'; LEVEL="2 6"
t "load, sysvinit: runlevel 6 loads" 0 '^kexec -l /vmlinuz ' -- sh "$HOOK" load
fresh sysv; config 'LOAD_KEXEC=true'; LEVEL="N 2"
t "load, sysvinit: stopped by hand (invoke-rc.d): nothing" 0 '!^kexec ' -- sh "$HOOK" load

# --- shutdown-hook reboot: a loaded kernel, at the end of a reboot
fresh; rebooting; echo 1 >"$R/sys/kernel/kexec_loaded"
t "reboot: loaded: systemctl --force kexec" 0 '^systemctl --force kexec$' -- sh "$HOOK" reboot
fresh; rebooting
t "reboot: nothing loaded: the firmware reboot goes on" 0 '!^systemctl --force' -- sh "$HOOK" reboot
fresh; echo 1 >"$R/sys/kernel/kexec_loaded"
t "reboot: not shutting down (started by hand): nothing" 0 '!^systemctl --force' -- sh "$HOOK" reboot
fresh; STATE=stopping JOBS="  81 poweroff.target start waiting"; echo 1 >"$R/sys/kernel/kexec_loaded"
t "reboot: powering off: nothing" 0 '!^systemctl --force' -- sh "$HOOK" reboot
fresh; rebooting; echo 1 >"$R/sys/kernel/kexec_loaded"; mkdir -p "$R/run/kexec-ng"; : >"$R/run/kexec-ng/cold-reboot"
t "reboot: after coldreboot: nothing" 0 'cold reboot' '!^systemctl --force' -- sh "$HOOK" reboot
fresh sysv; LEVEL="2 6"; echo 1 >"$R/sys/kernel/kexec_loaded"
t "reboot, sysvinit: runlevel 6: kexec -e" 0 '^kexec -e$' -- sh "$HOOK" reboot
fresh sysv; LEVEL="2 0"; echo 1 >"$R/sys/kernel/kexec_loaded"
t "reboot, sysvinit: runlevel 0: nothing" 0 '!^kexec' -- sh "$HOOK" reboot
fresh
t "an unknown stage: exit 2" 2 'Usage' -- sh "$HOOK" exec

# --- coldreboot
fresh
t "coldreboot: the note, then reboot with the options given" 0 '^reboot --no-wall$' \
  '^SYSTEMCTL_SKIP_AUTO_KEXEC=1$' '!^kexec' -- sh "$COLD" --no-wall
t "... the note is on /run" 0 -- test -e "$R/run/kexec-ng/cold-reboot"
fresh; echo 1 >"$R/sys/kernel/kexec_loaded"
t "coldreboot: a kernel loaded by hand is unloaded first" 0 '^kexec -u$' '^reboot $' -- sh "$COLD"
fresh; REBOOT_STATUS=1
t "coldreboot: reboot fails: its status, and no note left" 1 '^reboot $' -- sh "$COLD"
t "... no note" 0 -- test ! -e "$R/run/kexec-ng/cold-reboot"

echo "1..$n"
[ "$failed" = 0 ]
