/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Identity-map page tables for the arm64 purgatory's cached digest check:
 * 4 KiB granule, 48-bit VA, four levels. Plain C on an array of tables, no
 * system registers, so that the same code is compiled into the purgatory
 * and into a host unit test that walks what it built.
 *
 * A range is mapped with the largest blocks that lie wholly inside it
 * (1 GiB at level 1, 2 MiB at level 2) and 4 KiB pages at its unaligned
 * edges: nothing outside the page-rounded ranges is ever mapped, so no
 * speculative access can reach memory the loader did not hand us (MMIO, or
 * a firmware carve-out that would answer with an external abort).
 */
#ifndef KX_ARM64_PGTABLE_H
#define KX_ARM64_PGTABLE_H

#include <stdint.h>

#define KX_PT_ENTRIES		512
#define KX_PT_PAGE_SIZE		4096ULL
#define KX_PT_VA_BITS		48

/* Descriptor bits (stage 1, VMSAv8-64, 4 KiB granule). */
#define KX_PT_VALID		(1ULL << 0)
#define KX_PT_TABLE		(1ULL << 1)	/* levels 0-2: table; level 3: page */
#define KX_PT_ATTRINDX(n)	((uint64_t)(n) << 2)
#define KX_PT_AP1		(1ULL << 6)	/* RES1 in the EL2 (E2H=0) regime */
#define KX_PT_SH_INNER		(3ULL << 8)
#define KX_PT_AF		(1ULL << 10)
#define KX_PT_ADDR_MASK		0x0000fffffffff000ULL

struct kx_arm64_pgtable {
	uint64_t *pool;           /* nr_tables zeroed, 4 KiB-aligned tables;
				   * pool[0..511] is the level-0 table */
	uint32_t nr_tables;
	uint32_t used;            /* tables handed out, the root included */
	uint64_t leaf_attrs;      /* attribute bits of every block and page */
	uint64_t pa_limit;        /* first address that cannot be mapped */
};

/*
 * Start an empty map in `pool` (nr_tables >= 1 tables of 512 entries, all
 * zero). `pa_bits` is the output address size the MMU is set up for; it is
 * capped at the 48-bit VA.
 */
void kx_arm64_pgtable_init(struct kx_arm64_pgtable *pt, uint64_t *pool,
			   uint32_t nr_tables, uint64_t leaf_attrs,
			   unsigned int pa_bits);

/*
 * Map [start, start + len) to itself, widened to whole 4 KiB pages. Mapping
 * what is already mapped is harmless. Returns 0, or -1 when the range does
 * not fit below pa_limit or the pool has no table left; the map may then
 * be half built, and the caller must not use it.
 */
int kx_arm64_map_identity(struct kx_arm64_pgtable *pt, uint64_t start, uint64_t len);

/* The level-0 table's address, for TTBR0. */
static inline uint64_t kx_arm64_pgtable_root(const struct kx_arm64_pgtable *pt)
{
	return (uint64_t)(uintptr_t)pt->pool;
}

#endif
