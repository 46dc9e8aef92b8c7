// SPDX-License-Identifier: GPL-2.0-or-later
#include "kdump_read.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"
#include "kdump_file.h"
#include "page_codec.h"

#define RANK_SHIFT 12u   /* a rank entry per 4096 pfns */
#define FLAT_SIGNATURE "makedumpfile"

bool kx_kdump_signature(const uint8_t *head, size_t len)
{
	return len >= 8 && memcmp(head, KX_KDUMP_SIGNATURE, 8) == 0;
}

static bool bit(const uint8_t *bitmap, uint64_t pfn)
{
	return bitmap[pfn >> 3] & (1u << (pfn & 7));
}

static uint64_t word(const uint8_t *bitmap, uint64_t index)
{
	uint64_t w;
	kx_le64((struct kx_bytes){ bitmap + index * 8, 8 }, 0, &w);
	return w;
}

/* The number of pfns dumped before `pfn`: the descriptor's index. */
static uint64_t rank_of(const struct kx_kdump_view *v, uint64_t pfn)
{
	uint64_t r = v->rank[pfn >> RANK_SHIFT];
	for (uint64_t w = (pfn >> RANK_SHIFT) << (RANK_SHIFT - 6); w < pfn >> 6; w++)
		r += (uint64_t)__builtin_popcountll(word(v->bitmap2, w));
	uint64_t below = word(v->bitmap2, pfn >> 6) & ((UINT64_C(1) << (pfn & 63)) - 1);
	return r + (uint64_t)__builtin_popcountll(below);
}

/* Read `len` bytes of the dump file at `off`, naming `what`. */
static int file_read(const struct kx_kdump_view *v, uint64_t off, void *buf, size_t len, struct kx_error *err,
		     const char *what)
{
	return kx_elfcore_read_at(v->file, v->name, off, buf, len, err, "%s", what);
}

/* Whether the file holds [off, off + len): its last byte read. */
static int probe(const struct kx_kdump_view *v, uint64_t off, uint64_t len, struct kx_error *err, const char *what)
{
	uint8_t last;
	uint64_t end;
	if (len == 0)
		return 0;
	if (kx_add_overflows(off, len, &end))
		return kx_fail(err, KX_E_INPUT, "%s: %s at 0x%" PRIx64 " of 0x%" PRIx64 " bytes passes 2^64", v->name,
			       what, off, len);
	return file_read(v, end - 1, &last, 1, err, what);
}

static int load_page(struct kx_kdump_view *v, uint64_t pfn, struct kx_error *err)
{
	if (pfn == v->cached_pfn)
		return 0;
	v->cached_pfn = UINT64_MAX;
	if (!bit(v->bitmap1, pfn))
		return kx_fail(err, KX_E_INPUT, "pfn 0x%" PRIx64 " is not in the dump (no memory there: its first bitmap)",
			       pfn);
	if (!bit(v->bitmap2, pfn)) {
		memset(v->page, 0, v->block_size);   /* left out of the dump: zeros, as crash shows it */
		v->cached_pfn = pfn;
		return 0;
	}
	uint8_t d[KX_KDUMP_DESC_SIZE];
	uint64_t index = rank_of(v, pfn);
	char what[96];
	snprintf(what, sizeof(what), "the page descriptor of pfn 0x%" PRIx64, pfn);
	if (file_read(v, v->desc_off + index * KX_KDUMP_DESC_SIZE, d, sizeof(d), err, what) < 0)
		return -1;
	uint64_t offset;
	uint32_t size, flags;
	kx_le64((struct kx_bytes){ d, 24 }, 0, &offset);
	kx_le32((struct kx_bytes){ d, 24 }, 8, &size);
	kx_le32((struct kx_bytes){ d, 24 }, 12, &flags);
	enum kx_dump_codec codec;
	switch (flags) {
	case 0: codec = KX_DUMP_RAW; break;
	case KX_KDUMP_ZLIB: codec = KX_DUMP_ZLIB; break;
	case KX_KDUMP_LZO: codec = KX_DUMP_LZO; break;
	case KX_KDUMP_ZSTD: codec = KX_DUMP_ZSTD; break;
	case KX_KDUMP_SNAPPY: codec = KX_DUMP_SNAPPY; break;
	default:
		return kx_fail(err, KX_E_INPUT, "%s: %s: flags 0x%x name no single codec", v->name, what, flags);
	}
	if (size == 0 || size > v->block_size || (codec == KX_DUMP_RAW && size != v->block_size))
		return kx_fail(err, KX_E_INPUT, "%s: %s: size %u with flags 0x%x (a page is %u bytes; stored as it is, "
			       "exactly that)", v->name, what, size, flags, v->block_size);
	snprintf(what, sizeof(what), "the data of pfn 0x%" PRIx64, pfn);
	if (codec == KX_DUMP_RAW) {
		if (file_read(v, offset, v->page, size, err, what) < 0)
			return -1;
	} else {
		if (file_read(v, offset, v->in, size, err, what) < 0 ||
		    kx_page_codec_decompress(codec, v->in, size, v->page, v->block_size, what, err) < 0) {
			kx_error_prefix(err, "%s: ", v->name);
			return -1;
		}
	}
	v->cached_pfn = pfn;
	return 0;
}

static int view_read_locked(struct kx_kdump_view *v, uint64_t off, void *buf, size_t len, struct kx_error *err);

static int view_read(void *ctx, uint64_t off, void *buf, size_t len, struct kx_error *err)
{
	struct kx_kdump_view *v = ctx;
	pthread_mutex_lock(&v->lock);
	int r = view_read_locked(v, off, buf, len, err);
	pthread_mutex_unlock(&v->lock);
	return r;
}

static int view_read_locked(struct kx_kdump_view *v, uint64_t off, void *buf, size_t len, struct kx_error *err)
{
	uint8_t *out = buf;
	while (len) {
		size_t n;
		if (off < v->mem_off) {
			n = v->mem_off - off < len ? (size_t)(v->mem_off - off) : len;
			for (size_t i = 0; i < n; i++)
				out[i] = off + i < v->head_size ? v->head[off + i] : 0;
		} else {
			uint64_t at = off - v->mem_off, pfn = at / v->block_size;
			size_t in_page = (size_t)(at % v->block_size);
			if (pfn >= v->max_mapnr)
				return kx_fail(err, KX_E_INPUT, "file ends at 0x%" PRIx64 " (the dump's memory ends at pfn 0x%" PRIx64
					       ")", v->mem_off + v->max_mapnr * v->block_size, v->max_mapnr);
			if (load_page(v, pfn, err) < 0)
				return -1;
			n = v->block_size - in_page < len ? v->block_size - in_page : len;
			memcpy(out, v->page + in_page, n);
		}
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

struct kx_elfcore_reader kx_kdump_view_reader(struct kx_kdump_view *v)
{
	struct kx_elfcore_reader rd = { view_read, v };
	return rd;
}

static uint16_t machine_of(const char *m)
{
	if (!strcmp(m, "x86_64"))
		return EM_X86_64;
	if (!strcmp(m, "aarch64"))
		return EM_AARCH64;
	if (!strcmp(m, "riscv64"))
		return EM_RISCV;
	return EM_NONE;
}

static void put_phdr(uint8_t *p, uint32_t type, uint64_t offset, uint64_t size)
{
	kx_put_le32(p + 0, type);
	kx_put_le32(p + 4, type == PT_LOAD ? PF_R | PF_W | PF_X : 0);
	kx_put_le64(p + 8, offset);
	kx_put_le64(p + 16, 0);   /* p_vaddr: physical addresses only, as /proc/vmcore may give */
	kx_put_le64(p + 24, 0);   /* p_paddr */
	kx_put_le64(p + 32, size);
	kx_put_le64(p + 40, size);
}

int kx_kdump_view_open(struct kx_kdump_view *v, const char *name, struct kx_elfcore_reader file, struct kx_error *err)
{
	uint8_t h[KX_KDUMP_HEADER_SIZE];
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->file = file;
	v->cached_pfn = UINT64_MAX;

	if (file_read(v, 0, h, 16, err, "the kdump header") < 0)
		return -1;
	if (!memcmp(h, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE)))
		return kx_fail(err, KX_E_FORMAT, "%s: a flattened stream (makedumpfile -F), not a dump file: put it "
			       "back together with vmcore-save -R or makedumpfile -R", name);
	if (!kx_kdump_signature(h, 16))
		return kx_fail(err, KX_E_FORMAT, "%s: not a kdump-compressed file (no \"KDUMP   \" signature)", name);
	if (file_read(v, 0, h, sizeof(h), err, "the kdump header") < 0)
		return -1;
	uint32_t version, bs, sub_blocks, bitmap_blocks, max32;
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 8, &version);
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 424, &v->status);
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 428, &bs);
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 432, &sub_blocks);
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 436, &bitmap_blocks);
	kx_le32((struct kx_bytes){ h, sizeof(h) }, 440, &max32);
	if (version < 4 || version > 64)
		return kx_fail(err, KX_E_INPUT, "%s: header_version %u: versions before 4 keep no notes (no VMCOREINFO), "
			       "and none past 64 exist", name, version);
	if (bs < 4096 || bs > 65536 || (bs & (bs - 1)))
		return kx_fail(err, KX_E_INPUT, "%s: block_size %u is not a page size (a power of two, 4 KiB to 64 KiB)",
			       name, bs);
	v->block_size = bs;
	char machine[66];
	memcpy(machine, h + 12 + 4 * 65, 65);
	machine[65] = 0;
	uint16_t em = machine_of(machine);
	if (em == EM_NONE)
		return kx_fail(err, KX_E_FORMAT, "%s: utsname machine \"%.20s\": a dump of a machine this reader does not "
			       "know (x86_64, aarch64, riscv64)", name, machine);

	uint8_t sub[KX_KDUMP_SUB_HEADER_SIZE];
	if (sub_blocks == 0 || sub_blocks > 4096)
		return kx_fail(err, KX_E_INPUT, "%s: sub_hdr_size %u blocks (1 to 4096)", name, sub_blocks);
	if (file_read(v, bs, sub, sizeof(sub), err, "the kdump sub header") < 0)
		return -1;
	int32_t split;
	uint64_t off_info, size_info, off_note, size_note, max64;
	kx_le32((struct kx_bytes){ sub, sizeof(sub) }, 12, (uint32_t *)&split);
	kx_le64((struct kx_bytes){ sub, sizeof(sub) }, 32, &off_info);
	kx_le64((struct kx_bytes){ sub, sizeof(sub) }, 40, &size_info);
	kx_le64((struct kx_bytes){ sub, sizeof(sub) }, 48, &off_note);
	kx_le64((struct kx_bytes){ sub, sizeof(sub) }, 56, &size_note);
	kx_le64((struct kx_bytes){ sub, sizeof(sub) }, 96, &max64);
	if (split)
		return kx_fail(err, KX_E_INPUT, "%s: one part of a split dump (makedumpfile --split): join the parts "
			       "with makedumpfile --reassemble first", name);
	v->max_mapnr = version >= 6 ? max64 : max32;
	if (v->max_mapnr == 0 || v->max_mapnr > KX_KDUMP_READ_MAX_MAPNR)
		return kx_fail(err, KX_E_INPUT, "%s: max_mapnr 0x%" PRIx64 " (1 to 2^32 page frames)", name, v->max_mapnr);
	uint64_t bitmap_len = (uint64_t)bitmap_blocks * bs / 2, need = (v->max_mapnr + 7) / 8;
	if (bitmap_blocks % 2 || bitmap_len < need)
		return kx_fail(err, KX_E_INPUT, "%s: bitmap_blocks %u: two bitmaps of %" PRIu64 " bytes each, for "
			       "max_mapnr 0x%" PRIx64 " (%" PRIu64 " bytes each)",
			       name, bitmap_blocks, bitmap_len, v->max_mapnr, need);
	uint64_t bitmap1_off = (1 + (uint64_t)sub_blocks) * bs, bitmap2_off = bitmap1_off + bitmap_len;
	v->desc_off = bitmap1_off + 2 * bitmap_len;

	/* The notes: the sub header's copy of the core's PT_NOTE, else a
	 * VMCOREINFO note made of its VMCOREINFO. */
	uint64_t notes_len = size_note ? size_note : size_info ? 24 + kx_align_up(size_info, 4) : 0;
	if (notes_len == 0 || notes_len > KX_KDUMP_READ_MAX_NOTES)
		return kx_fail(err, KX_E_INPUT, "%s: size_note %" PRIu64 " and size_vmcoreinfo %" PRIu64
			       ": the notes must be there, at most 16 MiB", name, size_note, size_info);
	if (probe(v, size_note ? off_note : off_info, size_note ? size_note : size_info, err, "the notes") < 0 ||
	    probe(v, bitmap1_off, 2 * bitmap_len, err, "the bitmaps") < 0)
		return -1;

	size_t head_notes = 0x100;
	v->head_size = head_notes + (size_t)notes_len;
	v->mem_off = kx_align_up(v->head_size, bs);
	v->head = calloc(1, v->head_size);
	/* only the bytes max_mapnr needs (the file was probed for all of them) */
	v->bitmap1 = calloc(1, need + 8);
	v->bitmap2 = calloc(1, need + 8);
	v->rank = calloc((v->max_mapnr >> RANK_SHIFT) + 1, sizeof(*v->rank));
	v->page = malloc(bs);
	v->in = malloc(bs);
	if (!v->head || !v->bitmap1 || !v->bitmap2 || !v->rank || !v->page || !v->in) {
		kx_kdump_view_close(v);
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory for bitmaps of %" PRIu64 " bytes", name, need);
	}
	if (file_read(v, bitmap1_off, v->bitmap1, need, err, "the first bitmap") < 0 ||
	    file_read(v, bitmap2_off, v->bitmap2, need, err, "the second bitmap") < 0)
		goto fail;
	/* bits past max_mapnr mean nothing (words are read 8 bytes at a time:
	 * the allocation's last 8 bytes are zeros) */
	for (uint64_t pfn = v->max_mapnr; pfn % 8; pfn++)
		v->bitmap2[pfn >> 3] &= (uint8_t)~(1u << (pfn & 7));
	uint64_t count = 0;
	for (uint64_t w = 0; w < (v->max_mapnr + 63) / 64; w++) {
		if ((w & ((UINT64_C(1) << (RANK_SHIFT - 6)) - 1)) == 0)
			v->rank[w >> (RANK_SHIFT - 6)] = count;
		count += (uint64_t)__builtin_popcountll(word(v->bitmap2, w));
	}
	v->dumped_pages = count;
	if (probe(v, v->desc_off, count * KX_KDUMP_DESC_SIZE, err, "the page descriptors") < 0)
		goto fail;

	/* the ELF view's head */
	uint8_t *e = v->head;
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = ELFCLASS64;
	e[EI_DATA] = ELFDATA2LSB;
	e[EI_VERSION] = EV_CURRENT;
	kx_put_le16(e + 16, ET_CORE);
	kx_put_le16(e + 18, em);
	kx_put_le32(e + 20, EV_CURRENT);
	kx_put_le64(e + 32, KX_ELFCORE_EHDR_SIZE);
	kx_put_le16(e + 52, KX_ELFCORE_EHDR_SIZE);
	kx_put_le16(e + 54, KX_ELFCORE_PHDR_SIZE);
	kx_put_le16(e + 56, 2);
	put_phdr(e + 64, PT_NOTE, head_notes, notes_len);
	put_phdr(e + 64 + KX_ELFCORE_PHDR_SIZE, PT_LOAD, v->mem_off, v->max_mapnr * bs);
	uint8_t *n = e + head_notes;
	if (size_note) {
		if (file_read(v, off_note, n, (size_t)size_note, err, "the notes") < 0)
			goto fail;
	} else {
		kx_put_le32(n, 11);
		kx_put_le32(n + 4, (uint32_t)size_info);
		kx_put_le32(n + 8, 0);
		memcpy(n + 12, "VMCOREINFO", 11);
		if (file_read(v, off_info, n + 24, (size_t)size_info, err, "the VMCOREINFO") < 0)
			goto fail;
	}
	pthread_mutex_init(&v->lock, NULL);
	v->locked_init = true;
	return 0;
fail:
	kx_kdump_view_close(v);
	return -1;
}

void kx_kdump_view_close(struct kx_kdump_view *v)
{
	if (v->locked_init) {
		pthread_mutex_destroy(&v->lock);
		v->locked_init = false;
	}
	free(v->head);
	free(v->bitmap1);
	free(v->bitmap2);
	free(v->rank);
	free(v->page);
	free(v->in);
	v->head = v->bitmap1 = v->bitmap2 = v->page = v->in = NULL;
	v->rank = NULL;
}
