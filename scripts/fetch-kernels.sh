#!/bin/bash
# Download and cache the Debian x86_64 kernels the QEMU end-to-end tests boot,
# plus Debian's kexec-tools (for use INSIDE guests only, never on the host).
#
#   .cache/kernels/bookworm-amd64/{vmlinuz,config,version,package,signed}
#   .cache/kernels/trixie-amd64/{vmlinuz,config,version,package,signed}
#   .cache/kexec-tools/{sbin/kexec,lib/...,lib64/...,version}
#
# bookworm comes from the machine's own apt setup.  trixie comes from a
# private apt configuration under .cache/apt-trixie/ whose sources list is
# derived at run time from the machine's bookworm URIs; the machine's own apt
# configuration and lists are never changed.  Release files are verified
# against the Debian archive keyring (apt does it, and this script checks the
# InRelease signature once more with gpgv).
#
# Usage: scripts/fetch-kernels.sh [--refresh]
#   --refresh   re-run `apt-get update` for the private trixie lists even when
#               they are recent (they are refreshed anyway when older than 1 day)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
KDIR=$CACHE/kernels
TXDIR=$CACHE/apt-trixie
KTDIR=$CACHE/kexec-tools
ARCH=amd64
REFRESH=0
[ "${1:-}" = "--refresh" ] && REFRESH=1

log() { echo "fetch-kernels: $*" >&2; }
die() { echo "fetch-kernels: error: $*" >&2; exit 1; }

mkdir -p "$KDIR" "$TXDIR"

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
  x=$dl/x
  dpkg-deb -x "$dl"/*.deb "$x"
  local vmlinuz
  vmlinuz=$(find "$x/boot" -maxdepth 1 -name "vmlinuz-*" 2>/dev/null | head -n1)
  [ -n "$vmlinuz" ] || die "$name: no /boot/vmlinuz-* in $pkg"
  rm -rf "$dest.new"
  mkdir -p "$dest.new"
  cp "$vmlinuz" "$dest.new/vmlinuz"
  cp "$x"/boot/config-* "$dest.new/config" 2>/dev/null || true
  basename "$vmlinuz" | sed 's/^vmlinuz-//' >"$dest.new/version"
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
if ! apt-cache depends linux-image-$ARCH 2>/dev/null | grep -q 'Depends: linux-image-'; then
  log "machine apt lists lack linux-image-$ARCH; running apt-get update"
  apt-get update -q </dev/null >&2
fi
fetch_kernel bookworm-amd64 -- linux-image-$ARCH

# --- trixie: a private apt configuration --------------------------------------
TXAPT=(
  -o "Dir::Etc::sourcelist=$TXDIR/sources.list"
  -o "Dir::Etc::sourceparts=/dev/null"
  -o "Dir::Etc::preferences=/dev/null"
  -o "Dir::Etc::preferencesparts=/dev/null"
  -o "Dir::State::Lists=$TXDIR/lists"
  -o "Dir::Cache=$TXDIR/cache"
  -o "APT::Architecture=$ARCH"
  -o "APT::Architectures=$ARCH"
  -o "Acquire::Languages=none"
)

write_trixie_sources() {
  local keyring=$1
  {
    echo "# generated by scripts/fetch-kernels.sh from the machine's bookworm source"
    echo "deb [signed-by=$keyring] $MAIN_URI trixie main"
    echo "deb [signed-by=$keyring] $MAIN_URI trixie-updates main"
    [ -n "$SEC_URI" ] && echo "deb [signed-by=$keyring] $SEC_URI trixie-security main"
  } >"$TXDIR/sources.list"
}

# Verify every InRelease in the private lists with gpgv against KEYRING.
verify_trixie_lists() {
  local keyring=$1 f ok=0
  for f in "$TXDIR"/lists/*_dists_trixie_InRelease; do
    [ -f "$f" ] || return 1
    gpgv --keyring "$keyring" "$f" >"$TXDIR/gpgv.log" 2>&1 || return 1
    ok=1
  done
  [ $ok = 1 ]
}

trixie_update() {
  local keyring=$1
  write_trixie_sources "$keyring"
  mkdir -p "$TXDIR/lists/partial" "$TXDIR/cache/archives/partial"
  log "trixie: apt-get update (private lists in $TXDIR, keyring $keyring)"
  apt-get "${TXAPT[@]}" -q update </dev/null >"$TXDIR/update.log" 2>&1 || {
    cat "$TXDIR/update.log" >&2; return 1; }
  # apt exits 0 on some signature problems (it keeps old lists): insist.
  if grep -qE '^(W|E): .*(NO_PUBKEY|not signed|signature|EXPKEYSIG|BADSIG)' "$TXDIR/update.log"; then
    cat "$TXDIR/update.log" >&2; return 1
  fi
  verify_trixie_lists "$keyring"
}

HOST_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
KEYRING=$HOST_KEYRING
[ -f "$TXDIR/keyring" ] && KEYRING=$(cat "$TXDIR/keyring")
need_update=$REFRESH
if [ ! -f "$TXDIR/sources.list" ] || ! ls "$TXDIR"/lists/*_dists_trixie_InRelease >/dev/null 2>&1 ||
   [ -n "$(find "$TXDIR/lists" -maxdepth 1 -name '*_dists_trixie_InRelease' -mtime +0)" ]; then
  need_update=1
fi
if [ $need_update = 1 ]; then
  if ! trixie_update "$KEYRING"; then
    # The machine's keyring may predate trixie's archive keys.  Take the newest
    # debian-archive-keyring from bookworm(-updates) via the machine's own
    # (verified) apt, and use its keyring for the trixie source only.
    log "trixie: Release not verifiable with $KEYRING; trying the newest debian-archive-keyring package"
    dl=$(mk_dl_dir)
    (cd "$dl" && apt-get -q download debian-archive-keyring </dev/null) >&2
    dpkg-deb -x "$dl"/debian-archive-keyring_*.deb "$TXDIR/keyring-pkg"
    rm -rf "$dl"
    KEYRING=$TXDIR/keyring-pkg/usr/share/keyrings/debian-archive-keyring.gpg
    trixie_update "$KEYRING" ||
      die "trixie: Release signature does not verify with $KEYRING either (see $TXDIR/update.log); refusing to continue unverified"
  fi
  echo "$KEYRING" >"$TXDIR/keyring"
  log "trixie: InRelease verified with $KEYRING:"
  sed -n 's/.*Good signature from/  good signature from/p' "$TXDIR/gpgv.log" >&2
fi
fetch_kernel trixie-amd64 "${TXAPT[@]}" -- linux-image-$ARCH

# --- Debian's kexec-tools (bookworm), for use inside guests only --------------
# The binary is dynamically linked: copy the libraries it needs from the host
# (same bookworm glibc/zlib/liblzma the package depends on).  The NEEDED list
# is read with readelf; the binary is never executed on the host (not even by
# ldd, which runs the dynamic loader on it).
kt_pkg_ver=$(apt-cache show --no-all-versions kexec-tools | awk '/^Version:/ && !v { v = $2 } END { print v }')
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
  extra=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
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

for k in bookworm-amd64 trixie-amd64; do
  printf '%-15s %-22s %s  %s\n' "$k" "$(cat "$KDIR/$k/version")" "$KDIR/$k/vmlinuz" "$(cat "$KDIR/$k/signed")"
done
printf '%-15s %-22s %s\n' kexec-tools "$(sed 's/^kexec-tools=//' "$KTDIR/version")" "$KTDIR/sbin/kexec"
