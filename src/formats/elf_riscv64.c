// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * riscv64 vmlinux ELF: as the kernel's own riscv ELF loader does, every
 * PT_LOAD keeps its distance from the lowest p_vaddr and the whole is rebased
 * to a 2 MiB-aligned base in RAM; entry = e_entry - lowest p_vaddr + base.
 */
#include <inttypes.h>

#include "../arch/arch.h"
#include "elf.h"
#include "format.h"
#include "../core/units.h"

#define PAGE_MASK 4095ULL

static int elf_riscv64_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
				struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_bytes file = ctx->kernel->bytes;
	struct kx_elf elf;
	uint64_t lowest = UINT64_MAX;

	if (kx_elf_parse(file, name, ctx->arch->elf_machine, &elf, err) < 0)
		return -1;
	for (unsigned int i = 0; i < elf.nr_loads; i++)
		if (elf.loads[i].vaddr < lowest)
			lowest = elf.loads[i].vaddr;
	lowest &= ~PAGE_MASK;
	if (elf.entry < lowest)
		return kx_fail(err, KX_E_INPUT,
			       "%s: e_entry 0x%" PRIx64 " lies below the lowest PT_LOAD (p_vaddr 0x%" PRIx64 ")",
			       name, elf.entry, lowest);
	k->format = "riscv64 ELF vmlinux";
	k->fixed = false;
	k->span = 0;
	if (kx_elf_pieces(&elf, file, name, lowest, k, err) < 0)
		return -1;
	bool entry_inside = false;
	for (unsigned int i = 0; i < elf.nr_loads; i++) {
		const struct kx_elf_load *l = &elf.loads[i];
		if (elf.entry >= l->vaddr && elf.entry - l->vaddr < l->memsz)
			entry_inside = true;
	}
	if (!entry_inside)
		return kx_fail(err, KX_E_INPUT, "%s: e_entry 0x%" PRIx64 " lies in no PT_LOAD segment",
			       name, elf.entry);
	k->align = 2 * MiB;
	k->min_addr = 0;
	k->entry = elf.entry - lowest;
	return 0;
}

const struct kx_format_ops kx_format_elf_riscv64 = {
	.name = "elf",
	.probe = kx_elf_probe,
	.describe = elf_riscv64_describe,
};
