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

#include "dump/page_codec.h"

static const enum kx_dump_codec codecs[] = { KX_DUMP_ZLIB, KX_DUMP_LZO, KX_DUMP_ZSTD };

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
}

KX_TEST_MAIN(KX_CASE(pages_round_trip), KX_CASE(raw_stores_every_page_as_it_is),
	     KX_CASE(broken_pages_are_refused), KX_CASE(codec_names))
