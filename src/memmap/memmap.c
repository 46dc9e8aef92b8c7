// SPDX-License-Identifier: GPL-2.0-or-later
#include "memmap.h"

#include <stdlib.h>

int kx_memmap_add(struct kx_memmap *map, uint64_t start, uint64_t end,
		  uint32_t type, struct kx_error *err)
{
	if (end <= start)
		return kx_fail(err, KX_E_SYSTEM,
			       "memory range 0x%llx-0x%llx is empty or inverted",
			       (unsigned long long)start, (unsigned long long)end);
	/* A fixed table, but overflowing it is an error: kexec-tools silently
	 * dropped ranges past 2048, and the new kernel then lost memory. */
	if (map->count >= KX_MEMMAP_MAX)
		return kx_fail(err, KX_E_SYSTEM,
			       "more than %d memory ranges; refusing to drop any",
			       KX_MEMMAP_MAX);
	map->ranges[map->count++] = (struct kx_range){ start, end, type };
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct kx_range *ra = a, *rb = b;
	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return ra->end < rb->end ? -1 : ra->end > rb->end;
}

void kx_memmap_sort(struct kx_memmap *map)
{
	qsort(map->ranges, map->count, sizeof(map->ranges[0]), range_cmp);
}

void kx_memmap_select(const struct kx_memmap *map, uint32_t type, struct kx_memmap *ret)
{
	ret->count = 0;
	for (unsigned int i = 0; i < map->count; i++)
		if (map->ranges[i].type == type)
			ret->ranges[ret->count++] = map->ranges[i];
	kx_memmap_sort(ret);
	/* merge touching or overlapping ranges */
	unsigned int out = 0;
	for (unsigned int i = 0; i < ret->count; i++) {
		if (out && ret->ranges[i].start <= ret->ranges[out - 1].end) {
			if (ret->ranges[i].end > ret->ranges[out - 1].end)
				ret->ranges[out - 1].end = ret->ranges[i].end;
			continue;
		}
		ret->ranges[out++] = ret->ranges[i];
	}
	ret->count = out;
}

uint64_t kx_memmap_total(const struct kx_memmap *map)
{
	uint64_t total = 0;
	for (unsigned int i = 0; i < map->count; i++)
		total += map->ranges[i].end - map->ranges[i].start;
	return total;
}

bool kx_memmap_contains(const struct kx_memmap *map, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < map->count; i++)
		if (start >= map->ranges[i].start && end <= map->ranges[i].end)
			return true;
	return false;
}

int kx_memmap_exclude(struct kx_memmap *map, uint64_t start, uint64_t end, struct kx_error *err)
{
	unsigned int splits = 0;

	if (end < start)
		return kx_fail(err, KX_E_PLAN, "range to exclude 0x%llx-0x%llx is inverted",
			       (unsigned long long)start, (unsigned long long)end);
	if (end == start)
		return 0; /* nothing to remove; never split a range at a point */
	/* Count the splits first, so that a full table is an error that
	 * leaves the map as it was (the kernel's crash_exclude_mem_range
	 * returns -ENOMEM the same way), never a half-done exclusion. */
	for (unsigned int i = 0; i < map->count; i++)
		if (start > map->ranges[i].start && end < map->ranges[i].end)
			splits++;
	if (splits > KX_MEMMAP_MAX - map->count)
		return kx_fail(err, KX_E_SYSTEM,
			       "excluding 0x%llx-0x%llx would need more than %d memory ranges; "
			       "refusing to drop any",
			       (unsigned long long)start, (unsigned long long)end, KX_MEMMAP_MAX);
	for (unsigned int i = 0; i < map->count; i++) {
		struct kx_range *r = &map->ranges[i];
		if (end <= r->start || start >= r->end)
			continue;
		if (start <= r->start && end >= r->end) {
			/* fully covered: remove */
			map->ranges[i] = map->ranges[--map->count];
			i--;
			continue;
		}
		if (start > r->start && end < r->end) {
			/* split in two; the new piece lies after `end`, so the
			 * rest of this loop leaves it alone */
			map->ranges[map->count++] = (struct kx_range){ end, r->end, r->type };
			r->end = start;
			continue;
		}
		if (start <= r->start)
			r->start = end;
		else
			r->end = start;
	}
	kx_memmap_sort(map);
	return 0;
}

int kx_memmap_subtract(const struct kx_memmap *from, const struct kx_memmap *minus,
		       struct kx_memmap *ret, struct kx_error *err)
{
	if (ret != from)
		*ret = *from;
	kx_memmap_sort(ret);
	for (unsigned int i = 0; minus && i < minus->count; i++)
		if (kx_memmap_exclude(ret, minus->ranges[i].start, minus->ranges[i].end, err) < 0)
			return -1;
	return 0;
}
