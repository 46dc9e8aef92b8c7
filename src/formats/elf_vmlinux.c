// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF vmlinux: PT_LOADs placed at their physical addresses. On x86_64 this
 * is the kernel the bzImage decompressor would have produced; it is entered
 * at its 64-bit entry with boot_params, like a bzImage.
 */
#include <inttypes.h>

#include "../arch/arch.h"
#include "elf.h"
#include "format.h"

#define PAGE_MASK 4095ULL

static int elf_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_elf elf;
	bool entry_found = false;

	if (kx_elf_parse(ctx->kernel->bytes, name, ctx->arch->elf_machine, &elf, err) < 0)
		return -1;
	k->format = "ELF vmlinux";
	k->fixed = true;
	k->nr_pieces = elf.nr_loads;
	for (unsigned int i = 0; i < elf.nr_loads; i++) {
		const struct kx_elf_load *l = &elf.loads[i];
		/* Segments start on a page; an ELF keeps file offset and address
		 * congruent modulo the page size, so we can start the piece on
		 * the page boundary with the preceding file bytes. */
		uint64_t lead = l->paddr & PAGE_MASK;
		if ((l->offset & PAGE_MASK) != lead || l->offset < lead)
			return kx_fail(err, KX_E_INPUT,
				       "%s: PT_LOAD %u: p_paddr 0x%" PRIx64 " and p_offset 0x%" PRIx64
				       " differ modulo the page size", name, i, l->paddr, l->offset);
		k->pieces[i].bytes = kx_bytes_sub(ctx->kernel->bytes, l->offset - lead, l->filesz + lead);
		k->pieces[i].memsz = l->memsz + lead;
		k->pieces[i].paddr = l->paddr - lead;
		if (elf.entry >= l->paddr && elf.entry - l->paddr < l->memsz)
			entry_found = true;
	}
	k->entry = elf.entry;
	if (!entry_found) {
		/* e_entry may be virtual: translate through the PT_LOAD holding it. */
		for (unsigned int i = 0; i < elf.nr_loads && !entry_found; i++) {
			const struct kx_elf_load *l = &elf.loads[i];
			if (elf.entry >= l->vaddr && elf.entry - l->vaddr < l->memsz) {
				k->entry = elf.entry - l->vaddr + l->paddr;
				entry_found = true;
			}
		}
	}
	if (!entry_found)
		return kx_fail(err, KX_E_INPUT,
			       "%s: e_entry 0x%" PRIx64 " lies in no PT_LOAD segment", name, elf.entry);
	return 0;
}

const struct kx_format_ops kx_format_elf_vmlinux = {
	.name = "elf",
	.probe = kx_elf_probe,
	.describe = elf_describe,
};
