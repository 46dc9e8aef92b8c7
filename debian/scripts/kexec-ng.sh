# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# What kexec-load-kernel, coldreboot and the shutdown hook of kexec-ng's
# Debian package share (POSIX sh, sourced). The configuration is
# /etc/default/kexec, then the files of /etc/default/kexec.d/ (the names
# run-parts accepts, in its order), with kexec-tools' variables:
#   LOAD_KEXEC       true: a reboot loads the kernel below and boots it
#   KERNEL_IMAGE     the kernel (default /vmlinuz, else /boot/vmlinuz)
#   INITRD           the initrd (default /initrd.img, else /boot/initrd.img,
#                    if there; set and empty: none)
#   APPEND           the command line (empty: the running kernel's)
#   USE_GRUB_CONFIG  true: GRUB's default entry instead of the three above
#
# KX_TEST_ROOT, when set, is a folder that stands for / and PATH is kept
# (tests/debian/test_scripts.sh); KX_TEST_LIBDIR is where this file is.

KX_ROOT=${KX_TEST_ROOT:-}
KX_LIBDIR=${KX_TEST_LIBDIR:-/usr/lib/kexec-ng}
if [ -z "$KX_ROOT" ]; then
	PATH=/usr/sbin:/usr/bin:/sbin:/bin
	export PATH
fi
# What coldreboot leaves for the shutdown: on /run, so that it never
# outlives the boot it was made in.
KX_COLD=$KX_ROOT/run/kexec-ng/cold-reboot
# kexec-tools' name for the same request, honoured too (and removed: it is
# on the root file system).
KX_COLD_LEGACY=$KX_ROOT/no-kexec-reboot

kx_say()
{
	printf '%s: %s\n' "${KX_PROG:-kexec-ng}" "$*"
}

kx_warn()
{
	kx_say "$@" >&2
}

# kx_true VALUE: whether a setting says yes (true, yes, on, 1).
kx_true()
{
	case $1 in
	[Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn] | 1) return 0 ;;
	esac
	return 1
}

# kx_read_config: the settings, with their defaults. A file that is not
# valid shell stops the caller, as it would kexec-tools' scripts. They are
# read without set -u: a snippet may well say APPEND="$APPEND quiet".
kx_read_config()
{
	unset LOAD_KEXEC KERNEL_IMAGE INITRD APPEND USE_GRUB_CONFIG
	case $- in
	*u*) kx_nounset=1 ;;
	*) kx_nounset= ;;
	esac
	set +u
	if [ -r "$KX_ROOT/etc/default/kexec" ]; then
		# shellcheck source=/dev/null  # the administrator's
		. "$KX_ROOT/etc/default/kexec"
	fi
	if [ -d "$KX_ROOT/etc/default/kexec.d" ]; then
		for kx_snippet in $(run-parts --list "$KX_ROOT/etc/default/kexec.d"); do
			# shellcheck source=/dev/null
			. "$kx_snippet"
		done
	fi
	[ -z "$kx_nounset" ] || set -u
	LOAD_KEXEC=${LOAD_KEXEC:-false}
	USE_GRUB_CONFIG=${USE_GRUB_CONFIG:-false}
	APPEND=${APPEND:-}
	if [ -z "${KERNEL_IMAGE:-}" ]; then
		KERNEL_IMAGE=/vmlinuz
		if [ ! -e "$KX_ROOT/vmlinuz" ] && [ -e "$KX_ROOT/boot/vmlinuz" ]; then
			KERNEL_IMAGE=/boot/vmlinuz
		fi
	fi
	if [ -z "${INITRD+set}" ]; then
		INITRD=
		if [ -e "$KX_ROOT/initrd.img" ]; then
			INITRD=/initrd.img
		elif [ -e "$KX_ROOT/boot/initrd.img" ]; then
			INITRD=/boot/initrd.img
		fi
	fi
}

# kx_loaded: whether a kernel is loaded for kexec -e (not a crash kernel).
kx_loaded()
{
	[ "$(cat "$KX_ROOT/sys/kernel/kexec_loaded" 2>/dev/null)" = 1 ]
}

# kx_cold_requested: whether coldreboot (or kexec-tools' /no-kexec-reboot)
# asked for this reboot to go through the firmware.
kx_cold_requested()
{
	[ -e "$KX_COLD" ] || [ -e "$KX_COLD_LEGACY" ]
}

# kx_rebooting: whether the system is going down for a reboot. systemd: it
# is stopping, with a job for reboot.target. sysvinit: runlevel 6.
kx_rebooting()
{
	if [ -d "$KX_ROOT/run/systemd/system" ]; then
		[ "$(systemctl is-system-running 2>/dev/null)" = stopping ] &&
			systemctl list-jobs --no-legend --no-pager 2>/dev/null |
			awk '$2 == "reboot.target" { found = 1 } END { exit !found }'
	else
		# shellcheck disable=SC2046  # "N 6": the previous and the current runlevel
		set -- $(runlevel 2>/dev/null)
		[ "${2:-}" = 6 ]
	fi
}

# kx_boot_path PATH: a path GRUB gave, on this system. GRUB's paths start
# at the root of the file system they are on: with a separate /boot,
# /vmlinuz-6.1.0-18-amd64 is /boot/vmlinuz-6.1.0-18-amd64.
kx_boot_path()
{
	if [ ! -e "$KX_ROOT$1" ] && [ -e "$KX_ROOT/boot$1" ]; then
		echo "/boot$1"
	else
		echo "$1"
	fi
}

# kx_grub_entry: KERNEL_IMAGE, INITRD and APPEND from GRUB's default entry
# (its `set default=`, through grubenv's saved_entry for GRUB_DEFAULT=saved;
# a number, a title or an id, with `>` between submenu and entry). Returns 1,
# having said why, when there is no such entry.
kx_grub_entry()
{
	kx_cfg=$KX_ROOT/boot/grub/grub.cfg
	if [ ! -r "$kx_cfg" ]; then
		kx_warn "USE_GRUB_CONFIG=$USE_GRUB_CONFIG, but there is no ${kx_cfg#"$KX_ROOT"}"
		return 1
	fi
	# The last one: Debian's grub.cfg sets the default of grub-reboot's
	# next_entry first, then the default of every other boot.
	kx_default=$(sed -n -e 's/^[[:blank:]]*set[[:blank:]][[:blank:]]*default=//p' "$kx_cfg" |
		tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/")
	# shellcheck disable=SC2016  # GRUB's variable, as grub.cfg spells it
	case $kx_default in
	'${saved_entry}' | '$saved_entry')
		kx_default=$(sed -n -e 's/^saved_entry=//p' "$KX_ROOT/boot/grub/grubenv" 2>/dev/null |
			tail -n 1)
		;;
	esac
	kx_default=${kx_default:-0}
	if ! kx_entry=$(awk -v want="$kx_default" -f "$KX_LIBDIR/grub-entry.awk" "$kx_cfg"); then
		kx_warn "no entry \"$kx_default\" (GRUB's default) in ${kx_cfg#"$KX_ROOT"}"
		return 1
	fi
	KERNEL_IMAGE='' APPEND='' INITRD=''
	kx_tab=$(printf '\t')
	while IFS=$kx_tab read -r kx_key kx_value; do
		case $kx_key in
		kernel) KERNEL_IMAGE=$(kx_boot_path "$kx_value") ;;
		append) APPEND=$kx_value ;;
		initrd) INITRD="$INITRD${INITRD:+ }$(kx_boot_path "$kx_value")" ;;
		esac
	done <<KX_ENTRY
$kx_entry
KX_ENTRY
	if [ -z "$KERNEL_IMAGE" ]; then
		kx_warn "GRUB's default entry \"$kx_default\" has no linux line"
		return 1
	fi
}

# kx_load [KEXEC OPTION]...: load the configured kernel (kx_read_config
# first) with kexec -l and the options given (--dry-run).
kx_load()
{
	if kx_true "$USE_GRUB_CONFIG"; then
		kx_grub_entry || return 1
	fi
	kx_initrd=$INITRD
	case $kx_initrd in
	*' '*)
		# Several initrds (GRUB loads them one after the other): kexec
		# takes one, their concatenation.
		mkdir -p "$KX_ROOT/run/kexec-ng" || return 1
		kx_initrd=/run/kexec-ng/initrd
		for kx_part in $INITRD; do
			cat "$KX_ROOT$kx_part" || return 1
		done >"$KX_ROOT$kx_initrd"
		;;
	esac
	set -- -l "$KERNEL_IMAGE" "$@"
	if [ -n "$kx_initrd" ]; then
		set -- "$@" --initrd="$kx_initrd"
	fi
	if [ -n "$APPEND" ]; then
		set -- "$@" --append="$APPEND"
	else
		set -- "$@" --reuse-cmdline
	fi
	kx_say "kexec $*"
	kexec "$@"
	kx_status=$?
	[ "$kx_initrd" = "$INITRD" ] || rm -f "$KX_ROOT$kx_initrd"
	return $kx_status
}
