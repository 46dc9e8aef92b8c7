/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory layout of the x86_64 purgatory harness (see README.md), shared by
 * the host tool that makes the images (mkimage.c) and the two bare-metal
 * programs QEMU runs (boot: the old kernel's last steps; kernel: the new
 * "kernel"). QEMU pc (SeaBIOS): RAM from 0, the multiboot loader puts
 * boot.bin at 2 MiB, COM1 at I/O port 0x3f8, isa-debug-exit at 0xf4.
 */
#ifndef KX_PURG_X86_LAYOUT_H
#define KX_PURG_X86_LAYOUT_H

/* What mkimage.c (built once per architecture, this directory first on
 * its include path) makes: the blob kx_purgatory_blob() names, random
 * bytes as the "boot_params" (region 2, RSI = params.regs[0]), non-zero
 * regs[1..3] with --regs (the purgatory must zero every register but
 * RSI), the blob's knobs word (--knobs). */
#define H_ARCH		"x86_64"
#define H_REGS		1
#define H_KNOBS		1

#define H_UART		0x3f8ULL	/* COM1: params.serial_port is the I/O port */
#define H_EXIT_PORT	0xf4		/* -device isa-debug-exit,iobase=0xf4 */

#define H_BOOT_ADDR	0x200000ULL	/* boot.bin (multiboot, a.out kludge) */
#define H_BOOT_STACK	0x260000ULL	/* boot's stack top */
#define H_PGT		0x270000ULL	/* boot's identity map: PML4, PDPT, 4 PDs */
#define H_MAILBOX	0x280000ULL	/* struct h_mailbox, not in any region */
#define H_PURGATORY	0x300000ULL	/* the filled blob */
#define H_KERNEL	0x400000ULL	/* kernel.bin: region 0, params.entry */
#define H_KERNEL_STACK	0x600000ULL	/* kernel.c's stack top, not in any region */
#define H_INITRD	0x1000000ULL	/* region 1: random bytes, size chosen */
#define H_DTB		0x18000000ULL	/* region 2: "boot_params", RSI */
#define H_DTB_LEN	0x12345ULL
#define H_TINY		0x18200010ULL	/* region 3: 1 byte, unaligned start */
#define H_EMPTY		0xfff0000000000000ULL /* region 4: empty, never read */
#define H_NR_REGIONS	5
/* --entry32 (KX_PURGATORY_ENTRY32): kernel.S's 32-bit entry, at this
 * offset into kernel.bin, gets params.regs[1] = H_ARG32 at [ESP+4]. */
#define H_ENTRY32_OFFSET 0x800
#define H_ARG32		0x12345678
/* ... and EAX = params.regs[2], EBX = params.regs[3] (a multiboot kernel's
 * magic and information address; 0 for a Linux kernel's 32-bit entry) */
#define H_EAX32		0x2BADB002
#define H_EBX32		0x00abcdef

/* What boot leaves in the GPRs before the jump: the purgatory must zero
 * all of them but RSI. */
#define H_GARBAGE	0xdeadbeefdeadbeefULL

/* Offsets in struct h_mailbox, for kernel.S. */
#define H_MB_REGS	64	/* rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8..r15 */
#define H_MB_K_RFLAGS	(H_MB_REGS + 16 * 8)
#define H_MB_K_SEGS	(H_MB_K_RFLAGS + 8)	/* cs, ds, es, ss, fs, gs */
#define H_MB_K_CR0	(H_MB_K_SEGS + 6 * 8)
#define H_MB_K_CR4	(H_MB_K_CR0 + 8)
#define H_MB_K_T	(H_MB_K_CR4 + 8)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct h_mailbox {
	uint32_t mode;            /* (none yet; set on the command line) */
	uint32_t pad;
	uint64_t t_enter;         /* TSC just before entering the purgatory */
	uint64_t cr0, cr4;        /* as the purgatory was entered */
	uint64_t pad2[4];
	uint64_t regs[16];        /* kernel.S: the GPRs as the kernel was entered */
	uint64_t k_rflags;
	uint64_t k_segs[6];       /* cs, ds, es, ss, fs, gs */
	uint64_t k_cr0, k_cr4, k_t;
};
_Static_assert(offsetof(struct h_mailbox, regs) == H_MB_REGS, "mailbox regs");
_Static_assert(offsetof(struct h_mailbox, k_segs) == H_MB_K_SEGS, "mailbox k_segs");
_Static_assert(offsetof(struct h_mailbox, k_t) == H_MB_K_T, "mailbox k_t");
#endif

#endif
