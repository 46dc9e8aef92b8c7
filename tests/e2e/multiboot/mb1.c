// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tiny Multiboot (v1) kernel for the e2e multiboot case (tests/e2e/cases.sh,
 * exec-mb1): kexec'd by the stage-1 guest, entered by the purgatory in 32-bit
 * protected mode, it prints on COM1 what the Multiboot Specification says a
 * boot loader hands over, one fact a line, then halts:
 *   E2E-MB1: magic=0x2badb002 flags=0x...
 *   E2E-MB1: mem_lower=N mem_upper=N            (KiB)
 *   E2E-MB1: mmap base=0x... len=0x... type=N   (each entry)
 *   E2E-MB1: cmdline=...
 *   E2E-MB1: loader=...
 *   E2E-MB1: module start=0x... end=0x... cmdline=... data=...  (each module;
 *            data: its first bytes up to a newline, at most 40)
 *   E2E-MB1: end
 * Its header asks for page-aligned modules and the memory information
 * (flags 0x3). Built on the host with gcc -m32 -ffreestanding -nostdlib,
 * linked at 1 MiB (no libc, no multilib needed).
 */
#include <stdint.h>

#define COM1 0x3f8

__asm__(
	"	.text\n"
	"	.balign	4\n"
	"mb_header:\n"
	"	.long	0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)\n"
	"	.globl	_start\n"
	"_start:\n"
	"	cli\n"
	"	movl	$stack_top, %esp\n"
	"	pushl	%ebx\n"
	"	pushl	%eax\n"
	"	call	mb_main\n"
	"1:	hlt\n"
	"	jmp	1b\n");

static uint8_t stack[8192] __attribute__((aligned(16), used));
__asm__("	.set	stack_top, stack + 8192\n");

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc(char c)
{
	for (int i = 0; i < 1000000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void puthex(uint64_t v)
{
	char buf[19];
	int i = 18;
	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	puts(buf + i);
}

static void putdec(uint32_t v)
{
	char buf[11];
	int i = 10;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(buf + i);
}

static uint32_t rd32(uint32_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
static uint64_t rd64(uint32_t addr) { return rd32(addr) | (uint64_t)rd32(addr + 4) << 32; }
static void head(void) { puts("\r\nE2E-MB1: "); }

void mb_main(uint32_t magic, uint32_t mbi);
void mb_main(uint32_t magic, uint32_t mbi)
{
	head(); puts("magic="); puthex(magic); puts(" flags="); puthex(mbi ? rd32(mbi) : 0);
	if (magic != 0x2BADB002 || !mbi)
		goto out;
	uint32_t flags = rd32(mbi);
	if (flags & 1) {
		head(); puts("mem_lower="); putdec(rd32(mbi + 4)); puts(" mem_upper="); putdec(rd32(mbi + 8));
	}
	if (flags & (1 << 6)) {
		uint32_t p = rd32(mbi + 48), end = p + rd32(mbi + 44);
		for (; p < end; p += rd32(p) + 4) {
			head(); puts("mmap base="); puthex(rd64(p + 4)); puts(" len="); puthex(rd64(p + 12));
			puts(" type="); putdec(rd32(p + 20));
		}
	}
	if (flags & (1 << 2)) {
		head(); puts("cmdline="); puts((const char *)(uintptr_t)rd32(mbi + 16));
	}
	if (flags & (1 << 9)) {
		head(); puts("loader="); puts((const char *)(uintptr_t)rd32(mbi + 64));
	}
	if (flags & (1 << 3)) {
		uint32_t m = rd32(mbi + 24);
		for (uint32_t i = 0; i < rd32(mbi + 20); i++, m += 16) {
			uint32_t start = rd32(m), stop = rd32(m + 4);
			head(); puts("module start="); puthex(start); puts(" end="); puthex(stop);
			puts(" cmdline="); puts((const char *)(uintptr_t)rd32(m + 8)); puts(" data=");
			for (uint32_t a = start; a < stop && a < start + 40; a++) {
				char c = *(volatile char *)(uintptr_t)a;
				if (c == '\n' || c == '\r' || !c)
					break;
				putc(c);
			}
		}
	}
out:
	head(); puts("end\r\n");
}
