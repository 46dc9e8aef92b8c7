// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86_64 purgatory's VGA console (kexec-tools' --console-vga and
 * --reset-vga): text written to the 80x25 colour text buffer at 0xb8000,
 * and a reset of a standard VGA card to text mode 3 for when the old
 * kernel left it in a graphics mode.
 *
 * The buffer is reached through the old kernel's identity map, which
 * covers the first MiB on x86 (the kernel maps the ISA range like RAM).
 * Each cell is a character byte and an attribute byte; 0x07 is light grey
 * on black, what a BIOS clears the screen to.
 *
 * Mode 3's register values are the IBM VGA's documented ones for 80x25
 * text, 720x400 at 70 Hz, 9-dot characters (the 28.322 MHz clock). The
 * font in plane 2 is left alone: the BIOS loaded it, and a graphics mode
 * that overwrote it cannot be undone without carrying a font here.
 */
#include <stdint.h>

#include "vga.h"
#include "port_io.h"

#define VGA_TEXT_BUFFER	((volatile uint16_t *)0xb8000)
#define VGA_COLUMNS	80
#define VGA_ROWS	25
#define VGA_BLANK	0x0720   /* a space, light grey on black */
#define VGA_ATTRIBUTE	0x07

/* I/O ports of a colour VGA (misc output bit 0 set: CRTC at 0x3d4) */
#define VGA_ATTR_INDEX	0x3c0    /* index and data alternate, reset by reading 0x3da */
#define VGA_MISC_WRITE	0x3c2
#define VGA_SEQ_INDEX	0x3c4
#define VGA_GFX_INDEX	0x3ce
#define VGA_CRTC_INDEX	0x3d4
#define VGA_INPUT_STATUS 0x3da   /* reading it resets the attribute flip-flop */

#define VGA_MISC_MODE3	0x67     /* colour I/O, RAM on, 28 MHz clock, +hsync -vsync (400 lines) */
#define VGA_SEQ_RESET	0x00
#define VGA_CRTC_VSYNC_END 0x11  /* bit 7 write-protects CRTC registers 0-7 */
#define VGA_ATTR_PAS	0x20     /* palette address source: the display reads the palette again */

static const uint8_t seq_mode3[] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t crtc_mode3[] = {
	0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
	0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t gfx_mode3[] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t attr_mode3[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
	0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};

static void write_indexed(uint16_t port, uint8_t index, uint8_t value)
{
	outb(port, index);
	outb((uint16_t)(port + 1), value);
}

void kx_vga_reset(void)
{
	unsigned int i;

	outb(VGA_MISC_WRITE, VGA_MISC_MODE3);
	/* The sequencer held in synchronous reset while the clocking changes. */
	write_indexed(VGA_SEQ_INDEX, VGA_SEQ_RESET, 0x01);
	for (i = 1; i < sizeof(seq_mode3); i++)
		write_indexed(VGA_SEQ_INDEX, (uint8_t)i, seq_mode3[i]);
	write_indexed(VGA_SEQ_INDEX, VGA_SEQ_RESET, seq_mode3[0]);
	/* Unprotect CRTC 0-7 first (the last value written locks them again). */
	write_indexed(VGA_CRTC_INDEX, VGA_CRTC_VSYNC_END, crtc_mode3[VGA_CRTC_VSYNC_END] & 0x7f);
	for (i = 0; i < sizeof(crtc_mode3); i++)
		write_indexed(VGA_CRTC_INDEX, (uint8_t)i, crtc_mode3[i]);
	for (i = 0; i < sizeof(gfx_mode3); i++)
		write_indexed(VGA_GFX_INDEX, (uint8_t)i, gfx_mode3[i]);
	for (i = 0; i < sizeof(attr_mode3); i++) {
		(void)inb(VGA_INPUT_STATUS);
		outb(VGA_ATTR_INDEX, (uint8_t)i);
		outb(VGA_ATTR_INDEX, attr_mode3[i]);
	}
	(void)inb(VGA_INPUT_STATUS);
	outb(VGA_ATTR_INDEX, VGA_ATTR_PAS);
}

/* The cursor: in the bss, which entry.S zeroes. */
static unsigned int vga_row, vga_column;
static int vga_started;

static void clear_row(unsigned int row)
{
	for (unsigned int c = 0; c < VGA_COLUMNS; c++)
		VGA_TEXT_BUFFER[row * VGA_COLUMNS + c] = VGA_BLANK;
}

/* The next row; at the bottom, everything moves up one. */
static void new_line(void)
{
	vga_column = 0;
	if (vga_row + 1 < VGA_ROWS) {
		vga_row++;
		return;
	}
	for (unsigned int i = 0; i < (VGA_ROWS - 1) * VGA_COLUMNS; i++)
		VGA_TEXT_BUFFER[i] = VGA_TEXT_BUFFER[i + VGA_COLUMNS];
	clear_row(VGA_ROWS - 1);
}

void kx_vga_putc(char c)
{
	/* The first message gets a clear screen: the old kernel's last
	 * lines would run into ours, and ours is the one that matters. */
	if (!vga_started) {
		for (unsigned int r = 0; r < VGA_ROWS; r++)
			clear_row(r);
		vga_started = 1;
	}
	if (c == '\r')
		return;
	if (c == '\n') {
		new_line();
		return;
	}
	VGA_TEXT_BUFFER[vga_row * VGA_COLUMNS + vga_column] = (uint16_t)(VGA_ATTRIBUTE << 8 | (uint8_t)c);
	if (++vga_column == VGA_COLUMNS)
		new_line();
}
