/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One page of a dump compressed on its own, as the kdump-compressed format
 * stores pages (each page descriptor says how its bytes were compressed):
 * zlib (a zlib stream, what zlib's uncompress() reads), LZO (lzo1x_1, read
 * by lzo1x_decompress_safe), snappy (its raw format, src/compress/snappy.h),
 * zstd (a zstd frame) — makedumpfile's -c, -l, -p and -z, and what crash
 * decompresses. A page that does not shrink is stored as it is.
 *
 * A codec is per thread: it keeps the compressor's state and the output
 * buffer between pages (no allocation per page). Nothing here prints.
 */
#ifndef KX_DUMP_PAGE_CODEC_H
#define KX_DUMP_PAGE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

enum kx_dump_codec {
	KX_DUMP_RAW,   /* pages stored as they are */
	KX_DUMP_ZLIB,  /* -c */
	KX_DUMP_LZO,   /* -l */
	KX_DUMP_ZSTD,  /* -z */
	KX_DUMP_SNAPPY, /* -p */
};

const char *kx_dump_codec_name(enum kx_dump_codec codec);

struct kx_page_codec {
	enum kx_dump_codec codec;
	size_t page_size;
	void *state;      /* libdeflate compressor, LZO work memory, ZSTD_CCtx or snappy's table */
	uint8_t *out;     /* the last page's compressed bytes */
	size_t out_cap;
};

int kx_page_codec_init(struct kx_page_codec *c, enum kx_dump_codec codec, size_t page_size,
		       struct kx_error *err);
void kx_page_codec_free(struct kx_page_codec *c);

/*
 * Compress one page (page_size bytes) into c->out. Returns the compressed
 * size, or 0 when the page is to be stored as it is (KX_DUMP_RAW, or the
 * result would not be smaller than the page).
 */
size_t kx_page_codec_compress(struct kx_page_codec *c, const uint8_t *page);

/*
 * Decompress `in` (a page stored with `codec`) into `out`, which must then
 * hold exactly page_size bytes; anything else is KX_E_INPUT naming `what`.
 */
int kx_page_codec_decompress(enum kx_dump_codec codec, const uint8_t *in, size_t in_len, uint8_t *out,
			     size_t page_size, const char *what, struct kx_error *err);

#endif
