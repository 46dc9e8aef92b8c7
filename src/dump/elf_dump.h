/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmcore-save -E: the dump as an ELF core, as makedumpfile -E writes one.
 * Its PT_LOADs are the core's, in header order, each cut where 256 or more
 * pages in a row are left out (PFN_EXCLUDED in makedumpfile): a cut
 * PT_LOAD's p_memsz spans the pages left out after its data, its p_filesz
 * only the data. Fewer pages left out in a row are kept, bytes and all
 * (a PT_LOAD per hole would cost more than the pages). The file: the ELF
 * header (the core's, with the new e_phnum), PT_NOTE then the PT_LOADs,
 * the notes, the data of each PT_LOAD one after another.
 *
 * crash, gdb and vmcore-dmesg read it as they read /proc/vmcore.
 */
#ifndef KX_DUMP_ELF_DUMP_H
#define KX_DUMP_ELF_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "save.h"

/* makedumpfile's PFN_EXCLUDED: a run of pages left out this long cuts a PT_LOAD. */
#define KX_ELF_DUMP_CUT_PAGES 256u

/* One of the core's PT_LOADs, as the planner sees it. */
struct kx_elf_dump_load {
	uint64_t offset, vaddr, paddr, filesz, memsz;
	uint32_t flags;
	uint64_t align;
};

/* One PT_LOAD of the dump. */
struct kx_elf_dump_seg {
	unsigned int load;         /* index of the core's PT_LOAD it comes from */
	uint64_t paddr, vaddr, memsz, filesz;
	bool last;                 /* a PT_LOAD's last: its p_offset is set even without data */
};

/*
 * Cut `loads` by the kept pages (`dumped`: bit pfn of byte pfn / 8, for
 * pfns below max_pfn; pages of size `page_size`) into *segs (malloc'ed,
 * *nr_segs of them). A PT_LOAD's partial first page is kept as it is, its
 * partial last page counts its bytes. KX_E_NOMEM only.
 */
int kx_elf_dump_plan(const struct kx_elf_dump_load *loads, unsigned int nr_loads, const uint8_t *dumped,
		     uint64_t max_pfn, size_t page_size, struct kx_elf_dump_seg **segs, size_t *nr_segs,
		     struct kx_error *err);

/*
 * The headers of the dump: `ehdr` (the core's 64-byte ELF header), then
 * the program headers (PT_NOTE first, p_offset notes_offset, p_filesz
 * notes_size, its other fields from `note_phdr`, 56 bytes), the PT_LOADs
 * with their data from data_offset on. Past 65534 program headers,
 * makedumpfile's extended numbering: e_phnum PN_XNUM, one section header
 * after the program headers whose sh_info holds the count. Writes
 * kx_elf_dump_headers_size(nr_segs) bytes into `out`; returns where the
 * notes go (the headers' end).
 */
size_t kx_elf_dump_headers_size(size_t nr_segs);
uint64_t kx_elf_dump_put_headers(uint8_t *out, const uint8_t *ehdr, const uint8_t *note_phdr, uint64_t notes_size,
				 const struct kx_elf_dump_load *loads, const struct kx_elf_dump_seg *segs,
				 size_t nr_segs);

/* Save `vc` as an ELF dump into `sink` (o->codec must be KX_DUMP_RAW). */
int kx_save_elf(const struct kx_vmcore *vc, const struct kx_save_options *o, struct kx_dump_sink *sink,
		struct kx_save_stats *stats, struct kx_error *err);

#endif
