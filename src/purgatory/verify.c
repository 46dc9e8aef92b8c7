// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compiled twice: freestanding into each purgatory blob, and hosted into
 * the unit tests. So it only uses the digest code (SHA-256 and CRC32C,
 * which have the same double life) and no libc.
 */
#include "purgatory/verify.h"

#include "core/crc32c.h"
#include "core/sha256.h"

#define FIELD 32 /* bytes of a region's digest field */

static int digest_equal(const uint8_t a[FIELD], const uint8_t b[FIELD])
{
	uint8_t diff = 0;

	for (int i = 0; i < FIELD; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* Whether [start, start + len) is memory a pointer on this machine can walk. */
static int region_addressable(const struct kx_purgatory_region *r)
{
	uint64_t last;

	if (r->len == 0)
		return 1;
	if (__builtin_add_overflow(r->start, r->len - 1, &last))
		return 0;
#if UINTPTR_MAX < UINT64_MAX
	if (last > UINTPTR_MAX || r->len > SIZE_MAX)
		return 0;
#endif
	return 1;
}

/* The digest field of one region, as the loader wrote it. */
static void region_digest(uint32_t kind, int portable, const struct kx_purgatory_region *r,
			  uint8_t out[FIELD])
{
	const void *p = (const void *)(uintptr_t)r->start;

	if (kind == KX_PURGATORY_DIGEST_SHA256) {
		struct kx_sha256 ctx;

		kx_sha256_init_impl(&ctx, portable ? KX_SHA256_IMPL_PORTABLE : KX_SHA256_IMPL_AUTO);
		kx_sha256_update(&ctx, p, (size_t)r->len);
		kx_sha256_final(&ctx, out);
		return;
	}
	uint32_t crc = kx_crc32c_update_impl(portable ? KX_CRC32C_IMPL_PORTABLE :
					     KX_CRC32C_IMPL_AUTO, 0, p, (size_t)r->len);
	for (int i = 0; i < FIELD; i++)
		out[i] = i < 4 ? (uint8_t)(crc >> (8 * i)) : 0;
}

int kx_purgatory_verify_with(const struct kx_purgatory_params *params, int portable)
{
	uint32_t kind = params->digest_kind;

	if (params->nr_regions > KX_PURGATORY_REGIONS_MAX ||
	    (kind != KX_PURGATORY_DIGEST_SHA256 && kind != KX_PURGATORY_DIGEST_CRC32C))
		return KX_PURGATORY_REGIONS_MAX;

	for (uint32_t i = 0; i < params->nr_regions; i++) {
		const struct kx_purgatory_region *r = &params->regions[i];
		uint8_t digest[FIELD];

		/* Memory that wraps around cannot hash to anything the loader
		 * computed: report the region rather than fault. */
		if (!region_addressable(r))
			return (int)i;
		region_digest(kind, portable, r, digest);
		if (!digest_equal(digest, r->digest))
			return (int)i;
	}
	return -1;
}

int kx_purgatory_verify(const struct kx_purgatory_params *params)
{
	return kx_purgatory_verify_with(params, 0);
}

const char *kx_purgatory_digest_impl(const struct kx_purgatory_params *params, int portable)
{
	if (params->digest_kind == KX_PURGATORY_DIGEST_SHA256) {
		if (portable)
			return "sha256, portable C";
		if (kx_sha256_impl_available(KX_SHA256_IMPL_SHANI))
			return "sha256, SHA-NI instructions";
		if (kx_sha256_impl_available(KX_SHA256_IMPL_ARMV8))
			return "sha256, SHA-256 instructions";
		return "sha256, portable C";
	}
	if (params->digest_kind != KX_PURGATORY_DIGEST_CRC32C)
		return "unknown digest kind";
	if (portable)
		return "crc32c, portable tables";
	switch (kx_crc32c_impl_best()) {
	case KX_CRC32C_IMPL_SSE42:
		return "crc32c, SSE4.2 crc32 instruction";
	case KX_CRC32C_IMPL_ARMV8:
		return "crc32c, CRC32 instructions";
	default:
		return "crc32c, portable tables";
	}
}
