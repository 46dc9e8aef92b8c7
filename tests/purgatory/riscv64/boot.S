/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harness's "old kernel": OpenSBI starts it at 0x80200000 in S-mode,
 * satp = 0, a0 = hart id, a1 = QEMU's DTB (also on a hart started by
 * SBI HSM, with a1 = the opaque argument). boot.c decides, then
 * enter_purgatory() does what riscv_kexec_relocate does last (or, with
 * H_MODE_TRAP, what riscv_kexec_norelocate does: stvec = the image, and a
 * trap takes the hart there).
 */
#include "layout.h"

	.option	norelax
	.section .text.boot, "ax", %progbits
	.globl	_start
_start:
	csrw	sie, zero
	csrci	sstatus, 0x2
	/* hart N's stack: MAILBOX - N * 64 KiB */
	li	t0, H_MAILBOX
	slli	t1, a0, 16
	sub	sp, t0, t1
	lla	t0, stub_vector
	csrw	stvec, t0
	call	boot_main
1:	wfi
	j	1b

/*
 * void enter_purgatory(uint64_t addr, uint64_t hart, uint64_t dtb, uint64_t by_trap)
 * Interrupts off (sie = sip = 0, sstatus.SIE = 0), sepc = scause = 0 and a
 * sentinel in sscratch; a0 = hart id, a1 = DTB, a2 = addr as the kernel
 * leaves them; garbage in every other register (the kernel zeroes them:
 * the purgatory must not count on it, and must clear them itself).
 */
	.globl	enter_purgatory
enter_purgatory:
	csrw	sie, zero
	csrw	sip, zero
	csrci	sstatus, 0x2
	li	t0, H_SENTINEL_SSCRATCH
	csrw	sscratch, t0
	csrw	sepc, zero
	csrw	scause, zero
	mv	t0, a0
	mv	t1, a3
	mv	a0, a1
	mv	a1, a2
	mv	a2, t0
	li	t2, H_GARBAGE
	mv	ra, t2
	mv	gp, t2
	mv	tp, t2
	mv	a3, t2
	mv	a4, t2
	mv	a5, t2
	mv	a6, t2
	mv	a7, t2
	mv	s0, t2
	mv	s1, t2
	mv	s2, t2
	mv	s3, t2
	mv	s4, t2
	mv	s5, t2
	mv	s6, t2
	mv	s7, t2
	mv	s8, t2
	mv	s9, t2
	mv	s10, t2
	mv	s11, t2
	mv	t3, t2
	mv	t4, t2
	mv	t5, t2
	mv	t6, t2
	fence.i
	bnez	t1, 1f
	mv	t1, t2
	jr	t0
	/* riscv_kexec_norelocate: stvec = the image, then a trap (there the
	 * fetch fault that the satp write causes; here a breakpoint, which
	 * OpenSBI delegates to S-mode). */
1:	csrw	stvec, t0
	mv	t1, t2
	ebreak
	j	.

/* The "old kernel's" trap vector, left in stvec when the purgatory is
 * entered by a jump (the kernel leaves its control page's there): a trap
 * landing here is a failure, reported by boot_exception(). */
	.balign	4
stub_vector:
	li	sp, H_MAILBOX - 0x30000
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	boot_exception
	j	.
