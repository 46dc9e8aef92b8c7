/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical memory ranges and the hole allocator. Loaders never choose
 * addresses: they describe what they need (size, alignment, bounds,
 * direction) and kx_find_hole() picks a place in RAM that no earlier
 * segment uses, as kexec_file's kexec_buf does in the kernel.
 */
#ifndef KX_MEMMAP_H
#define KX_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"

enum kx_mem_type {
	KX_MEM_RAM = 1,        /* e820 1 */
	KX_MEM_RESERVED = 2,
	KX_MEM_ACPI = 3,
	KX_MEM_NVS = 4,
	KX_MEM_UNUSABLE = 5,
	KX_MEM_PMEM = 7,
	KX_MEM_PRAM = 12,
	KX_MEM_CRASH = 100,    /* "Crash kernel" in /proc/iomem */
};

struct kx_range {
	uint64_t start;
	uint64_t end;          /* exclusive */
	uint32_t type;         /* enum kx_mem_type or a raw e820 type */
};

#define KX_MEMMAP_MAX 1024 /* bounded, and exceeding it is an error, not a truncation */

struct kx_memmap {
	struct kx_range ranges[KX_MEMMAP_MAX];
	unsigned int count;
};

int kx_memmap_add(struct kx_memmap *map, uint64_t start, uint64_t end,
		  uint32_t type, struct kx_error *err);
/* Sort by start. */
void kx_memmap_sort(struct kx_memmap *map);
/* A new map with only the ranges of `type`, sorted, adjacent ones merged. */
void kx_memmap_select(const struct kx_memmap *map, uint32_t type, struct kx_memmap *ret);
uint64_t kx_memmap_total(const struct kx_memmap *map);
/* True when [start, end) lies entirely inside one range of `map`. */
bool kx_memmap_contains(const struct kx_memmap *map, uint64_t start, uint64_t end);
/*
 * Remove [start, end) from every range, splitting a range that contains it;
 * the result is sorted. An empty exclusion (start == end) changes nothing.
 * Errors, with `map` left exactly as it was:
 *   KX_E_PLAN   end < start
 *   KX_E_SYSTEM the splits would need more than KX_MEMMAP_MAX ranges
 */
int kx_memmap_exclude(struct kx_memmap *map, uint64_t start, uint64_t end, struct kx_error *err);
/*
 * Set difference: *ret = `from` minus every range of `minus` (NULL: none),
 * sorted, types kept; `from` and `minus` may overlap themselves and each
 * other, and `ret` may be `from` itself (then it is changed in place) but
 * not `minus`.
 * Errors are kx_memmap_exclude()'s; *ret is then meaningless.
 */
int kx_memmap_subtract(const struct kx_memmap *from, const struct kx_memmap *minus,
		       struct kx_memmap *ret, struct kx_error *err);

struct kx_hole_request {
	const char *what;      /* named in errors: "initrd" */
	uint64_t size;         /* bytes to reserve (rounded up to pages) */
	uint64_t align;        /* power of two, >= 4096 */
	uint64_t min;          /* lowest allowed start */
	uint64_t max;          /* highest allowed last byte (inclusive) */
	bool top_down;
};

/*
 * Find a hole in `ram` (RAM ranges) that avoids every range in `used`.
 * On success *ret_addr is the start; the caller adds it to `used`.
 */
int kx_find_hole(const struct kx_memmap *ram, const struct kx_memmap *used,
		 const struct kx_hole_request *rq, uint64_t *ret_addr,
		 struct kx_error *err);

#endif
