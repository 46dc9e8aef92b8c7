#!/bin/bash
# Install every host package kexec-ng's build, unit tests, QEMU end-to-end
# tests and benchmark need.  Idempotent: when everything is already present it
# only runs dpkg-query and exits (no apt-get update).  Needs root to install.
set -euo pipefail

PKGS=(
  # build
  meson ninja-build pkg-config gcc libc6-dev binutils linux-libc-dev gcc-aarch64-linux-gnu
  libfdt-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev
  # QEMU end-to-end tests and benchmark (tests/e2e, scripts/bench.sh)
  qemu-system-x86 ovmf busybox-static cpio gzip xz-utils zstd lz4 bzip2
  # scripts/fetch-kernels.sh: apt-get download + dpkg-deb, Release signature
  # check against the Debian archive keyring
  apt dpkg gpgv debian-archive-keyring coreutils
)

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
  exit 0
fi

echo "setup-deps: installing: ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "setup-deps: not root and no sudo; install these by hand: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q </dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null
echo "setup-deps: done"
