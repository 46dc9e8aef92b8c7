/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device tree handed to an arm64 or riscv64 kernel. Built with the
 * system libfdt. Pure apart from kx_dtb_read(), which reads the running
 * system's tree under a root folder (a fixture folder in tests).
 */
#ifndef KX_DTB_H
#define KX_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"
#include "../memmap/memmap.h"

struct kx_dtb {
	uint8_t *blob;        /* malloc'd flattened tree; fdt_totalsize() bytes used */
	size_t size;          /* allocated bytes (room for edits) */
	char source[256];     /* "--dtb FILE", "/sys/firmware/fdt", "/proc/device-tree (flattened)" */
};

/*
 * The tree to start from: `dtb_path` when given (--dtb; not under root),
 * else ROOT/sys/firmware/fdt, else ROOT/proc/device-tree flattened (root
 * NULL or "/" for the live system). Flattening makes every folder a node and
 * every file a property, sorted by name, drops the "name" properties the
 * kernel makes up (as `dtc -I fs` does) and leaves the reservation block
 * empty, since /proc/device-tree does not show it. The blob is checked
 * (fdt_check_full), packed, and copied into a buffer with room to grow.
 * Errors: KX_E_IO (unreadable), KX_E_INPUT (not a valid FDT: names the file
 * and what libfdt said), KX_E_SYSTEM (none of the sources exists).
 */
int kx_dtb_read(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_error *err);
/* Same, from bytes already in memory (tests, and copies of a tree). `source`
 * names it in messages. On error ret->blob is NULL. */
int kx_dtb_from_bytes(const uint8_t *data, size_t size, const char *source,
		      struct kx_dtb *ret, struct kx_error *err);
/* Frees the blob only (the struct may live anywhere); safe to repeat. */
void kx_dtb_free(struct kx_dtb *dtb);

/* What /chosen must say for the new kernel (drivers/of/kexec.c does the same
 * for kexec_file_load). */
struct kx_dtb_chosen {
	const char *bootargs;          /* NULL or "": remove bootargs */
	uint64_t initrd_start, initrd_end;  /* end exclusive; start == end == 0: no initrd (delete props) */
	const uint8_t *kaslr_seed;     /* 8 bytes, or NULL: remove kaslr-seed */
	const uint8_t *rng_seed;       /* rng-seed bytes, or NULL (or length 0): remove rng-seed */
	size_t rng_seed_len;
	/* crash kernel (kdump): linux,elfcorehdr and linux,usable-memory-range */
	bool crash;
	uint64_t elfcorehdr_addr, elfcorehdr_size;
	const struct kx_memmap *usable; /* crash regions, when crash, in the order to write */
};

/*
 * Edit /chosen (creating it if missing): bootargs, linux,initrd-start/-end
 * (u64) or their removal, kaslr-seed, rng-seed; always delete stale
 * linux,elfcorehdr, linux,usable-memory-range and linux,ima-kexec-buffer,
 * then set the first two for a crash kernel (cell sizes from the root's
 * #address-cells/#size-cells, 2 and 1 when absent); keep linux,uefi-* and
 * everything else untouched. The memory reservation block stays consistent
 * the way the kernel keeps it: the entry that covered the incoming tree's
 * initrd goes (exact size, or rounded up to a 4/16/64 KiB page), and so do
 * entries exactly covering its old linux,elfcorehdr or IMA buffer; entries
 * are added for the new initrd and the new elfcorehdr. Grows the buffer as
 * needed (dtb->blob may move) and packs the tree at the end.
 * Errors: KX_E_INPUT (the incoming tree is inconsistent, or libfdt refused
 * an edit: named with fdt_strerror's text), KX_E_PLAN (a range does not fit
 * the cells, an empty elfcorehdr or crash region), KX_E_NO_CRASH_REGION
 * (crash without usable ranges), KX_E_NOMEM. After an error the blob is
 * still a valid tree to free, but possibly half edited.
 */
int kx_dtb_set_chosen(struct kx_dtb *dtb, const struct kx_dtb_chosen *chosen, struct kx_error *err);

/*
 * Useful facts the planners read from a tree. kx_dtb_memory: RAM (type
 * KX_MEM_RAM, sorted) from the root's children whose device_type is
 * "memory" and whose status is not disabled, read with the root's cells:
 * linux,usable-memory when present, else reg; empty ranges skipped, as the
 * kernel's early_init_dt_scan_memory() does. A tree without memory nodes (an
 * ACPI boot's) gives an empty map, not an error.
 */
int kx_dtb_memory(const struct kx_dtb *dtb, struct kx_memmap *ret, struct kx_error *err);
/*
 * Memory the tree sets aside (type KX_MEM_RESERVED, sorted), read as the
 * kernel's drivers/of/of_reserved_mem.c reads it: the children of
 * /reserved-memory that have a reg and are available (no status, "ok" or
 * "okay"), when /reserved-memory has "ranges" and the root's cell sizes
 * (else the kernel ignores it all); a child whose reg is not a whole number
 * of entries is skipped, as the kernel skips it. Which ones:
 *   KX_DTB_RESERVED_ALL       those, and the /memreserve/ block (an old
 *                             initrd's entry included): memory a new
 *                             kernel's segments had better avoid;
 *   KX_DTB_RESERVED_NOT_REUSABLE  only /reserved-memory children without
 *                             "reusable": memory the running kernel never
 *                             allocates from, so a dump loses nothing by
 *                             leaving it out, and which firmware may guard
 *                             (OpenSBI's mmode_resv* behind a riscv PMP:
 *                             reading it faults).
 * No /reserved-memory gives an empty map. Errors: KX_E_SYSTEM (more ranges
 * than a map holds).
 */
enum kx_dtb_reserved_kind { KX_DTB_RESERVED_ALL, KX_DTB_RESERVED_NOT_REUSABLE };
int kx_dtb_reserved(const struct kx_dtb *dtb, enum kx_dtb_reserved_kind kind, struct kx_memmap *ret,
		    struct kx_error *err);
/* Size of the flattened tree (fdt_totalsize). */
size_t kx_dtb_size(const struct kx_dtb *dtb);

#endif
