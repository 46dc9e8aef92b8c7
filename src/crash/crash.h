/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The crash header (elfcorehdr): the ELF core header the capture kernel
 * turns into /proc/vmcore. A pure function from data to bytes, as the
 * kernel's crash_prepare_elf64_headers() is: the caller reads the facts
 * (per-CPU crash notes, VMCOREINFO, RAM, crash regions, /proc/kcore) and
 * this file neither reads files nor chooses addresses.
 *
 * Layout (what fs/proc/vmcore.c in the capture kernel expects):
 *   ELF64 little-endian ET_CORE header, e_machine as given, program
 *   headers right after it (e_phoff = 64), no section headers, then
 *   1. one PT_NOTE per possible CPU, in the order given:
 *      p_offset = p_paddr = the note's physical address,
 *      p_filesz = p_memsz = its size (vmcore.c reads the notes from there
 *      and rewrites the offsets);
 *   2. one PT_NOTE for VMCOREINFO, the same way;
 *   3. optionally one PT_LOAD for the kernel image mapping (_text.._end):
 *      p_vaddr = _text, p_paddr = p_offset = its physical address;
 *   4. one PT_LOAD per RAM range after the exclusions, in address order:
 *      p_offset = p_paddr = start, p_filesz = p_memsz = length,
 *      p_vaddr = start + linear_base when the linear map is known, else 0
 *      (dump tools read 0 as "no virtual address": makedumpfile's
 *      NOT_KV_ADDR, and then derive the map from VMCOREINFO).
 *   PT_LOADs have p_flags = RWX and p_align = 0, PT_NOTEs p_flags = 0, as
 *   the kernel's own header. The buffer is zero-padded to a multiple of
 *   KX_CRASH_HDR_ALIGN (the kernel's ELF_CORE_HEADER_ALIGN).
 *
 * e_phnum is limited to KX_CRASH_PHNUM_MAX (0xfffe). The ELF extended
 * numbering (e_phnum = PN_XNUM, the real count in section header 0's
 * sh_info) is not used: fs/proc/vmcore.c's parse_crash_elf64_headers()
 * reads e_phnum as the count and never looks at a section header, so the
 * capture kernel would misread such a header. More headers than that is a
 * named error (KX_E_PLAN), never a truncated header.
 */
#ifndef KX_CRASH_H
#define KX_CRASH_H

#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../memmap/memmap.h"

#define KX_CRASH_HDR_ALIGN 4096u   /* ELF_CORE_HEADER_ALIGN */
#define KX_CRASH_EHDR_SIZE 64u     /* sizeof(Elf64_Ehdr) */
#define KX_CRASH_PHDR_SIZE 56u     /* sizeof(Elf64_Phdr) */
#define KX_CRASH_PHNUM_MAX 0xfffeu /* PN_XNUM - 1: see above */

/* A note in the crashed kernel's memory: physical address and size. */
struct kx_crash_note {
	uint64_t addr;
	uint64_t size;
};

/*
 * The kernel image mapping, as /proc/kcore's text program header gives it
 * (and as the kernel's own header has it): _text's virtual and physical
 * addresses and _end - _text.
 */
struct kx_crash_text {
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t size;
};

struct kx_crash_info {
	uint16_t e_machine;                    /* EM_X86_64, EM_AARCH64 or EM_RISCV */
	const struct kx_crash_note *cpu_notes; /* one per possible CPU, CPU order */
	unsigned int nr_cpu_notes;             /* at least 1 */
	struct kx_crash_note vmcoreinfo;       /* /sys/kernel/vmcoreinfo */
	const struct kx_crash_text *kernel_text; /* NULL: no kernel text PT_LOAD */
	bool have_linear_base;                 /* false: RAM p_vaddr = 0 */
	uint64_t linear_base;                  /* p_vaddr = paddr + linear_base (mod 2^64) */
	/* RAM to dump, in any order (types ignored). Ranges may touch (each
	 * stays its own PT_LOAD, as each System RAM resource does in the
	 * kernel's header) but must not overlap. */
	const struct kx_memmap *ram;
	/* Removed from `ram` first (NULL: nothing): the crash regions, and the
	 * header itself when it lies in RAM outside them; may overlap. */
	const struct kx_memmap *exclude;
};

/*
 * Build the header. On success *ret_buf (malloc'd, the caller frees it)
 * holds *ret_size bytes, a multiple of KX_CRASH_HDR_ALIGN.
 * Errors (nothing allocated):
 *   KX_E_USAGE  e_machine not one of the three; NULL ram or notes with a count
 *   KX_E_SYSTEM no CPU notes; a CPU note or VMCOREINFO at address 0, of size
 *               0 or wrapping around; an empty, inverted or overlapping RAM
 *               range; an empty or wrapping kernel text; no RAM left after
 *               the exclusions; the exclusions would split RAM into more
 *               than KX_MEMMAP_MAX ranges
 *   KX_E_PLAN   an inverted exclusion; more than KX_CRASH_PHNUM_MAX program
 *               headers
 *   KX_E_NOMEM  out of memory
 */
int kx_crash_elfcorehdr(const struct kx_crash_info *info, uint8_t **ret_buf,
			size_t *ret_size, struct kx_error *err);

/*
 * The size kx_crash_elfcorehdr() would return for `info`, without building
 * it; same errors. To exclude the header itself, a caller sizes it, places
 * it, adds [addr, addr + size) to `exclude` and builds: that exclusion can
 * split one RAM range, adding one program header (KX_CRASH_PHDR_SIZE
 * bytes), so reserve size + KX_CRASH_PHDR_SIZE rounded up to
 * KX_CRASH_HDR_ALIGN when placing it outside the crash regions.
 */
int kx_crash_elfcorehdr_size(const struct kx_crash_info *info, size_t *ret_size,
			     struct kx_error *err);

#endif
