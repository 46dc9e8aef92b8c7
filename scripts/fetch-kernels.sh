#!/bin/bash
# Download and cache the Debian x86_64 and arm64 kernels the QEMU end-to-end
# tests boot, plus Debian's kexec-tools and (arm64) busybox-static (for use
# INSIDE guests only, never on the host).
#
#   .cache/kernels/bookworm-amd64/{vmlinuz,config,version,package,signed}
#   .cache/kernels/trixie-amd64/{vmlinuz,config,version,package,signed}
#   .cache/kernels/bookworm-arm64/{vmlinuz,config,version,package,signed}
#   .cache/kernels/trixie-arm64/{vmlinuz,config,version,package,signed}
#   .cache/kernels/backports-amd64/{...}   trixie-backports' kernel (7.x)
#   .cache/kernels/backports-arm64/{...}   the same for arm64 (LPA2 in QEMU)
#   .cache/kexec-tools/{sbin/kexec,lib/...,lib64/...,version}        amd64
#   .cache/kexec-tools-arm64/{sbin/kexec,lib/...,version}             arm64
#   .cache/busybox-arm64/{busybox,version}                           arm64
#   .cache/systemd-boot-efi/{linuxx64.efi.stub,version}              amd64 UKI stub
#   .cache/memtest86+/{memtest86+x64.bin,version}  bookworm's memtest86+ (the
#                                                  32-bit entry's e2e case)
#   .cache/xen-hypervisor/{xen.gz,version}         bookworm's Xen 4.17 (the
#                                                  multiboot2 e2e case)
#
# Debian's arm64 vmlinuz is an uncompressed Image (PE/COFF EFI stub, signed).
# The arm64 packages come from the machine's apt with the arm64 architecture
# (scripts/setup-deps.sh adds it) and from the private trixie lists below.
#
# bookworm comes from the machine's own apt setup.  trixie comes from a
# private apt configuration under .cache/apt-trixie/ (amd64, arm64) and
# .cache/apt-trixie-riscv64/ (riscv64) whose sources list is
# derived at run time from the machine's bookworm URIs; the machine's own apt
# configuration and lists are never changed.  Release files are verified
# against the Debian archive keyring (apt does it, and this script checks the
# InRelease signature once more with gpgv).
#
# riscv64 (bookworm has none) comes from the private trixie lists only:
#   .cache/kernels/trixie-riscv64/{vmlinuz,...}   Debian's /boot/vmlinux-* (an Image
#                                                 with a PE header, named vmlinux)
#   .cache/busybox-riscv64/{busybox,version}
#   .cache/sysroot-riscv64/                       --sysroot for the riscv64 cross build
#                                                 (trixie -dev packages + trixie libc6-dev)
#
# Usage: scripts/fetch-kernels.sh [--refresh] [--sysroot-riscv64]
#   --sysroot-riscv64  only (re)build .cache/sysroot-riscv64 (make static ARCH=riscv64)
#   --refresh   re-run `apt-get update` for the private trixie lists even when
#               they are recent (they are refreshed anyway when older than 1 day)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
KDIR=$CACHE/kernels
KTDIR=$CACHE/kexec-tools
ARCH=amd64
REFRESH=0
MODE=all
for a in "$@"; do
  case "$a" in
    --refresh) REFRESH=1 ;;
    --sysroot-riscv64) MODE=sysroot ;;
    *) echo "fetch-kernels: unknown option $a" >&2; exit 2 ;;
  esac
done

log() { echo "fetch-kernels: $*" >&2; }
die() { echo "fetch-kernels: error: $*" >&2; exit 1; }

mkdir -p "$KDIR" "$CACHE/apt-machine"

# apt-cache rebuilds its package cache on every call when the machine's apt
# keeps none (Debian's docker images set Dir::Cache::pkgcache ""): ~3 s per
# call with the amd64 + arm64 lists.  Keep one for our calls under .cache
# (apt checks it against the lists and rebuilds it when they change).
MAPT=(
  -o "Dir::Cache::pkgcache=$CACHE/apt-machine/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$CACHE/apt-machine/srcpkgcache.bin"
)

# --- the machine's Debian URIs ------------------------------------------------
# Print the first URI of a "deb" source that serves SUITE (exact match), read
# from deb822 *.sources files and from one-line *.list files.
debian_uri() {
  local suite=$1 f uri=
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    uri=$(awk -v want="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uris != "" && out == "") {
          split(uris, u, " "); out = u[1]
        }
        types = ""; suites = ""; uris = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        line = $0; key = line; sub(/:.*/, "", key); val = line; sub(/^[^:]*:[ \t]*/, "", val)
        if (key == "Types") types = val
        else if (key == "Suites") suites = val
        else if (key == "URIs") uris = val
      }
      END { flush(); if (out != "") print out }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    uri=$(awk -v want="$suite" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i+1) == want) { print $i; exit }
      }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}

MAIN_URI=$(debian_uri bookworm) || die "no 'deb ... bookworm' source in /etc/apt (needed to derive the trixie source)"
SEC_URI=$(debian_uri bookworm-security || true)

# apt-get download writes into the current directory; let apt's _apt sandbox
# user write there so that apt does not fall back to unsandboxed downloads.
mk_dl_dir() {
  local d
  d=$(mktemp -d "$CACHE/dl.XXXXXX")
  if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$d"; fi
  echo "$d"
}

# Extract a kernel package into $KDIR/$name if the cached one is not this
# package version.  Args: name apt-args... -- package
# fetch_package_file PKG DEST PATH FILE [APT_OPTION...]: the file PATH of
# Debian's package PKG (name or name:arch; downloaded, extracted, never
# installed) as DEST/FILE, with DEST/version "name=VERSION"; kept when that
# version is already there.
fetch_package_file() {
  local pkg=$1 dest=$2 path=$3 file=$4 ver dl stamp
  shift 4
  ver=$(apt-cache "$@" show --no-all-versions "$pkg" | awk '/^Version:/ && !v { v = $2 } END { print v }')
  [ -n "$ver" ] || die "$pkg not known to apt"
  stamp=${pkg%%:*}=$ver
  if [ -f "$dest/$file" ] && [ "$(cat "$dest/version" 2>/dev/null)" = "$stamp" ]; then
    log "$pkg: cached $ver"
    return
  fi
  log "$pkg: downloading $ver (apt-get download; never installed)"
  dl=$(mk_dl_dir)
  (cd "$dl" && apt-get "$@" -q download "$pkg=$ver" </dev/null) >&2
  dpkg-deb -x "$dl"/*.deb "$dl/x"
  [ -f "$dl/x$path" ] || die "$pkg: no $path in the package"
  rm -rf "$dest.new"; mkdir -p "$dest.new"
  cp "$dl/x$path" "$dest.new/$file"
  echo "$stamp" >"$dest.new/version"
  rm -rf "$dest" "$dl"
  mv "$dest.new" "$dest"
  log "$pkg: $ver -> $dest/$file"
}

fetch_kernel() {
  local name=$1; shift
  local apt=()
  while [ "$1" != "--" ]; do apt+=("$1"); shift; done
  shift
  local meta=$1 pkg ver src dest=$KDIR/$name
  pkg=$(apt-cache "${apt[@]}" depends "$meta" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !p { p = $2 } END { print p }')
  [ -n "$pkg" ] || die "$name: cannot resolve $meta (apt lists missing?)"
  local info
  info=$(apt-cache "${apt[@]}" show --no-all-versions "$pkg")
  ver=$(awk '/^Version:/ && !v { v = $2 } END { print v }' <<<"$info")
  src=$(awk '/^Source:/ && !v { v = $2 } END { print v }' <<<"$info")
  if [ -f "$dest/vmlinuz" ] && [ "$(cat "$dest/package" 2>/dev/null)" = "$pkg=$ver" ]; then
    log "$name: cached $pkg=$ver ($(cat "$dest/version"))"
    return 0
  fi
  log "$name: downloading $pkg=$ver (source package ${src:-$pkg})"
  local dl x
  dl=$(mk_dl_dir)
  (cd "$dl" && apt-get "${apt[@]}" -q download "$pkg=$ver" </dev/null) >&2
  # Since 7.x Debian's linux-image-VERSION holds no kernel: /boot is in the
  # linux-binary-VERSION and linux-base-VERSION packages it depends on.
  local parts
  parts=$(awk '/^Depends:/ && !d { d = $0 } END { print d }' <<<"$info" | tr ',' '\n' |
          sed -n 's/^[ ]*\(linux-\(binary\|base\)-[^ ]*\) (= \([^)]*\)).*/\1=\3/p')
  # shellcheck disable=SC2086
  [ -z "$parts" ] || (cd "$dl" && apt-get "${apt[@]}" -q download $parts </dev/null) >&2
  x=$dl/x
  local deb
  for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$x"; done
  local vmlinuz
  vmlinuz=
  if [ -d "$x/boot" ]; then
    vmlinuz=$(find "$x/boot" -maxdepth 1 -name "vmlinuz-*" | head -n1)
    # riscv64: Debian names the Image (with a PE header) /boot/vmlinux-*.
    [ -n "$vmlinuz" ] || vmlinuz=$(find "$x/boot" -maxdepth 1 -name "vmlinux-*" | head -n1)
  fi
  local kver
  if [ -n "$vmlinuz" ]; then
    kver=$(basename "$vmlinuz" | sed 's/^vmlinu[xz]-//')
  else
    # 7.x: /usr/lib/modules/VERSION/{vmlinuz,config}, no /boot
    vmlinuz=$(find "$x/usr/lib/modules" -mindepth 2 -maxdepth 2 -name vmlinuz 2>/dev/null | head -n1)
    [ -n "$vmlinuz" ] || die "$name: no /boot/vmlinuz-*, /boot/vmlinux-* or /usr/lib/modules/*/vmlinuz in $pkg"
    kver=$(basename "$(dirname "$vmlinuz")")
  fi
  rm -rf "$dest.new"
  mkdir -p "$dest.new"
  cp "$vmlinuz" "$dest.new/vmlinuz"
  cp "$x"/boot/config-* "$dest.new/config" 2>/dev/null || cp "$(dirname "$vmlinuz")/config" "$dest.new/config" 2>/dev/null || true
  echo "$kver" >"$dest.new/version"
  echo "$pkg=$ver" >"$dest.new/package"
  case "$src" in
    linux-signed-*) echo "signed (PE/Authenticode, source package $src)" >"$dest.new/signed" ;;
    *) echo "unsigned (source package ${src:-linux})" >"$dest.new/signed" ;;
  esac
  rm -rf "$dest" "$dl"
  mv "$dest.new" "$dest"
  log "$name: $(cat "$dest/version") -> $dest/vmlinuz ($(cat "$dest/signed"))"
}

# --- bookworm: the machine's own apt -----------------------------------------
if [ $MODE = all ]; then
if ! apt-cache "${MAPT[@]}" depends linux-image-$ARCH 2>/dev/null | grep -q 'Depends: linux-image-'; then
  log "machine apt lists lack linux-image-$ARCH; running apt-get update"
  apt-get update -q </dev/null >&2
fi
fetch_kernel bookworm-amd64 "${MAPT[@]}" -- linux-image-$ARCH

# arm64 from the same lists: the machine must have the arm64 architecture.
if ! apt-cache "${MAPT[@]}" depends linux-image-arm64:arm64 2>/dev/null | grep -q 'Depends: linux-image-'; then
  dpkg --print-foreign-architectures | grep -qx arm64 ||
    die "dpkg has no arm64 architecture: run scripts/setup-deps.sh (it adds it)"
  log "machine apt lists lack linux-image-arm64:arm64; running apt-get update"
  apt-get update -q </dev/null >&2
fi
fetch_kernel bookworm-arm64 "${MAPT[@]}" -- linux-image-arm64:arm64
fi

# --- trixie: private apt configurations --------------------------------------
# TXDIR and TXAPT: the directory and apt's options of the one in use
# (scripts/debian-pkgs.sh, shared with tests/e2e/kdump.sh): .cache/apt-trixie
# for amd64 and arm64, .cache/apt-trixie-riscv64 for riscv64.
# shellcheck source=scripts/debian-pkgs.sh
. "$ROOT/scripts/debian-pkgs.sh"

write_trixie_sources() {
  local keyring=$1
  case "$TXDIR" in
    */apt-forky)
      { echo "# generated by scripts/fetch-kernels.sh from the machine's bookworm source"
        echo "deb [signed-by=$keyring] $MAIN_URI forky main"; } >"$TXDIR/sources.list"
      return ;;
  esac
  {
    echo "# generated by scripts/fetch-kernels.sh from the machine's bookworm source"
    echo "deb [signed-by=$keyring] $MAIN_URI trixie main"
    echo "deb [signed-by=$keyring] $MAIN_URI trixie-updates main"
    # amd64/arm64 only (the backports kernel is amd64's): apt prefers trixie
    # to its backports, a backport is taken only with -t trixie-backports
    case "$TXDIR" in
      *-riscv64) ;;
      *) echo "deb [signed-by=$keyring] $MAIN_URI trixie-backports main" ;;
    esac
    [ -n "$SEC_URI" ] && echo "deb [signed-by=$keyring] $SEC_URI trixie-security main"
  } >"$TXDIR/sources.list"
}

# Verify every InRelease in the private lists with gpgv against KEYRING.
verify_trixie_lists() {
  local keyring=$1 f ok=0
  for f in "$TXDIR"/lists/*_dists_*_InRelease; do
    [ -f "$f" ] || return 1
    gpgv --keyring "$keyring" "$f" >"$TXDIR/gpgv.log" 2>&1 || return 1
    ok=1
  done
  [ $ok = 1 ]
}

trixie_update() {
  local keyring=$1 stale
  write_trixie_sources "$keyring"
  mkdir -p "$TXDIR/lists/partial" "$TXDIR/cache/archives/partial"
  log "${TXDIR##*/apt-}: apt-get update (private lists in $TXDIR, keyring $keyring)"
  if ! apt-get "${TXAPT[@]}" -q update </dev/null >"$TXDIR/update.log" 2>&1; then
    # An index of trixie-updates/-security that fails its Release hash (a
    # mirror mid-sync, or one that lags for a port) is ignored by apt, never
    # used unverified: go on with trixie main's list.  Any other error stops.
    if grep '^E: ' "$TXDIR/update.log" |
       grep -vqE '^E: (Failed to fetch [^ ]*/dists/trixie-(updates|security|backports)/main/binary-[a-z0-9]+/|Some index files failed to download)'; then
      cat "$TXDIR/update.log" >&2; return 1
    fi
    stale=$(sed -n 's|^E: Failed to fetch [^ ]*/dists/\(trixie-[a-z]*\)/main/binary-\([a-z0-9]*\)/.*|\1/\2|p' "$TXDIR/update.log" |
            sort -u | paste -sd, | sed 's/,/, /g')
    log "trixie: warning: index not fetched (hash mismatch, ignored by apt): $stale; ${TXDIR##*/} uses trixie main there"
  fi
  # apt exits 0 on some signature problems (it keeps old lists): insist.
  if grep -qE '^(W|E): .*(NO_PUBKEY|not signed|signature|EXPKEYSIG|BADSIG)' "$TXDIR/update.log"; then
    cat "$TXDIR/update.log" >&2; return 1
  fi
  verify_trixie_lists "$keyring"
}

# trixie_lists DEB_ARCH: select (trixie_apt_setup) and, when missing or older
# than a day, fetch and verify the private trixie lists that hold DEB_ARCH.
# suite_lists forky amd64: the same for the forky lists (forky_apt_setup).
trixie_lists() { suite_lists trixie "$1"; }
suite_lists() {
  local suite=$1 arch=$2 keyring need_update=$REFRESH
  if [ "$suite" = forky ]; then forky_apt_setup "$CACHE"; else trixie_apt_setup "$CACHE" "$arch"; fi
  mkdir -p "$TXDIR"
  keyring=$HOST_KEYRING
  [ -f "$TXDIR/keyring" ] && keyring=$(cat "$TXDIR/keyring")
  if [ ! -f "$TXDIR/sources.list" ] || ! ls "$TXDIR"/lists/*_dists_"$suite"_InRelease >/dev/null 2>&1 ||
     ! ls "$TXDIR"/lists/*_dists_"$suite"_main_binary-"$arch"_Packages* >/dev/null 2>&1 ||
     { [ "$suite:$arch" != trixie:riscv64 ] && [ "$suite" = trixie ] && ! grep -q trixie-backports "$TXDIR/sources.list"; } ||
     [ -n "$(find "$TXDIR/lists" -maxdepth 1 -name "*_dists_${suite}_InRelease" -mtime +0)" ]; then
    need_update=1
  fi
  [ $need_update = 1 ] || return 0
  if ! trixie_update "$keyring"; then
    # The machine's keyring may predate trixie's archive keys.  Take the newest
    # debian-archive-keyring from bookworm(-updates) via the machine's own
    # (verified) apt, and use its keyring for the trixie source only.
    log "$suite: Release not verifiable with $keyring; trying the newest debian-archive-keyring package"
    local dl
    dl=$(mk_dl_dir)
    (cd "$dl" && apt-get -q download debian-archive-keyring </dev/null) >&2
    rm -rf "$TXDIR/keyring-pkg"
    dpkg-deb -x "$dl"/debian-archive-keyring_*.deb "$TXDIR/keyring-pkg"
    rm -rf "$dl"
    keyring=$TXDIR/keyring-pkg/usr/share/keyrings/debian-archive-keyring.gpg
    trixie_update "$keyring" ||
      die "$suite: Release signature does not verify with $keyring either (see $TXDIR/update.log); refusing to continue unverified"
  fi
  echo "$keyring" >"$TXDIR/keyring"
  log "$suite: InRelease verified with $keyring:"
  sed -n 's/.*Good signature from/  good signature from/p' "$TXDIR/gpgv.log" >&2
}

HOST_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# --- riscv64 sysroot (trixie): the -dev packages and one glibc, never installed
SRV=$CACHE/sysroot-riscv64
# liblz4-dev in trixie links libxxhash (Requires.private): libxxhash-dev too.
SRV_PKGS="libc6-dev libc6 linux-libc-dev libfdt-dev libfdt1 zlib1g-dev zlib1g libdeflate-dev libdeflate0 liblzma-dev liblzma5 libzstd-dev libzstd1 liblz4-dev liblz4-1 libbz2-dev libbz2-1.0 liblzo2-dev liblzo2-2 libgcc-s1 libcrypt-dev libcrypt1 libxxhash-dev libxxhash0"
srv_want() {
  local p v out=
  for p in $SRV_PKGS; do
    # linux-libc-dev is Architecture: all in trixie (headers of every arch).
    local q=$p:riscv64
    [ $p = linux-libc-dev ] && q=$p
    v=$(apt-cache "${TXAPT[@]}" show --no-all-versions "$q" 2>/dev/null | awk '/^Version:/ && !v { v = $2 } END { print v }')
    [ -n "$v" ] || die "sysroot-riscv64: $q not in the trixie lists"
    out="$out $q=$v"
  done
  echo "${out# }"
}
build_sysroot_riscv64() {
  local want dl d
  want=$(srv_want)
  if [ -f "$SRV/.packages" ] && [ "$(cat "$SRV/.packages")" = "$want" ]; then
    log "sysroot-riscv64: cached"
    return 0
  fi
  log "sysroot-riscv64: downloading $want"
  dl=$(mk_dl_dir)
  # shellcheck disable=SC2086
  (cd "$dl" && apt-get "${TXAPT[@]}" -q download $want </dev/null) >&2
  rm -rf "$SRV.new"; mkdir -p "$SRV.new"
  for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$SRV.new"; done
  # Absolute symlinks (libfoo.so -> /lib/...) would point into the host.
  find "$SRV.new" -type l -lname '/*' | while read -r l; do
    ln -sfn "$SRV.new$(readlink "$l")" "$l.tmp" && mv -T "$l.tmp" "$l"
  done
  echo "$want" >"$SRV.new/.packages"
  rm -rf "$SRV" "$dl"; mv "$SRV.new" "$SRV"
  log "sysroot-riscv64: $SRV"
}
if [ $MODE = sysroot ]; then
  trixie_lists riscv64
  build_sysroot_riscv64
  exit 0
fi

trixie_lists $ARCH
fetch_kernel trixie-amd64 "${TXAPT[@]}" -- linux-image-$ARCH
# trixie-backports' newest kernel (7.x): the 6.18+ kexec_file flags
fetch_kernel backports-amd64 "${TXAPT[@]}" -t trixie-backports -- linux-image-$ARCH
fetch_kernel trixie-arm64 "${TXAPT[@]}" -- linux-image-arm64:arm64
# ... and arm64's: LPA2 (52-bit physical and virtual addresses, 5-level
# tables) in QEMU, where 6.12 oopses in kexec_load (tests/e2e/lib.sh)
fetch_kernel backports-arm64 "${TXAPT[@]}" -t trixie-backports -- linux-image-arm64:arm64
trixie_lists riscv64
fetch_kernel trixie-riscv64 "${TXAPT[@]}" -- linux-image-riscv64:riscv64

# riscv64 guests' busybox-static (trixie; used inside guests only)
BBRV=$CACHE/busybox-riscv64
fetch_package_file busybox-static:riscv64 "$BBRV" /usr/bin/busybox busybox "${TXAPT[@]}"  # trixie: merged /usr

# --- Debian's kexec-tools (bookworm), for use inside guests only --------------
# The binary is dynamically linked: copy the libraries it needs from the host
# (same bookworm glibc/zlib/liblzma the package depends on).  The NEEDED list
# is read with readelf; the binary is never executed on the host (not even by
# ldd, which runs the dynamic loader on it).
kt_pkg_ver=$(apt-cache "${MAPT[@]}" show --no-all-versions kexec-tools | awk '/^Version:/ && !v { v = $2 } END { print v }')
[ -n "$kt_pkg_ver" ] || die "kexec-tools not known to apt"
if [ -x "$KTDIR/sbin/kexec" ] && [ "$(cat "$KTDIR/version" 2>/dev/null)" = "kexec-tools=$kt_pkg_ver" ]; then
  log "kexec-tools: cached $kt_pkg_ver"
else
  log "kexec-tools: downloading $kt_pkg_ver (apt-get download; never installed on the host)"
  dl=$(mk_dl_dir)
  (cd "$dl" && apt-get -q download "kexec-tools=$kt_pkg_ver" </dev/null) >&2
  dpkg-deb -x "$dl"/kexec-tools_*.deb "$dl/x"
  rm -rf "$KTDIR.new"
  mkdir -p "$KTDIR.new/sbin"
  kbin=$(find "$dl/x" -type f -name kexec -path '*bin/*' | head -n1)
  [ -n "$kbin" ] || die "kexec-tools: no kexec binary in the package"
  cp "$kbin" "$KTDIR.new/sbin/kexec"
  # Library packages kexec-tools depends on (recursively) that the host lacks
  # (bookworm's kexec-tools links libxenctrl from libxenmisc4.17, ...):
  # download them too and extract them into a private sysroot.
  sys=$dl/sysroot
  mkdir -p "$sys"
  extra=$(apt-cache "${MAPT[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances kexec-tools |
          awk '/^lib/ { print }' | sort -u |
          while read -r p; do
            dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
          done)
  if [ -n "$extra" ]; then
    log "kexec-tools: also fetching library packages the host lacks:" $extra
    # shellcheck disable=SC2086
    (cd "$dl" && apt-get -q download $extra </dev/null) >&2
    for deb in "$dl"/lib*.deb; do dpkg-deb -x "$deb" "$sys"; done
  fi
  # Resolve DT_NEEDED recursively: the sysroot first, then the host's
  # multiarch library dirs.
  declare -A seen=()
  queue=("$KTDIR.new/sbin/kexec")
  while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}; queue=("${queue[@]:1}")
    interp=$(readelf -l "$obj" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ] && [ -z "${seen[$interp]:-}" ]; then
      seen[$interp]=1
      mkdir -p "$KTDIR.new$(dirname "$interp")"
      cp -L "$interp" "$KTDIR.new$interp"
    fi
    for lib in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${seen[$lib]:-}" ] && continue
      seen[$lib]=1
      found=
      for d in "$sys"/lib/x86_64-linux-gnu "$sys"/usr/lib/x86_64-linux-gnu \
               /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib; do
        if [ -e "$d/$lib" ]; then found=$d/$lib; break; fi
      done
      [ -n "$found" ] || die "kexec-tools: library $lib not found on the host"
      mkdir -p "$KTDIR.new/lib/x86_64-linux-gnu"
      cp -L "$found" "$KTDIR.new/lib/x86_64-linux-gnu/$lib"
      queue+=("$KTDIR.new/lib/x86_64-linux-gnu/$lib")
    done
  done
  echo "kexec-tools=$kt_pkg_ver" >"$KTDIR.new/version"
  rm -rf "$KTDIR" "$dl"
  mv "$KTDIR.new" "$KTDIR"
  log "kexec-tools: $kt_pkg_ver -> $KTDIR/sbin/kexec (+ $(find "$KTDIR/lib" "$KTDIR/lib64" -type f 2>/dev/null | wc -l) libraries)"
fi

# --- systemd's UKI stub (bookworm's systemd-boot-efi), for the UKI tests ------------
# tests/e2e/lib.sh (e2e_uki) and tests/cli/test_cli.sh build UKIs around the
# Debian kernels with objcopy from linuxx64.efi.stub.  Extracted, never
# installed, never run on the host (it is an EFI program).
SBDIR=$CACHE/systemd-boot-efi
fetch_package_file systemd-boot-efi "$SBDIR" /usr/lib/systemd/boot/efi/linuxx64.efi.stub linuxx64.efi.stub "${MAPT[@]}"

# --- memtest86+ (bookworm), for the 32-bit entry's e2e case -------------------------
# tests/e2e/cases.sh (exec-memtest): its .bin is a bzImage of boot protocol
# 2.12 that is not relocatable (code32_start 0x100000), which the stage-1
# guest kexecs into through the 32-bit entry. Extracted, never installed,
# never run on the host.
MTDIR=$CACHE/memtest86+
fetch_package_file memtest86+ "$MTDIR" /boot/memtest86+x64.bin memtest86+x64.bin "${MAPT[@]}"

# --- Xen (bookworm's xen-hypervisor-4.17-amd64), for the multiboot2 e2e case ----------
# tests/e2e/cases.sh (exec-xen): /boot/xen-4.17-amd64.gz, a gzip-compressed
# 32-bit ELF with multiboot and multiboot2 headers, which the stage-1 guest
# kexecs into with the Debian kernel and an initrd as --modules. Extracted,
# never installed, never run on the host.
XENDIR=$CACHE/xen-hypervisor
fetch_package_file xen-hypervisor-4.17-amd64 "$XENDIR" /boot/xen-4.17-amd64.gz xen.gz "${MAPT[@]}"

# --- arm64 guests: busybox-static and kexec-tools (bookworm) --------------------
# Downloaded and extracted, never installed (the host is x86_64) and never run
# on the host.  kexec-tools' libraries come from the arm64 library packages it
# depends on (recursively), extracted into a private sysroot; the NEEDED
# list is read with readelf.
BBDIR=$CACHE/busybox-arm64
KTA=$CACHE/kexec-tools-arm64
arm64_ver() { apt-cache "${MAPT[@]}" show --no-all-versions "$1:arm64" | awk '/^Version:/ && !v { v = $2 } END { print v }'; }

fetch_package_file busybox-static:arm64 "$BBDIR" /bin/busybox busybox "${MAPT[@]}"

kta_ver=$(arm64_ver kexec-tools)
[ -n "$kta_ver" ] || die "kexec-tools:arm64 not known to apt"
if [ -x "$KTA/sbin/kexec" ] && [ "$(cat "$KTA/version" 2>/dev/null)" = "kexec-tools=$kta_ver" ]; then
  log "kexec-tools:arm64: cached $kta_ver"
else
  log "kexec-tools:arm64: downloading $kta_ver and its arm64 libraries"
  dl=$(mk_dl_dir)
  # Its library dependencies (lib*, zlib1g), then theirs.
  direct=$(apt-cache "${MAPT[@]}" depends "kexec-tools:arm64=$kta_ver" |
           awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }')
  # shellcheck disable=SC2086
  libs=$(apt-cache "${MAPT[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
           --no-breaks --no-replaces --no-enhances $direct |
         awk '/^(lib|zlib)[^ ]*:arm64$/ { print }' | sort -u)
  log "kexec-tools:arm64: library packages:" $libs
  # shellcheck disable=SC2086
  (cd "$dl" && apt-get -q download "kexec-tools:arm64=$kta_ver" $libs </dev/null) >&2
  sys=$dl/sysroot
  for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$sys"; done
  rm -rf "$KTA.new"; mkdir -p "$KTA.new/sbin"
  cp "$sys/sbin/kexec" "$KTA.new/sbin/kexec"
  declare -A aseen=()
  queue=("$KTA.new/sbin/kexec")
  while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}; queue=("${queue[@]:1}")
    interp=$(readelf -l "$obj" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    if [ -n "$interp" ] && [ -z "${aseen[$interp]:-}" ]; then
      aseen[$interp]=1
      f=$(sysroot_file "$sys" "$interp") || die "kexec-tools:arm64: interpreter $interp not in its packages"
      mkdir -p "$KTA.new$(dirname "$interp")"
      cp "$f" "$KTA.new$interp"
    fi
    for lib in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${aseen[$lib]:-}" ] && continue
      aseen[$lib]=1
      f=$(sysroot_file "$sys" "/lib/aarch64-linux-gnu/$lib" || sysroot_file "$sys" "/usr/lib/aarch64-linux-gnu/$lib") ||
        die "kexec-tools:arm64: library $lib not in the downloaded packages"
      mkdir -p "$KTA.new/lib/aarch64-linux-gnu"
      cp "$f" "$KTA.new/lib/aarch64-linux-gnu/$lib"
      queue+=("$KTA.new/lib/aarch64-linux-gnu/$lib")
    done
  done
  echo "kexec-tools=$kta_ver" >"$KTA.new/version"
  rm -rf "$KTA" "$dl"
  mv "$KTA.new" "$KTA"
  log "kexec-tools:arm64: $kta_ver -> $KTA/sbin/kexec (+ $(find "$KTA/lib" -type f | wc -l) files in lib/)"
fi

# forky's lists (amd64; last: TXAPT is forky's from here): the kdump
# suite's makedumpfile for x86_64 6.12 captures (tests/e2e/kdump.sh)
suite_lists forky amd64

for k in bookworm-amd64 trixie-amd64 bookworm-arm64 trixie-arm64 trixie-riscv64; do
  printf '%-17s %-22s %s  %s\n' "$k" "$(cat "$KDIR/$k/version")" "$KDIR/$k/vmlinuz" "$(cat "$KDIR/$k/signed")"
done
printf '%-17s %-22s %s\n' kexec-tools "$(sed 's/^kexec-tools=//' "$KTDIR/version")" "$KTDIR/sbin/kexec"
printf '%-17s %-22s %s\n' kexec-tools-arm64 "$(sed 's/^kexec-tools=//' "$KTA/version")" "$KTA/sbin/kexec"
printf '%-17s %-22s %s\n' busybox-arm64 "$(sed 's/^busybox-static=//' "$BBDIR/version")" "$BBDIR/busybox"
printf '%-17s %-22s %s\n' systemd-boot-efi "$(sed 's/^systemd-boot-efi=//' "$SBDIR/version")" "$SBDIR/linuxx64.efi.stub"
printf '%-17s %-22s %s\n' memtest86+ "$(sed 's/^memtest86+=//' "$MTDIR/version")" "$MTDIR/memtest86+x64.bin"
printf '%-17s %-22s %s\n' xen "$(sed 's/^xen-hypervisor-4.17-amd64=//' "$XENDIR/version")" "$XENDIR/xen.gz"
printf '%-17s %-22s %s\n' busybox-riscv64 "$(sed 's/^busybox-static=//' "$BBRV/version")" "$BBRV/busybox"
