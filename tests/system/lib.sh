# shellcheck shell=bash
# Host-side library of the Debian-system tests (tests/system/run.sh): real
# Debian systems (scripts/debian-systems.sh) on an ext4 virtio disk, booted
# by QEMU (TCG) from their own kernel and initramfs, with systemd as PID 1.
# The host never mounts a disk image: images are made with mke2fs -d and
# changed and read with debugfs.  Nothing here runs kexec on the host.
#
# SUITE below names a system: bookworm or trixie (amd64), or SUITE-ARCH
# (bookworm-amd64, trixie-amd64, trixie-arm64).  arm64 systems boot in
# qemu-system-aarch64 -M virt (TCG), amd64 ones in qemu-system-x86_64 -M pc.
#
# Functions:
#   sys_system SUITE                  the system's name (SUITE-ARCH)
#   sys_arch SUITE                    its architecture (amd64 | arm64)
#   sys_prepare SUITE                 build the cached system if needed
#   sys_image SUITE OUT.img [HOST:GUEST ...]
#                                     a fresh disk image of SUITE with files
#                                     added (HOST a file or a directory)
#   sys_boot IMG LOG [--append "ARGS"] [--mem 2G] [--timeout S] [QEMU ARGS...]
#                                     boot IMG, serial console into LOG;
#                                     returns QEMU's (or timeout's) status
#   sys_get IMG GUESTPATH HOSTPATH    copy a file (or a directory) out of IMG
#   sys_ls IMG GUESTDIR               "ls -l" of a directory in IMG
#   sys_skip_reason [SUITE]           why this host cannot run the tests
#                                     (of SUITE; empty: it can)
#
# Layout:
#   .cache/systems/SUITE-ARCH/        the system (rootfs/, vmlinuz, initrd.img,
#                                     versions.txt, stamp): debian-systems.sh
#   .cache/systems/SUITE-ARCH/base.img   that rootfs as a sparse ext4 image,
#                                     made once (mke2fs -d), copied per test
#   IMG.system                        beside each image: the system dir it was
#                                     made from (sys_boot takes its kernel)
export KEXEC_NG_FORBID_SYSCALLS=1

SYS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYS_ROOT=$(cd "$SYS_DIR/../.." && pwd)
SYS_CACHE=${SYS_CACHE:-$SYS_ROOT/.cache/systems}
SYS_IMG_SIZE=${SYS_IMG_SIZE:-4G}
SYS_MEM=${SYS_MEM:-2G}
SYS_TIMEOUT=${SYS_TIMEOUT:-900}
# Kernel command line of every boot (console=: sys_boot adds the arch's
# serial console); sys_boot --append adds to it.
SYS_CMDLINE=${SYS_CMDLINE:-"root=/dev/vda rw panic=-1"}
# arm64 guests: QEMU's -cpu.  max: every feature TCG has, but without LPA2
# (52-bit addresses with 4K pages): Debian's 6.12 arm64 kernel oopses on
# kexec_load with LPA2 (tests/e2e/lib.sh, E2E_ARM64_CPU).  pauth-impdef=on:
# pointer authentication with QEMU's own cheap algorithm instead of QARMA5,
# whose emulation doubles the time of every boot of Debian's kernel (it
# signs return addresses in every function); the kernel sees an
# IMPLEMENTATION DEFINED algorithm and uses it the same way.
SYS_ARM64_CPU=${SYS_ARM64_CPU:-max,lpa2=off,pauth-impdef=on}
# Bumped when base.img's recipe changes (rebuilds cached base images).
SYS_BASE_RECIPE=1

sys_system() {
  case "$1" in
    *-*) echo "$1" ;;
    *) echo "$1-amd64" ;;
  esac
}
sys_arch() { local n; n=$(sys_system "$1"); echo "${n##*-}"; }

sys_skip_reason() {
  local arch=amd64 qemu=qemu-system-x86_64 r
  [ $# = 0 ] || arch=$(sys_arch "$1")
  [ "$arch" = amd64 ] || qemu="qemu-system-aarch64"
  if [ "$(uname -m)" != x86_64 ]; then echo "host is $(uname -m), the systems are built on amd64"; return; fi
  if [ "$(id -u)" -ne 0 ]; then echo "not root (debootstrap, chroot and the root-owned rootfs need it)"; return; fi
  local t
  for t in "$qemu" mke2fs debugfs e2fsck timeout flock; do
    command -v "$t" >/dev/null 2>&1 || { echo "no $t (scripts/setup-deps.sh)"; return; }
  done
  # An arm64 system is built through qemu-user (binfmt_misc); a cached one
  # needs none.
  if [ "$arch" = arm64 ] && [ ! -f "$SYS_CACHE/$(sys_system "$1")/stamp" ]; then
    "$SYS_ROOT/scripts/binfmt-arm64.sh" >/dev/null 2>&1 || true
    r=$("$SYS_ROOT/scripts/binfmt-arm64.sh" --check) || { echo "cannot build the arm64 system: $r"; return; }
  fi
}

_sys_now() { date +%s.%N; }
_sys_dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# sys_prepare SUITE: the cached system (scripts/debian-systems.sh), and its
# base image (progress and errors on stderr).
sys_prepare() {
  local name sdir
  name=$(sys_system "$1") sdir=$SYS_CACHE/$(sys_system "$1")
  # Always asked: it rebuilds when its recipe changed, and costs a flock
  # and a cat when the system is cached.
  "$SYS_ROOT/scripts/debian-systems.sh" "$name" >&2 || return 1
  _sys_base_image "$sdir"
}

# The whole rootfs through mke2fs -d costs seconds of writes per image; a
# base image made once and copied (reflink or sparse copy) is cheaper, and
# the test's files go in with debugfs.  Rebuilt when the system is newer.
_sys_base_image() {
  local sdir=$1 base=$1/base.img want
  want="recipe=$SYS_BASE_RECIPE system=$(cat "$sdir/stamp") built=$(grep '^built=' "$sdir/versions.txt" | cut -d= -f2) size=$SYS_IMG_SIZE"
  [ -f "$base" ] && [ "$(cat "$base.stamp" 2>/dev/null)" = "$want" ] && return 0
  (
    flock 8
    [ -f "$base" ] && [ "$(cat "$base.stamp" 2>/dev/null)" = "$want" ] && exit 0
    local t0
    t0=$(_sys_now)
    rm -f "$base" "$base.stamp" "$base.new"
    # -d copies owners, modes, xattrs and hard links of the tree; -L so that
    # scenarios can tell the test disk by label.  The size is sparse.
    mke2fs -q -F -t ext4 -L kxroot -d "$sdir/rootfs" "$base.new" "$SYS_IMG_SIZE" >/dev/null ||
      { rm -f "$base.new"; exit 1; }
    mv "$base.new" "$base"
    echo "$want" >"$base.stamp"
    echo "sys: base image $(basename "$sdir") made in $(_sys_dt "$t0" "$(_sys_now)") s" >&2
  ) 8>"$sdir/.base.lock"
}

# _sys_debugfs_add CMDFILE HOST GUEST: debugfs commands that put HOST (a file,
# or a directory tree: files, directories, symbolic links) at GUEST, owned by
# root with HOST's permission bits.  debugfs splits its commands on blanks,
# so no path may contain any.
_sys_debugfs_add() {
  local cmds=$1 host=$2 guest=$3 p rel g mode
  case "$host$guest" in *[[:space:]]*) echo "sys_image: blank in '$host:$guest'" >&2; return 1 ;; esac
  # The parents of GUEST ("mkdir" of an existing one only complains).
  p=
  local IFS=/
  for rel in ${guest%/*}; do
    [ -n "$rel" ] || continue
    p=$p/$rel
    echo "mkdir $p"
  done >>"$cmds"
  unset IFS
  if [ -d "$host" ] && [ ! -L "$host" ]; then
    echo "mkdir $guest" >>"$cmds"
    # Parents before children (find's pre-order).
    (cd "$host" && find . -mindepth 1 -printf '%y %m %P %l\n') | while read -r type mode rel link; do
      g=$guest/$rel
      case "$type" in
        d) echo "mkdir $g"; echo "sif $g mode 040$mode" ;;
        f) echo "rm $g"; echo "write $host/$rel $g"; echo "sif $g mode 0100$mode" ;;
        l) echo "rm $g"; echo "symlink $g $link" ;;
        *) echo "sys_image: $host/$rel: not a file, directory or link" >&2; return 1 ;;
      esac
      [ "$type" = l ] || { echo "sif $g uid 0"; echo "sif $g gid 0"; }
    done >>"$cmds"
  elif [ -L "$host" ]; then
    printf 'rm %s\nsymlink %s %s\n' "$guest" "$guest" "$(readlink "$host")" >>"$cmds"
  elif [ -f "$host" ]; then
    mode=$(stat -c %a "$host")
    printf 'rm %s\nwrite %s %s\nsif %s mode 0100%s\nsif %s uid 0\nsif %s gid 0\n' \
      "$guest" "$host" "$guest" "$guest" "$mode" "$guest" "$guest" >>"$cmds"
  else
    echo "sys_image: no such file or directory: $host" >&2; return 1
  fi
}

# sys_image SUITE OUT.img [HOST:GUEST ...]: a fresh disk image of SUITE's
# system plus the given files.  GUEST is absolute.  Example:
#   sys_image bookworm build/x.img t/scenario.sh:/root/scenario.sh \
#     t/units:/etc/systemd/system
sys_image() {
  local suite=$1 out=$2; shift 2
  local sdir spec cmds errs
  sdir=$SYS_CACHE/$(sys_system "$suite")
  sys_prepare "$suite" || return 1
  mkdir -p "$(dirname "$out")"
  rm -f "$out" "$out.system"
  # Same file system: a reflink when it can, else a sparse copy (the holes of
  # the 4G image stay holes).
  cp --reflink=auto --sparse=always "$sdir/base.img" "$out" || return 1
  if [ $# -gt 0 ]; then
    cmds=$(mktemp) errs=$(mktemp)
    for spec in "$@"; do
      _sys_debugfs_add "$cmds" "${spec%%:*}" "${spec#*:}" || { rm -f "$cmds" "$errs"; return 1; }
    done
    debugfs -w -f "$cmds" "$out" >/dev/null 2>"$errs"
    # debugfs exits 0 whatever happens: its complaints are the only signal.
    # Expected ones: "mkdir" of an existing directory, "rm" of a missing file.
    if grep -v -e '^debugfs ' -e 'File exists' -e 'File not found by ext2_lookup' \
         -e 'already exists' "$errs" | grep -q .; then
      echo "sys_image: debugfs reported:" >&2; cat "$errs" >&2
      rm -f "$cmds" "$errs"; return 1
    fi
    rm -f "$cmds" "$errs"
  fi
  echo "$sdir" >"$out.system"
}

# sys_boot IMG LOG [--append "ARGS"] [--mem SIZE] [--timeout S] [QEMU ARGS...]
# Boots IMG's system from its own kernel and initramfs (-kernel/-initrd: no
# boot loader) on a virtio disk, no network, serial console into LOG.
# -no-reboot: a guest reboot or power-off ends QEMU; a kexec is not a reset,
# so kexec chains (and kdump) go on within one run.  Status: QEMU's (0 after
# a power-off or a reboot), 124 on timeout.
sys_boot() {
  local img=$1 log=$2; shift 2
  local append="" mem=$SYS_MEM to=$SYS_TIMEOUT sdir arch extra=() machine
  while [ $# -gt 0 ]; do
    case "$1" in
      --append) append="$append $2"; shift 2 ;;
      --mem) mem=$2; shift 2 ;;
      --timeout) to=$2; shift 2 ;;
      *) extra+=("$1"); shift ;;
    esac
  done
  sdir=$(cat "$img.system" 2>/dev/null) || { echo "sys_boot: $img: not made by sys_image (no $img.system)" >&2; return 2; }
  mkdir -p "$(dirname "$log")"
  : >"$log"
  arch=$(sed -n 's/^arch=//p' "$sdir/versions.txt")
  case "$arch" in
    # Debian's arm64 vmlinuz is an uncompressed Image (with a PE/COFF EFI
    # stub header, which -kernel ignores): QEMU loads it as a Linux Image
    # and passes the initrd and command line in the device tree it makes.
    # virt's -drive if=virtio is virtio-blk-pci, like the pc machine's.
    arm64) machine=(qemu-system-aarch64 -M virt -cpu "$SYS_ARM64_CPU") append=" console=ttyAMA0$append" ;;
    *) machine=(qemu-system-x86_64 -M pc) append=" console=ttyS0$append" ;;
  esac
  timeout --foreground -k 10 "$to" "${machine[@]}" -accel tcg -m "$mem" -smp 1 \
    -display none -monitor none -serial "file:$log" -no-reboot -nic none \
    -kernel "$sdir/vmlinuz" -initrd "$sdir/initrd.img" \
    -append "$SYS_CMDLINE$append" \
    -drive "file=$img,if=virtio,format=raw" \
    "${extra[@]}" </dev/null
}

# A guest killed mid-write (a timeout, a crash) leaves the journal to
# replay, and debugfs does not replay it: e2fsck does, on the image file.
_sys_recover() {
  local img=$1
  if dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery'; then
    e2fsck -p "$img" >/dev/null 2>&1 || [ $? -le 1 ]
  fi
}

# sys_get IMG GUESTPATH HOSTPATH: a file to HOSTPATH; a directory DIR goes
# to HOSTPATH/DIR (debugfs rdump; HOSTPATH is created).  Fails when GUESTPATH
# is not in the image.
sys_get() {
  local img=$1 guest=$2 host=$3 out
  _sys_recover "$img"
  out=$(debugfs -R "stat $guest" "$img" 2>&1) || true
  case "$out" in
    *"File not found"*|*"not found by ext2_lookup"*) echo "sys_get: $guest: not in $img" >&2; return 1 ;;
    *"Type: directory"*)
      mkdir -p "$host"
      debugfs -R "rdump $guest $host" "$img" >/dev/null 2>&1 ;;
    *)
      rm -f "$host"
      debugfs -R "dump -p $guest $host" "$img" >/dev/null 2>&1
      [ -f "$host" ] || { echo "sys_get: $guest: dump failed" >&2; return 1; } ;;
  esac
}

# sys_ls IMG GUESTDIR: debugfs's "ls -l" listing.
sys_ls() {
  _sys_recover "$1"
  debugfs -R "ls -l $2" "$1" 2>/dev/null
}
