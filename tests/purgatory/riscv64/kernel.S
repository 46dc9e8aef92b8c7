/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "new kernel", linked at H_KERNEL and hashed by the
 * purgatory as region 0. Before anything can disturb them, record every
 * register and the CSRs it was entered with (sp is the only register it
 * may use: boot.rst promises nothing about it); kernel.c judges.
 */
#include "layout.h"

	.option	norelax
	.section .text.boot, "ax", %progbits
	.globl	_start
_start:
	li	sp, H_MAILBOX + H_MB_X
	sd	zero, 0(sp)		/* x0 */
	sd	x1, 8(sp)		/* ra */
	sd	x3, 24(sp)		/* gp */
	sd	x4, 32(sp)		/* tp */
	sd	x5, 40(sp)		/* t0 */
	sd	x6, 48(sp)		/* t1 */
	sd	x7, 56(sp)		/* t2 */
	sd	x8, 64(sp)		/* s0 */
	sd	x9, 72(sp)		/* s1 */
	sd	x10, 80(sp)		/* a0 */
	sd	x11, 88(sp)		/* a1 */
	sd	x12, 96(sp)		/* a2 */
	sd	x13, 104(sp)		/* a3 */
	sd	x14, 112(sp)		/* a4 */
	sd	x15, 120(sp)		/* a5 */
	sd	x16, 128(sp)		/* a6 */
	sd	x17, 136(sp)		/* a7 */
	sd	x18, 144(sp)		/* s2 */
	sd	x19, 152(sp)		/* s3 */
	sd	x20, 160(sp)		/* s4 */
	sd	x21, 168(sp)		/* s5 */
	sd	x22, 176(sp)		/* s6 */
	sd	x23, 184(sp)		/* s7 */
	sd	x24, 192(sp)		/* s8 */
	sd	x25, 200(sp)		/* s9 */
	sd	x26, 208(sp)		/* s10 */
	sd	x27, 216(sp)		/* s11 */
	sd	x28, 224(sp)		/* t3 */
	sd	x29, 232(sp)		/* t4 */
	sd	x30, 240(sp)		/* t5 */
	sd	x31, 248(sp)		/* t6 */
	rdtime	t0
	sd	t0, H_MB_K_T - H_MB_X(sp)
	csrr	t0, satp
	sd	t0, H_MB_K_SATP - H_MB_X(sp)
	csrr	t0, sstatus
	sd	t0, H_MB_K_SSTATUS - H_MB_X(sp)
	csrr	t0, sie
	sd	t0, H_MB_K_SIE - H_MB_X(sp)
	csrr	t0, stvec
	sd	t0, H_MB_K_STVEC - H_MB_X(sp)
	csrr	t0, sscratch
	sd	t0, H_MB_K_SSCRATCH - H_MB_X(sp)
	li	sp, H_KERNEL_STACK
	call	kernel_main
1:	wfi
	j	1b
