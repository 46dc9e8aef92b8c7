// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A minimal core: only what reading the log touched. A recording reader
 * notes every file range read; kx_vmcore_write_minimal() then writes an ELF
 * core with the VMCOREINFO note and one PT_LOAD per contiguous range of
 * memory that was read — a few hundred KiB instead of a whole vmcore, for a
 * bug report or a test fixture. Read with --physical from /proc/kcore, the
 * ranges include the page tables the translation walked, and the minimal
 * core (p_vaddr 0) reads like a /proc/vmcore.
 */
#include "vmcore.h"

#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"

static int rec_read(void *ctx, uint64_t offset, void *buf, size_t len, struct kx_error *err)
{
	struct kx_vmcore_recorder *rec = ctx;

	if (rec->inner.read(rec->inner.ctx, offset, buf, len, err) < 0)
		return -1;
	if (rec->nr == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 64;
		struct kx_vmcore_range *r = realloc(rec->ranges, cap * sizeof(*r));
		if (!r)
			return kx_fail(err, KX_E_NOMEM, "out of memory");
		rec->ranges = r;
		rec->cap = cap;
	}
	rec->ranges[rec->nr].data = malloc(len ? len : 1);
	if (!rec->ranges[rec->nr].data)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	memcpy(rec->ranges[rec->nr].data, buf, len);
	rec->ranges[rec->nr].offset = offset;
	rec->ranges[rec->nr].len = len;
	rec->ranges[rec->nr].seq = rec->nr;
	rec->nr++;
	return 0;
}

struct kx_elfcore_reader kx_vmcore_recording_reader(struct kx_vmcore_recorder *rec)
{
	struct kx_elfcore_reader rd = { rec_read, rec };
	return rd;
}

void kx_vmcore_recorder_free(struct kx_vmcore_recorder *rec)
{
	for (size_t i = 0; i < rec->nr; i++)
		free(rec->ranges[i].data);
	free(rec->ranges);
	rec->ranges = NULL;
	rec->nr = rec->cap = 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct kx_vmcore_range *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct kx_vmcore_range *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct piece {
	uint64_t src, len, vaddr, paddr;
	size_t out;          /* file offset in the minimal core */
};

/*
 * The pieces of memory the minimal core holds, from the recorded ranges
 * (sorted here by file offset): the ranges inside a PT_LOAD (not the
 * headers and notes), merged when they touch within one PT_LOAD. Returns
 * how many; `pieces` has room for one per range.
 */
static size_t plan_pieces(const struct kx_vmcore *vc, struct kx_vmcore_recorder *rec,
			  bool keep_vaddr, struct piece *pieces)
{
	size_t nr = 0;

	qsort(rec->ranges, rec->nr, sizeof(*rec->ranges), cmp_range);
	for (size_t i = 0; i < rec->nr; i++) {
		uint64_t o = rec->ranges[i].offset, len = rec->ranges[i].len;
		const struct kx_elfcore_load *l = NULL;
		for (unsigned int j = 0; j < vc->nr_loads && !l; j++)
			if (o >= vc->loads[j].offset && o - vc->loads[j].offset < vc->loads[j].filesz)
				l = &vc->loads[j];
		if (!l || len == 0)
			continue;
		uint64_t in = o - l->offset;
		struct piece *last = nr ? &pieces[nr - 1] : NULL;
		if (last && o <= last->src + last->len && last->src >= l->offset &&
		    last->src - l->offset < l->filesz) {
			uint64_t end = o + len > last->src + last->len ? o + len : last->src + last->len;
			last->len = end - last->src;
			continue;
		}
		pieces[nr++] = (struct piece){ o, len, keep_vaddr ? l->vaddr + in : 0,
					       l->has_paddr ? l->paddr + in : UINT64_MAX, 0 };
	}
	return nr;
}

/* The ELF header, the PT_NOTE at `note_off` with the VMCOREINFO note
 * (`note` bytes), and one PT_LOAD per piece after it; each piece learns its
 * offset in the file. */
static void write_headers(const struct kx_vmcore *vc, struct piece *pieces, size_t nr, uint8_t *out,
			  size_t note_off, size_t note)
{
	kx_elfcore_put_ehdr(out, vc->machine, (uint16_t)(nr + 1));
	kx_elfcore_put_phdr(out + KX_ELFCORE_EHDR_SIZE, PT_NOTE, 0, note_off, 0, 0, note);
	kx_put_le32(out + note_off, 11);
	kx_put_le32(out + note_off + 4, (uint32_t)vc->info_size);
	memcpy(out + note_off + 12, "VMCOREINFO", 11);
	memcpy(out + note_off + 24, vc->info, vc->info_size);

	size_t off = note_off + note;
	for (size_t i = 0; i < nr; i++) {
		kx_elfcore_put_phdr(out + KX_ELFCORE_EHDR_SIZE + KX_ELFCORE_PHDR_SIZE * (i + 1), PT_LOAD,
				    PF_R | PF_W | PF_X, off, pieces[i].vaddr, pieces[i].paddr,
				    pieces[i].len);
		pieces[i].out = off;
		off += pieces[i].len;
	}
}

/* The first piece holding file offset `o`, or NULL. The pieces are in
 * ascending `src` order (plan_pieces); when they do not overlap, as in every
 * core the kernel writes, a binary search finds the one (a core may have
 * tens of thousands of pieces), else they are scanned in order. */
static const struct piece *piece_at(const struct piece *pieces, size_t nr, bool disjoint, uint64_t o)
{
	if (!disjoint) {
		for (size_t j = 0; j < nr; j++)
			if (o >= pieces[j].src && o - pieces[j].src < pieces[j].len)
				return &pieces[j];
		return NULL;
	}
	size_t lo = 0, hi = nr;   /* the last piece starting at or before o is below hi */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (pieces[mid].src <= o)
			lo = mid;
		else
			hi = mid;
	}
	return nr && o >= pieces[lo].src && o - pieces[lo].src < pieces[lo].len ? &pieces[lo] : NULL;
}

/* The bytes as they were read, in the order they were read (the ranges
 * are sorted back to it): what was read last (the descriptors' second
 * look) wins, as it did. */
static void copy_ranges(struct kx_vmcore_recorder *rec, const struct piece *pieces, size_t nr,
			uint8_t *out)
{
	bool disjoint = true;
	for (size_t j = 1; j < nr; j++)
		if (pieces[j].src - pieces[j - 1].src < pieces[j - 1].len)
			disjoint = false;
	qsort(rec->ranges, rec->nr, sizeof(*rec->ranges), cmp_seq);
	for (size_t i = 0; i < rec->nr; i++) {
		const struct kx_vmcore_range *r = &rec->ranges[i];
		const struct piece *p = piece_at(pieces, nr, disjoint, r->offset);
		if (p)
			memcpy(out + p->out + (r->offset - p->src), r->data, r->len);
	}
}

int kx_vmcore_write_minimal(const struct kx_vmcore *vc, struct kx_vmcore_recorder *rec,
			    bool keep_vaddr, uint8_t **ret_bytes, size_t *ret_size,
			    struct kx_error *err)
{
	struct piece *pieces = calloc(rec->nr ? rec->nr : 1, sizeof(*pieces));
	uint8_t *out = NULL;
	int rc = -1;

	if (!pieces)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	size_t nr = plan_pieces(vc, rec, keep_vaddr, pieces);
	/* one PT_LOAD per piece and the PT_NOTE: a file this reader reads */
	if (nr > KX_ELFCORE_PHNUM_MAX - 1) {
		kx_fail(err, KX_E_INPUT, "%s: %zu ranges read: more than %u, the most PT_LOADs a core file "
			"has beside its PT_NOTE without extended numbering", vc->name, nr,
			KX_ELFCORE_PHNUM_MAX - 1);
		goto out;
	}

	size_t note = 12 + 12 + kx_align_up(vc->info_size, 4);
	size_t size = KX_ELFCORE_EHDR_SIZE + KX_ELFCORE_PHDR_SIZE * (nr + 1);
	size_t note_off = size;
	size += note;
	for (size_t i = 0; i < nr; i++)
		size += pieces[i].len;
	out = calloc(1, size);
	if (!out) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto out;
	}
	write_headers(vc, pieces, nr, out, note_off, note);
	copy_ranges(rec, pieces, nr, out);
	*ret_bytes = out;
	*ret_size = size;
	out = NULL;
	rc = 0;
out:
	free(out);
	free(pieces);
	return rc;
}
