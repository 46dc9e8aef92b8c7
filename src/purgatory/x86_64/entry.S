/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Purgatory entry (see main.c for the design). The old kernel jumps to
 * offset 0 in 64-bit mode with an identity map and an unknown stack.
 * Everything below is RIP-relative: the blob runs wherever it was loaded
 * (below 4 GiB for the 32-bit entry, whose last instructions run in
 * compatibility and then protected mode).
 */
#include "purgatory/knobs.h"
#include "purgatory/purgatory_abi.h"

#define X86_CR0_MP		(1 << 1)
#define X86_CR0_EM		(1 << 2)
#define X86_CR0_TS		(1 << 3)
#define X86_CR4_OSFXSR		(1 << 9)
#define X86_CR4_OSXMMEXCPT	(1 << 10)
#define X86_CR0_PG		(1 << 31)
#define MSR_EFER		0xc0000080
#define EFER_LME		(1 << 8)

/* Documentation/arch/x86/boot.rst, 64-bit boot protocol. */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

#define STACK_SIZE		16384

	.section .text.entry, "ax", @progbits
	.code64
	.globl	kx_purgatory_entry
	.type	kx_purgatory_entry, @function
kx_purgatory_entry:
	jmp	start

	/* Test/benchmark switches (knobs.h); 0 unless a harness patched it. */
	.org	kx_purgatory_entry + KX_KNOBS_OFFSET, 0xcc
	.globl	kx_x86_knobs
	.hidden	kx_x86_knobs
kx_x86_knobs:
	.long	0

	/* struct kx_purgatory_header; int3 fill before it. */
	.org	kx_purgatory_entry + KX_PURGATORY_HEADER_OFFSET, 0xcc
	.quad	KX_PURGATORY_MAGIC
	.long	kx_params - kx_purgatory_entry	/* params_offset */
	.long	kx_end - kx_purgatory_entry	/* memsz */

start:
	cli
	cld
	/* The old kernel's stack has the return address of its call (kexec
	 * jump), or 0 (relocate_kernel_64.S): main.c hands it on when asked
	 * (KX_PURGATORY_JUMP_BACK). */
	movq	(%rsp), %r14
	leaq	stack_top(%rip), %rsp

	/* The bss (our stack is part of it: nothing is on it yet) need not
	 * have been zeroed by whoever loaded us. */
	leaq	kx_bss_start(%rip), %rdi
	leaq	kx_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	/* relocate_kernel left CR4 with OSFXSR clear, under which any SSE
	 * instruction raises #UD; the SHA-NI path needs them. Keep the old
	 * values in callee-saved registers and put them back before the jump,
	 * so the kernel starts with exactly the state it would have without
	 * us. */
	movq	%cr0, %r12
	movq	%cr4, %r13
	movq	%r12, %rax
	andq	$~(X86_CR0_EM | X86_CR0_TS), %rax
	orq	$X86_CR0_MP, %rax
	movq	%rax, %cr0
	movq	%r13, %rax
	orq	$(X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4

	movq	%r14, %rdi
	call	kx_purgatory_main	/* returns only if the kernel may run */

	movq	%r13, %cr4
	movq	%r12, %cr0

	testl	$KX_PURGATORY_ENTRY32, kx_params + KX_PURGATORY_PARAMS_FLAGS(%rip)
	jnz	enter32

	/* Our GDT: its base in the descriptor is our load address, only
	 * known now. */
	leaq	gdt(%rip), %rax
	movq	%rax, gdt_desc + 2(%rip)
	lgdt	gdt_desc(%rip)
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* CS can only be reloaded by a far transfer. */
	pushq	$BOOT_CS
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:
	/* Registers: RSI = boot_params, the rest zero (RSP stays on our
	 * stack, the kernel sets up its own). Jump through memory so no
	 * register has to hold the target. */
	movq	kx_params + KX_PURGATORY_PARAMS_REGS(%rip), %rsi
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmp	*kx_params + KX_PURGATORY_PARAMS_ENTRY(%rip)

	/*
	 * The 32-bit entry (KX_PURGATORY_ENTRY32): leave long mode the way
	 * the SDM says (vol. 3, 10.8.5.4): in compatibility mode, from an
	 * identity-mapped page, turn paging off (which clears EFER.LMA), then
	 * clear EFER.LME. The loader put us, our stack and the kernel below
	 * 4 GiB, so every address here fits 32 bits; the 32-bit code uses
	 * none, only registers and the stack.
	 */
enter32:
	leaq	gdt32(%rip), %rax
	movq	%rax, gdt32_desc + 2(%rip)
	lgdt	gdt32_desc(%rip)
	/* A compatibility-mode stack access goes through SS's descriptor:
	 * the flat data segment in all of them before we get there. */
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* What the 32-bit code's lretl and the kernel find on the stack,
	 * lowest address first: EIP = entry, CS = __BOOT_CS, then [ESP] = 0
	 * (no return address), [ESP+4] = regs[1]. Two quadwords, the
	 * higher pushed first. */
	movl	kx_params + KX_PURGATORY_PARAMS_REGS + 8(%rip), %eax
	shlq	$32, %rax
	pushq	%rax
	movl	kx_params + KX_PURGATORY_PARAMS_ENTRY(%rip), %eax
	movabsq	$(BOOT_CS << 32), %rdx
	orq	%rdx, %rax
	pushq	%rax
	movl	kx_params + KX_PURGATORY_PARAMS_REGS(%rip), %esi
	/* EAX = regs[2] (carried in EDI: the 32-bit code needs EAX), EBX =
	 * regs[3]: a Multiboot kernel's magic and information; 0 otherwise. */
	movl	kx_params + KX_PURGATORY_PARAMS_REGS + 16(%rip), %edi
	movl	kx_params + KX_PURGATORY_PARAMS_REGS + 24(%rip), %ebx
	/* Into compatibility mode: a far return to __BOOT_CS, which in
	 * gdt32 is a 32-bit code segment. */
	pushq	$BOOT_CS
	leaq	compat32(%rip), %rax
	pushq	%rax
	lretq

	.code32
compat32:
	movl	%cr0, %eax
	andl	$~X86_CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	/* PAE (and whatever else the old kernel had on) off: paging is. */
	xorl	%eax, %eax
	movl	%eax, %cr4
	/* Legacy protected mode now: the segment registers again, as their
	 * descriptors read in this mode. */
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* boot.rst: EBP, EDI and EBX zero; the rest too, ESI set above;
	 * EAX and EBX as regs[2] and regs[3] said (0 for a Linux kernel). */
	movl	%edi, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	lretl
	.code64
	.size	kx_purgatory_entry, . - kx_purgatory_entry

	.section .data, "aw", @progbits
	.balign	16
	/* Flat 4 GiB descriptors: 0x10 = 64-bit code (L=1), 0x18 = data. */
gdt:
	.quad	0			/* 0x00: null */
	.quad	0			/* 0x08: unused */
	.quad	0x00af9a000000ffff	/* 0x10: __BOOT_CS */
	.quad	0x00cf92000000ffff	/* 0x18: __BOOT_DS */
gdt_end:
	.balign	16
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	0			/* base, filled in at run time */

	/* The 32-bit entry's: 0x10 = 32-bit code (L=0, D=1), 0x18 = data,
	 * both flat 4 GiB (boot.rst, 32-bit boot protocol). */
	.balign	16
gdt32:
	.quad	0			/* 0x00: null */
	.quad	0			/* 0x08: unused */
	.quad	0x00cf9a000000ffff	/* 0x10: __BOOT_CS, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x18: __BOOT_DS */
gdt32_end:
	.balign	16
gdt32_desc:
	.word	gdt32_end - gdt32 - 1
	.quad	0			/* base, filled in at run time */

	.section .bss, "aw", @nobits
	.balign	16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
