#!/bin/bash
# Build (once) a real Debian system for tests/system: a debootstrap'ed root
# file system with systemd, Debian's kernel and initramfs, kexec-tools and
# kdump-tools, cached in .cache/systems/SUITE-ARCH/.
#
# Usage: scripts/debian-systems.sh [--force] [--arch ARCH] SYSTEM...
#   SYSTEM   bookworm | trixie (ARCH: --arch, default amd64), or SUITE-ARCH:
#            bookworm-amd64 | trixie-amd64 | trixie-arm64
#   --arch   amd64 (default) or arm64, for the plain suite names after it
#
# arm64 systems are built on an amd64 host through qemu-user: debootstrap's
# second stage, apt and mkinitramfs run arm64 binaries under
# qemu-aarch64-static, registered with binfmt_misc by
# scripts/binfmt-arm64.sh (run from here; it says why when it cannot).
#
# Result (.cache/systems/SUITE-ARCH/):
#   rootfs/        the root file system (a directory: mke2fs -d reads it)
#   vmlinuz        the system's own kernel (copied from rootfs/boot)
#   initrd.img     the system's own initramfs (initramfs-tools, in the chroot)
#   versions.txt   suite, kernel and package versions, build timings
#   debs/          kexec-tools' .deb as installed (to reinstall it in a test)
#   stamp          written last: the build is complete.  Holds RECIPE below;
#                  a stamp with another recipe number is rebuilt.
#
# Idempotent: a complete cache dir is left alone.  Concurrent runs serialize
# on a lock file; the build happens in a temporary dir renamed into place at
# the end, so an interrupted build never looks complete.
#
# Needs root (debootstrap, chroot) and network to the Debian mirror
# (DEBIAN_MIRROR, default http://deb.debian.org/debian).  Nothing here loads
# or runs a kernel on the host: the chroot only installs packages and runs
# mkinitramfs.
set -euo pipefail
export KEXEC_NG_FORBID_SYSCALLS=1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYSTEMS=$ROOT/.cache/systems
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Bump when the recipe below changes so that cached systems get rebuilt;
# ARM64_RECIPE for what only the arm64 systems do differently.
RECIPE=7
ARM64_RECIPE=1

# Installed by debootstrap itself: nothing here asks debconf questions.
#   systemd-sysv udev         systemd as PID 1
#   initramfs-tools zstd      the system's own initramfs (zstd: initramfs-tools'
#                             default compressor, only Recommended)
#   makedumpfile e2fsprogs procps kmod   kdump-tools' and the scenarios' tools
#   libfdt1 ... liblzo2-2     kexec-ng's .deb's run-time dependencies, so the
#                             guest can "apt install ./kexec-ng_*.deb" offline
BASE_PKGS_COMMON=systemd-sysv,udev,initramfs-tools,zstd,makedumpfile,e2fsprogs,procps,kmod,file
BASE_PKGS_COMMON+=,libfdt1,zlib1g,libdeflate0,liblzma5,libzstd1,liblz4-1,libbz2-1.0,liblzo2-2
# Installed in the chroot after debconf is preseeded (kexec-tools and
# kdump-tools ask questions), in two steps: kdump-tools first, then the
# kernel with kdump-tools' /etc/kernel/postinst.d hook switched off (see
# make_kdump_initrd for why it must not run here).  In this order the
# system's initramfs is made once: kdump-tools' initramfs hook, installed
# after the kernel, would trigger a second mkinitramfs (a minute).
KDUMP_PKGS=(kexec-tools kdump-tools)
# KERNEL_PKGS: linux-image-ARCH (build_suite).
# Debconf answers (the packages' own defaults, written down so that a change
# of default in a later Debian does not silently change the system under
# test):
#   kexec-tools/load_kexec true       kexec-load.service loads /vmlinuz on reboot
#   kexec-tools/use_grub_config false there is no GRUB in the guest
#   kdump-tools/use_kdump true        USE_KDUMP=1: kdump-tools.service loads
#                                     the crash kernel at boot
DEBCONF_SELECTIONS='kexec-tools kexec-tools/load_kexec boolean true
kexec-tools kexec-tools/use_grub_config boolean false
kdump-tools kdump-tools/use_kdump boolean true'
# Units that cost boot time under TCG and test nothing here.  Not
# kdump-tools.service nor kexec-load.service / kexec.service: under test.
MASK_UNITS=(apt-daily.timer apt-daily-upgrade.timer man-db.timer
  e2scrub_all.timer e2scrub_reap.service fstrim.timer dpkg-db-backup.timer
  systemd-networkd-wait-online.service systemd-time-wait-sync.service
  getty@tty1.service)
# Modules the kdump capture initrd must carry to reach the root file system
# of the QEMU guest (tests/system/lib.sh: virtio disk, ext4).
# arm64 (QEMU virt, -drive if=virtio: virtio-blk-pci behind the generic
# PCIe host bridge): the same list; trixie's arm64 kernel (6.12) has
# pci-host-generic and virtio_pci built in (mkinitramfs skips built-in
# modules), virtio_blk and ext4 as modules.
KDUMP_INITRD_MODULES=(virtio_pci virtio_blk ext4)
# The system's own initramfs carries the same modules (MODULES=list), not
# initramfs-tools' default MODULES=most: the guest's hardware is fixed, and
# "most" costs minutes of mkinitramfs under qemu-user (arm64) and seconds of
# every boot under TCG (amd64: a 36 MB initramfs instead of ~10 MB).

FORCE=0
ARCH=amd64
SUITES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --arch) ARCH=$2; shift ;;
    --arch=*) ARCH=${1#--arch=} ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    bookworm|trixie) SUITES+=("$1-$ARCH") ;;
    bookworm-amd64|trixie-amd64|trixie-arm64) SUITES+=("$1") ;;
    *) echo "debian-systems: unknown system or option '$1' (bookworm|trixie[-amd64], trixie-arm64)" >&2; exit 2 ;;
  esac
  shift
done
for s in "${SUITES[@]}"; do
  case "$s" in *-amd64|trixie-arm64) ;; *) echo "debian-systems: no $s system (arm64: trixie only)" >&2; exit 2 ;; esac
done
[ ${#SUITES[@]} -gt 0 ] || { echo "usage: $0 [--force] [--arch amd64|arm64] bookworm|trixie..." >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "debian-systems: needs root (debootstrap, chroot)" >&2; exit 1; }

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "debian-systems: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap </dev/null ||
    { apt-get update -q </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap </dev/null; }
fi

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# in_chroot DIR CMD...: run CMD in the chroot with a clean, non-interactive
# environment (no host locale, no debconf front end to ask).
in_chroot() {
  local dir=$1; shift
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    chroot "$dir" "$@" </dev/null
}

# The chroot's /proc: update-initramfs, the kernel's maintainer scripts and
# mkinitramfs read it.  Not /sys, /dev: nothing here should depend on the
# build host's devices.
MOUNTED=()
mount_proc() { mount -t proc proc "$1/proc"; MOUNTED+=("$1/proc"); }
umount_all() {
  local m
  for m in "${MOUNTED[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
  MOUNTED=()
}

# The kdump capture initrd, made now: kdump-config makes it lazily at the
# first "kdump-config load" when /var/lib/kdump/initrd.img-KVER is missing
# (kdump_create_symlinks runs /etc/kernel/postinst.d/kdump-tools; trixie's
# hook even refuses to run in a chroot and leaves it to the first boot), and
# mkinitramfs under TCG would take minutes of the first boot.  This follows
# that hook (a copy of /etc/initramfs-tools with KDUMP=y, mkinitramfs -d)
# except for MODULES: the hook turns the default MODULES=most into
# MODULES=dep, which in a chroot describes the BUILD HOST's root device (and
# fails on hosts whose / is overlayfs), not the guest's.  MODULES=list with
# the guest's virtio disk and ext4 is what dep would pick inside the guest.
make_kdump_initrd() {
  local dir=$1 kver=$2 kd=/var/lib/kdump
  # shellcheck disable=SC2016  # expanded by the chroot's sh
  in_chroot "$dir" sh -euc '
    kd=$1; kver=$2; shift 2
    mkdir -p "$kd"
    rm -rf "$kd/initramfs-tools"
    cp -pr /etc/initramfs-tools "$kd"
    mkdir -p "$kd/initramfs-tools/conf.d"
    echo MODULES=list >"$kd/initramfs-tools/conf.d/zzz-kdump"
    printf "%s\n" "$@" >>"$kd/initramfs-tools/modules"
    echo KDUMP=y >>"$kd/initramfs-tools/initramfs.conf"
    # -k and TMPDIR as in the trixie hook: the unpacked size goes to
    # size_initrd.img-KVER, read by its crashkernel estimator ("kdump-config
    # show": "crashkernel suggested size").
    t=$(mktemp -d)
    TMPDIR=$t mkinitramfs -k -d "$kd/initramfs-tools" -o "$kd/initrd.img-$kver" "$kver"
    d=$(find "$t" -mindepth 1 -maxdepth 1 -type d)
    du -sm "$d" | cut -f1 >"$kd/size_initrd.img-$kver"
    rm -rf "$t"
    # check_sysctl_change ("kdump-config load") deletes the initrd when
    # /etc/kdump/sysctl.conf differs from this copy, which it writes only
    # after a load: without it the first boot remakes the initrd anyway.
    cp /etc/kdump/sysctl.conf "$kd/latest_sysctls-$kver"
    # The links "kdump-config load" would make (create_symlink).
    ln -fs "/boot/vmlinuz-$kver" "$kd/vmlinuz"
    ln -fs "$kd/initrd.img-$kver" "$kd/initrd.img"
  ' sh "$kd" "$kver" "${KDUMP_INITRD_MODULES[@]}"
}

configure_system() {
  local dir=$1 suite=$2 arch=$3 host=kx-$2
  [ "$arch" = amd64 ] || host=kx-$suite-$arch
  echo "$host" >"$dir/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$host" >"$dir/etc/hosts"
  # The test disk is the only disk: a virtio disk, no partition table.
  printf '/dev/vda\t/\text4\terrors=remount-ro\t0\t1\n' >"$dir/etc/fstab"
  # Root without a password: the serial console getty lets one log in to
  # debug a guest by hand (run QEMU from sys_boot without a log file).
  in_chroot "$dir" passwd -d root >/dev/null
  # A fixed machine-id would make every image the same machine; an empty
  # file makes systemd generate one per boot without a "first boot" run of
  # systemd-firstboot / preset-all.
  : >"$dir/etc/machine-id"
  rm -f "$dir/var/lib/dbus/machine-id"
  in_chroot "$dir" systemctl mask "${MASK_UNITS[@]}" >/dev/null 2>&1 || true
  # arm64 (QEMU virt): the serial console is ttyAMA0; no VT.
  [ "$arch" = amd64 ] || in_chroot "$dir" systemctl mask getty@tty1.service >/dev/null 2>&1 || true
  # No network in the guest, and nothing that waits for it.
  in_chroot "$dir" systemctl mask systemd-networkd.service systemd-networkd.socket >/dev/null 2>&1 || true
  # journald: keep the journal in memory only (no flush to disk at boot,
  # less disk I/O under TCG); scenarios read results from files they write.
  mkdir -p "$dir/etc/systemd/journald.conf.d"
  printf '[Journal]\nStorage=volatile\n' >"$dir/etc/systemd/journald.conf.d/kx.conf"
  # The apt cache: the .debs are gone once installed (smaller image).
  # apt-get clean also deletes apt's binary cache of the package lists;
  # without it every apt run in the guest rebuilds it from the lists, which
  # took 11 minutes of an arm64 guest under TCG.  Made again here.
  in_chroot "$dir" apt-get clean
  in_chroot "$dir" apt-cache gencaches >/dev/null
  rm -f "$dir/usr/sbin/policy-rc.d"
}

build_suite() {
  local name=$1 suite=${1%-*} arch=${1##*-}
  local kernel_pkgs=("linux-image-$arch")
  local dest=$SYSTEMS/$name tmp=$SYSTEMS/.$name.tmp
  mkdir -p "$SYSTEMS"
  exec 9>"$SYSTEMS/.$name.lock"
  flock 9
  local stamp="recipe=$RECIPE"
  [ "$arch" = amd64 ] || stamp+=" arm64=$ARM64_RECIPE"
  if [ $FORCE = 0 ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "debian-systems: $name: cached ($dest)"
    exec 9>&-
    return 0
  fi
  if [ "$arch" != "$(dpkg --print-architecture)" ] && [ "$arch" = arm64 ]; then
    # qemu-user through binfmt_misc: registered (idempotent) or why not.
    "$ROOT/scripts/binfmt-arm64.sh" >&2 || { echo "debian-systems: $name: cannot run arm64 binaries here" >&2; exec 9>&-; return 1; }
  fi
  echo "debian-systems: $name: building in $tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  trap umount_all EXIT
  local t0 t1 t2 t3 t4 t5 kver
  t0=$(now)
  local r=$tmp/rootfs
  # (arm64: debootstrap runs its second stage from here, its helpers on the
  # host; only the packages' programs run under qemu-user.  With --foreign
  # and --second-stage in the chroot, debootstrap's own perl would parse the
  # archive's package lists under emulation too: slower.)
  debootstrap --arch="$arch" --variant=minbase --include="$BASE_PKGS_COMMON" \
    "$suite" "$r" "$MIRROR" >"$tmp/debootstrap.log" 2>&1 ||
    { tail -n 30 "$tmp/debootstrap.log" >&2; echo "debian-systems: $name: debootstrap failed (log: $tmp/debootstrap.log)" >&2; return 1; }
  t1=$(now)
  echo "debian-systems: $name: debootstrap $(dt "$t0" "$t1") s"

  # Services must not start inside the chroot (invoke-rc.d asks this).
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 755 "$r/usr/sbin/policy-rc.d"
  mount_proc "$r"
  # (in_chroot's stdin is /dev/null: the selections go through a file.)
  printf '%s\n' "$DEBCONF_SELECTIONS" >"$r/tmp/kx-debconf"
  in_chroot "$r" debconf-set-selections /tmp/kx-debconf
  rm -f "$r/tmp/kx-debconf"
  local aptopts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  in_chroot "$r" apt-get "${aptopts[@]}" install "${KDUMP_PKGS[@]}" >"$tmp/apt-kdump.log" 2>&1 ||
    { tail -n 30 "$tmp/apt-kdump.log" >&2; return 1; }
  t2=$(now)
  echo "debian-systems: $name: kexec-tools + kdump-tools $(dt "$t1" "$t2") s"
  # kexec-tools' own .deb, kept beside the system: the kexec-ng scenario
  # puts it back with apt after kexec-ng replaced it (configure_system
  # empties the apt cache).
  mkdir -p "$tmp/debs"
  cp "$r"/var/cache/apt/archives/kexec-tools_*.deb "$tmp/debs/" ||
    { echo "debian-systems: $name: no kexec-tools .deb in the apt cache" >&2; return 1; }
  # run-parts (the kernel's postinst) skips files that are not executable.
  local hook=$r/etc/kernel/postinst.d/kdump-tools
  [ -f "$hook" ] || { echo "debian-systems: $name: no $hook (kdump-tools changed?)" >&2; return 1; }
  chmod a-x "$hook"
  echo MODULES=list >"$r/etc/initramfs-tools/conf.d/kx-modules"
  printf '%s\n' "${KDUMP_INITRD_MODULES[@]}" >>"$r/etc/initramfs-tools/modules"
  in_chroot "$r" apt-get "${aptopts[@]}" install "${kernel_pkgs[@]}" >"$tmp/apt-kernel.log" 2>&1 ||
    { tail -n 30 "$tmp/apt-kernel.log" >&2; return 1; }
  chmod 755 "$hook"
  t3=$(now)
  echo "debian-systems: $name: kernel + initramfs $(dt "$t2" "$t3") s"

  kver=$(find "$r/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
  if [ -z "$kver" ] || [ ! -f "$r/boot/initrd.img-$kver" ]; then
    echo "debian-systems: $name: no kernel/initrd in $r/boot" >&2; return 1
  fi
  make_kdump_initrd "$r" "$kver" >"$tmp/kdump-initrd.log" 2>&1 ||
    { tail -n 30 "$tmp/kdump-initrd.log" >&2; return 1; }
  t4=$(now)
  echo "debian-systems: $name: kdump initrd $(dt "$t3" "$t4") s"
  configure_system "$r" "$suite" "$arch"
  umount_all
  trap - EXIT

  cp "$r/boot/vmlinuz-$kver" "$tmp/vmlinuz"
  cp "$r/boot/initrd.img-$kver" "$tmp/initrd.img"
  {
    echo "suite=$suite"
    echo "arch=$arch"
    echo "kernel=$kver"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "mirror=$MIRROR"
    echo "$stamp"
    for p in linux-image-$kver systemd kexec-tools kdump-tools makedumpfile initramfs-tools udev; do
      # shellcheck disable=SC2016  # a dpkg-query format
      echo "pkg.$p=$(in_chroot "$r" dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo none)"
    done
    echo "size.initrd=$(stat -c %s "$tmp/initrd.img")"
    echo "size.kdump_initrd=$(stat -c %s "$r/var/lib/kdump/initrd.img-$kver")"
    echo "size.rootfs_kib=$(du -sk "$r" | cut -f1)"
    echo "time.debootstrap=$(dt "$t0" "$t1")"
    echo "time.kdump_pkgs=$(dt "$t1" "$t2")"
    echo "time.kernel=$(dt "$t2" "$t3")"
    echo "time.kdump_initrd=$(dt "$t3" "$t4")"
  } >"$tmp/versions.txt"
  t5=$(now)
  echo "time.total=$(dt "$t0" "$t5")" >>"$tmp/versions.txt"
  echo "$stamp" >"$tmp/stamp"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "debian-systems: $name: built in $(dt "$t0" "$t5") s (kernel $kver): $dest"
  exec 9>&-
}

for s in "${SUITES[@]}"; do build_suite "$s"; done
