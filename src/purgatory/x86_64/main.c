// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86_64 purgatory: the code between the old kernel and the new one.
 *
 * Why it exists: with kexec_load the old kernel copies our segments into
 * place and jumps to one address, with nobody left to check that what it
 * copied is what we planned (a stray DMA or a bug in the old kernel would
 * boot a corrupt kernel). So the loader points that jump here; we hash the
 * segments, compare with the digests the loader computed, and only then
 * jump to the kernel with the registers the 64-bit boot protocol wants
 * (Documentation/arch/x86/boot.rst): a GDT with flat __BOOT_CS (0x10,
 * 64-bit code) and __BOOT_DS (0x18), CS/DS/ES/SS on them, interrupts off,
 * RSI = boot_params.
 *
 * How it is built: a flat binary that runs wherever it is loaded. Entry is
 * at offset 0 (entry.S): a jump over the header at offset 16 (struct
 * kx_purgatory_header: magic, where the parameter block is, how much memory
 * with bss and stack the blob needs). Everything is reached RIP-relative,
 * there are no relocations (the build fails if the linker had to emit one),
 * so the loader copies the blob, writes struct kx_purgatory_params at
 * params_offset, and never touches code.
 *
 * What we get from the old kernel (arch/x86/kernel/relocate_kernel_64.S):
 * long mode, paging on with an identity map of RAM, interrupts off, CR0
 * with EM/TS clear, CR4 = PAE (+LA57, +MCE in TDX guests), an unknown
 * stack. entry.S sets up our own stack in the bss, zeroes the bss, turns on
 * CR4.OSFXSR/OSXMMEXCPT for the duration of the check so that the SHA-NI
 * block function may use SSE registers, calls kx_purgatory_main() below,
 * then restores CR0/CR4 and does the GDT and register dance before the jump.
 *
 * The digest: CRC32C by default, with the SSE4.2 crc32 instruction when
 * CPUID says the CPU has it (it works on general registers), else with
 * tables; or SHA-256, with SHA-NI when the CPU has it (that block function
 * uses SSE registers), else in C. params.digest_kind says which.
 *
 * On a digest mismatch we never return: report on the serial port if the
 * loader gave us one and on the VGA text buffer if it asked
 * (KX_PURGATORY_CONSOLE_VGA, vga.c), then halt forever. Asked to
 * (KX_PURGATORY_RESET_VGA), we first put the VGA card back in text mode,
 * whatever else we do.
 */
#include <stdint.h>

#include "purgatory/console.h"
#include "purgatory/knobs.h"
#include "purgatory/purgatory_abi.h"
#include "purgatory/verify.h"
#include "vga.h"
#include "port_io.h"

/*
 * The parameter block the loader fills. In its own section so the linker
 * script can put it in the file image (not the bss: the loader writes it
 * before we run). Not static: the compiler must not assume it stays zero.
 */
struct kx_purgatory_params kx_params __attribute__((section(".kx_params"), aligned(64)));

/* entry.S: the harness's switches (knobs.h). Hidden: reached RIP-relative,
 * never through a GOT. */
extern const volatile uint32_t kx_x86_knobs __attribute__((visibility("hidden")));

void kx_purgatory_main(uint64_t return_address);

/* 16550 UART registers (offsets from the base I/O port). */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_LSR_THRE 0x20
#define UART_BASE_BAUD 115200 /* 1.8432 MHz / 16: the speed of divisor 1 */

/*
 * Program 8N1 at params.serial_baud (115200 when 0, or when it is no
 * divisor of 115200, which the loader never writes) ourselves rather than
 * trust what the old kernel left: its driver may have been shut down or
 * left the line at another speed. Interrupts off (we cannot take them),
 * FIFOs on, DTR/RTS up.
 */
static void serial_init(uint16_t port)
{
	uint32_t baud = kx_params.serial_baud;
	uint32_t divisor = baud && baud <= UART_BASE_BAUD && UART_BASE_BAUD % baud == 0 ?
			   UART_BASE_BAUD / baud : 1;

	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, (uint8_t)(divisor & 0xff));
	outb(port + UART_DLM, (uint8_t)(divisor >> 8));
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, 0x07);
	outb(port + UART_MCR, 0x03);
}

static void serial_putc(uint64_t port, char c)
{
	/* Bounded: a missing or wedged UART must not keep us from halting
	 * (or booting) forever; a character takes ~87 us at 115200. */
	for (uint32_t i = 0; i < 1000000; i++)
		if (inb((uint16_t)(port + UART_LSR)) & UART_LSR_THRE)
			break;
	outb((uint16_t)(port + UART_THR), (uint8_t)c);
}

/* 0 when the loader asked for silence or gave no usable I/O port. */
static uint16_t console_port(void)
{
	uint64_t port = kx_params.serial_port;

	return port <= 0xffff - UART_LSR ? (uint16_t)port : 0;
}

static int console_vga(void)
{
	return (kx_params.flags & KX_PURGATORY_CONSOLE_VGA) != 0;
}

/* Whether anything will be said at all, and the serial side made ready. */
static int console_open(uint16_t port)
{
	if (port)
		serial_init(port);
	return port || console_vga();
}

/* Every console the loader asked for: the serial port (`port`, 0 none)
 * and the VGA text buffer. */
static void console_putc(uint64_t port, char c)
{
	if (port)
		serial_putc(port, c);
	if (console_vga())
		kx_vga_putc(c);
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static __attribute__((noreturn)) void refuse(int bad)
{
	uint16_t port = console_port();

	if (console_open(port))
		kx_console_refusal(console_putc, port, &kx_params, bad);
	halt_forever();
}

/* kexec jump: the return address into the old kernel, as 16 hex digits
 * where the loader asked (KX_PURGATORY_JUMP_BACK), after the check: the
 * command line's placeholder was part of what was checked. */
static void put_jump_back(uint64_t return_address)
{
	char *digits = (char *)(uintptr_t)kx_params.regs[2];

	if (!(kx_params.flags & KX_PURGATORY_JUMP_BACK) || !digits)
		return;
	for (int i = 15; i >= 0; i--, return_address >>= 4)
		digits[i] = "0123456789abcdef"[return_address & 0xf];
}

/* Returns only when the kernel may be started; entry.S does the jump. */
void kx_purgatory_main(uint64_t return_address)
{
	uint16_t port = console_port();
	uint32_t knobs = kx_x86_knobs;
	int portable = (knobs & KX_KNOB_PORTABLE) != 0;
	int bad;

	/* First, as kexec-tools' purgatory does: the card in text mode
	 * before anything is written to it, checks or not. */
	if (kx_params.flags & KX_PURGATORY_RESET_VGA)
		kx_vga_reset();
	if (!(kx_params.flags & KX_PURGATORY_VERIFY)) {
		put_jump_back(return_address);
		return;
	}
	if ((knobs & KX_KNOB_REPORT) && console_open(port)) {
		kx_console_puts(console_putc, port, "kexec-ng purgatory: ");
		kx_console_puts(console_putc, port, kx_purgatory_digest_impl(&kx_params, portable));
		kx_console_puts(console_putc, port, "\n");
	}
	bad = kx_purgatory_verify_with(&kx_params, portable);
	if (bad >= 0)
		refuse(bad);
	if (console_open(port))
		kx_console_verified(console_putc, port, &kx_params);
	put_jump_back(return_address);
}
