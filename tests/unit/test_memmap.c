// SPDX-License-Identifier: GPL-2.0-or-later
/* Table tests of the hole allocator and range algebra. */
#include "harness.h"
#include "memmap/memmap.h"

#define MiB 0x100000ULL
#define GiB 0x40000000ULL
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

KX_TEST_MAIN(KX_CASE(hole_table), KX_CASE(exclude_splits_and_trims),
	     KX_CASE(select_merges_adjacent_of_one_type), KX_CASE(table_overflow_is_an_error))
