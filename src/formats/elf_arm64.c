// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 vmlinux ELF: the first PT_LOAD holds an Image header at
 * e_entry - p_vaddr; that header (parsed by the Image code, not a copy of
 * it) says text_offset and image_size, and every PT_LOAD sits relative to
 * the first, at its p_vaddr distance from e_entry.
 */
#include <elf.h>
#include <inttypes.h>

#include "../arch/arch.h"
#include "../system/facts.h"
#include "arm64_image.h"
#include "elf.h"
#include "format.h"
#include "../core/units.h"


static int elf_arm64_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			      struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_bytes file = ctx->kernel->bytes;
	struct kx_elf elf;
	struct kx_arm64_image h;

	if (kx_elf_parse(file, name, ctx->arch->elf_machine, &elf, err) < 0)
		return -1;
	const struct kx_elf_load *first = &elf.loads[0];
	if (elf.entry < first->vaddr || elf.entry - first->vaddr >= first->filesz)
		return kx_fail(err, KX_E_INPUT,
			       "%s: e_entry 0x%" PRIx64 " is not inside the file bytes of the first PT_LOAD "
			       "(p_vaddr 0x%" PRIx64 ", p_filesz 0x%" PRIx64 "), where the Image header must be",
			       name, elf.entry, first->vaddr, first->filesz);
	uint64_t header_in_load = elf.entry - first->vaddr;
	struct kx_bytes header = kx_bytes_sub(file, first->offset + header_in_load,
					      first->filesz - header_in_load);
	char where[300];
	snprintf(where, sizeof(where), "%s (Image header at e_entry)", name);
	if (kx_arm64_image_parse(header, header.size, where, ctx->facts->page_size_kib, &h,
				 k->note, sizeof(k->note), err) < 0)
		return -1;

	k->format = "arm64 ELF vmlinux";
	k->fixed = false;
	k->span = h.text_offset + h.image_size;
	/* every PT_LOAD at its distance from the 2 MiB-aligned base, where
	 * text_offset puts the header (e_entry) */
	for (unsigned int i = 0; i < elf.nr_loads; i++)
		if (elf.loads[i].vaddr + h.text_offset < elf.entry)
			return kx_fail(err, KX_E_INPUT,
				       "%s: PT_LOAD %u at p_vaddr 0x%" PRIx64 " lies below the load base "
				       "(e_entry 0x%" PRIx64 " - text_offset 0x%" PRIx64 ")",
				       name, i, elf.loads[i].vaddr, elf.entry, h.text_offset);
	if (kx_elf_pieces(&elf, file, name, elf.entry - h.text_offset, k, err) < 0)
		return -1;
	k->align = 2 * MiB;
	k->min_addr = 0;
	k->entry = h.text_offset;
	return 0;
}

const struct kx_format_ops kx_format_elf_arm64 = {
	.name = "elf",
	.probe = kx_elf_probe,
	.describe = elf_arm64_describe,
};
