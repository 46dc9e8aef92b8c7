/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What boot.c and kernel.c share, on both architectures: polled UART
 * output (the UART as the firmware or QEMU left it), system register
 * access, power-off, and kernel.c's check/report.
 *
 * arm64: PL011, system registers at the current EL, PSCI power-off. Runs
 * with the MMU off: every access is Device memory, so only aligned
 * accesses (built with -mstrict-align).
 * riscv64: NS16550A (as OpenSBI left it), CSR access, the SBI calls they
 * make (HSM hart start/stop, SRST shutdown). S-mode, satp = 0.
 * x86_64: the 16550 at I/O port 0x3f8 (as SeaBIOS left it), control
 * registers, the TSC, isa-debug-exit to power off. Long mode, built with
 * -mgeneral-regs-only (CR4.OSFXSR is clear, as the old kernel leaves it).
 */
#ifndef KX_PURG_HARNESS_BAREMETAL_H
#define KX_PURG_HARNESS_BAREMETAL_H

#include <stdint.h>

#include "layout.h"

#if defined(__aarch64__)

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

#elif defined(__riscv) && __riscv_xlen == 64

#define SR_SIE		(1UL << 1)

#define csr_read(r) ({ uint64_t v_; __asm__ volatile("csrr %0, " #r : "=r"(v_)); v_; })
#define csr_write(r, v) __asm__ volatile("csrw " #r ", %0" : : "r"((uint64_t)(v)))

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline void putc_(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)H_UART;

	while (!(uart[5] & 0x20))
		;
	uart[0] = (uint8_t)c;
}

#elif defined(__x86_64__)

static inline void outb_(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb_(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define read_cr(n) ({ uint64_t v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void putc_(char c)
{
	while (!(inb_((uint16_t)(H_UART + 5)) & 0x20))
		;
	outb_((uint16_t)H_UART, (uint8_t)c);
}

#else
#error "the purgatory harness runs on x86_64, arm64 or riscv64"
#endif

/* Both: output, then power-off per architecture. */
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

#if defined(__aarch64__)

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

#elif defined(__x86_64__)

/* isa-debug-exit: QEMU exits (status 2 * value + 1) once the UART has
 * sent the last character. */
static inline __attribute__((noreturn)) void power_off(void)
{
	for (int i = 0; i < 1000000 && !(inb_((uint16_t)(H_UART + 5)) & 0x40); i++)
		;
	outb_(H_EXIT_PORT, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

#else

/* SBI call: a7 = extension, a6 = function; returns the error in a0. */
static inline long sbi_call(uint64_t ext, uint64_t fid, uint64_t arg0, uint64_t arg1,
			    uint64_t arg2)
{
	register uint64_t a0 __asm__("a0") = arg0;
	register uint64_t a1 __asm__("a1") = arg1;
	register uint64_t a2 __asm__("a2") = arg2;
	register uint64_t a6 __asm__("a6") = fid;
	register uint64_t a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return (long)a0;
}

#define SBI_EXT_HSM	0x48534d
#define SBI_EXT_SRST	0x53525354

/* Wait for the UART to finish, then SRST shutdown (QEMU exits). */
static inline __attribute__((noreturn)) void power_off(void)
{
	volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)H_UART;

	for (int i = 0; i < 1000000 && !(uart[5] & 0x40); i++)
		;
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
	sbi_call(8, 0, 0, 0, 0); /* legacy shutdown, if SRST is missing */
	for (;;)
		__asm__ volatile("wfi");
}

#endif

/* kernel.c's checks: each failed one goes on a "harness: kernel FAIL:"
 * line. The count is the caller's local `failures`, not a static: nothing
 * zeroes these programs' bss. Not inline, as when kernel.c had it. */
static __attribute__((unused)) void report(int *failures, int ok, const char *what,
					   uint64_t got, uint64_t want)
{
	if (ok)
		return;
	if (!*failures)
		puts_("harness: kernel FAIL:");
	puts_(" ");
	puts_(what);
	puts_("=");
	putu_(got, 16);
	puts_(" (want ");
	putu_(want, 16);
	puts_(")");
	(*failures)++;
}

#define check(ok, what, got, want) report(&failures, (ok), (what), (got), (want))

/* The registers the purgatory was told to hand over: its own parameter
 * block's regs[] (struct kx_purgatory_params: entry at 0, regs at 8), found
 * through the params offset in the blob's header (at 24, little-endian). */
static __attribute__((unused)) const volatile uint64_t *purgatory_regs(void)
{
	const volatile uint8_t *purg = (const volatile uint8_t *)(uintptr_t)H_PURGATORY;
	uint32_t params_offset = (uint32_t)purg[24] | (uint32_t)purg[25] << 8 |
				 (uint32_t)purg[26] << 16 | (uint32_t)purg[27] << 24;

	return (const volatile uint64_t *)(uintptr_t)(H_PURGATORY + params_offset + 8);
}

#endif
