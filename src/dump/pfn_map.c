// SPDX-License-Identifier: GPL-2.0-or-later
#include "pfn_map.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"

/* qsort_r's context: the loads, to order their indexes by p_paddr. */
static int cmp_load(const void *a, const void *b, void *ctx)
{
	const struct kx_elfcore_load *loads = ctx;
	uint64_t x = loads[*(const unsigned int *)a].paddr, y = loads[*(const unsigned int *)b].paddr;
	return x < y ? -1 : x > y;
}

static int cmp_range(const void *a, const void *b)
{
	const struct kx_pfn_range *x = a, *y = b;
	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

int kx_pfn_map_build(struct kx_pfn_map *ret, const struct kx_elfcore_load *loads, unsigned int nr_loads,
		     size_t page_size, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	if (page_size < 4096 || page_size > 65536 || (page_size & (page_size - 1)))
		return kx_fail(err, KX_E_INPUT, "page size %zu is not a power of two from 4 KiB to 64 KiB",
			       page_size);
	ret->page_size = page_size;
	while ((1ul << ret->page_shift) < page_size)
		ret->page_shift++;
	ret->loads = loads;
	ret->nr_loads = nr_loads;
	ret->ranges = calloc(nr_loads ? nr_loads : 1, sizeof(*ret->ranges));
	ret->by_paddr = calloc(nr_loads ? nr_loads : 1, sizeof(*ret->by_paddr));
	if (!ret->ranges || !ret->by_paddr) {
		kx_pfn_map_free(ret);
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	}
	for (unsigned int i = 0; i < nr_loads; i++)
		ret->by_paddr[i] = i;
	qsort_r(ret->by_paddr, nr_loads, sizeof(*ret->by_paddr), cmp_load, (void *)loads);
	unsigned int n = 0;
	for (unsigned int i = 0; i < nr_loads; i++) {
		const struct kx_elfcore_load *l = &loads[i];
		uint64_t end;
		if (!l->readable || !l->has_paddr || l->memsz == 0)
			continue;
		if (kx_add_overflows(l->paddr, l->memsz, &end) || end > UINT64_MAX - page_size) {
			kx_pfn_map_free(ret);
			return kx_fail(err, KX_E_INPUT,
				       "PT_LOAD %u: p_paddr 0x%" PRIx64 " + p_memsz 0x%" PRIx64 " overflows", i,
				       l->paddr, l->memsz);
		}
		/* as makedumpfile counts them: from the page holding p_paddr to
		 * the last whole page; max_pfn covers a partial last page */
		uint64_t top = (end + page_size - 1) >> ret->page_shift;
		if (top > ret->max_pfn)
			ret->max_pfn = top;
		ret->ranges[n].start_pfn = l->paddr >> ret->page_shift;
		ret->ranges[n].end_pfn = end >> ret->page_shift;
		if (ret->ranges[n].end_pfn > ret->ranges[n].start_pfn)
			n++;
	}
	if (n == 0) {
		kx_pfn_map_free(ret);
		return kx_fail(err, KX_E_INPUT, "no PT_LOAD holds memory at a physical address");
	}
	qsort(ret->ranges, n, sizeof(*ret->ranges), cmp_range);
	unsigned int m = 0;
	for (unsigned int i = 1; i < n; i++) {
		if (ret->ranges[i].start_pfn <= ret->ranges[m].end_pfn) {
			if (ret->ranges[i].end_pfn > ret->ranges[m].end_pfn)
				ret->ranges[m].end_pfn = ret->ranges[i].end_pfn;
		} else {
			ret->ranges[++m] = ret->ranges[i];
		}
	}
	ret->nr_ranges = m + 1;
	for (unsigned int i = 0; i < ret->nr_ranges; i++)
		ret->nr_pages += ret->ranges[i].end_pfn - ret->ranges[i].start_pfn;
	return 0;
}

void kx_pfn_map_free(struct kx_pfn_map *m)
{
	free(m->ranges);
	free(m->by_paddr);
	memset(m, 0, sizeof(*m));
}

int kx_pfn_map_has(const struct kx_pfn_map *m, uint64_t pfn)
{
	unsigned int lo = 0, hi = m->nr_ranges;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		if (pfn < m->ranges[mid].start_pfn)
			hi = mid;
		else if (pfn >= m->ranges[mid].end_pfn)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int kx_pfn_map_read(const struct kx_pfn_map *m, struct kx_elfcore_reader rd, const char *name, uint64_t pfn,
		    uint64_t count, uint8_t *out, struct kx_error *err)
{
	if (count == 0)
		return 0;
	if (pfn >= m->max_pfn || count > m->max_pfn - pfn)
		return kx_fail(err, KX_E_INPUT, "%s: pfn 0x%" PRIx64 " + %" PRIu64 " pages past the core's memory",
			       name, pfn, count);
	uint64_t start = pfn << m->page_shift, len = count << m->page_shift, end = start + len;
	uint64_t filled = start;   /* [start, filled) is written */
	/* every PT_LOAD's file bytes that fall in [start, end), in address
	 * order; the gaps between them zeroed, nothing written twice */
	for (unsigned int i = 0; i < m->nr_loads && filled < end; i++) {
		const struct kx_elfcore_load *l = &m->loads[m->by_paddr[i]];
		if (!l->readable || !l->has_paddr || l->filesz == 0 || l->paddr >= end)
			continue;
		uint64_t lo = l->paddr > filled ? l->paddr : filled;
		uint64_t l_end = l->paddr + (l->filesz < l->memsz ? l->filesz : l->memsz);
		uint64_t hi = l_end < end ? l_end : end;
		if (lo >= hi)
			continue;
		memset(out + (filled - start), 0, lo - filled);
		if (kx_elfcore_read_at(rd, name, l->offset + (lo - l->paddr), out + (lo - start), hi - lo, err,
				       "pages at physical 0x%" PRIx64, lo) < 0)
			return -1;
		filled = hi;
	}
	memset(out + (filled - start), 0, end - filled);
	return 0;
}

bool kx_pfn_map_file_span(const struct kx_pfn_map *m, uint64_t pfn, uint64_t count, uint64_t *offset)
{
	if (count == 0 || pfn >= m->max_pfn || count > m->max_pfn - pfn)
		return false;
	/* below max_pfn, neither shift overflows (max_pfn came from PT_LOAD ends) */
	uint64_t start = pfn << m->page_shift, end = start + (count << m->page_shift);
	for (unsigned int i = 0; i < m->nr_loads; i++) {
		const struct kx_elfcore_load *l = &m->loads[i];
		if (!l->readable || !l->has_paddr || l->paddr > start)
			continue;
		uint64_t l_end = l->paddr + (l->filesz < l->memsz ? l->filesz : l->memsz);
		if (l_end >= end) {
			*offset = l->offset + (start - l->paddr);
			return true;
		}
	}
	return false;
}
