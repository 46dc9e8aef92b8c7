/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The segment digests the purgatory checks (--digest): which kind, their
 * 32-byte form, and computing many of them on every CPU.
 *
 * CRC32C (the default) catches accidental corruption of a segment between
 * load and exec for a fraction of SHA-256's cost in the purgatory; SHA-256
 * stays available. Either is no defence against an attacker who can write
 * the segments: they could as well write the purgatory (doc/kexec.8).
 */
#ifndef KX_DIGEST_H
#define KX_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default is 0, so that zeroed options mean it. (The purgatory ABI
 * numbers them its own way: KX_PURGATORY_DIGEST_*, src/arch/placer.c.) */
enum kx_digest_kind {
	KX_DIGEST_CRC32C = 0,
	KX_DIGEST_SHA256 = 1,
};
#define KX_DIGEST_DEFAULT KX_DIGEST_CRC32C

/* Every digest travels in 32 bytes: a SHA-256 as it is, a CRC32C
 * little-endian in bytes 0..3 and zeros after. */
#define KX_DIGEST_FIELD_SIZE 32

/* "crc32c", "sha256". */
const char *kx_digest_name(enum kx_digest_kind kind);
/* The kind called `name` (exactly as kx_digest_name spells it); false when none is. */
bool kx_digest_parse(const char *name, enum kx_digest_kind *ret);
/* How many of the 32 bytes carry the digest: 4 or 32. */
size_t kx_digest_size(enum kx_digest_kind kind);
/* The 32-byte field of `len` bytes at `data`, on this thread. */
void kx_digest_one(enum kx_digest_kind kind, const void *data, uint64_t len,
		   uint8_t out[KX_DIGEST_FIELD_SIZE]);

struct kx_digest_item {
	const uint8_t *data;
	uint64_t len;
	uint8_t digest[KX_DIGEST_FIELD_SIZE];  /* out */
};

struct kx_digest_opts {
	/* Threads at most (the calling one included); 0: the online CPUs,
	 * at most KX_DIGEST_THREADS_MAX. */
	unsigned int threads;
	/* A CRC32C item is cut into parts of at least this many bytes, one
	 * per thread, and the parts' CRCs combined; 0: KX_DIGEST_PART_MIN. */
	uint64_t min_part;
};
#define KX_DIGEST_THREADS_MAX 8
#define KX_DIGEST_PART_MIN (2u << 20)

/*
 * Fill items[i].digest for every item, on up to `threads` threads: a
 * SHA-256 item is one job (items are spread over the threads, the
 * longest first), a CRC32C item as many parts as threads when it is long
 * enough (kx_crc32c_combine makes the parts' CRCs the whole item's). The
 * results are exactly kx_digest_one()'s. When a thread cannot be started
 * the calling thread does its share: this never fails. NULL opts: the
 * defaults.
 */
void kx_digest_many(enum kx_digest_kind kind, struct kx_digest_item *items, size_t n,
		    const struct kx_digest_opts *opts);

#endif
