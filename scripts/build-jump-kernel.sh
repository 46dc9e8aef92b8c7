#!/bin/bash
# Build the small x86_64 kernel with CONFIG_KEXEC_JUMP that tests/e2e/jump.sh
# boots (Debian's bookworm and trixie amd64 kernels are built without it).
#
#   .cache/kernel-jump/dl/linux-source-6.1_*.deb    Debian's linux-source-6.1 (apt-get download)
#   .cache/kernel-jump/src/linux-source-6.1/        its tarball, unpacked once
#   .cache/kernel-jump/<key>/{bzImage,config,version,build-seconds}
#
# <key> hashes tests/e2e/jump/kernel.config, the patches beside it and this
# script: a change to any builds a new kernel; otherwise the cached one is
# used.  The patches (applied to the unpacked source in place, once):
#   restore-gdt.patch  6.1's machine_kexec() invalidates the GDT, and on the
#                      way back from a kexec jump restore_processor_state()
#                      loads segment registers before it reloads one: #GP,
#                      triple fault, so no kexec jump ever returns (upstream
#                      fixed it in relocate_kernel_64.S after 6.12).  The
#                      patch keeps the GDT descriptor and loads it first.  The config
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

PATCHES=("$ROOT"/tests/e2e/jump/*.patch)
key=$(cat "$FRAG" "${PATCHES[@]}" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
out=$CACHE/$key
if [ -f "$out/bzImage" ]; then echo "$out/bzImage"; exit 0; fi

for tool in make gcc flex bison bc; do
  command -v $tool >/dev/null || die "$tool not found: run scripts/setup-deps.sh"
done
[ -f /usr/include/libelf.h ] || die "libelf-dev missing (objtool): run scripts/setup-deps.sh"

# The source: Debian's linux-source-6.1, whatever version apt has; unpacked
# once (a new package version is used only after removing src/).
src=$CACHE/src/linux-source-6.1
if [ ! -f "$src/Makefile" ]; then
  mkdir -p "$CACHE/dl" "$CACHE/src"
  deb=$(ls "$CACHE"/dl/linux-source-6.1_*_all.deb 2>/dev/null | tail -1 || true)
  if [ -z "$deb" ]; then
    log "downloading linux-source-6.1 (apt-get download)"
    (cd "$CACHE/dl" && apt-get -q download linux-source-6.1 </dev/null >&2) || die "apt-get download failed"
    deb=$(ls "$CACHE"/dl/linux-source-6.1_*_all.deb | tail -1)
  fi
  log "unpacking $(basename "$deb")"
  rm -rf "$CACHE/src/tmp"; mkdir -p "$CACHE/src/tmp"
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz | tar -xJ -C "$CACHE/src/tmp"
  mv "$CACHE/src/tmp/linux-source-6.1" "$src"
  rmdir "$CACHE/src/tmp"
  basename "$deb" | sed 's/^linux-source-6.1_\(.*\)_all.deb$/\1/' >"$CACHE/src/version"
fi

for p in "${PATCHES[@]}"; do
  if patch -d "$src" -p1 -R --dry-run -s -f <"$p" >/dev/null 2>&1; then continue; fi
  log "applying $(basename "$p")"
  patch -d "$src" -p1 -s -f <"$p" >&2 || die "$(basename "$p") does not apply"
done

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
echo "linux-source-6.1 $(cat "$CACHE/src/version" 2>/dev/null)" >"$out.tmp/version"
echo $((t1 - t0)) >"$out.tmp/build-seconds"
rm -rf "$out"; mv "$out.tmp" "$out"
rm -rf "$b"
log "built in $((t1 - t0)) s: $out/bzImage"
echo "$out/bzImage"
