#!/bin/bash
# Build the small x86_64 kernel that tests/e2e/jump.sh boots: CONFIG_KEXEC_JUMP
# (Debian's bookworm and trixie amd64 kernels are built without it), and
# CONFIG_OF with KEXEC_FILE for the --dtb and --force-dtb cases (Debian's
# amd64 kernels have no CONFIG_OF).  The source is Debian's newest
# linux-source in trixie-backports (7.x): 6.18+ is where kexec_file_load on x86 knows
# KEXEC_FILE_FORCE_DTB (commit f367474b5884); and, unlike 6.1, it comes back
# from a kexec jump (6.1's machine_kexec() left the GDT invalid for
# restore_processor_state(): fixed upstream after 6.12).
#
#   .cache/kernel-jump/dl/linux-source-7.X_*.deb    apt-get download, through the
#                                                   private trixie lists that
#                                                   scripts/fetch-kernels.sh keeps
#   .cache/kernel-jump/src/linux-source-7.X/        its tarball, unpacked once
#   .cache/kernel-jump/<key>/{bzImage,config,version,build-seconds}
#
# <key> hashes tests/e2e/jump/kernel.config, this script and the source
# package's name: a change to any builds a new kernel; otherwise the cached
# one is used.  The config
# is `make tinyconfig` plus tests/e2e/jump/kernel.config, and the build
# checks that every option of the fragment came out as asked (a dependency
# the fragment lacks would silently drop one).
#
# Usage: scripts/build-jump-kernel.sh [-j N]    prints the bzImage's path
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache/kernel-jump
FRAG=$ROOT/tests/e2e/jump/kernel.config
JOBS=$(nproc)
[ "${1:-}" = -j ] && JOBS=$2

log() { echo "build-jump-kernel: $*" >&2; }
die() { echo "build-jump-kernel: error: $*" >&2; exit 1; }

# The source: what trixie-backports' linux-source depends on now (7.3 on
# 2026-12-05), not a fixed version: backports keeps only its newest, and an
# empty cache must still find one. The kernel is cached per source package.
# shellcheck source=scripts/debian-pkgs.sh
. "$ROOT/scripts/debian-pkgs.sh"
trixie_apt_setup "$ROOT/.cache" amd64
SOURCE=$(apt-cache "${TXAPT[@]}" -t trixie-backports depends linux-source 2>/dev/null |
         awk '$1 == "Depends:" && $2 ~ /^linux-source-[0-9]/ { print $2; exit }')
[ -n "$SOURCE" ] ||
  die "no linux-source in trixie-backports' lists ($TXDIR): run scripts/fetch-kernels.sh (it fetches them)"
key=$(cat "$FRAG" "${BASH_SOURCE[0]}" <(echo "$SOURCE") | sha256sum | cut -c1-16)
out=$CACHE/$key
if [ -f "$out/bzImage" ]; then echo "$out/bzImage"; exit 0; fi

for tool in make gcc flex bison bc; do
  command -v $tool >/dev/null || die "$tool not found: run scripts/setup-deps.sh"
done
[ -f /usr/include/libelf.h ] || die "libelf-dev missing (objtool): run scripts/setup-deps.sh"

# The source: Debian's $SOURCE, the newest trixie-backports has; unpacked
# once (a new package version is used only after removing src/$SOURCE).
src=$CACHE/src/$SOURCE
if [ ! -f "$src/Makefile" ]; then
  mkdir -p "$CACHE/dl" "$CACHE/src"
  deb=$(ls "$CACHE"/dl/"$SOURCE"_*_all.deb 2>/dev/null | tail -1 || true)
  if [ -z "$deb" ]; then
    log "downloading $SOURCE (apt-get download, trixie-backports)"
    (cd "$CACHE/dl" && apt-get "${TXAPT[@]}" -q download "$SOURCE" </dev/null >&2) || die "apt-get download failed"
    deb=$(ls "$CACHE"/dl/"$SOURCE"_*_all.deb | tail -1)
  fi
  log "unpacking $(basename "$deb")"
  rm -rf "$CACHE/src/tmp"; mkdir -p "$CACHE/src/tmp"
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$SOURCE.tar.xz" | tar -xJ -C "$CACHE/src/tmp"
  mv "$CACHE/src/tmp/$SOURCE" "$src"
  rmdir "$CACHE/src/tmp"
  basename "$deb" | sed "s/^${SOURCE}_\(.*\)_all.deb\$/\1/" >"$src.version"
fi

b=$CACHE/build-$key
rm -rf "$b"; mkdir -p "$b"
t0=$(date +%s)
log "configuring in $b (tinyconfig + $(basename "$FRAG"))"
make -s -C "$src" O="$b" ARCH=x86_64 tinyconfig >"$b/tinyconfig.log" 2>&1 || { cat "$b/tinyconfig.log" >&2; exit 1; }
"$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "$FRAG" >/dev/null
make -s -C "$src" O="$b" ARCH=x86_64 olddefconfig >&2
# every option of the fragment as asked
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$b/.config" && { log "$opt is set, the fragment says n"; bad=1; } ;;
    CONFIG_*=*) grep -qx "$line" "$b/.config" || { log "$line did not stick (a missing dependency?)"; bad=1; } ;;
  esac
done <"$FRAG"
[ $bad = 0 ] || die "the config differs from $FRAG"
log "building bzImage with -j$JOBS"
make -s -C "$src" O="$b" ARCH=x86_64 -j"$JOBS" bzImage >&2
t1=$(date +%s)
mkdir -p "$out.tmp"
cp "$b/arch/x86/boot/bzImage" "$out.tmp/bzImage"
cp "$b/.config" "$out.tmp/config"
echo "$SOURCE $(cat "$src.version" 2>/dev/null)" >"$out.tmp/version"
echo $((t1 - t0)) >"$out.tmp/build-seconds"
rm -rf "$out"; mv "$out.tmp" "$out"
rm -rf "$b"
log "built in $((t1 - t0)) s: $out/bzImage"
echo "$out/bzImage"
