/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kdump-compressed dump file ("KDUMP   "), header version 6, as
 * makedumpfile writes it and crash reads it; 64-bit little-endian machines.
 * doc/vmcore-save.md describes the layout; in short, in blocks of one page:
 *
 *   block 0        the main header (464 bytes)
 *   block 1 ...    the sub header (104 bytes), then the vmcore's PT_NOTE
 *                  bytes (registers of each CPU, VMCOREINFO), sub_hdr_size
 *                  blocks in all
 *   then           two bitmaps of one bit per pfn (LSB first), each a whole
 *                  number of blocks: the pages that exist, the pages dumped
 *   then           one 24-byte page descriptor per dumped page, in pfn order
 *                  (file offset, stored size, compression flag)
 *   then           the pages' bytes (with dump level bit 1: one page of zeros
 *                  first, which every zero page's descriptor points at)
 */
#ifndef KX_DUMP_KDUMP_FILE_H
#define KX_DUMP_KDUMP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "page_codec.h"

#define KX_KDUMP_SIGNATURE "KDUMP   "
#define KX_KDUMP_HEADER_VERSION 6
#define KX_KDUMP_HEADER_SIZE 464
#define KX_KDUMP_SUB_HEADER_SIZE 104
#define KX_KDUMP_DESC_SIZE 24

/* status (header) and flags (page descriptor) bits */
#define KX_KDUMP_ZLIB 0x01u
#define KX_KDUMP_LZO 0x02u
#define KX_KDUMP_SNAPPY 0x04u
#define KX_KDUMP_INCOMPLETE 0x08u
#define KX_KDUMP_EXCLUDED_VMEMMAP 0x10u
#define KX_KDUMP_ZSTD 0x20u

uint32_t kx_kdump_codec_flag(enum kx_dump_codec codec);

/* What the headers say. */
struct kx_kdump_info {
	char utsname[6][65];     /* sysname nodename release version machine domainname */
	int64_t crashtime;       /* VMCOREINFO CRASHTIME, else 0 */
	uint32_t block_size;     /* the page size */
	uint64_t max_mapnr;      /* one past the highest pfn */
	int32_t nr_cpus;         /* CORE NT_PRSTATUS notes */
	uint64_t phys_base;      /* x86_64 phys_base, arm64 PHYS_OFFSET, riscv64 phys_ram_base */
	int32_t dump_level;
	uint32_t status;         /* the codec's flag */
	const uint8_t *notes;    /* the vmcore's PT_NOTE bytes */
	size_t notes_size;
	uint64_t info_desc_offset; /* VMCOREINFO's descriptor in `notes` */
	uint32_t info_desc_size;   /* 0: none */
};

struct kx_kdump_layout {
	uint32_t sub_hdr_blocks;
	uint64_t bitmap_size;    /* bytes of each bitmap */
	uint32_t bitmap_blocks;  /* of both */
	uint64_t notes_off, bitmap1_off, bitmap2_off, desc_off, data_off;
};

/* Where everything goes for `nr_dumped` pages. */
void kx_kdump_layout(const struct kx_kdump_info *info, uint64_t nr_dumped, struct kx_kdump_layout *ret);

/* The main header into out[KX_KDUMP_HEADER_SIZE]; the sub header into
 * out[KX_KDUMP_SUB_HEADER_SIZE]; one page descriptor into out[24]. */
void kx_kdump_put_header(uint8_t *out, const struct kx_kdump_info *info, const struct kx_kdump_layout *l);
void kx_kdump_put_sub_header(uint8_t *out, const struct kx_kdump_info *info, const struct kx_kdump_layout *l);
void kx_kdump_put_desc(uint8_t *out, uint64_t offset, uint32_t size, uint32_t flags);

#endif
