#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make deb`: the Debian package of kexec-ng (debian/), in build/deb/.
#   1. what the build needs: dpkg-dev, then debian/control's Build-Depends
#      (apt-get build-dep on the source tree) unless dpkg-checkbuilddeps
#      finds them all there already (then nothing is installed, root or not);
#   2. a copy of the source tree (the files git knows, or everything but
#      build/, .cache/ and .git/ outside git) in build/deb/kexec-ng-VERSION/,
#      so that the build writes nothing into the tree itself and
#      dpkg-buildpackage leaves its results in build/deb/, not in the
#      tree's parent folder;
#   3. dpkg-buildpackage -us -uc -b there: build/deb/kexec-ng_*.deb (and the
#      -dbgsym one), .changes, .buildinfo;
#   4. lintian on the .changes when it is installed: an error fails.
# Idempotent: build/deb/ is made anew each time. Never installs the package.
# Environment: DEB_BUILD_OPTIONS (nocheck skips the tests), KX_SBINDIR
# (debian/rules), KX_NO_LINTIAN=1.
#
# KX_DEB_HOST_ARCH=arm64: a cross build on this amd64 host (dpkg-buildpackage
# -a arm64, the cross compiler and the arm64 libraries that
# scripts/setup-deps.sh installs through multiarch; the package's tests are
# not run: nothing arm64 runs here).  Debian 12 cannot co-install
# libfdt-dev:arm64 with the host's libfdt-dev (not Multi-Arch: same), so
# its Build-Depends are not checked by dpkg (-d): meson gets the host's
# libfdt headers (architecture-independent, same version) and
# libfdt1:arm64's library through a cross file (cross/arm64.ini with
# kx_fdt_libdir pointing at a libfdt.so link made here).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# KX_DEB_OUT: another folder (e.g. one package per sbin layout, KX_SBINDIR).
OUT=${KX_DEB_OUT:-$ROOT/build/deb}

die() { echo "build-deb: $*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
apt_install() {
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    die "not root and no sudo: install $* by hand"
  fi
  echo "build-deb: installing: $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "$@" </dev/null
}

HOST_ARCH=${KX_DEB_HOST_ARCH:-$(dpkg --print-architecture)}
cross=0
[ "$HOST_ARCH" = "$(dpkg --print-architecture)" ] || cross=1
[ $cross = 0 ] || [ "$HOST_ARCH" = arm64 ] || die "KX_DEB_HOST_ARCH=$HOST_ARCH: only arm64 is cross-built"

# 1. dpkg-dev (dpkg-checkbuilddeps, dpkg-buildpackage), then Build-Depends.
if ! command -v dpkg-checkbuilddeps >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
  apt_install dpkg-dev
fi
if [ $cross = 1 ]; then
  # What the cross build uses instead of Build-Depends:arm64 (see the top).
  for p in gcc-aarch64-linux-gnu libfdt-dev libfdt1:arm64 libc6-dev:arm64 zlib1g-dev:arm64 libdeflate-dev:arm64 \
      liblzma-dev:arm64 libzstd-dev:arm64 liblz4-dev:arm64 libbz2-dev:arm64 liblzo2-dev:arm64 \
      debhelper meson ninja-build pkgconf python3; do
    case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" in
      ii*) ;;
      *) die "cross build for $HOST_ARCH: $p is not installed (bash scripts/setup-deps.sh)" ;;
    esac
  done
elif dpkg-checkbuilddeps 2>/dev/null; then
  echo "build-deb: Build-Depends all present"
else
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    dpkg-checkbuilddeps || true
    die "not root and no sudo: install the build dependencies above by hand"
  fi
  # apt-get build-dep reads debian/control of the directory it is given.
  echo "build-deb: apt-get build-dep ./"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ </dev/null ||
    { $SUDO apt-get update -q </dev/null && \
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q ./ </dev/null; } ||
    die "apt-get build-dep failed"
fi

# 2. The copy.
version=$(dpkg-parsechangelog -S Version)
upstream=${version%-*}
src=$OUT/kexec-ng-$upstream
rm -rf "$OUT"
mkdir -p "$src"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new files, with what the working tree has (deleted ones left out).
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
    tar -C "$ROOT" --null -T - -cf - | tar -C "$src" -xf -
else
  tar -C "$ROOT" --exclude=./build --exclude=./.cache --exclude=./.git -cf - . |
    tar -C "$src" -xf -
fi

# 3. The build. Its log is kept beside the results.
dpkg_args=(-us -uc -b)
if [ $cross = 1 ]; then
  fdt=$OUT/libfdt-$HOST_ARCH
  mkdir -p "$fdt"
  ln -s /usr/lib/aarch64-linux-gnu/libfdt.so.1 "$fdt/libfdt.so"
  sed "s|^kx_fdt_libdir = .*|kx_fdt_libdir = '$fdt'|" "$ROOT/cross/arm64.ini" >"$OUT/cross-$HOST_ARCH.ini"
  grep -q "^kx_fdt_libdir = '$fdt'" "$OUT/cross-$HOST_ARCH.ini" || die "cross/arm64.ini has no kx_fdt_libdir line"
  export DH_MESON_CROSS_FILE=$OUT/cross-$HOST_ARCH.ini
  export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }nocheck"
  # shellcheck disable=SC2054  # -P takes a comma-separated list of profiles
  dpkg_args+=(-a "$HOST_ARCH" -Pcross,nocheck -d)
fi
echo "build-deb: dpkg-buildpackage ${dpkg_args[*]} in $src"
(cd "$src" && dpkg-buildpackage "${dpkg_args[@]}") 2>&1 | tee "$OUT/build.log"
rm -rf "$src"

changes=$OUT/kexec-ng_${version}_$HOST_ARCH.changes
[ -f "$changes" ] || die "no $changes"
echo
echo "build-deb: in build/deb/:"
(cd "$OUT" && ls -1 ./*.deb ./*.changes ./*.buildinfo | sed 's|^\./|  |')

# 4. lintian.
if [ "${KX_NO_LINTIAN:-}" = 1 ]; then
  exit 0
elif command -v lintian >/dev/null; then
  echo "build-deb: lintian build/deb/${changes##*/}"
  lintian --fail-on error "$changes"
else
  echo "build-deb: lintian is not installed (apt-get install lintian): not run"
fi
