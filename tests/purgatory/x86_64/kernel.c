// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "new kernel": was it entered the way the 64-bit boot
 * protocol (Documentation/arch/x86/boot.rst) wants and the purgatory
 * promises? RSI = params.regs[0] (read back from the purgatory's own
 * parameter block) = the "boot_params" region, every other GPR but RSP
 * zero, CS = __BOOT_CS (0x10), DS/ES/SS = __BOOT_DS (0x18), interrupts
 * off, CR0 and CR4 as the old kernel left them (the purgatory turns SSE
 * on for the check and must turn it off again). One line with the
 * verdict and the TSC ticks since the old kernel's jump (under -icount
 * shift=0: guest instructions), then isa-debug-exit.
 */
#include "baremetal.h"

void kernel_main(void);

static const char *const reg_name[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const seg_name[6] = { "CS", "DS", "ES", "SS", "FS", "GS" };

void kernel_main(void)
{
	const struct h_mailbox *mb = (const struct h_mailbox *)(uintptr_t)H_MAILBOX;
	const volatile uint64_t *regs = purgatory_regs();
	int failures = 0;

	for (int i = 0; i < 16; i++) {
		uint64_t want = i == 4 ? regs[0] : 0;

		if (i == 7)
			continue;               /* rsp: the purgatory's stack */
		check(mb->regs[i] == want, reg_name[i], mb->regs[i], want);
	}
	check(mb->regs[4] == H_DTB, "rsi (boot_params)", mb->regs[4], H_DTB);
	check(mb->k_segs[0] == 0x10, seg_name[0], mb->k_segs[0], 0x10);
	for (int i = 1; i < 6; i++)
		check(mb->k_segs[i] == 0x18, seg_name[i], mb->k_segs[i], 0x18);
	check(!(mb->k_rflags & (1u << 9)), "RFLAGS.IF", mb->k_rflags, 0);
	check(mb->k_cr0 == mb->cr0, "CR0", mb->k_cr0, mb->cr0);
	check(mb->k_cr4 == mb->cr4, "CR4", mb->k_cr4, mb->cr4);
	if (failures) {
		puts_("\n");
		power_off();
	}
	puts_("harness: kernel OK, rsi ");
	putu_(mb->regs[4], 16);
	puts_(", other GPRs zero, CS 0x10, DS/ES/SS 0x18, CR0/CR4 restored; purgatory took ");
	putu_(mb->k_t - mb->t_enter, 10);
	puts_(" tsc ticks\n");
	power_off();
}
