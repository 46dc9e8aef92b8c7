// SPDX-License-Identifier: GPL-2.0-or-later
#include "kdump_file.h"

#include <string.h>

#include "../core/bytes.h"

uint32_t kx_kdump_codec_flag(enum kx_dump_codec codec)
{
	switch (codec) {
	case KX_DUMP_ZLIB: return KX_KDUMP_ZLIB;
	case KX_DUMP_LZO: return KX_KDUMP_LZO;
	case KX_DUMP_ZSTD: return KX_KDUMP_ZSTD;
	case KX_DUMP_SNAPPY: return KX_KDUMP_SNAPPY;
	case KX_DUMP_RAW: break;
	}
	return 0;
}

void kx_kdump_layout(const struct kx_kdump_info *info, uint64_t nr_dumped, struct kx_kdump_layout *ret)
{
	uint64_t bs = info->block_size;

	memset(ret, 0, sizeof(*ret));
	ret->sub_hdr_blocks = (uint32_t)(kx_align_up(KX_KDUMP_SUB_HEADER_SIZE + info->notes_size, bs) / bs);
	ret->bitmap_size = kx_align_up(kx_align_up(info->max_mapnr, 8) / 8, bs);
	ret->bitmap_blocks = (uint32_t)(2 * ret->bitmap_size / bs);
	ret->notes_off = bs + KX_KDUMP_SUB_HEADER_SIZE;
	ret->bitmap1_off = (1 + (uint64_t)ret->sub_hdr_blocks) * bs;
	ret->bitmap2_off = ret->bitmap1_off + ret->bitmap_size;
	ret->desc_off = ret->bitmap2_off + ret->bitmap_size;
	ret->data_off = ret->desc_off + KX_KDUMP_DESC_SIZE * nr_dumped;
}

/* The main header, its fields at their offsets in makedumpfile's struct
 * disk_dump_header on an LP64 machine (8-byte struct timeval at 408). */
void kx_kdump_put_header(uint8_t *out, const struct kx_kdump_info *info, const struct kx_kdump_layout *l)
{
	memset(out, 0, KX_KDUMP_HEADER_SIZE);
	memcpy(out, KX_KDUMP_SIGNATURE, 8);
	kx_put_le32(out + 8, KX_KDUMP_HEADER_VERSION);
	memcpy(out + 12, info->utsname, sizeof(info->utsname));      /* 390 bytes */
	kx_put_le64(out + 408, (uint64_t)info->crashtime);              /* tv_sec; tv_usec 0 */
	kx_put_le32(out + 424, info->status);
	kx_put_le32(out + 428, info->block_size);
	kx_put_le32(out + 432, l->sub_hdr_blocks);
	kx_put_le32(out + 436, l->bitmap_blocks);
	kx_put_le32(out + 440, info->max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)info->max_mapnr);
	/* total_ram_blocks, device_blocks, written_blocks, current_cpu: 0 */
	kx_put_le32(out + 460, (uint32_t)info->nr_cpus);
}

void kx_kdump_put_sub_header(uint8_t *out, const struct kx_kdump_info *info, const struct kx_kdump_layout *l)
{
	memset(out, 0, KX_KDUMP_SUB_HEADER_SIZE);
	kx_put_le64(out + 0, info->phys_base);
	kx_put_le32(out + 8, (uint32_t)info->dump_level);
	/* split 0, start_pfn and end_pfn 0: one file */
	if (info->info_desc_size) {
		kx_put_le64(out + 32, l->notes_off + info->info_desc_offset);
		kx_put_le64(out + 40, info->info_desc_size);
	}
	if (info->notes_size) {
		kx_put_le64(out + 48, l->notes_off);
		kx_put_le64(out + 56, info->notes_size);
	}
	/* eraseinfo 0; start_pfn_64, end_pfn_64 0 */
	kx_put_le64(out + 96, info->max_mapnr);
}

void kx_kdump_put_desc(uint8_t *out, uint64_t offset, uint32_t size, uint32_t flags)
{
	kx_put_le64(out, offset);
	kx_put_le32(out + 8, size);
	kx_put_le32(out + 12, flags);
	kx_put_le64(out + 16, 0);   /* page_flags */
}
