// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's "old kernel", after boot.S: note what the purgatory must
 * give the kernel back (CR0, CR4) and the time, then enter the purgatory.
 */
#include "baremetal.h"

void boot_main(void);
void enter_purgatory(uint64_t addr) __attribute__((noreturn));

void boot_main(void)
{
	struct h_mailbox *mb = (struct h_mailbox *)(uintptr_t)H_MAILBOX;

	mb->cr0 = read_cr(0);
	mb->cr4 = read_cr(4);
	puts_("harness: boot in long mode, CR4 ");
	putu_(mb->cr4, 16);
	puts_(", entering the purgatory\n");
	mb->t_enter = rdtsc();
	enter_purgatory(H_PURGATORY);
}
