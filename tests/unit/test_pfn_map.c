// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pfn map of an ELF vmcore's PT_LOADs: ranges sorted and merged, pages
 * at unaligned edges read from every PT_LOAD holding part of them (zeros
 * elsewhere), bytes past p_filesz zeros, reads past the map and PT_LOADs
 * that overflow refused.
 */
#include "harness.h"

#include <stdint.h>

#include "dump/pfn_map.h"

#define PS 4096u

/* A "file" whose byte at offset o is (o * 13 + 7) & 0xff. */
static uint8_t file[64 * PS];
static void make_file(void)
{
	for (size_t o = 0; o < sizeof(file); o++)
		file[o] = (uint8_t)(o * 13 + 7);
}

static struct kx_elfcore_load load(uint64_t offset, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	struct kx_elfcore_load l = { .offset = offset, .vaddr = 0, .paddr = paddr, .filesz = filesz,
				     .memsz = memsz, .has_paddr = true, .readable = true };
	return l;
}

KX_TEST(ranges_sorted_merged_counted)
{
	struct kx_elfcore_load loads[] = {
		load(0, 0x100000, 4 * PS, 4 * PS),
		load(4 * PS, 0x1000, 2 * PS, 2 * PS),
		load(6 * PS, 0x104000, 2 * PS, 2 * PS),     /* adjoins the first */
		load(8 * PS, 0x200800, 2 * PS, 2 * PS),      /* unaligned: pfns 0x200, 0x201 whole, 0x202 half */
	};
	struct kx_pfn_map m;
	struct kx_error err = { 0 };
	CHECK(kx_pfn_map_build(&m, loads, 4, PS, &err) == 0);
	CHECK_EQ_U64(m.nr_ranges, 3);
	CHECK_EQ_U64(m.ranges[0].start_pfn, 1);
	CHECK_EQ_U64(m.ranges[0].end_pfn, 3);
	CHECK_EQ_U64(m.ranges[1].start_pfn, 0x100);
	CHECK_EQ_U64(m.ranges[1].end_pfn, 0x106);
	CHECK_EQ_U64(m.ranges[2].start_pfn, 0x200);
	CHECK_EQ_U64(m.ranges[2].end_pfn, 0x202);
	CHECK_EQ_U64(m.nr_pages, 2 + 6 + 2);
	CHECK_EQ_U64(m.max_pfn, 0x203);
	CHECK(kx_pfn_map_has(&m, 1) && kx_pfn_map_has(&m, 0x105) && kx_pfn_map_has(&m, 0x201));
	CHECK(!kx_pfn_map_has(&m, 0) && !kx_pfn_map_has(&m, 3) && !kx_pfn_map_has(&m, 0x106) &&
	      !kx_pfn_map_has(&m, 0x202));
	kx_pfn_map_free(&m);
}

KX_TEST(pages_read_with_edges_and_zeros)
{
	make_file();
	struct kx_elfcore_load loads[] = {
		load(0, 0x10000, 2 * PS, 3 * PS),            /* third page: past p_filesz */
		load(10 * PS, 0x20800, PS, PS),              /* half of pfn 0x20, half of 0x21 */
		load(20 * PS, 0x22000, PS, PS),              /* pfn 0x22: the map ends at 0x23 */
	};
	struct kx_elfcore_mem mem = { file, sizeof(file) };
	struct kx_elfcore_reader rd = kx_elfcore_mem_reader(&mem);
	struct kx_pfn_map m;
	struct kx_error err = { 0 };
	uint8_t out[3 * PS];
	CHECK(kx_pfn_map_build(&m, loads, 3, PS, &err) == 0);
	CHECK(kx_pfn_map_read(&m, rd, "core", 0x10, 3, out, &err) == 0);
	CHECK(!memcmp(out, file, 2 * PS));
	for (size_t i = 2 * PS; i < 3 * PS; i++)
		CHECK(out[i] == 0);
	CHECK(kx_pfn_map_read(&m, rd, "core", 0x20, 2, out, &err) == 0);
	for (size_t i = 0; i < 0x800; i++)
		CHECK(out[i] == 0);
	CHECK(!memcmp(out + 0x800, file + 10 * PS, PS));
	for (size_t i = 0x800 + PS; i < 2 * PS; i++)
		CHECK(out[i] == 0);
	/* past the map */
	/* the page holding p_paddr counts, the partial last one does not */
	CHECK(kx_pfn_map_has(&m, 0x20) && !kx_pfn_map_has(&m, 0x21) && kx_pfn_map_has(&m, 0x22));
	CHECK(kx_pfn_map_read(&m, rd, "core", 0x22, 2, out, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "core: pfn 0x22 + 2 pages past the core's memory");
	kx_pfn_map_free(&m);
}

KX_TEST(truncated_core_is_an_error)
{
	struct kx_elfcore_load loads[] = { load(60 * PS, 0x10000, 8 * PS, 8 * PS) }; /* file ends at 64 pages */
	struct kx_elfcore_mem mem = { file, sizeof(file) };
	struct kx_elfcore_reader rd = kx_elfcore_mem_reader(&mem);
	struct kx_pfn_map m;
	struct kx_error err = { 0 };
	uint8_t out[8 * PS];
	CHECK(kx_pfn_map_build(&m, loads, 1, PS, &err) == 0);
	CHECK(kx_pfn_map_read(&m, rd, "core", 0x10, 8, out, &err) < 0);
	CHECK_CONTAINS(err.message, "core: pages at physical 0x10000");
	kx_pfn_map_free(&m);
}

KX_TEST(bad_maps_refused)
{
	struct kx_pfn_map m;
	struct kx_error err = { 0 };
	struct kx_elfcore_load none[] = { load(0, 0, 0, 0) };
	CHECK(kx_pfn_map_build(&m, none, 1, PS, &err) < 0);
	CHECK_CONTAINS(err.message, "no PT_LOAD holds memory at a physical address");
	struct kx_elfcore_load wrap[] = { load(0, UINT64_MAX - PS, PS, 2 * PS) };
	CHECK(kx_pfn_map_build(&m, wrap, 1, PS, &err) < 0);
	CHECK_CONTAINS(err.message, "PT_LOAD 0: p_paddr 0xffffffffffffefff + p_memsz 0x2000 overflows");
	struct kx_elfcore_load one[] = { load(0, 0, PS, PS) };
	CHECK(kx_pfn_map_build(&m, one, 1, 3000, &err) < 0);
	CHECK_CONTAINS(err.message, "page size 3000 is not a power of two");
}

KX_TEST_MAIN(KX_CASE(ranges_sorted_merged_counted), KX_CASE(pages_read_with_edges_and_zeros),
	     KX_CASE(truncated_core_is_an_error), KX_CASE(bad_maps_refused))
