/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF boot notes, kexec-tools' --args-elf (its include/boot/elf_boot.h and
 * kexec/kexec-elf-boot.c are the facts): a header {u32 b_signature
 * 0x0E1FB007, u32 b_size, u16 b_checksum, u16 b_records} and then ELF notes
 * {u32 n_namesz 0, u32 n_descsz, u32 n_type} each followed by its
 * descriptor padded to 4 bytes: the boot loader's name (EBN_BOOTLOADER_NAME
 * 2), its version (EBN_BOOTLOADER_VERSION 3), the command line with its
 * NUL (EBN_COMMAND_LINE 4). b_size is the whole; b_checksum the IP
 * checksum (RFC 1071, 16-bit little-endian words) of the whole with the
 * field 0. A 32-bit entry finds the notes' address at [ESP+4].
 */
#ifndef KX_X86_ELF_BOOT_NOTES_H
#define KX_X86_ELF_BOOT_NOTES_H

#include <stddef.h>
#include <stdint.h>

#define KX_ELF_BOOT_MAGIC 0x0E1FB007u

size_t kx_elf_boot_notes_size(const char *cmdline);
/* Write the notes into `buf` of kx_elf_boot_notes_size(cmdline) bytes. */
void kx_elf_boot_notes_build(const char *cmdline, uint8_t *buf, size_t size);
/* The IP checksum kexec-tools computes (exposed for the tests). */
uint16_t kx_ip_checksum(const uint8_t *buf, size_t size);

#endif
