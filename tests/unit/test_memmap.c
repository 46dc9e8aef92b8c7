// SPDX-License-Identifier: GPL-2.0-or-later
/* Table tests of the hole allocator and range algebra. */
#include "core/units.h"
#include "harness.h"
#include "memmap/memmap.h"

#define END UINT64_MAX

struct hole_case {
	const char *name;
	struct kx_range ram[4];
	struct kx_range used[4];
	struct kx_hole_request rq;
	int ok;
	uint64_t expect;           /* when ok */
	const char *error;         /* when not */
};

static const struct hole_case hole_cases[] = {
	{ "bottom-up first fit", { { MiB, 16 * MiB, 1 } }, { { 0 } },
	  { "x", 0x2000, 0x1000, 0, END, false }, 1, MiB, NULL },
	{ "top-down highest fit", { { MiB, 16 * MiB, 1 } }, { { 0 } },
	  { "x", 0x2000, 0x1000, 0, END, true }, 1, 16 * MiB - 0x2000, NULL },
	{ "alignment rounds up", { { MiB, 16 * MiB, 1 } }, { { 0 } },
	  { "x", 0x1000, 2 * MiB, 0, END, false }, 1, 2 * MiB, NULL },
	{ "top-down alignment rounds down", { { MiB, 15 * MiB + 0x1000, 1 } }, { { 0 } },
	  { "x", 2 * MiB, 2 * MiB, 0, END, true }, 1, 12 * MiB, NULL },
	{ "used range is skipped", { { MiB, 16 * MiB, 1 } }, { { MiB, 3 * MiB, 0 } },
	  { "x", MiB, 0x1000, 0, END, false }, 1, 3 * MiB, NULL },
	{ "exact fit between used ranges", { { 0, 16 * MiB, 1 } },
	  { { 0, 4 * MiB, 0 }, { 5 * MiB, 16 * MiB, 0 } },
	  { "x", MiB, 0x1000, 0, END, false }, 1, 4 * MiB, NULL },
	{ "used ranges out of order", { { 0, 16 * MiB, 1 } },
	  { { 8 * MiB, 16 * MiB, 0 }, { 0, 2 * MiB, 0 }, { 3 * MiB, 7 * MiB, 0 } },
	  { "x", 2 * MiB, 0x1000, 0, END, false }, 1, 0, "no free RAM" },
	{ "min bound respected", { { 0, 64 * MiB, 1 } }, { { 0 } },
	  { "x", MiB, 0x1000, 16 * MiB, END, false }, 1, 16 * MiB, NULL },
	{ "max bound respected top-down", { { 0, 64 * MiB, 1 } }, { { 0 } },
	  { "x", MiB, 0x1000, 0, 32 * MiB - 1, true }, 1, 31 * MiB, NULL },
	{ "max bound too low", { { 16 * MiB, 64 * MiB, 1 } }, { { 0 } },
	  { "initrd", MiB, 0x1000, 0, 16 * MiB, false }, 0, 0, "initrd: no free RAM" },
	{ "top-down picks the highest range", { { MiB, 2 * GiB, 1 }, { 4 * GiB, 5 * GiB, 1 } }, { { 0 } },
	  { "x", MiB, 0x1000, 0, END, true }, 1, 5 * GiB - MiB, NULL },
	{ "bottom-up picks the lowest range", { { 4 * GiB, 5 * GiB, 1 }, { MiB, 2 * GiB, 1 } }, { { 0 } },
	  { "x", MiB, 0x1000, 0, END, false }, 1, MiB, NULL },
	{ "size rounded to pages", { { 0, 0x3000, 1 } }, { { 0x1000, 0x2000, 0 } },
	  { "x", 0x1001, 0x1000, 0, END, false }, 1, 0, "no free RAM" },
	{ "unaligned RAM edges trimmed", { { 0x800, 0x3800, 1 } }, { { 0 } },
	  { "x", 0x2000, 0x1000, 0, END, false }, 1, 0x1000, NULL },
	{ "unaligned RAM too small after trim", { { 0x800, 0x2800, 1 } }, { { 0 } },
	  { "x", 0x2000, 0x1000, 0, END, false }, 0, 0, "no free RAM" },
	{ "alignment not a power of two", { { 0, 16 * MiB, 1 } }, { { 0 } },
	  { "k", 0x1000, 0x3000, 0, END, false }, 0, 0, "k: alignment 0x3000" },
	{ "zero size", { { 0, 16 * MiB, 1 } }, { { 0 } },
	  { "k", 0, 0x1000, 0, END, false }, 0, 0, "size 0x0 is invalid" },
	{ "huge size does not wrap", { { 0, 16 * MiB, 1 } }, { { 0 } },
	  { "k", UINT64_MAX - 10, 0x1000, 0, END, false }, 0, 0, "is invalid" },
	{ "RAM at the top of the address space", { { 0xfffffffffff00000ULL, 0xfffffffffffff000ULL, 1 } },
	  { { 0 } }, { "x", 0x1000, 0x1000, 0, END, true }, 1, 0xffffffffffffe000ULL, NULL },
};

static void load_map(struct kx_memmap *m, const struct kx_range *r)
{
	m->count = 0;
	for (int i = 0; i < 4 && r[i].end; i++)
		m->ranges[m->count++] = r[i];
}

KX_TEST(hole_table)
{
	for (size_t i = 0; i < sizeof(hole_cases) / sizeof(hole_cases[0]); i++) {
		const struct hole_case *c = &hole_cases[i];
		static struct kx_memmap ram, used;
		struct kx_error err = { 0 };
		uint64_t addr = 0;
		/* cases with an expected error but ok=1 are "must fail" too */
		int expect_ok = c->ok && !c->error;

		load_map(&ram, c->ram);
		load_map(&used, c->used);
		int r = kx_find_hole(&ram, &used, &c->rq, &addr, &err);
		printf("#   case: %s\n", c->name);
		if (expect_ok) {
			CHECK(r == 0);
			CHECK_EQ_U64(addr, c->expect);
		} else {
			CHECK(r < 0);
			CHECK(err.status == KX_E_PLAN);
			CHECK_CONTAINS(err.message, c->error);
		}
	}
}

KX_TEST(exclude_splits_and_trims)
{
	static struct kx_memmap m;
	struct kx_error err = { 0 };
	m.count = 0;
	CHECK(kx_memmap_add(&m, 0, 100 * MiB, 1, &err) == 0);
	CHECK(kx_memmap_add(&m, 200 * MiB, 300 * MiB, 1, &err) == 0);
	/* split the first range */
	CHECK(kx_memmap_exclude(&m, 10 * MiB, 20 * MiB, &err) == 0);
	CHECK_EQ_U64(m.count, 3);
	CHECK_EQ_U64(m.ranges[0].end, 10 * MiB);
	CHECK_EQ_U64(m.ranges[1].start, 20 * MiB);
	/* trim the head of one and the tail of another at once */
	CHECK(kx_memmap_exclude(&m, 90 * MiB, 210 * MiB, &err) == 0);
	CHECK_EQ_U64(m.count, 3);
	CHECK_EQ_U64(m.ranges[1].end, 90 * MiB);
	CHECK_EQ_U64(m.ranges[2].start, 210 * MiB);
	/* remove a whole range */
	CHECK(kx_memmap_exclude(&m, 0, 10 * MiB, &err) == 0);
	CHECK_EQ_U64(m.count, 2);
	CHECK_EQ_U64(kx_memmap_total(&m), 70 * MiB + 90 * MiB);
}

KX_TEST(select_merges_adjacent_of_one_type)
{
	static struct kx_memmap m, out;
	struct kx_error err = { 0 };
	m.count = 0;
	kx_memmap_add(&m, 2 * MiB, 3 * MiB, 1, &err);
	kx_memmap_add(&m, 0, MiB, 1, &err);
	kx_memmap_add(&m, MiB, 2 * MiB, 1, &err);
	kx_memmap_add(&m, 3 * MiB, 4 * MiB, 2, &err);
	kx_memmap_select(&m, 1, &out);
	CHECK_EQ_U64(out.count, 1);
	CHECK_EQ_U64(out.ranges[0].end, 3 * MiB);
	CHECK(kx_memmap_contains(&out, MiB / 2, 3 * MiB));
	CHECK(!kx_memmap_contains(&out, MiB, 3 * MiB + 1));
}

KX_TEST(table_overflow_is_an_error)
{
	static struct kx_memmap m;
	struct kx_error err = { 0 };
	m.count = 0;
	for (unsigned int i = 0; i < KX_MEMMAP_MAX; i++)
		CHECK(kx_memmap_add(&m, (uint64_t)i * 0x2000, (uint64_t)i * 0x2000 + 0x1000, 1, &err) == 0);
	CHECK(kx_memmap_add(&m, 0x10000000, 0x10001000, 1, &err) < 0);
	CHECK_CONTAINS(err.message, "refusing to drop any");
}

/*
 * kx_memmap_exclude, case by case after the plan of the kernel's
 * kernel/crash_core_test.c (crash_exclude_mem_range): one exclusion A
 * against one range B = [100, 200) in every relative position, single-byte
 * exclusions, a split into a full table; then its regression cases. The
 * kernel's ranges are inclusive, ours end-exclusive: [a, b] is [a, b + 1).
 * `full` pads the table to KX_MEMMAP_MAX with ranges far above the case,
 * so that a split has no room; the map must then be left as it was.
 */
struct exclude_case {
	const char *name;
	struct kx_range before[4];
	uint64_t start, end;
	int full;
	struct kx_range after[4];      /* when no error */
	const char *error;
};

#define B { 100, 200, 1 }
static const struct exclude_case exclude_cases[] = {
	{ "1.1 A left of B", { B }, 10, 51, 0, { B }, NULL },
	{ "1.2 A's end touches B's start", { B }, 10, 100, 0, { B }, NULL },
	{ "1.3 A overlaps B's left part", { B }, 50, 150, 0, { { 150, 200, 1 } }, NULL },
	{ "1.4 A inside B: split", { B }, 120, 180, 0, { { 100, 120, 1 }, { 180, 200, 1 } }, NULL },
	{ "1.5 A overlaps B's right part", { B }, 150, 250, 0, { { 100, 150, 1 } }, NULL },
	{ "1.6 A's start touches B's end", { B }, 200, 251, 0, { B }, NULL },
	{ "1.7 A right of B", { B }, 250, 301, 0, { B }, NULL },
	{ "1.8 A covers B and more on both sides", { B }, 50, 251, 0, { { 0 } }, NULL },
	{ "1.9 A covers B, extends left, same end", { B }, 50, 200, 0, { { 0 } }, NULL },
	{ "1.10 A covers B, same start, extends right", { B }, 100, 251, 0, { { 0 } }, NULL },
	{ "1.11 A is B", { B }, 100, 200, 0, { { 0 } }, NULL },
	{ "1.12 one byte left of B", { B }, 10, 11, 0, { B }, NULL },
	{ "1.13 one byte at B's start", { B }, 100, 101, 0, { { 101, 200, 1 } }, NULL },
	{ "1.14 one byte inside B: split", { B }, 150, 151, 0,
	  { { 100, 150, 1 }, { 151, 200, 1 } }, NULL },
	{ "1.15 one byte at B's end", { B }, 199, 200, 0, { { 100, 199, 1 } }, NULL },
	{ "1.16 one byte right of B", { B }, 250, 251, 0, { B }, NULL },
	{ "1.17 split into a full table", { B }, 120, 180, 1, { { 0 } },
	  "would need more than 1024 memory ranges" },
	{ "trim into a full table needs no room", { B }, 150, 250, 1, { { 100, 150, 1 } }, NULL },
	{ "empty exclusion inside B changes nothing", { B }, 150, 150, 0, { B }, NULL },
	{ "inverted exclusion", { B }, 180, 120, 0, { { 0 } }, "is inverted" },
	{ "the whole address space", { B, { 300, 400, 1 } }, 0, UINT64_MAX, 0, { { 0 } }, NULL },
	{ "empty map", { { 0 } }, 0, 1000, 0, { { 0 } }, NULL },
	{ "A spans several ranges", { { 0, 100, 1 }, { 200, 300, 1 }, { 400, 500, 1 } }, 50, 450, 0,
	  { { 0, 50, 1 }, { 450, 500, 1 } }, NULL },
	{ "types are kept", { { 0, 100, 7 } }, 40, 60, 0, { { 0, 40, 7 }, { 60, 100, 7 } }, NULL },
	/* regression cases of the kernel's test */
	{ "2.1 low 1 MiB over three adjacent ranges",
	  { { 0, 0x3f000, 1 }, { 0x3f000, 0x40000, 1 }, { 0x40000, 0xa0000, 1 } }, 0, 0x100000, 0,
	  { { 0 } }, NULL },
	{ "2.2 split with the table full",
	  { { 1, 300, 1 }, { 401, 1001, 1 }, { 1001, 2001, 1 } }, 100, 201, 1, { { 0 } },
	  "refusing to drop any" },
};
#undef B

static unsigned int count_ranges(const struct kx_range *r)
{
	unsigned int n = 0;
	while (n < 4 && r[n].end)
		n++;
	return n;
}

KX_TEST(exclude_table)
{
	for (size_t i = 0; i < sizeof(exclude_cases) / sizeof(exclude_cases[0]); i++) {
		const struct exclude_case *c = &exclude_cases[i];
		static struct kx_memmap m, saved;
		struct kx_error err = { 0 };

		printf("#   case: %s\n", c->name);
		load_map(&m, c->before);
		while (c->full && m.count < KX_MEMMAP_MAX) {
			uint64_t at = (1ULL << 40) + (uint64_t)m.count * 0x2000;
			m.ranges[m.count++] = (struct kx_range){ at, at + 0x1000, 1 };
		}
		saved = m;
		int r = kx_memmap_exclude(&m, c->start, c->end, &err);
		if (c->error) {
			CHECK(r < 0);
			CHECK_CONTAINS(err.message, c->error);
			/* nothing half done */
			CHECK_EQ_U64(m.count, saved.count);
			CHECK(!memcmp(m.ranges, saved.ranges, sizeof(m.ranges[0]) * m.count));
			continue;
		}
		CHECK(r == 0);
		unsigned int want = count_ranges(c->after);
		CHECK_EQ_U64(m.count, want + (c->full ? KX_MEMMAP_MAX - count_ranges(c->before) : 0));
		for (unsigned int k = 0; k < want; k++) {
			CHECK_EQ_U64(m.ranges[k].start, c->after[k].start);
			CHECK_EQ_U64(m.ranges[k].end, c->after[k].end);
			CHECK_EQ_U64(m.ranges[k].type, c->after[k].type);
		}
	}
}

KX_TEST(subtract_leaves_its_input_alone)
{
	static struct kx_memmap ram, minus, out;
	struct kx_error err = { 0 };
	ram.count = minus.count = 0;
	kx_memmap_add(&ram, 4 * MiB, 8 * MiB, 1, &err);
	kx_memmap_add(&ram, 0, 2 * MiB, 1, &err);
	kx_memmap_add(&minus, MiB, 5 * MiB, 100, &err);
	kx_memmap_add(&minus, 6 * MiB, 7 * MiB, 100, &err);
	CHECK(kx_memmap_subtract(&ram, &minus, &out, &err) == 0);
	CHECK_EQ_U64(ram.count, 2);
	CHECK_EQ_U64(ram.ranges[0].start, 4 * MiB);
	CHECK_EQ_U64(out.count, 3);
	CHECK_EQ_U64(out.ranges[0].end, MiB);
	CHECK_EQ_U64(out.ranges[1].start, 5 * MiB);
	CHECK_EQ_U64(out.ranges[1].end, 6 * MiB);
	CHECK_EQ_U64(out.ranges[2].start, 7 * MiB);
	CHECK_EQ_U64(out.ranges[2].type, 1);
	/* in place, and with nothing to subtract */
	CHECK(kx_memmap_subtract(&ram, NULL, &ram, &err) == 0);
	CHECK_EQ_U64(ram.count, 2);
	CHECK_EQ_U64(ram.ranges[0].start, 0);
}

KX_TEST_MAIN(KX_CASE(hole_table), KX_CASE(exclude_splits_and_trims),
	     KX_CASE(select_merges_adjacent_of_one_type), KX_CASE(table_overflow_is_an_error),
	     KX_CASE(exclude_table), KX_CASE(subtract_leaves_its_input_alone))
