/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan is what the planner produces and the syscall layer consumes:
 * segments (source bytes, destination, sizes), entry point and flags. It is
 * pure data, printable by --dry-run and compared by golden tests.
 */
#ifndef KX_PLAN_H
#define KX_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bytes.h"
#include "digest.h"
#include "error.h"

#define KX_SEGMENT_MAX 16 /* KEXEC_SEGMENT_MAX in include/linux/kexec.h */

struct kx_segment {
	char name[32];       /* "kernel", "initrd", "boot_params", "purgatory" */
	char source[96];     /* where the bytes come from, for the plan printout */
	const uint8_t *buf;
	uint64_t bufsz;
	uint64_t mem;
	uint64_t memsz;
	/* The digest of the bufsz data bytes, what the purgatory checks, in
	 * the purgatory's 32-byte form (plan->digest_kind: a SHA-256, or a
	 * CRC32C little-endian and zeros). */
	uint8_t digest[KX_DIGEST_FIELD_SIZE];
	/* The kernel rewrites it after the load (the ELF core header under
	 * crash hotplug): the purgatory leaves it out of its check. */
	bool kernel_rewrites;
	/* kexec jump (KEXEC_PRESERVE_CONTEXT): no data, not checked; it makes
	 * the kernel swap this range of the old kernel's memory out, and back
	 * in when the new kernel jumps back. */
	bool preserved;
};

struct kx_plan {
	const char *arch;
	char format[192];            /* "bzImage", "ELF vmlinux", "gzip > bzImage" ... */
	struct kx_segment segments[KX_SEGMENT_MAX];
	unsigned int nr_segments;
	uint64_t entry;
	unsigned long flags;         /* kexec_load flags incl. KEXEC_ARCH_* */
	char cmdline[4096];          /* command line handed to the new kernel */
	uint64_t kernel_entry;       /* where purgatory jumps (informational) */
	/* A relocatable kernel's room: the bytes from its base the boot
	 * protocol wants free (bzImage init_size, arm64/riscv64 image_size),
	 * kept out of every other segment by the placer; its segments hold
	 * only the file's bytes. Size 0 when the kernel has no such room. */
	uint64_t kernel_room_start, kernel_room_size;
	enum kx_digest_kind digest_kind; /* of the segment digests (--digest) */
	uint8_t digest[32];          /* SHA-256 over all segment digest fields */
	int verify;                  /* purgatory checks digests */
	/* The segment and plan digests were computed: not with --no-checks,
	 * where nothing would read them (kexec-tools computes none either). */
	bool hashed;

	/* Buffers built in memory that the plan owns (freed by kx_plan_free). */
	void *owned[KX_SEGMENT_MAX];
	unsigned int nr_owned;
};

void kx_plan_init(struct kx_plan *plan);
void kx_plan_free(struct kx_plan *plan);
/* Take ownership of a malloc'd buffer; returns it, or NULL when full. */
void *kx_plan_own(struct kx_plan *plan, void *buf);
/* Add a segment at a fixed destination (page-aligned by the caller). */
int kx_plan_add(struct kx_plan *plan, const char *name, const char *source,
		const uint8_t *buf, uint64_t bufsz, uint64_t mem, uint64_t memsz,
		struct kx_error *err);
/*
 * Check the rules kexec_core.c's sanity_check_segment_list applies, so a
 * refusal names the segment and the rule instead of a bare EINVAL.
 * `ram` ranges: destination must lie inside one of them.
 */
struct kx_memmap;
int kx_plan_check(const struct kx_plan *plan, const struct kx_memmap *ram,
		  uint64_t total_ram, struct kx_error *err);
/*
 * The digests of segments [first, first + count) (their data bytes), of
 * plan->digest_kind, computed on every CPU (kx_digest_many): done once
 * per segment.
 */
void kx_plan_hash_segments(struct kx_plan *plan, unsigned int first, unsigned int count);
/* The plan digest: SHA-256 over all segment digest fields, in order. */
void kx_plan_hash(struct kx_plan *plan);
/* A hashed segment's digest in hex: a CRC32C as the number (8 digits), a
 * SHA-256 as its 32 bytes (64 digits). */
void kx_plan_segment_digest_hex(const struct kx_plan *plan, const struct kx_segment *s, char out[65]);
void kx_plan_print(const struct kx_plan *plan, FILE *out);
/* Bytes of the kernel's segments; bytes the plan takes in memory (its
 * segments, the kernel's room counted whole). */
uint64_t kx_plan_kernel_bytes(const struct kx_plan *plan);
uint64_t kx_plan_footprint(const struct kx_plan *plan);

#endif
