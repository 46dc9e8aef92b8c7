/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
#ifndef KX_ARM64_IMAGE_H
#define KX_ARM64_IMAGE_H

#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"

#define ARM64_IMAGE_HEADER_SIZE 64
#define ARM64_IMAGE_MAGIC 0x644d5241u       /* "ARM\x64" at offset 56 */
#define ARM64_LEGACY_TEXT_OFFSET 0x80000ULL /* what pre-3.17 kernels assumed */

#define ARM64_FLAG_BE          (1ULL << 0)
#define ARM64_FLAG_PAGE_SHIFT  1
#define ARM64_FLAG_PAGE_MASK   (3ULL << 1)
#define ARM64_FLAG_PHYS_ANY    (1ULL << 3)  /* placement: anywhere in RAM, else near DRAM start */

struct kx_arm64_image {
	uint64_t text_offset;
	uint64_t image_size;   /* bytes from the load address the kernel needs, BSS included */
	uint64_t flags;
	unsigned int page_size_kib; /* 0 when unspecified */
	int legacy;            /* image_size was 0: text_offset and size are assumptions */
};

/* True when `image` starts with an arm64 Image header (magic at 56). */
int kx_arm64_image_has_magic(struct kx_bytes image);
/*
 * Parse and check the header at the start of `image` (`file_size`: bytes of
 * kernel that follow it, for the legacy size assumption). `running_page_kib`
 * is the page size of the running kernel (0 when unknown). Refusals name the
 * field; `note` (>= 256 bytes) receives an assumption or a check that could
 * not be made, or "".
 */
int kx_arm64_image_parse(struct kx_bytes image, uint64_t file_size, const char *name,
			 unsigned int running_page_kib, struct kx_arm64_image *ret,
			 char *note, size_t note_size, struct kx_error *err);

#endif
