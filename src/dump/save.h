/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmcore-save's writer: an ELF vmcore (/proc/vmcore, or a copy of it) into
 * the kdump-compressed format (kdump_file.h), through a sink (a file, or the
 * flattened stream). The pages are read, tested and compressed on every
 * CPU, in windows of KX_SAVE_WINDOW pfns that worker threads take in turn;
 * the calling thread writes the windows in pfn order, so the descriptors
 * and the data go out once each, in order (what the flattened stream and
 * crash want). No page is copied once it is read: it is compressed from the
 * core's mapping or the read buffer, or written from there.
 */
#ifndef KX_DUMP_SAVE_H
#define KX_DUMP_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "../vmcore/vmcore.h"
#include "page_codec.h"
#include "page_filter.h"   /* the dump level bits, the page classes */
#include "pfn_map.h"
#include "sink.h"

#define KX_SAVE_WINDOW 512u   /* pfns a worker takes at a time */
#define KX_SAVE_THREADS_MAX 256u


struct kx_save_options {
	int dump_level;            /* 0-31: KX_DL_* bits (page_filter.h has the classes) */
	enum kx_dump_codec codec;
	unsigned int threads;      /* 0: one per online CPU */
	/* Re-filtering a dump file (its kdump_read.h view as the core): the
	 * pages it holds (bitmap1) and those it kept (bitmap2), bit pfn of
	 * byte pfn / 8, for pfns below input_max_pfn; NULL for an ELF core. A
	 * page the input left out stays out. */
	const uint8_t *input_exist, *input_dumped;
	uint64_t input_max_pfn;
	/* map_core: the core's pages are mapped from map_fd (its first
	 * map_size bytes) rather than read: /proc/vmcore's read copies each
	 * page through the kernel, its mmap does not (makedumpfile maps it
	 * too). Pages a mapping cannot serve (across PT_LOADs, past
	 * map_size) and a core mmap refuses are read. */
	bool map_core;
	int map_fd;
	uint64_t map_size;
	/* When VMCOREINFO lacks what a class of the dump level needs (or the
	 * mem_map cannot be read), leave that class in the dump, saying so in
	 * stats->warning, instead of refusing (vmcore-save --allow-lower-level). */
	bool lower_level_ok;
	/* Called by the writing thread after each window written (pages
	 * written so far, of `total`), e.g. for a progress line; NULL: none.
	 * The library prints nothing itself. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

struct kx_save_stats {
	uint64_t max_mapnr;
	uint64_t ram_pages;        /* pages that exist (first bitmap) */
	uint64_t nodata_pages;     /* past a PT_LOAD's p_filesz: not dumped */
	uint64_t zero_pages;       /* with bit 1: stored as the shared zero page */
	uint64_t excluded[KX_PAGE_NR_CLASSES];   /* frames left out per class (KEEP unused) */
	uint64_t dumped_pages;     /* descriptors written (zero pages included) */
	uint64_t compressed_pages; /* stored compressed */
	uint64_t data_bytes;       /* page data written */
	uint64_t file_size;        /* bytes the dump file spans */
	unsigned int threads;
	size_t page_size;
	int dump_level;            /* the level the dump was made at: o->dump_level, or lower */
	/* status 0, or what was not done without costing the dump (at levels
	 * 0 and 1, a mem_map that could not be read for poisoned pages) */
	struct kx_error warning;
};

/*
 * Write `vc` (opened with kx_vmcore_open on `rd`) to `sink` as a
 * kdump-compressed dump. Errors name the core or the sink and what failed:
 * KX_E_INPUT a broken core (VMCOREINFO without PAGESIZE, PT_LOADs that do not
 * hold what they say), KX_E_IO reading or writing, KX_E_NOMEM.
 */
/*
 * The bitmaps of a dump: the pages that exist (a kdump file's first
 * bitmap) and those the dump level keeps (its second), for pfns below
 * map.max_pfn, bit pfn of byte pfn / 8. `elf`: as an ELF dump counts them
 * (a PT_LOAD's partial last page kept, with the bytes the core has of it).
 * The page filter's counts go into stats (cleared first).
 */
struct kx_dump_bitmaps {
	struct kx_pfn_map map;
	uint8_t *exist, *dumped;
	uint64_t bytes;            /* of each bitmap */
	uint64_t ram_pages;        /* pages the core holds whole */
};
int kx_dump_bitmaps_make(const struct kx_vmcore *vc, const struct kx_save_options *o, bool elf,
			 struct kx_dump_bitmaps *b, struct kx_save_stats *stats, struct kx_error *err);
void kx_dump_bitmaps_free(struct kx_dump_bitmaps *b);

int kx_save_kdump(const struct kx_vmcore *vc, const struct kx_save_options *o, struct kx_dump_sink *sink,
		  struct kx_save_stats *stats, struct kx_error *err);

#endif
