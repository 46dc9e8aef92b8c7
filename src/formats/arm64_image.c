// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 Image. The loader plays the part of the boot loader, so the checks
 * booting.rst leaves to the boot loader happen here, with a message naming
 * the field, instead of a new kernel that hangs without output.
 */
#include "arm64_image.h"

#include <inttypes.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "../system/facts.h"
#include "format.h"
#include "../core/units.h"


int kx_arm64_image_has_magic(struct kx_bytes image)
{
	uint32_t magic;
	return kx_le32(image, 56, &magic) && magic == ARM64_IMAGE_MAGIC;
}

int kx_arm64_image_parse(struct kx_bytes image, uint64_t file_size, const char *name,
			 unsigned int running_page_kib, struct kx_arm64_image *ret,
			 char *note, size_t note_size, struct kx_error *err)
{
	struct kx_arm64_image h = { 0 };
	static const unsigned int page_kib[4] = { 0, 4, 16, 64 };
	uint64_t end;

	note[0] = 0;
	if (image.size < ARM64_IMAGE_HEADER_SIZE)
		return kx_fail(err, KX_E_INPUT, "%s: truncated: %zu bytes, an arm64 Image header is 64",
			       name, image.size);
	if (!kx_arm64_image_has_magic(image))
		return kx_fail(err, KX_E_INPUT, "%s: magic at offset 56 is not \"ARM\\x64\"", name);
	kx_le64(image, 8, &h.text_offset);
	kx_le64(image, 16, &h.image_size);
	kx_le64(image, 24, &h.flags);

	if (h.image_size == 0) {
		/* Before 3.17 the header had no size and text_offset was not
		 * trustworthy either; booting.rst says to assume 0x80000. The
		 * size must then cover the file plus a BSS we cannot know:
		 * reserve the file rounded up plus 2 MiB, and say so. */
		h.legacy = 1;
		h.text_offset = ARM64_LEGACY_TEXT_OFFSET;
		h.image_size = kx_align_up(file_size, MiB) + 2 * MiB;
		snprintf(note, note_size,
			 "%s: image_size is 0 (a kernel older than 3.17): assuming text_offset 0x80000 and "
			 "reserving 0x%" PRIx64 " bytes (file size + 2 MiB for BSS)", name, h.image_size);
	}
	if (h.text_offset % 4096)
		return kx_fail(err, KX_E_INPUT, "%s: text_offset 0x%" PRIx64 " (at 8) is not page aligned",
			       name, h.text_offset);
	if (h.text_offset >= 2 * MiB)
		return kx_fail(err, KX_E_INPUT,
			       "%s: text_offset 0x%" PRIx64 " (at 8) is not below 2 MiB, the alignment the base has",
			       name, h.text_offset);
	if (kx_add_overflows(h.text_offset, h.image_size, &end))
		return kx_fail(err, KX_E_INPUT,
			       "%s: text_offset 0x%" PRIx64 " + image_size 0x%" PRIx64 " (at 8, 16) overflows",
			       name, h.text_offset, h.image_size);
	if (h.image_size < file_size && !h.legacy)
		return kx_fail(err, KX_E_INPUT,
			       "%s: image_size 0x%" PRIx64 " (at 16) is smaller than the kernel's 0x%" PRIx64
			       " bytes in the file", name, h.image_size, file_size);
	if (h.flags & ~(ARM64_FLAG_BE | ARM64_FLAG_PAGE_MASK | ARM64_FLAG_PHYS_ANY))
		return kx_fail(err, KX_E_INPUT, "%s: flags 0x%" PRIx64 " (at 24) set reserved bits 4-63",
			       name, h.flags);
	if (h.flags & ARM64_FLAG_BE)
		/* A big-endian kernel would need a CPU with mixed-endian support
		 * (ID_AA64MMFR0_EL1.BigEnd), which the kernel does not expose
		 * to userspace; and our purgatory enters it little-endian. */
		return kx_fail(err, KX_E_INPUT,
			       "%s: flags bit 0 (at 24) says big-endian: kexec-ng loads little-endian kernels "
			       "only (the CPU's BigEnd support cannot be read from userspace)", name);
	h.page_size_kib = page_kib[(h.flags & ARM64_FLAG_PAGE_MASK) >> ARM64_FLAG_PAGE_SHIFT];
	if (h.page_size_kib && running_page_kib && h.page_size_kib != running_page_kib && !note[0])
		/* ID_AA64MMFR0_EL1's TGran fields are hidden from userspace
		 * (cpu-feature-registers.rst), so this is a warning, not a refusal. */
		snprintf(note, note_size,
			 "%s: flags bits 1-2 (at 24) ask for %u KiB pages, the running kernel uses %u KiB; "
			 "whether the CPU supports %u KiB pages (ID_AA64MMFR0_EL1.TGran%u) cannot be read from "
			 "userspace", name, h.page_size_kib, running_page_kib, h.page_size_kib, h.page_size_kib);
	*ret = h;
	return 0;
}

static enum kx_probe image_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
				 struct kx_error *err)
{
	(void)arch;
	(void)err;
	return kx_arm64_image_has_magic(image) ? KX_PROBE_YES : KX_PROBE_NO;
}

static int image_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			  struct kx_error *err)
{
	struct kx_arm64_image h;
	struct kx_bytes image = ctx->kernel->bytes;

	if (kx_arm64_image_parse(image, image.size, ctx->kernel->path, ctx->facts->page_size_kib, &h,
				 k->note, sizeof(k->note), err) < 0)
		return -1;
	k->format = "arm64 Image";
	k->fixed = false;
	k->nr_pieces = 1;
	k->pieces[0].bytes = image;
	k->pieces[0].memsz = h.image_size;
	k->pieces[0].paddr = h.text_offset;
	k->span = h.text_offset + h.image_size;
	k->align = 2 * MiB;
	k->min_addr = 0;
	k->entry = h.text_offset;
	return 0;
}

const struct kx_format_ops kx_format_arm64_image = {
	.name = "Image",
	.probe = image_probe,
	.describe = image_describe,
};
