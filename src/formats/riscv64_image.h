/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The riscv64 Image header (Documentation/arch/riscv/boot-image-header.rst). */
#ifndef KX_RISCV64_IMAGE_H
#define KX_RISCV64_IMAGE_H

#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"

#define RISCV_IMAGE_HEADER_SIZE 64
#define RISCV_IMAGE_MAGIC  0x5643534952ULL   /* "RISCV\0\0\0" at 48 (deprecated) */
#define RISCV_IMAGE_MAGIC2 0x05435352u       /* "RSC\x05" at 56 */
#define RISCV_FLAG_BE      (1ULL << 0)

struct kx_riscv64_image {
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint32_t version;      /* major << 16 | minor */
};

int kx_riscv64_image_has_magic(struct kx_bytes image);
/* Parse and check the header at the start of `image` (`file_size` bytes of
 * kernel follow it); refusals name the field. */
int kx_riscv64_image_parse(struct kx_bytes image, uint64_t file_size, const char *name,
			   struct kx_riscv64_image *ret, struct kx_error *err);

#endif
