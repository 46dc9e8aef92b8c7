// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compiled twice: freestanding into each purgatory blob, and hosted into
 * the unit tests. So it only uses the SHA-256 code (which has the same
 * double life) and no libc.
 */
#include "purgatory/verify.h"

#include "core/sha256.h"

static int digest_equal(const uint8_t a[KX_SHA256_DIGEST_SIZE],
			const uint8_t b[KX_SHA256_DIGEST_SIZE])
{
	uint8_t diff = 0;

	for (int i = 0; i < KX_SHA256_DIGEST_SIZE; i++)
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

int kx_purgatory_verify(const struct kx_purgatory_params *params)
{
	if (params->nr_regions > KX_PURGATORY_REGIONS_MAX)
		return KX_PURGATORY_REGIONS_MAX;

	for (uint32_t i = 0; i < params->nr_regions; i++) {
		const struct kx_purgatory_region *r = &params->regions[i];
		uint8_t digest[KX_SHA256_DIGEST_SIZE];
		struct kx_sha256 ctx;

		/* Memory that wraps around cannot hash to anything the loader
		 * computed: report the region rather than fault. */
		if (!region_addressable(r))
			return (int)i;

		kx_sha256_init(&ctx);
		kx_sha256_update(&ctx, (const void *)(uintptr_t)r->start, (size_t)r->len);
		kx_sha256_final(&ctx, digest);
		if (!digest_equal(digest, r->sha256))
			return (int)i;
	}
	return -1;
}
