/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC32C: the 32-bit CRC with Castagnoli's polynomial 0x1EDC6F41 (RFC 3720
 * B.4; iSCSI, ext4, btrfs), reflected, initial value and final XOR
 * 0xFFFFFFFF. The purgatory's default digest (doc/kexec.8, --digest): it
 * detects accidental corruption of a segment between load and exec (any
 * burst of up to 32 bits, any odd number of flipped bits, anything else
 * with probability 1 - 2^-32) at a small fraction of SHA-256's cost; it is
 * no defence against someone who chooses the corruption, which the
 * purgatory never was.
 *
 * Like sha256.c this file has a double life: hosted in the loader and
 * freestanding in every purgatory. So: no libc, no mutable globals, tables
 * as const data (crc32c_table.h, generated once by mkcrc32c_table.py),
 * the implementation picked by a branch, never through a function pointer.
 *
 * Implementations: the portable one (slicing-by-8: eight table lookups per
 * eight bytes), and where the CPU has it the CRC32C instruction: x86_64
 * SSE4.2 `crc32q` (eight bytes per instruction), arm64 `crc32cx` (the
 * ARMv8 CRC32 extension, mandatory from v8.1). riscv64 has no scalar CRC
 * instruction: the portable one.
 */
#ifndef KX_CRC32C_H
#define KX_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kx_crc32c_impl {
	KX_CRC32C_IMPL_AUTO = 0,     /* the fastest the CPU has, asked each call */
	KX_CRC32C_IMPL_PORTABLE,     /* slicing-by-8 tables, every architecture */
	KX_CRC32C_IMPL_SSE42,        /* x86_64 SSE4.2 crc32 */
	KX_CRC32C_IMPL_ARMV8,        /* aarch64 CRC32 extension, crc32c* */
};

/*
 * The CRC32C of `crc`'s message followed by the `len` bytes at `data`:
 * start with crc = 0 (the CRC of nothing), feed the message in any number
 * of pieces. `impl` must be available (kx_crc32c_impl_available), else
 * the portable one runs. `data` may be at any alignment; with the MMU off
 * (arm64's uncached fallback) only aligned accesses are made.
 */
uint32_t kx_crc32c_update_impl(enum kx_crc32c_impl impl, uint32_t crc,
			       const void *data, size_t len);
/* The same with KX_CRC32C_IMPL_AUTO. */
uint32_t kx_crc32c_update(uint32_t crc, const void *data, size_t len);
/* kx_crc32c_update(0, data, len). */
uint32_t kx_crc32c(const void *data, size_t len);

/* Whether the running CPU (and this build) can use `impl`. */
bool kx_crc32c_impl_available(enum kx_crc32c_impl impl);
/* What AUTO picks here: ask once, then pass it to every update. */
enum kx_crc32c_impl kx_crc32c_impl_best(void);
/* "portable", "sse4.2", "armv8": for reports. */
const char *kx_crc32c_impl_name(enum kx_crc32c_impl impl);

/*
 * The CRC32C of A followed by B, from crc_a = CRC32C(A), crc_b = CRC32C(B)
 * and len_b = |B| (bytes), without A or B: crc_a times x^(8 len_b) modulo
 * the polynomial, plus crc_b (the initial and final XOR cancel out). So a
 * long buffer can be hashed in parts, in parallel, and the parts combined
 * into exactly its CRC32C. About 64 x 2 GF(2) multiplications of 32 steps.
 */
uint32_t kx_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

#endif
