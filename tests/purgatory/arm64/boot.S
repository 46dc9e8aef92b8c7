/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "old kernel": QEMU starts it at the highest EL it has
 * (EL1 on plain virt, EL2 with virtualization=on), MMU off. boot.c sets up
 * what the purgatory must restore, then enter_purgatory() does what
 * cpu_soft_restart does last: caches and MMU off, branch.
 */
#include "layout.h"

	.section .text.boot, "ax", %progbits
	.globl	_start
_start:
	msr	daifset, #0xf
	ldr	x0, =H_MAILBOX
	mov	sp, x0
	adr	x0, vectors
	mrs	x1, CurrentEL
	cmp	x1, #8
	b.eq	1f
	msr	vbar_el1, x0
	b	2f
1:	msr	vbar_el2, x0
2:	isb
	bl	boot_main
	b	.

/* void enter_purgatory(uint64_t addr): SCTLR.M/A/C/SA/I cleared as
 * cpu_soft_restart does, the argument registers left as the kernel does
 * (x0 = kimage->arch.dtb_mem, 0 for kexec_load) or garbage. */
	.globl	enter_purgatory
enter_purgatory:
	mov	x9, x0
	mov	x11, #0x100f		/* I | SA | C | A | M */
	mrs	x10, CurrentEL
	cmp	x10, #8
	b.eq	1f
	mrs	x10, sctlr_el1
	bic	x10, x10, x11
	isb
	msr	sctlr_el1, x10
	b	2f
1:	mrs	x10, sctlr_el2
	bic	x10, x10, x11
	isb
	msr	sctlr_el2, x10
2:	isb
	ic	iallu
	dsb	nsh
	isb
	mov	x0, #0
	ldr	x1, =0xdeadbeefdeadbeef
	mov	x2, x1
	mov	x3, x1
	br	x9

/* Anything taken here is a failure; with the MMU on it would not even get
 * here (the stub is not in the purgatory's map), but with it off it does. */
	.balign	2048
vectors:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.balign	128
	mov	x0, #\n
	b	exception
	.endr

exception:
	mrs	x10, CurrentEL
	cmp	x10, #8
	b.eq	1f
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	mrs	x10, sctlr_el1
	bic	x10, x10, #1
	msr	sctlr_el1, x10
	b	2f
1:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	mrs	x10, sctlr_el2
	bic	x10, x10, #1
	msr	sctlr_el2, x10
2:	isb
	ldr	x10, =H_MAILBOX - 0x8000
	mov	sp, x10
	bl	boot_exception
	b	.
	.ltorg
