# shellcheck shell=bash
# What scripts/fetch-kernels.sh and tests/e2e/kdump.sh share to download
# Debian packages (apt-get download; never installed, nothing in them run on
# the host) and pick files out of them.
#
# The private trixie apt configuration: fetch-kernels.sh writes its
# sources.list and lists under .cache/apt-trixie; kdump.sh reads them too
# (the kdump tools).  The machine's own apt configuration and lists are never
# used or changed through it.

# trixie_apt_opts DIR ARCH: set the array TXAPT to apt's -o options for the
# sources.list, lists and cache under DIR, with ARCH the native architecture
# (amd64) and arm64 and riscv64 foreign ones.
trixie_apt_opts() {
  local dir=$1 arch=$2
  # shellcheck disable=SC2034  # read by the caller
  TXAPT=(
    -o "Dir::Etc::sourcelist=$dir/sources.list"
    -o "Dir::Etc::sourceparts=/dev/null"
    -o "Dir::Etc::preferences=/dev/null"
    -o "Dir::Etc::preferencesparts=/dev/null"
    -o "Dir::State::Lists=$dir/lists"
    -o "Dir::Cache=$dir/cache"
    -o "Dir::Cache::pkgcache=pkgcache.bin"
    -o "Dir::Cache::srcpkgcache=srcpkgcache.bin"
    -o "APT::Architecture=$arch"
    -o "APT::Architectures=$arch,arm64,riscv64"
    -o "Acquire::Languages=none"
  )
}

# sysroot_file SYSROOT PATH: the file PATH names in the packages unpacked
# under SYSROOT (dpkg-deb -x), following symlinks inside SYSROOT (at most 10
# deep).  Fails, printing nothing, when there is no such file.
sysroot_file() {
  local sys=$1 p=$2 n=0 l
  while [ -L "$sys$p" ] && [ $n -lt 10 ]; do
    l=$(readlink "$sys$p")
    case "$l" in /*) p=$l ;; *) p=$(dirname "$p")/$l ;; esac
    n=$((n + 1))
  done
  [ -f "$sys$p" ] && echo "$sys$p"
}
