// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump level's page classes: struct pages built by hand with the
 * field offsets, flag bits and page type values of Debian's 6.1 and 6.12
 * x86_64 kernels (their VMCOREINFO), decided one by one; then the mem_map
 * walk over a synthetic x86_64 core (SPARSEMEM_EXTREME roots, a section
 * without mem_map, page tables mapping the vmemmap, a free block that
 * crosses a section), and the refusals that name what VMCOREINFO lacks.
 */
#include "harness.h"

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "dump/page_filter.h"
#include "synth_core.h"

#define PAGE_61                                                                                              \
	"PAGESIZE=4096\nSIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\n"                     \
	"OFFSET(page.mapping)=24\nOFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n" \
	"OFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\nOFFSET(page.compound_head)=8\n"     \
	"LENGTH(zone.free_area)=11\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"      \
	"NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\nNUMBER(PG_head_mask)=65536\n"  \
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"                              \
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"

#define PAGE_612                                                                                             \
	"PAGESIZE=4096\nSIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\n"                     \
	"OFFSET(page.mapping)=24\nOFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n" \
	"OFFSET(page.compound_head)=8\nLENGTH(zone.free_area)=11\nNUMBER(PG_lru)=5\nNUMBER(PG_private)=14\n" \
	"NUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=17\nNUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"  \
	"NUMBER(PG_hwpoison)=20\nNUMBER(PG_head_mask)=64\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"    \
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\nNUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n"

static struct kx_vmcore info_core(char *info)
{
	struct kx_vmcore vc = { .name = (char *)"core", .machine = EM_X86_64, .info = info,
				.info_size = strlen(info) };
	return vc;
}

/* A struct page of the 6.1 / 6.12 layout. */
struct page_fields {
	uint64_t flags, compound_head, mapping, private;
	uint32_t mapcount;
};
static void put_page(uint8_t *p, struct page_fields f)
{
	memset(p, 0, 64);
	kx_put_le64(p + 0, f.flags);
	kx_put_le64(p + 8, f.compound_head);
	kx_put_le64(p + 24, f.mapping);
	kx_put_le64(p + 40, f.private);
	kx_put_le32(p + 48, f.mapcount);
	kx_put_le32(p + 52, 1);   /* _refcount */
}

static enum kx_page_class decide(const struct kx_page_rules *r, int level, uint64_t pfn, struct page_fields f,
				 const uint8_t *next, uint64_t *nr)
{
	uint8_t p[64];
	put_page(p, f);
	return kx_page_classify(r, level, pfn, p, next, nr);
}

#define BUDDY61 ((uint32_t)-129)
#define LRU61 (1u << 4)
#define PRIVATE61 (1u << 13)
#define SLAB61 (1u << 9)

KX_TEST(classes_of_a_61_kernel)
{
	char info[] = PAGE_61;
	struct kx_vmcore vc = info_core(info);
	struct kx_page_rules r;
	struct kx_error err = { 0 };
	uint64_t nr;
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	/* a free block of order 3: 8 frames at -d 16, kept below it */
	CHECK(decide(&r, 31, 8, (struct page_fields){ .mapcount = BUDDY61, .private = 3 }, NULL, &nr) == KX_PAGE_FREE);
	CHECK_EQ_U64(nr, 8);
	CHECK(decide(&r, 15, 8, (struct page_fields){ .mapcount = BUDDY61, .private = 3 }, NULL, &nr) == KX_PAGE_KEEP);
	/* an order past the free lists (11 of them) is no free block */
	CHECK(decide(&r, 31, 0, (struct page_fields){ .mapcount = BUDDY61, .private = 11 }, NULL, &nr) == KX_PAGE_KEEP);
	/* page cache: 2 takes it without private data, 4 with */
	CHECK(decide(&r, 2, 16, (struct page_fields){ .flags = LRU61, .mapping = 0xffff888000100000 }, NULL, &nr) ==
	      KX_PAGE_CACHE);
	CHECK(decide(&r, 2, 17, (struct page_fields){ .flags = LRU61 | PRIVATE61, .mapping = 0xffff888000100000 },
		     NULL, &nr) == KX_PAGE_KEEP);
	CHECK(decide(&r, 4, 17, (struct page_fields){ .flags = LRU61 | PRIVATE61, .mapping = 0xffff888000100000 },
		     NULL, &nr) == KX_PAGE_CACHE_PRIVATE);
	CHECK(decide(&r, 4, 16, (struct page_fields){ .flags = LRU61, .mapping = 0xffff888000100000 }, NULL, &nr) ==
	      KX_PAGE_CACHE);
	/* the swap cache counts only with PG_swapbacked */
	CHECK(decide(&r, 2, 1, (struct page_fields){ .flags = 1u << 10 }, NULL, &nr) == KX_PAGE_KEEP);
	CHECK(decide(&r, 2, 1, (struct page_fields){ .flags = 1u << 10 | 1u << 19 }, NULL, &nr) == KX_PAGE_CACHE);
	/* anonymous: user data (8), never cache, even on an LRU list */
	CHECK(decide(&r, 6, 18, (struct page_fields){ .flags = LRU61, .mapping = 0xffff888000200001 }, NULL, &nr) ==
	      KX_PAGE_KEEP);
	CHECK(decide(&r, 8, 18, (struct page_fields){ .flags = LRU61, .mapping = 0xffff888000200001 }, NULL, &nr) ==
	      KX_PAGE_USER);
	/* a slab page's odd "mapping" is no anon_vma */
	CHECK(decide(&r, 31, 19, (struct page_fields){ .flags = SLAB61, .mapping = 0xffff888000300001 }, NULL, &nr) ==
	      KX_PAGE_KEEP);
	/* poisoned and offline pages go at every level */
	CHECK(decide(&r, 0, 20, (struct page_fields){ .flags = 1u << 23 }, NULL, &nr) == KX_PAGE_HWPOISON);
	CHECK(decide(&r, 0, 21, (struct page_fields){ .mapcount = (uint32_t)-257 }, NULL, &nr) == KX_PAGE_OFFLINE);
	/* a hugetlbfs page: head flag, order and destructor in the first tail */
	uint8_t tail[64];
	put_page(tail, (struct page_fields){ .compound_head = 0xffffea0000000801 });
	tail[17] = 9;   /* compound_order */
	tail[16] = 2;   /* compound_dtor: HUGETLB_PAGE_DTOR */
	CHECK(decide(&r, 8, 512, (struct page_fields){ .flags = 1u << 16 }, tail, &nr) == KX_PAGE_USER);
	CHECK_EQ_U64(nr, 512);
	CHECK(decide(&r, 7, 512, (struct page_fields){ .flags = 1u << 16 }, tail, &nr) == KX_PAGE_KEEP);
	/* an order its position contradicts is none: one frame */
	CHECK(decide(&r, 8, 256, (struct page_fields){ .flags = 1u << 16 }, tail, &nr) == KX_PAGE_USER);
	CHECK_EQ_U64(nr, 1);
	/* another destructor (a THP): not hugetlb, not anonymous */
	tail[16] = 3;
	CHECK(decide(&r, 8, 512, (struct page_fields){ .flags = 1u << 16 }, tail, &nr) == KX_PAGE_KEEP);
	/* a tail page is its head's */
	CHECK(decide(&r, 31, 513, (struct page_fields){ .compound_head = 0xffffea0000008001, .mapcount = BUDDY61 },
		     NULL, &nr) == KX_PAGE_KEEP);
}

KX_TEST(classes_of_a_612_kernel)
{
	char info[] = PAGE_612;
	struct kx_vmcore vc = info_core(info);
	struct kx_page_rules r;
	struct kx_error err = { 0 };
	uint64_t nr;
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	CHECK(decide(&r, 16, 64, (struct page_fields){ .mapcount = 0xf0000000, .private = 6 }, NULL, &nr) ==
	      KX_PAGE_FREE);
	CHECK_EQ_U64(nr, 64);
	/* the buddy type with data in its low bits is another value */
	CHECK(decide(&r, 16, 64, (struct page_fields){ .mapcount = 0xf0000001, .private = 6 }, NULL, &nr) ==
	      KX_PAGE_KEEP);
	/* slab by page type: its mapping-like word is not anonymous */
	CHECK(decide(&r, 31, 3, (struct page_fields){ .mapcount = 0xf5000000, .mapping = 0xffff888000300001 }, NULL,
		     &nr) == KX_PAGE_KEEP);
	CHECK(decide(&r, 8, 3, (struct page_fields){ .mapping = 0xffff888000300001 }, NULL, &nr) == KX_PAGE_USER);
	CHECK(decide(&r, 2, 3, (struct page_fields){ .flags = 1u << 5 }, NULL, &nr) == KX_PAGE_CACHE);
	CHECK(decide(&r, 0, 3, (struct page_fields){ .mapcount = 0xf1000000 }, NULL, &nr) == KX_PAGE_OFFLINE);
	CHECK(decide(&r, 1, 3, (struct page_fields){ .flags = 1u << 20 }, NULL, &nr) == KX_PAGE_HWPOISON);
	/* hugetlb by the head's page type, the order in the tail's flags */
	uint8_t tail[64];
	put_page(tail, (struct page_fields){ .flags = 9, .compound_head = 0xffffea0000000801 });
	CHECK(decide(&r, 8, 1024, (struct page_fields){ .flags = 1u << 6, .mapcount = 0xf4000000 }, tail, &nr) ==
	      KX_PAGE_USER);
	CHECK_EQ_U64(nr, 512);
	/* a large folio of the page cache goes whole */
	CHECK(decide(&r, 2, 1024, (struct page_fields){ .flags = 1u << 6 | 1u << 5 }, tail, &nr) == KX_PAGE_CACHE);
	CHECK_EQ_U64(nr, 512);
}

/* Linux 7.1 names the tail-page word compound_info */
KX_TEST(compound_info_of_71)
{
	char info[] = "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\nOFFSET(page._mapcount)=48\n"
		      "OFFSET(page.private)=40\nOFFSET(page.compound_info)=8\nNUMBER(PG_lru)=5\n"
		      "NUMBER(PG_private)=14\nNUMBER(PG_swapcache)=10\nNUMBER(PG_swapbacked)=17\n"
		      "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n";
	struct kx_vmcore vc = info_core(info);
	struct kx_page_rules r;
	struct kx_error err = { 0 };
	uint64_t nr;
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	CHECK(decide(&r, 8, 9, (struct page_fields){ .compound_head = 0xffffea0000000201, .mapping = 0xffff888000300001 },
		     NULL, &nr) == KX_PAGE_KEEP);
	CHECK(decide(&r, 8, 9, (struct page_fields){ .mapping = 0xffff888000300001 }, NULL, &nr) == KX_PAGE_USER);
}

KX_TEST(missing_entries_named)
{
	struct kx_page_rules r;
	struct kx_error err = { 0 };
	char no_buddy[] = "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\nOFFSET(page._mapcount)=48\n"
			  "OFFSET(page.private)=40\nOFFSET(page.compound_head)=8\nNUMBER(PG_lru)=4\n"
			  "NUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\nNUMBER(PG_slab)=9\n";
	struct kx_vmcore vc = info_core(no_buddy);
	CHECK(kx_page_rules_read(&vc, 16, &r, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	err = (struct kx_error){ 0 };
	CHECK(kx_page_rules_read(&vc, 15, &r, &err) == 0);
	/* levels 0 and 1 need nothing, and walk nothing without PG_hwpoison */
	CHECK(kx_page_rules_read(&vc, 1, &r, &err) == 0);
	CHECK(!kx_page_filter_wanted(&r, 1));
	char no_lru[] = "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=24\nOFFSET(page.compound_head)=8\n"
			"NUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\nNUMBER(PG_slab)=9\nNUMBER(PG_hwpoison)=23\n";
	vc = info_core(no_lru);
	CHECK(kx_page_rules_read(&vc, 2, &r, &err) < 0);
	CHECK_CONTAINS(err.message, "NUMBER(PG_lru)");
	err = (struct kx_error){ 0 };
	CHECK(kx_page_rules_read(&vc, 8, &r, &err) == 0);
	CHECK(kx_page_rules_read(&vc, 1, &r, &err) == 0);
	CHECK(kx_page_filter_wanted(&r, 1));   /* poisoned pages go at level 1 too */
	char no_size[] = "OFFSET(page.flags)=0\n";
	vc = info_core(no_size);
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) < 0);
	CHECK_CONTAINS(err.message, "SIZE(page)");
	char huge_offset[] = "SIZE(page)=64\nOFFSET(page.flags)=60\nOFFSET(page.compound_head)=8\n"
			     "NUMBER(PG_slab)=9\n";
	vc = info_core(huge_offset);
	err = (struct kx_error){ 0 };
	CHECK(kx_page_rules_read(&vc, 8, &r, &err) < 0);   /* a field past the struct is no field */
	CHECK_CONTAINS(err.message, "OFFSET(page.flags)");
}

/* --- the walk over a synthetic x86_64 core ------------------------------------ */

#define PS 4096u
#define NR_PFNS 64u            /* 8 sections of 8 pages (SECTION_SIZE_BITS 15) */
#define KMAP 0xffffffff80000000ull
#define VMEMMAP 0xffffea0000000000ull
#define MEM_OFF 0x1000u        /* the PT_LOAD's file offset */

static uint8_t *core_bytes;
static size_t core_size;

/* VMCOREINFO of the core; `extra` appended. */
static size_t put_info(char *out, size_t size, const char *extra)
{
	return (size_t)snprintf(out, size,
				"OSRELEASE=6.1.0-synthetic\n" PAGE_61 "NUMBER(phys_base)=0\n"
				"SYMBOL(init_top_pgt)=%llx\nSYMBOL(mem_section)=%llx\nLENGTH(mem_section)=2\n"
				"SIZE(mem_section)=32\nOFFSET(mem_section.section_mem_map)=0\n"
				"NUMBER(SECTION_SIZE_BITS)=15\nNUMBER(MAX_PHYSMEM_BITS)=23\n%s",
				KMAP + 0x1000, KMAP + 0x5000, extra);
}

/*
 * Physical memory (pfns 0-63, one PT_LOAD): page tables at pfns 1-4
 * mapping VMEMMAP to pfn 7, the mem_section roots at pfn 5 (root 0 -> pfn
 * 6), sections at pfn 6 (section 3 without a mem_map), the struct pages of
 * every pfn at pfn 7.
 */
static void build_core(const char *extra)
{
	char info[4096];
	put_info(info, sizeof(info), extra);
	free(core_bytes);
	core_bytes = synth_core(EM_X86_64, info, 0, MEM_OFF, NR_PFNS * PS, &core_size);
	uint8_t *mem = core_bytes + MEM_OFF;

	/* page tables: PGD (pfn 1) -> PUD (2) -> PMD (3) -> PTE (4) -> pfn 7 */
	kx_put_le64(mem + 0x1000 + ((VMEMMAP >> 39) & 511) * 8, 0x2000 | 0x63);
	kx_put_le64(mem + 0x2000 + ((VMEMMAP >> 30) & 511) * 8, 0x3000 | 0x63);
	kx_put_le64(mem + 0x3000 + ((VMEMMAP >> 21) & 511) * 8, 0x4000 | 0x63);
	kx_put_le64(mem + 0x4000 + ((VMEMMAP >> 12) & 511) * 8, 0x7000 | 0x63);
	/* roots: root 0 at pfn 6, root 1 empty */
	kx_put_le64(mem + 0x5000, KMAP + 0x6000);
	for (uint64_t s = 0; s < NR_PFNS / 8; s++)
		if (s != 3)   /* coded: the section's mem_map minus its first pfn (the vmemmap
			       * base); flags present | has mem_map */
			kx_put_le64(mem + 0x6000 + s * 32, VMEMMAP | 3);
	uint8_t *pages = mem + 0x7000;
	put_page(pages + 8 * 64, (struct page_fields){ .mapcount = BUDDY61, .private = 3 });   /* 8-15 free */
	put_page(pages + 16 * 64, (struct page_fields){ .flags = LRU61, .mapping = 0xffff888000100000 });
	put_page(pages + 17 * 64, (struct page_fields){ .flags = LRU61 | PRIVATE61, .mapping = 0xffff888000100000 });
	put_page(pages + 18 * 64, (struct page_fields){ .mapping = 0xffff888000200001 });
	put_page(pages + 19 * 64, (struct page_fields){ .flags = SLAB61, .mapping = 0xffff888000300001 });
	put_page(pages + 20 * 64, (struct page_fields){ .flags = 1u << 23 });
	/* in section 3, which has no mem_map: kept whatever it says */
	put_page(pages + 24 * 64, (struct page_fields){ .mapcount = BUDDY61, .private = 0 });
	/* a hugetlbfs page of order 2 at pfn 32 */
	put_page(pages + 32 * 64, (struct page_fields){ .flags = 1u << 16 });
	for (unsigned int t = 33; t < 36; t++)
		put_page(pages + t * 64, (struct page_fields){ .compound_head = (VMEMMAP + 32 * 64) | 1 });
	pages[33 * 64 + 16] = 2;
	pages[33 * 64 + 17] = 2;
	/* a free block of order 4 at pfn 48: across sections 6 and 7 */
	put_page(pages + 48 * 64, (struct page_fields){ .mapcount = BUDDY61, .private = 4 });
}

static int open_core(struct kx_vmcore *vc, struct kx_elfcore_mem *mem, struct kx_error *err)
{
	mem->data = core_bytes;
	mem->size = core_size;
	return kx_vmcore_open(vc, "synthetic", kx_elfcore_mem_reader(mem), err);
}

static bool bit(const uint8_t *b, unsigned int pfn)
{
	return b[pfn / 8] & (1u << (pfn % 8));
}

KX_TEST(mem_map_walk)
{
	struct kx_vmcore vc;
	struct kx_elfcore_mem mem;
	struct kx_error err = { 0 };
	struct kx_page_rules r;
	struct kx_page_filter_stats st;
	uint8_t exist[NR_PFNS / 8], dumped[NR_PFNS / 8];

	build_core("");
	CHECK(open_core(&vc, &mem, &err) == 0);
	if (err.status) {
		printf("# %s\n", err.message);
		return;
	}
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	memset(exist, 0xff, sizeof(exist));
	memcpy(dumped, exist, sizeof(dumped));
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) == 0);
	if (err.status)
		printf("# %s\n", err.message);
	CHECK_EQ_U64(st.excluded[KX_PAGE_FREE], 8 + 16);
	CHECK_EQ_U64(st.excluded[KX_PAGE_CACHE], 1);
	CHECK_EQ_U64(st.excluded[KX_PAGE_CACHE_PRIVATE], 1);
	CHECK_EQ_U64(st.excluded[KX_PAGE_USER], 1 + 4);
	CHECK_EQ_U64(st.excluded[KX_PAGE_HWPOISON], 1);
	CHECK_EQ_U64(st.excluded[KX_PAGE_OFFLINE], 0);
	CHECK_EQ_U64(st.sections, 6);   /* not 3 (no mem_map), not 7 (inside the free block from 48) */
	for (unsigned int pfn = 0; pfn < NR_PFNS; pfn++) {
		bool out = (pfn >= 8 && pfn <= 18) || pfn == 20 || (pfn >= 32 && pfn < 36) || pfn >= 48;
		if (bit(dumped, pfn) == out) {
			printf("# pfn %u: %s\n", pfn, out ? "kept, should be left out" : "left out, should be kept");
			CHECK(bit(dumped, pfn) != out);
		}
	}
	/* -d 2 leaves out the non-private cache page and the poisoned one */
	memcpy(dumped, exist, sizeof(dumped));
	CHECK(kx_page_rules_read(&vc, 2, &r, &err) == 0);
	CHECK(kx_page_filter(&vc, &r, 2, NR_PFNS, exist, dumped, &st, &err) == 0);
	CHECK_EQ_U64(st.excluded[KX_PAGE_CACHE] + st.excluded[KX_PAGE_HWPOISON], 2);
	CHECK(!bit(dumped, 16) && bit(dumped, 17) && !bit(dumped, 20) && bit(dumped, 8));
	/* frames the core does not hold are not looked at */
	memset(exist, 0, sizeof(exist));
	exist[2] = 0xff;   /* pfns 16-23 */
	memcpy(dumped, exist, sizeof(dumped));
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) == 0);
	CHECK_EQ_U64(st.excluded[KX_PAGE_FREE], 0);
	CHECK_EQ_U64(st.sections, 1);
	kx_vmcore_close(&vc);
}

KX_TEST(broken_mem_maps_refused)
{
	struct kx_vmcore vc;
	struct kx_elfcore_mem mem;
	struct kx_error err = { 0 };
	struct kx_page_rules r;
	struct kx_page_filter_stats st;
	uint8_t exist[NR_PFNS / 8], dumped[NR_PFNS / 8];
	memset(exist, 0xff, sizeof(exist));

	/* a section whose mem_map is not mapped */
	build_core("");
	kx_put_le64(core_bytes + MEM_OFF + 0x6000 + 2 * 32, (VMEMMAP + 0x200000) | 3);
	CHECK(open_core(&vc, &mem, &err) == 0);
	CHECK(kx_page_rules_read(&vc, 31, &r, &err) == 0);
	memcpy(dumped, exist, sizeof(dumped));
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) < 0);
	CHECK_CONTAINS(err.message, "section 2");
	CHECK_CONTAINS(err.message, "not mapped");
	kx_vmcore_close(&vc);

	/* a root past the core */
	build_core("");
	kx_put_le64(core_bytes + MEM_OFF + 0x5000, KMAP + 0x100000);
	err = (struct kx_error){ 0 };
	CHECK(open_core(&vc, &mem, &err) == 0);
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "mem_section");
	kx_vmcore_close(&vc);

	/* a LENGTH(mem_section) that fits no memory model */
	build_core("");
	char *len = memmem(core_bytes, 0x1000, "LENGTH(mem_section)=2", 21);
	CHECK(len != NULL);
	if (len)
		len[20] = '3';
	err = (struct kx_error){ 0 };
	CHECK(open_core(&vc, &mem, &err) == 0);
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) < 0);
	CHECK_CONTAINS(err.message, "LENGTH(mem_section)=3");
	kx_vmcore_close(&vc);

	/* another machine, whose VMCOREINFO here says nothing of its page tables */
	build_core("");
	kx_put_le16(core_bytes + offsetof(Elf64_Ehdr, e_machine), EM_RISCV);
	err = (struct kx_error){ 0 };
	CHECK(open_core(&vc, &mem, &err) == 0);
	CHECK(kx_page_filter(&vc, &r, 31, NR_PFNS, exist, dumped, &st, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	CHECK_CONTAINS(err.message, "does not say how to walk this riscv64 core's");
	kx_vmcore_close(&vc);
	free(core_bytes);
	core_bytes = NULL;
}

KX_TEST_MAIN(KX_CASE(classes_of_a_61_kernel), KX_CASE(classes_of_a_612_kernel), KX_CASE(compound_info_of_71),
	     KX_CASE(missing_entries_named),
	     KX_CASE(mem_map_walk), KX_CASE(broken_mem_maps_refused))
