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

/* Where the fields of each class are (<elf.h>'s structures). */
struct elf_layout {
	unsigned char class;
	size_t ehdr_size, phdr_size;
	size_t e_entry, e_phoff, e_phentsize, e_phnum;
	size_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
	int word;                     /* 4 or 8: the width of an address field */
};

static const struct elf_layout elf64_layout = {
	ELFCLASS64, sizeof(Elf64_Ehdr), sizeof(Elf64_Phdr),
	offsetof(Elf64_Ehdr, e_entry), offsetof(Elf64_Ehdr, e_phoff), offsetof(Elf64_Ehdr, e_phentsize),
	offsetof(Elf64_Ehdr, e_phnum),
	offsetof(Elf64_Phdr, p_offset), offsetof(Elf64_Phdr, p_vaddr), offsetof(Elf64_Phdr, p_paddr),
	offsetof(Elf64_Phdr, p_filesz), offsetof(Elf64_Phdr, p_memsz), offsetof(Elf64_Phdr, p_align), 8,
};

static const struct elf_layout elf32_layout = {
	ELFCLASS32, sizeof(Elf32_Ehdr), sizeof(Elf32_Phdr),
	offsetof(Elf32_Ehdr, e_entry), offsetof(Elf32_Ehdr, e_phoff), offsetof(Elf32_Ehdr, e_phentsize),
	offsetof(Elf32_Ehdr, e_phnum),
	offsetof(Elf32_Phdr, p_offset), offsetof(Elf32_Phdr, p_vaddr), offsetof(Elf32_Phdr, p_paddr),
	offsetof(Elf32_Phdr, p_filesz), offsetof(Elf32_Phdr, p_memsz), offsetof(Elf32_Phdr, p_align), 4,
};

/* An address-sized field: 0 when out of bounds (the caller checked them). */
static uint64_t word(struct kx_bytes image, const struct elf_layout *lay, uint64_t off)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	if (lay->word == 8) {
		kx_le64(image, off, &v64);
		return v64;
	}
	kx_le32(image, off, &v32);
	return v32;
}

static int parse(struct kx_bytes image, const char *name, const struct elf_layout *lay,
		 const uint16_t *machines, struct kx_elf *ret, struct kx_error *err)
{
	struct kx_elf elf = { 0 };
	uint64_t phoff, table_size;
	uint16_t phentsize = 0, phnum = 0;

	if (image.size < lay->ehdr_size)
		return kx_fail(err, KX_E_INPUT, "%s: truncated ELF header (%zu bytes, need %zu)",
			       name, image.size, lay->ehdr_size);
	if (image.data[EI_CLASS] != lay->class)
		return kx_fail(err, KX_E_INPUT, "%s: EI_CLASS %u: only %d-bit ELF kernels are supported",
			       name, image.data[EI_CLASS], lay->word * 8);
	if (image.data[EI_DATA] != ELFDATA2LSB)
		return kx_fail(err, KX_E_INPUT, "%s: EI_DATA %u: only little-endian ELF kernels are supported",
			       name, image.data[EI_DATA]);
	/* e_type and e_machine sit at the same offsets in both classes */
	kx_le16(image, offsetof(Elf64_Ehdr, e_type), &elf.type);
	kx_le16(image, offsetof(Elf64_Ehdr, e_machine), &elf.machine);
	elf.entry = word(image, lay, lay->e_entry);
	phoff = word(image, lay, lay->e_phoff);
	kx_le16(image, lay->e_phentsize, &phentsize);
	kx_le16(image, lay->e_phnum, &phnum);

	if (elf.machine != machines[0] && elf.machine != machines[1])
		return kx_fail(err, KX_E_INPUT, "%s: e_machine %u is not the %u this architecture runs",
			       name, elf.machine, machines[0]);
	if (elf.type != ET_EXEC && elf.type != ET_DYN)
		return kx_fail(err, KX_E_INPUT, "%s: e_type %u is neither ET_EXEC nor ET_DYN", name, elf.type);
	if (phnum == 0)
		return kx_fail(err, KX_E_INPUT, "%s: e_phnum is 0: no program headers", name);
	if (phentsize != lay->phdr_size)
		return kx_fail(err, KX_E_INPUT, "%s: e_phentsize %u, expected %zu", name, phentsize,
			       lay->phdr_size);
	table_size = (uint64_t)phnum * phentsize;
	if (!kx_span_ok(image.size, phoff, table_size))
		return kx_fail(err, KX_E_INPUT,
			       "%s: program headers (e_phoff 0x%" PRIx64 ", %u x %u bytes) run past the end of "
			       "the file (0x%zx bytes)", name, phoff, phnum, phentsize, image.size);

	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t ph = phoff + (uint64_t)i * phentsize, end;
		uint32_t type = 0;
		struct kx_elf_load l = { 0 };

		kx_le32(image, ph, &type);   /* p_type first in both classes */
		if (type != PT_LOAD)
			continue;
		l.offset = word(image, lay, ph + lay->p_offset);
		l.vaddr = word(image, lay, ph + lay->p_vaddr);
		l.paddr = word(image, lay, ph + lay->p_paddr);
		l.filesz = word(image, lay, ph + lay->p_filesz);
		l.memsz = word(image, lay, ph + lay->p_memsz);
		l.align = word(image, lay, ph + lay->p_align);
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
		if (kx_add_overflows(l.paddr, l.memsz, &end) || kx_add_overflows(l.vaddr, l.memsz, &end) ||
		    (lay->word == 4 && (l.paddr + l.memsz > 0x100000000ULL)))
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

int kx_elf_parse(struct kx_bytes image, const char *name, uint16_t machine,
		 struct kx_elf *ret, struct kx_error *err)
{
	const uint16_t machines[2] = { machine, machine };
	return parse(image, name, &elf64_layout, machines, ret, err);
}

int kx_elf32_parse(struct kx_bytes image, const char *name, uint16_t machine, uint16_t alt_machine,
		   struct kx_elf *ret, struct kx_error *err)
{
	const uint16_t machines[2] = { machine, alt_machine };
	return parse(image, name, &elf32_layout, machines, ret, err);
}

int kx_elf_fixed_pieces(const struct kx_elf *elf, struct kx_bytes file, const char *name,
			struct kx_kernel_desc *k, struct kx_error *err)
{
	const uint64_t page_mask = 4095;
	bool entry_found = false;

	k->fixed = true;
	k->nr_pieces = elf->nr_loads;
	for (unsigned int i = 0; i < elf->nr_loads; i++) {
		const struct kx_elf_load *l = &elf->loads[i];
		/* Segments start on a page; an ELF keeps file offset and address
		 * congruent modulo the page size, so the piece can start on the
		 * page boundary with the preceding file bytes. */
		uint64_t lead = l->paddr & page_mask;
		if ((l->offset & page_mask) != lead || l->offset < lead)
			return kx_fail(err, KX_E_INPUT,
				       "%s: PT_LOAD %u: p_paddr 0x%" PRIx64 " and p_offset 0x%" PRIx64
				       " differ modulo the page size", name, i, l->paddr, l->offset);
		k->pieces[i].bytes = kx_bytes_sub(file, l->offset - lead, l->filesz + lead);
		k->pieces[i].memsz = l->memsz + lead;
		k->pieces[i].paddr = l->paddr - lead;
		if (elf->entry >= l->paddr && elf->entry - l->paddr < l->memsz)
			entry_found = true;
	}
	k->entry = elf->entry;
	/* e_entry may be virtual: translate through the PT_LOAD holding it. */
	for (unsigned int i = 0; i < elf->nr_loads && !entry_found; i++) {
		const struct kx_elf_load *l = &elf->loads[i];
		if (elf->entry >= l->vaddr && elf->entry - l->vaddr < l->memsz) {
			k->entry = elf->entry - l->vaddr + l->paddr;
			entry_found = true;
		}
	}
	if (!entry_found)
		return kx_fail(err, KX_E_INPUT,
			       "%s: e_entry 0x%" PRIx64 " lies in no PT_LOAD segment", name, elf->entry);
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
