#!/bin/bash
# A UKI made as systemd's documentation and the Arch wiki make one by hand:
# objcopy adds .osrel, .cmdline, .linux and .initrd to systemd's stub, each
# at a page-aligned address after the stub's last section
# (--change-section-vma).  Used by tests/cli/test_cli.sh and tests/e2e/lib.sh.
#   mkuki-objcopy.sh STUB OUT KERNEL INITRD CMDLINE_FILE [UCODE]
# (UCODE: a .ucode section, early microcode cpio, before .initrd)
set -euo pipefail
stub=$1 out=$2 kernel=$3 initrd=$4 cmdline=$5 ucode=${6:-}
osrel=$out.osrel; trap 'rm -f "$osrel"' EXIT
printf 'ID=kexec-ng-test\nPRETTY_NAME="kexec-ng test UKI"\n' >"$osrel"
# the end of the stub's last section (VMA + size), from objdump -h
# (bash arithmetic on objdump's hex columns: a fresh Debian's awk is mawk,
# which has no strtonum)
next=0
while read -r idx _ size vma _; do
  [[ $idx =~ ^[0-9]+$ && $size =~ ^[0-9a-fA-F]+$ && $vma =~ ^[0-9a-fA-F]+$ ]] || continue
  end=$(( 0x$vma + 0x$size ))
  if (( end > next )); then next=$end; fi
done < <(objdump -h "$stub")
args=()
sections=(".osrel=$osrel" ".cmdline=$cmdline" ".linux=$kernel")
[ -n "$ucode" ] && sections+=(".ucode=$ucode")
sections+=(".initrd=$initrd")
for s in "${sections[@]}"; do
  name=${s%%=*} file=${s#*=}
  next=$(( (next + 4095) / 4096 * 4096 ))
  args+=(--add-section "$name=$file" --change-section-vma "$(printf '%s=0x%x' "$name" "$next")")
  next=$(( next + $(stat -Lc %s "$file") ))
done
objcopy "${args[@]}" "$stub" "$out"
