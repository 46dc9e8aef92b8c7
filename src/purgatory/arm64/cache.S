/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The arm64 purgatory's MMU and cache switching (main.c has the design and
 * the reasoning about the order). In assembly because between the
 * invalidation of our image and turning the MMU on, and again between
 * turning it off and cleaning to PoC, nothing may touch memory: compiled C
 * would spill to the stack whenever it liked.
 */
#include "purgatory/arm64/sysreg.h"

/*
 * DC <op> on every D-cache line that holds a byte of [start, end).
 * Clobbers start, t1, t2, t3. The smallest line size (CTR_EL0.DminLine) is
 * the safe stride: a larger line is simply hit several times. Sixteen
 * lines a round while all sixteen hold a byte of the range (start + 16
 * lines < end), then one at a time: never a line outside it, whose dirty
 * data an invalidation would throw away.
 */
.macro	dcache_range op, start, end, t1, t2, t3
	mrs	\t1, ctr_el0
	ubfx	\t1, \t1, #CTR_DMINLINE_SHIFT, #4
	mov	\t2, #4
	lsl	\t1, \t2, \t1
	sub	\t2, \t1, #1
	bic	\start, \start, \t2
	lsl	\t3, \t1, #4
	subs	\t2, \end, \t3
	b.lo	.Ldc_loop\@
	cmp	\start, \t2
	b.hs	.Ldc_loop\@
.Ldc_sixteen\@:
	.rept	16
	dc	\op, \start
	add	\start, \start, \t1
	.endr
	cmp	\start, \t2
	b.lo	.Ldc_sixteen\@
.Ldc_loop\@:
	cmp	\start, \end
	b.hs	.Ldc_done\@
	dc	\op, \start
	add	\start, \start, \t1
	b	.Ldc_loop\@
.Ldc_done\@:
.endm

	.text

/*
 * void kx_arm64_dcache_inval(uint64_t start, uint64_t end)
 * Invalidate [start, end) to PoC. Called with the MMU off on memory we
 * only read: afterwards a cacheable read of it can only come from memory.
 */
	.globl	kx_arm64_dcache_inval
	.type	kx_arm64_dcache_inval, %function
kx_arm64_dcache_inval:
	dcache_range ivac, x0, x1, x2, x3, x4
	dsb	sy
	ret
	.size	kx_arm64_dcache_inval, . - kx_arm64_dcache_inval

/*
 * int kx_arm64_verify_cached(const struct kx_purgatory_params *params,
 *			      int (*verify)(const struct kx_purgatory_params *),
 *			      uint64_t ttbr0, uint64_t tcr, uint64_t mair)
 *
 * Called with the MMU off at EL1 or EL2. Returns verify(params), having run
 * it with the MMU, D-cache and I-cache on under the given identity map, and
 * comes back with the MMU and D-cache off, nothing of ours left in the
 * D-cache, MAIR/TCR/TTBR0 of this EL as they were and no TLB entry made
 * from our tables.
 */
	.globl	kx_arm64_verify_cached
	.type	kx_arm64_verify_cached, %function
kx_arm64_verify_cached:
	/* This frame goes to memory (MMU off) before the invalidation below,
	 * and is only read again after the clean: both ends see memory. */
	stp	x29, x30, [sp, #-80]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	mov	x19, x0
	mov	x20, x1

	/*
	 * Step 1: drop every line the caches may hold for our image: code,
	 * parameters, bss with the stack (this frame included) and the page
	 * tables we just wrote with the MMU off. A stale line there would
	 * otherwise shadow what is in memory once the D-cache is on.
	 */
	adrp	x25, kx_purgatory_entry
	add	x25, x25, :lo12:kx_purgatory_entry
	adrp	x26, kx_end
	add	x26, x26, :lo12:kx_end
	dmb	sy			/* our stores before the invalidation */
	mov	x5, x25
	dcache_range ivac, x5, x26, x6, x7, x8
	dsb	sy

	/* Step 2: our translation regime, TLB clean of anything older, then
	 * MMU + D-cache + I-cache on (no alignment checks, no WXN). */
	mrs	x9, CurrentEL
	cmp	x9, #CURRENTEL_EL2
	b.eq	1f
	mrs	x21, mair_el1
	mrs	x22, tcr_el1
	mrs	x23, ttbr0_el1
	mrs	x24, sctlr_el1
	msr	mair_el1, x4
	msr	tcr_el1, x3
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	b	2f
1:	mrs	x21, mair_el2
	mrs	x22, tcr_el2
	mrs	x23, ttbr0_el2
	mrs	x24, sctlr_el2
	msr	mair_el2, x4
	msr	tcr_el2, x3
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	isb
2:	orr	x10, x24, #SCTLR_M
	orr	x10, x10, #SCTLR_C
	orr	x10, x10, #SCTLR_I
	bic	x10, x10, #SCTLR_A
	bic	x10, x10, #SCTLR_WXN
	cmp	x9, #CURRENTEL_EL2
	b.eq	3f
	msr	sctlr_el1, x10
	b	4f
3:	msr	sctlr_el2, x10
4:	isb
	/* Nothing fetched before the switch may be used after it. */
	ic	iallu
	dsb	nsh
	isb

	/* Step 3: the check, with caches. */
	mov	x0, x19
	blr	x20
	mov	x19, x0

	/*
	 * Step 4: MMU and D-cache off first, so that no new line can be
	 * allocated (not even speculatively) once the clean has begun; then
	 * clean+invalidate our image to PoC: the stack lines the check
	 * dirtied reach memory and none stays behind to be evicted later over
	 * whatever the new kernel puts there. No loads or stores until the
	 * clean is complete.
	 */
	bic	x24, x24, #SCTLR_M
	bic	x24, x24, #SCTLR_C
	mrs	x9, CurrentEL
	cmp	x9, #CURRENTEL_EL2
	isb
	b.eq	5f
	msr	sctlr_el1, x24
	b	6f
5:	msr	sctlr_el2, x24
6:	isb
	mov	x5, x25
	dcache_range civac, x5, x26, x6, x7, x8
	dsb	sy

	/* Step 5: this EL's translation registers back as they were, and
	 * no TLB entry or I-cache line of ours left behind. */
	cmp	x9, #CURRENTEL_EL2
	b.eq	7f
	msr	mair_el1, x21
	msr	tcr_el1, x22
	msr	ttbr0_el1, x23
	isb
	tlbi	vmalle1
	b	8f
7:	msr	mair_el2, x21
	msr	tcr_el2, x22
	msr	ttbr0_el2, x23
	isb
	tlbi	alle2
8:	dsb	nsh
	ic	iallu
	dsb	nsh
	isb

	mov	x0, x19
	ldp	x25, x26, [sp, #64]
	ldp	x23, x24, [sp, #48]
	ldp	x21, x22, [sp, #32]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #80
	ret
	.size	kx_arm64_verify_cached, . - kx_arm64_verify_cached

	.section .note.GNU-stack, "", %progbits
