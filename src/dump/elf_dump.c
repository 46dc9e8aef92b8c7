// SPDX-License-Identifier: GPL-2.0-or-later
#include "elf_dump.h"

#include <elf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/bytes.h"
#include "../elfcore/elfcore.h"
#include "pfn_map.h"

#define SHDR_SIZE 64u                 /* sizeof(Elf64_Shdr) */
#define COPY_CHUNK (8u << 20)         /* bytes mapped or read at a time */

static bool kept(const uint8_t *dumped, uint64_t max_pfn, uint64_t pfn)
{
	return pfn < max_pfn && (dumped[pfn >> 3] & (1u << (pfn & 7)));
}

static int push(struct kx_elf_dump_seg **segs, size_t *n, size_t *cap, struct kx_elf_dump_seg seg,
		struct kx_error *err)
{
	if (*n == *cap) {
		size_t cap2 = *cap ? *cap * 2 : 64;
		struct kx_elf_dump_seg *p = realloc(*segs, cap2 * sizeof(*p));
		if (!p)
			return kx_fail(err, KX_E_NOMEM, "out of memory for %zu PT_LOADs", cap2);
		*segs = p;
		*cap = cap2;
	}
	(*segs)[(*n)++] = seg;
	return 0;
}

int kx_elf_dump_plan(const struct kx_elf_dump_load *loads, unsigned int nr_loads, const uint8_t *dumped,
		     uint64_t max_pfn, size_t page_size, struct kx_elf_dump_seg **segs, size_t *nr_segs,
		     struct kx_error *err)
{
	size_t n = 0, cap = 0;
	uint64_t ps = page_size;

	*segs = NULL;
	*nr_segs = 0;
	for (unsigned int i = 0; i < nr_loads; i++) {
		const struct kx_elf_dump_load *l = &loads[i];
		uint64_t end = l->paddr + l->memsz;     /* the caller's loads do not wrap */
		uint64_t pfn = l->paddr / ps, pfn_end = end / ps;
		uint64_t head = l->paddr % ps ? ps - l->paddr % ps : 0, tail = end % ps;
		uint64_t memsz = 0, filesz = 0, left_out = 0;
		struct kx_elf_dump_seg cur = { .load = i, .paddr = l->paddr, .vaddr = l->vaddr };

		/* a partial first page is kept as it is (all of a PT_LOAD
		 * inside one page too) */
		if (head) {
			memsz = filesz = head < l->memsz ? head : l->memsz;
			pfn++;
		}
		if (tail)
			pfn_end++;
		for (; pfn < pfn_end; pfn++) {
			uint64_t size = pfn == pfn_end - 1 && tail ? tail : ps;
			if (!kept(dumped, max_pfn, pfn)) {
				left_out++;
				memsz += size;
				continue;
			}
			if (left_out < KX_ELF_DUMP_CUT_PAGES) {
				/* a short run left out stays in the data */
				memsz += size;
				filesz += left_out * ps + size;
				left_out = 0;
				continue;
			}
			/* a long one ends this PT_LOAD (p_memsz spans it) */
			cur.memsz = memsz;
			cur.filesz = filesz;
			if (push(segs, &n, &cap, cur, err) < 0)
				goto fail;
			cur.paddr += memsz;
			cur.vaddr += memsz;
			left_out = 0;
			memsz = filesz = size;
		}
		cur.memsz = memsz;
		cur.filesz = filesz;
		cur.last = true;
		if (push(segs, &n, &cap, cur, err) < 0)
			goto fail;
	}
	*nr_segs = n;
	return 0;
fail:
	free(*segs);
	*segs = NULL;
	return -1;
}

size_t kx_elf_dump_headers_size(size_t nr_segs)
{
	size_t phnum = nr_segs + 1;
	return KX_ELFCORE_EHDR_SIZE + phnum * KX_ELFCORE_PHDR_SIZE + (phnum >= PN_XNUM ? SHDR_SIZE : 0);
}

uint64_t kx_elf_dump_put_headers(uint8_t *out, const uint8_t *ehdr, const uint8_t *note_phdr, uint64_t notes_size,
				 const struct kx_elf_dump_load *loads, const struct kx_elf_dump_seg *segs,
				 size_t nr_segs)
{
	size_t phnum = nr_segs + 1;
	uint64_t phdrs_end = KX_ELFCORE_EHDR_SIZE + (uint64_t)phnum * KX_ELFCORE_PHDR_SIZE;
	uint64_t notes_offset = kx_elf_dump_headers_size(nr_segs);

	/* The core's header: its identification, type, machine, version and
	 * flags; the program headers right after it; no sections but the
	 * one extended numbering needs. */
	memcpy(out, ehdr, KX_ELFCORE_EHDR_SIZE);
	kx_put_le64(out + offsetof(Elf64_Ehdr, e_phoff), KX_ELFCORE_EHDR_SIZE);
	kx_put_le16(out + offsetof(Elf64_Ehdr, e_phentsize), KX_ELFCORE_PHDR_SIZE);
	if (phnum >= PN_XNUM) {
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_phnum), PN_XNUM);
		kx_put_le64(out + offsetof(Elf64_Ehdr, e_shoff), phdrs_end);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shentsize), SHDR_SIZE);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shnum), 1);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shstrndx), SHN_UNDEF);
		uint8_t *sh = out + phdrs_end;
		memset(sh, 0, SHDR_SIZE);
		kx_put_le32(sh + offsetof(Elf64_Shdr, sh_type), SHT_NULL);
		kx_put_le64(sh + offsetof(Elf64_Shdr, sh_size), 1);             /* e_shnum */
		kx_put_le32(sh + offsetof(Elf64_Shdr, sh_link), SHN_UNDEF);     /* e_shstrndx */
		kx_put_le32(sh + offsetof(Elf64_Shdr, sh_info), (uint32_t)phnum);
	} else {
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_phnum), (uint16_t)phnum);
		kx_put_le64(out + offsetof(Elf64_Ehdr, e_shoff), 0);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shentsize), 0);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shnum), 0);
		kx_put_le16(out + offsetof(Elf64_Ehdr, e_shstrndx), SHN_UNDEF);
	}

	uint8_t *ph = out + KX_ELFCORE_EHDR_SIZE;
	memcpy(ph, note_phdr, KX_ELFCORE_PHDR_SIZE);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_offset), notes_offset);
	kx_put_le64(ph + offsetof(Elf64_Phdr, p_filesz), notes_size);
	ph += KX_ELFCORE_PHDR_SIZE;
	uint64_t data = notes_offset + notes_size;
	for (size_t i = 0; i < nr_segs; i++, ph += KX_ELFCORE_PHDR_SIZE) {
		const struct kx_elf_dump_seg *s = &segs[i];
		const struct kx_elf_dump_load *l = &loads[s->load];
		/* a PT_LOAD without data has p_offset 0, but for a core's last
		 * (makedumpfile's way) */
		uint64_t offset = s->filesz || s->last ? data : 0;
		kx_elfcore_put_phdr(ph, PT_LOAD, l->flags, offset, s->vaddr, s->paddr, s->memsz);
		kx_put_le64(ph + offsetof(Elf64_Phdr, p_filesz), s->filesz);
		kx_put_le64(ph + offsetof(Elf64_Phdr, p_align), l->align);
		data += s->filesz;
	}
	return notes_offset;
}

/* ---- the writer ------------------------------------------------------ */

struct core_bytes {
	const struct kx_vmcore *vc;
	const struct kx_save_options *o;
	uint8_t *buf;                 /* COPY_CHUNK bytes: what was read */
	void *map;                    /* or what is mapped */
	size_t map_len;
	bool map_refused;
};

static void core_bytes_release(struct core_bytes *cb)
{
	if (cb->map)
		munmap(cb->map, cb->map_len);
	cb->map = NULL;
}

/* `len` (<= COPY_CHUNK) bytes of the core at file offset `offset`: mapped
 * where the options allow and the file holds them, else read. */
static const uint8_t *core_bytes_get(struct core_bytes *cb, uint64_t offset, size_t len, const char *what,
				     uint64_t paddr, struct kx_error *err)
{
	core_bytes_release(cb);
	const struct kx_save_options *o = cb->o;
	if (o->map_core && !cb->map_refused && offset <= o->map_size && len <= o->map_size - offset) {
		uint64_t delta = offset % (uint64_t)sysconf(_SC_PAGESIZE);
		void *p = mmap(NULL, len + delta, PROT_READ, MAP_PRIVATE, o->map_fd, (off_t)(offset - delta));
		if (p != MAP_FAILED) {
			cb->map = p;
			cb->map_len = len + delta;
			return (const uint8_t *)p + delta;
		}
		cb->map_refused = true;
	}
	if (kx_elfcore_read_at(cb->vc->rd, cb->vc->name, offset, cb->buf, len, err, "%s at physical 0x%" PRIx64,
			       what, paddr) < 0)
		return NULL;
	return cb->buf;
}

/* Dump level bit 1: the kept pages that hold only zeros left out too (an
 * ELF dump has no shared zero page). */
static int leave_out_zero_pages(struct core_bytes *cb, struct kx_dump_bitmaps *bm, uint64_t *zero_pages,
				struct kx_error *err)
{
	const struct kx_pfn_map *m = &bm->map;
	uint64_t chunk = COPY_CHUNK / m->page_size;

	for (uint64_t pfn = 0; pfn < m->max_pfn;) {
		if (!kept(bm->dumped, m->max_pfn, pfn)) {
			pfn++;
			continue;
		}
		uint64_t run = 1, offset;
		while (run < chunk && kept(bm->dumped, m->max_pfn, pfn + run))
			run++;
		const uint8_t *pages;
		if (kx_pfn_map_file_span(m, pfn, run, &offset)) {
			pages = core_bytes_get(cb, offset, run * m->page_size, "pages", pfn * m->page_size, err);
			if (!pages)
				return -1;
		} else {
			core_bytes_release(cb);
			if (kx_pfn_map_read(m, cb->vc->rd, cb->vc->name, pfn, run, cb->buf, err) < 0)
				return -1;
			pages = cb->buf;
		}
		for (uint64_t i = 0; i < run; i++)
			if (kx_page_is_zero(pages + i * m->page_size, m->page_size)) {
				bm->dumped[(pfn + i) >> 3] &= (uint8_t)~(1u << ((pfn + i) & 7));
				(*zero_pages)++;
			}
		pfn += run;
	}
	core_bytes_release(cb);
	return 0;
}

/* The core's own header, its first PT_NOTE's program header (/proc/vmcore
 * has one, holding every note) and its PT_LOADs in header order, as
 * kx_pfn_map takes them (a physical address, file bytes that can be read). */
static int read_core_headers(const struct kx_vmcore *vc, uint8_t *ehdr, uint8_t *note_phdr,
			     struct kx_elf_dump_load **loads, unsigned int *nr_loads, struct kx_error *err)
{
	uint64_t phoff = 0;
	uint16_t phnum = 0;
	uint8_t *table = NULL;
	bool have_note = false;

	*loads = NULL;
	*nr_loads = 0;
	if (kx_elfcore_read_at(vc->rd, vc->name, 0, ehdr, KX_ELFCORE_EHDR_SIZE, err, "ELF header") < 0)
		return -1;
	struct kx_bytes h = { ehdr, KX_ELFCORE_EHDR_SIZE };
	kx_le64(h, offsetof(Elf64_Ehdr, e_phoff), &phoff);
	kx_le16(h, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	/* (kx_vmcore_open checked both; the file is read again here) */
	if (phnum == 0 || phnum > KX_ELFCORE_PHNUM_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: e_phnum %u", vc->name, phnum);
	size_t size = (size_t)phnum * KX_ELFCORE_PHDR_SIZE;
	table = malloc(size);
	*loads = calloc(phnum, sizeof(**loads));
	if (!table || !*loads) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto fail;
	}
	if (kx_elfcore_read_at(vc->rd, vc->name, phoff, table, size, err, "program headers") < 0)
		goto fail;
	for (unsigned int i = 0; i < phnum; i++) {
		struct kx_bytes p = { table + (size_t)i * KX_ELFCORE_PHDR_SIZE, KX_ELFCORE_PHDR_SIZE };
		uint32_t type = 0, flags = 0;
		struct kx_elf_dump_load l = { 0 };
		uint64_t end;
		kx_le32(p, offsetof(Elf64_Phdr, p_type), &type);
		if (type == PT_NOTE && !have_note) {
			memcpy(note_phdr, p.data, KX_ELFCORE_PHDR_SIZE);
			have_note = true;
		}
		if (type != PT_LOAD)
			continue;
		kx_le32(p, offsetof(Elf64_Phdr, p_flags), &flags);
		kx_le64(p, offsetof(Elf64_Phdr, p_offset), &l.offset);
		kx_le64(p, offsetof(Elf64_Phdr, p_vaddr), &l.vaddr);
		kx_le64(p, offsetof(Elf64_Phdr, p_paddr), &l.paddr);
		kx_le64(p, offsetof(Elf64_Phdr, p_filesz), &l.filesz);
		kx_le64(p, offsetof(Elf64_Phdr, p_memsz), &l.memsz);
		kx_le64(p, offsetof(Elf64_Phdr, p_align), &l.align);
		l.flags = flags;
		/* those the pfn map takes: memory at a physical address whose
		 * file bytes can be read */
		if (l.memsz == 0 || kx_add_overflows(l.paddr, l.memsz, &end) ||
		    kx_add_overflows(l.offset, l.filesz, &end) || end > (uint64_t)INT64_MAX)
			continue;
		(*loads)[(*nr_loads)++] = l;
	}
	if (!have_note) {
		kx_fail(err, KX_E_INPUT, "%s: no PT_NOTE", vc->name);
		goto fail;
	}
	free(table);
	return 0;
fail:
	free(table);
	free(*loads);
	*loads = NULL;
	return -1;
}

/* The data of one PT_LOAD of the dump: the core's bytes of it (zeros past
 * its source's p_filesz), at `out` in the dump. */
static int write_segment(struct core_bytes *cb, struct kx_dump_sink *sink, const struct kx_elf_dump_load *l,
			 const struct kx_elf_dump_seg *s, uint64_t out, uint8_t *zeros, struct kx_error *err)
{
	uint64_t rel = s->paddr - l->paddr;   /* the segment lies in its source */
	uint64_t have = rel < l->filesz ? l->filesz - rel : 0;
	for (uint64_t done = 0; done < s->filesz;) {
		size_t len = s->filesz - done < COPY_CHUNK ? (size_t)(s->filesz - done) : COPY_CHUNK;
		const uint8_t *p;
		if (done < have) {
			if (len > have - done)
				len = (size_t)(have - done);
			p = core_bytes_get(cb, l->offset + rel + done, len, "PT_LOAD data", s->paddr + done, err);
			if (!p)
				return -1;
		} else {
			p = zeros;
		}
		if (kx_dump_sink_write(sink, out + done, p, len, err) < 0)
			return -1;
		done += len;
	}
	core_bytes_release(cb);
	return 0;
}

int kx_save_elf(const struct kx_vmcore *vc, const struct kx_save_options *o, struct kx_dump_sink *sink,
		struct kx_save_stats *stats, struct kx_error *err)
{
	struct kx_dump_bitmaps bm;
	struct kx_elf_dump_load *loads = NULL;
	struct kx_elf_dump_seg *segs = NULL;
	unsigned int nr_loads = 0;
	size_t nr_segs = 0;
	uint8_t ehdr[KX_ELFCORE_EHDR_SIZE], note_phdr[KX_ELFCORE_PHDR_SIZE];
	uint8_t *headers = NULL, *zeros = NULL;
	struct core_bytes cb = { .vc = vc, .o = o };
	int r = -1;

	if (o->codec != KX_DUMP_RAW)
		return kx_fail(err, KX_E_USAGE, "an ELF dump is not compressed");
	if (o->input_exist)
		return kx_fail(err, KX_E_USAGE, "%s is a kdump-compressed dump: an ELF dump is made from an ELF core",
			       vc->name);
	if (kx_dump_bitmaps_make(vc, o, true, &bm, stats, err) < 0)
		return -1;
	cb.buf = malloc(COPY_CHUNK);
	zeros = calloc(1, COPY_CHUNK);
	if (!cb.buf || !zeros) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto out;
	}
	if ((stats->dump_level & KX_DL_ZERO) && leave_out_zero_pages(&cb, &bm, &stats->zero_pages, err) < 0)
		goto out;
	if (read_core_headers(vc, ehdr, note_phdr, &loads, &nr_loads, err) < 0)
		goto out;
	if (kx_elf_dump_plan(loads, nr_loads, bm.dumped, bm.map.max_pfn, bm.map.page_size, &segs, &nr_segs, err) < 0)
		goto out;
	if (nr_segs + 1 > UINT32_MAX) {
		kx_fail(err, KX_E_INPUT, "%s: %zu PT_LOADs: more than an ELF header can count", vc->name, nr_segs);
		goto out;
	}

	size_t hsize = kx_elf_dump_headers_size(nr_segs);
	headers = malloc(hsize);
	if (!headers) {
		kx_fail(err, KX_E_NOMEM, "out of memory for %zu program headers", nr_segs + 1);
		goto out;
	}
	uint64_t notes_offset = kx_elf_dump_put_headers(headers, ehdr, note_phdr, vc->notes_size, loads, segs, nr_segs);
	if (kx_dump_sink_write(sink, 0, headers, hsize, err) < 0 ||
	    kx_dump_sink_write(sink, notes_offset, vc->notes, vc->notes_size, err) < 0)
		goto out;
	uint64_t data = notes_offset + vc->notes_size;
	uint64_t total = 0, done = 0;
	for (size_t i = 0; i < nr_segs; i++)
		total += segs[i].filesz;
	for (size_t i = 0; i < nr_segs; i++) {
		if (write_segment(&cb, sink, &loads[segs[i].load], &segs[i], data, zeros, err) < 0)
			goto out;
		data += segs[i].filesz;
		done += segs[i].filesz;
		if (o->progress)   /* (in bytes: a segment's data is not whole pages) */
			o->progress(o->progress_ctx, done, total);
	}
	for (uint64_t b = 0; b < bm.bytes; b++)
		stats->dumped_pages += (uint64_t)__builtin_popcount(bm.dumped[b]);
	stats->max_mapnr = bm.map.max_pfn;
	stats->ram_pages = bm.ram_pages;
	stats->page_size = bm.map.page_size;
	stats->data_bytes = data - notes_offset - vc->notes_size;
	stats->file_size = data;
	stats->threads = 1;
	r = kx_dump_sink_finish(sink, err);
out:
	core_bytes_release(&cb);
	free(cb.buf);
	free(zeros);
	free(headers);
	free(segs);
	free(loads);
	kx_dump_bitmaps_free(&bm);
	return r;
}
