#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The vmlinux with debug information of a test kernel, for crash: from
# Debian's linux-image-*-dbg package of the version scripts/fetch-kernels.sh
# pinned (.cache/kernels/RELEASE-ARCH/package), only that one file taken
# out of the 5 GiB package (it lies near the start of the archive: tar stops
# there), cached as .cache/vmlinux-dbg/RELEASE-ARCH/vmlinux.
# Usage: scripts/fetch-vmlinux-dbg.sh RELEASE-ARCH   (e.g. bookworm-amd64)
# Prints the vmlinux's path.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "fetch-vmlinux-dbg: $*" >&2; exit 1; }
[ $# = 1 ] || die "usage: $0 RELEASE-ARCH"
k=$ROOT/.cache/kernels/$1
[ -s "$k/package" ] || die "no $k/package (scripts/fetch-kernels.sh fetches the test kernels)"
pkg=$(cut -d= -f1 "$k/package") ver=$(cut -d= -f2 "$k/package")
want="$pkg-dbg=$ver"
dir=$ROOT/.cache/vmlinux-dbg/$1
if [ -s "$dir/vmlinux" ] && [ "$(cat "$dir/package" 2>/dev/null)" = "$want" ]; then
  echo "$dir/vmlinux"
  exit 0
fi
mkdir -p "$ROOT/.cache"
dl=$(mktemp -d "$ROOT/.cache/vmlinux-dbg-dl.XXXXXX")
trap 'rm -rf "$dl"' EXIT
# (apt's _apt sandbox user must be able to write where it downloads)
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
echo "fetch-vmlinux-dbg: downloading $want (about 860 MB; only the vmlinux is kept)" >&2
(cd "$dl" && apt-get -q download "$want" </dev/null) >&2 || die "apt-get download $want failed"
member=./usr/lib/debug/boot/vmlinux-${pkg#linux-image-}
# tar leaves at the first occurrence, dpkg-deb then gets SIGPIPE: not an error
set +o pipefail
dpkg-deb --fsys-tarfile "$dl"/*.deb 2>/dev/null | tar -x -C "$dl" --occurrence=1 "$member"
set -o pipefail
[ -s "$dl/$member" ] || die "$want: no $member in the package"
mkdir -p "$dir"
mv "$dl/$member" "$dir/vmlinux"
echo "$want" >"$dir/package"
echo "$dir/vmlinux"
