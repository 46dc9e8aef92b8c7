// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/compress: every format is exercised on inputs made here, at test time,
 * with each library's own compressor (no command-line tools, no fixtures on
 * disk). A broken input is a good one with one thing changed, and the test
 * asserts the error it gets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define ZLIB_CONST

#include <bzlib.h>
#include <fcntl.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "compress/compress.h"
#include "core/units.h"
#include "harness.h"

#define PAYLOAD_SIZE ((size_t)(4 * MiB))
#define NAME "vmlinuz.test"

struct buf {
	uint8_t *data;
	size_t size;
};

static struct kx_bytes as_bytes(struct buf b)
{
	return (struct kx_bytes){ b.data, b.size };
}

/* Pseudo-random but compressible, like a kernel: words and numbers. */
static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	static const char *const words[] = {
		"kexec", "kernel", "segment", "purgatory", "initrd", "cmdline",
		"memmap", "crash", "elf", "bzImage", "zboot", "\n", " ", "\t",
		"mov", "call", "ret", "0x", "push", "pop",
	};
	uint64_t s = seed | 1;
	size_t i = 0;

	while (i < n) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		if (s % 5 == 0) {
			p[i++] = (uint8_t)(s >> 24);
		} else {
			const char *w = words[(s >> 8) % (sizeof(words) / sizeof(words[0]))];
			for (size_t k = 0; w[k] && i < n; k++)
				p[i++] = (uint8_t)w[k];
		}
	}
}

static const uint8_t *payload(void)
{
	static uint8_t *p;

	if (!p) {
		p = malloc(PAYLOAD_SIZE);
		if (p)
			fill(p, PAYLOAD_SIZE, 0x6b65786563ULL);
	}
	return p;
}

enum { ZSTD_NO_CONTENT_SIZE = 1 };

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/*
 * An lzop file as `lzop -1` writes one: the magic, a version 0x1030 header
 * (Unix, adler32 of every block's plain and compressed bytes), 256 KiB
 * blocks of LZO1X-1 (a block that does not shrink is stored), a zero end.
 */
static struct buf lzop_compress_blocks(const uint8_t *src, size_t n, size_t block)
{
	static const uint8_t magic[9] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n' };
	struct buf out = { malloc(64 + n + n / 16 + (n / block + 1) * 80), 0 };
	uint8_t *wrk = malloc(LZO1X_1_MEM_COMPRESS), *p = out.data;

	if (!out.data || !wrk || lzo_init() != LZO_E_OK) {
		free(out.data);
		free(wrk);
		return (struct buf){ NULL, 0 };
	}
	memcpy(p, magic, 9);
	uint8_t *h = p + 9;
	static const uint8_t hdr[] = { 0x10, 0x30, 0x20, 0x80, 0x09, 0x40, 1, 5,   /* versions, method, level */
				       0x03, 0, 0, 0x03,                            /* flags: Unix, adler32 D+C */
				       0, 0, 0x81, 0xa4, 0, 0, 0, 0, 0, 0, 0, 0, 0 }; /* mode, mtime, no name */
	memcpy(h, hdr, sizeof(hdr));
	put_be32(h + sizeof(hdr), lzo_adler32(1, h, sizeof(hdr)));
	p = h + sizeof(hdr) + 4;
	for (size_t at = 0; at < n; at += block) {
		lzo_uint len = n - at < block ? n - at : block, clen = 0;
		uint8_t *data = p + 16;
		lzo1x_1_compress(src + at, len, data, &clen, wrk);
		put_be32(p, (uint32_t)len);
		put_be32(p + 8, lzo_adler32(1, src + at, len));
		if (clen >= len) {                  /* stored: no compressed checksum */
			put_be32(p + 4, (uint32_t)len);
			memcpy(p + 12, src + at, len);
			p += 12 + len;
			continue;
		}
		put_be32(p + 4, (uint32_t)clen);
		put_be32(p + 12, lzo_adler32(1, data, clen));
		p += 16 + clen;
	}
	put_be32(p, 0);
	out.size = (size_t)(p + 4 - out.data);
	free(wrk);
	return out;
}

static struct buf lzop_compress(const uint8_t *src, size_t n)
{
	return lzop_compress_blocks(src, n, 256 * 1024);
}

static struct buf lz4_legacy_compress(const uint8_t *src, size_t n, size_t block)
{
	size_t blocks = n / block + 1;
	size_t cap = 4 + blocks * (4 + (size_t)LZ4_compressBound((int)block));
	struct buf out = { malloc(cap), 0 };

	if (!out.data)
		return out;
	kx_put_le32(out.data, 0x184C2102);
	out.size = 4;
	for (size_t off = 0; off < n; off += block) {
		size_t len = n - off < block ? n - off : block;
		int r = LZ4_compress_default((const char *)src + off, (char *)out.data + out.size + 4,
					     (int)len, LZ4_compressBound((int)len));
		if (r <= 0) {
			free(out.data);
			return (struct buf){ NULL, 0 };
		}
		kx_put_le32(out.data + out.size, (uint32_t)r);
		out.size += 4 + (size_t)r;
	}
	return out;
}

/* Compress with the library's own encoder; data is NULL on failure. */
static struct buf compress_with(enum kx_compression c, const uint8_t *src, size_t n, int flags)
{
	struct buf out = { NULL, 0 };

	switch (c) {
	case KX_COMP_GZIP: {
		z_stream zs;
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return out;
		out.data = malloc(deflateBound(&zs, n));
		zs.next_in = src;
		zs.avail_in = (uInt)n;
		zs.next_out = out.data;
		zs.avail_out = (uInt)deflateBound(&zs, n);
		if (!out.data || deflate(&zs, Z_FINISH) != Z_STREAM_END) {
			free(out.data);
			out.data = NULL;
		}
		out.size = zs.total_out;
		deflateEnd(&zs);
		return out;
	}
	case KX_COMP_XZ: {
		size_t cap = lzma_stream_buffer_bound(n);
		out.data = malloc(cap);
		if (out.data && lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, src, n,
							out.data, &out.size, cap) != LZMA_OK) {
			free(out.data);
			out.data = NULL;
		}
		return out;
	}
	case KX_COMP_LZMA: {
		/* lzma_alone_encoder writes what `lzma` and the kernel build
		 * write: size -1 in the header and an end marker. */
		lzma_stream ls = LZMA_STREAM_INIT;
		lzma_options_lzma opt;
		size_t cap = n + n / 4 + 65536;
		lzma_ret r;

		if (lzma_lzma_preset(&opt, 1) || lzma_alone_encoder(&ls, &opt) != LZMA_OK)
			return out;
		out.data = malloc(cap);
		ls.next_in = src;
		ls.avail_in = n;
		ls.next_out = out.data;
		ls.avail_out = cap;
		r = out.data ? lzma_code(&ls, LZMA_FINISH) : LZMA_MEM_ERROR;
		if (r != LZMA_STREAM_END) {
			free(out.data);
			out.data = NULL;
		}
		out.size = ls.total_out;
		lzma_end(&ls);
		return out;
	}
	case KX_COMP_ZSTD: {
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		size_t cap = ZSTD_compressBound(n), r;

		out.data = malloc(cap);
		if (!cc || !out.data) {
			ZSTD_freeCCtx(cc);
			free(out.data);
			return (struct buf){ NULL, 0 };
		}
		ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
		/* What the zstd tool (and so the kernel build) does. */
		ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag,
				       (flags & ZSTD_NO_CONTENT_SIZE) ? 0 : 1);
		r = ZSTD_compress2(cc, out.data, cap, src, n);
		ZSTD_freeCCtx(cc);
		if (ZSTD_isError(r)) {
			free(out.data);
			return (struct buf){ NULL, 0 };
		}
		out.size = r;
		return out;
	}
	case KX_COMP_LZ4_LEGACY:
		/* 8 MiB blocks, as lz4 -l (and so the kernel build) writes. */
		return lz4_legacy_compress(src, n, 8 * MiB);
	case KX_COMP_LZ4_FRAME: {
		LZ4F_preferences_t prefs;
		size_t cap, r;

		memset(&prefs, 0, sizeof(prefs));
		prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
		prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
		cap = LZ4F_compressFrameBound(n, &prefs);
		out.data = malloc(cap);
		if (!out.data)
			return out;
		r = LZ4F_compressFrame(out.data, cap, src, n, &prefs);
		if (LZ4F_isError(r)) {
			free(out.data);
			return (struct buf){ NULL, 0 };
		}
		out.size = r;
		return out;
	}
	case KX_COMP_BZIP2: {
		unsigned int len = (unsigned int)(n + n / 100 + 600);
		out.data = malloc(len);
		if (out.data && BZ2_bzBuffToBuffCompress((char *)out.data, &len, (char *)(uintptr_t)src,
							 (unsigned int)n, 1, 0, 0) != BZ_OK) {
			free(out.data);
			out.data = NULL;
		}
		out.size = len;
		return out;
	}
	case KX_COMP_LZO:
		return lzop_compress(src, n);
	default:
		return out;
	}
}

/* The payload compressed with `c`, made once per format. */
static struct kx_bytes fixture(enum kx_compression c)
{
	static struct buf cache[KX_COMP_LZO + 1];

	if (!cache[c].data && payload())
		cache[c] = compress_with(c, payload(), PAYLOAD_SIZE, 0);
	return as_bytes(cache[c]);
}

/* A copy of `a` with `extra` bytes of room after it (zeroed). */
static struct buf copy_extra(struct kx_bytes a, size_t extra)
{
	struct buf b = { calloc(1, a.size + extra), a.size + extra };

	if (b.data)
		memcpy(b.data, a.data, a.size);
	return b;
}

static struct buf concat(struct kx_bytes a, struct kx_bytes b)
{
	struct buf r = copy_extra(a, b.size);

	if (r.data)
		memcpy(r.data + a.size, b.data, b.size);
	return r;
}

/* Decompress to a memfd and compare with `want`. */
static void expect_file(int *kx_failed_, struct kx_bytes in, enum kx_compression c,
			const uint8_t *want, size_t want_len)
{
	struct kx_error err = { 0 };
	struct kx_file f;
	int seals;

	if (kx_decompress_to_file(in, c, NAME, KX_DECOMPRESS_DEFAULT_CAP, &f, &err) < 0)
		printf("#   %s\n", err.message);
	CHECK(f.fd >= 0);
	CHECK(f.is_memfd);
	CHECK(f.path && strcmp(f.path, NAME) == 0);
	seals = fcntl(f.fd, F_GET_SEALS);
	CHECK(seals >= 0 && (seals & F_SEAL_WRITE));
	CHECK_EQ_U64(f.bytes.size, want_len);
	CHECK(memcmp(f.bytes.data, want, want_len) == 0);
	kx_file_close(&f);
}

/* Decompressing `in` fails with `status` and a message holding NAME and `phrase`. */
static void expect_error(int *kx_failed_, struct kx_bytes in, enum kx_compression c, uint64_t cap,
			 enum kx_status status, const char *phrase)
{
	struct kx_error err = { 0 };
	struct kx_file f;

	CHECK(kx_decompress_to_file(in, c, NAME, cap, &f, &err) == -1);
	CHECK(f.fd == -1 && f.bytes.data == NULL);
	kx_file_close(&f);
	printf("#   %s: %s\n", kx_compression_name(c), err.message);
	CHECK_EQ_U64(err.status, status);
	CHECK_CONTAINS(err.message, NAME);
	CHECK_CONTAINS(err.message, phrase);
}

static void check_roundtrip(int *kx_failed_, enum kx_compression c)
{
	struct kx_bytes in = fixture(c);

	CHECK(in.data);
	CHECK_EQ_U64(kx_compression_detect(in), c);
	expect_file(kx_failed_, in, c, payload(), PAYLOAD_SIZE);
}

static void check_truncated(int *kx_failed_, enum kx_compression c)
{
	struct kx_bytes in = fixture(c);
	size_t cuts[] = { in.size / 2, in.size - 1, 7 };

	CHECK(in.data);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct kx_bytes cut = { in.data, cuts[i] };
		expect_error(kx_failed_, cut, c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT, "truncated");
		if (*kx_failed_)
			return;
	}
}

static void check_corrupt(int *kx_failed_, enum kx_compression c)
{
	struct buf b = copy_extra(fixture(c), 0);
	size_t at = b.size / 2;

	CHECK(b.data);
	if (c == KX_COMP_LZ4_LEGACY) {
		/* The format has no checksum: a flipped literal goes unnoticed.
		 * Flip the top byte of the second block's size instead. */
		struct buf multi = lz4_legacy_compress(payload(), PAYLOAD_SIZE, MiB);
		uint32_t first;

		free(b.data);
		b = multi;
		CHECK(b.data && kx_le32(as_bytes(b), 4, &first));
		at = 8 + first + 3;
		CHECK(at < b.size);
	}
	b.data[at] ^= 0x55;
	expect_error(kx_failed_, as_bytes(b), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT, "corrupt");
	free(b.data);
}

static void check_cap(int *kx_failed_, enum kx_compression c)
{
	struct kx_bytes in = fixture(c);
	struct kx_error err = { 0 };
	struct kx_file f;

	CHECK(in.data);
	expect_error(kx_failed_, in, c, MiB, KX_E_INPUT, "exceeds the cap of 1048576 bytes");
	if (*kx_failed_)
		return;
	expect_error(kx_failed_, in, c, PAYLOAD_SIZE - 1, KX_E_INPUT, "cap of 4194303 bytes");
	if (*kx_failed_)
		return;
	/* Exactly at the cap is fine. */
	CHECK(kx_decompress_to_file(in, c, NAME, PAYLOAD_SIZE, &f, &err) == 0);
	CHECK_EQ_U64(f.bytes.size, PAYLOAD_SIZE);
	kx_file_close(&f);
}

static void check_zero_padding(int *kx_failed_, enum kx_compression c)
{
	/* 4099: not a multiple of four (xz's own stream padding rule). */
	struct buf b = copy_extra(fixture(c), 4099);

	CHECK(b.data);
	expect_file(kx_failed_, as_bytes(b), c, payload(), PAYLOAD_SIZE);
	free(b.data);
}

/* x86 bzImage payloads end in the le32 decompressed size ("size_append"). */
static void check_size_trailer(int *kx_failed_, enum kx_compression c)
{
	struct kx_bytes in = fixture(c);
	struct buf b = copy_extra(in, 4 + 12);

	CHECK(b.data);
	kx_put_le32(b.data + in.size, (uint32_t)PAYLOAD_SIZE);
	expect_file(kx_failed_, as_bytes(b), c, payload(), PAYLOAD_SIZE);
	/* A different size is not a size trailer. */
	kx_put_le32(b.data + in.size, (uint32_t)PAYLOAD_SIZE + 1);
	if (c == KX_COMP_GZIP || c == KX_COMP_BZIP2)
		expect_file(kx_failed_, as_bytes(b), c, payload(), PAYLOAD_SIZE);
	else if (c == KX_COMP_LZ4_LEGACY)
		expect_error(kx_failed_, as_bytes(b), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
			     "truncated");
	else
		expect_error(kx_failed_, as_bytes(b), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
			     "unexpected data after the end of the");
	free(b.data);
}

static void check_trailing_garbage(int *kx_failed_, enum kx_compression c)
{
	static const char garbage[] = "garbage! (e.g. a DTB)";
	struct kx_bytes in = fixture(c);
	struct buf b = concat(in, (struct kx_bytes){ (const uint8_t *)garbage, sizeof(garbage) });

	CHECK(b.data);
	if (c == KX_COMP_GZIP || c == KX_COMP_BZIP2) {
		/* As gzip(1), bzip2(1) and the kernel: ignored (Image.gz-dtb). */
		expect_file(kx_failed_, as_bytes(b), c, payload(), PAYLOAD_SIZE);
	} else if (c == KX_COMP_LZ4_LEGACY) {
		/* No end marker: the garbage reads as a block size. */
		expect_error(kx_failed_, as_bytes(b), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
			     "larger than the largest possible block");
	} else {
		char want[64];
		snprintf(want, sizeof(want), "stream at byte %zu", in.size);
		expect_error(kx_failed_, as_bytes(b), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT, want);
	}
	free(b.data);
}

/* cat a.gz b.gz | gzip -d, and the same for every format. */
static void check_concatenated(int *kx_failed_, enum kx_compression c)
{
	const size_t la = MiB + 12345, lb = MiB / 2;
	struct buf a = compress_with(c, payload(), la, 0);
	struct buf b = compress_with(c, payload() + la, lb, 0);
	struct buf both = concat(as_bytes(a), as_bytes(b));

	CHECK(a.data && b.data && both.data);
	if (c == KX_COMP_LZMA)
		expect_error(kx_failed_, as_bytes(both), c, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
			     "unexpected data after the end of the lzma stream");
	else
		expect_file(kx_failed_, as_bytes(both), c, payload(), la + lb);
	free(a.data);
	free(b.data);
	free(both.data);
}

static void check_to_buffer(int *kx_failed_, enum kx_compression c)
{
	struct kx_bytes in = fixture(c);
	struct kx_error err = { 0 };
	uint8_t *out = malloc(PAYLOAD_SIZE);
	size_t len = 1;

	CHECK(in.data && out);
	CHECK(kx_decompress_to_buffer(in, c, NAME, out, PAYLOAD_SIZE, &len, &err) == 0);
	CHECK_EQ_U64(len, PAYLOAD_SIZE);
	CHECK(memcmp(out, payload(), PAYLOAD_SIZE) == 0);
	/* One byte short. */
	len = 1;
	CHECK(kx_decompress_to_buffer(in, c, NAME, out, PAYLOAD_SIZE - 1, &len, &err) == -1);
	CHECK_EQ_U64(len, 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, NAME);
	CHECK_CONTAINS(err.message, "does not fit in the 4194303-byte buffer");
	/* No room at all. */
	CHECK(kx_decompress_to_buffer(in, c, NAME, NULL, 0, &len, &err) == -1);
	CHECK_CONTAINS(err.message, "does not fit in the 0-byte buffer");
	/* A broken input is reported the same way as for a file. */
	CHECK(kx_decompress_to_buffer((struct kx_bytes){ in.data, in.size / 2 }, c, NAME, out,
				      PAYLOAD_SIZE, &len, &err) == -1);
	CHECK_CONTAINS(err.message, "truncated");
	free(out);
}

#define FORMATS(X) \
	X(gzip, GZIP) X(xz, XZ) X(lzma, LZMA) X(zstd, ZSTD) \
	X(lz4_legacy, LZ4_LEGACY) X(lz4_frame, LZ4_FRAME) X(bzip2, BZIP2) X(lzo, LZO)

#define PER_FORMAT_TESTS(n, C) \
	KX_TEST(roundtrip_##n) { check_roundtrip(kx_failed_, KX_COMP_##C); } \
	KX_TEST(truncated_##n) { check_truncated(kx_failed_, KX_COMP_##C); } \
	KX_TEST(corrupt_##n) { check_corrupt(kx_failed_, KX_COMP_##C); } \
	KX_TEST(cap_##n) { check_cap(kx_failed_, KX_COMP_##C); } \
	KX_TEST(zero_padding_##n) { check_zero_padding(kx_failed_, KX_COMP_##C); } \
	KX_TEST(size_trailer_##n) { check_size_trailer(kx_failed_, KX_COMP_##C); } \
	KX_TEST(trailing_garbage_##n) { check_trailing_garbage(kx_failed_, KX_COMP_##C); } \
	KX_TEST(concatenated_##n) { check_concatenated(kx_failed_, KX_COMP_##C); } \
	KX_TEST(to_buffer_##n) { check_to_buffer(kx_failed_, KX_COMP_##C); }

#define PER_FORMAT_CASES(n, C) \
	KX_CASE(roundtrip_##n), KX_CASE(truncated_##n), KX_CASE(corrupt_##n), \
	KX_CASE(cap_##n), KX_CASE(zero_padding_##n), KX_CASE(size_trailer_##n), \
	KX_CASE(trailing_garbage_##n), KX_CASE(concatenated_##n), KX_CASE(to_buffer_##n),

FORMATS(PER_FORMAT_TESTS)

KX_TEST(detect_by_magic)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum kx_compression c;
	} t[] = {
		{ "\x1f\x8b\x08\x00", 4, KX_COMP_GZIP },
		{ "\x1f\x8b", 2, KX_COMP_GZIP },
		{ "\xfd" "7zXZ\0\0\x04", 8, KX_COMP_XZ },
		{ "\xfd" "7zXZ", 5, KX_COMP_NONE },
		{ "\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff", 13, KX_COMP_LZMA },
		{ "\x5d\0", 2, KX_COMP_NONE },
		{ "\x28\xb5\x2f\xfd", 4, KX_COMP_ZSTD },
		{ "\x28\xb5\x2f", 3, KX_COMP_NONE },
		{ "\x02\x21\x4c\x18", 4, KX_COMP_LZ4_LEGACY },
		{ "\x04\x22\x4d\x18", 4, KX_COMP_LZ4_FRAME },
		{ "BZh91AY&SY", 10, KX_COMP_BZIP2 },
		{ "BZh", 3, KX_COMP_NONE },
		{ "BZhx", 4, KX_COMP_NONE },
		{ "\x89LZO\0\r\n\x1a\n", 9, KX_COMP_LZO },
		{ "\x7f" "ELF\x02\x01\x01", 7, KX_COMP_NONE },
		{ "MZ\0\0zimg", 8, KX_COMP_NONE },
		{ "\x1f", 1, KX_COMP_NONE },
		{ "\x02", 1, KX_COMP_NONE },
		{ "", 0, KX_COMP_NONE },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct kx_bytes b = { (const uint8_t *)t[i].bytes, t[i].len };
		if (kx_compression_detect(b) != t[i].c)
			printf("#   case %zu\n", i);
		CHECK_EQ_U64(kx_compression_detect(b), t[i].c);
	}
	CHECK_EQ_U64(kx_compression_detect((struct kx_bytes){ NULL, 0 }), KX_COMP_NONE);
}

KX_TEST(names)
{
	CHECK(strcmp(kx_compression_name(KX_COMP_GZIP), "gzip") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_XZ), "xz") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_LZMA), "lzma") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_ZSTD), "zstd") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_LZ4_LEGACY), "lz4") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_LZ4_FRAME), "lz4") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_BZIP2), "bzip2") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_LZO), "lzo") == 0);
	CHECK(strcmp(kx_compression_name(KX_COMP_NONE), "none") == 0);
	CHECK(strcmp(kx_compression_name((enum kx_compression)99), "unknown") == 0);
}

/* lzop headers the decoder must refuse, by name. */
KX_TEST(lzop_header_rules)
{
	struct buf b = lzop_compress(payload(), 4096);
	CHECK(b.data);
	/* method 7 (at 9 + 6) is no LZO1X */
	b.data[15] = 7;
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZO, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "lzop method 7 is not LZO1X");
	b.data[15] = 1;
	/* the header checksum covers the mode: change it */
	b.data[24] ^= 1;
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZO, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "lzop header checksum");
	b.data[24] ^= 1;
	/* magic's 5th byte */
	b.data[4] = 1;
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZO, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "no lzop magic");
	free(b.data);
}

/* lzop's largest block (LZOP_BLOCK_MAX, lzop's MAX_BLOCK_SIZE: 64 MiB of
 * output for one call) decodes; a header saying one byte more is refused.
 * Zeros: the block compresses to little and the memfd keeps a hole. */
KX_TEST(lzop_block_cap)
{
	const size_t max = 64 * MiB;
	uint8_t *zeros = calloc(1, max);
	CHECK(zeros);
	struct buf b = lzop_compress_blocks(zeros, max, max);
	CHECK(b.data);
	size_t block_at = 9 + 25 + 4;       /* magic, header, its checksum */
	uint32_t dst_len = (uint32_t)b.data[block_at] << 24 | (uint32_t)b.data[block_at + 1] << 16 |
			   (uint32_t)b.data[block_at + 2] << 8 | b.data[block_at + 3];
	CHECK_EQ_U64(dst_len, max);
	expect_file(kx_failed_, as_bytes(b), KX_COMP_LZO, zeros, max);
	free(zeros);
	put_be32(b.data + block_at, (uint32_t)max + 1);
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZO, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "lzop block of 67108865 bytes from ");
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZO, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "(at most 67108864, and no larger compressed than plain)");
	free(b.data);
}

KX_TEST(none_refused)
{
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F' };

	expect_error(kx_failed_, (struct kx_bytes){ elf, sizeof(elf) }, KX_COMP_NONE,
		     KX_DECOMPRESS_DEFAULT_CAP, KX_E_FORMAT, "not a known compressed format");
}

KX_TEST(empty_input)
{
	expect_error(kx_failed_, (struct kx_bytes){ NULL, 0 }, KX_COMP_GZIP,
		     KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT, "truncated");
	if (*kx_failed_)
		return;
	/* Twelve bytes: a whole xz stream header, with the wrong magic. */
	expect_error(kx_failed_, (struct kx_bytes){ (const uint8_t *)"\0\0\0\0\0\0\0\0\0\0\0\0", 12 },
		     KX_COMP_XZ, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT, "corrupt");
}

/* Zero bytes in multiples of four may sit between xz streams (xz -d). */
KX_TEST(xz_stream_padding)
{
	const size_t la = MiB, lb = MiB / 4;
	struct buf a = compress_with(KX_COMP_XZ, payload(), la, 0);
	struct buf b = compress_with(KX_COMP_XZ, payload() + la, lb, 0);
	struct buf a8 = copy_extra(as_bytes(a), 8), a3 = copy_extra(as_bytes(a), 3);
	struct buf ok = concat(as_bytes(a8), as_bytes(b)), bad = concat(as_bytes(a3), as_bytes(b));
	char want[80];

	CHECK(a.data && b.data && ok.data && bad.data);
	expect_file(kx_failed_, as_bytes(ok), KX_COMP_XZ, payload(), la + lb);
	if (*kx_failed_)
		return;
	snprintf(want, sizeof(want), "unexpected data after the end of the xz stream at byte %zu",
		 a.size + 3);
	expect_error(kx_failed_, as_bytes(bad), KX_COMP_XZ, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     want);
	free(a.data);
	free(b.data);
	free(a8.data);
	free(a3.data);
	free(ok.data);
	free(bad.data);
}

/* The kernel build's zstd and zboot payloads need not record the size. */
KX_TEST(zstd_without_content_size)
{
	struct buf one = compress_with(KX_COMP_ZSTD, payload(), PAYLOAD_SIZE, ZSTD_NO_CONTENT_SIZE);
	struct buf streamed = { malloc(ZSTD_compressBound(PAYLOAD_SIZE)), 0 };
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	struct kx_error err = { 0 };
	uint8_t *out = malloc(PAYLOAD_SIZE);
	size_t len;

	CHECK(one.data && streamed.data && cc && out);
	CHECK(ZSTD_getFrameContentSize(one.data, one.size) == ZSTD_CONTENTSIZE_UNKNOWN);
	expect_file(kx_failed_, as_bytes(one), KX_COMP_ZSTD, payload(), PAYLOAD_SIZE);
	if (*kx_failed_)
		return;
	CHECK(kx_decompress_to_buffer(as_bytes(one), KX_COMP_ZSTD, NAME, out, PAYLOAD_SIZE,
				      &len, &err) == 0);
	CHECK_EQ_U64(len, PAYLOAD_SIZE);
	CHECK(memcmp(out, payload(), PAYLOAD_SIZE) == 0);

	/* Streaming compression in 64 KiB pieces, as `cat | zstd` does. */
	{
		ZSTD_outBuffer zo = { streamed.data, ZSTD_compressBound(PAYLOAD_SIZE), 0 };
		size_t off = 0, r;

		do {
			size_t piece = PAYLOAD_SIZE - off < 65536 ? PAYLOAD_SIZE - off : 65536;
			ZSTD_inBuffer zi = { payload() + off, piece, 0 };
			ZSTD_EndDirective end = off + piece == PAYLOAD_SIZE ? ZSTD_e_end : ZSTD_e_continue;

			do {
				r = ZSTD_compressStream2(cc, &zo, &zi, end);
				CHECK(!ZSTD_isError(r));
			} while (zi.pos < zi.size || (end == ZSTD_e_end && r != 0));
			off += piece;
		} while (off < PAYLOAD_SIZE);
		streamed.size = zo.pos;
	}
	CHECK(ZSTD_getFrameContentSize(streamed.data, streamed.size) == ZSTD_CONTENTSIZE_UNKNOWN);
	expect_file(kx_failed_, as_bytes(streamed), KX_COMP_ZSTD, payload(), PAYLOAD_SIZE);
	ZSTD_freeCCtx(cc);
	free(one.data);
	free(streamed.data);
	free(out);
}

KX_TEST(zstd_skippable_frame)
{
	struct kx_bytes in = fixture(KX_COMP_ZSTD);
	uint8_t skip[8 + 5] = { 0 };
	struct buf b;

	CHECK(in.data);
	kx_put_le32(skip, 0x184D2A5E);
	kx_put_le32(skip + 4, 5);
	memcpy(skip + 8, "notes", 5);
	b = concat((struct kx_bytes){ skip, sizeof(skip) }, in);
	CHECK(b.data);
	/* Skippable frame first: detection is by the first magic only. */
	CHECK_EQ_U64(kx_compression_detect(as_bytes(b)), KX_COMP_NONE);
	expect_file(kx_failed_, as_bytes(b), KX_COMP_ZSTD, payload(), PAYLOAD_SIZE);
	free(b.data);
	/* And after the frame. */
	b = concat(in, (struct kx_bytes){ skip, sizeof(skip) });
	CHECK(b.data);
	expect_file(kx_failed_, as_bytes(b), KX_COMP_ZSTD, payload(), PAYLOAD_SIZE);
	free(b.data);
}

/* A .lzma header may ask for a 4 GiB dictionary; the memlimit refuses it. */
KX_TEST(lzma_memlimit)
{
	struct buf b = copy_extra(fixture(KX_COMP_LZMA), 0);

	CHECK(b.data);
	kx_put_le32(b.data + 1, 1u << 30);
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZMA, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "bytes of memory to decompress (its header's dictionary and the decoder), more than the "
		     "limit of 268435456 (256 MiB)");
	free(b.data);
}

/*
 * KX_DECOMPRESS_MEMLIMIT at its value: liblzma counts what a header asks for
 * (the dictionary and the decoder's own state) against it. The largest
 * dictionary a .lzma header may ask for is found by bisection: it decodes,
 * one byte more is refused naming the limit, and what the decoder's state
 * takes besides is small (under 1 MiB): the limit decided, not another bound.
 */
KX_TEST(lzma_memlimit_at_the_cap)
{
	/* a small stream: the bisection decodes it twenty times */
	struct buf b = compress_with(KX_COMP_LZMA, payload(), 4096, 0);
	struct kx_error err = { 0 };
	struct kx_file f;
	uint32_t ok = KX_DECOMPRESS_MEMLIMIT - MiB, refused = KX_DECOMPRESS_MEMLIMIT + 1;

	CHECK(b.data);
	kx_put_le32(b.data + 1, ok);
	CHECK(kx_decompress_to_file(as_bytes(b), KX_COMP_LZMA, NAME, KX_DECOMPRESS_DEFAULT_CAP, &f, &err) == 0);
	kx_file_close(&f);
	kx_put_le32(b.data + 1, refused);
	CHECK(kx_decompress_to_file(as_bytes(b), KX_COMP_LZMA, NAME, KX_DECOMPRESS_DEFAULT_CAP, &f, &err) < 0);
	while (refused - ok > 1) {
		uint32_t mid = ok + (refused - ok) / 2;
		kx_put_le32(b.data + 1, mid);
		if (kx_decompress_to_file(as_bytes(b), KX_COMP_LZMA, NAME, KX_DECOMPRESS_DEFAULT_CAP, &f, &err) == 0) {
			ok = mid;
		} else {
			CHECK_CONTAINS(err.message, "more than the limit of 268435456 (256 MiB)");
			refused = mid;
		}
		kx_file_close(&f);
	}
	printf("#   largest dictionary: 0x%x bytes\n", ok);
	kx_put_le32(b.data + 1, ok);
	expect_file(kx_failed_, as_bytes(b), KX_COMP_LZMA, payload(), 4096);
	kx_put_le32(b.data + 1, ok + 1);
	expect_error(kx_failed_, as_bytes(b), KX_COMP_LZMA, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "bytes of memory to decompress (its header's dictionary and the decoder), more than the "
		     "limit of 268435456 (256 MiB)");
	free(b.data);
}

/*
 * KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX: a frame whose header asks for a
 * 2^27-byte window decodes; the next window a header can ask for (2^27 +
 * 2^24: the descriptor's mantissa) is refused, naming the limit. The frame
 * is made without a known size (its header then carries a Window_Descriptor,
 * byte 5) and the descriptor rewritten: a window larger than the data needs
 * is still a valid frame.
 */
KX_TEST(zstd_window_cap)
{
	const size_t n = 64 * KiB;
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	uint8_t *frame = malloc(ZSTD_compressBound(n) + 64);
	size_t r = 1;
	CHECK(cc && frame);
	ZSTD_outBuffer out = { frame, ZSTD_compressBound(n) + 64, 0 };
	ZSTD_inBuffer in = { payload(), n / 2, 0 };
	/* in two calls: the size is not known when the header is written */
	CHECK(!ZSTD_isError(ZSTD_compressStream2(cc, &out, &in, ZSTD_e_continue)));
	in = (ZSTD_inBuffer){ payload() + n / 2, n / 2, 0 };
	while (r)
		r = ZSTD_compressStream2(cc, &out, &in, ZSTD_e_end);
	ZSTD_freeCCtx(cc);
	CHECK((frame[4] & 0x20) == 0);   /* Frame_Header_Descriptor: not a single segment */
	struct kx_bytes b = { frame, out.pos };
	frame[5] = (KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX - 10) << 3;          /* 2^27 */
	expect_file(kx_failed_, b, KX_COMP_ZSTD, payload(), n);
	frame[5] = (KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX - 10) << 3 | 1;      /* 2^27 + 2^24 */
	expect_error(kx_failed_, b, KX_COMP_ZSTD, KX_DECOMPRESS_DEFAULT_CAP, KX_E_INPUT,
		     "zstd frame at byte 0 needs a window larger than 134217728 bytes (2^27), the most kexec-ng gives");
	free(frame);
}

/* What the kernel build writes: full 8 MiB blocks, then the rest; plus the
 * ways unlz4 ends a stream. */
KX_TEST(lz4_legacy_kernel_layout)
{
	const size_t n = 9 * MiB + 4321;
	uint8_t *src = malloc(n);
	struct buf b, c;
	struct kx_error err = { 0 };
	struct kx_file f;

	CHECK(src);
	fill(src, n, 42);
	b = lz4_legacy_compress(src, n, 8 * MiB);
	CHECK(b.data);
	expect_file(kx_failed_, as_bytes(b), KX_COMP_LZ4_LEGACY, src, n);
	if (*kx_failed_)
		return;
	/* A zero block size ends the stream; zeros may follow. */
	c = copy_extra(as_bytes(b), 4 + 100);
	CHECK(c.data);
	expect_file(kx_failed_, as_bytes(c), KX_COMP_LZ4_LEGACY, src, n);
	if (*kx_failed_)
		return;
	/* ... but not something else. */
	c.data[c.size - 1] = 1;
	expect_error(kx_failed_, as_bytes(c), KX_COMP_LZ4_LEGACY, KX_DECOMPRESS_DEFAULT_CAP,
		     KX_E_INPUT, "unexpected data after the end of the lz4 stream");
	if (*kx_failed_)
		return;
	/* Three stray non-zero bytes: a block size cut short. */
	free(c.data);
	c = copy_extra(as_bytes(b), 3);
	CHECK(c.data);
	c.data[c.size - 2] = 7;
	expect_error(kx_failed_, as_bytes(c), KX_COMP_LZ4_LEGACY, KX_DECOMPRESS_DEFAULT_CAP,
		     KX_E_INPUT, "truncated");
	if (*kx_failed_)
		return;
	/* A block that decodes to more than 8 MiB is corrupt. */
	free(c.data);
	c = lz4_legacy_compress(src, n, 9 * MiB);
	CHECK(c.data);
	expect_error(kx_failed_, as_bytes(c), KX_COMP_LZ4_LEGACY, KX_DECOMPRESS_DEFAULT_CAP,
		     KX_E_INPUT, "does not decode to at most 8388608 bytes");
	if (*kx_failed_)
		return;
	/* Without the magic it is not lz4 legacy. */
	c.data[0] = 0;
	expect_error(kx_failed_, as_bytes(c), KX_COMP_LZ4_LEGACY, KX_DECOMPRESS_DEFAULT_CAP,
		     KX_E_INPUT, "no lz4 legacy magic");
	if (*kx_failed_)
		return;
	/* The cap applies in the middle of a block too. */
	CHECK(kx_decompress_to_file(as_bytes(b), KX_COMP_LZ4_LEGACY, NAME, 8 * MiB + 1, &f,
				    &err) == -1);
	CHECK_CONTAINS(err.message, "cap of 8388609 bytes");
	free(c.data);
	free(b.data);
	free(src);
}

/* memfd_create() limits names to 249 bytes; a deep path still works. */
KX_TEST(long_name)
{
	char name[400];
	struct kx_error err = { 0 };
	struct kx_file f;

	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK(fixture(KX_COMP_GZIP).data);
	CHECK(kx_decompress_to_file(fixture(KX_COMP_GZIP), KX_COMP_GZIP, name,
				    KX_DECOMPRESS_DEFAULT_CAP, &f, &err) == 0);
	CHECK(strcmp(f.path, name) == 0);
	CHECK_EQ_U64(f.bytes.size, PAYLOAD_SIZE);
	kx_file_close(&f);
}

KX_TEST(zero_output_refused)
{
	struct buf empty = compress_with(KX_COMP_GZIP, (const uint8_t *)"", 0, 0);
	struct kx_error err = { 0 };
	size_t len = 1;

	CHECK(empty.data);
	expect_error(kx_failed_, as_bytes(empty), KX_COMP_GZIP, KX_DECOMPRESS_DEFAULT_CAP,
		     KX_E_INPUT, "decompresses to zero bytes");
	if (*kx_failed_)
		return;
	/* Into a buffer, nothing is a valid answer. */
	CHECK(kx_decompress_to_buffer(as_bytes(empty), KX_COMP_GZIP, NAME, NULL, 0, &len, &err) == 0);
	CHECK_EQ_U64(len, 0);
	free(empty.data);
}

KX_TEST_MAIN(
	FORMATS(PER_FORMAT_CASES)
	KX_CASE(detect_by_magic),
	KX_CASE(names),
	KX_CASE(lzop_header_rules),
	KX_CASE(none_refused),
	KX_CASE(empty_input),
	KX_CASE(xz_stream_padding),
	KX_CASE(zstd_without_content_size),
	KX_CASE(zstd_skippable_frame),
	KX_CASE(lzma_memlimit), KX_CASE(lzma_memlimit_at_the_cap), KX_CASE(zstd_window_cap),
	KX_CASE(lzop_block_cap),
	KX_CASE(lz4_legacy_kernel_layout),
	KX_CASE(long_name),
	KX_CASE(zero_output_refused)
)
