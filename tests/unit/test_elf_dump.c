// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-save -E's plan: PT_LOADs cut where 256 or more pages in a row are
 * left out (p_memsz spanning them, p_filesz not), shorter runs kept with
 * their bytes, partial first and last pages, a PT_LOAD left out whole; and
 * the headers, extended numbering (PN_XNUM) past 65534 program headers.
 * (Whole files are compared with makedumpfile -E's in tests/dump/host-compare.sh.)
 */
#include "harness.h"

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/bytes.h"
#include "dump/elf_dump.h"

#define PS 4096u
#define PAGES 2048u

static uint8_t dumped[PAGES / 8];

static void keep(uint64_t from, uint64_t to)
{
	for (uint64_t p = from; p < to; p++)
		dumped[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static struct kx_elf_dump_load load(uint64_t paddr, uint64_t size)
{
	struct kx_elf_dump_load l = { .offset = 0x1000, .vaddr = 0xffff800000000000ull + paddr, .paddr = paddr,
				      .filesz = size, .memsz = size, .flags = 7, .align = 0 };
	return l;
}

#define CHECK_SEG(s, pa, mem, file) do { \
	CHECK_EQ_U64((s).paddr, (pa)); \
	CHECK_EQ_U64((s).vaddr, 0xffff800000000000ull + (pa)); \
	CHECK_EQ_U64((s).memsz, (mem)); \
	CHECK_EQ_U64((s).filesz, (file)); \
} while (0)

KX_TEST(cut_at_256_pages_left_out)
{
	struct kx_elf_dump_seg *segs;
	size_t n;
	struct kx_error err = { 0 };
	memset(dumped, 0, sizeof(dumped));
	/* pages 0-9 kept, 10-264 out (255: kept as data), 265-269 kept,
	 * 270-525 out (256: a cut), 526-529 kept, then out to the end (1000) */
	keep(0, 10);
	keep(265, 270);
	keep(526, 530);
	struct kx_elf_dump_load l = load(0, 1000 * PS);
	CHECK(kx_elf_dump_plan(&l, 1, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_EQ_U64(n, 2);
	CHECK_SEG(segs[0], 0, 526 * PS, 270 * PS);
	CHECK(!segs[0].last);
	CHECK_SEG(segs[1], 526 * PS, 474 * PS, 4 * PS);
	CHECK(segs[1].last);
	free(segs);
}

KX_TEST(left_out_first_and_whole)
{
	struct kx_elf_dump_seg *segs;
	size_t n;
	struct kx_error err = { 0 };
	memset(dumped, 0, sizeof(dumped));
	keep(300, 310);
	/* 300 pages out first: a PT_LOAD without data; a second PT_LOAD all out */
	struct kx_elf_dump_load l[] = { load(0, 310 * PS), load(1024 * PS, 16 * PS) };
	CHECK(kx_elf_dump_plan(l, 2, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_EQ_U64(n, 3);
	CHECK_SEG(segs[0], 0, 300 * PS, 0);
	CHECK_SEG(segs[1], 300 * PS, 10 * PS, 10 * PS);
	CHECK_SEG(segs[2], 1024 * PS, 16 * PS, 0);
	CHECK(segs[2].last && segs[2].load == 1);

	/* offsets: 0 for a PT_LOAD without data, but for a core's PT_LOAD's last */
	uint8_t ehdr[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, note[56] = { 0 };
	kx_put_le32(note, PT_NOTE);
	size_t hs = kx_elf_dump_headers_size(n);
	CHECK_EQ_U64(hs, 64 + 4 * 56);
	uint8_t *h = calloc(1, hs);
	CHECK(kx_elf_dump_put_headers(h, ehdr, note, 0x123, l, segs, n) == hs);
	struct kx_bytes b = { h, hs };
	uint16_t phnum = 0;
	uint64_t off[4] = { 0 }, shoff = 1;
	kx_le16(b, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	kx_le64(b, offsetof(Elf64_Ehdr, e_shoff), &shoff);
	CHECK_EQ_U64(phnum, 4);
	CHECK_EQ_U64(shoff, 0);
	for (int i = 0; i < 4; i++)
		kx_le64(b, 64 + i * 56 + offsetof(Elf64_Phdr, p_offset), &off[i]);
	CHECK_EQ_U64(off[0], hs);                       /* the notes */
	CHECK_EQ_U64(off[1], 0);                        /* no data, not the last */
	CHECK_EQ_U64(off[2], hs + 0x123);               /* data after the notes */
	CHECK_EQ_U64(off[3], hs + 0x123 + 10 * PS);     /* no data, the last */
	free(h);
	free(segs);
}

KX_TEST(partial_pages)
{
	struct kx_elf_dump_seg *segs;
	size_t n;
	struct kx_error err = { 0 };
	memset(dumped, 0, sizeof(dumped));
	keep(2, 5);     /* the partial last page (4) kept */
	/* from 0x1800 (half of page 1) to 0x4c00 (0xc00 of page 4) */
	struct kx_elf_dump_load l = load(0x1800, 0x4c00 - 0x1800);
	CHECK(kx_elf_dump_plan(&l, 1, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_EQ_U64(n, 1);
	CHECK_SEG(segs[0], 0x1800, 0x3400, 0x3400);
	free(segs);
	/* the partial last page left out: in p_memsz, not in p_filesz */
	memset(dumped, 0, sizeof(dumped));
	keep(2, 4);
	CHECK(kx_elf_dump_plan(&l, 1, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_SEG(segs[0], 0x1800, 0x3400, 0x2800);
	free(segs);
	/* a PT_LOAD inside one page: all of it */
	struct kx_elf_dump_load tiny = load(0x2100, 0x100);
	CHECK(kx_elf_dump_plan(&tiny, 1, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_EQ_U64(n, 1);
	CHECK_SEG(segs[0], 0x2100, 0x100, 0x100);
	free(segs);
	/* pfns past the bitmap are left out */
	struct kx_elf_dump_load past = load((PAGES - 1) * PS, 2 * PS);
	memset(dumped, 0xff, sizeof(dumped));
	CHECK(kx_elf_dump_plan(&past, 1, dumped, PAGES, PS, &segs, &n, &err) == 0);
	CHECK_SEG(segs[0], (PAGES - 1) * PS, 2 * PS, PS);
	free(segs);
}

/* 65535 program headers and more: e_phnum PN_XNUM, the count in the first
 * section header's sh_info, the notes after it. */
KX_TEST(extended_numbering)
{
	size_t n = 70000;
	struct kx_elf_dump_seg *segs = calloc(n, sizeof(*segs));
	struct kx_elf_dump_load l = load(0, PS);
	for (size_t i = 0; i < n; i++)
		segs[i] = (struct kx_elf_dump_seg){ .load = 0, .paddr = i * PS, .vaddr = i * PS, .memsz = PS,
						    .filesz = PS, .last = true };
	uint8_t ehdr[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 }, note[56] = { 0 };
	size_t hs = kx_elf_dump_headers_size(n);
	uint64_t phend = 64 + (uint64_t)(n + 1) * 56;
	CHECK_EQ_U64(hs, phend + 64);
	uint8_t *h = calloc(1, hs);
	CHECK(kx_elf_dump_put_headers(h, ehdr, note, 16, &l, segs, n) == hs);
	struct kx_bytes b = { h, hs };
	uint16_t phnum = 0, shnum = 0, shentsize = 0;
	uint32_t info = 0;
	uint64_t shoff = 0, last_off = 0;
	kx_le16(b, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	kx_le16(b, offsetof(Elf64_Ehdr, e_shnum), &shnum);
	kx_le16(b, offsetof(Elf64_Ehdr, e_shentsize), &shentsize);
	kx_le64(b, offsetof(Elf64_Ehdr, e_shoff), &shoff);
	kx_le32(b, shoff + offsetof(Elf64_Shdr, sh_info), &info);
	kx_le64(b, 64 + n * 56 + offsetof(Elf64_Phdr, p_offset), &last_off);
	CHECK_EQ_U64(phnum, PN_XNUM);
	CHECK_EQ_U64(shnum, 1);
	CHECK_EQ_U64(shentsize, 64);
	CHECK_EQ_U64(shoff, phend);
	CHECK_EQ_U64(info, n + 1);
	CHECK_EQ_U64(last_off, hs + 16 + (n - 1) * PS);
	free(h);
	free(segs);
}

KX_TEST_MAIN(KX_CASE(cut_at_256_pages_left_out), KX_CASE(left_out_first_and_whole), KX_CASE(partial_pages),
	     KX_CASE(extended_numbering))
