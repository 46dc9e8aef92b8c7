// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kdump-compressed reader (the dump seen as an ELF core): a dump built
 * by hand — pages stored as they are, compressed with zlib, LZO and zstd,
 * the shared zero page, pages left out — read back through the view and
 * kx_vmcore_open; then every header and descriptor rule broken once, each
 * refused with its field named.
 */
#include "harness.h"

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "dump/kdump_file.h"
#include "dump/kdump_read.h"
#include "dump/page_codec.h"
#include "vmcore/vmcore.h"

#define BS 4096u
#define NR 16u
/* layout: header, sub header + notes (1 block), bitmaps (1 block each),
 * descriptors (1 block), data */
#define BITMAP1 (2 * BS)
#define BITMAP2 (3 * BS)
#define DESCS (4 * BS)
#define DATA (5 * BS)

static uint8_t dump[DATA + 8 * BS];
static size_t dump_size;

static void fill(uint8_t *p, unsigned int pfn)
{
	for (unsigned int i = 0; i < BS; i++)
		p[i] = (uint8_t)(pfn * 31 + i * 7 + (i >> 8));
}

static void desc(unsigned int index, uint64_t offset, uint32_t size, uint32_t flags)
{
	uint8_t *d = dump + DESCS + index * KX_KDUMP_DESC_SIZE;
	kx_put_le64(d, offset);
	kx_put_le32(d + 8, size);
	kx_put_le32(d + 12, flags);
}

/* pfns 0-15 exist; 1 raw, 2 zlib, 3 LZO, 4 zstd, 5 zero page dumped; the rest left out */
static void build(void)
{
	static const char info[] = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\n";
	memset(dump, 0, sizeof(dump));
	memcpy(dump, KX_KDUMP_SIGNATURE, 8);
	kx_put_le32(dump + 8, 6);
	memcpy(dump + 12 + 4 * 65, "x86_64", 6);
	kx_put_le32(dump + 424, KX_KDUMP_ZLIB);
	kx_put_le32(dump + 428, BS);
	kx_put_le32(dump + 432, 1);   /* sub header blocks */
	kx_put_le32(dump + 436, 2);   /* bitmap blocks, both */
	kx_put_le32(dump + 440, NR);
	uint8_t *sub = dump + BS;
	uint64_t note_off = BS + KX_KDUMP_SUB_HEADER_SIZE, note_len = 24 + kx_align_up(sizeof(info) - 1, 4);
	kx_put_le64(sub + 32, note_off + 24);
	kx_put_le64(sub + 40, sizeof(info) - 1);
	kx_put_le64(sub + 48, note_off);
	kx_put_le64(sub + 56, note_len);
	kx_put_le64(sub + 96, NR);
	uint8_t *n = dump + note_off;
	kx_put_le32(n, 11);
	kx_put_le32(n + 4, sizeof(info) - 1);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, info, sizeof(info) - 1);
	dump[BITMAP1] = 0xff;
	dump[BITMAP1 + 1] = 0xff;
	dump[BITMAP2] = 0x3e;   /* pfns 1-5 */

	uint64_t at = DATA;
	uint8_t page[BS];
	fill(page, 1);
	memcpy(dump + at, page, BS);
	desc(0, at, BS, 0);
	at += BS;
	static const enum kx_dump_codec codecs[] = { KX_DUMP_ZLIB, KX_DUMP_LZO, KX_DUMP_ZSTD };
	for (unsigned int i = 0; i < 3; i++) {
		struct kx_page_codec c;
		struct kx_error err = { 0 };
		memset(page, 0, BS);
		memset(page, (int)(0x40 + i), 100);   /* compressible */
		kx_page_codec_init(&c, codecs[i], BS, &err);
		size_t len = kx_page_codec_compress(&c, page);
		memcpy(dump + at, c.out, len);
		desc(1 + i, at, (uint32_t)len, kx_kdump_codec_flag(codecs[i]));
		at += len;
		kx_page_codec_free(&c);
	}
	desc(4, DATA + 7 * BS, BS, 0);   /* the zero page: a page of zeros, shared */
	dump_size = DATA + 8 * BS;
}

struct opened {
	struct kx_kdump_view view;
	struct kx_elfcore_mem mem;
	int rc;
	struct kx_error err;
};

static void open_dump(struct opened *o)
{
	o->mem = (struct kx_elfcore_mem){ dump, dump_size };
	o->err = (struct kx_error){ 0 };
	o->rc = kx_kdump_view_open(&o->view, "dump", kx_elfcore_mem_reader(&o->mem), &o->err);
}

/* Read pfn's page through the view as an ELF core. */
static int read_pfn(struct kx_vmcore *vc, unsigned int pfn, uint8_t *out, struct kx_error *err)
{
	return kx_elfcore_read_at(vc->rd, NULL, vc->loads[0].offset + (uint64_t)pfn * BS, out, BS, err, "pfn");
}

KX_TEST(pages_read_back)
{
	struct opened o;
	build();
	open_dump(&o);
	CHECK(o.rc == 0);
	if (o.rc) {
		printf("# %s\n", o.err.message);
		return;
	}
	CHECK_EQ_U64(o.view.dumped_pages, 5);
	struct kx_vmcore vc;
	struct kx_error err = { 0 };
	CHECK(kx_vmcore_open(&vc, "dump", kx_kdump_view_reader(&o.view), &err) == 0);
	CHECK_EQ_U64(vc.machine, EM_X86_64);
	CHECK_EQ_U64(vc.nr_loads, 1);
	uint64_t ps;
	CHECK(kx_vmcoreinfo_get(&vc, "", "PAGESIZE", &ps, &err) == 0);
	CHECK_EQ_U64(ps, BS);
	uint8_t got[BS], want[BS];
	CHECK(read_pfn(&vc, 1, got, &err) == 0);
	fill(want, 1);
	CHECK(memcmp(got, want, BS) == 0);
	for (unsigned int i = 0; i < 3; i++) {
		memset(want, 0, BS);
		memset(want, (int)(0x40 + i), 100);
		CHECK(read_pfn(&vc, 2 + i, got, &err) == 0);
		CHECK(memcmp(got, want, BS) == 0);
	}
	memset(want, 0, BS);
	CHECK(read_pfn(&vc, 5, got, &err) == 0);   /* the zero page */
	CHECK(memcmp(got, want, BS) == 0);
	CHECK(read_pfn(&vc, 9, got, &err) == 0);   /* left out: zeros */
	CHECK(memcmp(got, want, BS) == 0);
	/* a read across pages, then one past the memory */
	uint8_t two[8];
	CHECK(kx_elfcore_read_at(vc.rd, NULL, vc.loads[0].offset + 2 * BS - 4, two, 8, &err, "x") == 0);
	fill(want, 1);
	CHECK(memcmp(two, want + BS - 4, 4) == 0 && two[4] == 0x40);
	CHECK(kx_elfcore_read_at(vc.rd, NULL, vc.loads[0].offset + NR * BS, two, 1, &err, "past") < 0);
	kx_vmcore_close(&vc);
	kx_kdump_view_close(&o.view);
}

/* Break the dump with `edit`, expect `status` and `text` from the open (or,
 * open_ok, from reading pfn). */
static int broken(void (*edit)(void), bool open_ok, unsigned int pfn, enum kx_status status, const char *text)
{
	struct opened o;
	build();
	edit();
	open_dump(&o);
	struct kx_error err = o.err;
	if (open_ok) {
		if (o.rc != 0) {
			printf("#   open failed: %s\n", o.err.message);
			return -1;
		}
		uint8_t page[BS];
		struct kx_elfcore_reader rd = kx_kdump_view_reader(&o.view);
		err = (struct kx_error){ 0 };
		int r = kx_elfcore_read_at(rd, NULL, o.view.mem_off + (uint64_t)pfn * BS, page, BS, &err, "pfn");
		kx_kdump_view_close(&o.view);
		if (r == 0) {
			printf("#   pfn %u read\n", pfn);
			return -1;
		}
	} else if (o.rc == 0) {
		kx_kdump_view_close(&o.view);
		printf("#   opened\n");
		return -1;
	}
	if (err.status != status || !strstr(err.message, text)) {
		printf("#   status %d, \"%s\"; want %d, \"%s\"\n", err.status, err.message, status, text);
		return -1;
	}
	return 0;
}

static void bad_signature(void) { memcpy(dump, "KDUMP  X", 8); }
static void flattened(void) { memcpy(dump, "makedumpfile\0\0\0\0", 16); }
static void old_version(void) { kx_put_le32(dump + 8, 3); }
static void odd_block(void) { kx_put_le32(dump + 428, 5000); }
static void no_sub_header(void) { kx_put_le32(dump + 432, 0); }
static void small_bitmaps(void) { kx_put_le32(dump + 436, 0); }
static void odd_bitmaps(void) { kx_put_le32(dump + 436, 3); }
static void split(void) { kx_put_le32(dump + BS + 12, 1); }
static void huge_mapnr(void) { kx_put_le64(dump + BS + 96, UINT64_C(1) << 40); }
static void no_notes(void) { kx_put_le64(dump + BS + 56, 0); kx_put_le64(dump + BS + 40, 0); }
static void notes_past_end(void) { kx_put_le64(dump + BS + 48, UINT64_C(1) << 40); }
static void machine(void) { memcpy(dump + 12 + 4 * 65, "s390x", 6); }
static void cut(void) { dump_size = DESCS + 10; }
static void two_codecs(void) { kx_put_le32(dump + DESCS + 1 * 24 + 12, KX_KDUMP_ZLIB | KX_KDUMP_LZO); }
static void snappy(void) { kx_put_le32(dump + DESCS + 1 * 24 + 12, KX_KDUMP_SNAPPY); }
static void raw_short(void) { kx_put_le32(dump + DESCS + 8, 100); }
static void oversize(void) { kx_put_le32(dump + DESCS + 1 * 24 + 8, BS + 1); }
static void data_past_end(void) { kx_put_le64(dump + DESCS, UINT64_C(1) << 40); }
static void garbage_zlib(void) { memset(dump + DATA + BS, 0x5a, 16); }
static void hole(void) { dump[BITMAP1] = 0xbf; }   /* pfn 6: no memory there */

KX_TEST(broken_dumps_refused)
{
	CHECK(broken(bad_signature, false, 0, KX_E_FORMAT, "not a kdump-compressed file") == 0);
	CHECK(broken(flattened, false, 0, KX_E_FORMAT, "a flattened stream") == 0);
	CHECK(broken(old_version, false, 0, KX_E_INPUT, "header_version 3") == 0);
	CHECK(broken(odd_block, false, 0, KX_E_INPUT, "block_size 5000") == 0);
	CHECK(broken(no_sub_header, false, 0, KX_E_INPUT, "sub_hdr_size 0") == 0);
	CHECK(broken(small_bitmaps, false, 0, KX_E_INPUT, "bitmap_blocks 0") == 0);
	CHECK(broken(odd_bitmaps, false, 0, KX_E_INPUT, "bitmap_blocks 3") == 0);
	CHECK(broken(split, false, 0, KX_E_INPUT, "split dump") == 0);
	CHECK(broken(huge_mapnr, false, 0, KX_E_INPUT, "max_mapnr 0x10000000000") == 0);
	CHECK(broken(no_notes, false, 0, KX_E_INPUT, "the notes must be there") == 0);
	CHECK(broken(notes_past_end, false, 0, KX_E_INPUT, "the notes") == 0);
	CHECK(broken(machine, false, 0, KX_E_FORMAT, "\"s390x\"") == 0);
	CHECK(broken(cut, false, 0, KX_E_INPUT, "page descriptors") == 0);
	CHECK(broken(two_codecs, true, 2, KX_E_INPUT, "flags 0x3 name no single codec") == 0);
	CHECK(broken(snappy, true, 2, KX_E_INPUT, "snappy") == 0);
	CHECK(broken(raw_short, true, 1, KX_E_INPUT, "size 100 with flags 0x0") == 0);
	CHECK(broken(oversize, true, 2, KX_E_INPUT, "size 4097") == 0);
	CHECK(broken(data_past_end, true, 1, KX_E_INPUT, "the data of pfn 0x1") == 0);
	CHECK(broken(garbage_zlib, true, 2, KX_E_INPUT, "pfn 0x2") == 0);
	CHECK(broken(hole, true, 6, KX_E_INPUT, "pfn 0x6 is not in the dump") == 0);
}

KX_TEST_MAIN(KX_CASE(pages_read_back), KX_CASE(broken_dumps_refused))
