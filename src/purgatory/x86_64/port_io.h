/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 I/O port access for the purgatory (the UART in main.c, the VGA card in vga.c). */
#ifndef KX_PURGATORY_X86_PORT_IO_H
#define KX_PURGATORY_X86_PORT_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
