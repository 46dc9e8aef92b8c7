#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside a debootstrap'd Debian system booted by QEMU, at every boot,
# from kx-scenario.service (ordered after kdump-tools.service, so the crash
# kernel is armed, or failed to be, before anything here runs).  The host
# (tests/system/run.sh) reads its verdict lines from the serial console and,
# after power-off, /root/kx/log from the disk image.
#
# /root/kx/config (written by the host): VARIANT (ng: install kexec-ng's .deb
# first; tools: Debian's kexec-tools stays, the control), T1 T2 T3 (tokens
# only the host and this boot's command lines know).
#
# Which boot this is comes from kxstage=N on the kernel command line:
#   1 (none)  first boot: [ng] apt install ./kexec-ng_*.deb; kexec -l the
#             system's own kernel with kxstage=2 kxtoken=T1; systemctl kexec
#   2         through kexec (T1 proves it): /etc/default/kexec LOAD_KEXEC=true
#             with kxstage=3 kxtoken=T2 in APPEND; systemctl reboot
#   3         through kexec again (T2; "cold" when the host booted it after a
#             firmware reboot): kdump-tools armed the crash kernel at boot;
#             a marker to /dev/kmsg; sysrq c.  The capture kernel boots this
#             system into kdump-tools-dump.service (KDUMP_CMDLINE_APPEND), it
#             saves /var/crash/<date>/{dump,dmesg}.<date> and reboots, which
#             ends QEMU (-no-reboot).
#   4         [ng] booted by the host after the dump: apt install
#             ./kexec-tools_*.deb (Debian's, back in kexec-ng's place);
#             kdump-tools arms the crash kernel with it; power-off
# No set -e: every step says its own result, and a failing step must not
# keep the next boot's checks from running.
set -u
KX=/root/kx
. "$KX/config"

# Serial lines at KERN_CRIT ("<2>"): they reach the console even with a
# quiet log level, and the journal gets them too.
say() {
	printf '<2>KX: %s\n' "$*" >/dev/kmsg
	printf '%s\n' "$*" >>"$KX/log"
}
result() { say "RESULT $*"; }

# apt_install_local FILE LOG: apt install ./FILE (offline), its output on
# the console too; sets rc to apt's status.
apt_install_local() {
	say "apt install $1"
	rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$1" >"$2" 2>&1 || rc=$?
	sed 's/^/apt: /' "$2" | while IFS= read -r l; do say "$l"; done
}
# pkg_state PACKAGE [FORMAT]: dpkg's status letters (and FORMAT's fields).
pkg_state() { dpkg-query -W -f="\${db:Status-Abbrev}${2:-}" "$1" 2>/dev/null; }

cmdline=$(cat /proc/cmdline)
stage=$(printf '%s\n' "$cmdline" | sed -n 's/.*kxstage=\([0-9]\).*/\1/p')
[ -n "$stage" ] || stage=1
token=$(printf '%s\n' "$cmdline" | sed -n 's/.*kxtoken=\([^ ]*\).*/\1/p')
# The command line the next kernel gets: this one without our two words.
base=$(printf '%s\n' "$cmdline" | sed -E 's/(^| )(kxstage|kxtoken)=[^ ]*//g; s/^ +//')

say "stage $stage up: $(uname -r), variant $VARIANT, token ${token:-none}, pid 1 $(cat /proc/1/comm)"
say "kexec: $(command -v kexec) $(kexec --version 2>&1 | head -n 1)"

case $stage in
1)
	if [ "$VARIANT" = ng ]; then
		# offline: every dependency is already installed
		apt_install_local "$(ls /srv/kx-debs/kexec-ng_*.deb)" "$KX/apt.log"
		tools=$(pkg_state kexec-tools)
		ng=$(pkg_state kexec-ng ' ${Version}')
		kdump=$(pkg_state kdump-tools)
		ver=$(kexec --version 2>&1 | head -n 1)
		say "after install: kexec-tools '$tools' kexec-ng '$ng' kdump-tools '$kdump' kexec --version '$ver'"
		case "$rc:$tools:$ng:$kdump:$ver" in
		0:rc*:ii*:ii*:*kexec-ng*) result "install ok" ;;
		*) result "install FAILED (apt rc $rc)" ;;
		esac
	fi
	if kexec -l /vmlinuz --initrd=/initrd.img --command-line="$base kxstage=2 kxtoken=$T1"; then
		result "kexec-l ok"
	else
		result "kexec-l FAILED rc $?"
	fi
	say "systemctl kexec"
	sync
	systemctl kexec
	;;
2)
	if [ "$token" = "$T1" ]; then
		result "systemctl-kexec ok"
	else
		result "systemctl-kexec FAILED: token '$token'"
	fi
	# /etc/default/kexec as kexec-tools (Debian 12) and kexec-ng read it.
	cat >/etc/default/kexec <<EOF
LOAD_KEXEC=true
KERNEL_IMAGE="/vmlinuz"
INITRD="/initrd.img"
APPEND="$base kxstage=3 kxtoken=$T2"
USE_GRUB_CONFIG=false
EOF
	say "LOAD_KEXEC=true in /etc/default/kexec; systemctl reboot"
	sync
	systemctl reboot
	;;
3)
	case $token in
	"$T2") result "load-kexec-reboot ok" ;;
	*) result "load-kexec-reboot FAILED: token '$token' (a firmware reboot: the host booted stage 3)" ;;
	esac
	say "kdump-tools.service: $(systemctl is-active kdump-tools.service)"
	kdump-config show 2>&1 | while IFS= read -r l; do say "kdump-config show: $l"; done
	# kdump-config keeps the command it ran (KDUMP_COREDIR/kexec_cmd)
	[ -r /var/crash/kexec_cmd ] && say "KDUMP-CMD $(cat /var/crash/kexec_cmd)"
	loaded=$(cat /sys/kernel/kexec_crash_loaded)
	if [ "$loaded" = 1 ]; then
		result "kdump-armed ok"
	else
		result "kdump-armed FAILED: /sys/kernel/kexec_crash_loaded is $loaded"
	fi
	printf '<2>KX-MARKER-%s\n' "$T3" >/dev/kmsg
	say "crashing"
	sync
	# The serial port drains from interrupts, which the panic stops.
	sleep 2
	echo c >/proc/sysrq-trigger
	;;
4)
	# After the dump (the host booted this one): kexec-tools back, from its
	# own .deb, and kdump-tools arming the crash kernel with it again.
	apt_install_local "$(ls /srv/kx-debs/kexec-tools_*.deb)" "$KX/apt4.log"
	tools=$(pkg_state kexec-tools)
	ng=$(pkg_state kexec-ng)
	ver=$(kexec --version 2>&1 | head -n 1)
	systemctl restart kdump-tools.service
	loaded=$(cat /sys/kernel/kexec_crash_loaded)
	say "after restore: kexec-tools '$tools' kexec-ng '$ng' kexec --version '$ver' crash loaded $loaded"
	case "$rc:$tools:$ng:$loaded:$ver" in
	0:ii*:rc*:1:kexec-tools*|0:ii*::1:kexec-tools*) result "restore ok" ;;
	*) result "restore FAILED (apt rc $rc)" ;;
	esac
	sync
	systemctl poweroff
	;;
esac
