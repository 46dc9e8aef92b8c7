/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory layout of the riscv64 purgatory harness (see README.md), shared
 * by the host tool that makes the images (mkimage.c) and the two
 * bare-metal programs QEMU runs (boot.c: the old kernel's last steps;
 * kernel.c: the new "kernel"). QEMU virt: RAM from 0x80000000, OpenSBI in
 * its first 2 MiB (it starts the S-mode payload, boot.elf, at 0x80200000),
 * QEMU's own DTB near the top of RAM, NS16550A at 0x10000000.
 */
#ifndef KX_PURG_RV_LAYOUT_H
#define KX_PURG_RV_LAYOUT_H

/* What mkimage.c (built once per architecture, this directory first on
 * its include path) makes: the blob kx_purgatory_blob() names, a real FDT
 * as the DTB (H_DTB_FDT), --fault (H_FAULT below). */
#define H_ARCH		"riscv64"
#define H_DTB_FDT	1

#define H_UART		0x10000000ULL
#define H_TIMEBASE	10000000ULL	/* QEMU virt: rdtime ticks per second */

#define H_BOOT_ADDR	0x80200000ULL	/* boot.elf; hart N's stack top at
					 * MAILBOX - N * 0x10000 */
#define H_MAILBOX	0x80280000ULL	/* struct h_mailbox, not in any region */
#define H_PURGATORY	0x80300000ULL	/* the filled blob */
#define H_KERNEL	0x80400000ULL	/* kernel.bin: region 0, params.entry */
#define H_KERNEL_STACK	0x80600000ULL	/* kernel.c's stack top, not in any region */
#define H_INITRD	0x81000000ULL	/* region 1: random bytes, size chosen */
#define H_DTB		0x98000000ULL	/* region 2: a real (small) FDT, a1 */
#define H_DTB_LEN	0x12345ULL
#define H_TINY		0x98200010ULL	/* region 3: 1 byte, unaligned start */
#define H_EMPTY		0xfff0000000000000ULL /* region 4: empty, never read */
#define H_NR_REGIONS	5
/* mkimage --fault: region 5 in the hole above RAM (512 MiB), where a read
 * takes a load access fault. */
#define H_FAULT		0xc0000000ULL

/* mode bits (mailbox word 0, set on the QEMU command line). */
#define H_MODE_HART1	(1u << 0)	/* enter the purgatory from hart 1 (-smp 2) */
#define H_MODE_TRAP	(1u << 1)	/* enter it through a trap to stvec, as
					 * riscv_kexec_norelocate (crash kernels) does */

/* What the stub leaves in sscratch: the purgatory must not touch it. */
#define H_SENTINEL_SSCRATCH	0x5c5c5c5c12345678ULL
/* ... and in the registers the kernel zeroes or leaves undefined, which
 * the purgatory must clear (as riscv_kexec_relocate does). */
#define H_GARBAGE		0xdeadbeefdeadbeefULL

/* Offsets in struct h_mailbox, for kernel.S. */
#define H_MB_X		80
#define H_MB_K_SATP	(H_MB_X + 32 * 8)
#define H_MB_K_SSTATUS	(H_MB_K_SATP + 8)
#define H_MB_K_SIE	(H_MB_K_SATP + 16)
#define H_MB_K_STVEC	(H_MB_K_SATP + 24)
#define H_MB_K_SSCRATCH	(H_MB_K_SATP + 32)
#define H_MB_K_T	(H_MB_K_SATP + 40)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct h_mailbox {
	uint32_t mode;            /* H_MODE_*, from the command line */
	uint32_t pad;
	uint64_t t_enter;         /* rdtime just before entering the purgatory */
	uint64_t hart;            /* a0 the purgatory was entered with */
	uint64_t stvec;           /* stvec as the purgatory was entered */
	uint64_t sbi_dtb;         /* QEMU's DTB, as OpenSBI passed it */
	uint64_t boot_harts;      /* bit N: hart N ran the stub */
	uint64_t pad2[4];
	uint64_t x[32];           /* kernel.S: x0..x31 as the kernel was entered */
	uint64_t k_satp, k_sstatus, k_sie, k_stvec, k_sscratch, k_t;
};
_Static_assert(offsetof(struct h_mailbox, x) == H_MB_X, "mailbox x");
_Static_assert(offsetof(struct h_mailbox, k_satp) == H_MB_K_SATP, "mailbox k_satp");
_Static_assert(offsetof(struct h_mailbox, k_t) == H_MB_K_T, "mailbox k_t");
#endif

#endif
