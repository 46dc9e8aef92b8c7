// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "old kernel", after boot.S: optionally turn EL2 into a VHE
 * host (HCR_EL2.E2H|TGE, as a kernel booted at EL2 on a VHE CPU leaves it),
 * leave sentinels in MAIR/TCR/TTBR0 of this EL for the kernel to find
 * again, note the time, and enter the purgatory.
 */
#include "baremetal.h"

void boot_main(void);
void boot_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far);
void enter_purgatory(uint64_t addr) __attribute__((noreturn));

void boot_main(void)
{
	struct h_mailbox *mb = (struct h_mailbox *)(uintptr_t)H_MAILBOX;
	unsigned int el = current_el();

	mb->el = el;
	if (el == 2) {
		uint64_t hcr = read_sysreg(hcr_el2);

		if (mb->mode & H_MODE_E2H)
			hcr |= HCR_E2H | HCR_TGE;
		write_sysreg(hcr_el2, hcr);
		__asm__ volatile("isb");
		mb->hcr = read_sysreg(hcr_el2);
		write_sysreg(mair_el2, H_SENTINEL_MAIR);
		write_sysreg(tcr_el2, read_sysreg(tcr_el2) ^ 0x1f);
		write_sysreg(ttbr0_el2, H_SENTINEL_TTBR0);
		__asm__ volatile("isb");
		mb->mair = read_sysreg(mair_el2);
		mb->tcr = read_sysreg(tcr_el2);
		mb->ttbr0 = read_sysreg(ttbr0_el2);
		mb->sctlr = read_sysreg(sctlr_el2);
	} else {
		write_sysreg(mair_el1, H_SENTINEL_MAIR);
		write_sysreg(tcr_el1, read_sysreg(tcr_el1) ^ 0x1f);
		write_sysreg(ttbr0_el1, H_SENTINEL_TTBR0);
		__asm__ volatile("isb");
		mb->mair = read_sysreg(mair_el1);
		mb->tcr = read_sysreg(tcr_el1);
		mb->ttbr0 = read_sysreg(ttbr0_el1);
		mb->sctlr = read_sysreg(sctlr_el1);
	}
	/* What the purgatory must give the kernel back: SCTLR as
	 * enter_purgatory() leaves it. */
	mb->sctlr &= ~(uint64_t)0x100f;

	puts_("harness: boot at EL");
	putu_(el, 10);
	if (el == 2)
		puts_(mb->hcr & HCR_E2H ? " (E2H=1)" : " (E2H=0)");
	puts_(", entering the purgatory\n");
	mb->t_enter = read_sysreg(cntpct_el0);
	enter_purgatory(H_PURGATORY);
}

void boot_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
{
	puts_("harness: EXCEPTION vector ");
	putu_(vector, 10);
	puts_(" esr ");
	putu_(esr, 16);
	puts_(" elr ");
	putu_(elr, 16);
	puts_(" far ");
	putu_(far, 16);
	puts_("\n");
	power_off();
}
