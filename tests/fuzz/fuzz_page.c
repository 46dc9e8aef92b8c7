// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-save's page codecs as a dump reader meets them: the first byte
 * picks the codec (bits 0-2: none, zlib, LZO, zstd, snappy) and the page
 * size (bits 3-4: 4, 16 or 64 KiB), the rest is one page's stored bytes,
 * decompressed as kdump_read does. With bit 7 set, the rest is also data
 * for our snappy compressor, whose stream must stay within its bound and
 * decompress to the same bytes (an abort otherwise).
 */
#include "fuzz_common.h"

#include "compress/snappy.h"
#include "dump/page_codec.h"

#define ROUND_TRIP_MAX (256u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum kx_dump_codec codecs[] = { KX_DUMP_RAW, KX_DUMP_ZLIB, KX_DUMP_LZO, KX_DUMP_ZSTD, KX_DUMP_SNAPPY };
	static const size_t page_sizes[] = { 4096, 16384, 65536 };
	static uint8_t page[65536];
	if (size < 1)
		return 0;
	struct kx_error err = { 0 };
	enum kx_dump_codec codec = codecs[(data[0] & 7) % 5];
	size_t page_size = page_sizes[((data[0] >> 3) & 3) % 3];
	(void)kx_page_codec_decompress(codec, data + 1, size - 1, page, page_size, "fuzz", &err);
	if (data[0] & 0x80) {
		static uint16_t table[KX_SNAPPY_TABLE_ENTRIES];
		static uint8_t stream[32 + ROUND_TRIP_MAX + ROUND_TRIP_MAX / 6], back[ROUND_TRIP_MAX];
		size_t n = size - 1 < ROUND_TRIP_MAX ? size - 1 : ROUND_TRIP_MAX;
		size_t len = kx_snappy_compress(data + 1, n, stream, table);
		if (len > kx_snappy_bound(n) || kx_snappy_decompress(stream, len, back, n, "round trip", &err) < 0 ||
		    memcmp(back, data + 1, n) != 0) {
			fprintf(stderr, "snappy round trip of %zu bytes failed: %s\n", n, err.message);
			abort();
		}
	}
	return 0;
}
