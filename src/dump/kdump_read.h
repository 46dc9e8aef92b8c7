/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a kdump-compressed dump file (makedumpfile's, or vmcore-save's)
 * as if it were the ELF core it was made from: a view that serves an ELF
 * header, one PT_NOTE (the notes the dump kept: VMCOREINFO, NT_PRSTATUS)
 * and one PT_LOAD of physical memory from page 0 to max_mapnr, whose bytes
 * are the dump's pages, decompressed on demand (one page cached). Pages the
 * dump left out read as zeros, as crash shows them; a pfn its first bitmap
 * does not have (a hole) is an error, as an address outside every PT_LOAD. Everything that reads
 * ELF cores (src/vmcore: VMCOREINFO, page-table walks, the printk ring)
 * then reads dumps unchanged.
 *
 * Every header field is checked before it is used: sizes against each
 * other and against the file (a range is probed before anything is
 * allocated for it), descriptors against the block size and the file.
 * Split dumps (--split) are refused by name. Errors:
 * KX_E_FORMAT not a kdump file (a flattened stream is named as such),
 * KX_E_INPUT a broken or truncated one, KX_E_IO, KX_E_NOMEM.
 */
#ifndef KX_DUMP_KDUMP_READ_H
#define KX_DUMP_KDUMP_READ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../elfcore/elfcore.h"

/* Caps: 2^32 page frames (16 TiB of 4 KiB pages: bitmaps of 512 MiB), notes of 16 MiB. */
#define KX_KDUMP_READ_MAX_MAPNR (UINT64_C(1) << 32)
#define KX_KDUMP_READ_MAX_NOTES (16u << 20)

struct kx_kdump_view {
	const char *name;
	struct kx_elfcore_reader file;
	uint32_t block_size;
	uint64_t max_mapnr;
	uint32_t status;               /* the header's flags (codec, incomplete) */
	uint64_t desc_off;
	uint8_t *bitmap1, *bitmap2;    /* pfns that exist, pfns dumped */
	uint64_t *rank;                /* pages dumped before each block of 4096 pfns */
	uint8_t *head;                 /* the ELF header, program headers, notes */
	size_t head_size;
	uint64_t mem_off;              /* where the PT_LOAD's bytes start in the view */
	uint8_t *page, *in;            /* the cached page, a descriptor's stored bytes */
	uint64_t cached_pfn;           /* UINT64_MAX: none */
	uint64_t dumped_pages;
	/* reads may come from several threads (vmcore-save's workers): one
	 * at a time through the cached page */
	pthread_mutex_t lock;
	bool locked_init;
};

/* Whether `head` (at least 8 bytes) starts a kdump-compressed file. */
bool kx_kdump_signature(const uint8_t *head, size_t len);

int kx_kdump_view_open(struct kx_kdump_view *v, const char *name, struct kx_elfcore_reader file,
		       struct kx_error *err);
/* The view as an ELF core, for kx_vmcore_open. */
struct kx_elfcore_reader kx_kdump_view_reader(struct kx_kdump_view *v);
void kx_kdump_view_close(struct kx_kdump_view *v);

#endif
