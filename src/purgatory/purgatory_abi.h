/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the loader and a purgatory blob. A purgatory is a
 * position-independent flat binary; execution starts at offset 0. At offset
 * 0 there is a header (after a short jump) that tells the loader where the
 * parameter block is; the loader patches the parameter block, never code.
 * This header is shared by the purgatory sources (freestanding, C and
 * assembly) and the loader, so it uses only fixed-width types, and the C
 * parts are hidden from the assembler.
 *
 * The loader places the blob at a KX_PURGATORY_ALIGN-aligned address (every
 * kexec segment is page-aligned anyway) in a segment of at least `memsz`
 * bytes; the bytes past the blob (bss and stack) need not be zero. The
 * regions must not include the purgatory's own segment: it writes its stack
 * there before it verifies.
 */
#ifndef KX_PURGATORY_ABI_H
#define KX_PURGATORY_ABI_H

#define KX_PURGATORY_MAGIC 0x3130475255505858 /* "XXPURG01" little-endian */
#define KX_PURGATORY_REGIONS_MAX 16
#define KX_PURGATORY_ALIGN 4096   /* load address alignment the blob needs */

/* At offset KX_PURGATORY_HEADER_OFFSET of the blob. */
#define KX_PURGATORY_HEADER_OFFSET 16

#define KX_PURGATORY_VERIFY      (1u << 0) /* check digests before jumping */
/* x86 only (kexec-tools' --console-vga, --reset-vga): also report on the
 * VGA text buffer at 0xb8000; first program the VGA card for 80x25 text
 * (mode 3), before anything else. */
#define KX_PURGATORY_CONSOLE_VGA (1u << 1)
#define KX_PURGATORY_RESET_VGA   (1u << 2)
/* x86 only: enter `entry` in 32-bit protected mode, the boot protocol's
 * 32-bit entry (Documentation/arch/x86/boot.rst), not in long mode: paging
 * and long mode off, a GDT with flat 4 GiB segments __BOOT_CS 0x10 (32-bit
 * code) and __BOOT_DS 0x18 in CS and DS/ES/FS/GS/SS, ESI = regs[0], and on
 * the stack [ESP] = 0 (no return address) and [ESP+4] = regs[1] (what
 * kexec-tools' ELF boot notes entry gets; 0 for a Linux kernel); EAX =
 * regs[2] and EBX = regs[3] (a Multiboot kernel's magic and information
 * address; 0 for the others); ECX, EDX, EDI, EBP zero. The blob, its stack and `entry` must lie below
 * 4 GiB: the loader places them there. */
#define KX_PURGATORY_ENTRY32     0x8       /* (1u << 3); no "u": entry.S reads it too */
/* x86_64 only, kexec jump (--load-preserve-context): regs[2] is the address
 * of 16 hex digits in the new kernel's command line (the value of the
 * loader's "kexec_jump_back_entry=0x0000000000000000"); once the digests
 * are checked, write there the return address the old kernel called us
 * with (relocate_kernel_64.S: at 0(%rsp) on entry). */
#define KX_PURGATORY_JUMP_BACK   (1u << 8)

/* params.digest_kind: what regions[].digest holds. 0 is SHA-256, what a
 * parameter block from before the field existed (zero there) meant. */
#define KX_PURGATORY_DIGEST_SHA256 0 /* the 32-byte SHA-256 (FIPS 180-4) */
#define KX_PURGATORY_DIGEST_CRC32C 1 /* CRC32C (Castagnoli), little-endian in
				      * bytes 0..3, bytes 4..31 zero */

/* Offsets into struct kx_purgatory_params, for the entry assembly. */
#define KX_PURGATORY_PARAMS_ENTRY 0
#define KX_PURGATORY_PARAMS_REGS  8
#define KX_PURGATORY_PARAMS_FLAGS 40

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct kx_purgatory_header {
	uint64_t magic;           /* KX_PURGATORY_MAGIC */
	uint32_t params_offset;   /* offset of struct kx_purgatory_params in the blob */
	uint32_t memsz;           /* bytes the blob needs in memory (incl. bss, stack) */
};

struct kx_purgatory_region {
	uint64_t start;           /* physical address */
	uint64_t len;
	uint8_t digest[32];       /* of the `len` bytes at `start`, as
				   * params.digest_kind says */
};

/* Stored little-endian (every purgatory architecture is). */
struct kx_purgatory_params {
	uint64_t entry;           /* where to jump */
	uint64_t regs[4];         /* x86_64: regs[0] = RSI (boot_params), the
				   * other GPRs are zeroed; with
				   * KX_PURGATORY_ENTRY32 regs[0] = ESI,
				   * regs[1] the stack argument, regs[2] =
				   * EAX, regs[3] = EBX; in long mode with
				   * KX_PURGATORY_JUMP_BACK regs[2] is where
				   * the return address goes (the two are
				   * never asked together);
				   * arm64: x0..x3; riscv64: unused: a0 = hart
				   * id and a1 = DTB pass through as the old
				   * kernel set them, a2 = entry, the rest 0 */
	uint32_t flags;           /* KX_PURGATORY_* */
	uint32_t nr_regions;      /* <= KX_PURGATORY_REGIONS_MAX, else no boot */
	uint64_t serial_port;     /* x86: I/O port of a 16550 (0 = silent);
				   * arm64: MMIO address of a PL011; riscv64:
				   * of an NS16550A with byte registers
				   * (reg-shift 0); 0 = silent */
	struct kx_purgatory_region regions[KX_PURGATORY_REGIONS_MAX];
	/* After the table, so that every field before keeps its offset. */
	uint32_t digest_kind;     /* KX_PURGATORY_DIGEST_*; another value: no boot */
	uint32_t serial_baud;     /* x86: the 16550's speed, a divisor of 115200
				   * (0, as blocks from before the field had
				   * here: 115200); others: unused, 0 */
};

/* The layout is an ABI between two separately compiled programs: pin it. */
_Static_assert(sizeof(struct kx_purgatory_header) == 16, "purgatory header size");
_Static_assert(sizeof(struct kx_purgatory_region) == 48, "purgatory region size");
_Static_assert(offsetof(struct kx_purgatory_params, entry) == KX_PURGATORY_PARAMS_ENTRY,
	       "params.entry offset");
_Static_assert(offsetof(struct kx_purgatory_params, regs) == KX_PURGATORY_PARAMS_REGS,
	       "params.regs offset");
_Static_assert(offsetof(struct kx_purgatory_params, flags) == KX_PURGATORY_PARAMS_FLAGS,
	       "params.flags offset");
_Static_assert(offsetof(struct kx_purgatory_params, nr_regions) == 44, "params.nr_regions offset");
_Static_assert(offsetof(struct kx_purgatory_params, serial_port) == 48, "params.serial_port offset");
_Static_assert(offsetof(struct kx_purgatory_params, regions) == 56, "params.regions offset");
_Static_assert(offsetof(struct kx_purgatory_params, digest_kind) == 56 + 48 * KX_PURGATORY_REGIONS_MAX,
	       "params.digest_kind offset");
_Static_assert(offsetof(struct kx_purgatory_params, serial_baud) == 60 + 48 * KX_PURGATORY_REGIONS_MAX,
	       "params.serial_baud offset");
_Static_assert(sizeof(struct kx_purgatory_params) == 64 + 48 * KX_PURGATORY_REGIONS_MAX,
	       "params size");
#endif /* __ASSEMBLER__ */

#endif
