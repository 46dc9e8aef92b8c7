/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which pages a dump level leaves out, decided from the crashed kernel's
 * own `struct page` array (mem_map) as makedumpfile decides it: for each
 * page frame, its flags, `_mapcount` (a page type since 6.x), `mapping`,
 * `private` (a free block's buddy order) and, for a compound head, the
 * order and kind held in its first tail page. Every field offset, flag bit
 * and type value comes from VMCOREINFO (OFFSET/SIZE/NUMBER entries), never
 * from a table of kernel versions, so a kernel we have not seen is read by
 * what it says of itself; a level whose facts VMCOREINFO lacks is refused
 * with the missing entry named.
 *
 * The classes, in makedumpfile's order of precedence:
 *   free pages (16)       a buddy block's first page (page type "buddy"),
 *                         the whole 2^order block
 *   non-private cache (2) on an LRU list or in the swap cache, no private
 *                         data, not anonymous
 *   private cache (4)     the same with private data (buffer heads)
 *   user data (8)         anonymous, or a hugetlbfs compound page (whole)
 *   hwpoison, offline     left out at every level, as makedumpfile does
 * A compound page's tail pages are decided with its head.
 *
 * The mem_map is found through SPARSEMEM's mem_section (SYMBOL, LENGTH,
 * SIZE, OFFSET(mem_section.section_mem_map), NUMBER(SECTION_SIZE_BITS),
 * NUMBER(MAX_PHYSMEM_BITS)) and read through the core's virtual address
 * translation (vmcore.h). The split of the pure decision
 * (kx_page_classify) from the walk lets unit tests feed struct pages built
 * by hand.
 */
#ifndef KX_DUMP_PAGE_FILTER_H
#define KX_DUMP_PAGE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../vmcore/vmcore.h"

/* makedumpfile's dump level bits (-d) */
#define KX_DL_ZERO 1
#define KX_DL_CACHE 2
#define KX_DL_CACHE_PRIVATE 4
#define KX_DL_USER 8
#define KX_DL_FREE 16

enum kx_page_class {
	KX_PAGE_KEEP,
	KX_PAGE_FREE,
	KX_PAGE_CACHE,
	KX_PAGE_CACHE_PRIVATE,
	KX_PAGE_USER,
	KX_PAGE_HWPOISON,
	KX_PAGE_OFFLINE,
	KX_PAGE_NR_CLASSES
};

#define KX_PAGE_NO_BIT (-1)

/* What VMCOREINFO says of struct page; a bit number KX_PAGE_NO_BIT and a
 * have_* false mean the entry is absent. */
struct kx_page_rules {
	uint64_t struct_size;                        /* SIZE(page) */
	uint32_t off_flags, off_mapping, off_mapcount, off_private, off_compound_head;
	bool have_mapcount, have_private, have_compound_head;
	int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_hwpoison, pg_hugetlb;
	uint64_t head_mask;                          /* NUMBER(PG_head_mask) */
	/* page types, compared with _mapcount's 32 bits */
	bool have_buddy, have_slab_type, have_offline, have_hugetlb_type, have_unaccepted;
	uint32_t buddy_value, slab_value, offline_value, hugetlb_value, unaccepted_value;
	/* before 6.3: compound order and destructor id in the first tail page */
	bool have_order_off, have_dtor_off, have_hugetlb_dtor;
	uint32_t order_off, dtor_off;
	uint64_t hugetlb_dtor;
	uint64_t free_area_len;                      /* LENGTH(zone.free_area); 0 unknown */
};

/*
 * Read the rules for `dump_level` from VMCOREINFO. KX_E_INPUT naming the
 * entry when the level needs one that is absent (e.g. "dump level 16
 * (free pages) needs NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)").
 */
int kx_page_rules_read(const struct kx_vmcore *vc, int dump_level, struct kx_page_rules *r, struct kx_error *err);

/* Whether the mem_map must be walked: a level that filters by page, or a
 * kernel that marks poisoned or offline pages (left out at every level). */
bool kx_page_filter_wanted(const struct kx_page_rules *r, int dump_level);

/*
 * Decide one page frame from its struct page (`page`, struct_size bytes)
 * and the next one (`next`: the first tail page of a compound head; NULL
 * when not read). Returns the class and, in *ret_nr_pages, how many frames
 * from `pfn` on it covers (1, or a free block's or compound page's size).
 * A tail page is KX_PAGE_KEEP: its head decided it.
 */
enum kx_page_class kx_page_classify(const struct kx_page_rules *r, int dump_level, uint64_t pfn, const uint8_t *page,
				    const uint8_t *next, uint64_t *ret_nr_pages);

struct kx_page_filter_stats {
	uint64_t excluded[KX_PAGE_NR_CLASSES];       /* page frames per class (KEEP unused) */
	uint64_t sections;                           /* mem_map sections walked */
};

/*
 * Walk the mem_map of every page frame below max_pfn that `exist` marks,
 * and clear in `dumped` the frames the level leaves out (a range counts
 * every frame of it, as makedumpfile counts). The bitmaps are bit pfn of
 * byte pfn / 8. Errors: KX_E_INPUT a mem_section or mem_map that VMCOREINFO
 * describes but the core does not hold (naming the section and address),
 * KX_E_FORMAT a memory model other than SPARSEMEM or an address this
 * machine's translation cannot follow, KX_E_NOMEM.
 */
int kx_page_filter(const struct kx_vmcore *vc, const struct kx_page_rules *r, int dump_level, uint64_t max_pfn,
		   const uint8_t *exist, uint8_t *dumped, struct kx_page_filter_stats *st, struct kx_error *err);

#endif
