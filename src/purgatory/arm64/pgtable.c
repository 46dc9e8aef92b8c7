// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Identity-map builder (see pgtable.h). Compiled freestanding into the arm64
 * purgatory, where it runs with the MMU off (the tables go straight to
 * memory; main.c explains why that is what we want), and hosted into the
 * unit tests, where "physical" addresses are the host's pointers (user
 * space addresses are below 2^48, so they fit in a descriptor).
 */
#include "purgatory/arm64/pgtable.h"

#include <stddef.h>

#define LEVEL0_SHIFT 39 /* each level-0 entry covers 512 GiB */

void kx_arm64_pgtable_init(struct kx_arm64_pgtable *pt, uint64_t *pool,
			   uint32_t nr_tables, uint64_t leaf_attrs,
			   unsigned int pa_bits)
{
	if (pa_bits > KX_PT_VA_BITS)
		pa_bits = KX_PT_VA_BITS;
	pt->pool = pool;
	pt->nr_tables = nr_tables;
	pt->used = nr_tables ? 1 : 0;
	pt->leaf_attrs = leaf_attrs;
	pt->pa_limit = 1ULL << pa_bits;
}

static uint64_t *alloc_table(struct kx_arm64_pgtable *pt)
{
	if (pt->used >= pt->nr_tables)
		return NULL;
	return pt->pool + (size_t)KX_PT_ENTRIES * pt->used++;
}

static int map_level(struct kx_arm64_pgtable *pt, uint64_t *table, unsigned int level,
		     uint64_t start, uint64_t end)
{
	const unsigned int shift = LEVEL0_SHIFT - 9 * level;
	const uint64_t size = 1ULL << shift;

	while (start < end) {
		uint64_t base = start & ~(size - 1);
		uint64_t next = base + size;
		uint64_t stop = end < next ? end : next;
		uint64_t *d = &table[(start >> shift) & (KX_PT_ENTRIES - 1)];
		uint64_t *sub;

		if (level == 3) {
			*d = start | pt->leaf_attrs | KX_PT_TABLE | KX_PT_VALID;
		} else if ((*d & KX_PT_VALID) && !(*d & KX_PT_TABLE)) {
			/* A block already maps all of this entry. */
		} else if (level >= 1 && start == base && stop == next && !(*d & KX_PT_VALID)) {
			/* Wholly inside the range: one block (1 GiB or 2 MiB);
			 * level 0 has no blocks with a 4 KiB granule. */
			*d = base | pt->leaf_attrs | KX_PT_VALID;
		} else {
			if (*d & KX_PT_VALID) {
				sub = (uint64_t *)(uintptr_t)(*d & KX_PT_ADDR_MASK);
			} else {
				sub = alloc_table(pt);
				if (!sub)
					return -1;
				*d = ((uint64_t)(uintptr_t)sub & KX_PT_ADDR_MASK) |
				     KX_PT_TABLE | KX_PT_VALID;
			}
			if (map_level(pt, sub, level + 1, start, stop))
				return -1;
		}
		start = stop;
	}
	return 0;
}

int kx_arm64_map_identity(struct kx_arm64_pgtable *pt, uint64_t start, uint64_t len)
{
	uint64_t first, end;

	if (!pt->used)
		return -1;
	if (!len)
		return 0;
	if (__builtin_add_overflow(start, len, &end) ||
	    __builtin_add_overflow(end, KX_PT_PAGE_SIZE - 1, &end))
		return -1;
	first = start & ~(KX_PT_PAGE_SIZE - 1);
	end &= ~(KX_PT_PAGE_SIZE - 1);
	if (end > pt->pa_limit)
		return -1;
	return map_level(pt, pt->pool, 0, first, end);
}
