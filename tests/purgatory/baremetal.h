/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What boot.c and kernel.c share: PL011 output (polled, the UART as QEMU
 * left it), system register access at the current EL, PSCI power-off.
 * Runs with the MMU off: every access is Device memory, so only aligned
 * accesses (built with -mstrict-align).
 */
#ifndef KX_PURG_HARNESS_BAREMETAL_H
#define KX_PURG_HARNESS_BAREMETAL_H

#include <stdint.h>

#include "layout.h"

#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)
#define HCR_TGE (1UL << 27)
#define HCR_E2H (1UL << 34)

#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))

static inline unsigned int current_el(void)
{
	return (unsigned int)(read_sysreg(CurrentEL) >> 2) & 3;
}

static inline void putc_(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)H_UART;

	while (uart[0x18 / 4] & (1u << 5))
		;
	uart[0] = (uint8_t)c;
}

static inline void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

static inline void putu_(uint64_t v, unsigned int radix)
{
	char buf[24];
	int n = 0;

	do {
		unsigned int d = (unsigned int)(v % radix);

		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= radix;
	} while (v);
	if (radix == 16)
		puts_("0x");
	while (n)
		putc_(buf[--n]);
}

/* PSCI SYSTEM_OFF: QEMU virt answers HVC without EL2, SMC with it. */
static inline __attribute__((noreturn)) void power_off(void)
{
	register uint64_t x0 __asm__("x0") = 0x84000008;

	if (current_el() == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

#endif
