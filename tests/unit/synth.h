/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small synthetic bzImage: a valid 2.15 setup header in front of 64 KiB
 * of patterned "kernel". Used where a golden output must not change when
 * Debian publishes a new kernel. Honest about what it is: it never boots.
 */
#ifndef KX_TEST_SYNTH_H
#define KX_TEST_SYNTH_H

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "formats/x86_setup.h"

#define SYNTH_SETUP_SECTS 3
#define SYNTH_PM_SIZE 0x10000
#define SYNTH_SIZE ((SYNTH_SETUP_SECTS + 1) * 512 + SYNTH_PM_SIZE)

static inline uint8_t *kx_synth_bzimage(size_t *ret_size)
{
	uint8_t *p = calloc(1, SYNTH_SIZE);
	if (!p)
		return NULL;
	p[BZ_SETUP_SECTS] = SYNTH_SETUP_SECTS;
	kx_put_le16(p + BZ_BOOT_FLAG, 0xAA55);
	p[0x200] = 0xeb;                    /* jmp over the header ... */
	p[0x201] = 0x268 - 0x202;           /* ... which ends at 0x268 */
	kx_put_le32(p + BZ_HEADER_MAGIC, BZ_HDRS);
	kx_put_le16(p + BZ_VERSION, 0x020f);
	p[BZ_LOADFLAGS] = LOADED_HIGH;
	kx_put_le32(p + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	kx_put_le32(p + BZ_KERNEL_ALIGNMENT, 0x200000);
	p[BZ_RELOCATABLE] = 1;
	kx_put_le16(p + BZ_XLOADFLAGS, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_KEXEC);
	kx_put_le32(p + BZ_CMDLINE_SIZE, 2047);
	kx_put_le32(p + BZ_PAYLOAD_OFFSET, 0x100);
	kx_put_le32(p + BZ_PAYLOAD_LENGTH, 0x1000);
	kx_put_le64(p + BZ_PREF_ADDRESS, 0x1000000);
	kx_put_le32(p + BZ_INIT_SIZE, 0x400000);
	for (size_t i = 0; i < SYNTH_PM_SIZE; i++)
		p[(SYNTH_SETUP_SECTS + 1) * 512 + i] = (uint8_t)(i * 7 + (i >> 8));
	*ret_size = SYNTH_SIZE;
	return p;
}

#endif
