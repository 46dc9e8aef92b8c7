/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snappy's raw format (google/snappy format_description.txt), what
 * makedumpfile -p stores per page and crash reads through libsnappy's
 * snappy_uncompress(): a varint of the uncompressed length, then elements,
 * each a tag byte whose low two bits say what it is:
 *   00 literal: length-1 in the upper six bits, or (60..63) in the next 1..4
 *      little-endian bytes; the bytes follow;
 *   01 copy, 4..11 bytes, offset of 11 bits (3 in the tag, 8 after it);
 *   10 copy, 1..64 bytes, 16-bit little-endian offset;
 *   11 copy, 1..64 bytes, 32-bit little-endian offset.
 * A copy repeats the bytes `offset` back in the output (overlapping copies
 * repeat a pattern); offset 0 or one before the start is broken.
 *
 * Written here rather than linked: libsnappy is C++ (libstdc++ in the static
 * builds) for ~200 lines of C. The compressor is our own greedy matcher on
 * 64 KiB blocks, not libsnappy's bytes, so its output is checked by
 * libsnappy itself (tests/dump/snappy-interop.c) and by crash (kdump suite).
 * Nothing here allocates or prints.
 */
#ifndef KX_SNAPPY_H
#define KX_SNAPPY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

/* The largest output of kx_snappy_compress for `n` input bytes. */
static inline size_t kx_snappy_bound(size_t n) { return 32 + n + n / 6; }

/* The compressor's hash table: KX_SNAPPY_TABLE_ENTRIES 16-bit positions. */
#define KX_SNAPPY_TABLE_ENTRIES 4096u

/*
 * Compress `n` bytes (at most UINT32_MAX) into `out`, which holds
 * kx_snappy_bound(n) bytes; `table` is the caller's scratch. Returns the
 * output's length.
 */
size_t kx_snappy_compress(const uint8_t *in, size_t n, uint8_t *out, uint16_t table[KX_SNAPPY_TABLE_ENTRIES]);

/*
 * Decompress `in` into `out`, which must then hold exactly `out_len` bytes
 * (its header says so and the elements make that many). A broken stream is
 * KX_E_INPUT naming `what`, the byte of the input and the rule.
 */
int kx_snappy_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, const char *what,
			 struct kx_error *err);

#endif
