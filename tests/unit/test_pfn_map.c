// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pfn map of an ELF vmcore's PT_LOADs: ranges sorted and merged, pages
 * at unaligned edges read from every PT_LOAD holding part of them (zeros
 * elsewhere), bytes past p_filesz zeros, reads past the map and PT_LOADs
 * that overflow refused; the spans one PT_LOAD's file bytes hold (mapped).
 */
#include "harness.h"

#include <stdint.h>

#include "dump/pfn_map.h"

#define PS 4096u

/* A "file" whose bytes do not repeat with any short period (a read from
 * the wrong offset shows). */
static uint8_t file[64 * PS];
static void make_file(void)
{
	for (size_t o = 0; o < sizeof(file); o++)
		file[o] = (uint8_t)((o * 2654435761u) >> 13);
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
	memset(out, 0xaa, sizeof(out));   /* the zeros must be written, not found */
	CHECK(kx_pfn_map_read(&m, rd, "core", 0x10, 3, out, &err) == 0);
	CHECK(!memcmp(out, file, 2 * PS));
	for (size_t i = 2 * PS; i < 3 * PS; i++)
		CHECK(out[i] == 0);
	memset(out, 0xaa, sizeof(out));
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

/* PT_LOADs in any header order, overlapping ones too, read the same bytes. */
KX_TEST(load_order_does_not_matter)
{
	make_file();
	struct kx_elfcore_load fwd[] = {
		load(0, 0x10000, 2 * PS, 2 * PS),
		load(4 * PS, 0x11800, 2 * PS, 2 * PS),       /* overlaps the first's last half page */
		load(8 * PS, 0x14000, PS, PS),
	};
	struct kx_elfcore_load rev[] = { fwd[2], fwd[1], fwd[0] };
	struct kx_elfcore_mem mem = { file, sizeof(file) };
	struct kx_elfcore_reader rd = kx_elfcore_mem_reader(&mem);
	struct kx_pfn_map a, b;
	struct kx_error err = { 0 };
	static uint8_t x[5 * PS], y[5 * PS];
	CHECK(kx_pfn_map_build(&a, fwd, 3, PS, &err) == 0);
	CHECK(kx_pfn_map_build(&b, rev, 3, PS, &err) == 0);
	memset(x, 0x55, sizeof(x));
	memset(y, 0xaa, sizeof(y));
	CHECK(kx_pfn_map_read(&a, rd, "core", 0x10, 5, x, &err) == 0);
	CHECK(kx_pfn_map_read(&b, rd, "core", 0x10, 5, y, &err) == 0);
	CHECK(!memcmp(x, y, sizeof(x)));
	/* where two overlap, the one at the lower address gives the bytes */
	CHECK(!memcmp(x, file, 2 * PS));
	CHECK(!memcmp(x + 2 * PS, file + 4 * PS + 0x800, 0x1800));
	for (size_t i = 0x3800; i < 4 * PS; i++)
		CHECK(x[i] == 0);                             /* a gap */
	CHECK(!memcmp(x + 4 * PS, file + 8 * PS, PS));
	kx_pfn_map_free(&a);
	kx_pfn_map_free(&b);
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

/* The spans a mapping may serve: all pages in one PT_LOAD's file bytes. */
KX_TEST(file_spans)
{
	struct kx_elfcore_load loads[] = {
		load(0x3000, 0x10000, 4 * PS, 4 * PS),
		load(0x9000, 0x14000, 2 * PS, 4 * PS),       /* adjoins; last two pages past p_filesz */
		load(0x20000, 0x12000, 2 * PS, 2 * PS),      /* inside the first (as a kernel text PT_LOAD) */
	};
	struct kx_pfn_map m;
	struct kx_error err = { 0 };
	uint64_t off = 0;
	CHECK(kx_pfn_map_build(&m, loads, 3, PS, &err) == 0);
	CHECK(kx_pfn_map_file_span(&m, 0x10, 4, &off));
	CHECK_EQ_U64(off, 0x3000);
	CHECK(kx_pfn_map_file_span(&m, 0x12, 2, &off));
	CHECK_EQ_U64(off, 0x5000);                    /* the first PT_LOAD holding them all */
	CHECK(kx_pfn_map_file_span(&m, 0x15, 1, &off));
	CHECK_EQ_U64(off, 0xa000);
	CHECK(!kx_pfn_map_file_span(&m, 0x13, 2, &off)); /* across two PT_LOADs: read */
	CHECK(!kx_pfn_map_file_span(&m, 0x15, 2, &off)); /* past p_filesz */
	CHECK(!kx_pfn_map_file_span(&m, 0x10, 0, &off));
	CHECK(!kx_pfn_map_file_span(&m, 0x17, 2, &off)); /* past the map */
	CHECK(!kx_pfn_map_file_span(&m, 0x10, UINT64_MAX, &off));
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
	     KX_CASE(load_order_does_not_matter),
	     KX_CASE(truncated_core_is_an_error), KX_CASE(file_spans), KX_CASE(bad_maps_refused))
