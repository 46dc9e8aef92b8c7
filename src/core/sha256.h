/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4). The same source is compiled into the loader and,
 * freestanding, into the purgatory, which checks the loaded segments with it
 * before it jumps to the new kernel. So this code uses no libc and keeps no
 * mutable global state (the purgatory is a flat blob whose data the loader
 * patches, and the loader may hash from several places).
 *
 * On x86_64 the block function uses the SHA extensions (SHA-NI) when the CPU
 * has them, on aarch64 the ARMv8 SHA-256 instructions (FEAT_SHA256), chosen
 * at kx_sha256_init() time; the portable C block function is the fallback and
 * the only one on other architectures.
 */
#ifndef KX_SHA256_H
#define KX_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KX_SHA256_DIGEST_SIZE 32
#define KX_SHA256_BLOCK_SIZE 64

/* Which block function a context uses. */
enum kx_sha256_impl {
	KX_SHA256_IMPL_AUTO = 0,     /* the fastest the CPU supports */
	KX_SHA256_IMPL_PORTABLE,     /* plain C, every architecture */
	KX_SHA256_IMPL_SHANI,        /* x86_64 SHA extensions */
	KX_SHA256_IMPL_ARMV8,        /* aarch64 SHA256H/H2/SU0/SU1 */
};

struct kx_sha256 {
	uint32_t state[8];
	uint64_t length;             /* bytes hashed so far */
	uint8_t block[KX_SHA256_BLOCK_SIZE]; /* a partial block waiting for more */
	uint32_t used;               /* bytes in block[] */
	uint32_t impl;               /* enum kx_sha256_impl, never AUTO once set */
};

void kx_sha256_init(struct kx_sha256 *ctx);
void kx_sha256_update(struct kx_sha256 *ctx, const void *data, size_t len);
void kx_sha256_final(struct kx_sha256 *ctx, uint8_t out[KX_SHA256_DIGEST_SIZE]);
void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE]);

/*
 * Like kx_sha256_init() but with a chosen block function (tests compare
 * them, benchmarks time them). Returns false, leaving the context on the
 * portable function, when the CPU (or the build) lacks `impl`.
 */
bool kx_sha256_init_impl(struct kx_sha256 *ctx, enum kx_sha256_impl impl);

/* Whether the running CPU (and this build) can use `impl`. */
bool kx_sha256_impl_available(enum kx_sha256_impl impl);

#endif
