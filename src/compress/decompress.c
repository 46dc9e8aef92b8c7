// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming decompression through the system libraries. Every decoder runs
 * the same loop: ask the sink for an output window, let the library fill it,
 * commit what it produced. The sink either writes 1 MiB chunks to a memfd or
 * fills the caller's buffer, and enforces the size cap in both cases by
 * never offering more room than the cap allows: one byte past the cap goes to
 * a spill byte and turns into the error.
 *
 * The rules for what may follow a stream are in compress.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define ZLIB_CONST          /* z_stream.next_in is const */

#include "compress.h"

#include <bzlib.h>
#include <errno.h>
#include <inttypes.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* Unit of writes to the memfd. */
#define CHUNK_SIZE ((size_t)MiB)
/* Largest window or input slice handed to a library in one call: zlib and
 * libbz2 count in unsigned int. */
#define STEP_MAX ((size_t)GiB)

#define LZ4_LEGACY_MAGIC 0x184C2102u
/* lz4 -l (and so the kernel build) cuts the input in 8 MiB blocks; the
 * kernel's unlz4 decodes each into an 8 MiB buffer. */
#define LZ4_LEGACY_BLOCK (8 * MiB)
/* Skippable frames of the zstd and lz4 frame formats: 0x184D2A50..5F. */
#define SKIPPABLE_MAGIC 0x184D2A50u
#define SKIPPABLE_MASK 0xFFFFFFF0u

struct sink {
	int fd;            /* memfd, or -1 when filling a caller's buffer */
	uint8_t *buf;      /* chunk (memfd) or the caller's buffer */
	size_t buf_size;
	size_t used;       /* bytes of buf filled and not yet written */
	uint64_t total;    /* bytes produced so far */
	uint64_t cap;
	uint8_t spill[1];  /* catches the first byte past the cap */
};

struct dctx {
	const char *name;
	enum kx_compression comp;
	struct sink sink;
	struct kx_error *err;
};

enum kx_compression kx_compression_detect(struct kx_bytes d)
{
	static const struct {
		enum kx_compression c;
		uint8_t len;
		uint8_t magic[6];
	} magics[] = {
		{ KX_COMP_GZIP, 2, { 0x1F, 0x8B } },
		{ KX_COMP_XZ, 6, { 0xFD, '7', 'z', 'X', 'Z', 0x00 } },
		{ KX_COMP_LZMA, 3, { 0x5D, 0x00, 0x00 } },
		{ KX_COMP_ZSTD, 4, { 0x28, 0xB5, 0x2F, 0xFD } },
		{ KX_COMP_LZ4_LEGACY, 4, { 0x02, 0x21, 0x4C, 0x18 } },
		{ KX_COMP_LZ4_FRAME, 4, { 0x04, 0x22, 0x4D, 0x18 } },
		{ KX_COMP_LZO, 4, { 0x89, 'L', 'Z', 'O' } },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if (d.size >= magics[i].len &&
		    memcmp(d.data, magics[i].magic, magics[i].len) == 0)
			return magics[i].c;
	}
	/* "BZh" alone matches text too often; the block size digit follows. */
	if (d.size >= 4 && memcmp(d.data, "BZh", 3) == 0 &&
	    d.data[3] >= '1' && d.data[3] <= '9')
		return KX_COMP_BZIP2;
	return KX_COMP_NONE;
}

const char *kx_compression_name(enum kx_compression c)
{
	switch (c) {
	case KX_COMP_NONE: return "none";
	case KX_COMP_GZIP: return "gzip";
	case KX_COMP_XZ: return "xz";
	case KX_COMP_LZMA: return "lzma";
	case KX_COMP_ZSTD: return "zstd";
	case KX_COMP_LZ4_LEGACY: return "lz4";
	case KX_COMP_LZ4_FRAME: return "lz4";
	case KX_COMP_BZIP2: return "bzip2";
	case KX_COMP_LZO: return "lzo";
	}
	return "unknown";
}

static const char *fmt_name(const struct dctx *x)
{
	return kx_compression_name(x->comp);
}

static int fail_truncated(struct dctx *x, uint64_t offset)
{
	return kx_fail(x->err, KX_E_INPUT,
		       "%s: %s data is truncated: the input ends at byte %" PRIu64
		       " before the end of the stream", x->name, fmt_name(x), offset);
}

static int fail_corrupt(struct dctx *x, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_corrupt(struct dctx *x, uint64_t offset, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* Where the decoder noticed, which is at or after the damage. */
	return kx_fail(x->err, KX_E_INPUT,
		       "%s: %s data is corrupt: %s (decoding stopped at input byte %" PRIu64 ")",
		       x->name, fmt_name(x), what, offset);
}

static int fail_nomem(struct dctx *x)
{
	return kx_fail(x->err, KX_E_NOMEM, "%s: out of memory while decompressing %s data",
		       x->name, fmt_name(x));
}

/* A library refused a call that only fails on a programming error. */
static int fail_internal(struct dctx *x, const char *call, long code)
{
	return kx_fail(x->err, KX_E_INPUT, "%s: %s decoder: %s failed (%ld)",
		       x->name, fmt_name(x), call, code);
}

static int fail_too_big(struct dctx *x)
{
	if (x->sink.fd >= 0)
		return kx_fail(x->err, KX_E_INPUT,
			       "%s: decompressed %s data exceeds the cap of %" PRIu64
			       " bytes; refusing a possible decompression bomb",
			       x->name, fmt_name(x), x->sink.cap);
	return kx_fail(x->err, KX_E_INPUT,
		       "%s: decompressed %s data does not fit in the %zu-byte buffer reserved for it",
		       x->name, fmt_name(x), x->sink.buf_size);
}

/* Where the decoder may write next; never empty, never past the cap (but
 * for the spill byte). */
static void sink_window(struct sink *s, uint8_t **ret_p, size_t *ret_n)
{
	size_t n;

	if (s->total >= s->cap) {
		*ret_p = s->spill;
		*ret_n = sizeof(s->spill);
		return;
	}
	/* In memfd mode a full chunk has been flushed, so used < buf_size; in
	 * buffer mode used == total < cap == buf_size. */
	n = s->buf_size - s->used;
	if (n > s->cap - s->total)
		n = (size_t)(s->cap - s->total);
	if (n > STEP_MAX)
		n = STEP_MAX;
	*ret_p = s->buf + s->used;
	*ret_n = n;
}

/* Is every byte of the `n` bytes at `p` zero? (memcmp against itself
 * shifted by one: the library's speed, no instrumented byte loop) */
static bool chunk_is_zero(const uint8_t *p, size_t n)
{
	return n && p[0] == 0 && !memcmp(p, p + 1, n - 1);
}

static int sink_flush(struct dctx *x)
{
	struct sink *s = &x->sink;
	size_t done = 0;

	if (s->fd < 0)
		return 0;
	/* A chunk of zeros is skipped, not written: it stays a hole in the
	 * memfd (the size is set at the end), reads back as zeros and takes
	 * no memory. So zero padding costs nothing, and neither does a bomb
	 * of zeros on its way to the cap. */
	if (chunk_is_zero(s->buf, s->used)) {
		if (lseek(s->fd, (off_t)s->used, SEEK_CUR) < 0)
			return kx_fail_errno(x->err, KX_E_IO, errno, "%s: cannot seek in the memfd", x->name);
		s->used = 0;
		return 0;
	}
	while (done < s->used) {
		ssize_t r = write(s->fd, s->buf + done, s->used - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return kx_fail_errno(x->err, KX_E_IO, r < 0 ? errno : ENOSPC,
					     "%s: cannot write decompressed data to the memfd",
					     x->name);
		done += (size_t)r;
	}
	s->used = 0;
	return 0;
}

/* The decoder wrote `n` bytes into the last window. */
static int sink_commit(struct dctx *x, size_t n)
{
	struct sink *s = &x->sink;

	if (n == 0)
		return 0;
	if (s->total >= s->cap)
		return fail_too_big(x);
	s->used += n;
	s->total += n;
	if (s->fd >= 0 && s->used == s->buf_size)
		return sink_flush(x);
	return 0;
}

static int sink_write(struct dctx *x, const uint8_t *data, size_t len)
{
	while (len) {
		uint8_t *win;
		size_t n;

		sink_window(&x->sink, &win, &n);
		if (n > len)
			n = len;
		memcpy(win, data, n);
		if (sink_commit(x, n) < 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

static bool all_zero(struct kx_bytes b)
{
	for (size_t i = 0; i < b.size; i++)
		if (b.data[i])
			return false;
	return true;
}

/* Does another stream of the same format start at the beginning of `rest`? */
static bool next_stream_starts(enum kx_compression c, struct kx_bytes rest)
{
	uint32_t magic;

	switch (c) {
	case KX_COMP_GZIP:
	case KX_COMP_XZ:
	case KX_COMP_BZIP2:
	case KX_COMP_LZO:
		return kx_compression_detect(rest) == c;
	case KX_COMP_ZSTD:
	case KX_COMP_LZ4_FRAME:
		if (kx_compression_detect(rest) == c)
			return true;
		/* The libraries skip skippable frames themselves. */
		return kx_le32(rest, 0, &magic) &&
		       (magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC;
	default:
		/* .lzma holds one stream; lz4 legacy handles its own magics. */
		return false;
	}
}

/* The kernel build's "size_append": le32 decompressed size, then zeros. */
static bool is_size_trailer(const struct dctx *x, struct kx_bytes rest)
{
	uint32_t v;

	return kx_le32(rest, 0, &v) && v == (uint32_t)x->sink.total &&
	       all_zero(kx_bytes_sub(rest, 4, rest.size - 4));
}

/*
 * After a complete stream ending at `end`: 1 and *ret_next when another
 * stream follows, 0 when the input is done, -1 on an error.
 */
static int after_stream(struct dctx *x, struct kx_bytes in, size_t end, size_t *ret_next)
{
	struct kx_bytes rest = kx_bytes_sub(in, end, in.size - end);
	size_t zeros = 0;

	if (next_stream_starts(x->comp, rest)) {
		*ret_next = end;
		return 1;
	}
	while (zeros < rest.size && rest.data[zeros] == 0)
		zeros++;
	if (zeros == rest.size)
		return 0;
	/* xz stream padding: multiples of four zero bytes between streams. */
	if (x->comp == KX_COMP_XZ && zeros % 4 == 0 &&
	    next_stream_starts(x->comp, kx_bytes_sub(rest, zeros, rest.size - zeros))) {
		*ret_next = end + zeros;
		return 1;
	}
	if (is_size_trailer(x, rest))
		return 0;
	if (x->comp == KX_COMP_GZIP || x->comp == KX_COMP_BZIP2)
		return 0;
	return kx_fail(x->err, KX_E_INPUT,
		       "%s: unexpected data after the end of the %s stream at byte %zu",
		       x->name, fmt_name(x), end + zeros);
}

static int gzip_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	z_stream zs;
	size_t pos = start;     /* input handed to zlib so far */
	int zr, ret = -1;

	memset(&zs, 0, sizeof(zs));
	/* 16 + 15: a gzip wrapper (header, CRC32 and ISIZE checked), 32 KiB window. */
	zr = inflateInit2(&zs, 16 + MAX_WBITS);
	if (zr != Z_OK)
		return zr == Z_MEM_ERROR ? fail_nomem(x) : fail_internal(x, "inflateInit2", zr);
	for (;;) {
		uint8_t *win;
		size_t n, produced, offset;
		uInt avail_in;

		if (zs.avail_in == 0 && pos < in.size) {
			size_t step = in.size - pos < STEP_MAX ? in.size - pos : STEP_MAX;
			zs.next_in = in.data + pos;
			zs.avail_in = (uInt)step;
			pos += step;
		}
		avail_in = zs.avail_in;
		sink_window(&x->sink, &win, &n);
		zs.next_out = win;
		zs.avail_out = (uInt)n;
		zr = inflate(&zs, Z_NO_FLUSH);
		produced = n - zs.avail_out;
		offset = pos - zs.avail_in;
		if (zr == Z_MEM_ERROR) {
			fail_nomem(x);
			break;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			fail_corrupt(x, offset, "zlib: %s", zs.msg ? zs.msg : zError(zr));
			break;
		}
		if (sink_commit(x, produced) < 0)
			break;
		if (zr == Z_STREAM_END) {
			*ret_end = offset;
			ret = 0;
			break;
		}
		if (zs.avail_out > 0 && zs.avail_in == 0 && pos == in.size) {
			fail_truncated(x, offset);
			break;
		}
		if (produced == 0 && zs.avail_in == avail_in && zs.avail_in > 0) {
			fail_corrupt(x, offset, "zlib makes no progress");
			break;
		}
	}
	inflateEnd(&zs);
	return ret;
}

static const char *lzma_ret_text(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR: return "LZMA_FORMAT_ERROR (the header is not valid)";
	case LZMA_OPTIONS_ERROR: return "LZMA_OPTIONS_ERROR (unsupported options in a header)";
	case LZMA_DATA_ERROR: return "LZMA_DATA_ERROR (the compressed data is invalid or an integrity check failed)";
	case LZMA_BUF_ERROR: return "LZMA_BUF_ERROR (no progress is possible)";
	case LZMA_UNSUPPORTED_CHECK: return "LZMA_UNSUPPORTED_CHECK";
	case LZMA_PROG_ERROR: return "LZMA_PROG_ERROR";
	default: return "unexpected return code";
	}
}

/* xz (one stream) or legacy .lzma. */
static int lzma_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_ret lr;
	int ret = -1;

	/* Without LZMA_CONCATENATED: after_stream() decides what may follow. */
	if (x->comp == KX_COMP_XZ)
		lr = lzma_stream_decoder(&ls, KX_DECOMPRESS_MEMLIMIT, 0);
	else
		lr = lzma_alone_decoder(&ls, KX_DECOMPRESS_MEMLIMIT);
	if (lr != LZMA_OK)
		return lr == LZMA_MEM_ERROR ? fail_nomem(x) : fail_internal(x, "decoder init", lr);
	ls.next_in = in.data + start;
	ls.avail_in = in.size - start;
	for (;;) {
		uint8_t *win;
		size_t n;
		uint64_t offset;

		sink_window(&x->sink, &win, &n);
		ls.next_out = win;
		ls.avail_out = n;
		lr = lzma_code(&ls, LZMA_FINISH);
		offset = start + ls.total_in;
		if (lr == LZMA_MEM_ERROR) {
			fail_nomem(x);
			break;
		}
		if (lr == LZMA_MEMLIMIT_ERROR) {
			kx_fail(x->err, KX_E_INPUT,
				"%s: %s data needs %" PRIu64 " bytes of memory to decompress (its header's "
				"dictionary and the decoder), more than the limit of %llu (%llu MiB)",
				x->name, fmt_name(x), (uint64_t)lzma_memusage(&ls), KX_DECOMPRESS_MEMLIMIT,
				KX_DECOMPRESS_MEMLIMIT / MiB);
			break;
		}
		if (lr == LZMA_BUF_ERROR) {
			/* LZMA_FINISH with all input given: it ran out of input. */
			fail_truncated(x, offset);
			break;
		}
		if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			fail_corrupt(x, offset, "liblzma: %s", lzma_ret_text(lr));
			break;
		}
		if (sink_commit(x, n - ls.avail_out) < 0)
			break;
		if (lr == LZMA_STREAM_END) {
			*ret_end = (size_t)offset;
			ret = 0;
			break;
		}
		if (ls.avail_out > 0 && ls.avail_in == 0) {
			fail_truncated(x, offset);
			break;
		}
	}
	lzma_end(&ls);
	return ret;
}

/* One zstd frame (or skippable frame); frames without a content size work
 * like any other, as the output is streamed. */
static int zstd_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer zin = { in.data + start, in.size - start, 0 };
	int ret = -1;

	if (!d)
		return fail_nomem(x);
	size_t r0 = ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX);
	if (ZSTD_isError(r0)) {
		ZSTD_freeDCtx(d);
		return fail_internal(x, "ZSTD_DCtx_setParameter", (long)ZSTD_getErrorCode(r0));
	}
	for (;;) {
		uint8_t *win;
		size_t n, r;
		ZSTD_outBuffer zout;

		sink_window(&x->sink, &win, &n);
		zout = (ZSTD_outBuffer){ win, n, 0 };
		r = ZSTD_decompressStream(d, &zout, &zin);
		if (ZSTD_isError(r)) {
			ZSTD_ErrorCode code = ZSTD_getErrorCode(r);
			if (code == ZSTD_error_memory_allocation)
				fail_nomem(x);
			else if (code == ZSTD_error_frameParameter_windowTooLarge)
				kx_fail(x->err, KX_E_INPUT,
					"%s: zstd frame at byte %zu needs a window larger than %llu bytes (2^%d), the "
					"most kexec-ng gives: %s", x->name, start,
					1ULL << KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX, KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX,
					ZSTD_getErrorName(r));
			else
				fail_corrupt(x, start + zin.pos, "zstd: %s", ZSTD_getErrorName(r));
			break;
		}
		if (sink_commit(x, zout.pos) < 0)
			break;
		if (r == 0) {
			/* Frame decoded and fully flushed; zin.pos is its end. */
			*ret_end = start + zin.pos;
			ret = 0;
			break;
		}
		if (zin.pos == zin.size && zout.pos < zout.size) {
			fail_truncated(x, start + zin.pos);
			break;
		}
	}
	ZSTD_freeDCtx(d);
	return ret;
}

static int lz4f_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	LZ4F_dctx *d;
	LZ4F_errorCode_t e;
	size_t pos = start;
	int ret = -1;

	e = LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
	if (LZ4F_isError(e))
		return fail_nomem(x);
	for (;;) {
		uint8_t *win;
		size_t n, src_size, dst_size, r;

		sink_window(&x->sink, &win, &n);
		src_size = in.size - pos;
		dst_size = n;
		r = LZ4F_decompress(d, win, &dst_size, in.data + pos, &src_size, NULL);
		pos += src_size;
		if (LZ4F_isError(r)) {
			fail_corrupt(x, pos, "lz4: %s", LZ4F_getErrorName(r));
			break;
		}
		if (sink_commit(x, dst_size) < 0)
			break;
		if (r == 0) {
			*ret_end = pos;
			ret = 0;
			break;
		}
		if (pos == in.size && dst_size < n) {
			fail_truncated(x, pos);
			break;
		}
		if (src_size == 0 && dst_size == 0) {
			fail_corrupt(x, pos, "lz4: the decoder makes no progress");
			break;
		}
	}
	LZ4F_freeDecompressionContext(d);
	return ret;
}

/*
 * lz4 legacy: magic, then blocks of le32 compressed size + data, each at
 * most LZ4_LEGACY_BLOCK once decompressed. LZ4_decompress_safe() needs a
 * whole block's output at once, hence the block buffer (8 MiB, not the
 * whole output).
 */
static int lz4_legacy_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	const uint32_t bound = (uint32_t)LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK);
	uint8_t *block = malloc(LZ4_LEGACY_BLOCK);
	size_t pos = start;
	int ret = -1;

	if (!block)
		return fail_nomem(x);
	if (kx_compression_detect(kx_bytes_sub(in, start, in.size - start)) != KX_COMP_LZ4_LEGACY) {
		free(block);
		return fail_corrupt(x, start, "no lz4 legacy magic (02 21 4C 18)");
	}
	for (;;) {
		struct kx_bytes rest = kx_bytes_sub(in, pos, in.size - pos);
		uint32_t size;
		int r;

		if (rest.size == 0 || all_zero(rest)) {
			/* End of input, or zero padding (a zero block size ends the
			 * stream in the kernel's unlz4). */
			ret = 0;
			break;
		}
		if (!kx_le32(rest, 0, &size)) {
			fail_truncated(x, in.size);
			break;
		}
		if (size == LZ4_LEGACY_MAGIC) {
			/* A concatenated stream (cat a.lz4 b.lz4). */
			pos += 4;
			continue;
		}
		if (size == 0) {
			/* End of stream; after_stream() checks the rest. */
			ret = 0;
			break;
		}
		if (size > bound || size > rest.size - 4) {
			if (is_size_trailer(x, rest)) {
				ret = 0;
				break;
			}
			if (size > bound)
				fail_corrupt(x, pos, "lz4 legacy block size %" PRIu32
					     " is larger than the largest possible block (%" PRIu32 " bytes)",
					     size, bound);
			else
				fail_truncated(x, in.size);
			break;
		}
		r = LZ4_decompress_safe((const char *)rest.data + 4, (char *)block, (int)size,
					(int)LZ4_LEGACY_BLOCK);
		if (r < 0) {
			fail_corrupt(x, pos, "lz4 legacy block of %" PRIu32
				     " bytes does not decode to at most %llu bytes (LZ4_decompress_safe returned %d)",
				     size, LZ4_LEGACY_BLOCK, r);
			break;
		}
		if (sink_write(x, block, (size_t)r) < 0)
			break;
		pos += 4 + (size_t)size;
	}
	free(block);
	if (ret == 0)
		*ret_end = pos;
	return ret;
}

static int bzip2_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	bz_stream bs;
	size_t pos = start;
	int br, ret = -1;

	memset(&bs, 0, sizeof(bs));
	br = BZ2_bzDecompressInit(&bs, 0, 0);
	if (br != BZ_OK)
		return br == BZ_MEM_ERROR ? fail_nomem(x) : fail_internal(x, "BZ2_bzDecompressInit", br);
	for (;;) {
		uint8_t *win;
		size_t n, produced, offset;
		unsigned int avail_in;

		if (bs.avail_in == 0 && pos < in.size) {
			size_t step = in.size - pos < STEP_MAX ? in.size - pos : STEP_MAX;
			/* libbz2 does not write through next_in; its API lacks const. */
			bs.next_in = (char *)(uintptr_t)(in.data + pos);
			bs.avail_in = (unsigned int)step;
			pos += step;
		}
		avail_in = bs.avail_in;
		sink_window(&x->sink, &win, &n);
		bs.next_out = (char *)win;
		bs.avail_out = (unsigned int)n;
		br = BZ2_bzDecompress(&bs);
		produced = n - bs.avail_out;
		offset = pos - bs.avail_in;
		if (br == BZ_MEM_ERROR) {
			fail_nomem(x);
			break;
		}
		if (br == BZ_DATA_ERROR || br == BZ_DATA_ERROR_MAGIC) {
			fail_corrupt(x, offset, "libbz2: %s", br == BZ_DATA_ERROR ?
				     "BZ_DATA_ERROR (a CRC check failed or a block is invalid)" :
				     "BZ_DATA_ERROR_MAGIC (bad stream magic)");
			break;
		}
		if (br != BZ_OK && br != BZ_STREAM_END) {
			fail_internal(x, "BZ2_bzDecompress", br);
			break;
		}
		if (sink_commit(x, produced) < 0)
			break;
		if (br == BZ_STREAM_END) {
			*ret_end = offset;
			ret = 0;
			break;
		}
		if (bs.avail_out > 0 && bs.avail_in == 0 && pos == in.size) {
			fail_truncated(x, offset);
			break;
		}
		if (produced == 0 && bs.avail_in == avail_in && bs.avail_in > 0) {
			fail_corrupt(x, offset, "libbz2 makes no progress");
			break;
		}
	}
	BZ2_bzDecompressEnd(&bs);
	return ret;
}

/*
 * lzop (what the kernel build's "lzop -9" writes, and lib/decompress_unlzo.c
 * reads): the 9-byte magic, a header (its size depends on the version and
 * the flags), then blocks of dst_len, src_len, optional checksums and
 * src_len bytes (stored when src_len == dst_len), up to a dst_len of 0.
 * Blocks are decoded by liblzo2's lzo1x_decompress_safe; every checksum the
 * header announces is verified (the kernel's own decoder skips them).
 */
#define LZOP_MAGIC_LEN 9
#define LZOP_F_ADLER32_D 0x1u
#define LZOP_F_ADLER32_C 0x2u
#define LZOP_F_H_EXTRA_FIELD 0x40u
#define LZOP_F_CRC32_D 0x100u
#define LZOP_F_CRC32_C 0x200u
#define LZOP_F_H_FILTER 0x800u
#define LZOP_F_H_CRC32 0x1000u
#define LZOP_BLOCK_MAX (64 * MiB)   /* lzop's MAX_BLOCK_SIZE */

static bool be32_at(struct kx_bytes in, size_t *pos, uint32_t *ret)
{
	if (!kx_span_ok(in.size, *pos, 4))
		return false;
	const uint8_t *p = in.data + *pos;
	*ret = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	*pos += 4;
	return true;
}

/* The header from `start`: its flags, and *pos after it. */
static int lzop_header(struct dctx *x, struct kx_bytes in, size_t start, uint32_t *ret_flags, size_t *pos)
{
	static const uint8_t magic[LZOP_MAGIC_LEN] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };
	uint32_t u32 = 0, flags;

	if (!kx_span_ok(in.size, start, LZOP_MAGIC_LEN + 7) || memcmp(in.data + start, magic, LZOP_MAGIC_LEN))
		return in.size - start < LZOP_MAGIC_LEN + 7 ? fail_truncated(x, in.size) :
		       fail_corrupt(x, start, "no lzop magic (89 4C 5A 4F 00 0D 0A 1A 0A)");
	const uint8_t *h = in.data + start + LZOP_MAGIC_LEN;
	uint16_t version = (uint16_t)(h[0] << 8 | h[1]);
	*pos = start + LZOP_MAGIC_LEN + 4 + (version >= 0x0940 ? 2 : 0);   /* version, lib, needed */
	uint8_t method = in.data[*pos];
	*pos += 1 + (version >= 0x0940 ? 1 : 0);                          /* method, level */
	if (method < 1 || method > 3)
		return fail_corrupt(x, *pos, "lzop method %u is not LZO1X (1, 2 or 3)", method);
	if (!be32_at(in, pos, &flags))
		return fail_truncated(x, in.size);
	if (flags & LZOP_F_H_EXTRA_FIELD)
		return fail_corrupt(x, *pos, "lzop header has an extra field (flag 0x40), which no kernel build writes");
	if ((flags & LZOP_F_H_FILTER) && !be32_at(in, pos, &u32))
		return fail_truncated(x, in.size);
	/* mode, mtime (and its high half from 0.94) */
	*pos += 8 + (version >= 0x0940 ? 4 : 0);
	if (!kx_span_ok(in.size, *pos, 1) || !kx_span_ok(in.size, *pos + 1, in.data[*pos] + 4u))
		return fail_truncated(x, in.size);
	size_t hdr_end = *pos + 1 + in.data[*pos];        /* the name, then the header's checksum */
	struct kx_bytes hdr = kx_bytes_sub(in, start + LZOP_MAGIC_LEN, hdr_end - start - LZOP_MAGIC_LEN);
	uint32_t want = flags & LZOP_F_H_CRC32 ? lzo_crc32(0, hdr.data, (lzo_uint)hdr.size) :
		      lzo_adler32(1, hdr.data, (lzo_uint)hdr.size);
	*pos = hdr_end;
	be32_at(in, pos, &u32);
	if (u32 != want)
		return fail_corrupt(x, hdr_end, "lzop header checksum 0x%08" PRIx32 " is not the header's (0x%08" PRIx32 ")",
				    u32, want);
	*ret_flags = flags;
	return 0;
}

/* The checksum a block's bytes must have, as the header's flags choose. */
static bool lzop_sum_ok(uint32_t flags, uint32_t adler_flag, uint32_t crc_flag, uint32_t want,
			const uint8_t *data, size_t len)
{
	if (flags & adler_flag)
		return lzo_adler32(1, data, (lzo_uint)len) == want;
	if (flags & crc_flag)
		return lzo_crc32(0, data, (lzo_uint)len) == want;
	return true;
}

static int lzop_one(struct dctx *x, struct kx_bytes in, size_t start, size_t *ret_end)
{
	uint32_t flags = 0, dst_len, src_len, sum_d = 0, sum_c = 0;
	size_t pos = 0;
	uint8_t *block = NULL;
	int ret = -1;

	if (lzo_init() != LZO_E_OK)
		return fail_internal(x, "lzo_init", 0);
	if (lzop_header(x, in, start, &flags, &pos) < 0)
		return -1;
	for (;;) {
		size_t at = pos;
		if (!be32_at(in, &pos, &dst_len)) {
			fail_truncated(x, in.size);
			break;
		}
		if (dst_len == 0) {
			*ret_end = pos;
			ret = 0;
			break;
		}
		bool has_d = flags & (LZOP_F_ADLER32_D | LZOP_F_CRC32_D);
		if (!be32_at(in, &pos, &src_len) || (has_d && !be32_at(in, &pos, &sum_d))) {
			fail_truncated(x, in.size);
			break;
		}
		if (dst_len > LZOP_BLOCK_MAX || src_len > dst_len || src_len == 0) {
			fail_corrupt(x, at, "lzop block of %" PRIu32 " bytes from %" PRIu32 " (at most %llu, and no "
				     "larger compressed than plain)", dst_len, src_len, LZOP_BLOCK_MAX);
			break;
		}
		bool has_c = src_len < dst_len && (flags & (LZOP_F_ADLER32_C | LZOP_F_CRC32_C));
		if ((has_c && !be32_at(in, &pos, &sum_c)) || !kx_span_ok(in.size, pos, src_len)) {
			fail_truncated(x, in.size);
			break;
		}
		const uint8_t *src = in.data + pos, *out = src;
		if (has_c && !lzop_sum_ok(flags, LZOP_F_ADLER32_C, LZOP_F_CRC32_C, sum_c, src, src_len)) {
			fail_corrupt(x, pos, "lzop block's compressed bytes do not match their checksum");
			break;
		}
		if (src_len < dst_len) {
			lzo_uint got = dst_len;
			uint8_t *grown = realloc(block, dst_len);
			if (!grown) {
				fail_nomem(x);
				break;
			}
			block = grown;
			int lr = lzo1x_decompress_safe(src, src_len, block, &got, NULL);
			if (lr != LZO_E_OK || got != dst_len) {
				fail_corrupt(x, pos, "lzop block does not decode to its %" PRIu32 " bytes "
					     "(lzo1x_decompress_safe returned %d, %lu bytes)", dst_len, lr,
					     (unsigned long)got);
				break;
			}
			out = block;
		}
		if (has_d && !lzop_sum_ok(flags, LZOP_F_ADLER32_D, LZOP_F_CRC32_D, sum_d, out, dst_len)) {
			fail_corrupt(x, pos, "lzop block's decompressed bytes do not match their checksum");
			break;
		}
		if (sink_write(x, out, dst_len) < 0)
			break;
		pos += src_len;
	}
	free(block);
	return ret;
}

static int check_supported(enum kx_compression c, const char *name, struct kx_error *err)
{
	switch (c) {
	case KX_COMP_GZIP:
	case KX_COMP_XZ:
	case KX_COMP_LZMA:
	case KX_COMP_ZSTD:
	case KX_COMP_LZ4_LEGACY:
	case KX_COMP_LZ4_FRAME:
	case KX_COMP_BZIP2:
	case KX_COMP_LZO:
		return 0;
	case KX_COMP_NONE:
		break;
	}
	return kx_fail(err, KX_E_FORMAT, "%s: not a known compressed format", name);
}

static int decode_all(struct dctx *x, struct kx_bytes in)
{
	size_t pos = 0;

	if (in.size == 0)
		return fail_truncated(x, 0);
	for (;;) {
		size_t end = 0;
		int r;

		switch (x->comp) {
		case KX_COMP_GZIP:
			r = gzip_one(x, in, pos, &end);
			break;
		case KX_COMP_XZ:
		case KX_COMP_LZMA:
			r = lzma_one(x, in, pos, &end);
			break;
		case KX_COMP_ZSTD:
			r = zstd_one(x, in, pos, &end);
			break;
		case KX_COMP_LZ4_FRAME:
			r = lz4f_one(x, in, pos, &end);
			break;
		case KX_COMP_LZ4_LEGACY:
			r = lz4_legacy_one(x, in, pos, &end);
			break;
		case KX_COMP_BZIP2:
			r = bzip2_one(x, in, pos, &end);
			break;
		case KX_COMP_LZO:
			r = lzop_one(x, in, pos, &end);
			break;
		default:
			return check_supported(x->comp, x->name, x->err);
		}
		if (r < 0)
			return r;
		r = after_stream(x, in, end, &pos);
		if (r <= 0)
			return r;
	}
}

int kx_decompress_to_file(struct kx_bytes in, enum kx_compression c, const char *name,
			  uint64_t cap, struct kx_file *ret, struct kx_error *err)
{
	struct dctx x = { .name = name, .comp = c, .err = err };
	int fd, r;

	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	if (check_supported(c, name, err) < 0)
		return -1;
	fd = kx_memfd_create(name, err);
	if (fd < 0)
		return -1;
	x.sink = (struct sink){ .fd = fd, .buf_size = CHUNK_SIZE, .cap = cap };
	x.sink.buf = malloc(CHUNK_SIZE);
	if (!x.sink.buf)
		r = fail_nomem(&x);
	else
		r = decode_all(&x, in);
	if (r == 0)
		r = sink_flush(&x);
	/* the size, including zeros skipped at the end (sink_flush) */
	if (r == 0 && ftruncate(fd, (off_t)x.sink.total) < 0)
		r = kx_fail_errno(err, KX_E_IO, errno, "%s: cannot set the memfd's size", name);
	if (r == 0 && x.sink.total == 0)
		r = kx_fail(err, KX_E_INPUT, "%s: the %s data decompresses to zero bytes",
			    name, kx_compression_name(c));
	free(x.sink.buf);
	if (r < 0) {
		close(fd);
		return -1;
	}
	/* Takes ownership of fd, also on failure. */
	return kx_file_from_memfd(ret, fd, name, err);
}

int kx_decompress_to_buffer(struct kx_bytes in, enum kx_compression c, const char *name,
			    uint8_t *out, size_t out_size, size_t *ret_len,
			    struct kx_error *err)
{
	struct dctx x = { .name = name, .comp = c, .err = err };

	*ret_len = 0;
	if (check_supported(c, name, err) < 0)
		return -1;
	x.sink = (struct sink){ .fd = -1, .buf = out, .buf_size = out_size, .cap = out_size };
	if (decode_all(&x, in) < 0)
		return -1;
	*ret_len = (size_t)x.sink.total;
	return 0;
}
