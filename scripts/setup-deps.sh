#!/bin/bash
# Install every host package kexec-ng's build, unit tests, QEMU end-to-end
# tests and benchmark need.  Idempotent: when everything is already present it
# only runs dpkg-query and apt-cache (no apt-get update).  Needs root to install.
#
# arm64 (make static ARCH=arm64, cross/arm64.ini): the cross compiler, and
# the arm64 -dev libraries through multiarch (dpkg --add-architecture arm64).
# Except libfdt-dev: bookworm's is not Multi-Arch: same, so apt would remove
# the host's libfdt-dev to install libfdt-dev:arm64.  Its arm64 static
# library is extracted instead (apt-get download + dpkg-deb -x, never
# installed) into .cache/sysroot-arm64, where cross/arm64.ini points meson.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

PKGS=(
  # build
  make meson ninja-build pkg-config gcc libc6-dev binutils linux-libc-dev gcc-aarch64-linux-gnu
  libfdt-dev zlib1g-dev libdeflate-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev liblzo2-dev file
  # python3 (standard library only): src/purgatory/mkblob.py, scripts/test.sh's
  # TAP count, tests/purgatory/run.sh's QEMU monitor (meson pulls it in too,
  # but these call it themselves)
  python3
  # awk: the scripts are written for POSIX awk, but Debian 12's default is
  # mawk; gawk (awk's alternative at a higher priority) is installed so
  # that every script runs under the awk it was developed and tested with
  gawk
  # arm64 cross build (multiarch; libfdt-dev:arm64 is handled below)
  libc6-dev:arm64 zlib1g-dev:arm64 libdeflate-dev:arm64 liblzma-dev:arm64 libzstd-dev:arm64
  liblz4-dev:arm64 libbz2-dev:arm64 liblzo2-dev:arm64
  # the arm64 Debian package, cross-built (scripts/build-deb.sh,
  # KX_DEB_HOST_ARCH=arm64): libfdt1:arm64 is Multi-Arch: same
  libfdt1:arm64
  # QEMU end-to-end tests and benchmark (tests/e2e, scripts/bench.sh); the
  # arm64 guests' busybox and kexec-tools come from scripts/fetch-kernels.sh
  qemu-system-x86 ovmf busybox-static cpio gzip xz-utils zstd lz4 bzip2 lzop
  qemu-system-arm qemu-efi-aarch64 device-tree-compiler
  # tests/e2e/kdump.sh: Debian's crash reads a dump vmcore-save wrote in a
  # capture kernel (with the crashed kernel's vmlinux, scripts/fetch-vmlinux-dbg.sh)
  crash
  # the unit suite's shellcheck test (tests/tools/shellcheck.sh)
  shellcheck
  # snappy-interop checks our snappy codec against the library crash reads -p dumps with
  libsnappy1v5
  gcc-riscv64-linux-gnu qemu-system-misc  # riscv64 purgatory and its QEMU harness
  lld-19  # riscv64 static link: trixie libc.a needs a linker newer than ld 2.40
  # scripts/fetch-kernels.sh: apt-get download + dpkg-deb, Release signature
  # check against the Debian archive keyring
  apt dpkg gpgv debian-archive-keyring coreutils
  # tests/system: Debian root file systems (scripts/debian-systems.sh) made
  # into ext4 disk images and read back without mounting (e2fsprogs)
  debootstrap e2fsprogs
  # tests/system's trixie-arm64 system and its kexec-ng package, built on
  # amd64 through qemu-user: scripts/binfmt-arm64.sh registers the
  # interpreter with binfmt_misc (no systemd-binfmt in a container)
  qemu-user-static
  # the Debian package (scripts/build-deb.sh; it installs debian/control's
  # Build-Depends itself): dpkg-buildpackage, debhelper, lintian
  dpkg-dev debhelper fakeroot lintian
  # libFuzzer harnesses (scripts/fuzz.sh): clang and its fuzzer runtime
  clang libclang-rt-14-dev
  # tests/e2e/jump.sh's kernel (scripts/build-jump-kernel.sh: Debian's
  # linux-source-7.2, apt-get download, built with kconfig and objtool)
  flex bison bc libelf-dev xz-utils
)

SUDO=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi

# The arm64 packages need arm64 in dpkg's architectures (and apt lists for it).
need_update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "setup-deps: not root and no sudo; run 'dpkg --add-architecture arm64' by hand" >&2
    exit 1
  fi
  echo "setup-deps: dpkg --add-architecture arm64"
  $SUDO dpkg --add-architecture arm64
  need_update=1
fi

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case "$st" in
    ii*) ;;
    *) missing+=("$p") ;;
  esac
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PKGS[@]} packages present"
else
  echo "setup-deps: installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
    echo "setup-deps: not root and no sudo; install these by hand: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q </dev/null
  need_update=0
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null
  echo "setup-deps: done"
fi

# libfdt-dev:arm64, extracted (see the top).  Keyed by the package version.
sysroot=$ROOT/.cache/sysroot-arm64
if [ $need_update = 1 ]; then $SUDO apt-get update -q </dev/null; fi
fdt_ver=$(apt-cache show --no-all-versions libfdt-dev:arm64 2>/dev/null | awk '/^Version:/ && !v { v = $2 } END { print v }')
if [ -z "$fdt_ver" ]; then
  echo "setup-deps: apt knows no libfdt-dev:arm64 (run apt-get update)" >&2
  exit 1
fi
if [ -f "$sysroot/usr/lib/aarch64-linux-gnu/libfdt.a" ] &&
   [ "$(cat "$sysroot/libfdt-dev.version" 2>/dev/null)" = "$fdt_ver" ]; then
  echo "setup-deps: libfdt-dev:arm64 $fdt_ver present in $sysroot"
else
  echo "setup-deps: extracting libfdt-dev:arm64 $fdt_ver into $sysroot"
  mkdir -p "$ROOT/.cache"
  dl=$(mktemp -d "$ROOT/.cache/dl.XXXXXX")
  # Let apt's _apt sandbox user write there (no unsandboxed-download warning).
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
  (cd "$dl" && apt-get -q download "libfdt-dev:arm64=$fdt_ver" </dev/null)
  rm -rf "$sysroot.new"
  dpkg-deb -x "$dl"/libfdt-dev_*_arm64.deb "$sysroot.new"
  [ -f "$sysroot.new/usr/lib/aarch64-linux-gnu/libfdt.a" ] ||
    { echo "setup-deps: no usr/lib/aarch64-linux-gnu/libfdt.a in libfdt-dev:arm64" >&2; exit 1; }
  echo "$fdt_ver" >"$sysroot.new/libfdt-dev.version"
  rm -rf "$sysroot" "$dl"
  mv "$sysroot.new" "$sysroot"
fi
