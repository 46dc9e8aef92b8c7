// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every decompressor directly (the first byte picks the codec, the rest is
 * the stream), into a capped buffer, as the wrappers call them, and the
 * codec detection on the same bytes.
 */
#include "fuzz_common.h"

#include "compress/compress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct kx_bytes in = { data + 1, size - 1 };
	(void)kx_compression_detect(in);
	static const enum kx_compression codecs[] = {
		KX_COMP_GZIP, KX_COMP_XZ, KX_COMP_LZMA, KX_COMP_ZSTD, KX_COMP_LZ4_LEGACY,
		KX_COMP_LZ4_FRAME, KX_COMP_BZIP2, KX_COMP_LZO,
	};
	enum kx_compression c = codecs[data[0] % (sizeof(codecs) / sizeof(codecs[0]))];
	struct kx_error err = { 0 };
	if (data[0] & 0x80) {
		/* the memfd path the loaders use, with a cap */
		struct kx_file f;
		kx_decompress_to_file(in, c, "fuzz", 8 << 20, &f, &err);
		kx_file_close(&f);
	} else {
		static uint8_t out[1 << 20];
		size_t len;
		kx_decompress_to_buffer(in, c, "fuzz", out, sizeof(out), &len, &err);
	}
	return 0;
}
