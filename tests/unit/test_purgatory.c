// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The embedded purgatory blobs (header, parameter block) and the loader's
 * fill function; the purgatory's digest check (verify.c, compiled into this
 * test as is) run on host buffers; on x86_64, the same check as compiled
 * into the blob, run in user space from a copy of the blob at an address it
 * was not linked for; and the arm64 purgatory's identity-map builder
 * (pgtable.c, compiled in as is), its tables walked as the MMU would.
 * The arm64 blob itself runs in QEMU: tests/purgatory/run.sh; the riscv64
 * one likewise: tests/purgatory/run.sh --arch riscv64.
 */
#include "harness.h"

#include <stdint.h>

#include "core/bytes.h"
#include "core/crc32c.h"
#include "core/sha256.h"
#include "core/units.h"
#include "purgatory/knobs.h"
#include "purgatory/arm64/pgtable.h"
#include "purgatory/blobs.h"
#include "purgatory/purgatory.h"
#include "purgatory/verify.h"

#if defined(__x86_64__)
#define HAVE_X86_64_BLOB 1
#include <sys/mman.h>
#else
#define HAVE_X86_64_BLOB 0
#endif


static const size_t PARAMS_SIZE = sizeof(struct kx_purgatory_params);

static void sample_params(struct kx_purgatory_params *p);

KX_TEST(x86_64_blob_header)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	uint64_t magic;
	uint32_t params_offset, memsz;

	if (!HAVE_X86_64_BLOB) {
		CHECK(kx_purgatory_blob("x86_64", &blob, &err) < 0);
		CHECK(err.status == KX_E_PLAN);
		CHECK_CONTAINS(err.message, "x86_64");
		return;
	}
	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	CHECK(blob.data && blob.size > 32);
	/* Entry at offset 0: a short (EB) or near (E9) jump over the header. */
	CHECK(blob.data[0] == 0xeb || blob.data[0] == 0xe9);
	if (blob.data[0] == 0xeb)
		CHECK((size_t)2 + blob.data[1] >= 32 && blob.data[1] < 0x80);

	struct kx_bytes b = { blob.data, blob.size };
	CHECK(kx_le64(b, KX_PURGATORY_HEADER_OFFSET, &magic));
	CHECK_EQ_U64(magic, KX_PURGATORY_MAGIC);
	CHECK(memcmp(blob.data + KX_PURGATORY_HEADER_OFFSET, "XXPURG01", 8) == 0);
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 8, &params_offset));
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 12, &memsz));
	CHECK_EQ_U64(blob.params_offset, params_offset);
	CHECK_EQ_U64(blob.memsz, memsz);

	/* The parameter block lies inside the file image, after the header. */
	CHECK(params_offset >= 32 && params_offset % 8 == 0);
	CHECK(params_offset + PARAMS_SIZE <= blob.size);
	/* memsz covers the image plus bss with a 16 KiB stack. */
	CHECK(memsz >= blob.size + 16 * KiB);
	CHECK(memsz < MiB);
	/* As built, the parameter block is all zero: nothing to boot. */
	for (size_t i = 0; i < PARAMS_SIZE; i++)
		CHECK(blob.data[params_offset + i] == 0);
}

/* Whether this build embedded a blob for `arch` (the arm64 one needs a
 * compiler for it: native or aarch64-linux-gnu-gcc). */
static int embedded(const char *arch)
{
	for (const struct kx_purgatory_embedded *e = kx_purgatory_embedded; e->arch; e++)
		if (!strcmp(e->arch, arch))
			return 1;
	return 0;
}

KX_TEST(arm64_blob_header)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	uint32_t insn, params_offset, memsz, knobs;
	uint64_t magic;

	if (!embedded("arm64")) {
		CHECK(kx_purgatory_blob("arm64", &blob, &err) < 0);
		CHECK(err.status == KX_E_PLAN);
		CHECK_CONTAINS(err.message, "arm64");
		KX_SKIP("no arm64 purgatory in this build (no aarch64 compiler)");
	}
	CHECK(kx_purgatory_blob("arm64", &blob, &err) == 0);
	CHECK(blob.data && blob.size > 32);

	struct kx_bytes b = { blob.data, blob.size };
	/* Entry at offset 0: B (0b000101 in bits 31:26) forward past the
	 * header, into the blob. */
	CHECK(kx_le32(b, 0, &insn));
	CHECK((insn & 0xfc000000u) == 0x14000000u);
	CHECK((insn & 0x03ffffffu) * 4 >= 32);
	CHECK((insn & 0x03ffffffu) * 4 < blob.size);
	/* The harness switches, 0 as built. */
	CHECK(kx_le32(b, KX_KNOBS_OFFSET, &knobs));
	CHECK_EQ_U64(knobs, 0);

	CHECK(kx_le64(b, KX_PURGATORY_HEADER_OFFSET, &magic));
	CHECK_EQ_U64(magic, KX_PURGATORY_MAGIC);
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 8, &params_offset));
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 12, &memsz));
	CHECK_EQ_U64(blob.params_offset, params_offset);
	CHECK_EQ_U64(blob.memsz, memsz);
	CHECK(params_offset >= 32 && params_offset % 8 == 0);
	CHECK(params_offset + PARAMS_SIZE <= blob.size);
	/* bss: a 16 KiB stack and the page-table pool; memsz ends 16-aligned
	 * (the entry zeroes it in 16-byte stores). */
	CHECK(memsz >= blob.size + 16 * KiB + 10 * 4096);
	CHECK(memsz % 16 == 0);
	CHECK(memsz < MiB);
	for (size_t i = 0; i < PARAMS_SIZE; i++)
		CHECK(blob.data[params_offset + i] == 0);
}

KX_TEST(arm64_fill_into_real_blob)
{
	struct kx_purgatory_blob blob;
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };
	uint8_t *buf;
	uint64_t v64;
	uint32_t v32;

	if (!embedded("arm64")) {
		KX_SKIP("no arm64 purgatory in this build (no aarch64 compiler)");
	}
	CHECK(kx_purgatory_blob("arm64", &blob, &err) == 0);
	buf = malloc(blob.memsz);
	CHECK(buf);
	sample_params(&p);
	p.regs[0] = 0x48000000;       /* x0 = DTB */
	p.regs[1] = p.regs[2] = p.regs[3] = 0;
	p.serial_port = 0x09000000;   /* PL011 on QEMU virt */
	memset(buf, 0xaa, blob.memsz);
	if (kx_purgatory_fill(&blob, buf, blob.memsz, &p, &err)) {
		free(buf);
		CHECK(0);
	}
	struct kx_bytes b = { buf, blob.memsz };
	int same_code = memcmp(buf, blob.data, blob.params_offset) == 0 &&
			memcmp(buf + blob.params_offset + PARAMS_SIZE,
			       blob.data + blob.params_offset + PARAMS_SIZE,
			       blob.size - blob.params_offset - PARAMS_SIZE) == 0;
	int bss_zero = 1;
	for (size_t i = blob.size; i < blob.memsz; i++)
		bss_zero &= buf[i] == 0;
	int ok = kx_le64(b, blob.params_offset + 0, &v64) && v64 == 0x1000200 &&
		 kx_le64(b, blob.params_offset + 8, &v64) && v64 == 0x48000000 &&
		 kx_le64(b, blob.params_offset + 16, &v64) && v64 == 0 &&
		 kx_le64(b, blob.params_offset + 32, &v64) && v64 == 0 &&
		 kx_le32(b, blob.params_offset + 40, &v32) && v32 == KX_PURGATORY_VERIFY &&
		 kx_le32(b, blob.params_offset + 44, &v32) && v32 == 2 &&
		 kx_le64(b, blob.params_offset + 48, &v64) && v64 == 0x09000000 &&
		 kx_le64(b, blob.params_offset + 56 + 48, &v64) && v64 == 0x7f000000 &&
		 memcmp(buf + blob.params_offset + 56 + 16, p.regions[0].digest, 32) == 0 &&
		 kx_le32(b, blob.params_offset + 824, &v32) && v32 == KX_PURGATORY_DIGEST_CRC32C &&
		 kx_le32(b, blob.params_offset + 828, &v32) && v32 == 0;
	free(buf);
	CHECK(same_code);
	CHECK(bss_zero);
	CHECK(ok);
}

/* The target of a RISC-V JAL instruction (imm[20|10:1|11|19:12]), signed. */
static int64_t riscv_jal_offset(uint32_t insn)
{
	uint32_t imm = ((insn >> 31) & 1) << 20 | ((insn >> 21) & 0x3ff) << 1 |
		       ((insn >> 20) & 1) << 11 | ((insn >> 12) & 0xff) << 12;

	return (imm & (1u << 20)) ? (int64_t)imm - (1 << 21) : (int64_t)imm;
}

KX_TEST(riscv64_blob_header)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	uint32_t insn, params_offset, memsz;
	uint64_t magic;

	if (!embedded("riscv64")) {
		CHECK(kx_purgatory_blob("riscv64", &blob, &err) < 0);
		CHECK(err.status == KX_E_PLAN);
		CHECK_CONTAINS(err.message, "no riscv64 purgatory");
		KX_SKIP("no riscv64 purgatory in this build (no riscv64 compiler)");
	}
	CHECK(kx_purgatory_blob("riscv64", &blob, &err) == 0);
	CHECK(blob.data && blob.size > 32);

	struct kx_bytes b = { blob.data, blob.size };
	/* Entry at offset 0: a 4-byte JAL x0 (opcode 0x6f, rd 0; no
	 * compressed C.J) forward past the header, into the blob. */
	CHECK(kx_le32(b, 0, &insn));
	CHECK((insn & 0xfff) == 0x06f);
	CHECK(riscv_jal_offset(insn) >= 32);
	CHECK(riscv_jal_offset(insn) < (int64_t)blob.size);
	CHECK(riscv_jal_offset(insn) % 4 == 0);
	/* A known encoding, so the decoder above is not merely self-consistent:
	 * "j 0x20" is 0x0200006f. */
	CHECK(riscv_jal_offset(0x0200006f) == 0x20);
	CHECK(riscv_jal_offset(0xffdff06f) == -4);

	CHECK(kx_le64(b, KX_PURGATORY_HEADER_OFFSET, &magic));
	CHECK_EQ_U64(magic, KX_PURGATORY_MAGIC);
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 8, &params_offset));
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 12, &memsz));
	CHECK_EQ_U64(blob.params_offset, params_offset);
	CHECK_EQ_U64(blob.memsz, memsz);
	CHECK(params_offset >= 32 && params_offset % 8 == 0);
	CHECK(params_offset + PARAMS_SIZE <= blob.size);
	/* bss with a 16 KiB stack, ending 16-aligned (the entry zeroes it
	 * 16 bytes at a time). */
	CHECK(memsz >= blob.size + 16 * KiB);
	CHECK(memsz % 16 == 0);
	CHECK(memsz < MiB);
	for (size_t i = 0; i < PARAMS_SIZE; i++)
		CHECK(blob.data[params_offset + i] == 0);
}

KX_TEST(riscv64_fill_into_real_blob)
{
	struct kx_purgatory_blob blob;
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };
	uint8_t *buf;
	uint64_t v64;
	uint32_t v32;

	if (!embedded("riscv64")) {
		KX_SKIP("no riscv64 purgatory in this build (no riscv64 compiler)");
	}
	CHECK(kx_purgatory_blob("riscv64", &blob, &err) == 0);
	buf = malloc(blob.memsz);
	CHECK(buf);
	sample_params(&p);
	p.entry = 0x80200000;         /* the kernel, 2 MiB-aligned */
	memset(p.regs, 0, sizeof(p.regs)); /* unused: a0/a1 pass through */
	p.serial_port = 0x10000000;   /* NS16550A on QEMU virt */
	memset(buf, 0xaa, blob.memsz);
	if (kx_purgatory_fill(&blob, buf, blob.memsz, &p, &err)) {
		free(buf);
		CHECK(0);
	}
	struct kx_bytes b = { buf, blob.memsz };
	int same_code = memcmp(buf, blob.data, blob.params_offset) == 0 &&
			memcmp(buf + blob.params_offset + PARAMS_SIZE,
			       blob.data + blob.params_offset + PARAMS_SIZE,
			       blob.size - blob.params_offset - PARAMS_SIZE) == 0;
	int bss_zero = 1;
	for (size_t i = blob.size; i < blob.memsz; i++)
		bss_zero &= buf[i] == 0;
	int ok = kx_le64(b, blob.params_offset + 0, &v64) && v64 == 0x80200000 &&
		 kx_le64(b, blob.params_offset + 8, &v64) && v64 == 0 &&
		 kx_le64(b, blob.params_offset + 32, &v64) && v64 == 0 &&
		 kx_le32(b, blob.params_offset + 40, &v32) && v32 == KX_PURGATORY_VERIFY &&
		 kx_le32(b, blob.params_offset + 44, &v32) && v32 == 2 &&
		 kx_le64(b, blob.params_offset + 48, &v64) && v64 == 0x10000000 &&
		 kx_le64(b, blob.params_offset + 56, &v64) && v64 == 0x1000000 &&
		 kx_le64(b, blob.params_offset + 56 + 48, &v64) && v64 == 0x7f000000 &&
		 kx_le64(b, blob.params_offset + 56 + 48 + 8, &v64) && v64 == 0x800000 &&
		 memcmp(buf + blob.params_offset + 56 + 16, p.regions[0].digest, 32) == 0 &&
		 memcmp(buf + blob.params_offset + 56 + 48 + 16, p.regions[1].digest, 32) == 0 &&
		 kx_le32(b, blob.params_offset + 824, &v32) && v32 == KX_PURGATORY_DIGEST_CRC32C;
	free(buf);
	CHECK(same_code);
	CHECK(bss_zero);
	CHECK(ok);
}

/*
 * The arm64 identity map, walked as the MMU would walk it (4 KiB granule,
 * 48-bit VA, four levels). Returns the output address of `va`, or
 * UINT64_MAX when it is not mapped; *leaf_level says at which level the
 * walk ended (1 = 1 GiB block, 2 = 2 MiB block, 3 = page), *attrs the
 * leaf's attribute bits.
 */
static uint64_t pt_walk(const struct kx_arm64_pgtable *pt, uint64_t va,
			int *leaf_level, uint64_t *attrs)
{
	const uint64_t *table = pt->pool;

	for (int level = 0; level <= 3; level++) {
		unsigned int shift = 39 - 9 * level;
		uint64_t d = table[(va >> shift) & 511];

		if (!(d & KX_PT_VALID))
			return UINT64_MAX;
		if (level == 3 || !(d & KX_PT_TABLE)) {
			uint64_t size = 1ULL << shift;

			if (level == 0 || (level == 3 && !(d & KX_PT_TABLE)))
				return UINT64_MAX; /* reserved encodings */
			*leaf_level = level;
			*attrs = d & ~KX_PT_ADDR_MASK;
			return (d & KX_PT_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
		}
		table = (const uint64_t *)(uintptr_t)(d & KX_PT_ADDR_MASK);
	}
	return UINT64_MAX;
}

struct pt_fixture {
	uint64_t *pool;
	struct kx_arm64_pgtable pt;
};

static int pt_setup(struct pt_fixture *f, uint32_t nr_tables, unsigned int pa_bits)
{
	f->pool = aligned_alloc(4096, (size_t)nr_tables * 4096);
	if (!f->pool)
		return 0;
	memset(f->pool, 0, (size_t)nr_tables * 4096);
	kx_arm64_pgtable_init(&f->pt, f->pool, nr_tables,
			      KX_PT_AF | KX_PT_SH_INNER | KX_PT_ATTRINDX(0), pa_bits);
	return 1;
}

#define PT_ATTRS (KX_PT_AF | KX_PT_SH_INNER | KX_PT_ATTRINDX(0) | KX_PT_VALID)

/* Every page of [start, end) maps to itself with the leaf attributes; the
 * pages just outside (page-rounded) do not. */
static int pt_identity_exactly(const struct kx_arm64_pgtable *pt, uint64_t start, uint64_t end)
{
	uint64_t first = start & ~4095ULL, last = (end + 4095) & ~4095ULL;
	uint64_t attrs;
	int level;

	for (uint64_t va = first; va < last; va += 4096) {
		if (pt_walk(pt, va + 123, &level, &attrs) != va + 123)
			return 0;
		if ((attrs & ~KX_PT_TABLE) != PT_ATTRS)
			return 0;
	}
	if (first && pt_walk(pt, first - 1, &level, &attrs) != UINT64_MAX)
		return 0;
	return pt_walk(pt, last, &level, &attrs) == UINT64_MAX;
}

KX_TEST(arm64_pgtable_identity_edges)
{
	static struct pt_fixture f;
	uint64_t attrs;
	int level;

	CHECK(pt_setup(&f, 16, 48));
	/* A kernel-like range: 2 MiB-aligned start, odd length. */
	int ok = kx_arm64_map_identity(&f.pt, 0x40200000, 0x1e12345) == 0 &&
		 pt_identity_exactly(&f.pt, 0x40200000, 0x40200000 + 0x1e12345);
	/* Its interior is made of 2 MiB blocks, the tail of pages. */
	ok = ok && pt_walk(&f.pt, 0x40400000, &level, &attrs) == 0x40400000 && level == 2;
	ok = ok && pt_walk(&f.pt, 0x42000000, &level, &attrs) == 0x42000000 && level == 3;
	/* A small unaligned range elsewhere, not touching the first. */
	ok = ok && kx_arm64_map_identity(&f.pt, 0x48000010, 100) == 0 &&
	     pt_identity_exactly(&f.pt, 0x48000000, 0x48001000);
	ok = ok && pt_identity_exactly(&f.pt, 0x40200000, 0x40200000 + 0x1e12345);
	/* Empty ranges map nothing. */
	ok = ok && kx_arm64_map_identity(&f.pt, 0x50000000, 0) == 0 &&
	     pt_walk(&f.pt, 0x50000000, &level, &attrs) == UINT64_MAX;
	free(f.pool);
	CHECK(ok);
}

KX_TEST(arm64_pgtable_blocks_and_overlaps)
{
	static struct pt_fixture f;
	uint64_t attrs;
	int level;

	CHECK(pt_setup(&f, 16, 40));
	/* 1 GiB-aligned 3 GiB + 8 KiB, starting 4 KiB before a GiB: pages,
	 * then three 1 GiB blocks, then pages. */
	int ok = kx_arm64_map_identity(&f.pt, 0x7ffff000, 0xc0002000) == 0 &&
		 pt_identity_exactly(&f.pt, 0x7ffff000, 0x7ffff000 + 0xc0002000);
	ok = ok && pt_walk(&f.pt, 0x80000000, &level, &attrs) == 0x80000000 && level == 1;
	ok = ok && pt_walk(&f.pt, 0x13fffffff, &level, &attrs) == 0x13fffffff && level == 1;
	ok = ok && pt_walk(&f.pt, 0x140000000, &level, &attrs) == 0x140000000 && level == 3;
	ok = ok && pt_walk(&f.pt, 0x7ffff000, &level, &attrs) == 0x7ffff000 && level == 3;
	/* Mapping inside a block again changes nothing; overlapping a mapped
	 * edge extends it. */
	uint32_t used = f.pt.used;
	ok = ok && kx_arm64_map_identity(&f.pt, 0x90000000, 0x1000) == 0 && f.pt.used == used;
	ok = ok && kx_arm64_map_identity(&f.pt, 0x140001000, 0x3000) == 0 &&
	     pt_identity_exactly(&f.pt, 0x7ffff000, 0x140004000);
	/* Crossing a 512 GiB boundary needs a second level-1 table. */
	ok = ok && kx_arm64_map_identity(&f.pt, (1ULL << 39) - 0x1000, 0x2000) == 0 &&
	     pt_identity_exactly(&f.pt, (1ULL << 39) - 0x1000, (1ULL << 39) + 0x1000);
	free(f.pool);
	CHECK(ok);
}

KX_TEST(arm64_pgtable_limits)
{
	static struct pt_fixture f;

	/* Nothing at or above the physical address size, nothing wrapping. */
	CHECK(pt_setup(&f, 8, 36));
	int ok = kx_arm64_map_identity(&f.pt, (1ULL << 36) - 0x1000, 0x1000) == 0 &&
		 kx_arm64_map_identity(&f.pt, (1ULL << 36) - 0x1000, 0x1001) < 0 &&
		 kx_arm64_map_identity(&f.pt, 1ULL << 40, 0x1000) < 0 &&
		 kx_arm64_map_identity(&f.pt, UINT64_MAX - 0x10, 0x100) < 0;
	free(f.pool);
	CHECK(ok);
	/* pa_bits above 48 is capped at the 48-bit VA. */
	CHECK(pt_setup(&f, 8, 52));
	ok = f.pt.pa_limit == 1ULL << 48 &&
	     kx_arm64_map_identity(&f.pt, 1ULL << 48, 0x1000) < 0;
	free(f.pool);
	CHECK(ok);
	/* A pool that runs out says so (the purgatory then hashes uncached):
	 * four tables cover one page (levels 0-3), not a second page in
	 * another 2 MiB. */
	CHECK(pt_setup(&f, 4, 48));
	ok = kx_arm64_map_identity(&f.pt, 0x40000000, 0x1000) == 0 && f.pt.used == 4 &&
	     kx_arm64_map_identity(&f.pt, 0x40001000, 0x1000) == 0 &&
	     kx_arm64_map_identity(&f.pt, 0x40200000, 0x1000) < 0;
	free(f.pool);
	CHECK(ok);
}

KX_TEST(arm64_pgtable_el2_attrs)
{
	static struct pt_fixture f;
	uint64_t attrs;
	int level;

	/* The caller's leaf attributes (here AP[1], RES1 at EL2 without E2H)
	 * reach blocks and pages alike; tables carry none. */
	f.pool = aligned_alloc(4096, 8 * 4096);
	CHECK(f.pool);
	memset(f.pool, 0, 8 * 4096);
	kx_arm64_pgtable_init(&f.pt, f.pool, 8,
			      KX_PT_AF | KX_PT_SH_INNER | KX_PT_AP1, 48);
	int ok = kx_arm64_map_identity(&f.pt, 0x40000000, 0x201000) == 0 &&
		 pt_walk(&f.pt, 0x40000000, &level, &attrs) == 0x40000000 && level == 2 &&
		 attrs == (KX_PT_AF | KX_PT_SH_INNER | KX_PT_AP1 | KX_PT_VALID) &&
		 pt_walk(&f.pt, 0x40200000, &level, &attrs) == 0x40200000 && level == 3 &&
		 attrs == (KX_PT_AF | KX_PT_SH_INNER | KX_PT_AP1 | KX_PT_VALID | KX_PT_TABLE) &&
		 (f.pool[0] & ~KX_PT_ADDR_MASK) == (KX_PT_VALID | KX_PT_TABLE);
	free(f.pool);
	CHECK(ok);
}

KX_TEST(unknown_arch_is_named)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };

	CHECK(kx_purgatory_blob("sparc64", &blob, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "sparc64");
}

static void sample_params(struct kx_purgatory_params *p)
{
	memset(p, 0, sizeof(*p));
	p->entry = 0x1000200;
	p->regs[0] = 0x8c000;
	p->regs[1] = 0x1111111122222222ULL;
	p->regs[3] = 0xfedcba9876543210ULL;
	p->flags = KX_PURGATORY_VERIFY;
	p->nr_regions = 2;
	p->serial_port = 0x3f8;
	p->regions[0].start = 0x1000000;
	p->regions[0].len = 0x12345;
	for (int i = 0; i < 32; i++)
		p->regions[0].digest[i] = (uint8_t)(i + 1);
	p->regions[1].start = 0x7f000000;
	p->regions[1].len = 0x800000;
	for (int i = 0; i < 32; i++)
		p->regions[1].digest[i] = (uint8_t)(0xa0 + i);
	p->digest_kind = KX_PURGATORY_DIGEST_CRC32C;
}

/* Fill a fake blob, so this runs on every host, not only x86_64. */
KX_TEST(fill_writes_params_little_endian)
{
	static uint8_t image[2048], buf[4096];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };
	struct kx_bytes b = { buf, sizeof(buf) };
	uint64_t v64;
	uint32_t v32;

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 3);
	memset(buf, 0x55, sizeof(buf));
	sample_params(&p);
	p.flags |= KX_PURGATORY_CONSOLE_VGA | KX_PURGATORY_RESET_VGA;
	p.serial_baud = 9600;
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) == 0);

	/* Code before and after the parameter block untouched, the rest of
	 * the buffer zeroed. */
	CHECK(memcmp(buf, image, 0x200) == 0);
	CHECK(memcmp(buf + 0x200 + PARAMS_SIZE, image + 0x200 + PARAMS_SIZE,
		     sizeof(image) - 0x200 - PARAMS_SIZE) == 0);
	for (size_t i = sizeof(image); i < sizeof(buf); i++)
		CHECK(buf[i] == 0);

	CHECK(kx_le64(b, 0x200 + 0, &v64));
	CHECK_EQ_U64(v64, 0x1000200);
	CHECK(kx_le64(b, 0x200 + 8, &v64));
	CHECK_EQ_U64(v64, 0x8c000);
	CHECK(kx_le64(b, 0x200 + 16, &v64));
	CHECK_EQ_U64(v64, 0x1111111122222222ULL);
	CHECK(kx_le64(b, 0x200 + 32, &v64));
	CHECK_EQ_U64(v64, 0xfedcba9876543210ULL);
	CHECK(kx_le32(b, 0x200 + 40, &v32));
	CHECK_EQ_U64(v32, 7);  /* VERIFY, CONSOLE_VGA, RESET_VGA: bits 0, 1, 2 */
	CHECK(kx_le32(b, 0x200 + 44, &v32));
	CHECK_EQ_U64(v32, 2);
	CHECK(kx_le64(b, 0x200 + 48, &v64));
	CHECK_EQ_U64(v64, 0x3f8);
	CHECK(kx_le64(b, 0x200 + 56, &v64));
	CHECK_EQ_U64(v64, 0x1000000);
	CHECK(kx_le64(b, 0x200 + 64, &v64));
	CHECK_EQ_U64(v64, 0x12345);
	CHECK(memcmp(buf + 0x200 + 72, p.regions[0].digest, 32) == 0);
	CHECK(kx_le64(b, 0x200 + 104, &v64));
	CHECK_EQ_U64(v64, 0x7f000000);
	CHECK(memcmp(buf + 0x200 + 120, p.regions[1].digest, 32) == 0);
	/* Unused regions are zero, not left over from the blob. */
	for (size_t i = 56 + 2 * 48; i < 56 + 48 * KX_PURGATORY_REGIONS_MAX; i++)
		CHECK(buf[0x200 + i] == 0);
	/* digest_kind after the table, then the serial speed. */
	CHECK(kx_le32(b, 0x200 + 824, &v32));
	CHECK_EQ_U64(v32, KX_PURGATORY_DIGEST_CRC32C);
	CHECK(kx_le32(b, 0x200 + 828, &v32));
	CHECK_EQ_U64(v32, 9600);
	CHECK_EQ_U64(PARAMS_SIZE, 832);
}

KX_TEST(fill_into_real_blob)
{
	struct kx_purgatory_blob blob;
	struct kx_purgatory_params p, back;
	struct kx_error err = { 0 };
	uint8_t *buf;

	if (!HAVE_X86_64_BLOB)
		return;
	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	buf = malloc(blob.memsz);
	CHECK(buf);
	sample_params(&p);
	if (kx_purgatory_fill(&blob, buf, blob.memsz, &p, &err)) {
		free(buf);
		CHECK(0);
	}
	/* The purgatory reads the block natively; on a little-endian host
	 * that is the same struct. */
	memcpy(&back, buf + blob.params_offset, sizeof(back));
	int same_code = memcmp(buf, blob.data, blob.params_offset) == 0;
	free(buf);
	CHECK(same_code);
	CHECK_EQ_U64(back.entry, p.entry);
	CHECK_EQ_U64(back.regs[0], p.regs[0]);
	CHECK_EQ_U64(back.nr_regions, 2);
	CHECK(memcmp(back.regions, p.regions, sizeof(p.regions)) == 0);
	CHECK_EQ_U64(back.digest_kind, KX_PURGATORY_DIGEST_CRC32C);
	CHECK_EQ_U64(back.flags, KX_PURGATORY_VERIFY);
	CHECK_EQ_U64(back.serial_baud, 0);
}

KX_TEST(fill_rejects_small_buffer)
{
	static uint8_t image[2048], buf[2048];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	memset(buf, 0x55, sizeof(buf));
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf) - 1, &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "2047");
	/* Nothing written on failure. */
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0x55);
}

KX_TEST(fill_rejects_too_many_regions)
{
	static uint8_t image[2048], buf[2048];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	p.nr_regions = KX_PURGATORY_REGIONS_MAX + 1;
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "17 regions");
}

KX_TEST(fill_rejects_bad_digest_kind)
{
	static uint8_t image[2048], buf[2048];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	p.digest_kind = 2;
	memset(buf, 0x55, sizeof(buf));
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "digest kind 2");
	CHECK(buf[0] == 0x55);
}

KX_TEST(fill_rejects_params_outside_blob)
{
	static uint8_t image[1024], buf[1024];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "params_offset");
}

/* Three host buffers as regions, with their true digests of `kind`. */
struct verify_fixture {
	uint8_t a[1000], b[4096], c[1];
	struct kx_purgatory_params p;
};

static void crc_field(const void *data, size_t len, uint8_t out[32])
{
	uint32_t crc = kx_crc32c(data, len);

	memset(out, 0, 32);
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(crc >> (8 * i));
}

static void make_fixture_kind(struct verify_fixture *f, uint32_t kind)
{
	uint8_t *bufs[3] = { f->a, f->b, f->c };
	size_t lens[3] = { sizeof(f->a), sizeof(f->b), sizeof(f->c) };

	memset(&f->p, 0, sizeof(f->p));
	for (size_t i = 0; i < sizeof(f->a); i++)
		f->a[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(f->b); i++)
		f->b[i] = (uint8_t)(i * 31);
	f->c[0] = 0x42;
	f->p.flags = KX_PURGATORY_VERIFY;
	f->p.nr_regions = 3;
	f->p.digest_kind = kind;
	for (int i = 0; i < 3; i++) {
		f->p.regions[i].start = (uint64_t)(uintptr_t)bufs[i];
		f->p.regions[i].len = lens[i];
		if (kind == KX_PURGATORY_DIGEST_SHA256)
			kx_sha256(bufs[i], lens[i], f->p.regions[i].digest);
		else
			crc_field(bufs[i], lens[i], f->p.regions[i].digest);
	}
}

static const uint32_t kinds[2] = { KX_PURGATORY_DIGEST_SHA256, KX_PURGATORY_DIGEST_CRC32C };

/* Each verify case runs for both digests, with the best and the portable
 * implementations. */
#define FOR_EACH_KIND(f) \
	for (int k_ = 0; k_ < 2; k_++) \
		for (int portable = 0; portable < 2 && (make_fixture_kind(&(f), kinds[k_]), 1); portable++)

KX_TEST(verify_good)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		CHECK(kx_purgatory_verify_with(&f.p, portable) == -1);
		if (!portable)
			CHECK(kx_purgatory_verify(&f.p) == -1);
	}
	/* A parameter block from before digest_kind existed: zero, SHA-256. */
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_SHA256);
	CHECK_EQ_U64(KX_PURGATORY_DIGEST_SHA256, 0);
	CHECK(kx_purgatory_verify(&f.p) == -1);
}

KX_TEST(verify_one_corrupted_byte)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		f.b[2049] ^= 0x01;
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 1);
		f.b[2049] ^= 0x01;
		f.c[0] ^= 0x80;
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 2);
		f.a[0] ^= 0x80;  /* the first bad region is reported */
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 0);
	}
}

KX_TEST(verify_wrong_stored_digest)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		f.p.regions[0].digest[31] ^= 0xff;
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 0);
		f.p.regions[0].digest[31] ^= 0xff;
		f.p.regions[2].digest[0] ^= 0xff;  /* what --x-test-wrong-digest flips (there in region 0) */
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 2);
	}
	/* A CRC32C field must be the CRC and zeros: a right CRC with
	 * anything after it is a wrong field. */
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_CRC32C);
	f.p.regions[1].digest[4] = 1;
	CHECK(kx_purgatory_verify(&f.p) == 1);
	/* One kind's digests are not the other's. */
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_CRC32C);
	f.p.digest_kind = KX_PURGATORY_DIGEST_SHA256;
	CHECK(kx_purgatory_verify(&f.p) == 0);
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_SHA256);
	f.p.digest_kind = KX_PURGATORY_DIGEST_CRC32C;
	CHECK(kx_purgatory_verify(&f.p) == 0);
}

KX_TEST(verify_zero_regions)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		f.p.nr_regions = 0;
		f.a[0] ^= 0xff;  /* not looked at */
		CHECK(kx_purgatory_verify_with(&f.p, portable) == -1);
	}
}

KX_TEST(verify_empty_region)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		f.p.regions[1].len = 0;
		if (kinds[k_] == KX_PURGATORY_DIGEST_SHA256)
			kx_sha256("", 0, f.p.regions[1].digest);
		else
			memset(f.p.regions[1].digest, 0, 32);  /* CRC32C of nothing: 0 */
		CHECK(kx_purgatory_verify_with(&f.p, portable) == -1);
		f.p.regions[1].start = UINT64_MAX; /* never dereferenced when empty */
		CHECK(kx_purgatory_verify_with(&f.p, portable) == -1);
	}
}

KX_TEST(verify_rejects_bad_params)
{
	static struct verify_fixture f;

	FOR_EACH_KIND(f) {
		f.p.nr_regions = KX_PURGATORY_REGIONS_MAX + 1;
		CHECK(kx_purgatory_verify_with(&f.p, portable) == KX_PURGATORY_REGIONS_MAX);
		/* A region wrapping around the address space is bad, not hashed. */
		make_fixture_kind(&f, kinds[k_]);
		f.p.regions[2].start = UINT64_MAX - 10;
		f.p.regions[2].len = 100;
		CHECK(kx_purgatory_verify_with(&f.p, portable) == 2);
	}
	/* A digest kind it does not know: the block is bad, nothing hashed. */
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_CRC32C);
	f.p.digest_kind = 2;
	CHECK(kx_purgatory_verify(&f.p) == KX_PURGATORY_REGIONS_MAX);
	f.p.digest_kind = 0xffffffffu;
	CHECK(kx_purgatory_verify_with(&f.p, 1) == KX_PURGATORY_REGIONS_MAX);
}

KX_TEST(digest_impl_names)
{
	static struct verify_fixture f;

	make_fixture_kind(&f, KX_PURGATORY_DIGEST_CRC32C);
	CHECK(!strcmp(kx_purgatory_digest_impl(&f.p, 1), "crc32c, portable tables"));
	CHECK(!strncmp(kx_purgatory_digest_impl(&f.p, 0), "crc32c, ", 8));
#if defined(__x86_64__)
	if (kx_crc32c_impl_available(KX_CRC32C_IMPL_SSE42))
		CHECK(!strcmp(kx_purgatory_digest_impl(&f.p, 0), "crc32c, SSE4.2 crc32 instruction"));
#endif
	f.p.digest_kind = KX_PURGATORY_DIGEST_SHA256;
	CHECK(!strcmp(kx_purgatory_digest_impl(&f.p, 1), "sha256, portable C"));
	CHECK(!strncmp(kx_purgatory_digest_impl(&f.p, 0), "sha256, ", 8));
	f.p.digest_kind = 7;
	CHECK(!strcmp(kx_purgatory_digest_impl(&f.p, 0), "unknown digest kind"));
}

#if HAVE_X86_64_BLOB
typedef int verify_fn(const struct kx_purgatory_params *);

/*
 * The blob's kx_purgatory_verify() is ordinary SysV code (it is only the
 * entry that needs ring 0), so call it where it is: this runs the
 * freestanding build of the check, for both digests, with the SHA-NI and
 * SSE4.2 paths when the CPU has them, at an address that is not the link address (0) — a relocation that
 * slipped through would crash or misbehave here.
 */
KX_TEST(blob_verify_runs_anywhere)
{
	static struct verify_fixture f;
	const struct kx_purgatory_embedded *e = kx_purgatory_embedded;
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	size_t map_size;
	uint8_t *map, *mem;
	verify_fn *verify;
	void *fn_addr;
	int good, bad_b, bad_c, none;

	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	while (e->arch && strcmp(e->arch, "x86_64"))
		e++;
	CHECK(e->arch && e->verify_offset > 32 && e->verify_offset < blob.size);

	/* Three pages in, so the blob sits at neither 0 nor a mapping start. */
	map_size = 3 * 4096 + kx_align_up(blob.memsz, 4096);
	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		KX_SKIP("cannot map executable memory here");
	}
	mem = map + 3 * 4096;
	memcpy(mem, blob.data, blob.size);
	fn_addr = mem + e->verify_offset;
	memcpy(&verify, &fn_addr, sizeof(verify));

	int ok = 1;
	for (int k = 0; k < 2; k++) {
		make_fixture_kind(&f, kinds[k]);
		good = verify(&f.p);
		f.b[100] ^= 0x10;
		bad_b = verify(&f.p);
		f.b[100] ^= 0x10;
		f.c[0] ^= 0x01;
		bad_c = verify(&f.p);
		f.p.nr_regions = 0;
		none = verify(&f.p);
		if (good != -1 || bad_b != 1 || bad_c != 2 || none != -1) {
			printf("#   digest kind %u: %d %d %d %d\n", kinds[k], good, bad_b, bad_c, none);
			ok = 0;
		}
	}
	make_fixture_kind(&f, KX_PURGATORY_DIGEST_CRC32C);
	f.p.digest_kind = 9;
	bad_c = verify(&f.p);
	munmap(map, map_size);

	CHECK(ok);
	CHECK(bad_c == KX_PURGATORY_REGIONS_MAX);
}
#endif

int main(void)
{
	static const struct kx_test_case cases[] = {
		KX_CASE(x86_64_blob_header),
		KX_CASE(arm64_blob_header),
		KX_CASE(arm64_fill_into_real_blob),
		KX_CASE(riscv64_blob_header),
		KX_CASE(riscv64_fill_into_real_blob),
		KX_CASE(arm64_pgtable_identity_edges),
		KX_CASE(arm64_pgtable_blocks_and_overlaps),
		KX_CASE(arm64_pgtable_limits),
		KX_CASE(arm64_pgtable_el2_attrs),
		KX_CASE(unknown_arch_is_named),
		KX_CASE(fill_writes_params_little_endian),
		KX_CASE(fill_into_real_blob),
		KX_CASE(fill_rejects_small_buffer),
		KX_CASE(fill_rejects_too_many_regions),
		KX_CASE(fill_rejects_bad_digest_kind),
		KX_CASE(fill_rejects_params_outside_blob),
		KX_CASE(verify_good),
		KX_CASE(verify_one_corrupted_byte),
		KX_CASE(verify_wrong_stored_digest),
		KX_CASE(verify_zero_regions),
		KX_CASE(verify_empty_region),
		KX_CASE(verify_rejects_bad_params),
		KX_CASE(digest_impl_names),
#if HAVE_X86_64_BLOB
		KX_CASE(blob_verify_runs_anywhere),
#endif
	};
	return kx_run_tests(cases, sizeof(cases) / sizeof(cases[0]));
}
