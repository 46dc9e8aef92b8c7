// SPDX-License-Identifier: GPL-2.0-or-later
#include "elf.h"

#include "../arch/arch.h"

#include <elf.h>
#include <inttypes.h>
#include <string.h>

bool kx_elf_is_elf(struct kx_bytes image)
{
	return image.size >= SELFMAG && !memcmp(image.data, ELFMAG, SELFMAG);
}

enum kx_probe kx_elf_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
			   struct kx_error *err)
{
	struct kx_elf elf;

	if (!kx_elf_is_elf(image))
		return KX_PROBE_NO;
	if (kx_elf_parse(image, "ELF header", arch->elf_machine, &elf, err) < 0)
		return KX_PROBE_BROKEN;
	return KX_PROBE_YES;
}

int kx_elf_parse(struct kx_bytes image, const char *name, uint16_t machine,
		 struct kx_elf *ret, struct kx_error *err)
{
	struct kx_elf elf = { 0 };
	uint64_t phoff, table_size;
	uint16_t phentsize, phnum;

	if (image.size < sizeof(Elf64_Ehdr))
		return kx_fail(err, KX_E_INPUT, "%s: truncated ELF header (%zu bytes, need %zu)",
			       name, image.size, sizeof(Elf64_Ehdr));
	if (image.data[EI_CLASS] != ELFCLASS64)
		return kx_fail(err, KX_E_INPUT, "%s: EI_CLASS %u: only 64-bit ELF kernels are supported",
			       name, image.data[EI_CLASS]);
	if (image.data[EI_DATA] != ELFDATA2LSB)
		return kx_fail(err, KX_E_INPUT, "%s: EI_DATA %u: only little-endian ELF kernels are supported",
			       name, image.data[EI_DATA]);
	kx_le16(image, offsetof(Elf64_Ehdr, e_type), &elf.type);
	kx_le16(image, offsetof(Elf64_Ehdr, e_machine), &elf.machine);
	kx_le64(image, offsetof(Elf64_Ehdr, e_entry), &elf.entry);
	kx_le64(image, offsetof(Elf64_Ehdr, e_phoff), &phoff);
	kx_le16(image, offsetof(Elf64_Ehdr, e_phentsize), &phentsize);
	kx_le16(image, offsetof(Elf64_Ehdr, e_phnum), &phnum);

	if (elf.machine != machine)
		return kx_fail(err, KX_E_INPUT, "%s: e_machine %u is not the %u this architecture runs",
			       name, elf.machine, machine);
	if (elf.type != ET_EXEC && elf.type != ET_DYN)
		return kx_fail(err, KX_E_INPUT, "%s: e_type %u is neither ET_EXEC nor ET_DYN", name, elf.type);
	if (phnum == 0)
		return kx_fail(err, KX_E_INPUT, "%s: e_phnum is 0: no program headers", name);
	if (phentsize != sizeof(Elf64_Phdr))
		return kx_fail(err, KX_E_INPUT, "%s: e_phentsize %u, expected %zu", name, phentsize,
			       sizeof(Elf64_Phdr));
	table_size = (uint64_t)phnum * phentsize;
	if (!kx_span_ok(image.size, phoff, table_size))
		return kx_fail(err, KX_E_INPUT,
			       "%s: program headers (e_phoff 0x%" PRIx64 ", %u x %u bytes) run past the end of "
			       "the file (0x%zx bytes)", name, phoff, phnum, phentsize, image.size);

	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize, end;
		uint32_t type = 0;
		struct kx_elf_load l = { 0 };

		kx_le32(image, ph + offsetof(Elf64_Phdr, p_type), &type);
		if (type != PT_LOAD)
			continue;
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_offset), &l.offset);
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_vaddr), &l.vaddr);
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_paddr), &l.paddr);
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_filesz), &l.filesz);
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_memsz), &l.memsz);
		kx_le64(image, ph + offsetof(Elf64_Phdr, p_align), &l.align);
		if (l.memsz == 0)
			continue;
		if (!kx_span_ok(image.size, l.offset, l.filesz))
			return kx_fail(err, KX_E_INPUT,
				       "%s: program header %u: p_offset 0x%" PRIx64 " + p_filesz 0x%" PRIx64
				       " run past the end of the file (0x%zx bytes)",
				       name, i, l.offset, l.filesz, image.size);
		if (l.filesz > l.memsz)
			return kx_fail(err, KX_E_INPUT,
				       "%s: program header %u: p_filesz 0x%" PRIx64 " exceeds p_memsz 0x%" PRIx64,
				       name, i, l.filesz, l.memsz);
		if (kx_add_overflows(l.paddr, l.memsz, &end) || kx_add_overflows(l.vaddr, l.memsz, &end))
			return kx_fail(err, KX_E_INPUT,
				       "%s: program header %u: address + p_memsz 0x%" PRIx64 " overflows",
				       name, i, l.memsz);
		if (elf.nr_loads >= KX_ELF_LOADS_MAX)
			return kx_fail(err, KX_E_INPUT, "%s: more than %d PT_LOAD program headers with "
				       "contents, the most kexec-ng loads (each is a kexec segment)",
				       name, KX_ELF_LOADS_MAX);
		elf.loads[elf.nr_loads++] = l;
	}
	if (elf.nr_loads == 0)
		return kx_fail(err, KX_E_INPUT, "%s: no PT_LOAD program header with contents", name);
	*ret = elf;
	return 0;
}

int kx_elf_pieces(const struct kx_elf *elf, struct kx_bytes file, const char *name,
		  uint64_t base, struct kx_kernel_desc *k, struct kx_error *err)
{
	const uint64_t page_mask = 4095;

	k->nr_pieces = elf->nr_loads;
	for (unsigned int i = 0; i < elf->nr_loads; i++) {
		const struct kx_elf_load *l = &elf->loads[i];
		uint64_t offset = l->vaddr - base, lead = offset & page_mask;
		if ((l->offset & page_mask) != lead || l->offset < lead)
			return kx_fail(err, KX_E_INPUT,
				       "%s: PT_LOAD %u: p_vaddr and p_offset differ modulo the page size", name, i);
		k->pieces[i].bytes = kx_bytes_sub(file, l->offset - lead, l->filesz + lead);
		k->pieces[i].memsz = l->memsz + lead;
		k->pieces[i].paddr = offset - lead;
		if (offset + l->memsz > k->span)
			k->span = offset + l->memsz;
	}
	return 0;
}
