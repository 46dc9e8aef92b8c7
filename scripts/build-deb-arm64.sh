#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kexec-ng's arm64 Debian package for trixie, built on an amd64 host:
# scripts/build-deb.sh run inside a Debian trixie arm64 chroot through
# qemu-user (binfmt_misc, scripts/binfmt-arm64.sh).  A native build in an
# emulated chroot, not a cross build: on a bookworm host libfdt-dev:arm64
# cannot be installed beside libfdt-dev:amd64, and the chroot's compiler,
# libraries and dpkg-shlibdeps are trixie's, those of the system the package
# is for (tests/system's trixie-arm64).
#
# Usage: scripts/build-deb-arm64.sh [--force-chroot]
# Result: build/deb-trixie-arm64/kexec-ng_*_arm64.deb (+ .changes,
# .buildinfo, build.log); KX_DEB_OUT overrides the folder.
#
# The chroot, .cache/build-chroots/trixie-arm64/ (debootstrap --variant=buildd,
# then build-deb.sh's apt-get build-dep), is kept: later builds only copy
# the tree and compile.  A stamp holds the Build-Depends it was made for;
# other Build-Depends are installed by build-deb.sh itself.  Concurrent runs
# serialize on a lock.  The package: KX_SBINDIR=/usr/sbin (trixie's layout),
# DEB_BUILD_OPTIONS=nocheck unless set (the unit tests run natively in CI;
# under qemu-user they would cost minutes), no lintian (run it on the host
# on the result if wanted).
set -euo pipefail
export KEXEC_NG_FORBID_SYSCALLS=1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CH=$ROOT/.cache/build-chroots/trixie-arm64
OUT=${KX_DEB_OUT:-$ROOT/build/deb-trixie-arm64}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
RECIPE=1
FORCE=0
[ "${1:-}" = --force-chroot ] && FORCE=1

die() { echo "build-deb-arm64: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

"$ROOT/scripts/binfmt-arm64.sh" >&2 || die "cannot run arm64 binaries here"
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap </dev/null

in_chroot() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

mkdir -p "$(dirname "$CH")"
exec 9>"$CH.lock"
flock 9
T0=$(now)
want="recipe=$RECIPE"
if [ $FORCE = 1 ] || [ "$(cat "$CH/.stamp" 2>/dev/null)" != "$want" ]; then
  echo "build-deb-arm64: debootstrap --arch=arm64 --variant=buildd trixie in $CH.tmp"
  rm -rf "$CH.tmp"
  debootstrap --arch=arm64 --variant=buildd --include=dpkg-dev trixie "$CH.tmp" "$MIRROR" \
    >"$CH.debootstrap.log" 2>&1 || { tail -n 30 "$CH.debootstrap.log" >&2; die "debootstrap failed (log: $CH.debootstrap.log)"; }
  printf '#!/bin/sh\nexit 101\n' >"$CH.tmp/usr/sbin/policy-rc.d"; chmod 755 "$CH.tmp/usr/sbin/policy-rc.d"
  # Documentation is not needed to build: man-db's trigger under qemu-user
  # costs a minute per apt run.
  mkdir -p "$CH.tmp/etc/dpkg/dpkg.cfg.d"
  printf 'path-exclude /usr/share/man/*\npath-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\n' \
    >"$CH.tmp/etc/dpkg/dpkg.cfg.d/kx-nodoc"
  in_chroot chroot "$CH.tmp" sh -c 'echo "man-db man-db/auto-update boolean false" | debconf-set-selections' </dev/null || true
  rm -rf "$CH"
  mv "$CH.tmp" "$CH"
  echo "$want" >"$CH/.stamp"
  echo "build-deb-arm64: chroot made in $(dt "$T0" "$(now)") s"
fi
T1=$(now)

# The tree, as build-deb.sh copies it (git's files), into the chroot.
rm -rf "$CH/src" "$CH/out"
mkdir -p "$CH/src" "$CH/out"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
  tar -C "$ROOT" --null -T - -cf - | tar -C "$CH/src" -xf -

mount -t proc proc "$CH/proc"
trap 'umount "$CH/proc" 2>/dev/null || umount -l "$CH/proc"' EXIT
rc=0
in_chroot KX_DEB_OUT=/out KX_NO_LINTIAN=1 KX_SBINDIR=/usr/sbin \
  DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck}" \
  chroot "$CH" sh -c 'cd /src && scripts/build-deb.sh' </dev/null >"$CH.build.log" 2>&1 || rc=$?
umount "$CH/proc" 2>/dev/null || umount -l "$CH/proc"
trap - EXIT
[ $rc = 0 ] || { tail -n 40 "$CH.build.log" >&2; die "build failed (log: $CH.build.log)"; }
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$CH"/out/*.deb "$CH"/out/*.changes "$CH"/out/*.buildinfo "$OUT/"
cp "$CH.build.log" "$OUT/build.log"
rm -rf "$CH/src" "$CH/out"
T2=$(now)
echo "build-deb-arm64: package built in $(dt "$T1" "$T2") s (total $(dt "$T0" "$T2") s):"
ls -1 "$OUT"/*.deb | sed 's|^|  |'
