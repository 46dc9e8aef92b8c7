/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "new kernel", linked at H_KERNEL and hashed by the
 * purgatory as region 0. Before anything can disturb them, record every
 * register, the segment selectors, RFLAGS, CR0, CR4 and the TSC; kernel.c
 * judges. The stack is still the purgatory's (the boot protocol leaves
 * RSP to the kernel): only pushfq uses it, before we switch to our own.
 */
#include "layout.h"

#define MB(off)	(H_MAILBOX + (off))

	.section .text.boot, "ax", @progbits
	.code64
	.globl	_start
_start:
	movq	%rax, MB(H_MB_REGS + 0 * 8)
	movq	%rbx, MB(H_MB_REGS + 1 * 8)
	movq	%rcx, MB(H_MB_REGS + 2 * 8)
	movq	%rdx, MB(H_MB_REGS + 3 * 8)
	movq	%rsi, MB(H_MB_REGS + 4 * 8)
	movq	%rdi, MB(H_MB_REGS + 5 * 8)
	movq	%rbp, MB(H_MB_REGS + 6 * 8)
	movq	%rsp, MB(H_MB_REGS + 7 * 8)
	movq	%r8, MB(H_MB_REGS + 8 * 8)
	movq	%r9, MB(H_MB_REGS + 9 * 8)
	movq	%r10, MB(H_MB_REGS + 10 * 8)
	movq	%r11, MB(H_MB_REGS + 11 * 8)
	movq	%r12, MB(H_MB_REGS + 12 * 8)
	movq	%r13, MB(H_MB_REGS + 13 * 8)
	movq	%r14, MB(H_MB_REGS + 14 * 8)
	movq	%r15, MB(H_MB_REGS + 15 * 8)
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, MB(H_MB_K_T)
	pushfq
	popq	%rax
	movq	%rax, MB(H_MB_K_RFLAGS)
	xorl	%eax, %eax
	movw	%cs, %ax
	movq	%rax, MB(H_MB_K_SEGS + 0 * 8)
	movw	%ds, %ax
	movq	%rax, MB(H_MB_K_SEGS + 1 * 8)
	movw	%es, %ax
	movq	%rax, MB(H_MB_K_SEGS + 2 * 8)
	movw	%ss, %ax
	movq	%rax, MB(H_MB_K_SEGS + 3 * 8)
	movw	%fs, %ax
	movq	%rax, MB(H_MB_K_SEGS + 4 * 8)
	movw	%gs, %ax
	movq	%rax, MB(H_MB_K_SEGS + 5 * 8)
	movq	%cr0, %rax
	movq	%rax, MB(H_MB_K_CR0)
	movq	%cr4, %rax
	movq	%rax, MB(H_MB_K_CR4)
	movq	$H_KERNEL_STACK, %rsp
	call	kernel_main
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
