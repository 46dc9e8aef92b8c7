// SPDX-License-Identifier: GPL-2.0-or-later
#include "save.h"

#include <elf.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/bytes.h"
#include "kdump_file.h"
#include "page_filter.h"
#include "pfn_map.h"

/* A window's pfns span this many bytes of memory (2 MiB: 512 pages of 4 KiB). */
#define WINDOW_BYTES (2u << 20)

static bool bit_is_set(const uint8_t *bitmap, uint64_t pfn)
{
	return bitmap[pfn >> 3] & (1u << (pfn & 7));
}

static void bit_set(uint8_t *bitmap, uint64_t pfn)
{
	bitmap[pfn >> 3] |= (uint8_t)(1u << (pfn & 7));
}

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE, SLOT_FAILED };

/* One window in flight: what a worker made of its pages. A page stored as
 * it is stays where it was read and is written from there; only
 * compressed pages are packed, so no page is copied once read. */
struct slot {
	enum slot_state state;
	uint64_t window;
	uint32_t nr;              /* pages dumped */
	uint32_t *size;           /* per page: stored bytes; 0 = the shared zero page */
	uint32_t *flags;          /* per page: codec flag, 0 = stored as is */
	uint8_t *pages;           /* the window's pages as read, each at its place */
	void *map;                /* or the core's bytes mapped (map_len bytes), from pfn map_pfn on */
	size_t map_len;
	const uint8_t *map_pages;
	uint64_t map_pfn;
	uint8_t *packed;          /* the compressed pages, one after another */
	size_t packed_len;
	struct iovec *iov;        /* the stored bytes in order (adjacent ones merged) */
	int nr_iov;
	size_t data_len;
	uint64_t compressed;
	struct kx_error err;
};

/* The next stored bytes of the window: joined to the last piece when they
 * follow it in memory (a run of raw pages, or of compressed ones). */
static void add_piece(struct slot *s, const uint8_t *p, size_t len)
{
	struct iovec *last = s->nr_iov ? &s->iov[s->nr_iov - 1] : NULL;
	if (last && (const uint8_t *)last->iov_base + last->iov_len == p)
		last->iov_len += len;
	else
		s->iov[s->nr_iov++] = (struct iovec){ (void *)p, len };
	s->data_len += len;
}

struct saver {
	const struct kx_vmcore *vc;
	const struct kx_pfn_map *map;
	const uint8_t *dumped;    /* the second bitmap */
	uint64_t max_mapnr, window_pfns, nr_windows;
	size_t page_size;
	int dump_level;
	enum kx_dump_codec codec;
	uint32_t codec_flag;
	const struct kx_save_options *opts;
	bool map_refused;         /* the core's mmap failed once: read from then on */

	struct slot *slots;
	unsigned int nr_slots;
	pthread_mutex_t mu;
	pthread_cond_t done_cv, free_cv;
	uint64_t next_window;     /* the next one a worker takes */
	bool stop;
};

static void unmap_window(struct slot *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
	s->map_pages = NULL;
}

/* Map the core's bytes of the window's dumped pages [first, end) when one
 * PT_LOAD holds them all; otherwise they are read. */
static void map_window(struct saver *sv, struct slot *s, uint64_t first, uint64_t end)
{
	const struct kx_save_options *o = sv->opts;
	uint64_t lo = first, hi = end, offset;

	if (!o->map_core || __atomic_load_n(&sv->map_refused, __ATOMIC_RELAXED))
		return;
	while (lo < hi && !bit_is_set(sv->dumped, lo))
		lo++;
	while (hi > lo && !bit_is_set(sv->dumped, hi - 1))
		hi--;
	if (lo == hi || !kx_pfn_map_file_span(sv->map, lo, hi - lo, &offset))
		return;
	uint64_t len = (hi - lo) * sv->page_size;
	/* within the file: a mapping past its end faults (SIGBUS) where a read
	 * says the core is truncated */
	if (offset > o->map_size || len > o->map_size - offset)
		return;
	uint64_t host_page = (uint64_t)sysconf(_SC_PAGESIZE), delta = offset % host_page;
	void *p = mmap(NULL, len + delta, PROT_READ, MAP_PRIVATE, o->map_fd, (off_t)(offset - delta));
	if (p == MAP_FAILED) {
		__atomic_store_n(&sv->map_refused, true, __ATOMIC_RELAXED);
		return;
	}
	s->map = p;
	s->map_len = len + delta;
	s->map_pages = (const uint8_t *)p + delta;
	s->map_pfn = lo;
}

/* Read, test and compress the dumped pages of one window into `s`. */
static int fill_window(struct saver *sv, struct slot *s, struct kx_page_codec *codec, struct kx_error *err)
{
	uint64_t first = s->window * sv->window_pfns;
	uint64_t end = first + sv->window_pfns < sv->max_mapnr ? first + sv->window_pfns : sv->max_mapnr;
	size_t ps = sv->page_size;

	unmap_window(s);   /* the window before in this slot is written */
	map_window(sv, s, first, end);
	s->nr = 0;
	s->nr_iov = 0;
	s->data_len = 0;
	s->packed_len = 0;
	s->compressed = 0;
	for (uint64_t pfn = first; pfn < end;) {
		if (!bit_is_set(sv->dumped, pfn)) {
			pfn++;
			continue;
		}
		uint64_t run_end = pfn + 1;
		while (run_end < end && bit_is_set(sv->dumped, run_end))
			run_end++;
		/* the run where it is mapped, or one read at its place in the window */
		const uint8_t *run;
		if (s->map_pages) {
			run = s->map_pages + (pfn - s->map_pfn) * ps;
		} else {
			uint8_t *buf = s->pages + (pfn - first) * ps;
			if (kx_pfn_map_read(sv->map, sv->vc->rd, sv->vc->name, pfn, run_end - pfn, buf, err) < 0)
				return -1;
			run = buf;
		}
		for (uint64_t i = 0; i < run_end - pfn; i++) {
			const uint8_t *page = run + i * ps;
			uint32_t k = s->nr++;
			if ((sv->dump_level & KX_DL_ZERO) && kx_page_is_zero(page, ps)) {
				s->size[k] = 0;
				s->flags[k] = 0;
				continue;
			}
			size_t n = kx_page_codec_compress(codec, page);
			if (n) {
				/* compressed: smaller than the page, packed */
				uint8_t *at = s->packed + s->packed_len;
				memcpy(at, codec->out, n);
				s->packed_len += n;
				add_piece(s, at, n);
				s->flags[k] = sv->codec_flag;
				s->compressed++;
			} else {
				n = ps;
				add_piece(s, page, ps);
				s->flags[k] = 0;
			}
			s->size[k] = (uint32_t)n;
		}
		pfn = run_end;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct saver *sv = arg;
	struct kx_page_codec codec;
	struct kx_error err = { 0 };
	int ok = kx_page_codec_init(&codec, sv->codec, sv->page_size, &err) == 0;

	pthread_mutex_lock(&sv->mu);
	while (!sv->stop && sv->next_window < sv->nr_windows) {
		/* Windows are taken in order, each only once its slot is free:
		 * taking a number first and waiting for the slot after would let
		 * a later window (same slot, one round on) take it first. */
		uint64_t w = sv->next_window;
		struct slot *s = &sv->slots[w % sv->nr_slots];
		if (s->state != SLOT_FREE) {
			pthread_cond_wait(&sv->free_cv, &sv->mu);
			continue;
		}
		sv->next_window++;
		s->state = SLOT_BUSY;
		s->window = w;
		pthread_mutex_unlock(&sv->mu);
		int r = -1;
		if (!ok) {
			if (!err.status)
				kx_fail(&err, KX_E_NOMEM, "out of memory");
			s->err = err;
		} else {
			r = fill_window(sv, s, &codec, &s->err);
		}
		pthread_mutex_lock(&sv->mu);
		s->state = r == 0 ? SLOT_DONE : SLOT_FAILED;
		pthread_cond_broadcast(&sv->done_cv);
	}
	pthread_mutex_unlock(&sv->mu);
	if (ok)
		kx_page_codec_free(&codec);
	return NULL;
}

/* utsname from the crashed kernel's init_uts_ns; what VMCOREINFO and the
 * ELF header say when that cannot be read. */
static void read_utsname(const struct kx_vmcore *vc, struct kx_kdump_info *info)
{
	uint64_t sym, off;
	struct kx_error ignored = { 0 };

	if (kx_vmcoreinfo_opt(vc, "SYMBOL", "init_uts_ns", &sym) && kx_vmcoreinfo_opt(vc, "OFFSET", "uts_namespace.name", &off) &&
	    kx_vmcore_read_vaddr(vc, sym + off, info->utsname, sizeof(info->utsname), "init_uts_ns", &ignored) == 0 &&
	    !memcmp(info->utsname[0], "Linux", 6)) {   /* (a dump's left-out page reads as zeros) */
		for (int i = 0; i < 6; i++)
			info->utsname[i][64] = 0;
		return;
	}
	memset(info->utsname, 0, sizeof(info->utsname));
	strcpy(info->utsname[0], "Linux");
	const char *rel = strstr(vc->info, "OSRELEASE=");
	if (rel) {
		rel += strlen("OSRELEASE=");
		size_t n = strcspn(rel, "\n");
		memcpy(info->utsname[2], rel, n < 64 ? n : 64);
	}
	const char *m = vc->machine == EM_X86_64 ? "x86_64" : vc->machine == EM_AARCH64 ? "aarch64" :
			vc->machine == EM_RISCV ? "riscv64" : "";
	strcpy(info->utsname[4], m);
}

/* The physical base crash takes from the sub header. */
static uint64_t phys_base(const struct kx_vmcore *vc)
{
	uint64_t v = 0;
	const char *key = vc->machine == EM_X86_64 ? "phys_base" : vc->machine == EM_AARCH64 ? "PHYS_OFFSET" :
			  vc->machine == EM_RISCV ? "phys_ram_base" : NULL;
	if (key)
		kx_vmcoreinfo_opt(vc, "NUMBER", key, &v);
	return v;
}

/* The classes of `level` VMCOREINFO has what they need for (each alone,
 * then together); `why` (why `level` could not be read) goes into the
 * warning. */
static int lower_level(const struct kx_vmcore *vc, int level, const struct kx_error *why, struct kx_error *warning)
{
	static const int classes[] = { KX_DL_FREE, KX_DL_USER, KX_DL_CACHE_PRIVATE, KX_DL_CACHE };
	struct kx_page_rules r;
	struct kx_error ignored = { 0 };
	int keep = level;

	for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if ((keep & classes[i]) && kx_page_rules_read(vc, (level & KX_DL_ZERO) | classes[i], &r, &ignored) < 0)
			keep &= ~classes[i];
	if (kx_page_rules_read(vc, keep, &r, &ignored) < 0)
		keep &= KX_DL_ZERO;
	kx_fail(warning, KX_E_INPUT, "dump level %d lowered to %d (--allow-lower-level): %s", level, keep, why->message);
	return keep;
}

/* The page filter run on a copy of `dumped`, which takes the result only
 * when the walk succeeds (and the class counts into stats). */
static int filter_on_copy(const struct kx_vmcore *vc, const struct kx_page_rules *rules, int level,
			  const struct kx_pfn_map *map, const uint8_t *exist, uint8_t *dumped, uint64_t bitmap_bytes,
			  struct kx_save_stats *stats, struct kx_error *err)
{
	struct kx_page_filter_stats fs;
	uint8_t *trial = malloc(bitmap_bytes);
	if (!trial)
		return kx_fail(err, KX_E_NOMEM, "out of memory for the bitmaps of %" PRIu64 " pages", map->max_pfn);
	memcpy(trial, dumped, bitmap_bytes);
	int r = kx_page_filter(vc, rules, level, map->max_pfn, exist, trial, &fs, err);
	if (r == 0) {
		memcpy(dumped, trial, bitmap_bytes);
		memcpy(stats->excluded, fs.excluded, sizeof(stats->excluded));
	}
	free(trial);
	return r;
}

int kx_dump_bitmaps_make(const struct kx_vmcore *vc, const struct kx_save_options *o, bool elf,
			 struct kx_dump_bitmaps *b, struct kx_save_stats *stats, struct kx_error *err)
{
	struct kx_pfn_map map;
	uint64_t page_size;
	uint8_t *exist = NULL, *dumped = NULL;

	memset(b, 0, sizeof(*b));
	memset(stats, 0, sizeof(*stats));
	if (kx_vmcoreinfo_get(vc, "", "PAGESIZE", &page_size, err) < 0)
		return -1;
	if (kx_pfn_map_build(&map, vc->loads, vc->nr_loads, (size_t)page_size, err) < 0) {
		kx_error_prefix(err, "%s: ", vc->name);
		return -1;
	}
	b->map = map;   /* freed with b from here on */
	size_t ps = map.page_size;

	/* The bitmaps: the pages that exist; those dumped (all of them but
	 * pages past p_filesz, whose bytes the core does not have). */
	uint64_t bitmap_bytes = (map.max_pfn + 7) / 8;
	exist = calloc(1, bitmap_bytes);
	dumped = calloc(1, bitmap_bytes);
	if (!exist || !dumped) {
		kx_fail(err, KX_E_NOMEM, "out of memory for the bitmaps of %" PRIu64 " pages", map.max_pfn);
		goto fail;
	}
	for (unsigned int i = 0; i < map.nr_ranges; i++)
		for (uint64_t pfn = map.ranges[i].start_pfn; pfn < map.ranges[i].end_pfn; pfn++)
			bit_set(exist, pfn);
	/* a dump file's view claims every pfn below its max_mapnr (= map.max_pfn):
	 * its own bitmaps say which exist and which it kept */
	uint64_t input_bytes = o->input_exist ? (o->input_max_pfn + 7) / 8 : 0;
	if (o->input_exist)
		for (uint64_t i = 0; i < bitmap_bytes; i++)
			exist[i] &= i < input_bytes ? o->input_exist[i] : 0;
	memcpy(dumped, exist, bitmap_bytes);
	uint64_t ram_pages = map.nr_pages;
	if (o->input_dumped) {
		for (uint64_t i = 0; i < bitmap_bytes; i++)
			dumped[i] &= i < input_bytes ? o->input_dumped[i] : 0;
		/* the pages the input holds whole (its second bitmap before our
		 * filter: what its PT_LOADs held) */
		ram_pages = 0;
		for (uint64_t i = 0; i < bitmap_bytes; i++)
			ram_pages += (uint64_t)__builtin_popcount(dumped[i]);
	}
	/* The file's first bitmap also marks a PT_LOAD's partial last page
	 * (makedumpfile's does: "account for last page"). A kdump file does
	 * not dump it: the core lacks the rest of it. An ELF dump holds its
	 * bytes unless the filter leaves it out (as makedumpfile's -E). */
	for (unsigned int i = 0; i < vc->nr_loads; i++) {
		const struct kx_elfcore_load *l = &vc->loads[i];
		uint64_t end;
		if (!l->has_paddr || kx_add_overflows(l->paddr, l->memsz, &end) || end % ps == 0)
			continue;
		if (end / ps < map.max_pfn) {
			bit_set(exist, end / ps);
			if (elf && !o->input_exist)
				bit_set(dumped, end / ps);
		}
	}
	for (unsigned int i = 0; i < vc->nr_loads; i++) {
		const struct kx_elfcore_load *l = &vc->loads[i];
		if (!l->has_paddr || l->filesz >= l->memsz)
			continue;
		/* whole pages past p_filesz: no data */
		uint64_t from = (l->paddr + l->filesz + ps - 1) / ps, to = (l->paddr + l->memsz) / ps;
		for (uint64_t pfn = from; pfn < to && pfn < map.max_pfn; pfn++)
			if (bit_is_set(dumped, pfn)) {
				dumped[pfn >> 3] &= (uint8_t)~(1u << (pfn & 7));
				stats->nodata_pages++;
			}
	}
	/* The dump level's page classes, from the kernel's mem_map; a kernel
	 * that marks poisoned pages has them left out at every level, as
	 * makedumpfile does (where the mem_map can be read at all). */
	struct kx_page_rules rules;
	int level = o->dump_level;
	if (kx_page_rules_read(vc, level, &rules, err) < 0) {
		kx_error_prefix(err, "%s: ", vc->name);
		if (!o->lower_level_ok || err->status != KX_E_INPUT)
			goto fail;
		level = lower_level(vc, level, err, &stats->warning);
		memset(err, 0, sizeof(*err));
		if (kx_page_rules_read(vc, level, &rules, err) < 0)
			goto fail;
	}
	bool by_page = level & (KX_DL_CACHE | KX_DL_CACHE_PRIVATE | KX_DL_USER | KX_DL_FREE);
	if (kx_page_filter_wanted(&rules, level) && (by_page || vc->xlate.have_pgt)) {
		struct kx_page_filter_stats fs;
		if (by_page && !o->lower_level_ok) {
			if (kx_page_filter(vc, &rules, level, map.max_pfn, exist, dumped, &fs, err) < 0)
				goto fail;
			memcpy(stats->excluded, fs.excluded, sizeof(stats->excluded));
		} else {
			/* On a copy, kept only when the walk succeeds: a mem_map that
			 * cannot be read lowers the level (--allow-lower-level), or,
			 * when only poisoned and offline pages are at stake, costs a
			 * warning, not the dump. */
			struct kx_error walk = { 0 };
			if (filter_on_copy(vc, &rules, level, &map, exist, dumped, bitmap_bytes, stats, &walk) < 0) {
				if (walk.status != KX_E_INPUT) {
					*err = walk;
					goto fail;
				}
				if (by_page) {
					kx_fail(&stats->warning, KX_E_INPUT, "dump level %d lowered to %d (--allow-lower-level): %s",
						level, level & KX_DL_ZERO, walk.message);
					level &= KX_DL_ZERO;
				} else if (!stats->warning.status) {   /* (a lowered level's warning says more) */
					stats->warning = walk;
					kx_error_prefix(&stats->warning, "poisoned and offline pages kept: ");
				}
			}
		}
	}
	stats->dump_level = level;
	b->exist = exist;
	b->dumped = dumped;
	b->bytes = bitmap_bytes;
	b->ram_pages = ram_pages;
	return 0;
fail:
	free(exist);
	free(dumped);
	kx_pfn_map_free(&b->map);
	memset(b, 0, sizeof(*b));
	return -1;
}

void kx_dump_bitmaps_free(struct kx_dump_bitmaps *b)
{
	free(b->exist);
	free(b->dumped);
	kx_pfn_map_free(&b->map);
	memset(b, 0, sizeof(*b));
}

int kx_save_kdump(const struct kx_vmcore *vc, const struct kx_save_options *o, struct kx_dump_sink *sink,
		  struct kx_save_stats *stats, struct kx_error *err)
{
	struct kx_kdump_info info;
	struct kx_kdump_layout lay;
	struct kx_dump_bitmaps bm;
	struct saver sv;
	uint8_t *hdr = NULL, *descs = NULL;
	pthread_t *tids = NULL;
	unsigned int started = 0;
	int r = -1;

	memset(&info, 0, sizeof(info));
	memset(&sv, 0, sizeof(sv));
	if (kx_dump_bitmaps_make(vc, o, false, &bm, stats, err) < 0)
		return -1;
	const uint8_t *exist = bm.exist, *dumped = bm.dumped;
	uint64_t bitmap_bytes = bm.bytes, ram_pages = bm.ram_pages;
	size_t ps = bm.map.page_size;
	uint64_t nr_dumped = 0;
	for (uint64_t i = 0; i < bitmap_bytes; i++)
		nr_dumped += (uint64_t)__builtin_popcount(dumped[i]);

	/* The headers. */
	read_utsname(vc, &info);
	const char *ct = strstr(vc->info, "CRASHTIME=");
	if (ct)
		info.crashtime = strtoll(ct + strlen("CRASHTIME="), NULL, 10);
	info.block_size = (uint32_t)ps;
	info.max_mapnr = bm.map.max_pfn;
	info.nr_cpus = (int32_t)vc->nr_prstatus;
	info.phys_base = phys_base(vc);
	info.dump_level = stats->dump_level;
	info.status = kx_kdump_codec_flag(o->codec);
	info.notes = vc->notes;
	info.notes_size = vc->notes_size;
	info.info_desc_offset = vc->info_desc_offset;
	info.info_desc_size = vc->info_desc_size;
	kx_kdump_layout(&info, nr_dumped, &lay);
	hdr = calloc(1, KX_KDUMP_HEADER_SIZE + KX_KDUMP_SUB_HEADER_SIZE);
	if (!hdr) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto out;
	}
	kx_kdump_put_header(hdr, &info, &lay);
	kx_kdump_put_sub_header(hdr + KX_KDUMP_HEADER_SIZE, &info, &lay);
	if (kx_dump_sink_write(sink, 0, hdr, KX_KDUMP_HEADER_SIZE, err) < 0 ||
	    kx_dump_sink_write(sink, ps, hdr + KX_KDUMP_HEADER_SIZE, KX_KDUMP_SUB_HEADER_SIZE, err) < 0 ||
	    kx_dump_sink_write(sink, lay.notes_off, vc->notes, vc->notes_size, err) < 0 ||
	    kx_dump_sink_write(sink, lay.bitmap1_off, exist, bitmap_bytes, err) < 0 ||
	    kx_dump_sink_write(sink, lay.bitmap2_off, dumped, bitmap_bytes, err) < 0)
		goto out;
	/* the bitmaps' last blocks: written whole, so the file spans them */
	if (lay.bitmap_size > bitmap_bytes) {
		uint8_t *pad = calloc(1, lay.bitmap_size - bitmap_bytes);
		if (!pad) {
			kx_fail(err, KX_E_NOMEM, "out of memory");
			goto out;
		}
		int w = kx_dump_sink_write(sink, lay.bitmap1_off + bitmap_bytes, pad, lay.bitmap_size - bitmap_bytes, err);
		if (w == 0)
			w = kx_dump_sink_write(sink, lay.bitmap2_off + bitmap_bytes, pad, lay.bitmap_size - bitmap_bytes, err);
		free(pad);
		if (w < 0)
			goto out;
	}
	uint64_t data = lay.data_off;
	if (stats->dump_level & KX_DL_ZERO) {
		/* the page every zero page's descriptor points at, first */
		uint8_t *zero = calloc(1, ps);
		if (!zero) {
			kx_fail(err, KX_E_NOMEM, "out of memory");
			goto out;
		}
		int w = kx_dump_sink_write(sink, data, zero, ps, err);
		free(zero);
		if (w < 0)
			goto out;
		data += ps;
	}

	/* The pages: workers fill windows, this thread writes them in order. */
	unsigned int threads = o->threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned int)n : 1;
	}
	if (threads > KX_SAVE_THREADS_MAX)
		threads = KX_SAVE_THREADS_MAX;
	sv.vc = vc;
	sv.map = &bm.map;
	sv.dumped = dumped;
	sv.max_mapnr = bm.map.max_pfn;
	/* at most 512 pages: a window's pieces fit one writev (IOV_MAX 1024) */
	sv.window_pfns = WINDOW_BYTES / ps ? WINDOW_BYTES / ps : 1;
	sv.nr_windows = (bm.map.max_pfn + sv.window_pfns - 1) / sv.window_pfns;
	sv.page_size = ps;
	sv.dump_level = stats->dump_level;
	sv.codec = o->codec;
	sv.codec_flag = kx_kdump_codec_flag(o->codec);
	sv.opts = o;
	sv.nr_slots = 2 * threads;
	sv.slots = calloc(sv.nr_slots, sizeof(*sv.slots));
	descs = malloc(sv.window_pfns * KX_KDUMP_DESC_SIZE);
	tids = calloc(threads, sizeof(*tids));
	if (!sv.slots || !descs || !tids) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto out_free_slots;
	}
	for (unsigned int i = 0; i < sv.nr_slots; i++) {
		struct slot *s = &sv.slots[i];
		s->size = malloc(sv.window_pfns * sizeof(*s->size));
		s->flags = malloc(sv.window_pfns * sizeof(*s->flags));
		s->pages = malloc(sv.window_pfns * ps);
		/* a compressed page is smaller than a page */
		s->packed = malloc(sv.window_pfns * ps);
		s->iov = malloc(sv.window_pfns * sizeof(*s->iov));
		if (!s->size || !s->flags || !s->pages || !s->packed || !s->iov) {
			kx_fail(err, KX_E_NOMEM, "out of memory for %u windows of %" PRIu64 " pages", sv.nr_slots,
				sv.window_pfns);
			goto out_free_slots;
		}
	}
	pthread_mutex_init(&sv.mu, NULL);
	pthread_cond_init(&sv.done_cv, NULL);
	pthread_cond_init(&sv.free_cv, NULL);
	for (; started < threads; started++)
		if (pthread_create(&tids[started], NULL, worker, &sv) != 0)
			break;
	if (started == 0) {
		kx_fail(err, KX_E_NOMEM, "cannot start a thread");
		goto out_threads;
	}
	stats->threads = started;

	uint64_t desc = lay.desc_off;
	for (uint64_t w = 0; w < sv.nr_windows; w++) {
		struct slot *s = &sv.slots[w % sv.nr_slots];
		pthread_mutex_lock(&sv.mu);
		while (!(s->window == w && (s->state == SLOT_DONE || s->state == SLOT_FAILED)))
			pthread_cond_wait(&sv.done_cv, &sv.mu);
		pthread_mutex_unlock(&sv.mu);
		if (s->state == SLOT_FAILED) {
			*err = s->err;
			goto out_threads;
		}
		uint64_t at = data;
		for (uint32_t k = 0; k < s->nr; k++) {
			if (s->size[k] == 0) {
				kx_kdump_put_desc(descs + k * KX_KDUMP_DESC_SIZE, lay.data_off, (uint32_t)ps, 0);
				stats->zero_pages++;
			} else {
				kx_kdump_put_desc(descs + k * KX_KDUMP_DESC_SIZE, at, s->size[k], s->flags[k]);
				at += s->size[k];
			}
		}
		if (kx_dump_sink_write(sink, desc, descs, (size_t)s->nr * KX_KDUMP_DESC_SIZE, err) < 0 ||
		    kx_dump_sink_writev(sink, data, s->iov, s->nr_iov, err) < 0)
			goto out_threads;
		desc += (uint64_t)s->nr * KX_KDUMP_DESC_SIZE;
		data += s->data_len;
		stats->dumped_pages += s->nr;
		stats->compressed_pages += s->compressed;
		stats->data_bytes += s->data_len;
		if (o->progress)
			o->progress(o->progress_ctx, stats->dumped_pages, nr_dumped);
		pthread_mutex_lock(&sv.mu);
		s->state = SLOT_FREE;
		pthread_cond_broadcast(&sv.free_cv);
		pthread_mutex_unlock(&sv.mu);
	}
	if (stats->dumped_pages != nr_dumped) {
		kx_fail(err, KX_E_INPUT, "%s: %" PRIu64 " pages written, %" PRIu64 " counted", vc->name,
			stats->dumped_pages, nr_dumped);
		goto out_threads;
	}
	stats->max_mapnr = bm.map.max_pfn;
	stats->ram_pages = ram_pages;
	stats->file_size = data;
	stats->page_size = ps;
	r = kx_dump_sink_finish(sink, err);
out_threads:
	pthread_mutex_lock(&sv.mu);
	sv.stop = true;
	pthread_cond_broadcast(&sv.free_cv);
	pthread_mutex_unlock(&sv.mu);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&sv.mu);
	pthread_cond_destroy(&sv.done_cv);
	pthread_cond_destroy(&sv.free_cv);
out_free_slots:
	if (sv.slots)
		for (unsigned int i = 0; i < sv.nr_slots; i++) {
			unmap_window(&sv.slots[i]);
			free(sv.slots[i].size);
			free(sv.slots[i].flags);
			free(sv.slots[i].pages);
			free(sv.slots[i].packed);
			free(sv.slots[i].iov);
		}
	free(sv.slots);
	free(tids);
out:
	free(descs);
	free(hdr);
	kx_dump_bitmaps_free(&bm);
	return r;
}
