# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by run.sh, cases.sh and bench.sh
# Library of the kexec-ng QEMU end-to-end harness (sourced by tests/e2e/run.sh
# and scripts/bench.sh).  Nothing here runs a kexec binary on the host: the
# binaries under test are only copied into guest initramfs images.
#
# Layout:
#   .cache/kernels/<name>-amd64/vmlinuz      kernels (scripts/fetch-kernels.sh)
#   .cache/kexec-tools/                      Debian's kexec-tools + its libraries
#   build/e2e-work/                          cached initramfs layers, per-run files
#   build/e2e-logs/<case>.log                serial log of each case
#
# A guest's initramfs is a concatenation of gzip'ed newc cpio layers (the
# kernel unpacks concatenated archives in order):
#   base       busybox-static + applet links + /init (tests/e2e/init.sh)   cached
#   k2-<name>  /k2/vmlinuz + /k2/initrd.img (the stage-2 initrd)           cached
#   kexec      /bin/kexec under test (+ libraries when dynamic)            per run
#   case       /case.sh (the stage-1 commands)                             per case
# The stage-2 initrd is base + /stage2-marker (a random token made once and
# cached; the host knows it, stage 1 cannot see it).

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_WORK=${E2E_WORK:-$E2E_ROOT/build/e2e-work}
E2E_LOGS=${E2E_LOGS:-$E2E_ROOT/build/e2e-logs}
E2E_KCACHE=$E2E_ROOT/.cache/kernels
E2E_KTCACHE=$E2E_ROOT/.cache/kexec-tools
E2E_OVMF_CODE=${E2E_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
E2E_OVMF_VARS=${E2E_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
E2E_MEM=${E2E_MEM:-1G}
E2E_SMP=${E2E_SMP:-1}
# Allowed |MemTotal(stage 2) - MemTotal(stage 1)|: the two kernels reserve
# different amounts for themselves (6.1 vs 6.12 differ by ~7 MiB at 1 GiB).
E2E_MEMDIFF_KB=${E2E_MEMDIFF_KB:-16384}
E2E_BUSYBOX=${E2E_BUSYBOX:-/bin/busybox}
# Kernel command line of both stages.  "quiet" (loglevel 4: warnings, errors
# and panics still show) makes a case ~15% faster than a full boot log on the
# emulated 8250; run.sh --kernel-log drops it.
E2E_CONSOLE=${E2E_CONSOLE:-"console=ttyS0 panic=-1 quiet"}
E2E_SUCCESS=KEXEC-NG-STAGE2-SUCCESS
E2E_DIGEST_MSG="kexec-ng purgatory: digest mismatch"

e2e_die() { echo "e2e: error: $*" >&2; exit 2; }
e2e_log() { [ -n "${E2E_QUIET:-}" ] || echo "e2e: $*" >&2; }

e2e_random_token() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# --- kernels ------------------------------------------------------------------
e2e_kernel() { echo "$E2E_KCACHE/$1-amd64/vmlinuz"; }
e2e_kernel_version() { cat "$E2E_KCACHE/$1-amd64/version"; }

e2e_need_kernels() {
  local k missing=0 tool
  for tool in qemu-system-x86_64 cpio gzip readelf "$E2E_BUSYBOX"; do
    command -v "$tool" >/dev/null 2>&1 || e2e_die "$tool not found: run scripts/setup-deps.sh"
  done
  [ -f "$E2E_OVMF_CODE" ] || e2e_die "$E2E_OVMF_CODE not found: run scripts/setup-deps.sh"
  for k in bookworm trixie; do [ -f "$(e2e_kernel $k)" ] || missing=1; done
  [ -x "$E2E_KTCACHE/sbin/kexec" ] || missing=1
  if [ $missing = 1 ]; then
    e2e_log "kernels or kexec-tools missing: running scripts/fetch-kernels.sh"
    "$E2E_ROOT/scripts/fetch-kernels.sh" >&2 || e2e_die "fetch-kernels.sh failed"
  fi
}

# --- cpio layers ----------------------------------------------------------------
# _e2e_cpio_gz DIR OUT: newc cpio of DIR's contents, owned by root, gzip'ed.
_e2e_cpio_gz() {
  (cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 -n >"$2.tmp"
  mv "$2.tmp" "$2"
}

_e2e_sha() { cat "$@" | sha256sum | cut -c1-16; }

# Serialise cache builds between concurrent runs.
_e2e_lock() { mkdir -p "$E2E_WORK"; exec 9>"$E2E_WORK/.lock"; flock 9; }
_e2e_unlock() { flock -u 9; exec 9>&-; }

# e2e_base_layer: busybox tree + /init.  Prints the layer's path.
e2e_base_layer() {
  local key out=$E2E_WORK/base.cpio.gz
  key=$(_e2e_sha "$E2E_BUSYBOX" "$E2E_DIR/init.sh")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/base-tree
  rm -rf "$t"
  mkdir -p "$t"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,k2,root,etc}
  cp "$E2E_BUSYBOX" "$t/bin/busybox"
  local a
  # Running the host's busybox-static to list its applets is harmless.
  for a in $("$E2E_BUSYBOX" --list-full); do
    [ -e "$t/$a" ] || ln -s /bin/busybox "$t/$a"
  done
  # Never let a busybox applet stand in for the binary under test.
  rm -f "$t"/bin/kexec "$t"/sbin/kexec "$t"/usr/sbin/kexec
  if [ "$(id -u)" = 0 ]; then mknod -m 600 "$t/dev/console" c 5 1; mknod -m 666 "$t/dev/null" c 1 3; fi
  install -m 755 "$E2E_DIR/init.sh" "$t/init"
  _e2e_cpio_gz "$t" "$out"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_stage2_initrd: base + /stage2-marker.  Prints its path; the marker value
# is in $E2E_WORK/stage2-marker.txt.
e2e_stage2_initrd() {
  local base key out=$E2E_WORK/stage2-initrd.img
  base=$(e2e_base_layer)
  key=$(cat "$base.key")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ] && [ -s "$E2E_WORK/stage2-marker.txt" ]; then
    echo "$out"; return
  fi
  local t=$E2E_WORK/stage2-tree marker
  rm -rf "$t"; mkdir -p "$t"
  marker=stage2-$(e2e_random_token)
  echo "$marker" >"$t/stage2-marker"
  _e2e_cpio_gz "$t" "$E2E_WORK/stage2-marker.cpio.gz"
  cat "$base" "$E2E_WORK/stage2-marker.cpio.gz" >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "$marker" >"$E2E_WORK/stage2-marker.txt"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_k2_layer NAME: /k2/vmlinuz (kernel NAME) + /k2/initrd.img (stage-2 initrd).
e2e_k2_layer() {
  local name=$1 s2 key out=$E2E_WORK/k2-$1.cpio.gz
  s2=$(e2e_stage2_initrd)
  key=$(cat "$E2E_KCACHE/$name-amd64/package")-$(_e2e_sha "$s2")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  local t=$E2E_WORK/k2-tree-$name
  rm -rf "$t"; mkdir -p "$t/k2"
  cp "$(e2e_kernel "$name")" "$t/k2/vmlinuz"
  cp "$s2" "$t/k2/initrd.img"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_k2x_layer NAME: more forms of kernel NAME for the format cases:
# /k2/vmlinux.elf (the ELF vmlinux inside the bzImage's payload, extracted by
# the project's own tool) and /k2/vmlinuz.gz (the bzImage, gzip'ed).
e2e_k2x_layer() {
  local name=$1 key out=$E2E_WORK/k2x-$1.cpio.gz tool=$E2E_ROOT/build/dev/tests/unit/extract-vmlinux
  key=$(cat "$E2E_KCACHE/$name-amd64/package")-k2x1
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  if [ ! -x "$tool" ]; then
    { [ -f "$E2E_ROOT/build/dev/build.ninja" ] || meson setup "$E2E_ROOT/build/dev" >/dev/null; } &&
      ninja -C "$E2E_ROOT/build/dev" tests/unit/extract-vmlinux >/dev/null || return 1
  fi
  local t=$E2E_WORK/k2x-tree-$name
  rm -rf "$t"; mkdir -p "$t/k2"
  "$tool" "$(e2e_kernel "$name")" "$t/k2/vmlinux.elf" || return 1
  gzip -1 -n -c "$(e2e_kernel "$name")" >"$t/k2/vmlinuz.gz"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# _e2e_copy_elf BIN ROOT DEST: copy BIN to ROOT/DEST and, when it is dynamic,
# its interpreter and DT_NEEDED libraries (read with readelf, never by running
# it) from the host's library directories.
_e2e_copy_elf() {
  local bin=$1 root=$2 dest=$3
  mkdir -p "$root$(dirname "$dest")"
  cp "$bin" "$root$dest"
  chmod 755 "$root$dest"
  local interp
  interp=$(readelf -l "$bin" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  [ -n "$interp" ] || return 0
  declare -A seen=()
  local queue=("$bin") obj lib d found
  mkdir -p "$root$(dirname "$interp")"
  cp -L "$interp" "$root$interp"
  while [ ${#queue[@]} -gt 0 ]; do
    obj=${queue[0]}; queue=("${queue[@]:1}")
    for lib in $(readelf -d "$obj" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [ -n "${seen[$lib]:-}" ] && continue
      seen[$lib]=1
      found=
      for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib; do
        [ -e "$d/$lib" ] && { found=$d/$lib; break; }
      done
      [ -n "$found" ] || { echo "e2e: $bin needs $lib, not found on the host" >&2; return 1; }
      mkdir -p "$root/lib/x86_64-linux-gnu"
      cp -L "$found" "$root/lib/x86_64-linux-gnu/$lib"
      queue+=("$found")
    done
  done
}

# _e2e_add_kexec_tools ROOT DEST: Debian's kexec-tools (+ its libraries from
# the fetch-kernels cache) at ROOT/DEST.
_e2e_add_kexec_tools() {
  local root=$1 dest=$2
  mkdir -p "$root"
  cp -a "$E2E_KTCACHE/lib" "$root/"
  [ -d "$E2E_KTCACHE/lib64" ] && cp -a "$E2E_KTCACHE/lib64" "$root/"
  mkdir -p "$root$(dirname "$dest")"
  cp "$E2E_KTCACHE/sbin/kexec" "$root$dest"
  chmod 755 "$root$dest"
}

# e2e_kexec_layer MODE BIN OUT: MODE "ng" puts BIN at /bin/kexec, MODE "tools"
# puts Debian's kexec-tools there.
e2e_kexec_layer() {
  local mode=$1 bin=$2 out=$3 t=$3.tree
  rm -rf "$t"; mkdir -p "$t"
  case "$mode" in
    tools) _e2e_add_kexec_tools "$t" /bin/kexec ;;
    *) _e2e_copy_elf "$bin" "$t" /bin/kexec || return 1 ;;
  esac
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
}

# --- QEMU -------------------------------------------------------------------
# e2e_qemu FW KERNEL INITRD APPEND LOG TIMEOUT [STOP_REGEX [GRACE]]
# Boots KERNEL with INITRD under TCG, serial console to LOG.  Returns 0 when
# the guest powered off (or rebooted: -no-reboot turns that into an exit),
# 124 when the host timeout ended it, 125 when STOP_REGEX appeared in the log
# (QEMU is then stopped GRACE seconds later).  Sets E2E_QEMU_SECS.
e2e_qemu() {
  local fw=$1 kernel=$2 initrd=$3 append=$4 log=$5 timeout=$6 stop=${7:-} grace=${8:-5}
  local args=(-accel tcg -m "$E2E_MEM" -smp "$E2E_SMP" -nographic -monitor none
              -serial "file:$log" -no-reboot -net none
              -kernel "$kernel" -initrd "$initrd" -append "$append")
  case "$fw" in
    seabios) ;;
    ovmf)
      # OVMF: the 4M split build as two pflash devices (code read-only plus
      # a private copy of the variable store); it boots -kernel through the
      # kernel's EFI stub.
      local vars=$log.ovmf-vars.fd
      cp "$E2E_OVMF_VARS" "$vars"
      args+=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_OVMF_CODE"
             -drive "if=pflash,format=raw,unit=1,file=$vars") ;;
    *) e2e_die "unknown firmware $fw" ;;
  esac
  : >"$log"
  local t0 t1 pid rc=0 stopped=0 deadline now
  t0=$(date +%s.%N)
  # timeout(1) is only a safety net should this shell die: the loop below
  # normally ends QEMU.
  timeout -k 5 $((timeout + 60)) qemu-system-x86_64 "${args[@]}" </dev/null >"$log.qemu-out" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s) + timeout ))
  while kill -0 $pid 2>/dev/null; do
    now=$(date +%s)
    if [ "$now" -ge "$deadline" ]; then rc=124; break; fi
    if [ -n "$stop" ] && [ $stopped = 0 ] && grep -aqE "$stop" "$log"; then
      stopped=1
      deadline=$(( now + grace ))
    fi
    sleep 0.25
  done
  if kill -0 $pid 2>/dev/null; then
    kill $pid 2>/dev/null
    sleep 0.5
    kill -9 $pid 2>/dev/null
    [ $stopped = 1 ] && rc=125
  fi
  wait $pid 2>/dev/null
  t1=$(date +%s.%N)
  E2E_QEMU_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  rm -f "$log.ovmf-vars.fd"
  [ -s "$log.qemu-out" ] || rm -f "$log.qemu-out"
  return $rc
}

# --- reading a serial log ---------------------------------------------------------
# _e2e_lines LOG: the guest's "E2E: ..." lines.  Serial output may put them
# after firmware escape sequences or kernel messages on the same line.
_e2e_lines() {
  tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' | grep -ao 'E2E: .*'
}
# _e2e_field LOG PREFIX KEY: the first value of KEY=... on "E2E: PREFIX" lines.
_e2e_field() {
  _e2e_lines "$1" | grep -a "^E2E: $2 " | tr ' ' '\n' | sed -n "s/^$3=//p" | head -n1
}
# _e2e_rc LOG LABEL: exit status of command LABEL ("" when it never ran).
_e2e_rc() { _e2e_lines "$1" | sed -n "s/^E2E: rc $2=\([0-9]*\)$/\1/p" | tail -n1; }
# _e2e_out LOG LABEL: the command's output.
_e2e_out() { _e2e_lines "$1" | sed -n "s/^E2E: out $2: //p"; }
# _e2e_brief TEXT: one line, at most 160 characters.
_e2e_brief() { tr '\n' ' ' | sed 's/  */ /g; s/ $//' | cut -c1-160; }
# _e2e_tail LOG: a hint of where a guest stopped.
_e2e_tail() {
  tr -d '\r' <"$1" | grep -av '^\s*$' | sed 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' | tail -n 2 | _e2e_brief
}
