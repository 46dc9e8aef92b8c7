// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hole allocator: the one place that chooses physical addresses.
 * Candidates are the gaps of each RAM range left by the ranges already used;
 * within a gap the request's bounds and alignment decide, and top_down picks
 * the highest fit (what the kernel does for initrds) or the lowest.
 */
#include "memmap.h"

#include "../core/bytes.h"
#include "../core/units.h"


/* Best start inside [lo, hi) (hi exclusive) for the request, or false. */
static bool fit_in(uint64_t lo, uint64_t hi, const struct kx_hole_request *rq,
		   uint64_t size, uint64_t align, uint64_t *ret)
{
	uint64_t max_end; /* exclusive upper limit */

	if (lo < rq->min)
		lo = rq->min;
	max_end = rq->max == UINT64_MAX ? UINT64_MAX : rq->max + 1;
	if (hi > max_end)
		hi = max_end;
	if (lo >= hi || hi - lo < size)
		return false;
	if (rq->top_down) {
		uint64_t start = kx_align_down(hi - size, align);
		if (start < lo)
			return false;
		*ret = start;
	} else {
		uint64_t start = kx_align_up(lo, align);
		if (start < lo || start > hi || hi - start < size)
			return false;
		*ret = start;
	}
	return true;
}

int kx_find_hole(const struct kx_memmap *ram, const struct kx_memmap *used,
		 const struct kx_hole_request *rq, uint64_t *ret_addr,
		 struct kx_error *err)
{
	uint64_t align = rq->align ? rq->align : KX_PAGE_SIZE;
	uint64_t size;
	bool found = false;
	uint64_t best = 0;

	if (align < KX_PAGE_SIZE || (align & (align - 1)))
		return kx_fail(err, KX_E_PLAN, "%s: alignment 0x%llx is not a power of two >= 4 KiB",
			       rq->what, (unsigned long long)align);
	if (rq->size == 0 || rq->size > UINT64_MAX - KX_PAGE_SIZE)
		return kx_fail(err, KX_E_PLAN, "%s: size 0x%llx is invalid",
			       rq->what, (unsigned long long)rq->size);
	size = kx_align_up(rq->size, KX_PAGE_SIZE);

	for (unsigned int i = 0; i < ram->count; i++) {
		uint64_t lo = kx_align_up(ram->ranges[i].start, KX_PAGE_SIZE);
		uint64_t range_end = kx_align_down(ram->ranges[i].end, KX_PAGE_SIZE);

		/* Walk the gaps between used ranges inside this RAM range. */
		while (lo < range_end) {
			const struct kx_range *inside = NULL;
			uint64_t gap_end = range_end;
			for (unsigned int u = 0; u < used->count; u++) {
				const struct kx_range *r = &used->ranges[u];
				if (r->start <= lo && lo < r->end)
					inside = r;
				else if (r->start > lo && r->start < gap_end)
					gap_end = r->start;
			}
			if (inside) {
				uint64_t next = kx_align_up(inside->end, KX_PAGE_SIZE);
				if (next <= lo)
					break;
				lo = next;
				continue;
			}
			uint64_t cand;
			if (fit_in(lo, gap_end, rq, size, align, &cand)) {
				if (!found || (rq->top_down ? cand > best : cand < best))
					best = cand;
				found = true;
			}
			lo = gap_end;
		}
	}
	if (!found)
		return kx_fail(err, KX_E_PLAN,
			       "%s: no free RAM for 0x%llx bytes aligned to 0x%llx between 0x%llx and 0x%llx",
			       rq->what, (unsigned long long)size, (unsigned long long)align,
			       (unsigned long long)rq->min, (unsigned long long)rq->max);
	*ret_addr = best;
	return 0;
}
