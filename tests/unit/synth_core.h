/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A synthetic ELF vmcore for unit tests: the ELF header, a PT_NOTE at 0x200
 * holding one VMCOREINFO note with `info`, and one PT_LOAD of `mem_size`
 * bytes of physical memory at `paddr` (p_vaddr 0, as /proc/vmcore may give),
 * whose bytes start at file offset `mem_off` (zeros, for the test to fill).
 * Returns the calloc'ed core (its size in *ret_size), or NULL.
 */
#ifndef KX_TEST_SYNTH_CORE_H
#define KX_TEST_SYNTH_CORE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"

static inline uint8_t *synth_core(uint16_t machine, const char *info, uint64_t paddr, size_t mem_off,
				  size_t mem_size, size_t *ret_size)
{
	size_t info_len = strlen(info), note_size = 24 + kx_align_up(info_len, 4);
	if (mem_off < 0x200 + note_size)
		return NULL;
	uint8_t *e = calloc(1, mem_off + mem_size);
	if (!e)
		return NULL;
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = ELFCLASS64;
	e[EI_DATA] = ELFDATA2LSB;
	e[EI_VERSION] = EV_CURRENT;
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_machine), machine);
	kx_put_le32(e + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	kx_put_le64(e + offsetof(Elf64_Ehdr, e_phoff), 64);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_ehsize), 64);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_phentsize), 56);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_phnum), 2);
	uint8_t *ph = e + 64;
	kx_put_le32(ph + offsetof(Elf64_Phdr, p_type), PT_NOTE);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_offset), 0x200);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_filesz), note_size);
	ph += 56;
	kx_put_le32(ph + offsetof(Elf64_Phdr, p_type), PT_LOAD);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_offset), mem_off);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_paddr), paddr);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_filesz), mem_size);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_memsz), mem_size);
	uint8_t *n = e + 0x200;
	kx_put_le32(n, 11);
	kx_put_le32(n + 4, (uint32_t)info_len);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, info, info_len);
	*ret_size = mem_off + mem_size;
	return e;
}

#endif
