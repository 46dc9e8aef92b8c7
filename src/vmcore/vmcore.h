/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a kernel's memory out of an ELF core file: /proc/vmcore in a
 * capture kernel (PT_LOADs by physical address, p_vaddr possibly 0) or
 * /proc/kcore of a running kernel (PT_LOADs by virtual address). Both carry
 * a VMCOREINFO note (fs/proc/vmcore.c, fs/proc/kcore.c since 4.19): the
 * kernel's own list of symbol addresses, structure sizes and field offsets
 * ("SYMBOL(prb)=ffffffff...", "OFFSET(printk_info.seq)=0"), which is all a
 * reader needs — no vmlinux, no debug information.
 *
 * The core is read through a callback (`struct kx_elfcore_reader`), never
 * mapped: /proc/kcore claims a size of 128 TiB. Every read is
 * `offset + length` checked against the program header that holds it; a
 * short read is an error that names what was being read. Nothing here
 * prints or exits.
 *
 * Error categories (kx_error.status):
 *   KX_E_IO      the reader failed (errno recorded)
 *   KX_E_INPUT   the core is broken or truncated: a header field, a note, a
 *                VMCOREINFO line or a ring buffer field breaks a rule; the
 *                message names it
 *   KX_E_FORMAT  not a kernel core this code reads: not ELF, 32-bit,
 *                big-endian, not ET_CORE, no VMCOREINFO note, or a printk
 *                buffer format other than the lockless ring buffer
 *   KX_E_NOMEM   out of memory
 */
#ifndef KX_VMCORE_H
#define KX_VMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../elfcore/elfcore.h"   /* the reader, the PT_LOADs */

/*
 * The virtual-to-physical rules of the crashed kernel, from VMCOREINFO; used
 * where no PT_LOAD has the virtual address (a /proc/vmcore whose RAM headers
 * have p_vaddr 0). Filled by kx_vmcore_open() for the machines it knows.
 */
struct kx_vmcore_xlate {
	/* x86_64: __START_KERNEL_map + phys_base for the kernel image;
	 * init_top_pgt (4 or 5 levels) for everything else. */
	bool have_phys_base;
	uint64_t phys_base;
	uint64_t kernel_image_size;
	bool have_pgt;
	uint64_t init_top_pgt;          /* virtual (kernel image) address */
	bool l5;
	uint64_t sme_mask;
	/* arm64: linear map [PAGE_OFFSET, PAGE_END) -> PHYS_OFFSET; kernel
	 * image -> vaddr - kimage_voffset. riscv64: linear map
	 * [PAGE_OFFSET, end) -> phys_ram_base; >= KERNEL_LINK_ADDR ->
	 * vaddr - va_kernel_pa_offset. */
	bool have_linear;
	uint64_t linear_start, linear_end, linear_phys;
	bool have_kimage;
	uint64_t kimage_start, kimage_offset;   /* paddr = vaddr - kimage_offset */
	/* arm64 and riscv64: the kernel's page tables (swapper_pg_dir, from
	 * SYMBOL(swapper_pg_dir) through the kernel image) for what neither
	 * map covers (the vmemmap, vmalloc). have_pgt says they can be walked.
	 * arm64: the VA size in use (64 - TCR_EL1_T1SZ, else VA_BITS), the
	 * granule, and whether descriptors carry 52-bit addresses the LPA2
	 * way (4K/16K granule with a 52-bit VA); riscv64: Sv39/48/57 from
	 * VA_BITS. */
	uint64_t pgt_root;              /* physical address of the top table */
	uint64_t vmemmap_start, vmemmap_end;   /* arm64: walked, never the image's rule */
	unsigned int pgt_va_bits, pgt_page_shift;
	bool pgt_lpa2;
};

struct kx_vmcore {
	char *name;
	struct kx_elfcore_reader rd;
	uint16_t machine;               /* e_machine */
	struct kx_elfcore_load *loads;  /* the readable PT_LOADs (elfcore.h) */
	unsigned int nr_loads;
	unsigned int nr_unreadable;     /* PT_LOADs skipped: p_offset + p_filesz past 2^63 */
	char *info;                     /* VMCOREINFO text, NUL-terminated */
	size_t info_size;
	/* The PT_NOTE bytes and what is in them (struct kx_elfcore). */
	uint8_t *notes;
	size_t notes_size;
	uint64_t info_desc_offset;
	uint32_t info_desc_size;
	unsigned int nr_prstatus;
	struct kx_vmcore_xlate xlate;
	/* Set by the caller: ignore PT_LOAD p_vaddr and translate every virtual
	 * address as for a /proc/vmcore without them (a check of the
	 * translation on /proc/kcore, whose PT_LOADs also carry p_paddr). */
	bool physical_only;
};

/*
 * Parse the ELF header, the program headers and the notes
 * (kx_elfcore_read); keep the VMCOREINFO text and derive the address
 * translation. `name` names the core in messages. A core without a
 * VMCOREINFO note (KX_E_FORMAT) or without a readable PT_LOAD (KX_E_INPUT)
 * is refused.
 */
int kx_vmcore_open(struct kx_vmcore *ret, const char *name, struct kx_elfcore_reader rd,
		   struct kx_error *err);
void kx_vmcore_close(struct kx_vmcore *vc);

/*
 * VMCOREINFO lookups. `kind` is SYMBOL, OFFSET, SIZE, LENGTH or NUMBER; the
 * key is "kind(name)" (KERNELOFFSET and PAGESIZE: kind "" and the name).
 * SYMBOL and KERNELOFFSET values are hexadecimal without "0x", OFFSET, SIZE,
 * LENGTH and PAGESIZE decimal, NUMBER decimal (possibly negative: %ld) or
 * "0x" hexadecimal. Returns 0, or -1: KX_E_INPUT "VMCOREINFO has no
 * kind(name)" or "... is not a number".
 */
int kx_vmcoreinfo_get(const struct kx_vmcore *vc, const char *kind, const char *name,
		      uint64_t *ret, struct kx_error *err);
/* The same; false without an error when the key is absent. */
bool kx_vmcoreinfo_has(const struct kx_vmcore *vc, const char *kind, const char *name);
/* The value when the key is there and a number; false otherwise (no error:
 * for entries a kernel may or may not export). */
bool kx_vmcoreinfo_opt(const struct kx_vmcore *vc, const char *kind, const char *name, uint64_t *ret);

/*
 * Read `len` bytes of the crashed kernel's memory at virtual address
 * `vaddr` (a PT_LOAD that maps it, else the translation above). A range
 * may span program headers. `what` names the read
 * in messages ("printk_info array").
 */
int kx_vmcore_read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, void *buf, size_t len,
			 const char *what, struct kx_error *err);
/* Whether the core holds all `len` bytes at `vaddr` (through its PT_LOADs
 * or the page tables), without reading them: sizes that come from the core
 * are checked before anything is allocated for them. */
int kx_vmcore_check_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t len,
			  const char *what, struct kx_error *err);
/* Virtual to physical by the rules above, ignoring PT_LOAD p_vaddr. */
int kx_vmcore_vtop(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr,
		   uint64_t *ret_run, struct kx_error *err);

/*
 * Minimal cores (extract.c): a reader that records every range read through
 * it (with the bytes), and an ELF core holding only those of them that lie
 * in PT_LOADs, plus the VMCOREINFO note. keep_vaddr false: p_vaddr 0, as in
 * a /proc/vmcore that gives physical addresses only.
 */
struct kx_vmcore_range {
	uint64_t offset;
	size_t len;
	size_t seq;
	uint8_t *data;
};
struct kx_vmcore_recorder {
	struct kx_elfcore_reader inner;    /* set by the caller */
	struct kx_vmcore_range *ranges;
	size_t nr, cap;
};
struct kx_elfcore_reader kx_vmcore_recording_reader(struct kx_vmcore_recorder *rec);
void kx_vmcore_recorder_free(struct kx_vmcore_recorder *rec);
int kx_vmcore_write_minimal(const struct kx_vmcore *vc, struct kx_vmcore_recorder *rec,
			    bool keep_vaddr, uint8_t **ret_bytes, size_t *ret_size,
			    struct kx_error *err);

/* --- the printk log ------------------------------------------------------ */

/* printk_info.flags (kernel/printk/internal.h) */
#define KX_LOG_NEWLINE 2u   /* text ended with a newline */
#define KX_LOG_CONT 8u      /* text is a fragment of a line (KERN_CONT) */

struct kx_printk_record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id;
	uint8_t facility, level, flags;
	const char *text;        /* not NUL-terminated; points into the log */
	size_t text_len;
};

struct kx_printk_log {
	struct kx_printk_record *records;   /* in sequence order */
	size_t nr_records;
	bool have_flags;         /* flags/level/facility known (printk_info layout checked) */
	bool dynamic;            /* prb points elsewhere than printk_rb_static */
	uint64_t rb_addr;        /* the printk_ringbuffer read */
	unsigned int count_bits, size_bits;
	/* Records in the descriptor range that were not printed: */
	uint64_t lost;           /* data-less (the kernel could not store the text) */
	uint64_t incomplete;     /* reserved by a writer, never committed */
	uint64_t invalid;        /* inconsistent descriptor or data block (or
	                          * overwritten while /proc/kcore was read) */
	uint8_t *storage;        /* what records' text points into */
	size_t storage_size;
};

/*
 * Read the lockless printk ring buffer (Linux 5.10+) through VMCOREINFO:
 * SYMBOL(prb) -> struct printk_ringbuffer, its desc_ring (descs, infos,
 * head_id, tail_id, count_bits) and text_data_ring (data, size_bits).
 * Records between tail_id and head_id in the committed or finalized state
 * are returned in sequence order. A record whose own descriptor or data
 * block is inconsistent is skipped and counted (a live /proc/kcore changes
 * while it is read); a ring that cannot be read at all is an error.
 * KX_E_FORMAT when VMCOREINFO describes an older printk buffer.
 */
int kx_printk_read(const struct kx_vmcore *vc, struct kx_printk_log *ret, struct kx_error *err);
void kx_printk_log_free(struct kx_printk_log *log);

struct kx_dmesg_options {
	/* false: "[    1.234567] text" per line, like dmesg(1): every line of a
	 * multi-line record gets its record's timestamp, control characters
	 * other than tab are shown as \xNN. true: the text exactly as the
	 * kernel stored it, one record per line, no timestamps. */
	bool raw;
};

/*
 * Format the log. In both modes a record flagged LOG_CONT that directly
 * follows (in sequence) a record of the same caller without LOG_NEWLINE is
 * joined to that line, as it was printed (pr_cont() whose text could not
 * be appended to the record it continues). Returns a malloc'ed buffer.
 */
int kx_dmesg_format(const struct kx_printk_log *log, const struct kx_dmesg_options *opt,
		    char **ret_text, size_t *ret_len, struct kx_error *err);

#endif
