/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm64 purgatory entry (see main.c for the design). The old kernel's
 * cpu_soft_restart / arm64_relocate_new_kernel branches to offset 0 with
 * the MMU and D-cache off, at EL2 if it was booted there (else EL1), with
 * interrupts masked and an unknown stack. Everything here is PC-relative
 * (ADR/ADRP): the blob runs wherever it was loaded.
 */
#include "purgatory/purgatory_abi.h"
#include "purgatory/knobs.h"
#include "purgatory/arm64/sysreg.h"

#define STACK_SIZE	16384

	.section .text.entry, "ax", %progbits
	.globl	kx_purgatory_entry
	.type	kx_purgatory_entry, %function
kx_purgatory_entry:
	b	start
	.long	0
	/* Test/benchmark switches (knobs.h); 0 unless a harness patched it. */
	.org	kx_purgatory_entry + KX_KNOBS_OFFSET
	.globl	kx_arm64_knobs
kx_arm64_knobs:
	.long	0
	.long	0

	/* struct kx_purgatory_header */
	.org	kx_purgatory_entry + KX_PURGATORY_HEADER_OFFSET
	.quad	KX_PURGATORY_MAGIC
	.long	kx_params - kx_purgatory_entry	/* params_offset */
	.long	kx_end - kx_purgatory_entry	/* memsz */

start:
	msr	daifset, #0xf
	adrp	x9, stack_top
	add	x9, x9, :lo12:stack_top
	mov	sp, x9

	/*
	 * Zero the bss (stack, page tables), which the loader need not have
	 * done. The MMU is off, so these are Device accesses: aligned pairs
	 * only (the linker script aligns both ends to 16).
	 */
	adrp	x9, kx_bss_start
	add	x9, x9, :lo12:kx_bss_start
	adrp	x10, kx_end
	add	x10, x10, :lo12:kx_end
1:	cmp	x9, x10
	b.hs	2f
	stp	xzr, xzr, [x9], #16
	b	1b
2:
	/*
	 * x19 = CurrentEL, x20 = SCTLR_ELx and x21 = the FP/SIMD trap
	 * register as we found them, kept in callee-saved registers across
	 * the C code and put back before the jump, so the kernel starts with
	 * the state it would have had without us. Meanwhile: the I-cache on
	 * (we only ever execute our own code, and invalidate it before the
	 * jump), and FP/SIMD untrapped for the SHA-256 instructions.
	 */
	mrs	x19, CurrentEL
	and	x19, x19, #0xc
	cmp	x19, #CURRENTEL_EL2
	b.eq	.Lsetup_el2
	b.hi	.Lsetup_el3

	mrs	x20, sctlr_el1
	orr	x9, x20, #SCTLR_I
	msr	sctlr_el1, x9
	mrs	x21, cpacr_el1
	orr	x9, x21, #CPACR_FPEN
	msr	cpacr_el1, x9
	b	.Lsetup_done

.Lsetup_el2:
	mrs	x20, sctlr_el2
	orr	x9, x20, #SCTLR_I
	msr	sctlr_el2, x9
	mrs	x21, cptr_el2
	/* CPTR_EL2 has the CPACR layout when HCR_EL2.E2H is set. */
	mrs	x9, hcr_el2
	tbnz	x9, #HCR_E2H_BIT, 3f
	bic	x9, x21, #CPTR_TFP
	b	4f
3:	orr	x9, x21, #CPACR_FPEN
4:	msr	cptr_el2, x9
	b	.Lsetup_done

.Lsetup_el3:
	/* No kernel enters a purgatory at EL3; only enough for the C code
	 * (main.c never turns the MMU on here). */
	mrs	x20, sctlr_el3
	mrs	x21, cptr_el3
	bic	x9, x21, #CPTR_TFP
	msr	cptr_el3, x9

.Lsetup_done:
	isb
	ic	iallu
	dsb	nsh
	isb

	lsr	x0, x19, #2
	bl	kx_purgatory_main		/* returns only if the kernel may run */

	/*
	 * Back to the state we came in with, MMU and D-cache off whatever it
	 * was. kx_arm64_verify_cached() has already cleaned to PoC what we
	 * wrote with the D-cache on; the I-cache is invalidated so no line of
	 * ours is left for the kernel to hit.
	 */
	bic	x20, x20, #SCTLR_M
	bic	x20, x20, #SCTLR_C
	cmp	x19, #CURRENTEL_EL2
	b.eq	.Lrestore_el2
	b.hi	.Lrestore_el3
	msr	sctlr_el1, x20
	msr	cpacr_el1, x21
	b	.Lrestore_done
.Lrestore_el2:
	msr	sctlr_el2, x20
	msr	cptr_el2, x21
	b	.Lrestore_done
.Lrestore_el3:
	msr	cptr_el3, x21
.Lrestore_done:
	isb
	ic	iallu
	dsb	nsh
	isb

	/* x0 = DTB, x1..x3 as the loader asked (0 for Linux): booting.rst. */
	adrp	x9, kx_params
	add	x9, x9, :lo12:kx_params
	ldr	x4, [x9, #KX_PURGATORY_PARAMS_ENTRY]
	ldp	x0, x1, [x9, #KX_PURGATORY_PARAMS_REGS]
	ldp	x2, x3, [x9, #KX_PURGATORY_PARAMS_REGS + 16]
	br	x4
	.size	kx_purgatory_entry, . - kx_purgatory_entry

	.section .bss, "aw", %nobits
	.balign	16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", %progbits
