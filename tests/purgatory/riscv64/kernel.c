// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "new kernel": was it entered the way boot.rst wants and
 * the purgatory promises? a0 = the hart id the purgatory was entered with,
 * a1 = the DTB address exactly as passed (and an FDT there), a2 = the
 * entry (as riscv_kexec_relocate leaves it), every other register but sp
 * zero, satp = 0, interrupts off (sie = 0, sstatus.SIE = 0), stvec as the
 * old kernel left it, sscratch untouched. One line with the verdict and
 * the time since the old kernel's jump, then SBI shutdown.
 */
#include "baremetal.h"

void kernel_main(void);

static const char *const abi_name[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
	"a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void kernel_main(void)
{
	const struct h_mailbox *mb = (const struct h_mailbox *)(uintptr_t)H_MAILBOX;
	uint64_t ticks = mb->k_t - mb->t_enter;
	int failures = 0;

	for (int i = 1; i < 32; i++) {
		uint64_t want = 0;

		if (i == 2)
			continue;               /* sp: anything */
		if (i == 10)
			want = mb->hart;        /* a0 */
		else if (i == 11)
			want = H_DTB;           /* a1 */
		else if (i == 12)
			want = H_KERNEL;        /* a2 */
		check(mb->x[i] == want, abi_name[i], mb->x[i], want);
	}
	if (mb->mode & H_MODE_HART1)
		check(mb->x[10] == 1, "a0 (hart 1)", mb->x[10], 1);
	if (mb->x[11] == H_DTB) {
		const volatile uint8_t *fdt = (const volatile uint8_t *)(uintptr_t)H_DTB;

		check(be32(fdt) == 0xd00dfeed, "FDT magic", be32(fdt), 0xd00dfeed);
		check(be32(fdt + 4) == H_DTB_LEN, "FDT totalsize", be32(fdt + 4), H_DTB_LEN);
	}
	check(mb->k_satp == 0, "satp", mb->k_satp, 0);
	check(!(mb->k_sstatus & SR_SIE), "sstatus.SIE", mb->k_sstatus, 0);
	check(mb->k_sie == 0, "sie", mb->k_sie, 0);
	check(mb->k_stvec == mb->stvec, "stvec", mb->k_stvec, mb->stvec);
	check(mb->k_sscratch == H_SENTINEL_SSCRATCH, "sscratch", mb->k_sscratch,
	      H_SENTINEL_SSCRATCH);
	if (failures) {
		puts_("\n");
		power_off();
	}
	puts_("harness: kernel OK on hart ");
	putu_(mb->x[10], 10);
	puts_(", a1 ");
	putu_(mb->x[11], 16);
	puts_(" (FDT), a2 = entry, other registers 0, satp 0, interrupts off, stvec ");
	puts_(mb->mode & H_MODE_TRAP ? "(the purgatory's entry) " : "");
	puts_("as left; purgatory took ");
	putu_(ticks * 1000000 / H_TIMEBASE, 10);
	puts_(" us\n");
	power_off();
}
