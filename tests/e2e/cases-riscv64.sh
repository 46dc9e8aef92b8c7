# shellcheck shell=bash
# shellcheck disable=SC2034
# The riscv64 end-to-end cases (run.sh --arch riscv64).  Same interface as
# cases.sh; the guest scripts, the wrapped-kernel layers and the checks are
# cases-arm64.sh's (sourced here), only the table and a few knobs differ.
#
# Guests: qemu-system-riscv64 -M virt -bios default (OpenSBI from QEMU's
# firmware), the kernel entered directly with QEMU's DTB (FIRMWARE "direct";
# no EFI, so stage 1 reports fw=bios).  Only Debian trixie has a riscv64
# kernel (6.12, an Image with a PE header named vmlinux-*): it kexecs into
# itself, always through kexec_load (-c).  The riscv kernel finds the DTB
# segment by its magic and enters the purgatory with a0 = hart id, a1 = DTB.
# No KASLR check (CPU column "-"): riscv64 takes no kaslr-seed.
. "$E2E_DIR/cases-arm64.sh"

E2E_CASES=(
  # the real Image (Debian's vmlinux-*: uncompressed, PE header)
  "rv_image_trixie_to_trixie            image         direct trixie trixie -"
  # gzip -9 of the Image
  "rv_gzip_trixie_to_trixie             gzip          direct trixie trixie -"
  # EFI zboot (zstd) made from the real Image by tests/tools/wrap_kernel.c
  "rv_zboot_trixie_to_trixie            zboot         direct trixie trixie -"
  # synthetic ELF: one PT_LOAD (EM_RISCV) holding the real Image
  "rv_synthetic_elf_trixie_to_trixie    elf           direct trixie trixie -"
  # the purgatory's check skipped
  "rv_no_checks_long_trixie_to_trixie   nocheck-long  direct trixie trixie -"
  # a wrong digest stops the boot with the purgatory's message (printed on the
  # ns16550a at the DTB's stdout-path, as the new command line has console=ttyS0)
  "rv_wrong_digest_trixie               wrong-digest  direct trixie trixie -"
  # ... with --digest=sha256 (CRC32C, the default, above)
  "rv_wrong_digest_sha256_trixie        wrong-digest-sha256 direct trixie trixie -"
  # a UKI (Machine 0x5064, made by mkuki) with the Image, the stage-2 initrd
  # and a .cmdline holding the token; no --initrd, no --append
  "rv_uki_trixie_to_trixie              uki           direct trixie trixie -"
)

e2e_case_token_layers() {
  case "$1" in
    uki) e2e_stage2_uki_layer "$2" "$3" "$4" 0x5064 ;;
  esac
}

e2e_case_cpu() { [ -n "${E2E_FORCE_CPU:-}" ] && echo "$E2E_FORCE_CPU"; :; }

e2e_case_layers() {
  case "$1" in
    gzip|zboot|elf) _e2e_k2f_layer "$2" "$1" ;;
  esac
}

# Debian has no riscv64 kexec-tools: every case is kexec-ng's.
e2e_case_applies() { [ "$2" != tools ]; }
