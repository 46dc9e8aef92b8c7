#!/bin/bash
# Command-line tests of the kexec binary: the kexec-tools contract (flags,
# exit codes, order independence), --dry-run golden output from fixture
# trees, and the errors users see. Prints TAP. Never reaches a real kexec
# syscall: --dry-run stops before it, and KEXEC_NG_FORBID_SYSCALLS makes
# the syscall layer refuse before calling the kernel.
#   test_cli.sh KEXEC MKBZIMAGE SRCDIR MKUKI
set -u
export KEXEC_NG_FORBID_SYSCALLS=1
KEXEC=$(realpath "$1") MKBZ=$(realpath "$2") SRC=$(realpath "$3") MKUKI=$(realpath "$4")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$MKBZ" vmlinuz || exit 1
head -c 20000 /dev/zero | tr '\0' 'r' > initrd.img
gzip -9 -n -c vmlinuz > vmlinuz.gz
# an EFI zboot header around the gzip'ed kernel (unwrapping is generic)
{ printf 'MZ\0\0zimg'; printf '\0\020\0\0'; printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( $(stat -c %s vmlinuz.gz) & 255 )) $(( ($(stat -c %s vmlinuz.gz) >> 8) & 255 )) $(( ($(stat -c %s vmlinuz.gz) >> 16) & 255 )) 0)"
  head -c 8 /dev/zero; printf 'gzip'; head -c $((4096 - 28)) /dev/zero; cat vmlinuz.gz; } > vmlinuz.zboot
# lzop (scripts/setup-deps.sh installs it), bare and as an EFI zboot payload
lzop -9 -c vmlinuz > vmlinuz.lzo
{ printf 'MZ\0\0zimg'; printf '\0\020\0\0'; printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( $(stat -c %s vmlinuz.lzo) & 255 )) $(( ($(stat -c %s vmlinuz.lzo) >> 8) & 255 )) $(( ($(stat -c %s vmlinuz.lzo) >> 16) & 255 )) 0)"
  head -c 8 /dev/zero; printf 'lzo'; head -c $((4096 - 27)) /dev/zero; cat vmlinuz.lzo; } > vmlinuz.lzo.zboot
head -c 600 vmlinuz > truncated
echo "#!/bin/sh not a kernel" > notes.txt
BIOS=$SRC/tests/fixtures/bios-box EFI=$SRC/tests/fixtures/efi-box LOADED=$SRC/tests/fixtures/loaded-box
REAL=$SRC/.cache/kernels/bookworm-amd64/vmlinuz
# which build that is changes whenever Debian publishes a kernel: say it
if [ -f "$REAL" ]; then
  echo "# real kernel: $REAL: $(cat "${REAL%/*}/version" 2>/dev/null) ($(cat "${REAL%/*}/package" 2>/dev/null)), $(stat -Lc %s "$REAL") bytes"
else
  echo "# missing real kernel: $REAL (run scripts/fetch-kernels.sh)"
fi

n=0 failed=0
# t NAME EXPECTED_STATUS PATTERN -- ARGS...: run kexec, check status and that output matches PATTERN
t() {
  local name=$1 want=$2 pattern=$3; shift 4
  n=$((n + 1))
  out=$("$KEXEC" "$@" 2>&1); local got=$?
  if [ "$got" = "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    echo "#   kexec $*"
    echo "#   exit $got (want $want), output:"; sed 's/^/#     /' <<<"$out"
    echo "#   expected /$pattern/"
    failed=$((failed + 1))
  fi
}
golden() {
  local name=$1 file=$2; shift 2
  n=$((n + 1))
  # The purgatory blob's digest (and so the plan's) changes with its code
  # and compiler, not with the planner: masked.
  out=$("$KEXEC" "$@" 2>&1 | sed -e "s|$work/||g" \
        -e '/ purgatory /s/bufsz 0x[0-9a-f]* \(crc32c\|sha256\) [0-9a-f.]*/bufsz, digest: (purgatory build)/' \
        -e 's/^plan digest: .*/plan digest: (depends on the purgatory build)/')
  [ -n "${KX_UPDATE_GOLDEN:-}" ] && printf '%s\n' "$out" > "$SRC/tests/golden/$file"
  if diff -u "$SRC/tests/golden/$file" <(printf '%s\n' "$out") > diff.txt; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"; sed 's/^/#   /' diff.txt; failed=$((failed + 1))
  fi
}

t "--help lists x86 options incl. --noefi (LKP greps it)" 0 "--noefi" -- --help
t "--version" 0 "kexec-ng" -- -v
t "no arguments: nothing to do" 1 "nothing to do" --
t "unknown option" 1 "unknown option --frobnicate" -- --frobnicate
t "-l -e conflict" 1 "-l and -e cannot be combined" -- -l -e vmlinuz
t "-e -l conflict, either order" 1 "-e and -l cannot be combined" -- -e -l vmlinuz
t "-p -e refused" 1 "cannot be combined with -e" -- -p -e
t "-l without a kernel" 1 "no kernel specified" -- -l
t "-u takes no kernel" 1 "-u takes no kernel file" -- -u vmlinuz
t "two kernels" 1 "one kernel file only" -- -l vmlinuz initrd.img
t "--mem-min above --mem-max" 1 "--mem-min 0x2000000 is above --mem-max 0x1000000" -- --mem-min=0x2000000 --mem-max=0x1000000 -l vmlinuz
t "--mem-max not a number" 1 "--mem-max=12z: not a number" -- --mem-max=12z -l vmlinuz
# kexec-tools options kexec-ng does not implement: refused with the reason, never ignored
refused() { t "$1 refused with its reason" 1 "^kexec: ${1%%=*} is not supported: $2" -- --dry-run --x-test-root="$BIOS" -c "$1" -l vmlinuz; }
refused --real-mode "kexec-tools enters a bzImage through its 16-bit real-mode setup code, which asks the BIOS"
# the 32-bit entry: kexec_load only (-a says so and does not ask kexec_file_load; -s is refused)
t "--entry-32bit -c: the 32-bit entry" 0 "^format: bzImage \(32-bit entry\)$" -- --dry-run --x-test-root="$BIOS" -c --entry-32bit -l vmlinuz
t "--entry-32bit -a: kexec_load, said why" 0 "^kexec: note: vmlinuz: --entry-32bit: kexec_file_load enters a bzImage only at its 64-bit entry: loading with kexec_load$" -- --dry-run --x-test-root="$BIOS" --entry-32bit -l vmlinuz
t "--entry-32bit -s: refused with the reason" 1 "^kexec: -s: vmlinuz: --entry-32bit: kexec_file_load enters a bzImage only at its 64-bit entry: load it with kexec_load \(-c, or -a\)$" -- --dry-run --x-test-root="$BIOS" -s --entry-32bit -l vmlinuz
t "--args-elf on a bzImage: no effect, said" 0 "^kexec: note: --args-elf has no effect on a bzImage" -- --dry-run --x-test-root="$BIOS" -c --args-elf -l vmlinuz
t "--args-none on a bzImage: no effect, said" 0 "^kexec: note: --args-none has no effect on a bzImage" -- --dry-run --x-test-root="$BIOS" -c --args-none -l vmlinuz
# a bzImage that is not relocatable (memtest86+'s .bin): at its code32_start, 32-bit entry, kexec_load only
cp vmlinuz vmlinuz-fixed
printf '\0' | dd of=vmlinuz-fixed bs=1 seek=$((0x234)) conv=notrunc 2>/dev/null
printf '\0\0\020\0' | dd of=vmlinuz-fixed bs=1 seek=$((0x214)) conv=notrunc 2>/dev/null
t "not relocatable: loaded at code32_start 0x100000" 0 "^  0 kernel +mem 0x000100000-" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz-fixed
t "not relocatable: entered there in 32-bit mode" 0 "^kernel entry: 0x100000$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz-fixed
t "32-bit entry: --entry above 4 GiB refused" 1 "^kexec: --entry=0x100000000: the 32-bit entry jumps to a 32-bit address$" -- --dry-run --x-test-root="$BIOS" -c --entry=0x100000000 -l vmlinuz-fixed
t "not relocatable, -s: refused with the reason" 1 "^kexec: -s: vmlinuz-fixed: relocatable_kernel \(at 0x234\) is 0: it runs only at 0x100000, and kexec_file_load places a bzImage where it finds room: load it with kexec_load" -- --dry-run --x-test-root="$BIOS" -s -l vmlinuz-fixed
t "not relocatable, -p: refused, it cannot run in the crash region" 252 "vmlinuz-fixed: relocatable_kernel \(at 0x234\) is 0: it runs only at 0x100000, outside the crash kernel region" -- --dry-run --x-test-root="$SRC/tests/fixtures/crash-box" -c -p -l vmlinuz-fixed
t "--module with a bzImage: refused, it takes none" 1 "^kexec: --module: vmlinuz is a bzImage kernel, which takes no modules \(multiboot kernels do\)" -- --dry-run --x-test-root="$BIOS" -c --module=x -l vmlinuz
refused --elf32-core-headers "32-bit ELF core headers cannot describe memory above 4 GiB, nor a 64-bit kernel's virtual addresses"
refused --load-live-update "Xen live update"
refused --exec-live-update "Xen live update"
# --reuseinitrd: the initrd the running kernel kept (retain_initrd), read from
# /sys/firmware/initrd (Linux 6.8+): 3000 bytes here, loaded as the initrd
cp -r "$BIOS" retain-box
printf '%s retain_initrd\n' "$(cat "$BIOS/proc/cmdline")" >retain-box/proc/cmdline
head -c 3000 /dev/urandom >retain-box/sys/firmware/initrd
t "--reuseinitrd: the retained initrd is the initrd" 0 "^  1 initrd +mem 0x[0-9a-f]+-0x[0-9a-f]+ memsz 0x00001000 bufsz 0x00000bb8 crc32c [0-9a-f]+ from .*/sys/firmware/initrd$" -- --dry-run --x-test-root=retain-box -c -l vmlinuz --reuseinitrd
t "--reuseinitrd -s: handed to kexec_file_load" 0 "^kexec_file_load: kernel fd of vmlinuz, initrd .*/sys/firmware/initrd" -- --dry-run --x-test-root=retain-box -s -l vmlinuz --reuseinitrd
t "--reuseinitrd without retain_initrd: refused, named (exit 1, as kexec-tools)" 1 "^kexec: --reuseinitrd: the running kernel was not booted with retain_initrd \(/proc/cmdline\), so it freed its initrd" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz --reuseinitrd
cp -r retain-box retain-box-6.1 && rm retain-box-6.1/sys/firmware/initrd
t "--reuseinitrd on a kernel without /sys/firmware/initrd: refused, named" 1 "^kexec: --reuseinitrd: the running kernel kept its initrd \(retain_initrd\) but does not show it in .*/sys/firmware/initrd \(Linux 6.8 and later show it there when they booted with one\): No such file" -- --dry-run --x-test-root=retain-box-6.1 -c -l vmlinuz --reuseinitrd
t "--reuseinitrd with --initrd: refused" 1 "^kexec: --reuseinitrd loads the initrd the running kernel kept: not with --initrd \(one initrd only\)$" -- --dry-run --x-test-root=retain-box -c -l vmlinuz --reuseinitrd --initrd=initrd.img
# kexec jump, as kexec-tools: --load-preserve-context loads with KEXEC_PRESERVE_CONTEXT
# (kexec_load only) and needs --mem-max; --load-jump-back-helper loads the image that
# returns, entered at kexec_jump_back_entry= (the purgatory fills its digits)
JUMP="--dry-run --x-test-root=$BIOS --load-preserve-context --mem-max=0xfffffff"
t "--load-preserve-context without --mem-max: refused" 1 "^kexec: --load-preserve-context needs --mem-max=ADDR: the new kernel gets only the RAM from --mem-min \(default 0\) to ADDR" -- --dry-run --x-test-root="$BIOS" --load-preserve-context vmlinuz
t "--load-preserve-context -s: refused" 1 "^kexec: --load-preserve-context is not supported with kexec_file_load \(-s\): KEXEC_PRESERVE_CONTEXT is a kexec_load flag" -- $JUMP -s vmlinuz
t "-p --load-preserve-context: refused" 1 "^kexec: -p and --load-preserve-context cannot be combined: a crash kernel never returns" -- $JUMP -p vmlinuz
t "--load-preserve-context --entry-32bit: refused" 1 "^kexec: --load-preserve-context: a kernel entered in 32-bit mode cannot jump back" -- $JUMP -c --entry-32bit vmlinuz
t "--load-preserve-context -e: two actions" 1 "^kexec: --load-preserve-context and -e cannot be combined$" -- --load-preserve-context --mem-max=0xfffffff -e
t "--load-preserve-context -f: two actions" 1 "^kexec: -f and --load-preserve-context cannot be combined$" -- -f --load-preserve-context --mem-max=0xfffffff vmlinuz
t "--load-preserve-context: KEXEC_PRESERVE_CONTEXT (0x2) in kexec_load's flags" 0 "^flags: 0x3e0002$" -- $JUMP vmlinuz
t "--load-preserve-context: kexec_jump_back_entry= placeholder on the command line" 0 '^command line: "console=ttyS0 kexec_jump_back_entry=0x0000000000000000"$' -- $JUMP --append=console=ttyS0 vmlinuz
t "--load-preserve-context: kexec_load only, said" 0 "^kexec: note: --load-preserve-context: kexec_load only \(kexec_file_load has no KEXEC_PRESERVE_CONTEXT\)$" -- $JUMP vmlinuz
t "--load-preserve-context: RAM up to --mem-max kept as segments without data" 0 "^  5 keep +mem 0x001010000-0x00fffffff memsz 0x0eff0000 bufsz 0x00000000 no data from this kernel's memory \(kexec jump" -- $JUMP vmlinuz
t "--load-preserve-context: --mem-min above 1 MiB leaves the trampoline no RAM: refused" 1 "^kexec: --load-preserve-context: no RAM below 1 MiB between --mem-min 0x1000000 and --mem-max 0xfffffff" -- $JUMP --mem-min=0x1000000 vmlinuz
t "--load-preserve-context: --mem-max above half of RAM: the kernel's rule" 255 "^kexec: segments need 0x2ff9e000 bytes, more than half of RAM" -- --dry-run --x-test-root="$BIOS" --load-preserve-context --mem-max=0x30000000 vmlinuz
t "--load-preserve-context: placeholder past COMMAND_LINE_SIZE: refused" 1 "^kexec: the command line is 2048 bytes with \"kexec_jump_back_entry=0x0000000000000000\" added" -- $JUMP --append="$(head -c 2007 /dev/zero | tr '\0' a)" vmlinuz
t "--load-preserve-context on arm64: refused" 1 "^kexec: --load-preserve-context: kexec jump exists on x86_64 only \(the kernel's CONFIG_KEXEC_JUMP\), not on arm64$" -- $JUMP --x-test-arch=arm64 vmlinuz
t "--load-jump-back-helper --entry: a trampoline there, flags KEXEC_PRESERVE_CONTEXT only (kexec-tools)" 0 "^kexec_load: the jump back helper: a trampoline to 0x3f2c5000 \(kexec_jump_back_entry\), flags 0x2 \(KEXEC_PRESERVE_CONTEXT\)$" -- --dry-run --x-test-root="$BIOS" --load-jump-back-helper --entry=0x3f2c5000
t "--load-jump-back-helper: one segment in this kernel's RAM, entered at its start" 0 "^  segment 0x000100000-0x000106fff: built: trampoline to 0x3f2c5000, page tables, entered at 0x100000$" -- --dry-run --x-test-root="$BIOS" --load-jump-back-helper --entry=0x3f2c5000
cp -r "$BIOS" jumped-box
echo "console=ttyS0 stage=1 kexec_jump_back_entry=0x000000003f2c5000" > jumped-box/proc/cmdline
t "--load-jump-back-helper without --entry: kexec_jump_back_entry= of /proc/cmdline" 0 "^kexec_load: the jump back helper: a trampoline to 0x3f2c5000 " -- --dry-run --x-test-root=jumped-box --load-jump-back-helper
t "--load-jump-back-helper without --entry: says where it came from" 0 "^kexec: note: jumping back to 0x3f2c5000, the kexec_jump_back_entry= of /proc/cmdline$" -- --dry-run --x-test-root=jumped-box --load-jump-back-helper
t "--load-jump-back-helper, no entry anywhere: refused" 1 "^kexec: --load-jump-back-helper needs the address to jump back to: --entry=ADDR, or kexec_jump_back_entry= on this kernel's command line" -- --dry-run --x-test-root="$BIOS" --load-jump-back-helper
t "--load-jump-back-helper with a kernel loaded: refused (kexec-tools)" 1 "^kexec: --load-jump-back-helper: a kernel is loaded already" -- --dry-run --x-test-root="$LOADED" --load-jump-back-helper --entry=0x1000
t "--load-jump-back-helper -s: refused" 1 "^kexec: --load-jump-back-helper is not supported with kexec_file_load \(-s\)" -- --dry-run --x-test-root="$BIOS" -s --load-jump-back-helper --entry=0x1000
t "--load-jump-back-helper -p: refused" 1 "^kexec: -p and --load-jump-back-helper cannot be combined" -- --dry-run --x-test-root="$BIOS" -p --load-jump-back-helper --entry=0x1000
t "--load-jump-back-helper -l: two actions" 1 "^kexec: --load-jump-back-helper and -l cannot be combined$" -- --load-jump-back-helper -l vmlinuz
t "--load-jump-back-helper takes no kernel" 1 "^kexec: --load-jump-back-helper takes no kernel file" -- --load-jump-back-helper --entry=0x1000 vmlinuz
t "--load-jump-back-helper on arm64: refused" 1 "^kexec: --load-jump-back-helper: kexec jump exists on x86_64 only" -- --dry-run --x-test-root="$BIOS" --x-test-arch=arm64 --load-jump-back-helper --entry=0x1000
t "--load-jump-back-helper: the seatbelt stops kexec_load" 255 "^kexec: kexec_load of the jump back helper refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$BIOS" --load-jump-back-helper --entry=0x1000 -y
t "--serial-baud=9600 (a divisor of 115200): accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --serial-baud=9600 -l vmlinuz
t "--serial-baud=115200: accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --serial-baud=115200 -l vmlinuz
t "--serial-baud=4800 (below kexec-tools' 9600): refused" 1 "^kexec: --serial-baud=4800: the purgatory's 16550 runs at 115200 divided by a whole number" -- --dry-run --x-test-root="$BIOS" -c --serial-baud=4800 -l vmlinuz
t "--serial-baud=50000 (no divisor of 115200): refused" 1 "^kexec: --serial-baud=50000: the purgatory" -- --dry-run --x-test-root="$BIOS" -c --serial-baud=50000 -l vmlinuz
t "--console-vga --reset-vga --console-serial: accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --console-vga --reset-vga --console-serial -l vmlinuz
t "--elf64-core-headers (what kexec-ng writes) accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --elf64-core-headers --reuse-video-type -l vmlinuz
# kdump-tools adds --args-linux for an ELF kernel; a bzImage loader ignores it (kexec-tools too).
t "--args-linux (boot_params: what kexec-ng gives) accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --args-linux -l vmlinuz
t "--dtb on x86_64 (-c): taken, as SETUP_DTB setup_data" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l vmlinuz
t "--dtb on x86_64 that is no device tree: refused" 252 "initrd.img" -- --dry-run --x-test-root="$BIOS" -c --dtb=initrd.img -l vmlinuz
t "--hotplug without -p refused" 1 "^kexec: --hotplug lets the kernel keep a crash kernel's ELF core header current on CPU and memory hotplug: it goes with loading one \(-p\), not with -l$" -- --dry-run --x-test-root="$BIOS" -c --hotplug -l vmlinuz
t "--hotplug with -p -u refused" 1 "it goes with loading one \(-p\), not with -u$" -- --x-test-root="$BIOS" -p -u --hotplug
t "--no-cma: KEXEC_FILE_NO_CMA (0x10)" 0 "flags 0x14$" -- --dry-run --x-test-root="$BIOS" -s --no-cma -l vmlinuz
t "--force-dtb: KEXEC_FILE_FORCE_DTB (0x20)" 0 "flags 0x24$" -- --dry-run --x-test-root="$BIOS" -s --force-dtb -l vmlinuz
t "-d: KEXEC_FILE_DEBUG (0x8)" 0 "flags 0xc$" -- --dry-run --x-test-root="$BIOS" -s -d -l vmlinuz
t "--no-cma with -c refused" 1 "^kexec: --no-cma is a kexec_file_load flag" -- --dry-run --x-test-root="$BIOS" -c --no-cma -l vmlinuz
t "refused options do not stop -S (kexec-tools answers)" 0 "" -- -S --real-mode --x-test-root="$LOADED"
t "missing kernel file" 1 "nosuch: cannot open: No such file or directory" -- --dry-run -l nosuch
t "missing initrd file" 1 "nosuch.img: cannot open" -- --dry-run -l vmlinuz --initrd=nosuch.img
t "unknown file type: exit 252, names the file" 252 "notes.txt: cannot determine the file type" -- --dry-run --x-test-root="$BIOS" -l notes.txt
# beoboot and NBI: recognised by their magic and refused by name (exit 1, as a refused option), for
# either syscall; a header cut short is broken input (252)
{ printf 'BeoB\001\001\040\000'; printf '\000\020\000\000\000\004\000\000'; head -c 32 /dev/zero; head -c 4096 vmlinuz; head -c 1024 initrd.img; } > image.beo
{ printf '\066\023\003\033'; head -c 1020 /dev/zero; } > image.nbi
t "beoboot image: refused by name, exit 1" 1 "^kexec: image.beo: beoboot images are not supported: an obsolete format \(Scyld Beowulf\) that only bundles a command line, a bzImage and an initrd; its bzImage is the 0x1000 bytes at 0x30, its initrd follows it: load the parts themselves \(--initrd, --append\)$" -- --dry-run --x-test-root="$BIOS" -l image.beo
t "beoboot image, -s: refused before the kernel" 1 "^kexec: image.beo: beoboot images are not supported" -- --dry-run --x-test-root="$BIOS" -s -l image.beo
t "NBI image: refused by name, exit 1" 1 "^kexec: image.nbi: NBI images are not supported: an obsolete network boot format" -- --dry-run --x-test-root="$BIOS" -c -l image.nbi
t "-t nbi-x86 (kexec-tools' name): the same refusal" 1 "^kexec: image.nbi: NBI images are not supported" -- --dry-run --x-test-root="$BIOS" -c -t nbi-x86 -l image.nbi
head -c 10 image.beo > short.beo
t "beoboot header cut short: exit 252" 252 "^kexec: short.beo: truncated beoboot image: 10 bytes, its header is 16$" -- --dry-run --x-test-root="$BIOS" -l short.beo
t "truncated bzImage: exit 252, names the field" 252 "truncated: truncated: 600 bytes, a bzImage needs at least 0x268" -- --dry-run --x-test-root="$BIOS" -l truncated
t "-t unknown type" 1 "-t uImage: no such image type on x86_64" -- --dry-run --x-test-root="$BIOS" -t uImage -l vmlinuz
t "-t bzImage64 (kexec-tools name) accepted" 0 "format: bzImage" -- --dry-run --x-test-root="$BIOS" -c -t bzImage64 -l vmlinuz
# The command line's caps: the kernel's COMMAND_LINE_SIZE (both system calls),
# and a bzImage's cmdline_size (kexec_load's boot_params), at the cap and one over
as() { head -c "$1" /dev/zero | tr '\0' a; }
cp vmlinuz vmlinuz-255; printf '\377\0\0\0' | dd of=vmlinuz-255 bs=1 seek=$((0x238)) conv=notrunc 2>/dev/null
t "command line of 2047 bytes (COMMAND_LINE_SIZE 2048): taken" 0 "^command line: \"a{2047}\"$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz --append="$(as 2047)"
t "command line of 2048 bytes: refused, naming the rule" 1 "^kexec: the command line \(from the command line options\) is 2048 bytes, more than 2047: x86_64 kernels keep COMMAND_LINE_SIZE \(2048\) bytes with the NUL and drop the rest$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz --append="$(as 2048)"
t "command line of 2048 bytes: refused for kexec_file_load too" 1 "is 2048 bytes, more than 2047" -- --dry-run --x-test-root="$BIOS" -s -l vmlinuz --append="$(as 2048)"
t "command line at a bzImage's cmdline_size (255): taken" 0 "^command line: \"a{255}\"$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz-255 --append="$(as 255)"
t "command line over cmdline_size" 1 "^kexec: command line is 256 bytes; this kernel's setup header \(cmdline_size at 0x238\) accepts at most 255$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz-255 --append="$(as 256)"
t "gzip kernel unwrapped in memory" 0 "format: gzip > bzImage" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz.gz
t "lzop kernel (lzop -9) unwrapped by liblzo2" 0 "^format: lzo > bzImage$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz.lzo
t "EFI zboot with an lzo payload" 0 "^format: EFI zboot lzo > bzImage$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz.lzo.zboot
t "lzop kernel through the file syscall: a sealed memfd" 0 "kernel fd of vmlinuz.lzo \(lzo payload\)" -- --dry-run --x-test-root="$BIOS" -s -l vmlinuz.lzo
t "file-syscall dry run names the memfd for a gzip kernel" 0 "kernel fd of vmlinuz.gz \(gzip payload\)" -- --dry-run --x-test-root="$BIOS" -s -l vmlinuz.gz
t "-s dry run: no kexec_load plan" 0 "^kexec_file_load: kernel fd of vmlinuz, initrd none \(KEXEC_FILE_NO_INITRAMFS\)" -- --dry-run --x-test-root="$BIOS" -s -l vmlinuz
t "default dry run: file syscall then fallback plan" 0 "then, if the kernel cannot load it itself: kexec_load" -- --dry-run --x-test-root="$BIOS" -l vmlinuz
t "--reuse-cmdline starts from /proc/cmdline" 0 'command line: "console=ttyS0 quiet panic=-1 extra=1"' -- --dry-run --x-test-root="$BIOS" -c --reuse-cmdline --append=extra=1 -l vmlinuz
t "--no-checks turns the purgatory check off" 0 "purgatory digest check: off" -- --dry-run --x-test-root="$BIOS" -c -i -l vmlinuz
t "--no-checks computes no segment digest" 0 "^  0 kernel .* digest not computed from vmlinuz" -- --dry-run --x-test-root="$BIOS" -c -i -l vmlinuz
t "--no-checks computes no plan digest" 0 "^plan digest: not computed \(--no-checks\)$" -- --dry-run --x-test-root="$BIOS" -c -i -l vmlinuz
t "with the check, every segment digest is computed" 0 "^  0 kernel .* crc32c [0-9a-f]{8} from vmlinuz" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz
# --digest (kexec-ng's own): the purgatory's digest, CRC32C by default.
# The values against python's CRC32C and hashlib's SHA-256 of the kernel
# segment (the 64 KiB after the bzImage's setup).
crc32c_hex() { python3 -c '
import sys
t = []
for n in range(256):
    c = n
    for _ in range(8): c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    t.append(c)
d = open(sys.argv[1], "rb").read()[int(sys.argv[2], 0):][:int(sys.argv[3], 0)]
c = 0xFFFFFFFF
for b in d: c = (c >> 8) ^ t[(c ^ b) & 0xFF]
print("%08x" % (c ^ 0xFFFFFFFF))' "$@"; }
kcrc=$(crc32c_hex vmlinuz 0x800 0x10000)
ksha=$(python3 -c 'import hashlib; print(hashlib.sha256(open("vmlinuz","rb").read()[0x800:0x10800]).hexdigest()[:32])')
t "default digest: CRC32C of the kernel segment" 0 "^  0 kernel .* crc32c $kcrc from vmlinuz @0x800$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz
t "default digest: the plan says crc32c" 0 "^purgatory digest check: on \(crc32c\)$" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz
t "--digest=crc32c: the same" 0 "^  0 kernel .* crc32c $kcrc from vmlinuz @0x800$" -- --dry-run --x-test-root="$BIOS" -c --digest=crc32c -l vmlinuz
t "--digest=sha256: SHA-256 of the kernel segment" 0 "^  0 kernel .* sha256 $ksha\.\.\. from vmlinuz @0x800$" -- --dry-run --x-test-root="$BIOS" -c --digest=sha256 -l vmlinuz
t "--digest sha256 (separate argument): the plan says sha256" 0 "^purgatory digest check: on \(sha256\)$" -- --dry-run --x-test-root="$BIOS" -c --digest sha256 -l vmlinuz
t "--digest=md5 refused by name" 1 "^kexec: --digest=md5: no such digest \(known: crc32c, the default; sha256\)$" -- --dry-run --x-test-root="$BIOS" -c --digest=md5 -l vmlinuz
t "--digest=SHA256 refused (names are lower case)" 1 "^kexec: --digest=SHA256: no such digest" -- --dry-run --x-test-root="$BIOS" -c --digest=SHA256 -l vmlinuz
t "--digest= (empty) refused" 1 "^kexec: --digest=: no such digest" -- --dry-run --x-test-root="$BIOS" -c --digest= -l vmlinuz
t "--digest without its value" 1 "option --digest needs an argument" -- --dry-run --x-test-root="$BIOS" -c -l vmlinuz --digest
t "--digest with -i: a note, no digest" 0 "^kexec: note: --digest=sha256 has no effect with --no-checks: the purgatory checks nothing, and no digest is computed$" -- --dry-run --x-test-root="$BIOS" -c -i --digest=sha256 -l vmlinuz
t "--digest with -i: nothing computed" 0 "^  0 kernel .* digest not computed from vmlinuz" -- --dry-run --x-test-root="$BIOS" -c -i --digest=sha256 -l vmlinuz
t "--digest with -s: accepted (the kernel's own purgatory decides)" 0 "^kexec_file_load: kernel fd of vmlinuz" -- --dry-run --x-test-root="$BIOS" -s --digest=sha256 -l vmlinuz
t "--digest with -p (crash kernel)" 0 "^purgatory digest check: on \(sha256\)$" -- --dry-run --x-test-root="$SRC/tests/fixtures/crash-box" -c --digest=sha256 -p vmlinuz
t "--entry overrides the kernel entry" 0 "kernel entry: 0x1234000" -- --dry-run --x-test-root="$BIOS" -c --entry=0x1234000 -l vmlinuz
t "real Debian kernel plans" 0 "format: bzImage" -- --dry-run --x-test-root="$EFI" -c -l "$REAL" --initrd=initrd.img
t "-S: nothing loaded exits 0" 0 "" -- -S --x-test-root="$BIOS"
t "-S -p: crash kernel status" 0 "" -- -S -p --x-test-root="$LOADED"
# -S as kexec-tools answers it (kexec/kexec.c): the crash image unless -l (or
# --load-preserve-context) was given, -p last wins; -S supersedes every action.
# Boxes: LOADED (normal 1, crash 0), CRASHED (normal 0, crash 1), NOSYS
# (neither file: exit 255, kexec-tools' -1).
mkdir -p crashed/sys/kernel nosys/sys/kernel
echo 0 > crashed/sys/kernel/kexec_loaded; echo 1 > crashed/sys/kernel/kexec_crash_loaded
status_table() {
  local want_loaded=$1 want_crashed=$2 want_nosys=$3; shift 3
  t "-S table: kexec $* (normal loaded)" "$want_loaded" "" -- "$@" --x-test-root="$LOADED"
  t "-S table: kexec $* (crash loaded)" "$want_crashed" "" -- "$@" --x-test-root=crashed
  t "-S table: kexec $* (neither file)" "$want_nosys" "" -- "$@" --x-test-root=nosys
}
status_table 0 1 255 -S
status_table 1 0 255 -l -S
status_table 1 0 255 -S -l
status_table 0 1 255 -p -S
status_table 0 1 255 -l -p -S
status_table 0 1 255 -s -S
status_table 1 0 255 -c -l -S
status_table 0 1 255 -d -S
status_table 1 0 255 --load-preserve-context -S
status_table 0 1 255 --load-preserve-context -p -S
status_table 1 0 255 -p --load-preserve-context -S
# -S supersedes: nothing is unloaded, executed or loaded, no conflict is checked
status_table 0 1 255 -u -S
status_table 0 1 255 -e -S
status_table 0 1 255 -f -S vmlinuz
status_table 1 0 255 -l -e -S
status_table 1 0 255 -S -l nosuch-kernel
t "-S does not unload (seatbelt untouched: no system call message)" 0 "^$" -- -u -S --x-test-root="$LOADED"
t "--help wins over -S" 0 "Usage: kexec" -- -S --help
t "--print-ckr-size wins over -S" 0 "^0$" -- -S --print-ckr-size --x-test-root="$BIOS"
t "-p with no crash region: exit 254, says what size to add" 254 "Boot with crashkernel=[0-9]+M: this kernel and initrd need [0-9]+ MiB of segments" -- -p --x-test-root="$BIOS" vmlinuz
t "--print-ckr-size with no region" 0 "^0$" -- --print-ckr-size --x-test-root="$BIOS"
CRASH=$SRC/tests/fixtures/crash-box
t "--print-ckr-size with crashkernel=256M" 0 "^268435456$" -- --print-ckr-size --x-test-root="$CRASH"
t "-p plans inside the crash region with KEXEC_ON_CRASH" 0 "flags: 0x3e0001" -- --dry-run --x-test-root="$CRASH" -c -p vmlinuz --append=irqpoll
t "-p puts elfcorehdr= first on the command line" 0 'command line: "elfcorehdr=0x[0-9a-f]+ irqpoll"' -- --dry-run --x-test-root="$CRASH" -c -p vmlinuz --append=irqpoll
t "-p --reuse-cmdline drops crashkernel=" 0 'command line: "elfcorehdr=0x[0-9a-f]+ console=ttyS0 quiet panic=-1 x"' -- --dry-run --x-test-root="$CRASH" -c -p --reuse-cmdline --append=x vmlinuz
cp -r "$CRASH" small-crash-box
sed -i 's/^  2f000000-3effffff : Crash kernel$/  2f000000-2f1fffff : Crash kernel/' small-crash-box/proc/iomem
t "-p into a region too small: a named error" 255 "the crash kernel region \(2 MiB\) is too small for this kernel and initrd: kernel: no free RAM for 0x400000" -- --x-test-root=small-crash-box -c -p vmlinuz --initrd=initrd.img
# crashkernel=2M,high with a 256 MiB low region: the segments go only in
# crashk_res (the highest), so the error names its size, not the sum
cp -r "$CRASH" high-low-crash-box
sed -i 's/^100000000-17fffffff : PCI Bus 0000:00$/&\n180000000-27fffffff : System RAM\n  27fe00000-27fffffff : Crash kernel/' high-low-crash-box/proc/iomem
t "--print-ckr-size with a low and a high region: crashk_res's, as kexec-tools" 0 "^2097152$" -- --print-ckr-size --x-test-root=high-low-crash-box
t "-p with a small crashk_res and a large low region: names crashk_res" 255 "the crash kernel region \(2 MiB\) is too small for this kernel and initrd: kernel: no free RAM for 0x400000" -- --x-test-root=high-low-crash-box -c -p vmlinuz --initrd=initrd.img
t "--dry-run -p into a region too small: the same named error" 255 "the crash kernel region \(2 MiB\) is too small for this kernel and initrd: kernel: no free RAM for 0x400000" -- --dry-run --x-test-root=small-crash-box -c -p vmlinuz --initrd=initrd.img
t "-p file syscall asks for KEXEC_FILE_ON_CRASH" 0 "flags 0x6$" -- --dry-run --x-test-root="$CRASH" -s -p vmlinuz
# --hotplug: the kernel (CONFIG_CRASH_HOTPLUG) rewrites the ELF core header on
# CPU/memory hotplug; it says how much room that needs
t "-p --hotplug on a kernel without crash hotplug: refused, both syscalls (as kexec-tools)" 1 "^kexec: --hotplug: /sys/kernel/crash_elfcorehdr_size is missing or not a number: the running kernel cannot keep" -- --dry-run --x-test-root="$CRASH" -c -p --hotplug vmlinuz
t "-s -p --hotplug on a kernel without crash hotplug: refused too" 1 "crash_elfcorehdr_size is missing" -- --dry-run --x-test-root="$CRASH" -s -p --hotplug vmlinuz
cp -r "$CRASH" hotplug-crash-box
echo 917616 >hotplug-crash-box/sys/kernel/crash_elfcorehdr_size
t "-p --hotplug: KEXEC_UPDATE_ELFCOREHDR (x86)" 0 "^flags: 0x3e0005$" -- --dry-run --x-test-root=hotplug-crash-box -c -p --hotplug vmlinuz
t "-p --hotplug: the header gets the room crash_elfcorehdr_size asks for, unchecked" 0 "^  1 elfcorehdr   mem 0x[0-9a-f]+-0x[0-9a-f]+ memsz 0x000e1000 bufsz 0x00001000 .* \(not checked by the purgatory: the kernel rewrites it on hotplug\)$" -- --dry-run --x-test-root=hotplug-crash-box -c -p --hotplug vmlinuz
t "-p without --hotplug: a header of its own size, checked" 0 "^  1 elfcorehdr   mem 0x[0-9a-f]+-0x[0-9a-f]+ memsz 0x00001000 bufsz 0x00001000 [^(]*$" -- --dry-run --x-test-root=hotplug-crash-box -c -p vmlinuz
t "-s -p --hotplug: the kernel keeps its own header (no flag to add)" 0 "flags 0x6$" -- --dry-run --x-test-root=hotplug-crash-box -s -p --hotplug vmlinuz
# --pass-memmap-cmdline (x86 -p, kexec_load only): the crash memory map as
# memmap= options on the command line, boot_params' e820 the whole map
MEMMAP_CMDLINE='command line: "elfcorehdr=0x3efff000 irqpoll nokaslr memmap=exactmap memmap=640K@0K memmap=262140K@770048K"$'
t "-c -p --pass-memmap-cmdline: nokaslr, memmap=exactmap and the crash map on the command line" 0 "^$MEMMAP_CMDLINE" -- --dry-run --x-test-root="$CRASH" -c -p --pass-memmap-cmdline vmlinuz --append=irqpoll
t "-p --pass-memmap-cmdline (-a): kexec_load, said why" 0 "^kexec: note: vmlinuz: --pass-memmap-cmdline: kexec_file_load builds the capture kernel's e820 itself and adds no memmap= options: loading with kexec_load$" -- --dry-run --x-test-root="$CRASH" -p --pass-memmap-cmdline vmlinuz --append=irqpoll
t "-p --pass-memmap-cmdline (-a): the kexec_load plan with memmap=" 0 "^$MEMMAP_CMDLINE" -- --dry-run --x-test-root="$CRASH" -p --pass-memmap-cmdline vmlinuz --append=irqpoll
t "-s -p --pass-memmap-cmdline: refused with the reason" 1 "^kexec: -s: vmlinuz: --pass-memmap-cmdline: kexec_file_load builds the capture kernel's e820 itself and adds no memmap= options: load it with kexec_load \(-c, or -a\)$" -- --dry-run --x-test-root="$CRASH" -s -p --pass-memmap-cmdline vmlinuz
t "--pass-memmap-cmdline without -p: no effect, said" 0 "^kexec: note: --pass-memmap-cmdline has no effect without -p: it tells a capture kernel its memory \(kexec-tools ignores it too\)$" -- --dry-run --x-test-root="$BIOS" -c --pass-memmap-cmdline -l vmlinuz
t "--pass-memmap-cmdline without -p: the command line as given" 0 '^command line: "irqpoll"$' -- --dry-run --x-test-root="$BIOS" -c --pass-memmap-cmdline -l vmlinuz --append=irqpoll
t "--pass-memmap-cmdline on arm64: refused" 1 "^kexec: --pass-memmap-cmdline is an x86 option \(memmap= rewrites the e820 table\); on arm64 a capture kernel learns its memory from the device tree$" -- --dry-run --x-test-root="$CRASH" --x-test-arch=arm64 -p --pass-memmap-cmdline vmlinuz
t "-p --pass-memmap-cmdline past COMMAND_LINE_SIZE: refused, naming the option" 1 "^kexec: the command line is 2[0-9]{3} bytes with nokaslr and the 3 memmap= options of --pass-memmap-cmdline added \(the capture kernel's memory map\), more than 2047" -- --dry-run --x-test-root="$CRASH" -c -p --pass-memmap-cmdline vmlinuz --append="$(head -c 1990 /dev/zero | tr '\0' a)"
t "-e with nothing loaded" 255 "nothing has been loaded" -- -e --x-test-root="$BIOS"
t "-c load refused (seatbelt) is explained" 255 "kexec_load refused: KEXEC_NG_FORBID_SYSCALLS is set" -- --x-test-root="$BIOS" -c -l vmlinuz
t "-s load refused is not a fallback" 255 "kexec_file_load of vmlinuz refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$BIOS" -s -l vmlinuz
t "-u refused is explained" 255 "refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$BIOS" -u
# Failure atomicity: what the kernel would refuse only after freeing the
# loaded crash kernel (it frees it first on every crash load), or after
# reading every byte, is refused before it is asked (kexec(8), WHAT A
# FAILED LOAD LEAVES LOADED); the seatbelt answers when it is asked.
cp -r "$CRASH" crash-loaded-box; echo 1 >crash-loaded-box/sys/kernel/kexec_crash_loaded
t "-s -p of a file no loader knows, a crash kernel loaded: refused before the kernel (252)" 252 \
  "notes.txt: cannot determine the file type.*the kernel unloads the loaded crash kernel before it judges a new one: refused here, so that the crash kernel loaded now stays" \
  -- --x-test-root=crash-loaded-box -s -p notes.txt
t "-s -p of a file no loader knows, no crash kernel loaded: the kernel judges it" 255 \
  "^kexec: kexec_file_load of notes.txt refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$CRASH" -s -p notes.txt
t "-s -l of a file no loader knows: the kernel judges it" 255 \
  "^kexec: kexec_file_load of notes.txt refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$LOADED" -s -l notes.txt
truncate -s 300M big-initrd
t "-s -p: an initrd larger than the crash region, refused before the kernel" 255 \
  "^kexec: initrd big-initrd: 300 MiB, larger than the crash kernel region \(256 MiB at 0x2f000000\)" \
  -- --x-test-root=crash-loaded-box -s -p vmlinuz --initrd=big-initrd
t "-p (-a): the same, before kexec_file_load is tried" 255 "^kexec: initrd big-initrd: 300 MiB, larger than the crash" \
  -- --x-test-root=crash-loaded-box -p vmlinuz --initrd=big-initrd
t "-c -p: the plan finds no room for it either" 255 "crash kernel region \(256 MiB\) is too small" \
  -- --x-test-root=crash-loaded-box -c -p vmlinuz --initrd=big-initrd
truncate -s 600M half-ram-initrd
t "-s -l: an initrd over half of RAM, refused before the kernel" 255 \
  "^kexec: initrd half-ram-initrd: 600 MiB, more than half of RAM \(1023 MiB\): the kernel refuses" \
  -- --x-test-root="$BIOS" -s -l vmlinuz --initrd=half-ram-initrd
t "-s -l: an initrd under half of RAM goes to the kernel" 255 "^kexec: kexec_file_load of vmlinuz refused: KEXEC_NG" \
  -- --x-test-root="$BIOS" -s -l vmlinuz --initrd=initrd.img
t "--x-test-misaligned-segment reaches kexec_load (here the seatbelt)" 255 "^kexec: kexec_load refused: KEXEC_NG" \
  -- --x-test-root="$BIOS" -c -l vmlinuz --x-test-misaligned-segment
t "the seatbelt is not the kernel: nothing said of what stays loaded" 255 "KEXEC_NG_FORBID_SYSCALLS is set \(the test suite's seatbelt\): no system call was made$" \
  -- --x-test-root=crash-loaded-box -c -p vmlinuz
t "default -a: a refusal that is not 'cannot load this image' does not fall back" 255 "^kexec: kexec_file_load of vmlinuz refused" -- --x-test-root="$BIOS" -l vmlinuz
t "zboot through the file syscall: the lost wrapper signature is named" 255 "EFI zboot image; kexec_file_load gets the Image unwrapped" -- --x-test-root="$BIOS" -s -l vmlinuz.zboot
t "--noefi drops EFI setup_data" 0 "boot_params  mem 0x000100000-0x000101fff memsz 0x00002000 bufsz 0x00001040" -- --dry-run --x-test-root="$EFI" -c --noefi -l vmlinuz --append=x
# Xen's dom0: the hypervisor owns kexec; refused with that reason, not an errno
cp -r "$BIOS" xen-dom0; mkdir -p xen-dom0/proc/xen; echo control_d > xen-dom0/proc/xen/capabilities
cp -r "$BIOS" xen-domu; mkdir -p xen-domu/proc/xen; : > xen-domu/proc/xen/capabilities
t "Xen dom0: -c load refused, naming the hypervisor" 255 "^kexec: kexec_load refused: this system is Xen's control domain" -- --x-test-root=xen-dom0 -c -l vmlinuz
t "Xen dom0: -s load refused" 255 "^kexec: kexec_file_load of vmlinuz refused: this system is Xen's control domain" -- --x-test-root=xen-dom0 -s -l vmlinuz
t "Xen dom0: -u refused" 255 "^kexec: unloading refused: this system is Xen's control domain" -- --x-test-root=xen-dom0 -u
t "Xen dom0: -e refused" 255 "^kexec: kexec -e refused: this system is Xen's control domain" -- --x-test-root=xen-dom0 -e
t "Xen dom0: a dry run still plans" 0 "format: bzImage" -- --dry-run --x-test-root=xen-dom0 -c -l vmlinuz
t "Xen guest (domU): loads like any machine (here: the seatbelt)" 255 "^kexec: kexec_load refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root=xen-domu -c -l vmlinuz
# UKIs: synthetic ones (tests/tools/mkuki.c) around the small bzImage, and one
# made with objcopy from systemd's stub around the real Debian kernel
# (scripts/fetch-kernels.sh fetches the stub).
printf 'ID=test\n' > osrel
printf 'console=ttyS0 uki-token=1\n' > uki-cmdline
head -c 7000 /dev/zero | tr '\0' 'u' > initrd2.img
"$MKUKI" 0x8664 uki.efi .osrel=osrel .cmdline=uki-cmdline .linux=vmlinuz .initrd=initrd.img || exit 1
"$MKUKI" 0x8664 uki-gz.efi .linux=vmlinuz.gz .cmdline=uki-cmdline || exit 1
"$MKUKI" 0xaa64 uki-arm64.efi .osrel=osrel .linux=vmlinuz || exit 1
"$MKUKI" 0x8664 uki-nolinux.efi .osrel=osrel .cmdline=uki-cmdline .initrd=initrd.img || exit 1
printf 'console=ttyS0\001x\n' > bad-cmdline
"$MKUKI" 0x8664 uki-badcl.efi .cmdline=bad-cmdline .linux=vmlinuz || exit 1
head -c 500 uki.efi > uki-cut.efi
"$MKUKI" 0x8664 uki-dtb.efi .linux=vmlinuz .dtb=osrel || exit 1
"$MKUKI" 0x8664 uki-junk.efi .linux=notes.txt || exit 1
"$MKUKI" 0x8664 uki-trunc.efi .linux=truncated || exit 1
UKI_OPTS=(--dry-run --x-test-root="$BIOS")
t "UKI, -c: the kernel from .linux through the bzImage loader" 0 "^format: UKI > bzImage$" -- "${UKI_OPTS[@]}" -c -l uki.efi
t "UKI, -c: the UKI's .cmdline when no --append" 0 '^command line: "console=ttyS0 uki-token=1"$' -- "${UKI_OPTS[@]}" -c -l uki.efi
t "UKI, -c: the UKI's .initrd when no --initrd" 0 "initrd .* bufsz 0x00004e20 .* from uki.efi \(UKI .initrd section\)$" -- "${UKI_OPTS[@]}" -c -l uki.efi
t "UKI, dry run names the parts" 0 "^  \.initrd  at 0x[0-9a-f]{8}, 0x00004e20 bytes: the initrd$" -- "${UKI_OPTS[@]}" -c -l uki.efi
t "UKI, -s: .linux and .initrd handed over in sealed memfds, .cmdline as the command line" 0 '^kexec_file_load: kernel fd of uki.efi \(UKI .linux section\) \(copied into a sealed memfd\), initrd uki.efi \(UKI .initrd section\) \(copied into a sealed memfd\), command line "console=ttyS0 uki-token=1", flags 0x0$' -- "${UKI_OPTS[@]}" -s -l uki.efi
t "UKI, -s: --initrd replaces .initrd (as kexec-tools)" 0 '^kexec_file_load: kernel fd of .*, initrd initrd2.img, command line "console=ttyS0 uki-token=1"' -- "${UKI_OPTS[@]}" -s -l uki.efi --initrd=initrd2.img
t "UKI, -c: --initrd replaces .initrd" 0 "initrd .* bufsz 0x00001b58 .* from initrd2.img$" -- "${UKI_OPTS[@]}" -c -l uki.efi --initrd=initrd2.img
t "UKI: --initrd replacing .initrd is said" 0 "^kexec: note: --initrd replaces uki.efi's .initrd section$" -- "${UKI_OPTS[@]}" -c -l uki.efi --initrd=initrd2.img
t "UKI, -c: --append replaces .cmdline" 0 '^command line: "mine=1"$' -- "${UKI_OPTS[@]}" -c -l uki.efi --append=mine=1
t "UKI, -s: --command-line replaces .cmdline" 0 'initrd uki.efi \(UKI .initrd section\) \(copied into a sealed memfd\), command line "mine=2"' -- "${UKI_OPTS[@]}" -s -l uki.efi --command-line=mine=2
t "UKI: --append replacing .cmdline is said" 0 "^kexec: note: --append/--command-line replaces uki.efi's .cmdline section$" -- "${UKI_OPTS[@]}" -c -l uki.efi --append=mine=1
t "UKI: --reuse-cmdline replaces .cmdline" 0 '^command line: "console=ttyS0 quiet panic=-1"$' -- "${UKI_OPTS[@]}" -c -l uki.efi --reuse-cmdline
t "UKI: --append=\"\" is a command line given (empty)" 0 '^command line: ""$' -- "${UKI_OPTS[@]}" -c -l uki.efi --append=
t "UKI, -p: elfcorehdr= and the UKI's .cmdline" 0 'command line: "elfcorehdr=0x[0-9a-f]+ console=ttyS0 uki-token=1"' -- --dry-run --x-test-root="$CRASH" -c -p uki.efi
t "UKI with a gzip'ed .linux: UKI > gzip > bzImage" 0 "^format: UKI > gzip > bzImage$" -- "${UKI_OPTS[@]}" -c -l uki-gz.efi
t "UKI with a gzip'ed .linux, -s: the decompressed kernel's memfd" 0 '^kexec_file_load: kernel fd of uki-gz.efi \(UKI .linux section\) \(gzip payload\), initrd none' -- "${UKI_OPTS[@]}" -s -l uki-gz.efi
t "UKI, default -a: file syscall plan, then the fallback plan" 0 "then, if the kernel cannot load it itself: kexec_load" -- "${UKI_OPTS[@]}" -l uki.efi
t "UKI through the file syscall: the signature the kernel checks is named" 255 "^kexec: note: uki.efi is a UKI; kexec_file_load gets its .linux section, so the kernel checks the signature of the kernel inside, not the UKI's$" -- --x-test-root="$BIOS" -s -l uki.efi
t "UKI, -s load refused (seatbelt) after the memfds are made" 255 "kexec_file_load of uki.efi refused: KEXEC_NG_FORBID_SYSCALLS" -- --x-test-root="$BIOS" -s -l uki.efi
t "UKI .dtb on x86_64: refused, naming the section" 252 "^kexec: uki-dtb.efi: the UKI carries a .dtb section, but an x86_64 kernel takes no device tree from kexec-ng" -- "${UKI_OPTS[@]}" -c -l uki-dtb.efi
# arm64: a UKI's .dtb is the new kernel's tree (a copy of QEMU virt's with a
# marker property), unless --dtb names another
A64=$SRC/.cache/kernels/bookworm-arm64/vmlinuz
mkdir -p a64/proc; printf '40000000-7fffffff : System RAM\n' > a64/proc/iomem; head -c 64 /dev/zero > a64/kexec-ng-random
dtc -q -I dtb -O dts "$SRC/tests/fixtures/dtb/virt.dtb" | sed 's|^/ {|/ {\n\tkexec-ng-marker = "uki-dtb";|' | dtc -q -I dts -O dtb -o marker.dtb -
"$MKUKI" 0xaa64 uki-a64-dtb.efi .linux="$A64" .dtb=marker.dtb || echo "# cannot build the arm64 UKI (scripts/fetch-kernels.sh fetches $A64)"
A64_OPTS=(--dry-run --x-test-arch=arm64 --x-test-root=a64)
t "--console-vga on arm64: refused, an x86 option" 1 "^kexec: --console-vga is an x86 option \(the PC's VGA text console\); arm64 has none$" -- "${A64_OPTS[@]}" -c --console-vga --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l "$A64"
t "--serial-baud=9600 on arm64: refused" 1 "^kexec: --serial-baud=9600: the arm64 purgatory leaves its UART at the speed the old kernel set" -- "${A64_OPTS[@]}" -c --serial-baud=9600 --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l "$A64"
t "--digest=sha256 on arm64: the plan says sha256" 0 "^purgatory digest check: on \(sha256\)$" -- "${A64_OPTS[@]}" -c --digest=sha256 --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l "$A64"
RV=$SRC/.cache/kernels/trixie-riscv64/vmlinuz
t "arm64: command line of 2047 bytes taken (-s)" 0 "command line \"a{2047}\"" -- "${A64_OPTS[@]}" -s -l "$A64" --append="$(as 2047)"
t "arm64: command line of 2048 bytes refused (-s)" 1 "^kexec: the command line \(from the command line options\) is 2048 bytes, more than 2047: arm64 kernels keep COMMAND_LINE_SIZE \(2048\)" -- "${A64_OPTS[@]}" -s -l "$A64" --append="$(as 2048)"
t "riscv64: command line of 1023 bytes taken (-s)" 0 "command line \"a{1023}\"" -- --dry-run --x-test-arch=riscv64 --x-test-root=a64 -s -l "$RV" --append="$(as 1023)"
t "riscv64: command line of 1024 bytes refused (-c)" 1 "^kexec: the command line \(from the command line options\) is 1024 bytes, more than 1023: riscv64 kernels keep COMMAND_LINE_SIZE \(1024\)" -- --dry-run --x-test-arch=riscv64 --x-test-root=a64 -c -l "$RV" --append="$(as 1024)"
# --reuseinitrd on arm64 and riscv64: the same retained initrd (3000 bytes)
mkdir -p a64-retain/proc a64-retain/sys/firmware
cp a64/proc/iomem a64-retain/proc/ && cp a64/kexec-ng-random a64-retain/ && echo "console=ttyAMA0 retain_initrd" >a64-retain/proc/cmdline
cp retain-box/sys/firmware/initrd a64-retain/sys/firmware/initrd
t "arm64 --reuseinitrd: the retained initrd is the initrd" 0 "^  [0-9] initrd +mem 0x[0-9a-f]+-0x[0-9a-f]+ memsz 0x[0-9a-f]+ bufsz 0x00000bb8 crc32c [0-9a-f]+ from .*/sys/firmware/initrd$" -- --dry-run --x-test-arch=arm64 --x-test-root=a64-retain -c --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l "$A64" --reuseinitrd
t "riscv64 --reuseinitrd: the retained initrd is the initrd" 0 "^  [0-9] initrd +mem 0x[0-9a-f]+-0x[0-9a-f]+ memsz 0x[0-9a-f]+ bufsz 0x00000bb8 crc32c [0-9a-f]+ from .*/sys/firmware/initrd$" -- --dry-run --x-test-arch=riscv64 --x-test-root=a64-retain -c --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l "$RV" --reuseinitrd
t "arm64 UKI .dtb: the new kernel's tree" 0 "dtb .* from uki-a64-dtb.efi \(UKI .dtb section\)$" -- "${A64_OPTS[@]}" -c -l uki-a64-dtb.efi
t "arm64 UKI .dtb listed as the device tree" 0 "^  \.dtb     at 0x[0-9a-f]{8}, 0x[0-9a-f]{8} bytes: the device tree$" -- "${A64_OPTS[@]}" -c -l uki-a64-dtb.efi
# A version 2 tree: libfdt 1.6.1's fdt_check_full() dereferences NULL on it
# (kexec died with SIGSEGV); kexec-ng's own header check refuses it first.
python3 -c "import sys; d=bytearray(open(sys.argv[1],'rb').read()); d[20:28]=bytes([0,0,0,2,0,0,0,2]); open('v2.dtb','wb').write(d)" "$SRC/tests/fixtures/dtb/virt.dtb"
t "--dtb of version 2 (a libfdt SIGSEGV): refused, exit 252" 252 "^kexec: --dtb v2.dtb: not a valid flattened device tree: FDT_ERR_BADVERSION \(version 2, last compatible version 2; kexec-ng reads version 17 trees" -- "${A64_OPTS[@]}" -c --dtb=v2.dtb -l "$A64"
t "arm64 UKI .dtb replaced by --dtb, and said" 0 "^kexec: note: uki-a64-dtb.efi's .dtb section is not used: the new kernel gets --dtb$" -- "${A64_OPTS[@]}" -c --dtb="$SRC/tests/fixtures/dtb/virt.dtb" -l uki-a64-dtb.efi
t "UKI whose .linux is no kernel: exit 252, names the section" 252 "^kexec: uki-junk.efi \(UKI .linux section\): cannot determine the file type" -- "${UKI_OPTS[@]}" -c -l uki-junk.efi
t "UKI whose .linux is a truncated bzImage: the bzImage loader's error, naming the section" 252 "^kexec: uki-trunc.efi \(UKI .linux section\): truncated: 600 bytes, a bzImage needs at least 0x268" -- "${UKI_OPTS[@]}" -c -l uki-trunc.efi
t "-t uki (kexec-tools' name): the file must be a UKI" 252 "^kexec: vmlinuz: is not a UKI image \(-t uki\)$" -- "${UKI_OPTS[@]}" -c -t uki -l vmlinuz
t "-t uki on a UKI loads it" 0 "^format: UKI > bzImage$" -- "${UKI_OPTS[@]}" -c -t uki -l uki.efi
t "-t gzip names a wrapper too" 0 "^format: gzip > bzImage$" -- "${UKI_OPTS[@]}" -c -t gzip -l vmlinuz.gz
printf 'ID=p0\n' > prof0; printf 'ID=p1\n' > prof1; printf 'console=ttyS0 p0\n' > cl0; printf 'console=ttyS0 p1\n' > cl1
printf 'MICROCODE' > ucode.bin
"$MKUKI" 0x8664 uki-prof.efi .linux=vmlinuz .cmdline=uki-cmdline .profile=prof0 .cmdline=cl0 .profile=prof1 .cmdline=cl1 .ucode=ucode.bin || exit 1
"$MKUKI" 0x8664 uki-ucode.efi .linux=vmlinuz .ucode=ucode.bin .initrd=initrd.img || exit 1
t "multi-profile UKI: profile 0 by default" 0 '^command line: "console=ttyS0 p0"$' -- "${UKI_OPTS[@]}" -c -l uki-prof.efi
t "--uki-profile=1: profile 1's .cmdline" 0 '^command line: "console=ttyS0 p1"$' -- "${UKI_OPTS[@]}" -c --uki-profile=1 -l uki-prof.efi
t "--uki-profile=@1 (systemd-boot's spelling)" 0 "^UKI uki-prof.efi \(PE/COFF, Machine 0x8664, profile 1 of 2\):$" -- "${UKI_OPTS[@]}" -c --uki-profile=@1 -l uki-prof.efi
t "--uki-profile=2 of 2 profiles refused" 1 "uki-prof.efi: --uki-profile=2: the UKI has 2 profiles \(0 to 1\)" -- "${UKI_OPTS[@]}" -c --uki-profile=2 -l uki-prof.efi
"$MKUKI" 0x8664 uki-prof0-bad.efi .linux=vmlinuz .profile=prof0 .cmdline=cl0 .cmdline=cl0 .profile=prof1 .cmdline=cl1 || exit 1
t "a broken profile 0 is refused by default" 252 "uki-prof0-bad.efi: UKI has two .cmdline sections in its first profile" -- "${UKI_OPTS[@]}" -c -l uki-prof0-bad.efi
t "... and does not stop --uki-profile=1 (probed as the profile that boots)" 0 '^command line: "console=ttyS0 p1"$' -- "${UKI_OPTS[@]}" -c --uki-profile=1 -l uki-prof0-bad.efi
t "--uki-profile for a kernel that is no UKI refused" 1 "^kexec: --uki-profile=1: vmlinuz is not a UKI" -- "${UKI_OPTS[@]}" -c --uki-profile=1 -l vmlinuz
t "--uki-profile=x refused" 1 "^kexec: --uki-profile=x: expected a profile number" -- "${UKI_OPTS[@]}" -c --uki-profile=x -l uki-prof.efi
t "UKI .ucode before .initrd: one initrd segment" 0 "initrd .* bufsz 0x00004e2c .* from uki-ucode.efi \(UKI .ucode \+ .initrd sections\)$" -- "${UKI_OPTS[@]}" -c -l uki-ucode.efi
t "UKI .ucode listed with its use" 0 "^  \.ucode   at 0x[0-9a-f]{8}, 0x00000009 bytes: put before the initrd$" -- "${UKI_OPTS[@]}" -c -l uki-ucode.efi
t "UKI for arm64 on x86_64: exit 252, names Machine" 252 "uki-arm64.efi: UKI for arm64: COFF Machine 0xaa64 \(at 0x84\), this loader is for x86_64 \(0x8664\)" -- "${UKI_OPTS[@]}" -c -l uki-arm64.efi
t "UKI without .linux: exit 252" 252 "uki-nolinux.efi: UKI without a kernel: the PE image has a .osrel section but no .linux section" -- "${UKI_OPTS[@]}" -c -l uki-nolinux.efi
t "UKI .cmdline not text: exit 252" 252 "uki-badcl.efi: UKI .cmdline is not text: byte 0x01 at offset 13" -- "${UKI_OPTS[@]}" -c -l uki-badcl.efi
t "UKI cut inside its section table: exit 252" 252 "uki-cut.efi: PE section table \(NumberOfSections 4 x 40 bytes at 0x188\) runs past the end of the file \(0x1f4 bytes\)" -- "${UKI_OPTS[@]}" -c -l uki-cut.efi
t "UKI, -s, .cmdline not text: refused before any system call" 252 "UKI .cmdline is not text" -- --x-test-root="$BIOS" -s -l uki-badcl.efi
STUB=$SRC/.cache/systemd-boot-efi/linuxx64.efi.stub
bash "$SRC/tests/tools/mkuki-objcopy.sh" "$STUB" uki-real.efi "$REAL" initrd.img uki-cmdline || echo "# cannot build the objcopy UKI (scripts/fetch-kernels.sh fetches $STUB)"
t "UKI by objcopy from systemd's stub around Debian's kernel: -c plan" 0 "^format: UKI > bzImage$" -- --dry-run --x-test-root="$EFI" -c -l uki-real.efi
t "UKI by objcopy: .cmdline, .initrd" 0 '^kexec_file_load: kernel fd of uki-real.efi \(UKI .linux section\) \(copied into a sealed memfd\), initrd uki-real.efi \(UKI .initrd section\) \(copied into a sealed memfd\), command line "console=ttyS0 uki-token=1"' -- --dry-run --x-test-root="$EFI" -l uki-real.efi
# --json: parsed back by python3's json module, checked field by field, and
# golden (the purgatory's digest and the plan digest masked, as above)
json_check() {
  local name=$1 want=$2 expr=$3; shift 3
  n=$((n + 1))
  out=$("$KEXEC" "$@" 2>/dev/null); local got=$?
  if [ "$got" = "$want" ] && python3 -c "import json,sys; d=json.loads(sys.stdin.read()); sys.exit(0 if ($expr) else 1)" <<<"$out"; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"; echo "#   exit $got (want $want), expected: $expr"; sed 's/^/#     /' <<<"$out"; failed=$((failed + 1))
  fi
}
json_check "--dry-run --json: one object, schema 2, both calls" 0 \
  "d['schema']=='kexec-ng/plan/2' and d['kexec_file_load']['flags']==0 and d['kexec_load']['segments'][1]['role']=='initrd' and d['fallback_to_kexec_load'] and d['wrapper']['parts'][0]['name']=='.linux' and d['kexec_load']['format']=='UKI > bzImage'" \
  --dry-run --json --x-test-root="$BIOS" -l uki.efi
json_check "--dry-run --json -i: digests null, the check off" 0 "all(s['digest'] is None for s in d['kexec_load']['segments']) and d['kexec_load']['digest'] is None and d['kexec_load']['digest_kind'] is None and d['kexec_load']['purgatory_check'] is False" \
  --dry-run --json --x-test-root="$BIOS" -c -i -l vmlinuz
json_check "--dry-run --json: digests computed with the check, CRC32C by default" 0 "d['kexec_load']['digest_kind']=='crc32c' and all(len(s['digest'])==8 for s in d['kexec_load']['segments']) and d['kexec_load']['segments'][0]['digest']=='$kcrc' and len(d['kexec_load']['digest'])==64" \
  --dry-run --json --x-test-root="$BIOS" -c -l vmlinuz
json_check "--dry-run --json --digest=sha256: SHA-256 digests" 0 "d['kexec_load']['digest_kind']=='sha256' and all(len(s['digest'])==64 for s in d['kexec_load']['segments']) and d['kexec_load']['segments'][0]['digest'].startswith('$ksha') and len(d['kexec_load']['digest'])==64" \
  --dry-run --json --x-test-root="$BIOS" -c --digest=sha256 -l vmlinuz
json_check "--dry-run --json: notes included" 0 "d['notes']==[\"--initrd replaces uki.efi's .initrd section\"] and d['kexec_file_load']['initrd']=='initrd2.img'" \
  --dry-run --json --x-test-root="$BIOS" -s -l uki.efi --initrd=initrd2.img
json_check "--dry-run --json -c: no file call, the plan's flags and entry" 0 \
  "d['kexec_file_load'] is None and d['kexec_load']['flags']==0x3e0000 and d['kexec_load']['entry_hex']==hex(d['kexec_load']['entry']) and d['wrapper'] is None" \
  --dry-run --json --x-test-root="$BIOS" -c -l vmlinuz
json_check "--dry-run --json -p: crash plan" 0 "d['crash'] and d['kexec_load']['flags']==0x3e0001 and d['kexec_load']['cmdline'].startswith('elfcorehdr=')" \
  --dry-run --json --x-test-root="$CRASH" -c -p vmlinuz
json_check "--dry-run --json -p --hotplug: the header is marked kernel_rewrites, the flag is in" 0 \
  "d['kexec_load']['flags']==0x3e0005 and [s['role'] for s in d['kexec_load']['segments'] if s['kernel_rewrites']]==['elfcorehdr']" \
  --dry-run --json --x-test-root=hotplug-crash-box -c -p --hotplug vmlinuz
json_check "-S --json: the answer, both images, the crash region" 0 \
  "d['schema']=='kexec-ng/status/1' and d['asked_about']=='crash' and d['exit_status']==0 and d['loaded']=={'normal':None,'crash':False} and d['crash_regions']==[{'start':0x2f000000,'size':256<<20}]" \
  -S --json --x-test-root="$CRASH"
t "--json without --dry-run or -S refused" 1 "^kexec: --json shows an answer as JSON: give it with --dry-run or -S$" -- --json --x-test-root="$BIOS" -c -l vmlinuz
json_check "-l -S --json: normal image loaded, exit 1" 1 "d['asked_about']=='normal' and d['exit_status']==1 and d['loaded']['normal'] is True" \
  -l -S --json --x-test-root="$LOADED"
n=$((n + 1))
jout=$("$KEXEC" --dry-run --json --x-test-root="$BIOS" -c -l vmlinuz --initrd=initrd.img --append="console=ttyS0 root=/dev/vda" 2>&1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
for s in d["kexec_load"]["segments"]:
    if s["role"] == "purgatory":
        s["digest"] = "(purgatory build)"; s["bufsz"] = "(purgatory build)"
d["kexec_load"]["digest"] = "(depends on the purgatory build)"
print(json.dumps(d, indent=1, sort_keys=True))')
[ -n "${KX_UPDATE_GOLDEN:-}" ] && printf '%s\n' "$jout" > "$SRC/tests/golden/cli-bios-box.json"
if diff -u "$SRC/tests/golden/cli-bios-box.json" <(printf '%s\n' "$jout") > diff.txt; then
  echo "ok $n - golden --dry-run --json, BIOS box"
else
  echo "not ok $n - golden --dry-run --json, BIOS box"; sed 's/^/#   /' diff.txt; failed=$((failed + 1))
fi
golden "golden --dry-run, BIOS box" cli-bios-box.txt --dry-run --x-test-root="$BIOS" -c -l vmlinuz --initrd=initrd.img --append="console=ttyS0 root=/dev/vda"
golden "golden --dry-run --load-preserve-context (kexec jump), BIOS box" cli-jump.txt --dry-run --x-test-root="$BIOS" --load-preserve-context --mem-max=0xfffffff vmlinuz --initrd=initrd.img --append="console=ttyS0"
golden "golden --dry-run --load-jump-back-helper, entry from /proc/cmdline" cli-jump-back.txt --dry-run --x-test-root=jumped-box --load-jump-back-helper
# (the BIOS box's seed: boot_params' setup_data random seed, and so its digest, the same every run)
cp -r "$CRASH" seeded-crash-box; cp "$BIOS/kexec-ng-random" seeded-crash-box/
golden "golden --dry-run -p --pass-memmap-cmdline, crash box" cli-crash-memmap.txt --dry-run --x-test-root=seeded-crash-box -p --pass-memmap-cmdline vmlinuz --initrd=initrd.img --append="irqpoll nr_cpus=1"
golden "golden --dry-run, EFI box, default mode" cli-efi-box.txt --dry-run --x-test-root="$EFI" -l vmlinuz --initrd=initrd.img --append="console=ttyS0 root=/dev/vda"

echo "1..$n"
[ $failed = 0 ]
