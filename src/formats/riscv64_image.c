// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * riscv64 Image. Debian ships it as vmlinux-* with an EFI stub's PE header
 * in front: the name says ELF, the content is an Image, so probe by content
 * only. The kernel is loaded at a 2 MiB-aligned address (boot.rst, RV64).
 */
#include "riscv64_image.h"

#include <inttypes.h>

#include "../arch/arch.h"
#include "format.h"
#include "../core/units.h"


int kx_riscv64_image_has_magic(struct kx_bytes image)
{
	uint32_t magic2;
	uint64_t magic;
	return (kx_le32(image, 56, &magic2) && magic2 == RISCV_IMAGE_MAGIC2) ||
	       (kx_le64(image, 48, &magic) && magic == RISCV_IMAGE_MAGIC);
}

int kx_riscv64_image_parse(struct kx_bytes image, uint64_t file_size, const char *name,
			   struct kx_riscv64_image *ret, struct kx_error *err)
{
	struct kx_riscv64_image h = { 0 };
	uint64_t end;

	if (image.size < RISCV_IMAGE_HEADER_SIZE)
		return kx_fail(err, KX_E_INPUT, "%s: truncated: %zu bytes, a riscv64 Image header is 64",
			       name, image.size);
	if (!kx_riscv64_image_has_magic(image))
		return kx_fail(err, KX_E_INPUT,
			       "%s: neither magic2 \"RSC\\x05\" (at 56) nor the old \"RISCV\" magic (at 48)", name);
	kx_le64(image, 8, &h.text_offset);
	kx_le64(image, 16, &h.image_size);
	kx_le64(image, 24, &h.flags);
	kx_le32(image, 32, &h.version);
	if (h.version >> 16 == 0 && (h.version & 0xffff) < 2 && h.image_size == 0)
		return kx_fail(err, KX_E_INPUT,
			       "%s: header version %u.%u (at 32) gives no image_size (at 16): the memory the "
			       "kernel needs is unknown", name, h.version >> 16, h.version & 0xffff);
	if (h.image_size == 0)
		return kx_fail(err, KX_E_INPUT, "%s: image_size (at 16) is 0", name);
	if (h.flags & RISCV_FLAG_BE)
		return kx_fail(err, KX_E_INPUT,
			       "%s: flags bit 0 (at 24) says big-endian: only little-endian kernels are loaded",
			       name);
	if (h.text_offset % 4096)
		return kx_fail(err, KX_E_INPUT, "%s: text_offset 0x%" PRIx64 " (at 8) is not page aligned",
			       name, h.text_offset);
	if (kx_add_overflows(h.text_offset, h.image_size, &end))
		return kx_fail(err, KX_E_INPUT,
			       "%s: text_offset 0x%" PRIx64 " + image_size 0x%" PRIx64 " (at 8, 16) overflows",
			       name, h.text_offset, h.image_size);
	if (h.image_size < file_size && file_size - h.image_size > 64 * 1024)
		/* a signed PE Image may carry a signature after image_size bytes;
		 * anything larger means the header is wrong */
		return kx_fail(err, KX_E_INPUT,
			       "%s: image_size 0x%" PRIx64 " (at 16) is smaller than the kernel's 0x%" PRIx64
			       " bytes in the file", name, h.image_size, file_size);
	*ret = h;
	return 0;
}

static enum kx_probe image_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
				 struct kx_error *err)
{
	(void)arch;
	(void)err;
	return kx_riscv64_image_has_magic(image) ? KX_PROBE_YES : KX_PROBE_NO;
}

static int image_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			  struct kx_error *err)
{
	struct kx_riscv64_image h;
	struct kx_bytes image = ctx->kernel->bytes;

	if (kx_riscv64_image_parse(image, image.size, ctx->kernel->path, &h, err) < 0)
		return -1;
	/* The riscv kernel runs where it is put (any 2 MiB-aligned address on
	 * RV64); text_offset only says where firmware usually puts it. */
	k->format = "riscv64 Image";
	k->fixed = false;
	k->nr_pieces = 1;
	k->pieces[0].bytes = image;
	k->pieces[0].memsz = h.image_size > image.size ? h.image_size : image.size;
	k->pieces[0].paddr = 0;
	k->span = k->pieces[0].memsz;
	k->align = 2 * MiB;
	k->min_addr = 0;
	k->entry = 0;
	return 0;
}

const struct kx_format_ops kx_format_riscv64_image = {
	.name = "Image",
	.probe = image_probe,
	.describe = image_describe,
};
