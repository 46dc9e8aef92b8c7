// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "new kernel": was it entered the way booting.rst wants and
 * the purgatory promises? x0..x3 = params.regs[0..3] (read back from the
 * purgatory's own parameter block), MMU and D-cache off, the same EL, HCR_EL2
 * untouched, SCTLR/MAIR/TCR/TTBR0 as the old kernel left them. One line
 * with the verdict and the time since the old kernel's branch, then off.
 */
#include "baremetal.h"

void kernel_main(void);

void kernel_main(void)
{
	const struct h_mailbox *mb = (const struct h_mailbox *)(uintptr_t)H_MAILBOX;
	const volatile uint64_t *regs = purgatory_regs();
	uint64_t ticks = mb->k_t - mb->t_enter;
	uint64_t freq = read_sysreg(cntfrq_el0);
	static const char *const xname[4] = { "x0", "x1", "x2", "x3" };
	int failures = 0;

	for (int i = 0; i < 4; i++)
		check(mb->x[i] == regs[i], xname[i], mb->x[i], regs[i]);
	check(mb->x[0] == H_DTB, "x0 (DTB)", mb->x[0], H_DTB);
	check(!(mb->k_sctlr & SCTLR_M), "SCTLR.M", mb->k_sctlr, mb->sctlr);
	check(!(mb->k_sctlr & SCTLR_C), "SCTLR.C", mb->k_sctlr, mb->sctlr);
	check(mb->k_sctlr == mb->sctlr, "SCTLR", mb->k_sctlr, mb->sctlr);
	check(mb->k_el == mb->el, "EL", mb->k_el, mb->el);
	if (mb->el == 2)
		check(mb->k_hcr == mb->hcr, "HCR_EL2", mb->k_hcr, mb->hcr);
	check(mb->k_mair == mb->mair, "MAIR", mb->k_mair, mb->mair);
	check(mb->k_tcr == mb->tcr, "TCR", mb->k_tcr, mb->tcr);
	check(mb->k_ttbr0 == mb->ttbr0, "TTBR0", mb->k_ttbr0, mb->ttbr0);
	if (failures) {
		puts_("\n");
		power_off();
	}
	puts_("harness: kernel OK at EL");
	putu_(mb->k_el, 10);
	if (mb->k_el == 2)
		puts_(mb->k_hcr & HCR_E2H ? " (E2H=1)" : " (E2H=0)");
	puts_(", x0 ");
	putu_(mb->x[0], 16);
	puts_(", MMU and D-cache off, state restored; purgatory took ");
	putu_(ticks * 1000000 / freq, 10);
	puts_(" us\n");
	power_off();
}
