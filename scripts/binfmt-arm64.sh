#!/bin/bash
# Register qemu-user-static's aarch64 interpreter with the kernel's
# binfmt_misc, so that the amd64 host runs arm64 binaries (debootstrap
# --arch=arm64's second stage, apt and mkinitramfs in an arm64 chroot).
#
# Usage: scripts/binfmt-arm64.sh [--check]
#   (no option)  register when needed (idempotent), then check
#   --check      only say whether arm64 binaries can run here: prints
#                nothing and exits 0 when they can, else prints the reason
#                (for a SKIP line) and exits 1
#
# Why a script: qemu-user-static ships /usr/lib/binfmt.d/qemu-aarch64.conf,
# which systemd-binfmt.service (or binfmt-support's update-binfmts) writes to
# /proc/sys/fs/binfmt_misc/register at boot.  A container has neither, so
# nothing registers it.  This writes the same entry with the F flag ("fix
# binary": the kernel opens the interpreter at registration time, so it is
# found inside a chroot that has no /usr/libexec/qemu-binfmt of its own).
# Flags: O (open the binary), C (credentials from it), F, P is dropped (argv0
# preservation needs the -binfmt-P wrapper; qemu-aarch64-static itself is
# registered).  An existing qemu-aarch64 entry without F is replaced.
#
# Needs root and a writable /proc/sys/fs/binfmt_misc (mounted by the host,
# or here when the kernel has binfmt_misc and nobody mounted it; in docker:
# the container sees the host's, which is shared by all containers: the
# registration persists until the host reboots).
set -euo pipefail

BM=/proc/sys/fs/binfmt_misc
NAME=qemu-aarch64
INTERP=/usr/bin/qemu-aarch64-static
# ELF64 little-endian, e_machine EM_AARCH64 (0xb7): the magic and mask of
# qemu's own scripts/qemu-binfmt-conf.sh.
MAGIC='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
MASK='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

# reason: empty when arm64 binaries run here.
reason() {
  [ "$(uname -m)" = aarch64 ] && return 0
  [ -e "$BM/status" ] || { echo "no $BM (binfmt_misc not mounted: mount -t binfmt_misc binfmt_misc $BM)"; return 0; }
  [ "$(cat "$BM/status")" = enabled ] || { echo "binfmt_misc is disabled ($BM/status)"; return 0; }
  [ -x "$INTERP" ] || { echo "no $INTERP (apt-get install qemu-user-static)"; return 0; }
  [ -e "$BM/$NAME" ] || { echo "$NAME not registered in $BM (scripts/binfmt-arm64.sh)"; return 0; }
  grep -qx enabled "$BM/$NAME" || { echo "$BM/$NAME is disabled"; return 0; }
  grep -q '^flags:.*F' "$BM/$NAME" || { echo "$BM/$NAME has no F flag (chroots cannot find the interpreter)"; return 0; }
}

if [ "${1:-}" = --check ]; then
  r=$(reason)
  [ -z "$r" ] || { echo "$r"; exit 1; }
  exit 0
fi

[ "$(uname -m)" = aarch64 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "binfmt-arm64: needs root" >&2; exit 1; }
if [ ! -x "$INTERP" ]; then
  echo "binfmt-arm64: installing qemu-user-static"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-user-static </dev/null ||
    { apt-get update -q </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-user-static </dev/null; }
fi
# A machine without systemd (a container, a microVM) may not have mounted
# it: the kernel has the file system, so mount it (as systemd would).
if [ ! -e "$BM/register" ] && grep -qw binfmt_misc /proc/filesystems; then
  echo "binfmt-arm64: mounting binfmt_misc on $BM"
  mount -t binfmt_misc binfmt_misc "$BM" || true
fi
[ -e "$BM/register" ] || { echo "binfmt-arm64: no $BM/register (binfmt_misc not mounted, and it cannot be here)" >&2; exit 1; }
if [ -e "$BM/$NAME" ]; then
  if grep -q '^flags:.*F' "$BM/$NAME" && grep -qx "interpreter $INTERP" "$BM/$NAME"; then
    grep -qx enabled "$BM/$NAME" || echo 1 >"$BM/$NAME"
  else
    echo -1 >"$BM/$NAME"   # remove the entry to register ours
  fi
fi
[ -e "$BM/$NAME" ] || printf ':%s:M::%s:%s:%s:OCF' "$NAME" "$MAGIC" "$MASK" "$INTERP" >"$BM/register"
r=$(reason)
[ -z "$r" ] || { echo "binfmt-arm64: $r" >&2; exit 1; }
echo "binfmt-arm64: $NAME registered ($INTERP, flags $(sed -n 's/^flags: //p' "$BM/$NAME"))"
