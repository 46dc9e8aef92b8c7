// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_codec.h"

#include <libdeflate.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "../compress/snappy.h"

const char *kx_dump_codec_name(enum kx_dump_codec codec)
{
	switch (codec) {
	case KX_DUMP_RAW: return "none";
	case KX_DUMP_ZLIB: return "zlib";
	case KX_DUMP_LZO: return "lzo";
	case KX_DUMP_ZSTD: return "zstd";
	case KX_DUMP_SNAPPY: return "snappy";
	}
	return "?";
}

/* The worst case of each codec for one page: the output buffer holds it,
 * so no compressor ever stops for want of room. */
static size_t worst_case(enum kx_dump_codec codec, size_t page_size)
{
	switch (codec) {
	case KX_DUMP_ZLIB: return compressBound((uLong)page_size); /* >= libdeflate's bound */
	case KX_DUMP_LZO: return page_size + page_size / 16 + 64 + 3; /* lzo1x's documented bound */
	case KX_DUMP_ZSTD: return ZSTD_compressBound(page_size);
	case KX_DUMP_SNAPPY: return kx_snappy_bound(page_size);
	case KX_DUMP_RAW: break;
	}
	return page_size;
}

int kx_page_codec_init(struct kx_page_codec *c, enum kx_dump_codec codec, size_t page_size,
		       struct kx_error *err)
{
	memset(c, 0, sizeof(*c));
	c->codec = codec;
	c->page_size = page_size;
	c->out_cap = worst_case(codec, page_size);
	c->out = malloc(c->out_cap);
	if (!c->out)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	switch (codec) {
	case KX_DUMP_RAW:
		break;
	case KX_DUMP_ZLIB:
		/* The zlib stream makedumpfile's -c writes (zlib's compress2
		 * at Z_BEST_SPEED), made by libdeflate: a whole page in one
		 * call, faster than zlib's streaming deflate (README,
		 * Benchmark). Its level 2, not 1: on a 2 GiB guest's core its
		 * level 1 made the file 1% larger than zlib's level 1, its
		 * level 2 2% smaller, still 1.5 times as fast per page. */
		c->state = libdeflate_alloc_compressor(2);
		if (!c->state) {
			kx_page_codec_free(c);
			return kx_fail(err, KX_E_NOMEM, "libdeflate: cannot set up the compressor");
		}
		break;
	case KX_DUMP_LZO:
		if (lzo_init() != LZO_E_OK) {
			kx_page_codec_free(c);
			return kx_fail(err, KX_E_SYSTEM, "lzo_init failed");
		}
		c->state = malloc(LZO1X_1_MEM_COMPRESS);
		if (!c->state) {
			kx_page_codec_free(c);
			return kx_fail(err, KX_E_NOMEM, "out of memory");
		}
		break;
	case KX_DUMP_ZSTD:
		c->state = ZSTD_createCCtx();
		if (!c->state ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(c->state, ZSTD_c_compressionLevel, 1))) {
			kx_page_codec_free(c);
			return kx_fail(err, KX_E_NOMEM, "zstd: cannot set up the compressor");
		}
		break;
	case KX_DUMP_SNAPPY:
		c->state = malloc(KX_SNAPPY_TABLE_ENTRIES * sizeof(uint16_t));
		if (!c->state) {
			kx_page_codec_free(c);
			return kx_fail(err, KX_E_NOMEM, "out of memory");
		}
		break;
	}
	return 0;
}

void kx_page_codec_free(struct kx_page_codec *c)
{
	if (c->state) {
		switch (c->codec) {
		case KX_DUMP_ZLIB:
			libdeflate_free_compressor(c->state);
			break;
		case KX_DUMP_LZO:
		case KX_DUMP_SNAPPY:
			free(c->state);
			break;
		case KX_DUMP_ZSTD:
			ZSTD_freeCCtx(c->state);
			break;
		case KX_DUMP_RAW:
			break;
		}
	}
	free(c->out);
	memset(c, 0, sizeof(*c));
}

size_t kx_page_codec_compress(struct kx_page_codec *c, const uint8_t *page)
{
	size_t n = 0;

	switch (c->codec) {
	case KX_DUMP_RAW:
		return 0;
	case KX_DUMP_ZLIB:
		/* 0: it did not fit below the page size */
		n = libdeflate_zlib_compress(c->state, page, c->page_size, c->out, c->page_size - 1);
		break;
	case KX_DUMP_LZO: {
		lzo_uint len = 0;
		if (lzo1x_1_compress(page, c->page_size, c->out, &len, c->state) != LZO_E_OK)
			return 0;
		n = len;
		break;
	}
	case KX_DUMP_ZSTD: {
		size_t r = ZSTD_compress2(c->state, c->out, c->out_cap, page, c->page_size);
		if (ZSTD_isError(r))
			return 0;
		n = r;
		break;
	}
	case KX_DUMP_SNAPPY:
		n = kx_snappy_compress(page, c->page_size, c->out, c->state);
		break;
	}
	return n < c->page_size ? n : 0;
}

int kx_page_codec_decompress(enum kx_dump_codec codec, const uint8_t *in, size_t in_len, uint8_t *out,
			     size_t page_size, const char *what, struct kx_error *err)
{
	size_t got = 0;

	switch (codec) {
	case KX_DUMP_RAW:
		if (in_len != page_size)
			return kx_fail(err, KX_E_INPUT, "%s: stored as is in %zu bytes, not a page (%zu)", what,
				       in_len, page_size);
		memcpy(out, in, page_size);
		return 0;
	case KX_DUMP_ZLIB: {
		uLongf len = (uLongf)page_size;
		if (uncompress(out, &len, in, (uLong)in_len) != Z_OK)
			return kx_fail(err, KX_E_INPUT, "%s: not a zlib stream of at most one page", what);
		got = len;
		break;
	}
	case KX_DUMP_LZO: {
		lzo_uint len = page_size;
		if (lzo1x_decompress_safe(in, in_len, out, &len, NULL) != LZO_E_OK)
			return kx_fail(err, KX_E_INPUT, "%s: not LZO data of at most one page", what);
		got = len;
		break;
	}
	case KX_DUMP_ZSTD: {
		size_t r = ZSTD_decompress(out, page_size, in, in_len);
		if (ZSTD_isError(r))
			return kx_fail(err, KX_E_INPUT, "%s: not a zstd frame of at most one page: %s", what,
				       ZSTD_getErrorName(r));
		got = r;
		break;
	}
	case KX_DUMP_SNAPPY:
		/* checks the length it makes itself */
		return kx_snappy_decompress(in, in_len, out, page_size, what, err);
	}
	if (got != page_size)
		return kx_fail(err, KX_E_INPUT, "%s: decompresses to %zu bytes, not a page (%zu)", what, got,
			       page_size);
	return 0;
}
