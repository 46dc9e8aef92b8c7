// SPDX-License-Identifier: GPL-2.0-or-later
#include "snappy.h"

#include <string.h>

#define BLOCK_SIZE 65536u   /* copies stay inside a block: 16-bit offsets and table entries */
#define TABLE_BITS 12u
#define MIN_INPUT_TO_MATCH 16u /* shorter blocks are one literal */

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t hash4(uint32_t v)
{
	return (v * 0x1e35a7bdu) >> (32u - TABLE_BITS);
}

/* How many bytes from `b` on equal those from `a` (a < b), stopping at `end`. */
static size_t match_length(const uint8_t *a, const uint8_t *b, const uint8_t *end)
{
	const uint8_t *start = b;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight bytes at a time: the lowest differing byte is the first */
	while (end - b >= 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return (size_t)(b - start) + (size_t)__builtin_ctzll(x ^ y) / 8;
		a += 8;
		b += 8;
	}
#endif
	while (b < end && *a == *b) {
		a++;
		b++;
	}
	return (size_t)(b - start);
}

static uint8_t *put_literal(uint8_t *op, const uint8_t *bytes, size_t len)
{
	size_t n = len - 1;
	if (n < 60) {
		*op++ = (uint8_t)(n << 2);
	} else {
		uint8_t *tag = op++;
		unsigned count = 0;
		for (; n; n >>= 8, count++)
			*op++ = (uint8_t)n;
		*tag = (uint8_t)((59u + count) << 2);   /* 60..63: 1..4 length bytes */
	}
	memcpy(op, bytes, len);
	return op + len;
}

/* One copy element, 4..64 bytes, offset below 65536. */
static uint8_t *put_copy_element(uint8_t *op, size_t offset, size_t len)
{
	if (len <= 11 && offset < 2048) {
		*op++ = (uint8_t)(1u | (len - 4) << 2 | (offset >> 8) << 5);
		*op++ = (uint8_t)offset;
	} else {
		*op++ = (uint8_t)(2u | (len - 1) << 2);
		*op++ = (uint8_t)offset;
		*op++ = (uint8_t)(offset >> 8);
	}
	return op;
}

/* A match of `len` >= 4 bytes as elements of at most 64, none shorter than 4. */
static uint8_t *put_copy(uint8_t *op, size_t offset, size_t len)
{
	while (len >= 68) {
		op = put_copy_element(op, offset, 64);
		len -= 64;
	}
	if (len > 64) {
		op = put_copy_element(op, offset, 60);
		len -= 60;
	}
	return put_copy_element(op, offset, len);
}

/* Greedy matching on 4-byte hashes; after misses in a row the search steps
 * faster (one more byte per 32 misses), so random data costs little. */
static uint8_t *compress_block(const uint8_t *in, size_t n, uint8_t *op, uint16_t *table)
{
	const uint8_t *ip = in, *literal = in, *end = in + n;
	if (n >= MIN_INPUT_TO_MATCH) {
		const uint8_t *last = end - 4;   /* the last place a 4-byte load fits */
		uint32_t misses = 32;
		memset(table, 0, KX_SNAPPY_TABLE_ENTRIES * sizeof(*table));
		while (ip <= last) {
			uint32_t v = load32(ip);
			uint32_t h = hash4(v);
			const uint8_t *candidate = in + table[h];
			table[h] = (uint16_t)(ip - in);
			if (candidate < ip && load32(candidate) == v) {
				if (ip > literal)
					op = put_literal(op, literal, (size_t)(ip - literal));
				size_t len = 4 + match_length(candidate + 4, ip + 4, end);
				op = put_copy(op, (size_t)(ip - candidate), len);
				ip += len;
				literal = ip;
				misses = 32;
				if (ip <= last)
					table[hash4(load32(ip - 1))] = (uint16_t)(ip - 1 - in);
				continue;
			}
			ip += misses++ >> 5;
		}
	}
	if (end > literal)
		op = put_literal(op, literal, (size_t)(end - literal));
	return op;
}

size_t kx_snappy_compress(const uint8_t *in, size_t n, uint8_t *out, uint16_t table[KX_SNAPPY_TABLE_ENTRIES])
{
	uint8_t *op = out;
	for (uint32_t len = (uint32_t)n; ; len >>= 7) {
		if (len < 0x80) {
			*op++ = (uint8_t)len;
			break;
		}
		*op++ = (uint8_t)(len | 0x80);
	}
	for (size_t at = 0; at < n; at += BLOCK_SIZE)
		op = compress_block(in + at, n - at < BLOCK_SIZE ? n - at : BLOCK_SIZE, op, table);
	return (size_t)(op - out);
}

static uint64_t le_bytes(const uint8_t *p, unsigned count)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < count; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int kx_snappy_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, const char *what,
			 struct kx_error *err)
{
	size_t ip = 0, op = 0;
	uint64_t declared = 0;
	for (unsigned shift = 0;; shift += 7) {
		if (ip == in_len)
			return kx_fail(err, KX_E_INPUT, "%s: snappy: the length's varint runs past the input's %zu bytes",
				       what, in_len);
		if (shift == 35)
			return kx_fail(err, KX_E_INPUT, "%s: snappy: the length's varint is longer than 5 bytes", what);
		uint8_t b = in[ip++];
		declared |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (declared != out_len)
		return kx_fail(err, KX_E_INPUT, "%s: snappy: the header says %llu bytes, not %zu", what,
			       (unsigned long long)declared, out_len);
	while (ip < in_len) {
		size_t at = ip, offset;
		uint64_t len;
		uint8_t tag = in[ip++];
		unsigned extra = (tag & 3) == 1 ? 1 : (tag & 3) == 2 ? 2 : (tag & 3) == 3 ? 4 : 0;
		if ((tag & 3) == 0 && tag >> 2 >= 60)
			extra = (tag >> 2) - 59u;   /* the literal's length in 1..4 bytes */
		if (in_len - ip < extra)
			return kx_fail(err, KX_E_INPUT, "%s: snappy: the element at input byte %zu needs %u more bytes, "
				       "%zu are left", what, at, extra, in_len - ip);
		if ((tag & 3) == 0) {
			len = (tag >> 2 >= 60 ? le_bytes(in + ip, extra) : tag >> 2) + 1;
			ip += extra;
			if (len > in_len - ip)
				return kx_fail(err, KX_E_INPUT, "%s: snappy: the literal of %llu bytes at input byte %zu runs "
					       "past the input (%zu bytes left)", what, (unsigned long long)len, at,
					       in_len - ip);
			if (len > out_len - op)
				return kx_fail(err, KX_E_INPUT, "%s: snappy: the literal at input byte %zu makes more than "
					       "the %zu bytes the header says", what, at, out_len);
			memcpy(out + op, in + ip, (size_t)len);
			ip += (size_t)len;
			op += (size_t)len;
			continue;
		}
		if ((tag & 3) == 1) {
			len = 4u + ((tag >> 2) & 7u);
			offset = (size_t)(tag >> 5) << 8 | in[ip];
		} else {
			len = (tag >> 2) + 1u;
			offset = (size_t)le_bytes(in + ip, extra);
		}
		ip += extra;
		if (offset == 0 || offset > op)
			return kx_fail(err, KX_E_INPUT, "%s: snappy: the copy at input byte %zu reaches %zu bytes back from "
				       "output byte %zu (%s)", what, at, offset, op,
				       offset == 0 ? "offset 0" : "before the start");
		if (len > out_len - op)
			return kx_fail(err, KX_E_INPUT, "%s: snappy: the copy at input byte %zu makes more than the %zu "
				       "bytes the header says", what, at, out_len);
		if (offset >= len) {
			memcpy(out + op, out + op - offset, (size_t)len);
		} else {
			/* byte by byte: an offset shorter than the copy repeats a pattern */
			for (size_t i = 0; i < len; i++)
				out[op + i] = out[op + i - offset];
		}
		op += (size_t)len;
	}
	if (op != out_len)
		return kx_fail(err, KX_E_INPUT, "%s: snappy: the elements make %zu bytes, the header says %zu", what, op,
			       out_len);
	return 0;
}
