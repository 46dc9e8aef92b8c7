# shellcheck shell=bash
# shellcheck disable=SC2016  # guest script text is single-quoted on purpose
# The multiboot e2e cases (sourced by cases.sh, which calls these from its
# tables): exec-mb1, a tiny Multiboot v1 kernel built here (mb1.c) that
# prints its boot information; exec-xen, Debian's Xen 4.17 (Multiboot2) with
# the Debian kernel and the stage-2 initrd as modules. Both check the memory
# map the kernel was handed against the guest's /sys/firmware/memmap.

E2E_XEN=$E2E_ROOT/.cache/xen-hypervisor/xen.gz
E2E_MB_XEN_CMDLINE="no-real-mode console=com1 com1=115200,8n1 dom0_mem=256M,max:256M"

# e2e_mb1_layer: /k2/mb1 (mb1.c linked at 2 MiB, gcc -m32) and its module
# /k2/mb1-mod.txt.
e2e_mb1_layer() {
  local key out=$E2E_WORK/mb1.cpio.gz t=$E2E_WORK/mb1-tree
  key=$(_e2e_sha "$E2E_DIR/multiboot/mb1.c")
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  rm -rf "$t"; mkdir -p "$t/k2"
  gcc -m32 -ffreestanding -fno-pic -fno-stack-protector -O2 -Wall -Wextra -Werror -nostdlib -static -no-pie \
    -Wl,-Ttext=0x200000 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,noseparate-code \
    -o "$t/k2/mb1" "$E2E_DIR/multiboot/mb1.c" >&2 || return 1
  echo "E2E-MB1-MODULE-DATA" >"$t/k2/mb1-mod.txt"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_xen_layer: /k2/xen.gz, bookworm's Xen 4.17 as Debian ships it (gzip),
# and /k2/xen, decompressed (kexec-tools 2.0.25 cannot tell a gzip'ed
# multiboot kernel's type: the harness's check with --kexec-tools uses it).
e2e_xen_layer() {
  local key out=$E2E_WORK/xen.cpio.gz t=$E2E_WORK/xen-tree
  [ -f "$E2E_XEN" ] || { echo "e2e: $E2E_XEN missing (scripts/fetch-kernels.sh)" >&2; return 1; }
  key=$(cat "$(dirname "$E2E_XEN")/version")-$(_e2e_sha "$E2E_XEN")-with-xen
  if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then echo "$out"; return; fi
  rm -rf "$t"; mkdir -p "$t/k2"
  cp "$E2E_XEN" "$t/k2/xen.gz"
  gzip -dc "$E2E_XEN" >"$t/k2/xen"
  _e2e_cpio_gz "$t" "$out"
  rm -rf "$t"
  echo "$key" >"$out.key"
  echo "$out"
}

# e2e_mb_write KIND MODE: case_main's commands: the guest's firmware memory
# map first (label memmap), then the load and -e.
e2e_mb_write() {
  echo '  run_cmd memmap sh -c '\''for d in /sys/firmware/memmap/*; do echo "$(cat $d/start) $(cat $d/end) $(cat $d/type)"; done'\'''
  case "$1" in
    exec-mb1)
      echo '  run_cmd load $KEXEC -l /k2/mb1 --command-line="console=ttyS0 token=$TOKEN" --module="/k2/mb1-mod.txt token=$TOKEN" || return' ;;
    exec-xen)
      local xen=/k2/xen.gz; [ "$2" = ng ] || xen=/k2/xen
      echo "  run_cmd load \$KEXEC -l $xen --command-line=\"$E2E_MB_XEN_CMDLINE\" --module=\"/k2/vmlinuz console=hvc0 earlyprintk=xen token=\$TOKEN\" --module=\"/k2/initrd.img\" || return" ;;
  esac
  echo '  sysloaded load'
  echo '  run_cmd exec $KEXEC -e'
}

# _e2e_mb_type NAME: /sys/firmware/memmap's type name as an e820 number.
_e2e_mb_type() {
  case "$1" in
    "System RAM") echo 1 ;; Reserved) echo 2 ;; "ACPI Tables") echo 3 ;;
    "ACPI Non-volatile Storage") echo 4 ;; "Unusable memory") echo 5 ;;
    "Persistent Memory") echo 7 ;; "Persistent Memory (legacy)") echo 12 ;; *) echo "?$1" ;;
  esac
}

# e2e_mb_guest_map LOG: the guest's map, "START END TYPE" (hex, inclusive
# end, e820 number), sorted.
e2e_mb_guest_map() {
  local s e t
  _e2e_out "$1" memmap | tr -d '\r' | while read -r s e t; do
    printf '%016x %016x %s\n' "$((s))" "$((e))" "$(_e2e_mb_type "$t")"
  done | sort
}

# _e2e_mb_tools_map MODE: with --kexec-tools, its map's first RAM entry
# starts at 0x400 (2.0.25 takes its ranges from /proc/iomem, where Linux
# hides the first KiB), not at the firmware's 0: read as 0 there, so that
# the rest of the harness is checked against it too.
_e2e_mb_tools_map() { if [ "$1" = tools ]; then sed 's/^0000000000000400 /0000000000000000 /'; else cat; fi; }

# e2e_check_mb1 LOG TOKEN MODE: mb1 printed the magic, the memory fields and map
# (the guest's), the command line and the module.
e2e_check_mb1() {
  local log=$1 token=$2 mode=$3 text got want low high
  text=$(tr -d '\r' <"$log")
  [ "$(_e2e_rc "$log" load)" = 0 ] || { echo "kexec -l mb1 exited $(_e2e_rc "$log" load): $(_e2e_out "$log" load | _e2e_brief)"; return; }
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_loaded is not 1 after the load"; return; }
  grep -aq '^E2E-MB1: magic=0x2badb002 flags=0x' <<<"$text" ||
    { echo "no multiboot magic from mb1 (exec rc=$(_e2e_rc "$log" exec)): $(grep -a 'E2E-MB1' <<<"$text" | _e2e_brief) $(_e2e_tail "$log")"; return; }
  want=$(e2e_mb_guest_map "$log")
  [ -n "$want" ] || { echo "the guest printed no /sys/firmware/memmap"; return; }
  got=$(sed -n 's/^E2E-MB1: mmap base=\(0x[0-9a-f]*\) len=\(0x[0-9a-f]*\) type=\([0-9]*\)$/\1 \2 \3/p' <<<"$text" |
        while read -r b l t; do printf '%016x %016x %s\n' "$((b))" "$((b + l - 1))" "$t"; done | sort | _e2e_mb_tools_map "$mode")
  [ "$got" = "$want" ] || { echo "mb1's memory map is not the guest's: got [$(_e2e_brief <<<"$got")] want [$(_e2e_brief <<<"$want")]"; return; }
  # mem_lower: the RAM at 0 (KiB); mem_upper: the RAM from 1 MiB
  low=$(awk '$3 == 1 && $1 == "0000000000000000" { print $2 }' <<<"$want")
  high=$(awk '$3 == 1 && $1 == "0000000000100000" { print $2 }' <<<"$want")
  [ -n "$low" ] && [ -n "$high" ] || { echo "the guest's map has no RAM at 0 or at 1 MiB: $(_e2e_brief <<<"$want")"; return; }
  # (kexec-tools 2.0.25 divides the inclusive ends: one KiB less of each)
  local k=0; [ "$mode" = tools ] && k=1
  want="E2E-MB1: mem_lower=$(( (16#$low + 1) / 1024 - k )) mem_upper=$(( (16#$high + 1 - 0x100000) / 1024 - k ))"
  grep -aqxF "$want" <<<"$text" || { echo "no '$want' from mb1: $(grep -a 'mem_lower' <<<"$text" | _e2e_brief)"; return; }
  want="E2E-MB1: cmdline=/k2/mb1 console=ttyS0 token=$token"
  grep -aqxF "$want" <<<"$text" || { echo "no '$want' from mb1: $(grep -a 'cmdline=' <<<"$text" | _e2e_brief)"; return; }
  grep -aqE "^E2E-MB1: module start=0x[0-9a-f]*000 end=0x[0-9a-f]* cmdline=/k2/mb1-mod.txt token=$token data=E2E-MB1-MODULE-DATA\$" <<<"$text" ||
    { echo "mb1 did not show its module, page aligned, with its command line and data: $(grep -a 'module' <<<"$text" | _e2e_brief)"; return; }
  grep -aqx 'E2E-MB1: end' <<<"$text" || { echo "mb1 did not finish"; return; }
}

# e2e_check_xen LOG TOKEN MODE: Xen's banner, its memory map from the multiboot
# information (no-real-mode: "Multiboot-e820") equal to the guest's, dom0's
# kernel and initrd taken from the modules, dom0 built and started.
e2e_check_xen() {
  local log=$1 token=$2 mode=$3 text got want
  text=$(tr -d '\r' <"$log")
  [ "$(_e2e_rc "$log" load)" = 0 ] || { echo "kexec -l xen.gz exited $(_e2e_rc "$log" load): $(_e2e_out "$log" load | _e2e_brief)"; return; }
  [ "$(_e2e_field "$log" sys load)" = 1 ] || { echo "/sys/kernel/kexec_loaded is not 1 after the load"; return; }
  grep -aqE '\(XEN\) Xen version 4\.17' <<<"$text" ||
    { echo "no Xen banner on the serial console (exec rc=$(_e2e_rc "$log" exec)): $(_e2e_tail "$log")"; return; }
  want=$(e2e_mb_guest_map "$log" | sed 's/ 1$/ usable/; s/ 2$/ reserved/; s/ 3$/ ACPI data/; s/ 4$/ ACPI NVS/; s/ 5$/ unusable/')
  got=$(awk '/Multiboot-e820 RAM map:/ { on = 1; next }
             on && /^\(XEN\)  \[/ { gsub(/[\[\],()]/, ""); $1 = ""; sub(/^ /, ""); print; next }
             on { exit }' <<<"$text" | sort | _e2e_mb_tools_map "$mode")
  [ -n "$got" ] || { echo "Xen printed no Multiboot-e820 RAM map: $(grep -a 'RAM map' <<<"$text" | _e2e_brief)"; return; }
  [ "$got" = "$want" ] || { echo "Xen's Multiboot-e820 map is not the guest's: got [$(_e2e_brief <<<"$got")] want [$(_e2e_brief <<<"$want")]"; return; }
  grep -aqF "Command line: $E2E_MB_XEN_CMDLINE" <<<"$text" ||
    { echo "Xen's command line is not the one given: $(grep -a 'Command line' <<<"$text" | _e2e_brief)"; return; }
  grep -aqE '\(XEN\)  Dom0 kernel: 64-bit' <<<"$text" || { echo "Xen did not start building dom0 from the first module: $(_e2e_tail "$log")"; return; }
  grep -aqE '\(XEN\)  Init\. ramdisk: ' <<<"$text" || { echo "Xen shows no dom0 initrd (the second module)"; return; }
  grep -aqE '\(XEN\) Freed [0-9]+kB init memory' <<<"$text" ||
    { echo "Xen did not hand over to dom0 (no 'Freed ...kB init memory'): $(_e2e_tail "$log")"; return; }
  # dom0 starts: the module's command line (Xen drops its first word, the file name)
  grep -aqF "Command line: console=hvc0 earlyprintk=xen token=$token" <<<"$text" ||
    { echo "dom0 did not show its module command line: $(_e2e_tail "$log")"; return; }
}
