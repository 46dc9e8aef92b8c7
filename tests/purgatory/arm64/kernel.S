/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "new kernel", linked at H_KERNEL and hashed by the
 * purgatory as region 0. Before anything can disturb them, record the
 * registers and the system state it was entered with; kernel.c judges.
 */
#include "layout.h"

	.section .text.boot, "ax", %progbits
	.globl	_start
_start:
	ldr	x9, =H_MAILBOX
	stp	x0, x1, [x9, #H_MB_X]
	stp	x2, x3, [x9, #H_MB_X + 16]
	mrs	x10, cntpct_el0
	str	x10, [x9, #H_MB_K_T]
	mrs	x10, CurrentEL
	lsr	x10, x10, #2
	str	x10, [x9, #H_MB_K_EL]
	cmp	x10, #2
	b.eq	1f
	mrs	x10, sctlr_el1
	mrs	x11, mair_el1
	mrs	x12, tcr_el1
	mrs	x13, ttbr0_el1
	mov	x14, #0
	b	2f
1:	mrs	x10, sctlr_el2
	mrs	x11, mair_el2
	mrs	x12, tcr_el2
	mrs	x13, ttbr0_el2
	mrs	x14, hcr_el2
2:	str	x10, [x9, #H_MB_K_SCTLR]
	str	x11, [x9, #H_MB_K_MAIR]
	str	x12, [x9, #H_MB_K_TCR]
	str	x13, [x9, #H_MB_K_TTBR0]
	str	x14, [x9, #H_MB_K_HCR]
	ldr	x10, =H_KERNEL_STACK
	mov	sp, x10
	bl	kernel_main
	b	.
	.ltorg
