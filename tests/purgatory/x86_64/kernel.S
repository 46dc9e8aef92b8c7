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

	/*
	 * The 32-bit entry (mkimage --entry32: KX_PURGATORY_ENTRY32), judged
	 * here in assembly (the C side is 64-bit): boot.rst's 32-bit protocol
	 * as the purgatory promises it. ESI = "boot_params", EAX = H_EAX32 and
	 * EBX = H_EBX32 (params.regs[2], [3]: a multiboot kernel's), ECX,
	 * EDX, EDI, EBP zero; [ESP] = 0, [ESP+4] = H_ARG32; CS 0x10, DS, ES,
	 * SS, FS, GS 0x18; protected mode with paging off, EFER.LME and LMA
	 * clear, interrupts off. One line, "harness: kernel32 OK" or
	 * "harness: kernel32 FAIL <check>", then isa-debug-exit.
	 */
	.org	_start + H_ENTRY32_OFFSET, 0xcc
	.code32
	.globl	_start32
_start32:
	cmpl	$H_EAX32, %eax		/* first: the codes below go in AH */
	jne	1f
	movb	$'b', %ah
	cmpl	$H_EBX32, %ebx
	jne	fail32
	movb	$'c', %ah
	testl	%ecx, %ecx
	jnz	fail32
	movb	$'d', %ah
	testl	%edx, %edx
	jnz	fail32
	movb	$'D', %ah
	testl	%edi, %edi
	jnz	fail32
	movb	$'p', %ah
	testl	%ebp, %ebp
	jnz	fail32
	movb	$'S', %ah
	cmpl	$H_DTB, %esi
	jne	fail32
	movb	$'r', %ah
	cmpl	$0, (%esp)
	jne	fail32
	movb	$'A', %ah
	cmpl	$H_ARG32, 4(%esp)
	jne	fail32
	movb	$'C', %ah
	movw	%cs, %bx
	cmpw	$0x10, %bx
	jne	fail32
	movb	$'s', %ah
	movw	%ds, %bx
	cmpw	$0x18, %bx
	jne	fail32
	movw	%es, %bx
	cmpw	$0x18, %bx
	jne	fail32
	movw	%ss, %bx
	cmpw	$0x18, %bx
	jne	fail32
	movw	%fs, %bx
	cmpw	$0x18, %bx
	jne	fail32
	movw	%gs, %bx
	cmpw	$0x18, %bx
	jne	fail32
	movb	$'P', %ah
	movl	%cr0, %ebx
	testl	$0x80000000, %ebx	/* CR0.PG */
	jnz	fail32
	testl	$1, %ebx		/* CR0.PE */
	jz	fail32
	movb	$'E', %ah
	movb	%ah, %bh		/* rdmsr takes EAX and EDX */
	movl	$0xc0000080, %ecx
	rdmsr
	testl	$0x500, %eax		/* EFER.LME, EFER.LMA */
	movb	%bh, %ah
	jnz	fail32
	movb	$'I', %ah
	pushfl
	popl	%ebx
	testl	$0x200, %ebx		/* EFLAGS.IF */
	jnz	fail32
	movl	$msg_ok32, %esi
	call	puts32
	jmp	exit32
1:	movb	$'a', %ah
fail32:
	movb	%ah, %bl
	movl	$msg_fail32, %esi
	call	puts32
	movb	%bl, %al
	call	putc32
	movb	$'\n', %al
	call	putc32
exit32:
	movw	$H_EXIT_PORT, %dx
	xorl	%eax, %eax
	outb	%al, %dx
2:	hlt
	jmp	2b

/* putc32: AL to COM1, once its transmitter is empty. */
putc32:
	movb	%al, %cl
	movw	$H_UART + 5, %dx
3:	inb	%dx, %al
	testb	$0x20, %al
	jz	3b
	movw	$H_UART, %dx
	movb	%cl, %al
	outb	%al, %dx
	ret

/* puts32: the NUL-terminated string at ESI. */
puts32:
	lodsb
	testb	%al, %al
	jz	4f
	call	putc32
	jmp	puts32
4:	ret

msg_ok32:
	.asciz	"harness: kernel32 OK, esi 0x18000000, [esp+4] 0x12345678, CS 0x10, DS/ES/SS 0x18, paging and long mode off\n"
msg_fail32:
	.asciz	"harness: kernel32 FAIL "
	.code64

	.section .note.GNU-stack, "", @progbits
