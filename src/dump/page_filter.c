// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_filter.h"

#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"

/* PAGE_MAPPING_ANON: the low bit of page->mapping (include/linux/page-flags.h) */
#define MAPPING_ANON 1u
/* mem_section.section_mem_map's low bits are flags (include/linux/mmzone.h):
 * SECTION_MARKED_PRESENT is bit 0; the mem_map pointer is aligned past the
 * last flag bit, which has been at most bit 4 since 4.13 (makedumpfile
 * masks the same five bits). */
#define SECTION_MARKED_PRESENT 1u
#define SECTION_MAP_MASK (~(uint64_t)0x1f)
/* struct pages read at a time: 256 KiB of 64-byte pages; a multiple of
 * every buddy block and of every compound page below 2^12 pages, so a
 * compound head's first tail page is in the same read. */
#define CHUNK_PAGES 4096u

/* A flag bit number, KX_PAGE_NO_BIT when absent or beyond a 64-bit word. */
static int info_bit(const struct kx_vmcore *vc, const char *name)
{
	uint64_t v;
	if (!kx_vmcoreinfo_opt(vc, "NUMBER", name, &v) || v >= 64)
		return KX_PAGE_NO_BIT;
	return (int)v;
}

/* A page type value (printed as a signed long): its low 32 bits. */
static bool info_type(const struct kx_vmcore *vc, const char *name, uint32_t *ret)
{
	uint64_t v;
	if (!kx_vmcoreinfo_opt(vc, "NUMBER", name, &v))
		return false;
	*ret = (uint32_t)v;
	return true;
}

static bool info_offset(const struct kx_vmcore *vc, const char *name, uint64_t limit, uint32_t *ret)
{
	uint64_t v;
	if (!kx_vmcoreinfo_opt(vc, "OFFSET", name, &v) || v >= limit)
		return false;
	*ret = (uint32_t)v;
	return true;
}

static int missing(struct kx_error *err, int dump_level, int bit, const char *what, const char *entry)
{
	return kx_fail(err, KX_E_INPUT,
		       "dump level %d: excluding %s (%d) needs %s, which VMCOREINFO lacks; a lower level without %d "
		       "does not need it",
		       dump_level, what, bit, entry, bit);
}

int kx_page_rules_read(const struct kx_vmcore *vc, int dump_level, struct kx_page_rules *r, struct kx_error *err)
{
	memset(r, 0, sizeof(*r));
	bool by_page = dump_level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE);
	uint64_t size = 0;
	if (!kx_vmcoreinfo_opt(vc, "SIZE", "page", &size) || size < 8 || size > 1024) {
		if (by_page)
			return kx_fail(err, KX_E_INPUT, "dump level %d needs SIZE(page) in VMCOREINFO (8 to 1024 bytes)%s",
				       dump_level, kx_vmcoreinfo_has(vc, "SIZE", "page") ? ", which is out of range" : "");
		r->struct_size = 0;
		return 0;
	}
	r->struct_size = size;
	uint64_t word_limit = size - 7;   /* an 8-byte field must end inside the struct */
	bool have_flags = info_offset(vc, "page.flags", word_limit, &r->off_flags);
	bool have_mapping = info_offset(vc, "page.mapping", word_limit, &r->off_mapping);
	r->have_mapcount = info_offset(vc, "page._mapcount", size - 3, &r->off_mapcount);
	r->have_private = info_offset(vc, "page.private", word_limit, &r->off_private);
	/* Linux 7.1 renamed the field (and its VMCOREINFO entry) compound_info;
	 * bit 0 still marks a tail page */
	r->have_compound_head = info_offset(vc, "page.compound_head", word_limit, &r->off_compound_head) ||
				info_offset(vc, "page.compound_info", word_limit, &r->off_compound_head);
	r->pg_lru = info_bit(vc, "PG_lru");
	r->pg_private = info_bit(vc, "PG_private");
	r->pg_swapcache = info_bit(vc, "PG_swapcache");
	r->pg_swapbacked = info_bit(vc, "PG_swapbacked");
	r->pg_slab = info_bit(vc, "PG_slab");
	r->pg_hwpoison = info_bit(vc, "PG_hwpoison");
	r->pg_hugetlb = info_bit(vc, "PG_hugetlb");
	kx_vmcoreinfo_opt(vc, "NUMBER", "PG_head_mask", &r->head_mask);
	r->have_buddy = info_type(vc, "PAGE_BUDDY_MAPCOUNT_VALUE", &r->buddy_value);
	r->have_slab_type = info_type(vc, "PAGE_SLAB_MAPCOUNT_VALUE", &r->slab_value);
	r->have_offline = info_type(vc, "PAGE_OFFLINE_MAPCOUNT_VALUE", &r->offline_value);
	r->have_hugetlb_type = info_type(vc, "PAGE_HUGETLB_MAPCOUNT_VALUE", &r->hugetlb_value);
	r->have_unaccepted = info_type(vc, "PAGE_UNACCEPTED_MAPCOUNT_VALUE", &r->unaccepted_value);
	/* 6.3 on: folio._folio_order/_folio_dtor, counted from the head page */
	uint64_t v;
	if (kx_vmcoreinfo_opt(vc, "OFFSET", "folio._folio_order", &v) && v >= size && v - size < size) {
		r->have_order_off = true;
		r->order_off = (uint32_t)(v - size);
	} else {
		r->have_order_off = info_offset(vc, "page.compound_order", size, &r->order_off);
	}
	if (kx_vmcoreinfo_opt(vc, "OFFSET", "folio._folio_dtor", &v) && v >= size && v - size < size) {
		r->have_dtor_off = true;
		r->dtor_off = (uint32_t)(v - size);
	} else {
		r->have_dtor_off = info_offset(vc, "page.compound_dtor", size, &r->dtor_off);
	}
	r->have_hugetlb_dtor = kx_vmcoreinfo_opt(vc, "NUMBER", "HUGETLB_PAGE_DTOR", &r->hugetlb_dtor);
	kx_vmcoreinfo_opt(vc, "LENGTH", "zone.free_area", &r->free_area_len);

	if (!by_page)
		return 0;
	if (!have_flags)
		return kx_fail(err, KX_E_INPUT, "dump level %d needs OFFSET(page.flags) in VMCOREINFO", dump_level);
	if (!r->have_compound_head)
		return kx_fail(err, KX_E_INPUT,
			       "dump level %d needs OFFSET(page.compound_head) (compound_info since 7.1) in VMCOREINFO",
			       dump_level);
	if ((dump_level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER)) && !have_mapping)
		return kx_fail(err, KX_E_INPUT, "dump level %d needs OFFSET(page.mapping) in VMCOREINFO", dump_level);
	if (dump_level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE)) {
		int bit = dump_level & KX_DL_CACHE ? KX_DL_CACHE : KX_DL_CACHE_PRIVATE;
		if (r->pg_lru == KX_PAGE_NO_BIT)
			return missing(err, dump_level, bit, "cache pages", "NUMBER(PG_lru)");
		if (r->pg_swapcache == KX_PAGE_NO_BIT)
			return missing(err, dump_level, bit, "cache pages", "NUMBER(PG_swapcache)");
		if (r->pg_private == KX_PAGE_NO_BIT)
			return missing(err, dump_level, bit, "cache pages", "NUMBER(PG_private)");
	}
	/* slab pages reuse mapping and _mapcount: they must be told apart */
	if (r->pg_slab == KX_PAGE_NO_BIT && !r->have_slab_type)
		return kx_fail(err, KX_E_INPUT,
			       "dump level %d needs NUMBER(PG_slab) or NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) in VMCOREINFO "
			       "to tell slab pages apart; levels 0 and 1 do not",
			       dump_level);
	if (dump_level & KX_DL_FREE) {
		if (!r->have_buddy)
			return missing(err, dump_level, KX_DL_FREE, "free pages", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
		if (!r->have_mapcount)
			return missing(err, dump_level, KX_DL_FREE, "free pages", "OFFSET(page._mapcount)");
		if (!r->have_private)
			return missing(err, dump_level, KX_DL_FREE, "free pages", "OFFSET(page.private)");
	}
	return 0;
}

bool kx_page_filter_wanted(const struct kx_page_rules *r, int dump_level)
{
	if (dump_level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE))
		return true;
	/* makedumpfile walks the mem_map at every level of a kernel that
	 * exports PG_hwpoison, to leave out poisoned and offline pages */
	return r->struct_size && r->pg_hwpoison != KX_PAGE_NO_BIT;
}

static uint64_t get64(const uint8_t *p, uint32_t off)
{
	uint64_t v;
	kx_le64((struct kx_bytes){ p + off, 8 }, 0, &v);
	return v;
}

static uint32_t get32(const uint8_t *p, uint32_t off)
{
	uint32_t v;
	kx_le32((struct kx_bytes){ p + off, 4 }, 0, &v);
	return v;
}

static bool has_bit(uint64_t flags, int bit)
{
	return bit != KX_PAGE_NO_BIT && (flags >> bit) & 1;
}

static bool is_slab(const struct kx_page_rules *r, uint64_t flags, uint32_t mapcount)
{
	if (r->have_slab_type && r->have_mapcount && mapcount == r->slab_value)
		return true;
	return has_bit(flags, r->pg_slab);
}

static bool is_type(const struct kx_page_rules *r, bool have, uint32_t value, uint32_t mapcount)
{
	return have && r->have_mapcount && mapcount == value;
}

enum kx_page_class kx_page_classify(const struct kx_page_rules *r, int dump_level, uint64_t pfn, const uint8_t *page,
				    const uint8_t *next, uint64_t *ret_nr_pages)
{
	uint64_t flags = get64(page, r->off_flags);
	uint64_t mapping = get64(page, r->off_mapping);
	uint32_t mapcount = r->have_mapcount ? get32(page, r->off_mapcount) : 0;
	uint64_t private = r->have_private ? get64(page, r->off_private) : 0;
	uint64_t compound_head = r->have_compound_head ? get64(page, r->off_compound_head) : 0;
	unsigned int order = 0;
	bool hugetlb = false;

	*ret_nr_pages = 1;
	if ((flags & r->head_mask) && r->head_mask && next) {
		if (r->have_hugetlb_type || r->pg_hugetlb != KX_PAGE_NO_BIT) {
			/* 6.6 on: the order in the low byte of folio._flags_1 */
			uint64_t flags1 = get64(next, r->off_flags);
			order = (unsigned int)(flags1 & 0xff);
			hugetlb = r->have_hugetlb_type ? is_type(r, true, r->hugetlb_value, mapcount)
						       : has_bit(flags1, r->pg_hugetlb);
		} else {
			if (r->have_order_off)
				order = next[r->order_off];
			if (r->have_dtor_off && r->have_hugetlb_dtor)
				hugetlb = next[r->dtor_off] == r->hugetlb_dtor;
		}
		/* an order the page's own position contradicts is no order */
		if (order >= 64 || (pfn & ((UINT64_C(1) << order) - 1)))
			order = 0;
	}
	if (compound_head & 1)
		return KX_PAGE_KEEP;          /* a tail page: its head decided it */
	uint64_t nr = UINT64_C(1) << order;
	bool slab = is_slab(r, flags, mapcount);
	bool anon = (mapping & MAPPING_ANON) && !slab;
	bool cache = has_bit(flags, r->pg_lru) ||
		     ((r->pg_swapbacked == KX_PAGE_NO_BIT || has_bit(flags, r->pg_swapbacked)) &&
		      has_bit(flags, r->pg_swapcache));
	bool priv = has_bit(flags, r->pg_private);

	if ((dump_level & KX_DL_FREE) && !slab && is_type(r, r->have_buddy, r->buddy_value, mapcount)) {
		/* an order past the zone's free lists is no buddy block: kept */
		if (r->free_area_len && private >= r->free_area_len)
			return KX_PAGE_KEEP;
		if (private >= 64)
			return KX_PAGE_KEEP;
		*ret_nr_pages = UINT64_C(1) << private;
		return KX_PAGE_FREE;
	}
	if ((dump_level & KX_DL_FREE) && is_type(r, r->have_unaccepted, r->unaccepted_value, mapcount) &&
	    r->free_area_len && r->free_area_len <= 64) {
		/* unaccepted memory waits in blocks of the largest order */
		*ret_nr_pages = UINT64_C(1) << (r->free_area_len - 1);
		return KX_PAGE_FREE;
	}
	*ret_nr_pages = nr;
	if ((dump_level & KX_DL_CACHE) && cache && !priv && !anon)
		return KX_PAGE_CACHE;
	if ((dump_level & KX_DL_CACHE_PRIVATE) && cache && !anon)
		return priv ? KX_PAGE_CACHE_PRIVATE : KX_PAGE_CACHE;
	if ((dump_level & KX_DL_USER) && (anon || hugetlb))
		return KX_PAGE_USER;
	if (has_bit(flags, r->pg_hwpoison))
		return KX_PAGE_HWPOISON;
	if (!slab && is_type(r, r->have_offline, r->offline_value, mapcount))
		return KX_PAGE_OFFLINE;
	*ret_nr_pages = 1;
	return KX_PAGE_KEEP;
}

/* SPARSEMEM's layout from VMCOREINFO. */
struct sparse {
	uint64_t mem_section;         /* the root array (EXTREME) or the sections */
	uint64_t section_size;        /* SIZE(mem_section) */
	uint32_t off_map;
	unsigned int pfn_section_shift;
	uint64_t per_root;            /* sections per root: 1 without EXTREME */
	bool extreme;
};

static int read_sparse(const struct kx_vmcore *vc, size_t page_size, struct sparse *s, struct kx_error *err)
{
	uint64_t length, section_bits, physmem_bits, off;
	static const char *const need[][2] = {
		{ "SYMBOL", "mem_section" },         { "LENGTH", "mem_section" },
		{ "SIZE", "mem_section" },           { "OFFSET", "mem_section.section_mem_map" },
		{ "NUMBER", "SECTION_SIZE_BITS" },   { "NUMBER", "MAX_PHYSMEM_BITS" },
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kx_vmcoreinfo_has(vc, need[i][0], need[i][1])) {
			if (kx_vmcoreinfo_has(vc, "SYMBOL", "mem_map"))
				return kx_fail(err, KX_E_FORMAT,
					       "the kernel's memory model is FLATMEM (SYMBOL(mem_map), no %s(%s)): "
					       "vmcore-save reads only SPARSEMEM mem_maps", need[i][0], need[i][1]);
			return kx_fail(err, KX_E_INPUT, "filtering by page needs %s(%s) in VMCOREINFO", need[i][0],
				       need[i][1]);
		}
	if (kx_vmcoreinfo_get(vc, "SYMBOL", "mem_section", &s->mem_section, err) < 0 ||
	    kx_vmcoreinfo_get(vc, "LENGTH", "mem_section", &length, err) < 0 ||
	    kx_vmcoreinfo_get(vc, "SIZE", "mem_section", &s->section_size, err) < 0 ||
	    kx_vmcoreinfo_get(vc, "OFFSET", "mem_section.section_mem_map", &off, err) < 0 ||
	    kx_vmcoreinfo_get(vc, "NUMBER", "SECTION_SIZE_BITS", &section_bits, err) < 0 ||
	    kx_vmcoreinfo_get(vc, "NUMBER", "MAX_PHYSMEM_BITS", &physmem_bits, err) < 0)
		return -1;
	unsigned int page_shift = (unsigned int)__builtin_ctzll(page_size);
	if (s->section_size < 8 || s->section_size > page_size || off > s->section_size - 8)
		return kx_fail(err, KX_E_INPUT,
			       "VMCOREINFO: SIZE(mem_section)=%" PRIu64 " with OFFSET(mem_section.section_mem_map)=%" PRIu64
			       ": a section is 8 bytes to a page and holds its mem_map pointer",
			       s->section_size, off);
	if (physmem_bits > 64 || section_bits < page_shift || section_bits >= physmem_bits)
		return kx_fail(err, KX_E_INPUT,
			       "VMCOREINFO: NUMBER(SECTION_SIZE_BITS)=%" PRIu64 " and NUMBER(MAX_PHYSMEM_BITS)=%" PRIu64
			       " with %zu-byte pages: a section is at least a page and smaller than physical memory",
			       section_bits, physmem_bits, page_size);
	s->off_map = (uint32_t)off;
	s->pfn_section_shift = (unsigned int)(section_bits - page_shift);
	uint64_t nr_sections = UINT64_C(1) << (physmem_bits - section_bits);
	uint64_t extreme_per_root = page_size / s->section_size;
	/* SPARSEMEM_EXTREME: LENGTH is the number of roots, each a pointer to
	 * a page of sections; plain SPARSEMEM: one array of every section. */
	if (length && length <= nr_sections && length * extreme_per_root == nr_sections) {
		s->extreme = true;
		s->per_root = extreme_per_root;
	} else if (length == nr_sections) {
		s->extreme = false;
		s->per_root = 1;
	} else {
		return kx_fail(err, KX_E_INPUT,
			       "VMCOREINFO: LENGTH(mem_section)=%" PRIu64 " fits neither SPARSEMEM (%" PRIu64
			       " sections) nor SPARSEMEM_EXTREME (%" PRIu64 " roots of %" PRIu64 ")",
			       length, nr_sections, nr_sections / extreme_per_root, extreme_per_root);
	}
	return 0;
}

static bool any_bit(const uint8_t *bitmap, uint64_t from, uint64_t to)
{
	for (uint64_t pfn = from; pfn < to;) {
		if ((pfn & 7) == 0 && pfn + 8 <= to) {
			if (bitmap[pfn >> 3])
				return true;
			pfn += 8;
			continue;
		}
		if (bitmap[pfn >> 3] & (1u << (pfn & 7)))
			return true;
		pfn++;
	}
	return false;
}

/* Leave out [pfn, end). */
static void exclude(uint8_t *dumped, uint64_t pfn, uint64_t end)
{
	for (; pfn < end; pfn++)
		dumped[pfn >> 3] &= (uint8_t)~(1u << (pfn & 7));
}

int kx_page_filter(const struct kx_vmcore *vc, const struct kx_page_rules *r, int dump_level, uint64_t max_pfn,
		   const uint8_t *exist, uint8_t *dumped, struct kx_page_filter_stats *st, struct kx_error *err)
{
	struct sparse sp;
	uint64_t page_size;
	uint64_t *roots = NULL;
	uint8_t *buf = NULL, *section = NULL;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (!vc->xlate.have_pgt)
		return kx_fail(err, KX_E_FORMAT,
			       "%s: filtering by page reads the mem_map through the kernel's page tables, and VMCOREINFO "
			       "does not say how to walk this %s core's (x86_64: SYMBOL(init_top_pgt), NUMBER(phys_base); "
			       "arm64: SYMBOL(swapper_pg_dir), NUMBER(kimage_voffset), NUMBER(TCR_EL1_T1SZ) or VA_BITS; "
			       "riscv64: SYMBOL(swapper_pg_dir), NUMBER(va_kernel_pa_offset), NUMBER(VA_BITS)); "
			       "dump levels 0 and 1 need no mem_map",
			       vc->name, kx_elfcore_machine_name(vc->machine));
	if (kx_vmcoreinfo_get(vc, "", "PAGESIZE", &page_size, err) < 0 || read_sparse(vc, page_size, &sp, err) < 0)
		goto out;
	uint64_t per_section = UINT64_C(1) << sp.pfn_section_shift;
	uint64_t nr_sections = (max_pfn + per_section - 1) / per_section;
	buf = malloc((size_t)r->struct_size * CHUNK_PAGES);
	section = malloc(sp.section_size);
	if (!buf || !section) {
		kx_fail(err, KX_E_NOMEM, "out of memory for the mem_map");
		goto out;
	}
	if (sp.extreme) {
		uint64_t nr_roots = (nr_sections + sp.per_root - 1) / sp.per_root;
		/* nr_sections derives from the core's PT_LOADs, the root count
		 * from VMCOREINFO: read no more roots than both allow */
		roots = calloc(nr_roots ? nr_roots : 1, sizeof(*roots));
		if (!roots) {
			kx_fail(err, KX_E_NOMEM, "out of memory for %" PRIu64 " mem_section roots", nr_roots);
			goto out;
		}
		if (nr_roots && kx_vmcore_read_vaddr(vc, sp.mem_section, roots, nr_roots * sizeof(*roots),
						     "the mem_section roots", err) < 0)
			goto out;
		for (uint64_t i = 0; i < nr_roots; i++) {
			uint64_t v;
			kx_le64((struct kx_bytes){ (const uint8_t *)&roots[i], 8 }, 0, &v);
			roots[i] = v;
		}
	}

	uint64_t next_pfn = 0;   /* frames below it are decided (a range may span sections) */
	for (uint64_t nr = 0; nr < nr_sections; nr++) {
		uint64_t first = nr << sp.pfn_section_shift;
		uint64_t end = first + per_section < max_pfn ? first + per_section : max_pfn;
		if (end <= next_pfn || !any_bit(exist, first > next_pfn ? first : next_pfn, end))
			continue;
		uint64_t at;
		if (sp.extreme) {
			uint64_t root = roots[nr / sp.per_root];
			if (!root)
				continue;   /* no memory in this root's sections */
			at = root + (nr % sp.per_root) * sp.section_size;
		} else {
			at = sp.mem_section + nr * sp.section_size;
		}
		if (kx_vmcore_read_vaddr(vc, at, section, sp.section_size, "a mem_section", err) < 0) {
			kx_error_prefix(err, "section %" PRIu64 ": ", nr);
			goto out;
		}
		uint64_t coded = get64(section, sp.off_map);
		if (!(coded & SECTION_MARKED_PRESENT))
			continue;   /* no mem_map: its pages are kept */
		/* the coded pointer is mem_map minus the section's first pfn */
		uint64_t mem_map = (coded & SECTION_MAP_MASK) + first * r->struct_size;
		st->sections++;
		for (uint64_t chunk = first; chunk < end; chunk += CHUNK_PAGES) {
			uint64_t chunk_end = chunk + CHUNK_PAGES < end ? chunk + CHUNK_PAGES : end;
			uint64_t from = chunk > next_pfn ? chunk : next_pfn;
			if (from >= chunk_end || !any_bit(exist, from, chunk_end))
				continue;
			uint64_t n = chunk_end - chunk;
			uint64_t vaddr = mem_map + (chunk - first) * r->struct_size;
			if (kx_vmcore_read_vaddr(vc, vaddr, buf, (size_t)(n * r->struct_size), "struct pages", err) < 0) {
				kx_error_prefix(err, "the mem_map of pfns 0x%" PRIx64 "-0x%" PRIx64 " (section %" PRIu64
						     ", at 0x%" PRIx64 "): ",
						chunk, chunk_end - 1, nr, vaddr);
				goto out;
			}
			for (uint64_t pfn = from; pfn < chunk_end;) {
				if (!(exist[pfn >> 3] & (1u << (pfn & 7)))) {
					pfn++;
					continue;
				}
				const uint8_t *page = buf + (pfn - chunk) * r->struct_size;
				const uint8_t *next = pfn + 1 < chunk_end ? page + r->struct_size : NULL;
				uint64_t count;
				enum kx_page_class c = kx_page_classify(r, dump_level, pfn, page, next, &count);
				if (c == KX_PAGE_KEEP) {
					pfn++;
					continue;
				}
				uint64_t stop = count > max_pfn - pfn ? max_pfn : pfn + count;
				/* makedumpfile counts every frame of a range */
				exclude(dumped, pfn, stop);
				st->excluded[c] += stop - pfn;
				pfn = stop;
				if (stop > next_pfn)
					next_pfn = stop;
			}
		}
	}
	ret = 0;
out:
	free(roots);
	free(buf);
	free(section);
	return ret;
}
