/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF core file format (64-bit little-endian ET_CORE) as the kernel
 * writes it: /proc/vmcore, /proc/kcore, and the elfcorehdr a capture
 * kernel turns into /proc/vmcore. One reader of the ELF header, the
 * PT_LOADs and (optionally) the VMCOREINFO note, used by vmcore-dmesg
 * (kx_vmcore_open) and by the kdump facts (/proc/kcore's PT_LOADs); one
 * writer of the header bytes, used by the crash header builder
 * (src/crash) and by the minimal core (src/vmcore/extract.c).
 *
 * The file is read through a callback (`struct kx_elfcore_reader`), never
 * mapped: /proc/kcore claims a size of 128 TiB. Nothing here prints or
 * exits. Executables (vmlinux, ET_EXEC/ET_DYN, read from memory with their
 * own rules) are src/formats/elf.c's.
 */
#ifndef KX_ELFCORE_H
#define KX_ELFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../core/units.h"

#define KX_ELFCORE_EHDR_SIZE 64u   /* sizeof(Elf64_Ehdr) */
#define KX_ELFCORE_PHDR_SIZE 56u   /* sizeof(Elf64_Phdr) */

/*
 * Read exactly `len` bytes at file offset `offset` into `buf`. Returns 0, or
 * -1 with `err` filled (KX_E_INPUT "file ends at ..." for a short read,
 * KX_E_IO for a failed one). The caller adds what it was reading.
 */
struct kx_elfcore_reader {
	int (*read)(void *ctx, uint64_t offset, void *buf, size_t len, struct kx_error *err);
	void *ctx;
};

/* A reader over bytes in memory (tests, fixtures). */
struct kx_elfcore_mem {
	const uint8_t *data;
	size_t size;
};
struct kx_elfcore_reader kx_elfcore_mem_reader(struct kx_elfcore_mem *mem);

/* A reader over an open file descriptor (pread). */
struct kx_elfcore_reader kx_elfcore_fd_reader(int *fd);

/*
 * Read through `rd`; on failure put "<name>: <what>: " in front of the
 * reader's message (name NULL: "<what>: "), `what` formatted from `fmt`.
 */
int kx_elfcore_read_at(struct kx_elfcore_reader rd, const char *name, uint64_t off, void *buf,
		       size_t len, struct kx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

struct kx_elfcore_load {
	uint64_t offset, vaddr, paddr, filesz, memsz;
	bool has_paddr;      /* false: p_paddr + p_memsz wraps (kcore's -1) */
	/* false: p_offset + p_filesz wraps or passes 2^63 (riscv64's
	 * /proc/kcore computes p_offset as vaddr - PAGE_OFFSET, which wraps
	 * for the regions below the linear map): no byte of it can be read,
	 * and its p_filesz and p_vaddr were not checked. */
	bool readable;
};

/* The most program headers a core is read or written with: e_phnum is 16
 * bits and PN_XNUM (0xffff) means the count is elsewhere (extended
 * numbering, which neither the reader nor the writer speaks). */
#define KX_ELFCORE_PHNUM_MAX 0xfffeu
/* Bytes of PT_NOTE read in total: a vmcore has one note per CPU (a few
 * hundred bytes each) and VMCOREINFO; this is a guard, not a size. */
#define KX_ELFCORE_NOTES_MAX (64 * MiB)
/* The VMCOREINFO note's descriptor: the kernel's is one page (4 KiB up to
 * 64 KiB pages: VMCOREINFO_BYTES); this is a guard. */
#define KX_ELFCORE_VMCOREINFO_MAX MiB

/* The headers of an ELF core file. */
struct kx_elfcore {
	uint16_t machine;               /* e_machine */
	/* Every PT_LOAD with p_memsz > 0, in header order, readable or not. */
	struct kx_elfcore_load *loads;
	unsigned int nr_loads;
	/* With the notes read: the VMCOREINFO note's text, NUL-terminated
	 * (NULL when the core has none). */
	char *info;
	size_t info_size;
	/* With the notes read: every PT_NOTE's bytes, one after another (a
	 * dump file keeps them: the CPUs' registers and VMCOREINFO), where
	 * the VMCOREINFO note's descriptor is in them and its descsz (0 when
	 * there is none), and how many NT_PRSTATUS notes named CORE they hold
	 * (one per CPU that saved its registers). */
	uint8_t *notes;
	size_t notes_size;
	uint64_t info_desc_offset;
	uint32_t info_desc_size;
	unsigned int nr_prstatus;
};

/*
 * Read the ELF header and the program headers of the core `rd` reads, and
 * with `read_notes` every PT_NOTE segment, keeping the VMCOREINFO note.
 * `name` names the core in messages. A core without VMCOREINFO or without
 * PT_LOADs is not an error here.
 * Errors:
 *   KX_E_FORMAT  shorter than an ELF identification, no ELF magic (a
 *                makedumpfile dump is named), not 64-bit, not
 *                little-endian, not ET_CORE
 *   KX_E_INPUT   truncated; e_phentsize not 56; e_phnum 0 or PN_XNUM
 *                (more than KX_ELFCORE_PHNUM_MAX); a
 *                readable PT_LOAD with p_filesz > p_memsz or p_vaddr +
 *                p_memsz wrapping; with the notes: a PT_NOTE past 2^64,
 *                more than KX_ELFCORE_NOTES_MAX bytes of them, a note past
 *                its segment, two VMCOREINFO notes or one over KX_ELFCORE_VMCOREINFO_MAX
 *   KX_E_IO      the reader failed
 *   KX_E_NOMEM   out of memory
 */
int kx_elfcore_read(struct kx_elfcore *ret, const char *name, struct kx_elfcore_reader rd,
		    bool read_notes, struct kx_error *err);
void kx_elfcore_free(struct kx_elfcore *ec);

/*
 * Write the ELF header of a 64-bit little-endian ET_CORE file for
 * `machine`: `phnum` program headers right after it (e_phoff 64), no
 * entry, flags or section headers. `p` holds KX_ELFCORE_EHDR_SIZE bytes.
 */
void kx_elfcore_put_ehdr(uint8_t *p, uint16_t machine, uint16_t phnum);
/*
 * Write one program header as a core has them: p_filesz = p_memsz = size
 * (the file holds all of it), p_align 0. Returns the byte after it.
 */
uint8_t *kx_elfcore_put_phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t offset,
			     uint64_t vaddr, uint64_t paddr, uint64_t size);

/* "x86_64", "arm64" or "riscv64" for the e_machine of the three, else NULL. */
const char *kx_elfcore_machine_name(uint16_t machine);

#endif
