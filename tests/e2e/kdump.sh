#!/bin/bash
# kexec-ng kdump end-to-end tests in QEMU (x86_64, arm64, riscv64): the first
# kernel boots with crashkernel=256M in a 2 GiB guest, the kexec under test
# loads a capture kernel with -p, the guest writes a unique marker to
# /dev/kmsg and crashes through sysrq; the capture kernel must come up with
# /proc/vmcore, and the dump must pass Debian's readelf and makedumpfile (and
# the project's vmcore-dmesg, when it is built).  See issue 5 and
# ../shared/reference/kdump.md.
#
# Usage: tests/e2e/kdump.sh [options] [PATTERN...]
#   --arch ARCH        run only ARCH's cases (x86_64, arm64 or riscv64;
#                      default: all three)
#   --kexec PATH       kexec under test (default build/static-ARCH/kexec;
#                      with both architectures, use --arch)
#   --vmcore-dmesg P   vmcore-dmesg under test (default
#                      build/static-ARCH/vmcore-dmesg; when there is none,
#                      that oracle is skipped and the run says so)
#   -j N               N guests at once (default 1)
#   --kernel-log       full kernel logs on the serial console
#   --list             list the cases and exit
#   PATTERN            run only cases whose name contains PATTERN
#
# Each case prints "PASS <name> (<s> s)" or "FAIL <name>: <reason>"; the last
# line is "N passed, N failed".  Serial logs: build/e2e-logs/kdump/<name>.log
# (arm64, riscv64: build/e2e-logs/ARCH/kdump/).  Never runs kexec on the host.
#
# The guests' initramfs is the harness's layers (lib.sh) plus:
#   kdump-init   /init = tests/e2e/kdump-init.sh (overrides init.sh) and
#                /guest-lib.sh (tests/e2e/guest-lib.sh, which it sources)
#   k2k-NAME     /k2/vmlinuz (the capture kernel)                        cached
#   k2i-K1       /k2/initrd.img: the capture initrd = the harness's stage-2
#                initrd (base + marker) + kdump-init + vmcore-dmesg + the
#                dump tools of the first kernel's release                per run
#   uki          /k2/uki.efi (kdump-c-uki, in place of k2k and k2i): the
#                capture kernel, that capture initrd and its command line
#                                                                        per case
# kdump tools: Debian's makedumpfile and readelf (binutils) of the guest's
# architecture and the first kernel's release (bookworm or trixie) with their
# libraries, downloaded with apt-get download into
# .cache/kdump-tools-<suite>-<debarch>/ (never installed, never run on the
# host).
# shellcheck disable=SC1091,SC2034,SC2046,SC2015,SC2016,SC2001  # lib.sh sourced, E2E_* read by it; lists split and guest text single-quoted on purpose
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# trixie_apt_setup (fetch-kernels.sh's private trixie apt configurations),
# sysroot_file
. "$E2E_ROOT/scripts/debian-pkgs.sh"

# Case table: NAME ARCH KIND FIRMWARE KERNEL1 KERNEL2 [CPU]
#   kdump-c        -p through kexec_load (-c)
#   kdump-c-rt     the same, with a -p -u / reload round trip before the crash
#   kdump-c-uki    -p (-c) of /k2/uki.efi alone: a UKI made with objcopy from
#                  systemd's stub (as for run.sh's uki-* cases) whose .linux
#                  is KERNEL2, .initrd the capture initrd and .cmdline the
#                  capture command line with the token; no --initrd, no
#                  --append, and stage 1 has no /k2/vmlinuz or initrd.img
#   kdump-memmap   -p --pass-memmap-cmdline in the default mode, which loads
#                  through kexec_load and says why: boot_params' e820 is the
#                  whole machine's, so the capture kernel must take its memory
#                  from memmap=exactmap memmap=SIZEK@STARTK... on its command
#                  line: its System RAM only the crash region (less the
#                  header) and the low 640 KiB (without the nokaslr kexec-ng
#                  adds, Debian's KASLR decompressor ran at 0x44c00000, in the
#                  crashed kernel's RAM: this check failed)
#   kdump-s        -p through kexec_file_load (-s, KEXEC_FILE_ON_CRASH)
#   kdump-high     -p (-c) with crashkernel=192M,high in a 5 GiB guest: a
#                  region above 4 GiB plus the kernel's automatic low one
#   kdump-highonly the same with crashkernel=0,low: the only region lies
#                  above 4 GiB, so every segment (boot_params and the
#                  purgatory too) must be placed there
#   noregion       no crashkernel=: -p must exit 254 and name crashkernel=
#   kdump-hotplug  -p -c --hotplug in a guest with room for one more vCPU
#                  and DIMM (-smp 1,maxcpus=2, slots=2); once loaded, the
#                  host hot-adds both through the QEMU monitor and the guest
#                  onlines them before it crashes: the dump must cover the
#                  new memory and have a note for the new CPU (the kernel
#                  rewrote the header), and crash_hotplug must read 1
#   kdump-hotplug-stale  the same without --hotplug (negative control): the
#                  dump is the header as loaded, without the new memory and
#                  with one CPU note, and crash_hotplug reads 0
#   kdump-hotplug-s  the same as kdump-hotplug through kexec_file_load (-s):
#                  the kernel keeps its own header current
#   atomic-c       failure atomicity of -p (-c): a crash kernel loaded, the
#                  kernel's own refusal of another (--x-test-misaligned-
#                  segment) must be said to have cost it (the kernel frees
#                  the loaded crash kernel first); then loaded again, loads
#                  that fail (files missing, truncated or no kernel,
#                  contradictory options, an initrd larger than the region,
#                  SIGINT and SIGTERM while kexec waits for its initrd,
#                  kexec_load_disabled) leave it loaded, and the crash
#                  reaches it (the capture kernel runs no dump tools:
#                  kdump_oracles=none)
#                  (x86_64 and arm64)
#   atomic-s       the same through kexec_file_load (-s): the kernel's
#                  refusal is of an ELF vmlinux (x86_64 has only its bzImage
#                  loader), and a file no loader knows is refused before
#                  the kernel is asked
# (of Debian's kernels only amd64's have CONFIG_CRASH_HOTPLUG: 6.12, trixie.
# The capture kernel is bookworm's: the DIMM is still plugged when it boots,
# and trixie's onlines it (MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO), growing its
# MemTotal past the crash region)
KD_CASES=(
  "kdump_c_rt_bookworm_to_bookworm_seabios     x86_64 kdump-c-rt seabios bookworm bookworm"
  "kdump_c_trixie_to_trixie_ovmf               x86_64 kdump-c    ovmf    trixie   trixie"
  "kdump_c_uki_bookworm_to_trixie_seabios      x86_64 kdump-c-uki seabios bookworm trixie"
  "kdump_s_trixie_to_bookworm_seabios          x86_64 kdump-s    seabios trixie   bookworm"
  "kdump_memmap_bookworm_to_bookworm_seabios   x86_64 kdump-memmap seabios bookworm bookworm"
  "kdump_noregion_bookworm_seabios             x86_64 noregion   seabios bookworm bookworm"
  "kdump_high_trixie_to_trixie_seabios         x86_64 kdump-high seabios trixie   trixie"
  "kdump_highonly_bookworm_to_trixie_seabios   x86_64 kdump-highonly seabios bookworm trixie"
  "kdump_hotplug_c_trixie_to_bookworm_seabios  x86_64 kdump-hotplug seabios trixie bookworm"
  "kdump_hotplug_stale_c_trixie_to_bookworm_seabios x86_64 kdump-hotplug-stale seabios trixie bookworm"
  "kdump_hotplug_s_trixie_to_bookworm_seabios  x86_64 kdump-hotplug-s seabios trixie bookworm"
  "kdump_atomic_c_trixie_to_bookworm_seabios   x86_64 atomic-c   seabios trixie   bookworm"
  "kdump_atomic_s_bookworm_to_trixie_seabios   x86_64 atomic-s   seabios bookworm trixie"
  "a64_kdump_c_rt_bookworm_to_trixie_direct    arm64  kdump-c-rt direct  bookworm trixie   max"
  "a64_kdump_c_bookworm_to_bookworm_uefi       arm64  kdump-c    uefi    bookworm bookworm max"
  "a64_kdump_c_trixie_to_trixie_uefi           arm64  kdump-c    uefi    trixie   trixie   max"
  # LPA2: trixie-backports' 7.x on a CPU with FEAT_LPA2, so the kernel's
  # tables really have 5 levels for 52-bit VAs (Debian's 6.12 oopses in
  # kexec_load there: tests/e2e/lib.sh)
  "a64_kdump_c_lpa2_backports_direct          arm64  kdump-c    direct  backports backports max,lpa2=on,pauth-impdef=on"
  "a64_kdump_noregion_trixie_direct            arm64  noregion   direct  trixie   trixie   max"
  "a64_kdump_high_trixie_to_bookworm_direct    arm64  kdump-high direct  trixie   bookworm max"
  "a64_kdump_atomic_c_trixie_to_bookworm_direct arm64 atomic-c   direct  trixie   bookworm max"
  "rv_kdump_c_rt_trixie_to_trixie_direct       riscv64 kdump-c-rt direct trixie  trixie"
  "rv_kdump_noregion_trixie_direct             riscv64 noregion  direct  trixie   trixie"
)

KD_CRASHKERNEL=${KD_CRASHKERNEL:-256M}
ARCHES=()
KEXEC_OPT=
VMCORE_DMESG_OPT=
JOBS=1
LIST=0
PATTERNS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCHES+=("$2"); shift 2 ;;
    --arch=*) ARCHES+=("${1#--arch=}"); shift ;;
    --kexec) KEXEC_OPT=$2; shift 2 ;;
    --kexec=*) KEXEC_OPT=${1#--kexec=}; shift ;;
    --vmcore-dmesg) VMCORE_DMESG_OPT=$2; shift 2 ;;
    --vmcore-dmesg=*) VMCORE_DMESG_OPT=${1#--vmcore-dmesg=}; shift ;;
    -j) JOBS=$2; shift 2 ;;
    -j*) JOBS=${1#-j}; shift ;;
    --list) LIST=1; shift ;;
    --kernel-log) E2E_CMDLINE="panic=-1"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "kdump.sh: unknown option $1" >&2; exit 2 ;;
    *) PATTERNS+=("$1"); shift ;;
  esac
done
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=(x86_64 arm64 riscv64)
for i in "${!ARCHES[@]}"; do
  case "${ARCHES[$i]}" in amd64) ARCHES[i]=x86_64 ;; aarch64) ARCHES[i]=arm64 ;; esac
done
if [ -n "$KEXEC_OPT$VMCORE_DMESG_OPT" ] && [ ${#ARCHES[@]} -gt 1 ]; then
  echo "kdump.sh: --kexec and --vmcore-dmesg name one architecture's binary: add --arch" >&2
  exit 2
fi

# A crash-kernel guest: 2 GiB, two CPUs (stage 2 must then find two
# NT_PRSTATUS notes: the crashing CPU's and the one stopped by the NMI/IPI).
E2E_MEM=${KD_MEM:-2G}
E2E_SMP=${KD_SMP:-2}

selected=()
for line in "${KD_CASES[@]}"; do
  read -r name arch _ <<<"$line"
  m=0
  for a in "${ARCHES[@]}"; do [ "$a" = "$arch" ] && m=1; done
  [ $m = 1 ] || continue
  e2e_name_selected "$name" "${PATTERNS[@]}" || continue
  selected+=("$line")
done
if [ $LIST = 1 ]; then
  for line in "${selected[@]}"; do
    read -r name arch kind fw k1 k2 cpu <<<"$line"
    printf '%-44s %-6s %-10s %-8s %-9s -> %-9s %s\n' "$name" "$arch" "$kind" "$fw" "$k1" "$k2" "${cpu:-}"
  done
  exit 0
fi
[ ${#selected[@]} -gt 0 ] || { echo "kdump.sh: no case matches ${PATTERNS[*]:-}" >&2; echo "0 passed, 0 failed"; exit 1; }

# --- layers -------------------------------------------------------------------
_kd_triplet() {
  case "$E2E_DEB_ARCH" in
    amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; riscv64) echo riscv64-linux-gnu ;;
  esac
}

# _kd_fetch_tools SUITE: Debian SUITE's makedumpfile and readelf for the
# guests' architecture, with every library they need, into
# .cache/kdump-tools-SUITE-<debarch>/tree/ (sbin/makedumpfile, bin/readelf,
# lib/<triplet>/..., the dynamic loader).  The dump of a first kernel is read
# with the tools of that kernel's release (bookworm's makedumpfile 1.7.2
# refuses the 52-bit VA layout of trixie's arm64 6.12).  bookworm comes from
# the machine's apt lists, trixie from scripts/fetch-kernels.sh's private
# lists (.cache/apt-trixie, .cache/apt-trixie-riscv64); apt-get download only: never installed, never
# run here.  DT_NEEDED is read with readelf and resolved in the downloaded
# packages only.
_kd_fetch_tools() {
  local suite=$1 a=$E2E_DEB_ARCH tri binpkg dir
  dir=$E2E_ROOT/.cache/kdump-tools-$suite-$E2E_DEB_ARCH
  tri=$(_kd_triplet)
  binpkg=binutils-$(tr _ - <<<"$tri")
  local apt=()
  if [ "$suite" = trixie ] || [ "$suite" = forky ]; then
    local TXDIR TXAPT
    if [ "$suite" = forky ]; then forky_apt_setup "$E2E_ROOT/.cache"; else trixie_apt_setup "$E2E_ROOT/.cache" "$a"; fi
    [ -f "$TXDIR/sources.list" ] || { echo "e2e: no $TXDIR/sources.list: run scripts/fetch-kernels.sh" >&2; return 1; }
    apt=("${TXAPT[@]}")
  fi
  if [ -x "$dir/tree/sbin/makedumpfile" ] && [ -x "$dir/tree/bin/readelf" ] && [ -s "$dir/version" ]; then
    return 0
  fi
  e2e_log "kdump tools ($suite $a): downloading makedumpfile and $binpkg with their libraries"
  local dl sys top direct libs pat p
  mkdir -p "$E2E_ROOT/.cache"
  dl=$(mktemp -d "$E2E_ROOT/.cache/dl.XXXXXX")
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$dl"; fi
  top="makedumpfile:$a $binpkg:$a"
  # Native names come without the ":amd64" suffix, foreign ones with theirs.
  pat="^(lib|zlib)[^ :]*(:$a)?\$"
  # shellcheck disable=SC2086
  direct=$(apt-cache "${apt[@]}" depends $top | awk '$1 == "Depends:" { print $2 }' | grep -E "$pat" | sed "s/:$a\$//" | sort -u)
  [ -n "$direct" ] || { rm -rf "$dl"; echo "e2e: apt knows no $suite makedumpfile:$a (apt-get update? scripts/fetch-kernels.sh?)" >&2; return 1; }
  # shellcheck disable=SC2086
  libs=$(apt-cache "${apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
           --no-replaces --no-enhances $(sed "s/\$/:$a/" <<<"$direct") |
         grep -E "$pat" | sed "s/:$a\$//" | sort -u)
  # shellcheck disable=SC2086
  (cd "$dl" && apt-get "${apt[@]}" -q download $top $(sed "s/\$/:$a/" <<<"$libs") </dev/null) >&2 ||
    { rm -rf "$dl"; echo "e2e: apt-get download of the kdump tools failed" >&2; return 1; }
  sys=$dl/sysroot
  for p in "$dl"/*.deb; do dpkg-deb -x "$p" "$sys"; done
  local t=$dl/tree
  mkdir -p "$t/sbin" "$t/bin" "$t/lib/$tri"
  cp "$sys/usr/bin/makedumpfile" "$t/sbin/makedumpfile" && cp "$sys/usr/bin/$tri-readelf" "$t/bin/readelf" ||
    { rm -rf "$dl"; echo "e2e: makedumpfile or readelf not where expected in their packages" >&2; return 1; }
  declare -A seen=()
  local queue=("$t/sbin/makedumpfile" "$t/bin/readelf") obj interp lib f
  while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}; queue=("${queue[@]:1}")
    interp=$(readelf -l "$obj" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ] && [ -z "${seen[$interp]:-}" ]; then
      seen[$interp]=1
      f=$(sysroot_file "$sys" "$interp" || sysroot_file "$sys" "/usr$interp") || { echo "e2e: interpreter $interp not in the downloaded packages" >&2; rm -rf "$dl"; return 1; }
      mkdir -p "$t$(dirname "$interp")"
      cp "$f" "$t$interp"
    fi
    for lib in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${seen[$lib]:-}" ] && continue
      seen[$lib]=1
      f=$(sysroot_file "$sys" "/lib/$tri/$lib" || sysroot_file "$sys" "/usr/lib/$tri/$lib") ||
        { echo "e2e: library $lib not in the downloaded packages" >&2; rm -rf "$dl"; return 1; }
      cp "$f" "$t/lib/$tri/$lib"
      queue+=("$t/lib/$tri/$lib")
    done
  done
  rm -rf "$dir"; mkdir -p "$dir"
  mv "$t" "$dir/tree"
  for p in "$dl"/*.deb; do dpkg-deb --showformat='${Package}=${Version}\n' -W "$p"; done | sort >"$dir/version"
  rm -rf "$dl"
  e2e_log "kdump tools ($suite $a): $(tr '\n' ' ' <"$dir/version")"
}

# _kd_layer_init: /init = kdump-init.sh, and the /guest-lib.sh it sources.
_kd_layer_init() {
  local out=$E2E_WORK/kdump-init.cpio.gz key
  key=$(_e2e_sha "$E2E_DIR/kdump-init.sh" "$E2E_DIR/guest-lib.sh")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/kdump-init-tree
  rm -rf "$t"; mkdir -p "$t"
  install -m 755 "$E2E_DIR/kdump-init.sh" "$t/init"
  install -m 644 "$E2E_DIR/guest-lib.sh" "$t/guest-lib.sh"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# _kd_tools_suite K1: the release whose makedumpfile reads K1's dumps: K1's
# own, but forky's (Debian testing, makedumpfile 1.7.8) for x86_64 trixie:
# trixie's 1.7.6 reads 6.12's page types as slab pages and keeps its free
# pages (fixed in 1.7.7, commit 72c3414 "fix detection of typed (compound)
# pages (Linux 6.12)"). (arm64 6.12 is 52-bit VA, which 1.7.8 still
# refuses; on riscv64 1.7.8 still translates vmemmap wrongly.)
_kd_tools_suite() {
  case "$E2E_ARCH:$1" in
    x86_64:trixie) echo forky ;;
    *:backports) echo trixie ;;   # trixie-backports has no makedumpfile of its own
    *) echo "$1" ;;
  esac
}

# _kd_layer_tools K1: makedumpfile, readelf and their libraries.
_kd_layer_tools() {
  local suite out=$E2E_WORK/kdump-tools-$1.cpio.gz key dir
  suite=$(_kd_tools_suite "$1")
  dir=$E2E_ROOT/.cache/kdump-tools-$suite-$E2E_DEB_ARCH
  _kd_fetch_tools "$suite" || return 1
  key=$(_e2e_sha "$dir/version")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  _e2e_cpio_gz "$dir/tree" "$out"
  echo "$key" >"$out.key"
  echo "$out"
}

# _kd_layer_k2k NAME: /k2/vmlinuz only (kernel NAME).
_kd_layer_k2k() {
  local name=$1 out=$E2E_WORK/kdump-k2k-$1.cpio.gz key
  key=$(e2e_kernel_package "$name")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/kdump-k2k-tree-$name
  rm -rf "$t"; mkdir -p "$t/k2"
  cp "$(e2e_kernel "$name")" "$t/k2/vmlinuz"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# --- cases ---------------------------------------------------------------------
kd_timeout() {
  case "$E2E_ARCH:$1" in
    *:noregion) echo 150 ;;
    x86_64:*) echo 240 ;;
    *) echo 420 ;;
  esac
}

# kd_saves KIND K1: whether the case's capture kernel checks vmcore-save (one
# case per architecture and crashed kernel's release: x86_64 6.1 and 6.12,
# arm64 6.1 and 6.12 (52-bit VA: where makedumpfile refuses), riscv64 6.12;
# each check costs 15-90 s of a capture kernel).
kd_saves() {
  case "$E2E_ARCH:$1:${2:-}" in *:kdump-c-rt:*|x86_64:kdump-c:*|arm64:kdump-c:trixie|arm64:kdump-c:backports) return 0 ;; esac
  return 1
}

# kd_streams KIND K1: whether the case's capture kernel also streams a
# -c -d 31 dump (vmcore-save -F) out of its second serial port for crash on
# the host (kd_crash_check): x86_64 bookworm 6.1, whose vmlinux with debug
# information Debian ships (scripts/fetch-vmlinux-dbg.sh).
kd_streams() {
  [ "$E2E_ARCH:$1:${2:-}" = x86_64:kdump-c-rt:bookworm ]
}

# kd_append2 TOKEN [KIND [K1]]: the capture kernel's command line (the atomic
# cases' capture kernel only reports: kdump-init.sh, kdump_oracles=none;
# kxsave=1: it checks vmcore-save, kd_saves).
kd_append2() {
  local extra=
  case "${2:-}" in atomic-*) extra=" kdump_oracles=none" ;; esac
  if [ -n "${2:-}" ] && kd_saves "$2" "${3:-}"; then
    extra="$extra kxsave=1"
    # trixie's makedumpfile 1.7.6 keeps 6.12's free pages (kd_check): its
    # -d 31 as a report only (--dry-run)
    [ "$(_kd_tools_suite "${3:-}")" != trixie ] || extra="$extra kxmdfdry=1"
  fi
  if [ -n "${2:-}" ] && kd_streams "$2" "${3:-}"; then extra="$extra kxstream=1"; fi
  echo "$E2E_CONSOLE irqpoll nr_cpus=1 reset_devices stage=2 token=$1$extra"
}

# kd_status_table_fn: the guest's status_table STATE: every form of -S in
# tests/e2e/status-table.txt, run with kexec-ng and (when the guest has it)
# Debian's kexec-tools: "E2E: stab STATE ID ng=RC tools=RC" (tools=- without).
kd_status_table_fn() {
  echo 'status_table() {'
  local id target args
  while read -r id target args; do
    case "$id" in ''|\#*) continue ;; esac
    echo "  \$KEXEC $args >/dev/null 2>&1; ng=\$?; tools=-"
    echo "  [ -x /bin/kexec-tools ] && { /bin/kexec-tools $args >/dev/null 2>&1; tools=\$?; }"
    echo "  echo \"E2E: stab \$1 $id ng=\$ng tools=\$tools\""
  done <"$E2E_ROOT/tests/e2e/status-table.txt"
  echo '}'
}

# kd_check_status_table LOG: each form of -S answered as the table says, in
# each state, by kexec-ng and (where present) by kexec-tools.
kd_check_status_table() {
  local log=$1 id target args state want got rows=0
  while read -r id target args; do
    case "$id" in ''|\#*) continue ;; esac
    for state in none crash normal; do
      want=0
      [ "$state" = "$target" ] && want=1
      got=$(_e2e_lines "$log" | sed -n "s/^E2E: stab $state $id \(ng=[0-9]* tools=[-0-9]*\)$/\1/p" | tail -n1)
      [ -n "$got" ] || { echo "-S table: no answer for row $id ($args) with $state loaded"; return; }
      case "$got" in
        "ng=$want tools=-"|"ng=$want tools=$want") rows=$((rows + 1)) ;;
        *) echo "-S table: kexec $args with $state loaded: $got, want $want (row $id, target $target)"; return ;;
      esac
    done
  done <"$E2E_ROOT/tests/e2e/status-table.txt"
  [ "$rows" -gt 0 ] || echo "-S table: no rows"
}

# kd_hotplug_fn: the guest's hotplug_and_online, for the hotplug cases:
# report crash_hotplug and the RAM, say "hotplug-ready" (the host then
# hot-adds a DIMM and a vCPU: kd_hotplug_host), wait for both to appear,
# online them (no udev here) and report again.
kd_hotplug_fn() {
  cat <<'GUEST'
hotplug_and_online() {
  echo "E2E: hp armed cpu=$(cat /sys/devices/system/cpu/crash_hotplug 2>/dev/null || echo -) memory=$(cat /sys/devices/system/memory/crash_hotplug 2>/dev/null || echo -) elfcorehdr_size=$(cat /sys/kernel/crash_elfcorehdr_size 2>/dev/null || echo -)"
  for r in $(sed -n 's/^\([0-9a-f]*-[0-9a-f]*\) : System RAM$/\1/p' /proc/iomem); do echo "E2E: hp ram0 $r"; done
  n0=$(ls -d /sys/devices/system/memory/memory* | wc -l); n=$n0
  echo "E2E: hotplug-ready"
  i=0
  while [ $i -lt 90 ]; do
    n=$(ls -d /sys/devices/system/memory/memory* | wc -l)
    [ -d /sys/devices/system/cpu/cpu1 ] && [ "$n" -gt "$n0" ] && break
    sleep 1; i=$((i + 1))
  done
  echo "E2E: hp seen cpu1=$([ -d /sys/devices/system/cpu/cpu1 ] && echo yes || echo no) blocks=$n0-$n"
  [ -f /sys/devices/system/cpu/cpu1/online ] && echo 1 >/sys/devices/system/cpu/cpu1/online
  for m in /sys/devices/system/memory/memory*; do
    [ "$(cat $m/state)" = offline ] && echo online >$m/state
  done
  for r in $(sed -n 's/^\([0-9a-f]*-[0-9a-f]*\) : System RAM$/\1/p' /proc/iomem); do echo "E2E: hp ram1 $r"; done
  echo "E2E: hp after cpus=$(cat /sys/devices/system/cpu/online) ram_bytes=$(ram_bytes) cpu=$(cat /sys/devices/system/cpu/crash_hotplug 2>/dev/null || echo -) memory=$(cat /sys/devices/system/memory/crash_hotplug 2>/dev/null || echo -)"
}
GUEST
}

# kd_hotplug_host LOG SOCKET: once the guest says "hotplug-ready", hot-add
# 256 MiB of RAM (a pc-dimm) and a second vCPU through QEMU's monitor.
kd_hotplug_host() {
  local log=$1 sock=$2 i
  # (grep -q reads from a here-string, not a pipe: see kd_check)
  for ((i = 0; i < 1200; i++)); do
    grep -aq '^E2E: hotplug-ready' <<<"$(_e2e_lines "$log")" && break
    sleep 0.25
  done
  grep -aq '^E2E: hotplug-ready' <<<"$(_e2e_lines "$log")" || { echo "the guest never said hotplug-ready"; return 1; }
  e2e_monitor "$sock" "object_add memory-backend-ram,id=hpmem1,size=256M" \
    "device_add pc-dimm,id=hpdimm1,memdev=hpmem1" "info hotpluggable-cpus" \
    "device_add qemu64-x86_64-cpu,id=hpcpu1,socket-id=1,core-id=0,thread-id=0" "info memory-devices"
}

# kd_loads_cover READELF_L START END: do the PT_LOADs cover [START, END]
# (inclusive) byte for byte?
kd_loads_cover() {
  local at=$(($2)) end=$(($3)) moved=1 p m
  while [ $at -le $end ] && [ $moved = 1 ]; do
    moved=0
    while read -r p m; do
      if [ $((p)) -le $at ] && [ $at -lt $((p + m)) ]; then at=$((p + m)); moved=1; fi
    done < <(awk '$1 == "LOAD" { print $4, $6 }' <<<"$1")
  done
  [ $at -gt $end ]
}

# kd_loads_meet READELF_L START END: does any PT_LOAD meet [START, END]?
kd_loads_meet() {
  local s=$(($2)) e=$(($3)) p m
  while read -r p m; do
    [ $((p)) -le $e ] && [ $s -lt $((p + m)) ] && return 0
  done < <(awk '$1 == "LOAD" { print $4, $6 }' <<<"$1")
  return 1
}

# kd_hotplug_new LOG: the System RAM ranges the hot-add brought ("S-E", hex).
kd_hotplug_new() {
  local r lines
  lines=$(_e2e_lines "$1")
  for r in $(sed -n 's/^E2E: hp ram1 //p' <<<"$lines"); do
    grep -aqx "E2E: hp ram0 $r" <<<"$lines" || echo "$r"
  done
}

# kd_check_hotplug KIND LOG: what the hotplug cases show before the crash
# and in the dump (the rest is kd_check's), or nothing.
kd_check_hotplug() {
  local kind=$1 log=$2 want=1 armed after new l r
  [ "$kind" = kdump-hotplug-stale ] && want=0
  armed=$(_e2e_lines "$log" | sed -n 's/^E2E: hp armed //p' | head -n1)
  [ -n "$armed" ] || { echo "the guest never reported crash_hotplug after the load"; return; }
  case "$armed" in
    "cpu=$want memory=$want "*) ;;
    *) echo "after the load /sys/devices/system/{cpu,memory}/crash_hotplug: $armed (want $want)"; return ;;
  esac
  grep -aq '^E2E: hp seen cpu1=yes blocks=' <<<"$(_e2e_lines "$log")" ||
    { echo "the hot-add did not reach the guest: $(_e2e_lines "$log" | grep -a '^E2E: hp seen') (monitor: $(_e2e_brief <"$log.monitor"))"; return; }
  after=$(_e2e_field "$log" "hp after" cpus)
  [ "$after" = 0-1 ] || { echo "after onlining, CPUs $after are online (want 0-1)"; return; }
  new=$(kd_hotplug_new "$log")
  [ -n "$new" ] || { echo "no new System RAM in /proc/iomem after the hot-add"; return; }
  l=$(_e2e_out "$log" readelf_l)
  for r in $new; do
    if [ $want = 1 ]; then
      kd_loads_cover "$l" "0x${r%-*}" "0x${r#*-}" ||
        { echo "the dump does not cover the hot-added RAM $r (the header was not rewritten)"; return; }
    else
      kd_loads_meet "$l" "0x${r%-*}" "0x${r#*-}" &&
        { echo "the stale header covers the hot-added RAM $r: was it rewritten without --hotplug?"; return; }
    fi
  done
}

# kd_crash_now: the end of a stage 1: a marker in the log, then the crash.
kd_crash_now() {
  echo '  echo "kdump-marker-$TOKEN" >/dev/kmsg'
  echo '  echo "E2E: crashing"'
  echo '  sync'
  # The serial tty drains its buffer from interrupts; a panic stops
  # that, and whatever is still queued (this marker, the last
  # command's output) is lost.  CI once lost "E2E: crashing" so.
  echo '  sleep 2'
  echo '  echo c >/proc/sysrq-trigger'
  echo '  echo "E2E: still alive after sysrq c"'
}

# kd_case_write KIND TOKEN FILE K1: /case.sh for stage 1.
kd_case_write() {
  local kind=$1 token=$2 f=$3 k1=$4 sw=-c ap=' --append="$APPEND2"'
  case "$kind" in
    kdump-s|atomic-s) sw=-s ;;
    kdump-memmap) sw=--pass-memmap-cmdline ;;
    kdump-hotplug) sw="-c --hotplug" ;;
    kdump-hotplug-s) sw="-s --hotplug" ;;
  esac
  {
    echo "KEXEC=/bin/kexec"
    echo "TOKEN=$token"
    echo "APPEND2=\"$(kd_append2 "$token" "$kind" "$k1")\""
    if [ "$kind" = kdump-c-uki ]; then
      # the UKI's .initrd and .cmdline (kd_run_case): no --initrd, no --append
      echo 'K2=/k2/uki.efi'
      ap=
    else
      echo 'K2="/k2/vmlinuz --initrd=/k2/initrd.img"'
    fi
    kd_status_table_fn
    case "$kind" in kdump-hotplug*) kd_hotplug_fn ;; esac
    echo 'case_main() {'
    echo '  run_cmd ckr $KEXEC --print-ckr-size'
    echo '  [ -x /bin/kexec-tools ] && run_cmd ckr_tools /bin/kexec-tools --print-ckr-size'
    echo '  run_cmd status0 $KEXEC -S -p'
    case "$kind" in
      noregion)
        echo '  run_cmd loadc $KEXEC -c -p $K2 --append="$APPEND2"'
        echo '  run_cmd loada $KEXEC -p $K2 --append="$APPEND2"'
        echo '  crashloaded loadc'
        echo '  run_cmd status1 $KEXEC -S -p'
        echo '  return'
        ;;
      atomic-*)
        echo "  SW=$sw P=-p LOADEDF=/sys/kernel/kexec_crash_loaded ST=\"-S -p\""
        echo "  APPENDX=\"$(kd_append2 refused-load "$kind")\""
        e2e_atomic_guest_fns
        # first the kernel's own refusal, which costs the crash kernel
        # loaded then: load one, have the kernel refuse another
        echo '  run_cmd load0 $KEXEC $SW -p $K2 --append="$APPENDX" || return'
        echo '  astate load0'
        if [ "$kind" = atomic-c ]; then
          echo '  astep krefuse $KEXEC $SW -p $K2 --append="$APPENDX" --x-test-misaligned-segment'
        else
          echo '  astep krefuse $KEXEC $SW -p /k2/vmlinux.elf --initrd=/k2/initrd.img --append="$APPENDX"'
        fi
        # the crash kernel that must survive the rest, and be booted
        echo '  run_cmd load $KEXEC $SW -p $K2 --append="$APPEND2" || return'
        echo '  crashloaded load'
        echo '  astate load'
        e2e_atomic_guest_steps
        # an initrd larger than the crash region (sparse: it costs nothing)
        echo "  truncate -s $(( ${KD_CRASHKERNEL%M} + 44 ))M /tmp/huge"
        echo '  astep nofit $KEXEC $SW -p /k2/vmlinuz --initrd=/tmp/huge --append="$APPENDX"'
        # refused before the crash kernel is freed: it stays
        echo '  echo 1 >/proc/sys/kernel/kexec_load_disabled'
        echo '  astep disabled $KEXEC $SW -p $K2 --append="$APPENDX"'
        kd_crash_now
        ;;
      *)
        case "$kind" in kdump-high*) echo "  run_cmd plan \$KEXEC --dry-run $sw -p \$K2 --append=\"\$APPEND2\"" ;; esac
        [ "$kind" = kdump-c-rt ] && echo '  status_table none'
        echo "  run_cmd load \$KEXEC $sw -p \$K2$ap || return"
        echo '  crashloaded load'
        echo '  run_cmd status1 $KEXEC -S -p'
        if [ "$kind" = kdump-c-rt ]; then
          echo '  status_table crash'
          echo '  run_cmd unload $KEXEC -p -u'
          echo '  crashloaded unload'
          echo '  run_cmd status2 $KEXEC -S -p'
          # the capture kernel as a normal image, for the -S table's third state
          echo '  run_cmd loadn $KEXEC -c -l $K2 --append="$APPEND2" && status_table normal'
          echo '  run_cmd unloadn $KEXEC -u'
          echo "  run_cmd reload \$KEXEC $sw -p \$K2 --append=\"\$APPEND2\" || return"
          echo '  crashloaded reload'
          echo '  run_cmd status3 $KEXEC -S -p'
        fi
        case "$kind" in kdump-hotplug*) echo '  hotplug_and_online' ;; esac
        kd_crash_now
        ;;
    esac
    echo '}'
  } >"$f"
}

# kd_check_memmap LOG: kdump-memmap's load and capture kernel: the default
# mode said it loads with kexec_load; /proc/cmdline has memmap=exactmap and
# RAM options (memmap=SIZEK@STARTK) covering the crash region but its header
# (1 MiB of slack); the capture kernel's System RAM lies in that region and
# the low 640 KiB (the crash map's RAM), though boot_params' e820 held the
# whole machine's. Prints the reason it failed, or nothing.
kd_check_memmap() {
  local log=$1 region cs ce cmdline w size at covered=0 r rs re nram=0
  _e2e_out "$log" load | grep -- '--pass-memmap-cmdline: kexec_file_load builds .*: loading with kexec_load$' >/dev/null ||
    { echo "-p --pass-memmap-cmdline did not say it loads with kexec_load: $(_e2e_out "$log" load | _e2e_brief)"; return; }
  region=$(_e2e_lines "$log" | sed -n 's/^E2E: iomem \([0-9a-f]*-[0-9a-f]*\) : Crash kernel$/\1/p' | tail -n1)
  cs=$((0x${region%-*})) ce=$((0x${region#*-} + 1))
  cmdline=$(_e2e_lines "$log" | sed -n 's/^E2E: cmdline //p' | tail -n1)
  case " $cmdline " in
    *" nokaslr memmap=exactmap "*) ;;
    *) echo "the capture kernel's command line has no \"nokaslr memmap=exactmap\": $(_e2e_brief <<<"$cmdline")"; return ;;
  esac
  for w in $cmdline; do
    case "$w" in memmap=*K@*K) ;; *) continue ;; esac
    size=${w#memmap=}; size=${size%%K@*}; at=${w#*@}; at=${at%K}
    [ $((at * 1024)) -ge $cs ] && [ $(((at + size) * 1024)) -le $ce ] && covered=$((covered + size * 1024))
  done
  [ $covered -ge $((ce - cs - (1 << 20))) ] ||
    { echo "memmap=...K@...K cover $((covered >> 10)) KiB of the $(((ce - cs) >> 10)) KiB crash region: $(_e2e_brief <<<"$cmdline")"; return; }
  for r in $(_e2e_lines "$log" | sed -n 's/^E2E: ram2 //p'); do
    rs=$((0x${r%-*})) re=$((0x${r#*-} + 1)) nram=$((nram + 1))
    { [ $rs -ge $cs ] && [ $re -le $ce ]; } || [ $re -le $((0xa0000)) ] ||
      { echo "the capture kernel has System RAM $r outside the crash region $region and the low 640 KiB (memmap=exactmap not taken?)"; return; }
  done
  [ $nram -gt 0 ] || echo "the capture kernel reported no System RAM in /proc/iomem"
}

# kd_check KIND K1 K2 LOG TOKEN QEMU_RC VDMESG: the reason a case failed, or
# nothing.
kd_check() {
  local kind=$1 k1=$2 k2=$3 log=$4 token=$5 qrc=$6 vdmesg=$7
  local v2 why crash_size ckr cpus1 n lines
  # (grep -q on a pipe would SIGPIPE _e2e_lines: under pipefail, a false "no")
  lines=$(_e2e_lines "$log")
  v2=$(e2e_kernel_version "$k2")
  why=$(e2e_check_stage1 "$log" "$k1" "$qrc")
  [ -z "$why" ] || { echo "$why"; return; }
  # crash_size: the total of the "Crash kernel" ranges, low and high
  # (/sys/kernel/kexec_crash_size counts only crashk_res on 6.1, both on
  # 6.12); --print-ckr-size prints crashk_res's, the highest region, as
  # kexec-tools does (checked against it where Debian has kexec-tools)
  crash_size=$(_e2e_field "$log" stage1 crash_total)
  local main=0 r ckr_tools
  r=$(_e2e_lines "$log" | sed -n 's/^E2E: iomem \([0-9a-f]*-[0-9a-f]*\) : Crash kernel$/\1/p' | tail -n1)
  [ -n "$r" ] && main=$((0x${r#*-} - 0x${r%-*} + 1))
  ckr=$(_e2e_out "$log" ckr)
  [ "$ckr" = "$main" ] ||
    { echo "--print-ckr-size printed '$(_e2e_brief <<<"$ckr")', the highest crash region has $main bytes"; return; }
  # (where Debian has kexec-tools, the guest has it: its answer must be there)
  if [ -n "${E2E_KTCACHE:-}" ] && [ -x "$E2E_KTCACHE/sbin/kexec" ]; then
    ckr_tools=$(_e2e_out "$log" ckr_tools)
    [ "$(_e2e_rc "$log" ckr_tools)" = 0 ] && [ "$ckr_tools" = "$ckr" ] ||
      { echo "--print-ckr-size printed $ckr, kexec-tools' '$(_e2e_brief <<<"$ckr_tools")' (exit $(_e2e_rc "$log" ckr_tools))"; return; }
  fi
  if [ "$kind" = kdump-high ] || [ "$kind" = kdump-highonly ]; then
    local hi
    hi=$(_e2e_lines "$log" | sed -n 's/^E2E: iomem \([0-9a-f]*\)-[0-9a-f]* : Crash kernel$/\1/p' | tail -n1)
    [ -n "$hi" ] && [ $((0x$hi)) -ge $((1 << 32)) ] || { echo "no crash region above 4 GiB (crashkernel=,high): last one at 0x${hi:-?}"; return; }
    local lo
    lo=$(_e2e_lines "$log" | sed -n 's/^E2E: iomem \([0-9a-f]*\)-[0-9a-f]* : Crash kernel$/\1/p' | head -n1)
    if [ "$kind" = kdump-highonly ]; then
      [ "$lo" = "$hi" ] || { echo "crashkernel=0,low left a region at 0x$lo"; return; }
    else
      [ $((0x$lo)) -lt $((1 << 32)) ] || { echo "crashkernel=,high reserved no automatic low region"; return; }
    fi
  fi
  if [ "$kind" = noregion ]; then
    [ "$crash_size" = 0 ] || { echo "a crash region is reserved ($crash_size bytes) without crashkernel= (harness problem)"; return; }
    why=$(e2e_want_rcs "$log" "status0=0 loadc=254 loada=254 status1=0")
    [ -z "$why" ] || { echo "$why"; return; }
    for l in loadc loada; do
      _e2e_out "$log" $l | grep 'crashkernel=[0-9][0-9]*M' >/dev/null ||
        { echo "kexec -p without a region does not advise a crashkernel= size: $(_e2e_out "$log" $l | _e2e_brief)"; return; }
    done
    [ "$(_e2e_field "$log" sys loadc)" = 0 ] || { echo "/sys/kernel/kexec_crash_loaded is not 0 after the refused loads"; return; }
    return
  fi
  [ "$crash_size" -ge $((128 << 20)) ] 2>/dev/null ||
    { echo "stage 1 reserved no crash region (kexec_crash_size=${crash_size:-?})"; return; }
  case "$kind" in
    atomic-*) kd_check_atomic "$kind" "$log" "$token" "$v2" "$qrc" "$lines"; return ;;
  esac
  local want="status0=0 load=0 status1=1"
  [ "$kind" = kdump-c-rt ] && want="$want unload=0 status2=0 loadn=0 unloadn=0 reload=0 status3=1"
  why=$(e2e_want_rcs "$log" "$want")
  [ -z "$why" ] || { echo "$why"; return; }
  if [ "$kind" = kdump-c-rt ]; then
    why=$(kd_check_status_table "$log")
    [ -z "$why" ] || { echo "$why"; return; }
  fi
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_crash_loaded is not 1 after the load"; return; }
  if [ "$kind" = kdump-c-rt ]; then
    [ "$(_e2e_field "$log" sys unload)" = 0 ] || { echo "/sys/kernel/kexec_crash_loaded is not 0 after -p -u"; return; }
    [ "$(_e2e_field "$log" sys reload)" = 1 ] || { echo "/sys/kernel/kexec_crash_loaded is not 1 after the reload"; return; }
  fi
  grep -aq '^E2E: crashing$' <<<"$lines" || { echo "stage 1 never crashed: $(_e2e_tail "$log")"; return; }
  grep -aq '^E2E: still alive' <<<"$lines" && { echo "sysrq c returned in stage 1"; return; }
  if grep -aq '^E2E: kdump2-novmcore' <<<"$lines"; then
    echo "the capture kernel booted but has no /proc/vmcore (elfcorehdr= not taken?)"; return
  fi
  local mem2 vsize
  if [ -z "$(_e2e_field "$log" kdump2 kernel)" ]; then
    [ "$qrc" = 124 ] && { echo "the capture kernel never reported (host timeout): $(_e2e_tail "$log")"; return; }
    echo "the capture kernel never reported: $(_e2e_tail "$log")"; return
  fi
  mem2=$(_e2e_field "$log" kdump2 memtotal)
  vsize=$(_e2e_field "$log" kdump2 vmcore_size)
  why=$(_e2e_check_given "$log" kdump2 "$v2" "$token" "the capture kernel" "capture kernel")
  [ -z "$why" ] || { echo "$why"; return; }
  if [ "$kind" = kdump-memmap ]; then
    why=$(kd_check_memmap "$log")
    [ -z "$why" ] || { echo "$why"; return; }
  fi
  [ -n "$mem2" ] && [ "$mem2" -lt $((crash_size / 1024)) ] ||
    { echo "the capture kernel has MemTotal ${mem2:-?} kB, not less than the $((crash_size >> 20)) MiB crash region"; return; }
  [ -n "$vsize" ] && [ "$vsize" -gt 0 ] || { echo "/proc/vmcore is empty"; return; }

  # ELF header: ELF64 core for this machine.
  local h
  h=$(_e2e_out "$log" readelf_h)
  [ "$(_e2e_rc "$log" readelf_h)" = 0 ] || { echo "readelf -h /proc/vmcore failed: $(_e2e_brief <<<"$h")"; return; }
  grep -q 'Magic: *7f 45 4c 46 02' <<<"$h" || { echo "/proc/vmcore is not ELF64: $(grep Magic <<<"$h")"; return; }
  grep -q 'Type: *CORE' <<<"$h" || { echo "/proc/vmcore is not ET_CORE: $(grep Type: <<<"$h")"; return; }
  grep -q "Machine: *$E2E_ELF_MACHINE" <<<"$h" || { echo "/proc/vmcore e_machine: $(grep Machine: <<<"$h")"; return; }
  # Program headers: PT_LOADs covering the first kernel's RAM minus the
  # crash region (give or take the header and the kernel text mapping).
  local l nloads nnotes sum=0 ram msz
  l=$(_e2e_out "$log" readelf_l)
  [ "$(_e2e_rc "$log" readelf_l)" = 0 ] || { echo "readelf -l /proc/vmcore failed: $(_e2e_brief <<<"$l")"; return; }
  grep -qiE 'warning|corrupt|error' <<<"$l" && { echo "readelf -l complains: $(grep -iE 'warning|corrupt|error' <<<"$l" | _e2e_brief)"; return; }
  case "$kind" in
    kdump-hotplug*)
      why=$(kd_check_hotplug "$kind" "$log")
      [ -z "$why" ] || { echo "$why"; return; } ;;
  esac
  # (a rewritten header describes the machine as it crashed: the RAM and
  # CPUs after the hot-add; a stale one, the machine as it was loaded)
  local at=stage1
  case "$kind" in kdump-hotplug|kdump-hotplug-s) at="hp after" ;; esac
  nloads=$(grep -c '^ *LOAD ' <<<"$l")
  nnotes=$(grep -c '^ *NOTE ' <<<"$l")
  while read -r msz; do sum=$((sum + msz)); done < <(awk '$1 == "LOAD" { print $6 }' <<<"$l")
  ram=$(_e2e_field "$log" "$at" ram_bytes)
  [ "$nloads" -ge 1 ] && [ "$nnotes" = 1 ] || { echo "/proc/vmcore has $nloads PT_LOAD and $nnotes PT_NOTE (expected >= 1 and 1)"; return; }
  [ $sum -ge $((ram - crash_size - (4 << 20))) ] && [ $sum -le $((ram - crash_size + (256 << 20))) ] ||
    { echo "PT_LOADs add up to $((sum >> 20)) MiB; stage 1 had $((ram >> 20)) MiB of RAM and a $((crash_size >> 20)) MiB crash region"; return; }
  # Notes: one NT_PRSTATUS per CPU that was online, and VMCOREINFO.
  local notes
  notes=$(_e2e_out "$log" readelf_n)
  [ "$(_e2e_rc "$log" readelf_n)" = 0 ] || { echo "readelf -n /proc/vmcore failed: $(_e2e_brief <<<"$notes")"; return; }
  grep -qiE 'warning|corrupt' <<<"$notes" && { echo "readelf -n complains: $(grep -iE 'warning|corrupt' <<<"$notes" | _e2e_brief)"; return; }
  cpus1=$(_e2e_field "$log" "$at" cpus)
  case "$cpus1" in 0) n=1 ;; 0-*) n=$((${cpus1#0-} + 1)) ;; *) n=-1 ;; esac
  [ "$(grep -c 'NT_PRSTATUS' <<<"$notes")" = "$n" ] ||
    { echo "readelf -n shows $(grep -c 'NT_PRSTATUS' <<<"$notes") NT_PRSTATUS notes; stage 1 had CPUs $cpus1 online"; return; }
  grep -q '^ *VMCOREINFO ' <<<"$notes" || { echo "readelf -n shows no VMCOREINFO note"; return; }
  # makedumpfile: the first kernel's log holds the marker; a filtered,
  # compressed dump succeeds.
  local kmarker=kdump-marker-$token
  # Debian's makedumpfile (1.7.2, 1.7.6) refuses the 4K-page 52-bit-VA
  # layout of Debian's arm64 6.12 (kdump-init.sh): that oracle cannot run
  # there, and the marker must then come from vmcore-dmesg alone.
  # trixie-backports' arm64 kernel runs on a CPU with FEAT_LPA2: its 52-bit
  # VAs are in use (TCR_EL1.T1SZ 12, 5-level tables), not the 48-bit
  # fallback (T1SZ 16) the other arm64 cases run with
  if [ "$E2E_ARCH:$k1" = arm64:backports ] && ! grep -aq '^E2E: vmcoreinfo NUMBER(TCR_EL1_T1SZ)=0xc$' <<<"$lines"; then
    echo "LPA2 not in use: the crashed kernel's VMCOREINFO has $(grep -a '^E2E: vmcoreinfo NUMBER(TCR_EL1_T1SZ)' <<<"$lines" | _e2e_brief) (52-bit VAs: 0xc)"; return
  fi
  local va52=0
  if [ "$E2E_ARCH" = arm64 ] && [ "$(_e2e_rc "$log" dmesg)" != 0 ] &&
     grep -aq '^E2E: vmcoreinfo NUMBER(VA_BITS)=52$' <<<"$lines" &&
     _e2e_out "$log" dmesg | grep 'VA Bits 52 not supported' >/dev/null; then
    va52=1
    [ "$vdmesg" = 1 ] || { echo "no dmesg oracle: makedumpfile refuses VA_BITS=52 and there is no vmcore-dmesg"; return; }
  fi
  if [ $va52 = 0 ]; then
    [ "$(_e2e_rc "$log" dmesg)" = 0 ] ||
      { echo "makedumpfile --dump-dmesg exited $(_e2e_rc "$log" dmesg): $(_e2e_out "$log" dmesg | _e2e_brief)"; return; }
    _e2e_out "$log" dmesg-marker | grep -F "$kmarker" >/dev/null ||
      { echo "makedumpfile --dump-dmesg output ($(_e2e_field "$log" dmesg lines) lines) lacks $kmarker"; return; }
    [ "$(_e2e_rc "$log" dump)" = 0 ] ||
      { echo "makedumpfile -c -d 31 exited $(_e2e_rc "$log" dump): $(_e2e_out "$log" dump | _e2e_brief)"; return; }
    [ "$(_e2e_field "$log" dump bytes)" -gt 0 ] 2>/dev/null || { echo "makedumpfile -c -d 31 wrote nothing"; return; }
  fi
  # vmcore-dmesg: the same log as makedumpfile's.
  if [ "$vdmesg" = 1 ]; then
    grep -aq '^E2E: vdmesg absent' <<<"$lines" && { echo "vmcore-dmesg missing from the capture initrd"; return; }
    [ "$(_e2e_rc "$log" vdmesg)" = 0 ] ||
      { echo "vmcore-dmesg exited $(_e2e_rc "$log" vdmesg): $(_e2e_out "$log" vdmesg-stderr | _e2e_brief)"; return; }
    _e2e_out "$log" vdmesg-marker | grep -F "$kmarker" >/dev/null ||
      { echo "vmcore-dmesg output ($(_e2e_field "$log" vdmesg lines) lines) lacks $kmarker"; return; }
    # (same=normalized: equal but for makedumpfile's caller field and its
    # indented continuation lines; kdump-init.sh)
    [ $va52 = 1 ] || [ "$(_e2e_field "$log" vdmesg same)" = yes ] || [ "$(_e2e_field "$log" vdmesg same)" = normalized ] ||
      { echo "vmcore-dmesg's log differs from makedumpfile's: $(_e2e_out "$log" vdmesg-diff | _e2e_brief)"; return; }
  fi
  # vmcore-save (when packed beside vmcore-dmesg): its dump reads back
  # through makedumpfile with the same log, its -F stream through
  # makedumpfile -R into the same file.
  if [ "$vsave" = 1 ] && kd_saves "$kind" "$k1"; then
    [ "$(_e2e_rc "$log" save)" = 0 ] ||
      { echo "vmcore-save exited $(_e2e_rc "$log" save): $(_e2e_out "$log" save | _e2e_brief)"; return; }
    if [ $va52 = 0 ]; then
      [ "$(_e2e_field "$log" savedmesg same)" = yes ] ||
        { echo "makedumpfile --dump-dmesg of vmcore-save's dump: rc $(_e2e_rc "$log" savedmesg), not the log of /proc/vmcore: $(_e2e_out "$log" savedmesg | _e2e_brief) $(_e2e_out "$log" savedmesg-diff | _e2e_brief)"; return; }
      [ "$(_e2e_field "$log" saveflat same)" = yes ] ||
        { echo "vmcore-save -F | makedumpfile -R: not the same file (rc $(_e2e_field "$log" saveflat rc)): $(_e2e_out "$log" saveflat | _e2e_brief)"; return; }
    fi
    # -d 31: the pages left out, class by class, from the kernel's mem_map
    # (read through its page tables), against makedumpfile's on the same
    # /proc/vmcore
    [ "$(_e2e_rc "$log" save31)" = 0 ] ||
      { echo "vmcore-save -l -d 31 exited $(_e2e_rc "$log" save31): $(_e2e_out "$log" save31 | _e2e_brief)"; return; }
    local c1 c2
    c1=$(_e2e_field "$log" classes save31) c2=$(_e2e_field "$log" classes dump31)
    # vmcore-dmesg reads both -d 31 dumps (ours, makedumpfile's where it
    # works): the log it reads of /proc/vmcore
    [ "$(_e2e_field "$log" dmesg31 save31)" = yes ] ||
      { echo "vmcore-dmesg of vmcore-save's -d 31 dump: not the log of /proc/vmcore ($(_e2e_field "$log" dmesg31 save31)): $(_e2e_out "$log" dmesg31-save31 | _e2e_brief)"; return; }
    # (trixie's makedumpfile runs with --dry-run: no file)
    [ $va52 = 1 ] || [ "$k1" = trixie ] || [ "$k1" = backports ] || [ "$(_e2e_field "$log" dmesg31 dump31)" = yes ] ||
      { echo "vmcore-dmesg of makedumpfile's -d 31 dump: not the log of /proc/vmcore ($(_e2e_field "$log" dmesg31 dump31)): $(_e2e_out "$log" dmesg31-dump31 | _e2e_brief)"; return; }
    if [ $va52 = 1 ] || [ "$E2E_ARCH" = riscv64 ]; then
      # makedumpfile refuses this kernel (52-bit VA), or (riscv64 6.12,
      # trixie's 1.7.6) counts one whole 128 MiB section of page cache and
      # no user page there, beside missing 6.12's free pages: nothing to
      # compare with. Ours must have found free pages and page cache (a
      # booted system has both).
      [ "$(cut -d, -f5 <<<"$c1")" != 0 ] && [ "$(cut -d, -f2 <<<"$c1")" != 0 ] ||
        { echo "-d 31 on a 52-bit-VA kernel: no free or no cache page left out: $c1"; return; }
    elif [ "$(_kd_tools_suite "$k1")" = trixie ]; then
      [ -n "$c2" ] || { echo "-d 31: makedumpfile -l -d 31 gave no report: $(_e2e_out "$log" dump31 | _e2e_brief)"; return; }
      # trixie's makedumpfile 1.7.6 reads 6.12's page types as slab
      # pages and so leaves no free page out (fixed in 1.7.7, its
      # commit 72c3414 "fix detection of typed (compound) pages (Linux
      # 6.12)"): its free pages are dumped, the zero ones counted as
      # zero pages. The other classes must agree; ours must find free
      # pages; the files cannot be the same.
      [ "$(cut -d, -f2-4,6,7 <<<"$c1")" = "$(cut -d, -f2-4,6,7 <<<"$c2")" ] && [ "$(cut -d, -f5 <<<"$c1")" != 0 ] ||
        { echo "-d 31 on 6.12: cache, private cache, user, hwpoison, offline pages left out (and free ones, by vmcore-save only): vmcore-save $c1, makedumpfile 1.7.6 $c2"; return; }
    else
      [ -n "$c2" ] || { echo "-d 31: makedumpfile -l -d 31 gave no report: $(_e2e_out "$log" dump31 | _e2e_brief)"; return; }
      [ "$c1" = "$c2" ] ||
        { echo "-d 31: pages left out per class (zero,cache,private cache,user,free,hwpoison,offline): vmcore-save $c1, makedumpfile $c2"; return; }
      [ "$(_e2e_field "$log" save31 same)" = yes ] ||
        { echo "-d 31: vmcore-save's and makedumpfile's dumps differ after their headers: $(_e2e_lines "$log" | grep -a '^E2E: save31 ' | _e2e_brief) $(_e2e_out "$log" save31-cmp | _e2e_brief)"; return; }
    fi
  fi
  grep -aq "^E2E: KDUMP-STAGE2-DONE token=$token\$" <<<"$lines" || { echo "stage 2 did not finish: $(_e2e_tail "$log")"; return; }
}

# kd_crash_check LOG TOKEN K1 DIR: the stream the capture kernel sent out of
# ttyS1 (its digest as the guest printed it) put back together with
# vmcore-save -R, then opened by Debian's crash with the crashed kernel's
# vmlinux: bt shows the panic (sysrq's crash handler), ps the tasks (the
# shell that wrote to /proc/sysrq-trigger among them), log the marker; then
# the dump saved again with -p (snappy): bt and log through crash's libsnappy.
# Prints what crash showed, or the failure (status 1).
kd_crash_check() {
  local log=$1 token=$2 k1=$3 dir=$4 save vmlinux want got out
  save=$(dirname "$vdm")/vmcore-save
  [ "$(_e2e_field "$log" stream rc)" = 0 ] ||
    { echo "vmcore-save -F to ttyS1 exited $(_e2e_field "$log" stream rc): $(_e2e_out "$log" stream | _e2e_brief)"; return 1; }
  want=$(_e2e_field "$log" stream sha256)
  got=$(sha256sum <"$log.ttyS1" | cut -d' ' -f1)
  [ -n "$want" ] && [ "$want" = "$got" ] ||
    { echo "the stream out of ttyS1 ($(stat -c %s "$log.ttyS1" 2>/dev/null) bytes) is not what the guest sent: sha256 $got, guest $want"; return 1; }
  "$save" -R "$dir/dump" <"$log.ttyS1" 2>"$dir/R.err" ||
    { echo "vmcore-save -R of the stream: $(_e2e_brief <"$dir/R.err")"; return 1; }
  vmlinux=$(bash "$E2E_ROOT/scripts/fetch-vmlinux-dbg.sh" "$k1-$E2E_DEB_ARCH" 2>"$dir/vmlinux.err") ||
    { echo "no vmlinux for crash: $(_e2e_brief <"$dir/vmlinux.err")"; return 1; }
  command -v crash >/dev/null || { echo "no crash (scripts/setup-deps.sh installs it)"; return 1; }
  # (crash 8.0.2's ps finds tasks through the PID idr, which it cannot walk
  # on this 6.1 kernel: "active task ... not found in PID hash", only the
  # CPUs' active tasks listed; the task list itself is whole in the dump:
  # list task_struct.tasks)
  out=$(printf 'bt\nps\nlist task_struct.tasks -s task_struct.pid -h init_task\nlog\nexit\n' |
    timeout 300 crash -s "$vmlinux" "$dir/dump" 2>&1)
  printf '%s\n' "$out" >"$log.crash"
  grep -q 'sysrq_handle_crash' <<<"$out" ||
    { echo "crash: bt shows no sysrq_handle_crash: $(head -n 12 <<<"$out" | _e2e_brief)"; return 1; }
  local tasks
  tasks=$(grep -cE '^  pid = [0-9]+,$' <<<"$out")
  [ "$tasks" -ge 10 ] && grep -qE '^> +1 +0 +[0-9]+ +[0-9a-f]+ +RU .* init$' <<<"$out" ||
    { echo "crash: the task list has $tasks tasks, or ps does not show init (PID 1, which wrote to /proc/sysrq-trigger) running: $(grep -E '^[> ] +[0-9]' <<<"$out" | head -n 5 | _e2e_brief)"; return 1; }
  grep -q "kdump-marker-$token" <<<"$out" ||
    { echo "crash: log lacks kdump-marker-$token: $(grep -i 'error\|invalid' <<<"$out" | head -n 3 | _e2e_brief)"; return 1; }
  # snappy (-p): the dump saved again with our own snappy compressor
  # (Debian's makedumpfile has no snappy); crash reads it with libsnappy
  "$save" -p -d 31 "$dir/dump" "$dir/dump.snappy" 2>"$dir/p.err" ||
    { echo "vmcore-save -p of the dump: $(_e2e_brief <"$dir/p.err")"; return 1; }
  out=$(printf 'bt\nlog\nexit\n' | timeout 300 crash -s "$vmlinux" "$dir/dump.snappy" 2>&1)
  printf '%s\n' "$out" >"$log.crash-snappy"
  grep -q 'sysrq_handle_crash' <<<"$out" && grep -q "kdump-marker-$token" <<<"$out" ||
    { echo "crash on the -p (snappy) dump: no sysrq_handle_crash in bt or no marker in the log: $(head -n 12 <<<"$out" | _e2e_brief)"; return 1; }
  echo "crash 8 on vmcore-save's -c -d 31 stream ($(( $(stat -c %s "$dir/dump") >> 10 )) KiB, sent over ttyS1 in $(_e2e_field "$log" stream secs_to | cut -d. -f1)-$(_e2e_field "$log" stream secs_from | cut -d. -f1) s of uptime): bt through sysrq_handle_crash, ps init running on its CPU, the task list $tasks tasks (crash 8.0.2's ps lists only the active ones: it cannot walk 6.1's PID idr), log with the marker; the dump saved again with -p (snappy, $(( $(stat -c %s "$dir/dump.snappy") >> 10 )) KiB): bt and log the same"
}

# kd_atomic_table KIND: what each step of an atomic case must show
# (e2e_check_atomic): LABEL EXIT LOADED [PATTERN].
kd_atomic_table() {
  local region="crash kernel region \\(${KD_CRASHKERNEL%M} MiB"
  echo "load0 0 1"
  # the kernel frees the loaded crash kernel before it refuses the new one
  # (kernel/kexec.c do_kexec_load, kernel/kexec_file.c kexec_file_load)
  echo "krefuse 255 0 ; the kernel unloaded the previous crash kernel before refusing this one \\(it frees the loaded crash kernel at the start of every crash load\\): nothing is loaded for a crash now\$"
  echo "load 0 1"
  e2e_atomic_table_common
  if [ "$1" = atomic-c ]; then
    echo "garbage 252 1 ^kexec: /init: cannot determine the file type"
    echo "nofit 255 1 ^kexec: .*the $region\\) is too small for this kernel and initrd"
    echo "disabled 255 1 ^kexec: kexec_load refused: kexec is disabled \\(kernel.kexec_load_disabled is 1.*; the crash kernel loaded before is still loaded\$"
  else
    echo "garbage 252 1 ^kexec: /init: cannot determine the file type.*refused here, so that the crash kernel loaded now stays"
    echo "nofit 255 1 ^kexec: initrd /tmp/huge: [0-9]+ MiB, larger than the $region at 0x"
    echo "disabled 255 1 ^kexec: kexec_file_load of /k2/vmlinuz refused: kexec is disabled \\(kernel.kexec_load_disabled is 1.*; the crash kernel loaded before is still loaded\$"
  fi
}

# kd_check_atomic KIND LOG TOKEN V2 QEMU_RC LINES: the atomic cases past
# kd_check's common part: each step, then the crash reached the capture
# kernel of the load that had to survive them (its token, not another's).
kd_check_atomic() {
  local kind=$1 log=$2 token=$3 v2=$4 qrc=$5 lines=$6 why
  case "$kind" in
    atomic-c) grep -aq "^E2E: out krefuse: .*kexec_load refused the plan" <<<"$lines" ||
      { echo "step krefuse: not refused by kexec_load: $(_e2e_out "$log" krefuse | _e2e_brief)"; return; } ;;
    atomic-s) grep -aq "^E2E: out krefuse: kexec: kexec_file_load of /k2/vmlinux.elf failed: Exec format error" <<<"$lines" ||
      { echo "step krefuse: not refused by kexec_file_load: $(_e2e_out "$log" krefuse | _e2e_brief)"; return; } ;;
  esac
  why=$(e2e_check_atomic "$log" <<<"$(kd_atomic_table "$kind")")
  [ -z "$why" ] || { echo "$why"; return; }
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_crash_loaded is not 1 after the load"; return; }
  grep -aq '^E2E: crashing$' <<<"$lines" || { echo "stage 1 never crashed: $(_e2e_tail "$log")"; return; }
  grep -aq '^E2E: still alive' <<<"$lines" && { echo "sysrq c returned in stage 1"; return; }
  if [ -z "$(_e2e_field "$log" kdump2 kernel)" ]; then
    [ "$qrc" = 124 ] && { echo "the capture kernel never reported (host timeout): $(_e2e_tail "$log")"; return; }
    echo "the capture kernel never reported: $(_e2e_tail "$log")"; return
  fi
  why=$(_e2e_check_given "$log" kdump2 "$v2" "$token" "the capture kernel" "capture kernel")
  [ -z "$why" ] || { echo "$why"; return; }
  [ "$(_e2e_field "$log" kdump2 vmcore_size)" -gt 0 ] 2>/dev/null || { echo "the capture kernel has no /proc/vmcore"; return; }
  grep -aq "^E2E: KDUMP-STAGE2-DONE token=$token\$" <<<"$lines" || { echo "stage 2 did not finish: $(_e2e_tail "$log")"; return; }
}

# kd_summary LOG: one line of what the dump showed (for the PASS line).
kd_summary() {
  local log=$1 notes vs lines bytes
  notes=$(_e2e_out "$log" readelf_n)
  vs=$(_e2e_field "$log" kdump2 vmcore_size)
  lines=$(_e2e_field "$log" dmesg lines)
  bytes=$(_e2e_field "$log" dump bytes)
  printf 'vmcore %s MiB, %s PT_LOAD, %s NT_PRSTATUS' "$(( ${vs:-0} >> 20 ))" \
    "$(_e2e_out "$log" readelf_l | grep -c '^ *LOAD ')" "$(grep -c NT_PRSTATUS <<<"$notes")"
  if _e2e_lines "$log" | grep -a '^E2E: vmcoreinfo NUMBER(VA_BITS)=52$' >/dev/null &&
     _e2e_out "$log" dmesg | grep 'VA Bits 52 not supported' >/dev/null; then
    printf '; makedumpfile NOT RUN: it refuses VA_BITS=52 (4K pages); the marker came from vmcore-dmesg alone'
    # the VA size the kernel ran with: 52 bits only with FEAT_LPA2 (5-level tables)
    printf '; TCR_EL1_T1SZ %s' "$(_e2e_lines "$log" | sed -n 's/^E2E: vmcoreinfo NUMBER(TCR_EL1_T1SZ)=//p' | tr -d '\r' | head -n1)"
    [ -z "$(_e2e_field "$log" classes save31)" ] ||
      printf '; vmcore-save -d 31 pages out per class (zero,cache,private,user,free,hwpoison,offline, hex) %s' "$(_e2e_field "$log" classes save31 | sed 's/,$//')"
  else
    printf ', makedumpfile: dmesg %s lines with the marker, -c -d 31 dump %s KiB' "${lines:-?}" "$(( ${bytes:-0} >> 10 ))"
    case "$(_e2e_field "$log" vdmesg same)" in
      yes) printf ', vmcore-dmesg identical' ;;
      normalized) printf ', vmcore-dmesg the same log (caller ids and continuation indents aside)' ;;
    esac
    local c31
    c31=$(_e2e_field "$log" classes save31)
    if [ -n "$c31" ] && [ "$(_e2e_field "$log" save31 same)" = yes ]; then
      printf '; vmcore-save -d 31 = makedumpfile (same bytes after the headers), pages out per class (zero,cache,private,user,free,hwpoison,offline, hex) %s' "${c31%,}"
    elif [ -n "$c31" ] && [ -n "$(_e2e_field "$log" classes dump31)" ]; then
      printf '; vmcore-save -d 31 pages out per class (zero,cache,private,user,free,hwpoison,offline, hex) %s, makedumpfile 1.7.6 %s (it keeps 6.12 free pages)' "${c31%,}" "$(_e2e_field "$log" classes dump31 | sed 's/,$//')"
    fi
  fi
  local r
  for r in $(kd_hotplug_new "$log"); do
    if kd_loads_cover "$(_e2e_out "$log" readelf_l)" "0x${r%-*}" "0x${r#*-}"; then
      printf '; hot-added RAM %s in the dump' "$r"
    else
      printf '; hot-added RAM %s not in the dump' "$r"
    fi
  done
  grep -aq '^E2E: hp armed ' <<<"$(_e2e_lines "$log")" &&
    printf '; crash_hotplug %s' "$(_e2e_lines "$log" | sed -n 's/^E2E: hp armed \(cpu=[^ ]* memory=[^ ]*\).*/\1/p' | head -n1)"
  return 0
}

# --- one architecture ----------------------------------------------------------------
passed=0 failed=0
TOP=$(mktemp -d)
trap 'rm -rf "$TOP"' EXIT

# run_arch ARCH LINE...: the cases of one architecture.
run_arch() {
  local arch=$1; shift
  e2e_set_arch "$arch"
  local logs=$E2E_LOGS/kdump run=$TOP/$arch kexec vdm vdmesg=0 vsave=0 line
  mkdir -p "$E2E_WORK" "$logs" "$run"
  kexec=${KEXEC_OPT:-$E2E_ROOT/build/static-$E2E_ARCH/kexec}
  vdm=${VMCORE_DMESG_OPT:-$E2E_ROOT/build/static-$E2E_ARCH/vmcore-dmesg}
  [ "${kexec#/}" != "$kexec" ] || kexec=$PWD/$kexec
  [ "${vdm#/}" != "$vdm" ] || vdm=$PWD/$vdm
  if [ ! -f "$kexec" ]; then
    echo "e2e: no kexec binary at $kexec (make static ARCH=$E2E_ARCH, or --kexec PATH)" >&2
    for line in "$@"; do read -r name _ <<<"$line"; echo "FAIL $name: no kexec binary at $kexec"; failed=$((failed + 1)); done
    return
  fi
  e2e_need_kernels
  _e2e_lock
  local base s2 linit k kind k1s=
  base=$(e2e_base_layer) && s2=$(e2e_stage2_initrd) && linit=$(_kd_layer_init) ||
    { _e2e_unlock; e2e_die "cannot build the kdump layers for $E2E_ARCH"; }
  for line in "$@"; do
    read -r _ _ _ _ k _ <<<"$line"
    [[ " $k1s " == *" $k "* ]] || k1s="$k1s $k"
    read -r _ _ kind _ _ k _ <<<"$line"
    _kd_layer_k2k "$k" >/dev/null || { _e2e_unlock; e2e_die "cannot build the k2k layer of $k"; }
    if [ "$kind" = atomic-s ]; then
      e2e_k2x_layer "$k" >/dev/null || { _e2e_unlock; e2e_die "cannot build the k2x layer of $k"; }
    fi
  done
  for k in $k1s; do
    _kd_layer_tools "$k" >/dev/null || { _e2e_unlock; e2e_die "cannot build the kdump tools layer ($k)"; }
  done
  _e2e_unlock
  # The capture initrd, one per first kernel's release (its dump tools): the
  # stage-2 initrd, the kdump /init, the tools and the vmcore-dmesg under test.
  local t=$run/k2i-tree parts=("$s2" "$linit")
  if [ -f "$vdm" ]; then
    mkdir -p "$run/vdm-tree"
    _e2e_copy_elf "$vdm" "$run/vdm-tree" /bin/vmcore-dmesg || e2e_die "cannot pack $vdm"
    if [ -f "$(dirname "$vdm")/vmcore-save" ]; then
      _e2e_copy_elf "$(dirname "$vdm")/vmcore-save" "$run/vdm-tree" /bin/vmcore-save || e2e_die "cannot pack vmcore-save"
      vsave=1
    fi
    _e2e_cpio_gz "$run/vdm-tree" "$run/vdm.cpio.gz"
    parts+=("$run/vdm.cpio.gz")
    vdmesg=1
  else
    echo "e2e: NOTE: no vmcore-dmesg at $vdm: the vmcore-dmesg oracle is skipped on $E2E_ARCH (not counted as a pass)" >&2
  fi
  for k in $k1s; do
    mkdir -p "$t/k2"
    cat "${parts[@]}" "$E2E_WORK/kdump-tools-$k.cpio.gz" >"$run/k2i-$k.img"
    cp "$run/k2i-$k.img" "$t/k2/initrd.img"
    _e2e_cpio_gz "$t" "$run/k2i-$k.cpio.gz"
    rm -rf "$t"
  done
  e2e_kexec_layer ng "$kexec" "$run/kexec.cpio.gz" || e2e_die "cannot pack $kexec"
  # Debian's kexec-tools beside it (x86_64, arm64), only to compare what
  # --print-ckr-size prints (never to load anything)
  if [ -n "${E2E_KTCACHE:-}" ] && [ -x "$E2E_KTCACHE/sbin/kexec" ]; then
    mkdir -p "$run/kt-tree"
    _e2e_add_kexec_tools "$run/kt-tree" /bin/kexec-tools
    _e2e_cpio_gz "$run/kt-tree" "$run/kt.cpio.gz"
    cat "$run/kt.cpio.gz" >>"$run/kexec.cpio.gz"
    rm -rf "$run/kt-tree" "$run/kt.cpio.gz"
  fi
  echo "e2e: kdump ($E2E_ARCH): testing $kexec$([ $vdmesg = 1 ] && echo " and $vdm"); $# cases, $JOBS at a time; logs in $logs" >&2

  kd_run_case() {
    local name arch kind fw k1 k2 cpu
    read -r name arch kind fw k1 k2 cpu <<<"$1"
    local d=$run/$name token log initrd append reason qrc
    mkdir -p "$d/tree"
    token=$(e2e_random_token)
    kd_case_write "$kind" "$token" "$d/tree/case.sh" "$k1"
    _e2e_cpio_gz "$d/tree" "$d/case.cpio.gz"
    initrd=$d/initrd.img
    local k2l=("$E2E_WORK/kdump-k2k-$k2.cpio.gz" "$run/k2i-$k1.cpio.gz")
    # /k2/vmlinux.elf: a kernel kexec_file_load refuses, kexec-ng accepts
    [ "$kind" = atomic-s ] && k2l+=("$E2E_WORK/k2x-$k2.cpio.gz")
    if [ "$kind" = kdump-c-uki ]; then
      # /k2/uki.efi only: .linux K2, .initrd the capture initrd, .cmdline
      # kd_append2's line (the token is this case's)
      local layer
      layer=$(e2e_uki_layer "$(e2e_kernel "$k2")" "$run/k2i-$k1.img" "$(kd_append2 "$token")" "$d") ||
        { echo "FAIL $name: cannot make its UKI" | tee "$d.result"; rm -rf "$d"; return; }
      k2l=("$layer")
    fi
    cat "$base" "$linit" "${k2l[@]}" "$run/kexec.cpio.gz" "$d/case.cpio.gz" >"$initrd"
    append="$E2E_CONSOLE stage=1"
    local mem=$E2E_MEM
    case "$kind" in
      noregion) ;;
      # (192M: a high region unlike the automatic 256M low one, so that
      # --print-ckr-size shows which it names)
      kdump-high) append="$append crashkernel=192M,high"; mem=5G ;;
      kdump-highonly) append="$append crashkernel=$KD_CRASHKERNEL,high crashkernel=0,low"; mem=5G ;;
      *) append="$append crashkernel=$KD_CRASHKERNEL" ;;
    esac
    log=$logs/$name.log
    local c=
    case "$cpu" in n1) c=neoverse-n1 ;; max|'') c= ;; *) c=$cpu ;; esac
    local smp=$E2E_SMP maxcpus='' maxmem='' mon='' host='' extra=''
    rm -f "$log.monitor"
    case "$kind" in
      kdump-hotplug*)
        # one vCPU and 2 GiB, room for one more of each; the host hot-adds
        # them when the guest is ready.  Linux 6.12.118 counts QEMU's
        # disabled MADT entries as hot-pluggable CPUs only under a
        # hypervisor it recognises (x86/acpi: "Rework MADT LAPIC flags
        # check", late 2025); TCG looks like bare metal, so the guest is
        # shown QEMU's emulation of VMware's backdoor port (vmport) and a
        # VMware DMI serial, which is how that kernel finds VMware when the
        # CPUID hypervisor bit is clear.
        smp=1 maxcpus=2 maxmem=4G mon=$run/$name.mon
        extra="-M pc,vmport=on -cpu qemu64,-hypervisor -smbios type=1,serial=VMware-kexec-ng"
        : >"$log"
        kd_hotplug_host "$log" "$mon" >"$log.monitor" 2>&1 &
        host=$!
        ;;
    esac
    # the second serial port (ttyS1): the dump's flattened stream
    if kd_streams "$kind" "$k1"; then
      rm -f "$log.ttyS1"
      extra="${extra:+$extra }-serial file:$log.ttyS1"
    fi
    E2E_MEM=$mem E2E_CPU=$c E2E_SMP=$smp E2E_MAXCPUS=$maxcpus E2E_MAXMEM=$maxmem E2E_MONITOR=$mon \
      E2E_QEMU_EXTRA="${E2E_QEMU_EXTRA:-}${extra:+ $extra}" \
      e2e_qemu "$fw" "$(e2e_kernel "$k1")" "$initrd" "$append" "$log" \
        "$(( $(kd_timeout "$kind") + $(kd_streams "$kind" "$k1" && echo 180 || echo 0) ))"
    qrc=$?
    [ -z "$host" ] || { kill "$host" 2>/dev/null; wait "$host" 2>/dev/null; rm -f "$mon"; }
    reason=$(kd_check "$kind" "$k1" "$k2" "$log" "$token" "$qrc" "$vdmesg")
    local crashed=
    if [ -z "$reason" ] && [ "$vsave" = 1 ] && kd_streams "$kind" "$k1"; then
      crashed=$(kd_crash_check "$log" "$token" "$k1" "$d") || { reason=$crashed; crashed=; }
    fi
    if [ -z "$reason" ]; then
      local s=""
      case "$kind" in
        noregion) ;;
        atomic-*) s=": $(grep -c . <<<"$(kd_atomic_table "$kind")") steps as expected; the surviving capture kernel ran, /proc/vmcore $(( $(_e2e_field "$log" kdump2 vmcore_size) >> 20 )) MiB" ;;
        kdump-memmap) s=": $(kd_summary "$log"); the capture kernel's$(_e2e_lines "$log" | sed -n 's/^E2E: cmdline //p' | tail -n1 | tr ' ' '\n' | grep '^memmap=' | sed 's/^/ /' | tr -d '\n'), its System RAM $(_e2e_lines "$log" | sed -n 's/^E2E: ram2 //p' | tr '\n' ' ' | sed 's/ $//')" ;;
        *) s=": $(kd_summary "$log")" ;;
      esac
      echo "PASS $name ($E2E_QEMU_SECS s)$s${crashed:+; $crashed}"
    else
      echo "FAIL $name ($E2E_QEMU_SECS s): $reason"
    fi >"$d.result"
    cat "$d.result"
    rm -rf "$d"
  }
  e2e_run_jobs "$JOBS" kd_run_case "$@"
  e2e_count_results "$run" "$@"
  [ $vdmesg = 1 ] || echo "e2e: NOTE: vmcore-dmesg was not tested on $E2E_ARCH (no binary at $vdm)" >&2
}

t0=$(date +%s)
for a in x86_64 arm64 riscv64; do
  lines=()
  for line in "${selected[@]}"; do
    read -r _ arch _ <<<"$line"
    [ "$arch" = "$a" ] && lines+=("$line")
  done
  [ ${#lines[@]} -gt 0 ] && run_arch "$a" "${lines[@]}"
done
echo "e2e: kdump: $(( $(date +%s) - t0 )) s in all" >&2
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
