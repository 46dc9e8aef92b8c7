/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which page frames an ELF vmcore holds and where their bytes are: the
 * PT_LOADs with a physical address, cut into page frame numbers. A dump
 * file describes memory by pfn (its first bitmap: the pages that exist), so
 * this is what the saver walks. A page that a PT_LOAD holds only part of
 * is read from every PT_LOAD that holds part of it, the rest of it zeros.
 * Bytes between p_filesz and p_memsz are zeros too.
 */
#ifndef KX_DUMP_PFN_MAP_H
#define KX_DUMP_PFN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../elfcore/elfcore.h"

struct kx_pfn_range {
	uint64_t start_pfn, end_pfn;   /* [start, end) */
};

struct kx_pfn_map {
	const struct kx_elfcore_load *loads;  /* the core's */
	unsigned int nr_loads;
	unsigned int *by_paddr;               /* indexes of loads, by p_paddr */
	/* The pages that exist (a dump's first bitmap), as makedumpfile
	 * counts them: from the page holding a PT_LOAD's p_paddr up to its
	 * last whole page; sorted, merged, no overlaps. */
	struct kx_pfn_range *ranges;
	unsigned int nr_ranges;
	uint64_t max_pfn;                     /* one past the highest page any PT_LOAD touches */
	uint64_t nr_pages;                    /* pfns in the ranges */
	size_t page_size;
	unsigned int page_shift;
};

/*
 * Build the map of the readable PT_LOADs with a physical address.
 * page_size: a power of two from 4 KiB to 64 KiB (VMCOREINFO's PAGESIZE).
 * KX_E_INPUT when no PT_LOAD holds memory or a physical end overflows.
 */
int kx_pfn_map_build(struct kx_pfn_map *ret, const struct kx_elfcore_load *loads, unsigned int nr_loads,
		     size_t page_size, struct kx_error *err);
void kx_pfn_map_free(struct kx_pfn_map *m);

/* Whether pfn is in the map (binary search). */
int kx_pfn_map_has(const struct kx_pfn_map *m, uint64_t pfn);

/*
 * Read `count` whole pages from `pfn` on into `out`: one reader call per
 * PT_LOAD piece, zeros written only where no PT_LOAD has file bytes.
 * `name` names the core in messages.
 */
int kx_pfn_map_read(const struct kx_pfn_map *m, struct kx_elfcore_reader rd, const char *name, uint64_t pfn,
		    uint64_t count, uint8_t *out, struct kx_error *err);

/*
 * Whether one PT_LOAD's file bytes hold all of the `count` pages from `pfn`
 * on; if so, *offset is the file offset of the first. Such pages can be
 * mapped from the core instead of read (where PT_LOADs overlap, any one
 * holding them all will do: they hold the same memory).
 */
/* Whether a page (size a multiple of 8, 8-aligned) holds only zeros:
 * dump level bit 1. */
static inline bool kx_page_is_zero(const uint8_t *p, size_t size)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;
	for (size_t i = 0; i < size / 8; i++)
		if (w[i])
			return false;
	return true;
}

bool kx_pfn_map_file_span(const struct kx_pfn_map *m, uint64_t pfn, uint64_t count, uint64_t *offset);

#endif
