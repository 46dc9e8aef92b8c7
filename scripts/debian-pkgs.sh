# shellcheck shell=bash
# What scripts/fetch-kernels.sh and tests/e2e/kdump.sh share to download
# Debian packages (apt-get download; never installed, nothing in them run on
# the host) and pick files out of them.
#
# The private trixie apt configurations: fetch-kernels.sh writes their
# sources.list and lists under .cache/apt-trixie (amd64 and arm64) and
# .cache/apt-trixie-riscv64 (riscv64 only); kdump.sh reads them too (the
# kdump tools).  Two, because apt drops a suite's lists for every
# architecture when one architecture's index in it fails its hash: a riscv64
# index of trixie-security that a mirror serves out of sync must not send
# amd64 and arm64 back to trixie main's older kernels.  The machine's own apt
# configuration and lists are never used or changed through them.

# trixie_apt_setup CACHE DEB_ARCH: set TXDIR to the private trixie apt
# directory that holds DEB_ARCH's lists and TXAPT to apt's options for it.
trixie_apt_setup() {
  case "$2" in
    riscv64) TXDIR=$1/apt-trixie-riscv64; trixie_apt_opts "$TXDIR" riscv64 ;;
    *) TXDIR=$1/apt-trixie; trixie_apt_opts "$TXDIR" amd64 arm64 ;;
  esac
}

# forky_apt_setup CACHE: the same for the private forky (Debian testing)
# lists, amd64 only: tests/e2e/kdump.sh takes makedumpfile (1.7.8) from
# there for x86_64 6.12 captures, which trixie's 1.7.6 misreads (6.12's page
# types, fixed in 1.7.7).
forky_apt_setup() {
  TXDIR=$1/apt-forky
  trixie_apt_opts "$TXDIR" amd64
}

# trixie_apt_opts DIR NATIVE [FOREIGN...]: set the array TXAPT to apt's -o
# options for the sources.list, lists and cache under DIR, with NATIVE the
# architecture named packages have without ":ARCH" and FOREIGN further ones.
trixie_apt_opts() {
  local dir=$1 native=$2 archs
  shift
  archs=$(IFS=,; echo "$*")
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
    -o "APT::Architecture=$native"
    -o "APT::Architectures=$archs"
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
