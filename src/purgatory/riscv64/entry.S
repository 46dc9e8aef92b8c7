/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * riscv64 purgatory entry (see main.c for the design). The old kernel's
 * riscv_kexec_relocate (or, for a crash kernel, riscv_kexec_norelocate by
 * way of a trap to stvec) gets here in S-mode with satp = 0, interrupts
 * off, a0 = hart id, a1 = the DTB's physical address, a2 = our address
 * and an unknown stack. Everything here is PC-relative (auipc: lla, call,
 * j): the blob runs wherever it was loaded.
 */
#include "purgatory/purgatory_abi.h"

#define STACK_SIZE	16384
#define SR_SIE		0x2	/* sstatus.SIE */

	/* Offsets must be exact (the header, .org): no linker relaxation,
	 * no compressed encodings, whatever the command line says. */
	.option	norelax
	.option	norvc

	.section .text.entry, "ax", %progbits
	.globl	kx_purgatory_entry
	.type	kx_purgatory_entry, %function
kx_purgatory_entry:
	j	start			/* JAL x0: mkblob.py checks it */

	/* struct kx_purgatory_header */
	.org	kx_purgatory_entry + KX_PURGATORY_HEADER_OFFSET
	.8byte	KX_PURGATORY_MAGIC
	.4byte	kx_params - kx_purgatory_entry	/* params_offset */
	.4byte	kx_end - kx_purgatory_entry	/* memsz */

start:
	/* Interrupts were off already (the kernel cleared sie and sip);
	 * the global enable too, in case the entry came by a trap. */
	csrw	sie, zero
	csrci	sstatus, SR_SIE

	/*
	 * s0 = hart id, s1 = DTB, s2 = stvec as we found it: callee-saved
	 * across the C code, given back unchanged at the jump.
	 */
	mv	s0, a0
	mv	s1, a1
	csrr	s2, stvec
	lla	sp, stack_top

	/* Zero the bss (stack included: nothing is on it yet), which the
	 * loader need not have done. Both ends are 16-byte aligned. */
	lla	t0, kx_bss_start
	lla	t1, kx_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	sd	zero, 8(t0)
	addi	t0, t0, 16
	j	1b
2:
	/* Our own trap vector while we run: whatever stvec points at (the
	 * old kernel's relocation loop in its control page, or this very
	 * entry on the crash path) must not be re-entered by a fault of
	 * ours. kx_riscv_trap reports and parks. */
	lla	t0, trap_vector
	csrw	stvec, t0

	call	kx_purgatory_main	/* returns only if the kernel may run */

	/*
	 * The jump, as riscv_kexec_relocate makes it: a0 = hart id, a1 = DTB
	 * exactly as received, a2 = the entry, every other register but sp
	 * zero, stvec as we found it, satp still 0 (never touched).
	 */
	csrw	stvec, s2
	lla	t0, kx_params
	ld	a2, KX_PURGATORY_PARAMS_ENTRY(t0)
	mv	a0, s0
	mv	a1, s1
	li	ra, 0
	li	gp, 0
	li	tp, 0
	li	t0, 0
	li	t1, 0
	li	t2, 0
	li	t3, 0
	li	t4, 0
	li	t5, 0
	li	t6, 0
	li	s0, 0
	li	s1, 0
	li	s2, 0
	li	s3, 0
	li	s4, 0
	li	s5, 0
	li	s6, 0
	li	s7, 0
	li	s8, 0
	li	s9, 0
	li	s10, 0
	li	s11, 0
	li	a3, 0
	li	a4, 0
	li	a5, 0
	li	a6, 0
	li	a7, 0
	/* We wrote no code, and the old kernel fenced after its copy; one
	 * more costs nothing and keeps that from being our assumption. */
	fence.i
	jr	a2
	.size	kx_purgatory_entry, . - kx_purgatory_entry

/*
 * Any trap while we run (a region outside RAM, a UART address that
 * faults). Direct mode: 4-byte aligned. A fresh stack at the same top
 * (whatever was on it is abandoned), and a vector that only parks, so a
 * fault while reporting cannot loop back here.
 */
	.balign	4
	.type	trap_vector, %function
trap_vector:
	lla	t0, kx_riscv_park
	csrw	stvec, t0
	lla	sp, stack_top
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	kx_riscv_trap		/* never returns */
	.size	trap_vector, . - trap_vector

/* void kx_riscv_park(void): wait for interrupts forever, with every
 * interrupt disabled: never leaves. Also a trap vector (aligned). */
	.balign	4
	.globl	kx_riscv_park
	.hidden	kx_riscv_park
	.type	kx_riscv_park, %function
kx_riscv_park:
	csrw	sie, zero
	csrci	sstatus, SR_SIE
1:	wfi
	j	1b
	.size	kx_riscv_park, . - kx_riscv_park

	.section .bss, "aw", %nobits
	.balign	16
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", %progbits
