#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark vmcore-save against Debian's makedumpfile on the host, on the
# same ELF vmcore: /proc/vmcore of a 2 GiB x86_64 guest (Debian bookworm
# 6.1) that crashed into a capture kernel, copied byte for byte to the host.
# Not a test: prints a table (README "Benchmark", vmcore-save part).
#
# The vmcore (cached: .cache/bench-save/vmcore): QEMU (TCG) boots the
# bookworm kernel with crashkernel=256M; its init loads the same kernel as
# the capture kernel with kexec-ng's `kexec -p` (static build) and crashes
# it (sysrq c); the capture kernel loads the virtio block driver (the six
# modules, taken out of Debian's linux-image package) and writes
# /proc/vmcore to a virtio disk, which is cut to the ELF's length on the
# host. Nothing runs kexec on the host.
#
# The runs: makedumpfile (bookworm's 1.7.2, from the kdump tools
# tests/e2e/kdump.sh fetched) and vmcore-save (build/static-x86_64), each
# with -c -d 31, -c -d 1, -l -d 1, -z -d 1 (vmcore-save only: 1.7.2 has no
# zstd), and -E -d 31 (an ELF dump, one thread), on 1 thread and on every CPU (makedumpfile's --num-threads N;
# vmcore-save's default), R times each after a warm-up (the vmcore in the
# page cache for both); medians of wall time, user+system CPU time, output
# size and peak RSS (GNU time).
#
# Usage: scripts/bench-save.sh [-r R] [--refresh] [--vmcore-only]
#   -r R          runs per tool and setting (default 3)
#   --refresh     make the vmcore again
#   --vmcore-only make the vmcore if it is not cached, print its path, stop
#                 (tests/dump/host-compare.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export KEXEC_NG_FORBID_SYSCALLS=1
RUNS=3 REFRESH=0 VMCORE_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    -r) RUNS=$2; shift 2 ;;
    --refresh) REFRESH=1; shift ;;
    --vmcore-only) VMCORE_ONLY=1; shift ;;
    *) echo "usage: $0 [-r R] [--refresh] [--vmcore-only]" >&2; exit 2 ;;
  esac
done
die() { echo "bench-save: $*" >&2; exit 1; }
log() { echo "bench-save: $*" >&2; }

W=$ROOT/.cache/bench-save
mkdir -p "$W"
K=$ROOT/.cache/kernels/bookworm-amd64
KEXEC=$ROOT/build/static-x86_64/kexec
SAVE=$ROOT/build/static-x86_64/vmcore-save
MDF_TREE=$ROOT/.cache/kdump-tools-bookworm-amd64/tree
[ -s "$K/vmlinuz" ] || die "no $K/vmlinuz: run scripts/fetch-kernels.sh"
[ -x "$KEXEC" ] && [ -x "$SAVE" ] || die "no $KEXEC or $SAVE: run make static ARCH=x86_64"

# --- the vmcore ----------------------------------------------------------------
make_vmcore() {
  local pkg ver t=$W/tree dl
  pkg=$(cut -d= -f1 "$K/package") ver=$(cut -d= -f2 "$K/package")
  rm -rf "$t" "$W/dl"
  mkdir -p "$t/bin" "$t/mod" "$t/k2" "$t/dev" "$t/proc" "$t/sys" "$t/tmp" "$W/dl"
  dl=$W/dl
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
  log "the virtio block modules of $pkg=$ver (apt-get download)"
  (cd "$dl" && apt-get -q download "$pkg=$ver" </dev/null) >&2
  dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -x -C "$dl" --wildcards \
    './lib/modules/*/kernel/drivers/virtio/virtio*.ko' './lib/modules/*/kernel/drivers/block/virtio_blk.ko'
  local m
  for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
    find "$dl" -name "$m.ko" -exec cp {} "$t/mod/" \; 
    [ -s "$t/mod/$m.ko" ] || die "$pkg has no $m.ko"
  done
  cp /bin/busybox "$t/bin/busybox"
  for m in sh mount insmod dd cat sync poweroff sleep head tail echo grep cut stat; do ln -sf busybox "$t/bin/$m"; done
  cp "$KEXEC" "$t/bin/kexec"
  cp "$K/vmlinuz" "$t/k2/vmlinuz"
  # one /init for both kernels: the capture kernel (with /proc/vmcore)
  # writes it to the disk; the first one arms the capture kernel and crashes
  cat >"$t/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
if [ -e /proc/vmcore ]; then
  for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
    insmod /mod/$m.ko || echo "BENCH: insmod $m failed"
  done
  sleep 1
  echo "BENCH: vmcore $(stat -c %s /proc/vmcore 2>/dev/null) bytes"
  dd if=/proc/vmcore of=/dev/vda bs=4M 2>&1 | tail -n 1
  sync
  echo "BENCH: written"
  poweroff -f
fi
echo "BENCH: stage 1"
/bin/kexec -p /k2/vmlinuz --initrd=/k2/initrd.img \
  --append="console=ttyS0 quiet irqpoll nr_cpus=1 reset_devices panic=-1" || echo "BENCH: kexec -p failed"
sleep 2
echo c >/proc/sysrq-trigger
EOF
  chmod +x "$t/init"
  # the capture initrd is the tree without /k2 (the first initrd holds it)
  (cd "$t" && find . -path ./k2 -prune -o -print | cpio -o -H newc 2>/dev/null | gzip -1 >"$W/initrd2.img")
  cp "$W/initrd2.img" "$t/k2/initrd.img"
  (cd "$t" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$W/initrd1.img")
  rm -f "$W/disk.img"
  truncate -s 3G "$W/disk.img"
  log "booting the 2 GiB guest (TCG): crash, capture kernel, /proc/vmcore to the disk"
  timeout 900 qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nographic -no-reboot -net none \
    -kernel "$K/vmlinuz" -initrd "$W/initrd1.img" \
    -append "console=ttyS0 quiet panic=-1 crashkernel=256M" \
    -drive "file=$W/disk.img,if=virtio,format=raw" </dev/null >"$W/guest.log" 2>&1 || true
  grep -q '^BENCH: written' "$W/guest.log" || die "the guest did not write the vmcore: $(tail -n 5 "$W/guest.log")"
  # the ELF's length: the end of its last program header's bytes
  local len
  len=$(python3 - "$W/disk.img" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
h = f.read(64)
assert h[:4] == b"\x7fELF", "no ELF core on the disk"
phoff, = struct.unpack_from("<Q", h, 32)
phentsize, phnum = struct.unpack_from("<HH", h, 54)
f.seek(phoff)
end = 0
for i in range(phnum):
    p = f.read(phentsize)
    off, = struct.unpack_from("<Q", p, 8)
    filesz, = struct.unpack_from("<Q", p, 32)
    end = max(end, off + filesz)
print(end)
PY
)
  [ "$len" -gt 0 ] || die "cannot read the ELF's length"
  head -c "$len" "$W/disk.img" >"$W/vmcore.new"
  rm -f "$W/disk.img"
  mv "$W/vmcore.new" "$W/vmcore"
  log "vmcore: $len bytes ($(grep -a '^BENCH: vmcore' "$W/guest.log"))"
}
[ $REFRESH = 0 ] && [ -s "$W/vmcore" ] || make_vmcore
VMCORE=$W/vmcore
[ $VMCORE_ONLY = 0 ] || { echo "$VMCORE"; exit 0; }
[ -x "$MDF_TREE/sbin/makedumpfile" ] ||
  die "no $MDF_TREE/sbin/makedumpfile: run bash tests/e2e/kdump.sh --arch x86_64 kdump_c_rt_bookworm_to_bookworm_seabios once"
command -v /usr/bin/time >/dev/null || die "no GNU time (apt-get install time)"

# --- the runs ------------------------------------------------------------------
NCPU=$(nproc)
MDF_LIBS=$MDF_TREE/lib:$MDF_TREE/lib64:$MDF_TREE/lib/x86_64-linux-gnu
mdf() { LD_LIBRARY_PATH="$MDF_LIBS" "$MDF_TREE/sbin/makedumpfile" "$@"; }
# run_one TOOL ARGS...: one run; prints "wall cpu bytes maxrss_kib"
run_one() {
  local tool=$1 out=$W/out.dump tf=$W/time.txt; shift
  rm -f "$out"
  if [ "$tool" = makedumpfile ]; then
    /usr/bin/time -f '%e %U %S %M' -o "$tf" env LD_LIBRARY_PATH="$MDF_LIBS" \
      "$MDF_TREE/sbin/makedumpfile" "$@" "$VMCORE" "$out" >/dev/null 2>&1 || { echo "fail"; return; }
  else
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "$SAVE" "$@" "$VMCORE" "$out" >/dev/null 2>&1 || { echo "fail"; return; }
  fi
  local e u s m
  read -r e u s m <"$tf"
  echo "$e $(python3 -c "print(round($u + $s, 2))") $(stat -c %s "$out") $m"
  rm -f "$out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }
# bench LABEL TOOL ARGS...: R runs after a warm-up; one table row
bench() {
  local label=$1 tool=$2; shift 2
  run_one "$tool" "$@" >/dev/null
  local i rows=()
  for ((i = 0; i < RUNS; i++)); do rows+=("$(run_one "$tool" "$@")"); done
  if printf '%s\n' "${rows[@]}" | grep -q fail; then
    printf '| %s | %s | failed | | | |\n' "$label" "$tool $*"
    return
  fi
  printf '| %s | %s | %s | %s | %s MB | %s MiB |\n' "$label" "$tool $*" \
    "$(printf '%s\n' "${rows[@]}" | cut -d' ' -f1 | median)" \
    "$(printf '%s\n' "${rows[@]}" | cut -d' ' -f2 | median)" \
    "$(printf '%s\n' "${rows[@]}" | cut -d' ' -f3 | median | awk '{ printf "%.1f", $1 / 1e6 }')" \
    "$(printf '%s\n' "${rows[@]}" | cut -d' ' -f4 | median | awk '{ printf "%.0f", $1 / 1024 }')"
}
grep -m1 "model name" /proc/cpuinfo | sed 's/^/bench-save: host /' >&2
log "vmcore $(stat -c %s "$VMCORE") bytes; $RUNS runs each; $NCPU CPUs; makedumpfile $(mdf -v 2>&1 | head -n 1 | awk '{print $3}')"
echo "| setting | command | wall s | CPU s | output | peak RSS |"
echo "|---|---|---|---|---|---|"
for s in "-c -d 31" "-c -d 1" "-l -d 1"; do
  # shellcheck disable=SC2086  # the setting's words
  bench "$s, 1 thread" makedumpfile $s
  # shellcheck disable=SC2086
  bench "$s, 1 thread" vmcore-save $s --num-threads 1
  # shellcheck disable=SC2086
  bench "$s, $NCPU threads" makedumpfile $s --num-threads "$NCPU"
  # shellcheck disable=SC2086
  bench "$s, $NCPU threads" vmcore-save $s
done
# an ELF dump: one thread in both (makedumpfile refuses --num-threads with -E)
bench "-E -d 31" makedumpfile -E -d 31
bench "-E -d 31" vmcore-save -E -d 31
bench "-z -d 1, 1 thread" vmcore-save -z -d 1 --num-threads 1
bench "-z -d 1, $NCPU threads" vmcore-save -z -d 1
