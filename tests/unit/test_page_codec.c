// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-save's per-page codecs: every codec round-trips pages of several
 * kinds (text-like, a repeated pattern, a page of one byte, random bytes,
 * which do not shrink and are stored as they are), for 4 KiB and 64 KiB
 * pages, through one codec state reused page after page; what the
 * decompressors are given broken (truncated, garbage, a different codec's
 * bytes, too long a result) is refused naming the page.
 */
#include "harness.h"

#include <stdint.h>

#include "compress/snappy.h"
#include "dump/page_codec.h"

static const enum kx_dump_codec codecs[] = { KX_DUMP_ZLIB, KX_DUMP_LZO, KX_DUMP_ZSTD, KX_DUMP_SNAPPY };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint8_t next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)rng;
}

/* Page kind k of `size` bytes. */
static void fill(uint8_t *p, size_t size, int k)
{
	static const char text[] = "kexec-ng vmcore-save: struct page flags, mapping, _mapcount; ";
	for (size_t i = 0; i < size; i++) {
		switch (k) {
		case 0: p[i] = (uint8_t)text[i % (sizeof(text) - 1)]; break;
		case 1: p[i] = (uint8_t)(i * 7 / 64); break;
		case 2: p[i] = 0xa5; break;
		default: p[i] = next_byte(); break;
		}
	}
}

KX_TEST(pages_round_trip)
{
	static const size_t sizes[] = { 4096, 65536 };
	uint8_t *page = malloc(65536), *back = malloc(65536);
	CHECK(page && back);
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		for (size_t s = 0; s < 2; s++) {
			struct kx_page_codec codec;
			struct kx_error err = { 0 };
			CHECK(kx_page_codec_init(&codec, codecs[c], sizes[s], &err) == 0);
			for (int round = 0; round < 3; round++) {
				for (int k = 0; k < 4; k++) {
					fill(page, sizes[s], k);
					size_t n = kx_page_codec_compress(&codec, page);
					if (k < 3) {
						/* these shrink, with every codec */
						CHECK(n > 0 && n < sizes[s] / 2);
						CHECK(kx_page_codec_decompress(codecs[c], codec.out, n, back, sizes[s],
									       "page", &err) == 0);
						CHECK(!memcmp(page, back, sizes[s]));
					} else {
						CHECK_EQ_U64(n, 0); /* random bytes: stored as they are */
					}
				}
			}
			kx_page_codec_free(&codec);
		}
	}
	free(page);
	free(back);
}

KX_TEST(raw_stores_every_page_as_it_is)
{
	struct kx_page_codec codec;
	struct kx_error err = { 0 };
	uint8_t page[4096], back[4096];
	fill(page, sizeof(page), 2);
	CHECK(kx_page_codec_init(&codec, KX_DUMP_RAW, sizeof(page), &err) == 0);
	CHECK_EQ_U64(kx_page_codec_compress(&codec, page), 0);
	kx_page_codec_free(&codec);
	CHECK(kx_page_codec_decompress(KX_DUMP_RAW, page, sizeof(page), back, sizeof(back), "p", &err) == 0);
	CHECK(!memcmp(page, back, sizeof(page)));
	CHECK(kx_page_codec_decompress(KX_DUMP_RAW, page, 100, back, sizeof(back), "pfn 0x42", &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "pfn 0x42: stored as is in 100 bytes, not a page (4096)");
}

KX_TEST(broken_pages_are_refused)
{
	uint8_t page[4096], back[8192];
	fill(page, sizeof(page), 0);
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		struct kx_page_codec codec;
		struct kx_error err = { 0 };
		CHECK(kx_page_codec_init(&codec, codecs[c], sizeof(page), &err) == 0);
		size_t n = kx_page_codec_compress(&codec, page);
		CHECK(n > 8);
		/* truncated */
		CHECK(kx_page_codec_decompress(codecs[c], codec.out, n / 2, back, sizeof(page), "pfn 0x10", &err) < 0);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK_CONTAINS(err.message, "pfn 0x10: ");
		/* garbage */
		uint8_t junk[64];
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = next_byte();
		CHECK(kx_page_codec_decompress(codecs[c], junk, sizeof(junk), back, sizeof(page), "pfn 0x11", &err) < 0);
		CHECK_CONTAINS(err.message, "pfn 0x11: ");
		/* a smaller page than the data holds: refused, never written past */
		memset(back, 0x5a, sizeof(back));
		CHECK(kx_page_codec_decompress(codecs[c], codec.out, n, back, 2048, "pfn 0x12", &err) < 0);
		CHECK_CONTAINS(err.message, "pfn 0x12: ");
		for (size_t i = 2048; i < sizeof(back); i++)
			CHECK(back[i] == 0x5a);
		kx_page_codec_free(&codec);
	}
	/* one codec's page is not another's */
	struct kx_page_codec z;
	struct kx_error err = { 0 };
	CHECK(kx_page_codec_init(&z, KX_DUMP_ZSTD, sizeof(page), &err) == 0);
	size_t n = kx_page_codec_compress(&z, page);
	CHECK(n > 0);
	CHECK(kx_page_codec_decompress(KX_DUMP_ZLIB, z.out, n, back, sizeof(page), "pfn 0x13", &err) < 0);
	CHECK_CONTAINS(err.message, "pfn 0x13: not a zlib stream");
	kx_page_codec_free(&z);
}

KX_TEST(codec_names)
{
	CHECK(!strcmp(kx_dump_codec_name(KX_DUMP_RAW), "none"));
	CHECK(!strcmp(kx_dump_codec_name(KX_DUMP_ZLIB), "zlib"));
	CHECK(!strcmp(kx_dump_codec_name(KX_DUMP_LZO), "lzo"));
	CHECK(!strcmp(kx_dump_codec_name(KX_DUMP_ZSTD), "zstd"));
	CHECK(!strcmp(kx_dump_codec_name(KX_DUMP_SNAPPY), "snappy"));
}

/* Decompress a hand-made snappy stream of `len` bytes into `want` bytes. */
static int snappy_case(const uint8_t *in, size_t len, size_t want, struct kx_error *err, uint8_t *out)
{
	memset(err, 0, sizeof(*err));
	return kx_snappy_decompress(in, len, out, want, "page", err);
}

KX_TEST(snappy_elements_by_hand)
{
	struct kx_error err;
	uint8_t out[128];
	/* a literal "ab", then a copy of 6 bytes from 2 back (overlapping: repeats "ab") */
	static const uint8_t overlap[] = { 8, 0x04, 'a', 'b', 0x09, 2 };
	CHECK(snappy_case(overlap, sizeof(overlap), 8, &err, out) == 0);
	CHECK(!memcmp(out, "abababab", 8));
	/* the 4-byte-offset copy (tag 11) and the 2-byte one (tag 10) */
	static const uint8_t far[] = { 12, 0x0c, 'a', 'b', 'c', 'd', 0x0f, 4, 0, 0, 0, 0x0e, 8, 0 };
	CHECK(snappy_case(far, sizeof(far), 12, &err, out) == 0);
	CHECK(!memcmp(out, "abcdabcdabcd", 12));
	/* a literal whose length (61) is in the byte after the tag */
	uint8_t long_literal[3 + 61] = { 61, 60 << 2, 60 };
	for (int i = 0; i < 61; i++)
		long_literal[3 + i] = (uint8_t)i;
	CHECK(snappy_case(long_literal, sizeof(long_literal), 61, &err, out) == 0);
	CHECK(out[60] == 60);

	static const uint8_t empty[1] = { 0 };
	CHECK(snappy_case(empty, 0, 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "page: snappy: the length's varint runs past the input's 0 bytes");
	static const uint8_t six_byte_varint[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0 };
	CHECK(snappy_case(six_byte_varint, sizeof(six_byte_varint), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "varint is longer than 5 bytes");
	CHECK(snappy_case(overlap, sizeof(overlap), 9, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the header says 8 bytes, not 9");
	static const uint8_t literal_past_end[] = { 8, 0x1c, 'a', 'b' };
	CHECK(snappy_case(literal_past_end, sizeof(literal_past_end), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the literal of 8 bytes at input byte 1 runs past the input (2 bytes left)");
	static const uint8_t length_byte_missing[] = { 8, 60 << 2 };
	CHECK(snappy_case(length_byte_missing, sizeof(length_byte_missing), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the element at input byte 1 needs 1 more bytes, 0 are left");
	static const uint8_t offset_zero[] = { 8, 0x04, 'a', 'b', 0x09, 0 };
	CHECK(snappy_case(offset_zero, sizeof(offset_zero), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the copy at input byte 4 reaches 0 bytes back from output byte 2 (offset 0)");
	static const uint8_t before_start[] = { 8, 0x04, 'a', 'b', 0x09, 3 };
	CHECK(snappy_case(before_start, sizeof(before_start), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "reaches 3 bytes back from output byte 2 (before the start)");
	static const uint8_t too_long[] = { 8, 0x04, 'a', 'b', 0x0d, 2 };   /* a copy of 7 makes 9 */
	CHECK(snappy_case(too_long, sizeof(too_long), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the copy at input byte 4 makes more than the 8 bytes the header says");
	static const uint8_t too_short[] = { 8, 0x04, 'a', 'b' };
	CHECK(snappy_case(too_short, sizeof(too_short), 8, &err, out) < 0);
	CHECK_CONTAINS(err.message, "the elements make 2 bytes, the header says 8");
	CHECK_EQ_U64(err.status, KX_E_INPUT);
}

/* Inputs of every length up to 300 and one of several 64 KiB blocks round
 * trip, and random bytes never pass the bound. */
KX_TEST(snappy_round_trips_and_bound)
{
	static uint16_t table[KX_SNAPPY_TABLE_ENTRIES];
	size_t big = 3 * 65536 + 1234;
	uint8_t *in = malloc(big), *c = malloc(kx_snappy_bound(big)), *back = malloc(big);
	CHECK(in && c && back);
	struct kx_error err = { 0 };
	for (int kind = 0; kind < 4; kind++) {
		fill(in, big, kind);
		for (size_t n = 0; n <= 300; n++) {
			size_t len = kx_snappy_compress(in, n, c, table);
			CHECK(len <= kx_snappy_bound(n));
			CHECK(kx_snappy_decompress(c, len, back, n, "input", &err) == 0);
			CHECK(!memcmp(in, back, n));
		}
		size_t len = kx_snappy_compress(in, big, c, table);
		CHECK(len <= kx_snappy_bound(big));
		if (kind < 3)
			CHECK(len < big / 8);
		CHECK(kx_snappy_decompress(c, len, back, big, "input", &err) == 0);
		CHECK(!memcmp(in, back, big));
	}
	free(in);
	free(c);
	free(back);
}

KX_TEST_MAIN(KX_CASE(pages_round_trip), KX_CASE(raw_stores_every_page_as_it_is),
	     KX_CASE(broken_pages_are_refused), KX_CASE(codec_names), KX_CASE(snappy_elements_by_hand),
	     KX_CASE(snappy_round_trips_and_bound))
