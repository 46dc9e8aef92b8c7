// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The riscv64 purgatory: the code between the old kernel and the new one.
 *
 * Why it exists: with kexec_load the old kernel copies our segments into
 * place and jumps to one address, with nobody left to check that what it
 * copied is what we planned (kexec-tools has no riscv purgatory at all). So
 * the loader points that jump here; we hash every segment, compare with
 * the digests the loader computed, and only then enter the kernel the way
 * Documentation/arch/riscv/boot.rst wants: a0 = hart id, a1 = the DTB's
 * physical address, satp = 0 (MMU off), in S-mode. params.regs is not used
 * on riscv64: a0 and a1 are the kernel's own values, passed through.
 *
 * How it is built: a flat binary that runs wherever it is loaded (entry.S
 * at offset 0: a JAL x0 over the header of purgatory_abi.h at offset 16),
 * everything PC-relative (auipc), no relocations (the link fails if one is
 * needed, mkblob.py checks again), the parameter block patched by the
 * loader, never the code.
 *
 * What we get from the old kernel (arch/riscv/kernel/machine_kexec.c,
 * kexec_relocate.S): machine_kexec_prepare() found the DTB segment by its
 * magic; riscv_kexec_relocate copies the segments with satp = 0, then
 * jumps to image->start (us) with a0 = hart id, a1 = DTB, a2 = our
 * address, sie = sip = 0, every other register zero, stvec pointing into
 * its control page, after a fence.i. For a crash kernel
 * riscv_kexec_norelocate sets stvec = our address and writes satp = 0: the
 * next fetch (still at a virtual address) traps, and the trap lands here,
 * with the same registers. The other harts were stopped by the old kernel;
 * only this one runs us.
 *
 * WHY NO MMU DANCE (unlike arm64). On RISC-V whether memory is cached is
 * a physical memory attribute (PMA) of the platform, not a property of the
 * page tables (Svpbmt can only override it inside a mapping): with
 * satp = 0 RAM is read through the caches at full speed. The harts' caches
 * are coherent for main memory, so what we read is what the old kernel
 * wrote and what the new one will read; there is nothing to clean or
 * invalidate before or after, and satp is never touched.
 *
 * THE DIGEST: CRC32C by default (core/crc32c.c), with its slicing-by-8
 * tables: RISC-V has no scalar CRC instruction (the carry-less multiply of
 * Zbc could fold, but few harts have it), about 5.6 instructions per byte;
 * SHA-256 (--digest=sha256) with the portable C block function, about 84.
 * On purpose no ISA extension: the scalar Zknh instructions
 * (sha256sig0/sig1/sum0/sum1) would only replace the rotate-and-xor parts
 * of the rounds, few CPUs have them (vendors ship the vector Zvknha
 * instead), and S-mode cannot ask the CPU (misa is an M-mode register): we
 * would have to parse our hart's riscv,isa or riscv,isa-extensions from the
 * DTB in the purgatory and trust it. Not worth the code.
 *
 * THE INSTRUCTION SET: rv64ima + Zicsr + Zifencei (meson.build), the
 * baseline the kernel itself is built for (arch/riscv/Makefile adds C and
 * F/D only when configured). No C: Debian targets rv64gc, but a kernel
 * built without CONFIG_RISCV_ISA_C can run on cores without compressed
 * instructions, and the blob must run under any kernel that can kexec; it
 * costs 1.2 KiB of code (5.2 KiB of text instead of 4.0) and, in QEMU, no
 * measurable time. No F/D/V: we never touch sstatus.FS/VS. No gp: nothing
 * sets it (the old kernel's value is in it while we run), -mno-relax keeps
 * the linker from turning addresses into gp-relative ones and
 * -msmall-data-limit=0 keeps data out of .sdata. entry.S zeroes gp with
 * the other registers before the jump.
 *
 * TRAPS. While we run stvec points at our own vector (entry.S), not at the
 * old kernel's relocation loop or, on the crash path, our own entry: a
 * fault (a region outside RAM, a bad UART address) is reported on the
 * UART and the hart parks; it never jumps. stvec is put back as we found
 * it before the jump.
 *
 * On a digest mismatch we never jump: report on the NS16550A at
 * params.serial_port if the loader gave one (MMIO, byte-wide registers,
 * reg-shift 0: THR at +0, LSR at +5; the baud rate is left as firmware and
 * the old kernel set it), then park in a WFI loop with interrupts off.
 */
#include <stdint.h>

/* Everything declared below is in this blob: reached PC-relative, never
 * through a GOT. */
#pragma GCC visibility push(hidden)
#include "purgatory/console.h"
#include "purgatory/purgatory_abi.h"
#include "purgatory/verify.h"

/*
 * The parameter block the loader fills. In its own section so the linker
 * script puts it in the file image (not the bss: the loader writes it
 * before we run). Not static: the compiler must not assume it stays zero.
 */
struct kx_purgatory_params kx_params __attribute__((section(".kx_params"), aligned(64)));

/* entry.S */
void kx_riscv_park(void) __attribute__((noreturn));
void kx_purgatory_main(void);
void kx_riscv_trap(uint64_t scause, uint64_t sepc, uint64_t stval) __attribute__((noreturn));
#pragma GCC visibility pop

/* NS16550A registers (byte offsets, reg-shift 0). */
#define UART_THR	0	/* transmit holding (DLAB = 0) */
#define UART_LSR	5	/* line status */
#define UART_LSR_THRE	0x20	/* THR empty: room for a byte */
#define UART_LSR_TEMT	0x40	/* transmitter empty: the last byte left */

static inline uint8_t mmio_read8(uint64_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

/* 0 when the loader asked for silence. The UART was set up by firmware
 * and the old kernel: we only poll and write. */
static uint64_t console_base(void)
{
	return kx_params.serial_port;
}

static void serial_putc(uint64_t base, char c)
{
	/* Bounded: a missing or wedged UART must not keep us from parking
	 * (or booting) forever; a byte takes ~87 us at 115200. */
	for (uint32_t i = 0; i < 1000000; i++)
		if (mmio_read8(base + UART_LSR) & UART_LSR_THRE)
			break;
	mmio_write8(base + UART_THR, (uint8_t)c);
}

/* Let the last byte leave before the kernel takes the UART over (or
 * before we park). */
static void serial_drain(uint64_t base)
{
	for (uint32_t i = 0; i < 1000000; i++)
		if (mmio_read8(base + UART_LSR) & UART_LSR_TEMT)
			break;
}

static __attribute__((noreturn)) void refuse(int bad)
{
	uint64_t base = console_base();

	if (base) {
		kx_console_refusal(serial_putc, base, &kx_params, bad);
		serial_drain(base);
	}
	kx_riscv_park();
}

/* From entry.S's trap vector, on a fresh stack; stvec now only parks. */
void kx_riscv_trap(uint64_t scause, uint64_t sepc, uint64_t stval)
{
	uint64_t base = console_base();

	if (base) {
		kx_console_puts(serial_putc, base, "kexec-ng purgatory: exception (scause ");
		kx_console_put_u64(serial_putc, base, scause, 16);
		kx_console_puts(serial_putc, base, ", sepc ");
		kx_console_put_u64(serial_putc, base, sepc, 16);
		kx_console_puts(serial_putc, base, ", stval ");
		kx_console_put_u64(serial_putc, base, stval, 16);
		kx_console_puts(serial_putc, base, "): refusing to boot\n");
		serial_drain(base);
	}
	kx_riscv_park();
}

/* Called by entry.S on our own stack; returns only when the kernel may be
 * started, and entry.S does the jump. */
void kx_purgatory_main(void)
{
	uint64_t base = console_base();
	int bad;

	if (!(kx_params.flags & KX_PURGATORY_VERIFY))
		return;
	bad = kx_purgatory_verify(&kx_params);
	if (bad >= 0)
		refuse(bad);
	if (base) {
		kx_console_verified(serial_putc, base, &kx_params);
		serial_drain(base);
	}
}
