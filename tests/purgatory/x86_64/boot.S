/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "old kernel". QEMU's multiboot loader (-kernel boot.bin,
 * the a.out kludge: the header gives the addresses) enters it in 32-bit
 * protected mode, paging off. We do what Linux has done by the time
 * relocate_kernel jumps to the image: long mode with an identity map (the
 * first 4 GiB in 2 MiB pages), interrupts off, CR4 = PAE only (OSFXSR
 * clear: SSE would fault), CR0.EM/TS clear; our own GDT with other
 * selectors than the boot protocol's (code 0x08, data 0x10), so the
 * purgatory must load its own. boot.c then enters the purgatory with
 * garbage in every register.
 */
#include "layout.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00010000	/* the a.out kludge: addresses below */

#define X86_CR0_PE	(1 << 0)
#define X86_CR0_PG	(1 << 31)
#define X86_CR4_PAE	(1 << 5)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define PTE_P_RW	0x3
#define PDE_2M		0x83	/* P | RW | PS */

	.section .text.boot, "ax", @progbits
	.code32
	.globl	_start
_start:
	jmp	entry32

	.balign	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header		/* header_addr */
	.long	_start			/* load_addr */
	.long	0			/* load_end_addr: the whole file */
	.long	0			/* bss_end_addr: no bss */
	.long	entry32			/* entry_addr */

entry32:
	cli
	cld
	movl	$H_BOOT_STACK, %esp

	/* PML4, PDPT and four PDs at H_PGT, zeroed, then filled. */
	movl	$H_PGT, %edi
	movl	$(6 * 4096 / 4), %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$(H_PGT + 0x1000 + PTE_P_RW), H_PGT
	movl	$(H_PGT + 0x1000), %edi
	movl	$(H_PGT + 0x2000 + PTE_P_RW), %eax
	movl	$4, %ecx
1:	movl	%eax, (%edi)
	addl	$0x1000, %eax
	addl	$8, %edi
	loop	1b
	movl	$(H_PGT + 0x2000), %edi
	movl	$PDE_2M, %eax
	movl	$2048, %ecx
2:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	2b

	movl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$H_PGT, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	andl	$~((1 << 2) | (1 << 3) | (1 << 1)), %eax	/* EM, TS, MP clear */
	orl	$(X86_CR0_PG | X86_CR0_PE), %eax
	movl	%eax, %cr0
	lgdt	gdt_desc
	ljmp	$0x08, $entry64

	.code64
entry64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$H_BOOT_STACK, %rsp
	call	boot_main
3:	hlt
	jmp	3b

/* void enter_purgatory(uint64_t addr): garbage in every GPR but RSP (the
 * kernel's relocate_kernel leaves them undefined), then jump. */
	.globl	enter_purgatory
enter_purgatory:
	movq	%rdi, %rax
	movq	$H_GARBAGE, %rbx
	movq	%rbx, %rcx
	movq	%rbx, %rdx
	movq	%rbx, %rsi
	movq	%rbx, %rdi
	movq	%rbx, %rbp
	movq	%rbx, %r8
	movq	%rbx, %r9
	movq	%rbx, %r10
	movq	%rbx, %r11
	movq	%rbx, %r12
	movq	%rbx, %r13
	movq	%rbx, %r14
	movq	%rbx, %r15
	jmp	*%rax

	.balign	16
gdt:
	.quad	0			/* null */
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .note.GNU-stack, "", @progbits
