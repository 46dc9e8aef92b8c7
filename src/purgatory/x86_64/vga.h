/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The x86_64 purgatory's VGA text console and mode-3 reset (vga.c). Freestanding. */
#ifndef KX_PURGATORY_X86_VGA_H
#define KX_PURGATORY_X86_VGA_H

/* Program a standard VGA card for 80x25 colour text (mode 3). */
void kx_vga_reset(void);
/* One character on the text buffer at 0xb8000; the first clears the screen. */
void kx_vga_putc(char c);

#endif
