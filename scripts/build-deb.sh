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

# 1. dpkg-dev (dpkg-checkbuilddeps, dpkg-buildpackage), then Build-Depends.
if ! command -v dpkg-checkbuilddeps >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
  apt_install dpkg-dev
fi
if dpkg-checkbuilddeps 2>/dev/null; then
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
echo "build-deb: dpkg-buildpackage -us -uc -b in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b) 2>&1 | tee "$OUT/build.log"
rm -rf "$src"

arch=$(dpkg --print-architecture)
changes=$OUT/kexec-ng_${version}_$arch.changes
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
