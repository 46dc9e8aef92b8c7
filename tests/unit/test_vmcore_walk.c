// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Page-table walks of arm64 and riscv64 cores (what the mem_map of a dump
 * level is read through): tables written by hand into a synthetic core,
 * translated with kx_vmcore_vtop. arm64: 4K pages with 48-bit VAs (4
 * levels, 2 MiB and 1 GiB blocks), 52-bit VAs with LPA2 descriptors (5
 * levels, output bits 51:50 in bits 9:8), a 52-bit build running 48-bit
 * (TCR_EL1_T1SZ), 64K pages (3 levels, bits 51:48 in 15:12); riscv64:
 * Sv39, Sv48 with a megapage, Sv57. Unmapped entries, broken
 * descriptors and tables that loop back are named errors.
 */
#include "harness.h"

#include <elf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "synth_core.h"
#include "vmcore/vmcore.h"

#define NR_PAGES 16u
#define MAX_PAGE 65536u

static uint8_t *core;
static size_t core_size, mem_off, page;
static uint64_t mem_paddr;

/* A core of NR_PAGES pages at `paddr` (pages of `ps` bytes) with VMCOREINFO `info`. */
static void build(uint16_t machine, uint64_t paddr, size_t ps, const char *info)
{
	page = ps;
	mem_paddr = paddr;
	mem_off = MAX_PAGE;   /* every granule's page boundary */
	free(core);
	core = synth_core(machine, info, paddr, mem_off, NR_PAGES * ps, &core_size);
}

/* Entry `index` of the table in page `table` (of the core's memory). */
static void put(unsigned int table, uint64_t index, uint64_t entry)
{
	kx_put_le64(core + mem_off + table * page + index * 8, entry);
}

static uint64_t pa_of(unsigned int pg)
{
	return mem_paddr + pg * page;
}

struct walk {
	int rc;
	uint64_t paddr, run;
	struct kx_error err;
};

static struct walk vtop(uint64_t vaddr)
{
	struct kx_vmcore vc;
	struct kx_elfcore_mem mem = { core, core_size };
	struct walk w = { .rc = -1 };
	if (kx_vmcore_open(&vc, "walk", kx_elfcore_mem_reader(&mem), &w.err) < 0)
		return w;
	w.rc = kx_vmcore_vtop(&vc, vaddr, &w.paddr, &w.run, &w.err);
	kx_vmcore_close(&vc);
	return w;
}

#define ARM64_P UINT64_C(0x40000000)
#define ARM64_KIMAGE UINT64_C(0xffff800010000000)  /* swapper_pg_dir's virtual address */

static void arm64_core(const char *va_lines, size_t ps)
{
	char info[1024];
	snprintf(info, sizeof(info),
		 "PAGESIZE=%zu\n%sNUMBER(PHYS_OFFSET)=0x40000000\nNUMBER(kimage_voffset)=0x%" PRIx64 "\n"
		 "SYMBOL(swapper_pg_dir)=%" PRIx64 "\nNUMBER(VMEMMAP_START)=0xfffffc0000000000\n"
		 "NUMBER(VMEMMAP_END)=0xfffffe0000000000\n",
		 ps, va_lines, ARM64_KIMAGE - ARM64_P, ARM64_KIMAGE);
	build(EM_AARCH64, ARM64_P, ps, info);
}

KX_TEST(arm64_4k_48bit)
{
	uint64_t v = 0xfffffc0000201000ull;   /* in the vmemmap */
	arm64_core("NUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=0x10\n", 4096);
	put(0, (v >> 39) & 511, pa_of(1) | 3);
	put(1, (v >> 30) & 511, pa_of(2) | 3);
	put(2, (v >> 21) & 511, pa_of(3) | 3);
	put(3, (v >> 12) & 511, 0x87654000ull | 0x703);   /* a page, attributes set */
	struct walk w = vtop(v + 0x123);
	CHECK(w.rc == 0);
	CHECK_EQ_U64(w.paddr, 0x87654123ull);
	CHECK_EQ_U64(w.run, 0x1000 - 0x123);
	/* a 2 MiB block at level 2, a 1 GiB block at level 1 */
	put(2, ((v >> 21) & 511) + 1, 0x80000000ull | 0x701);
	w = vtop(v + 0x200000 + 0x5555);
	CHECK(w.rc == 0);
	CHECK_EQ_U64(w.paddr, 0x80000000ull + ((v + 0x5555) & 0x1fffff));
	put(1, ((v >> 30) & 511) + 1, 0xc0000000ull | 1);
	w = vtop(v + 0x40000000 + 0x1234);
	CHECK(w.rc == 0);
	CHECK_EQ_U64(w.paddr, 0xc0000000ull + ((v + 0x1234) & 0x3fffffff));
	/* not mapped: which entry, where */
	w = vtop(v + 0x1000);
	CHECK(w.rc < 0);
	CHECK_CONTAINS(w.err.message, "not mapped (level 3 entry");
	/* a block where only a page may be */
	put(3, ((v >> 12) & 511) + 2, 0x87655000ull | 1);
	w = vtop(v + 0x2000);
	CHECK(w.rc < 0);
	CHECK_CONTAINS(w.err.message, "no page descriptor");
}

KX_TEST(arm64_52bit_lpa2_and_fallback)
{
	uint64_t v = 0xfffffc0000201000ull;
	/* LPA2: 5 levels, the top one 16 entries (bits 51:48) */
	arm64_core("NUMBER(VA_BITS)=52\nNUMBER(TCR_EL1_T1SZ)=0xc\n", 4096);
	put(0, (v >> 48) & 15, pa_of(1) | 3);
	put(1, (v >> 39) & 511, pa_of(2) | 3);
	put(2, (v >> 30) & 511, pa_of(3) | 3);
	put(3, (v >> 21) & 511, pa_of(4) | 3);
	/* output address 0x000e_0000_8765_4000: bits 49:12 in place, 51:50 (0b11) in 9:8 */
	uint64_t out = 0x000e000087654000ull;
	put(4, (v >> 12) & 511, (out & ((1ull << 50) - 1)) | (3ull << 8) | 3);
	struct walk w = vtop(v + 8);
	CHECK(w.rc == 0);
	if (w.rc)
		printf("# %s\n", w.err.message);
	CHECK_EQ_U64(w.paddr, out + 8);
	/* the same 52-bit build on a CPU without LPA2 runs 48-bit: bits 9:8
	 * are shareability there, not address */
	arm64_core("NUMBER(VA_BITS)=52\nNUMBER(TCR_EL1_T1SZ)=0x10\n", 4096);
	put(0, (v >> 39) & 511, pa_of(1) | 3);
	put(1, (v >> 30) & 511, pa_of(2) | 3);
	put(2, (v >> 21) & 511, pa_of(3) | 3);
	put(3, (v >> 12) & 511, 0x87654000ull | (3ull << 8) | 3);
	w = vtop(v);
	CHECK(w.rc == 0);
	CHECK_EQ_U64(w.paddr, 0x87654000ull);
}

KX_TEST(arm64_64k_pages)
{
	uint64_t v = 0xfffffc0000210000ull;
	arm64_core("NUMBER(VA_BITS)=48\n", 65536);
	/* 3 levels: 6 + 13 + 13 index bits */
	put(0, (v >> 42) & 63, pa_of(1) | 3);
	put(1, (v >> 29) & 8191, pa_of(2) | 3);
	put(2, (v >> 16) & 8191, 0x0000000876540000ull | (0x5ull << 12) | 3);   /* PA bits 51:48 = 5 */
	struct walk w = vtop(v + 0x1234);
	CHECK(w.rc == 0);
	CHECK_EQ_U64(w.paddr, 0x0005000876541234ull);
	CHECK_EQ_U64(w.run, 0x10000 - 0x1234);
}

#define RISCV_P 0x80000000ull

/* PAGE_OFFSET of each mode: the test's addresses lie below the linear map */
static void riscv_core(unsigned int va_bits)
{
	uint64_t page_offset = va_bits == 39 ? UINT64_C(0xffffffd600000000)
			       : va_bits == 48 ? UINT64_C(0xffffaf8000000000) : UINT64_C(0xff60000000000000);
	char info[1024];
	snprintf(info, sizeof(info),
		 "PAGESIZE=4096\nNUMBER(VA_BITS)=%u\nNUMBER(PAGE_OFFSET)=0x%" PRIx64 "\n"
		 "NUMBER(phys_ram_base)=0x80000000\nNUMBER(KERNEL_LINK_ADDR)=0xffffffff80000000\n"
		 "NUMBER(va_kernel_pa_offset)=0xffffffff00000000\nSYMBOL(swapper_pg_dir)=ffffffff80000000\n",
		 va_bits, page_offset);
	build(EM_RISCV, RISCV_P, 4096, info);
}

static uint64_t rv_table(unsigned int pg)
{
	return (pa_of(pg) >> 12) << 10 | 1;   /* V, no R/W/X: a pointer to the next level */
}

KX_TEST(riscv64_sv39_sv48_sv57)
{
	for (unsigned int va = 39; va <= 57; va += 9) {
		unsigned int levels = (va - 12) / 9;
		uint64_t v = va == 39 ? 0xffffffc600201000ull : va == 48 ? 0xffff8c0000201000ull : 0xff1c000000201000ull;
		riscv_core(va);
		for (unsigned int l = 0; l + 1 < levels; l++)
			put(l, (v >> (12 + 9 * (levels - 1 - l))) & 511, rv_table(l + 1));
		/* a leaf (R|W|A|D), PBMT bits set above the PPN */
		put(levels - 1, (v >> 12) & 511, (0x87654ull << 10) | 0xc7 | 3ull << 61);
		struct walk w = vtop(v + 0x42);
		CHECK(w.rc == 0);
		if (w.rc)
			printf("# Sv%u: %s\n", va, w.err.message);
		CHECK_EQ_U64(w.paddr, 0x87654042ull);
		/* a megapage one level up */
		put(levels - 2, ((v >> 21) & 511) + 1, (0x80400ull << 10) | 0xc7);
		w = vtop(v + 0x200000 + 0x3456);
		CHECK(w.rc == 0);
		CHECK_EQ_U64(w.paddr, 0x80400000ull + ((v + 0x3456) & 0x1fffff));
		/* a pointer at the last level is no leaf */
		put(levels - 1, ((v >> 12) & 511) + 1, rv_table(0));
		w = vtop(v + 0x1000);
		CHECK(w.rc < 0);
		CHECK_CONTAINS(w.err.message, "no leaf");
		w = vtop(v + 0x2000);
		CHECK(w.rc < 0);
		CHECK_CONTAINS(w.err.message, "not mapped (level 0 entry");
	}
	free(core);
	core = NULL;
}

/* A table that points back to one the walk read already (a broken or
 * hostile core): named, not followed. */
KX_TEST(page_table_loops)
{
	uint64_t v = 0xfffffc0000201000ull;
	arm64_core("NUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=0x10\n", 4096);
	put(0, (v >> 39) & 511, pa_of(1) | 3);
	put(1, (v >> 30) & 511, pa_of(0) | 3);          /* back to the top */
	struct walk w = vtop(v);
	CHECK(w.rc < 0);
	CHECK_CONTAINS(w.err.message, "page table loop: the level 1 entry points back to the table at physical 0x40000000");
	put(1, (v >> 30) & 511, pa_of(1) | 3);          /* to itself */
	w = vtop(v);
	CHECK(w.rc < 0);
	CHECK_CONTAINS(w.err.message, "page table loop");

	uint64_t r = 0xffff8c0000201000ull;
	riscv_core(48);
	put(0, (r >> 39) & 511, rv_table(1));
	put(1, (r >> 30) & 511, rv_table(1));           /* to itself */
	w = vtop(r);
	CHECK(w.rc < 0);
	CHECK_CONTAINS(w.err.message, "page table loop: the level 2 entry points back");
	free(core);
	core = NULL;
}

KX_TEST_MAIN(KX_CASE(arm64_4k_48bit), KX_CASE(arm64_52bit_lpa2_and_fallback), KX_CASE(arm64_64k_pages),
	     KX_CASE(riscv64_sv39_sv48_sv57), KX_CASE(page_table_loops))
