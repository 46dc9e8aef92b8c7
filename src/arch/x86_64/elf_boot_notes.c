// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF boot notes for --args-elf (see elf_boot_notes.h). The boot loader's
 * name is kexec-tools' ("kexec"), which a program that checks it knows; the
 * version note says which kexec it was.
 */
#include "elf_boot_notes.h"

#include <string.h>

#include "../../core/bytes.h"

#define BHDR_SIZE 12
#define NHDR_SIZE 12
#define EBN_BOOTLOADER_NAME 2
#define EBN_BOOTLOADER_VERSION 3
#define EBN_COMMAND_LINE 4

static const char bootloader_name[] = "kexec";
static const char bootloader_version[] = "kexec-ng";

#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

size_t kx_elf_boot_notes_size(const char *cmdline)
{
	return BHDR_SIZE + NHDR_SIZE + ALIGN4(sizeof(bootloader_name)) + NHDR_SIZE +
	       ALIGN4(sizeof(bootloader_version)) + NHDR_SIZE + ALIGN4(strlen(cmdline) + 1);
}

uint16_t kx_ip_checksum(const uint8_t *buf, size_t size)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < size; i += 2) {
		sum += buf[i] | (i + 1 < size ? (uint32_t)buf[i + 1] << 8 : 0);
		if (sum > 0xffff)
			sum -= 0xffff;
	}
	return (uint16_t)~sum;
}

static uint8_t *put_note(uint8_t *p, uint32_t type, const void *desc, size_t len)
{
	kx_put_le32(p, 0);
	kx_put_le32(p + 4, (uint32_t)len);
	kx_put_le32(p + 8, type);
	memcpy(p + NHDR_SIZE, desc, len);
	return p + NHDR_SIZE + ALIGN4(len);
}

void kx_elf_boot_notes_build(const char *cmdline, uint8_t *buf, size_t size)
{
	memset(buf, 0, size);
	kx_put_le32(buf, KX_ELF_BOOT_MAGIC);
	kx_put_le32(buf + 4, (uint32_t)size);
	kx_put_le16(buf + 10, 3);      /* b_records */
	uint8_t *p = buf + BHDR_SIZE;
	p = put_note(p, EBN_BOOTLOADER_NAME, bootloader_name, sizeof(bootloader_name));
	p = put_note(p, EBN_BOOTLOADER_VERSION, bootloader_version, sizeof(bootloader_version));
	put_note(p, EBN_COMMAND_LINE, cmdline, strlen(cmdline) + 1);
	kx_put_le16(buf + 8, kx_ip_checksum(buf, size));
}
