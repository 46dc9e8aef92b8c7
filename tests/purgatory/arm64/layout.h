/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory layout of the arm64 purgatory harness (see README.md), shared by
 * the host tool that makes the images (mkimage.c) and the two bare-metal
 * programs QEMU runs (boot.c: the old kernel's last steps; kernel.c: the
 * new "kernel"). QEMU virt: RAM from 0x40000000 (QEMU puts its own DTB in
 * the first MiB), PL011 at 0x09000000.
 */
#ifndef KX_PURG_HARNESS_LAYOUT_H
#define KX_PURG_HARNESS_LAYOUT_H

/* What mkimage.c (built once per architecture, this directory first on
 * its include path) makes: the blob kx_purgatory_blob() names, random
 * bytes as the "DTB", params.regs[] = x0..x3 (x0 = H_DTB; --regs), the
 * blob's knobs word (--knobs). */
#define H_ARCH		"arm64"
#define H_REGS		1
#define H_KNOBS		1

#define H_UART		0x09000000ULL

#define H_BOOT_ADDR	0x40200000ULL	/* boot.elf, its stack below MAILBOX */
#define H_MAILBOX	0x40280000ULL	/* struct h_mailbox, not in any region */
#define H_PURGATORY	0x40300000ULL	/* the filled blob */
#define H_KERNEL	0x40400000ULL	/* kernel.bin: region 0, params.entry */
#define H_KERNEL_STACK	0x40600000ULL	/* kernel.c's stack top, not in any region */
#define H_INITRD	0x41000000ULL	/* region 1: random bytes, size chosen */
#define H_DTB		0x58000000ULL	/* region 2: "DTB", x0 */
#define H_DTB_LEN	0x12345ULL
#define H_TINY		0x58200010ULL	/* region 3: 1 byte, unaligned start */
#define H_EMPTY		0xfff0000000000000ULL /* region 4: empty, unmappable */
#define H_NR_REGIONS	5

/* mode bits (mailbox word 0, set on the QEMU command line). */
#define H_MODE_E2H	(1u << 0)	/* at EL2: enter with HCR_EL2.E2H=1 (VHE) */

/* Sentinels the boot stub leaves in MAIR/TCR/TTBR0 of its EL: the
 * purgatory must put them back. */
#define H_SENTINEL_MAIR		0x000000000044ff00ULL
#define H_SENTINEL_TTBR0	0x0000000012345000ULL

/* Offsets in struct h_mailbox, for kernel.S. */
#define H_MB_X		64
#define H_MB_K_SCTLR	96
#define H_MB_K_EL	104
#define H_MB_K_HCR	112
#define H_MB_K_MAIR	120
#define H_MB_K_TCR	128
#define H_MB_K_TTBR0	136
#define H_MB_K_T	144

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct h_mailbox {
	uint32_t mode;            /* H_MODE_*, from the command line */
	uint32_t pad;
	uint64_t t_enter;         /* CNTPCT_EL0 just before entering the purgatory */
	uint64_t el;              /* CurrentEL >> 2 at entry */
	uint64_t hcr;             /* HCR_EL2 at entry (EL2 only) */
	uint64_t mair, tcr, ttbr0, sctlr; /* as the purgatory was entered */
	uint64_t x[4];            /* kernel.S: x0..x3 as the kernel was entered */
	uint64_t k_sctlr, k_el, k_hcr, k_mair, k_tcr, k_ttbr0, k_t;
};
_Static_assert(offsetof(struct h_mailbox, x) == H_MB_X, "mailbox x");
_Static_assert(offsetof(struct h_mailbox, k_sctlr) == H_MB_K_SCTLR, "mailbox k_sctlr");
_Static_assert(offsetof(struct h_mailbox, k_t) == H_MB_K_T, "mailbox k_t");
#endif

#endif
