// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "old kernel", after boot.S: with H_MODE_HART1, make hart 1
 * the one that enters the purgatory (SBI HSM: start hart 1 here, stop this
 * one), as when kexec runs on a CPU other than the boot one; note the hart
 * id, the stvec the purgatory must give back and the time, and enter the
 * purgatory with a1 = the DTB segment (what machine_kexec_prepare found by
 * its magic).
 */
#include "baremetal.h"

void boot_main(uint64_t hart, uint64_t dtb);
void boot_exception(uint64_t scause, uint64_t sepc, uint64_t stval);
void enter_purgatory(uint64_t addr, uint64_t hart, uint64_t dtb, uint64_t by_trap)
	__attribute__((noreturn));

void boot_main(uint64_t hart, uint64_t dtb)
{
	struct h_mailbox *mb = (struct h_mailbox *)(uintptr_t)H_MAILBOX;
	uint64_t by_trap = mb->mode & H_MODE_TRAP;

	mb->boot_harts |= 1ULL << (hart & 63);
	mb->sbi_dtb = dtb;
	if ((mb->mode & H_MODE_HART1) && hart != 1) {
		long e;

		puts_("harness: boot on hart ");
		putu_(hart, 10);
		puts_(", handing over to hart 1\n");
		e = sbi_call(SBI_EXT_HSM, 0 /* HART_START */, 1, H_BOOT_ADDR, dtb);
		if (e == 0)
			sbi_call(SBI_EXT_HSM, 1 /* HART_STOP */, 0, 0, 0);
		puts_("harness: FAIL: SBI HSM could not move to hart 1, error ");
		putu_((uint64_t)e, 10);
		puts_("\n");
		power_off();
	}

	mb->hart = hart;
	mb->stvec = by_trap ? H_PURGATORY : csr_read(stvec);
	puts_("harness: boot on hart ");
	putu_(hart, 10);
	puts_(by_trap ? ", entering the purgatory through a trap to stvec\n" :
			", entering the purgatory by a jump\n");
	mb->t_enter = rdtime();
	enter_purgatory(H_PURGATORY, hart, H_DTB, by_trap);
}

void boot_exception(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	puts_("harness: EXCEPTION scause ");
	putu_(scause, 16);
	puts_(" sepc ");
	putu_(sepc, 16);
	puts_(" stval ");
	putu_(stval, 16);
	puts_("\n");
	power_off();
}
