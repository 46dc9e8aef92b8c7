#!/bin/bash
# vmcore-dmesg on real kernels: boot Debian's 6.1 (bookworm) and 6.12 (trixie)
# kernels (riscv64: 6.12 only) in QEMU (TCG) with a busybox initramfs holding the static
# vmcore-dmesg, write a unique marker to /dev/kmsg, then read the running
# kernel's log out of /proc/kcore (the same ELF core format and VMCOREINFO
# note as /proc/vmcore). Nothing is ever kexec'd.
#
# Checked per kernel (TAP, one line each):
#   - vmcore-dmesg /proc/kcore exits 0
#   - the marker is there, as the last record
#   - the log starts with the kernel's "[    0.000000] Linux version <version> ..."
#   - the output is the kernel's own dmesg (busybox dmesg, syslog(2)) line for
#     line (vmcore-dmesg runs after dmesg, so dmesg must be a prefix of it)
#   - --physical (every virtual address translated through VMCOREINFO and
#     kcore's p_paddr, as for a /proc/vmcore without virtual addresses: x86_64
#     phys_base + page-table walk, arm64 linear map + kimage_voffset, riscv64
#     PAGE_OFFSET/phys_ram_base + va_kernel_pa_offset) prints the same log
#   - --physical --extract: the minimal core it writes (only the memory read,
#     by physical address, p_vaddr 0 like a /proc/vmcore) reads the same
#   - --raw prints the records' bare text
#   - a truncated copy of /proc/kcore exits 4 with a named error, a non-core
#     file exits 5
#
# Usage: tests/vmcore/run.sh [--arch x86_64|arm64|riscv64] [--bin PATH] [--save DIR] [--full]
#   --bin   the static vmcore-dmesg to test (default: `make static ARCH=...`,
#           then build/static-ARCH/vmcore-dmesg)
#   --full  arm64: both modes on both kernels (default: bookworm static,
#           trixie dynamic, to stay under a minute; x86_64 always runs all four)
#   --save  keep each guest's files (dmesg, vmcore-dmesg output, VMCOREINFO)
#           in DIR/<kernel>/
# Prints "1..0 # SKIP <reason>" when QEMU, busybox or the kernels are missing
# (scripts/setup-deps.sh and scripts/fetch-kernels.sh provide them).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
arch=x86_64 bin='' save='' full=0 cmdline_arch=''
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --save) save=$2; shift 2 ;;
    --full) full=1; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

case "$arch" in
  # no_timer_check: on a loaded host TCG can be slow enough for the kernel's
  # IO-APIC timer check to fail ("IO-APIC + timer doesn't work!", a panic).
  x86_64) deb=amd64 qemu=qemu-system-x86_64 tty=ttyS0 busybox=/bin/busybox
          machine=(-accel tcg) machine_re="X86-64" cmdline_arch=" no_timer_check" ;;
  arm64) deb=arm64 qemu=qemu-system-aarch64 tty=ttyAMA0 busybox=$top/.cache/busybox-arm64/busybox
         machine=(-M virt -cpu "max,lpa2=off" -accel tcg) machine_re="AArch64" ;;
  riscv64) deb=riscv64 qemu=qemu-system-riscv64 tty=ttyS0 busybox=$top/.cache/busybox-riscv64/busybox
           machine=(-M virt -bios default -accel tcg) machine_re="RISC-V" ;;
  *) echo "1..0 # SKIP unknown architecture $arch"; exit 0 ;;
esac
kernels=(bookworm trixie)
[ "$arch" = riscv64 ] && kernels=(trixie)    # bookworm has no riscv64 archive

skip() { echo "1..0 # SKIP $*"; exit 0; }
command -v "$qemu" >/dev/null || skip "$qemu not installed (scripts/setup-deps.sh)"
command -v cpio >/dev/null || skip "cpio not installed"
[ -f "$busybox" ] || skip "no $arch busybox at $busybox (scripts/fetch-kernels.sh)"
for k in "${kernels[@]}"; do
  [ -f "$top/.cache/kernels/$k-$deb/vmlinuz" ] || skip "no $k-$deb kernel (scripts/fetch-kernels.sh)"
done

case "$arch:$(uname -m)" in
  arm64:aarch64|riscv64:riscv64|x86_64:x86_64) ;;
  *) cc=$( [ "$arch" = arm64 ] && echo aarch64-linux-gnu-gcc || echo riscv64-linux-gnu-gcc)
     [ -n "$bin" ] || command -v "$cc" >/dev/null ||
       skip "no $cc for make static ARCH=$arch (scripts/setup-deps.sh)" ;;
esac
if [ -z "$bin" ]; then
  # The default binary is (re)built, so that the test never runs a stale one.
  bin=$top/build/static-$arch/vmcore-dmesg
  if ! make -C "$top" static ARCH="$arch" >&2; then
    echo "1..1"; echo "not ok 1 - make static ARCH=$arch failed"; exit 1
  fi
fi
[ -f "$bin" ] || skip "no vmcore-dmesg binary at $bin"
readelf -h "$bin" 2>/dev/null | grep -q "Machine: .*$machine_re" || skip "$bin is not an $arch binary"
readelf -d "$bin" 2>/dev/null | grep -q NEEDED && skip "$bin is not static"

work=$(mktemp -d "${TMPDIR:-/tmp}/vmcore-qemu.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One guest: /init writes the marker, runs dmesg and vmcore-dmesg, sends the
# results back as a base64 tar on the console, powers off.
# Two guests per kernel: "static" keeps the boot-time ring buffer and floods
# it with 3000 lines so the text ring wraps (and records are recycled);
# "dynamic" boots with log_buf_len=1M, so setup_log_buf() moves the log to
# printk_rb_dynamic in memblock memory (the direct map / linear map).
guest() {
  local k=$1 mode=$2 dir=$work/$1-$2 marker flood='' extra='' keep_min="rm -f min.core"
  # --save brings the minimal cores home (fixtures for tests/unit/test_vmcore.c)
  [ -n "$save" ] && keep_min="gzip -9 min.core"
  marker=vmcore-dmesg-marker-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  if [ "$mode" = static ]; then
    # shellcheck disable=SC2016  # expanded by the guest's shell
    flood='i=0; while [ $i -lt 3000 ]; do echo "flood line $i: the quick brown fox jumps over the lazy dog" > /dev/kmsg; i=$((i + 1)); done'
  else
    extra=" log_buf_len=1M"
  fi
  mkdir -p "$dir/root/bin" "$dir/root/proc" "$dir/root/sys" "$dir/root/dev" "$dir/root/tmp"
  cp "$busybox" "$dir/root/bin/busybox"
  cp "$bin" "$dir/root/bin/vmcore-dmesg"
  for a in sh mount dmesg cat echo head tar gzip base64 poweroff sleep cmp mv; do
    ln -s busybox "$dir/root/bin/$a"
  done
  cat >"$dir/root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
cd /tmp
$flood
echo "$marker" > /dev/kmsg
# The reads below must see one log: wait until the kernel stops adding to
# it (late boot lines such as x86's "Refined TSC clocksource calibration"
# come seconds after init starts), at most 10 s.
i=0; dmesg > dmesg.txt
while [ \$i -lt 10 ]; do sleep 1; dmesg > dmesg2.txt; cmp -s dmesg.txt dmesg2.txt && break; mv dmesg2.txt dmesg.txt; i=\$((i + 1)); done
vmcore-dmesg -v /proc/kcore > vd.txt 2> vd.err; echo \$? > vd.rc
vmcore-dmesg --physical /proc/kcore > vd-phys.txt 2> vd-phys.err; echo \$? > vd-phys.rc
vmcore-dmesg -r /proc/kcore > vd-raw.txt 2> vd-raw.err; echo \$? > vd-raw.rc
vmcore-dmesg --physical --extract min.core /proc/kcore > vd-min-src.txt 2> vd-min.err; echo \$? > vd-min.rc
vmcore-dmesg min.core > vd-min.txt 2>> vd-min.err; echo \$? >> vd-min.rc
$keep_min
head -c 300 /proc/kcore > kcore-head
vmcore-dmesg kcore-head > /dev/null 2> trunc.err; echo \$? > trunc.rc
vmcore-dmesg /bin/busybox > /dev/null 2> notcore.err; echo \$? > notcore.rc
cat /sys/kernel/vmcoreinfo > vmcoreinfo-addr 2>/dev/null
echo VMCORE-BEGIN; tar cf - . | gzip | base64; echo VMCORE-END
poweroff -f
EOF
  chmod +x "$dir/root/init"
  echo "$marker" >"$dir/marker"
  (cd "$dir/root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$dir/initrd"
  timeout 150 "$qemu" "${machine[@]}" -m 512M -smp 1 -net none -nographic -no-reboot \
    -kernel "$top/.cache/kernels/$k-$deb/vmlinuz" -initrd "$dir/initrd" \
    -append "console=$tty quiet panic=-1$cmdline_arch$extra" >"$dir/serial.log" 2>&1
  mkdir -p "$dir/out"
  sed -n '/VMCORE-BEGIN/,/VMCORE-END/p' "$dir/serial.log" | tr -d '\r' | sed '1d;$d' |
    base64 -d 2>/dev/null | tar xzf - -C "$dir/out" 2>/dev/null
}

# x86_64 and riscv64 boot in seconds under TCG: every kernel in both modes.
# arm64 takes about twice as long: one mode per kernel unless --full.
runs=()
for k in "${kernels[@]}"; do
  if [ "$arch" != arm64 ] || [ "$full" = 1 ]; then
    runs+=("$k static" "$k dynamic")
  elif [ "$k" = bookworm ]; then
    runs+=("$k static")
  else
    runs+=("$k dynamic")
  fi
done
# A guest whose kernel died before /init ran (TCG makes rare early-boot
# failures of these distribution kernels) is booted once more; the first
# serial log is kept in build/vmcore-qemu-logs/ and the retry is reported.
boot() {
  guest "$@"
  if [ ! -f "$work/$1-$2/out/vd.rc" ]; then
    mkdir -p "$top/build/vmcore-qemu-logs"
    cp "$work/$1-$2/serial.log" "$top/build/vmcore-qemu-logs/$arch-$1-$2.failed-boot.log"
    echo "# $arch $1 $2: the guest did not reach /init; booted again (log: build/vmcore-qemu-logs/$arch-$1-$2.failed-boot.log)" >"$work/$1-$2.retry"
    rm -rf "$work/$1-$2"
    guest "$@"
  fi
}
for r in "${runs[@]}"; do
  # shellcheck disable=SC2086
  boot $r &
done
wait
cat "$work"/*.retry 2>/dev/null

n=0 failed=0
tap() {   # tap OK|FAIL description [detail]
  n=$((n + 1))
  if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
  if [ $# -gt 2 ] && [ -n "$3" ]; then printf '%s\n' "$3" | sed 's/^/#   /'; fi
}
check() { local d=$1; shift; if "$@"; then tap OK "$d"; else tap FAIL "$d" "${detail:-}"; fi; detail=; }

echo "1..$((${#runs[@]} * 10))"
for r in "${runs[@]}"; do
  read -r k mode <<<"$r"
  dir=$work/$k-$mode out=$work/$k-$mode/out
  version=$(cat "$top/.cache/kernels/$k-$deb/version")
  marker=$(cat "$dir/marker")
  name="$arch $k ($version) $mode"
  detail=$(tail -5 "$dir/serial.log" | tr -d '\r')
  check "$name: the guest booted and sent its results" test -f "$out/vd.rc"
  detail="exit $(cat "$out/vd.rc" 2>/dev/null): $(cat "$out/vd.err" 2>/dev/null)"
  check "$name: vmcore-dmesg /proc/kcore exits 0" test "$(cat "$out/vd.rc" 2>/dev/null)" = 0
  [ -s "$out/vd.err" ] && sed 's/^/# /' "$out/vd.err"
  detail=$(cat "$out/vd.err" 2>/dev/null)
  check "$name: the log is in printk_rb_$mode" grep -q " printk_rb_$mode ring buffer" "$out/vd.err"
  detail="last line: $(tail -1 "$out/vd.txt" 2>/dev/null)"
  check "$name: the marker written to /dev/kmsg is the last record" \
    grep -Eq "^\[ *[0-9]+\.[0-9]{6}\] $marker\$" <(tail -1 "$out/vd.txt" 2>/dev/null)
  if [ "$mode" = static ]; then
    # 3000 lines of ~80 bytes through a 128 KiB ring: the oldest are gone,
    # the text ring has wrapped; what is left must be the newest, in order.
    first=$(grep -m1 -o 'flood line [0-9]*' "$out/vd.txt" 2>/dev/null | grep -o '[0-9]*$')
    last=$(grep -o 'flood line [0-9]*' "$out/vd.txt" 2>/dev/null | tail -1 | grep -o '[0-9]*$')
    count=$(grep -c 'flood line' "$out/vd.txt" 2>/dev/null)
    detail="flood lines $first..$last, $count of them"
    check "$name: the wrapped ring holds the newest flood lines, contiguous" \
      test -n "$first" -a "${first:-0}" -gt 0 -a "${last:-0}" = 2999 -a "$count" = $((3000 - ${first:-0}))
  else
    # x86_64's first line; arm64 says "Booting Linux on physical CPU" first.
    detail="first lines: $(head -2 "$out/vd.txt" 2>/dev/null)"
    check "$name: the log starts with the kernel's first boot lines" \
      grep -q "^\[    0\.000000\] Linux version $version " <(head -2 "$out/vd.txt" 2>/dev/null)
  fi
  # dmesg(1) ran just before and reads at most log_buf_len bytes of text:
  # it must be the tail of vmcore-dmesg's output, line for line.
  dl=$(wc -l <"$out/dmesg.txt" 2>/dev/null || echo 0)
  detail=$(diff <(cat "$out/dmesg.txt" 2>/dev/null) <(tail -n "$dl" "$out/vd.txt" 2>/dev/null) | head -8)
  check "$name: the same $dl lines as the kernel's own dmesg" \
    test "$dl" -gt 100 -a -z "$detail"
  detail="exit $(cat "$out/vd-phys.rc" 2>/dev/null): $(cat "$out/vd-phys.err" 2>/dev/null)
$(diff "$out/vd.txt" "$out/vd-phys.txt" 2>/dev/null | head -5)"
  check "$name: --physical (VMCOREINFO translation, no p_vaddr) prints the same log" \
    cmp -s "$out/vd.txt" "$out/vd-phys.txt"
  detail="exit $(tr '\n' ' ' <"$out/vd-min.rc" 2>/dev/null): $(cat "$out/vd-min.err" 2>/dev/null)
$(diff "$out/vd-min-src.txt" "$out/vd-min.txt" 2>/dev/null | head -5)"
  check "$name: --physical --extract writes a minimal core (p_vaddr 0) that reads the same" \
    test "$(tr -d '\n' <"$out/vd-min.rc" 2>/dev/null)" = 00 -a -s "$out/vd-min.txt" -a \
    -z "$(diff "$out/vd-min-src.txt" "$out/vd-min.txt" 2>&1)"
  detail="raw: $(head -1 "$out/vd-raw.txt" 2>/dev/null)
dmesg: $(head -1 "$out/vd.txt" 2>/dev/null)"
  check "$name: --raw prints the bare text" \
    test -n "$(head -1 "$out/vd-raw.txt" 2>/dev/null)" -a \
    "] $(head -1 "$out/vd-raw.txt" 2>/dev/null)" = "$(head -1 "$out/vd.txt" 2>/dev/null | sed 's/^\[[ 0-9.]*//')"
  detail="truncated: exit $(cat "$out/trunc.rc" 2>/dev/null): $(cat "$out/trunc.err" 2>/dev/null)
not a core: exit $(cat "$out/notcore.rc" 2>/dev/null): $(cat "$out/notcore.err" 2>/dev/null)"
  check "$name: a truncated copy of /proc/kcore exits 4, a non-core file 5, each named" \
    test "$(cat "$out/trunc.rc" 2>/dev/null)" = 4 -a "$(cat "$out/notcore.rc" 2>/dev/null)" = 5 \
    -a -n "$(grep 'run past the end of the file' "$out/trunc.err" 2>/dev/null)"
  if [ -n "$save" ]; then
    mkdir -p "$save/$k-$deb-$mode" && cp -r "$out/." "$save/$k-$deb-$mode/" &&
      cp "$dir/serial.log" "$save/$k-$deb-$mode/"
    if [ -f "$save/$k-$deb-$mode/min.core.gz" ]; then
      gzip -dc "$save/$k-$deb-$mode/min.core.gz" | xz -9e >"$save/$k-$deb-$mode/min.core.xz"
      rm "$save/$k-$deb-$mode/min.core.gz"
    fi
  fi
done
[ "$failed" = 0 ]
