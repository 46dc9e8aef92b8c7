/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A buffer always travels with its length. Parsers read through these
 * helpers, which check `offset + width <= size` without wrap-around; a false
 * return means "out of bounds" and the caller names the field.
 */
#ifndef KX_BYTES_H
#define KX_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct kx_bytes {
	const uint8_t *data;
	size_t size;
};

static inline bool kx_span_ok(size_t size, uint64_t offset, uint64_t length)
{
	return offset <= size && length <= size - offset;
}

static inline struct kx_bytes kx_bytes_sub(struct kx_bytes b, uint64_t offset,
					   uint64_t length)
{
	struct kx_bytes out = { NULL, 0 };
	if (kx_span_ok(b.size, offset, length)) {
		out.data = b.data + offset;
		out.size = (size_t)length;
	}
	return out;
}

static inline bool kx_le16(struct kx_bytes b, uint64_t off, uint16_t *ret)
{
	if (!kx_span_ok(b.size, off, 2))
		return false;
	*ret = (uint16_t)(b.data[off] | b.data[off + 1] << 8);
	return true;
}

static inline bool kx_le32(struct kx_bytes b, uint64_t off, uint32_t *ret)
{
	if (!kx_span_ok(b.size, off, 4))
		return false;
	*ret = (uint32_t)b.data[off] | (uint32_t)b.data[off + 1] << 8 |
	       (uint32_t)b.data[off + 2] << 16 | (uint32_t)b.data[off + 3] << 24;
	return true;
}

static inline bool kx_le64(struct kx_bytes b, uint64_t off, uint64_t *ret)
{
	uint32_t lo, hi;
	if (!kx_le32(b, off, &lo) || !kx_le32(b, off + 4, &hi) || off + 4 < off)
		return false;
	*ret = (uint64_t)hi << 32 | lo;
	return true;
}

static inline bool kx_u8(struct kx_bytes b, uint64_t off, uint8_t *ret)
{
	if (!kx_span_ok(b.size, off, 1))
		return false;
	*ret = b.data[off];
	return true;
}

static inline void kx_put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void kx_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void kx_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
/* Big-endian, as device trees and makedumpfile's flattened stream store them. */
static inline void kx_put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static inline uint64_t kx_get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Overflow-checked helpers for sizes and addresses. */
static inline bool kx_add_overflows(uint64_t a, uint64_t b, uint64_t *ret)
{
	return __builtin_add_overflow(a, b, ret);
}

static inline uint64_t kx_align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static inline uint64_t kx_align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}

#endif
