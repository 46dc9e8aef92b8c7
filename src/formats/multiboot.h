/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot (v1, GNU GRUB's "Multiboot Specification" 0.6.96) and
 * Multiboot2 (its "Multiboot2 Specification" 2.0) headers, as far as a
 * loader reads them. kexec-tools' multiboot-x86 and multiboot2-x86 loaders
 * (kexec/arch/i386/kexec-multiboot-x86.c, kexec-mb2-x86.c) are the
 * behaviour matched; where they differ from the specifications, the
 * comments say which is followed.
 *
 * v1: a 4-aligned header within the first 8192 bytes: u32 magic
 *   0x1BADB002, u32 flags, u32 checksum (the three sum to 0); with flags
 *   bit 16 the address fields (header_addr, load_addr, load_end_addr,
 *   bss_end_addr, entry_addr) at 12..31, with bit 2 the video fields
 *   (mode_type, width, height, depth) at 32..47. Flags bits 0..15 are
 *   requirements: bit 0 page-aligned modules, bit 1 the memory
 *   information, bit 2 the video mode; any other of them is one this
 *   loader does not know, and the image must not be booted.
 * v2: an 8-aligned header within the first 32768 bytes: u32 magic
 *   0xE85250D6, u32 architecture (0 = i386 protected mode), u32
 *   header_length, u32 checksum (the four sum to 0), then tags {u16 type,
 *   u16 flags (bit 0 optional), u32 size} each 8-aligned, ended by type 0
 *   size 8.
 * Entry (both): 32-bit protected mode, paging off, flat segments, EAX the
 * boot loader's magic (0x2BADB002, 0x36d76289), EBX the physical address
 * of the boot information.
 */
#ifndef KX_MULTIBOOT_H
#define KX_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"

#define KX_MB1_HEADER_MAGIC 0x1BADB002u
#define KX_MB1_BOOTLOADER_MAGIC 0x2BADB002u
#define KX_MB1_SEARCH 8192
#define KX_MB1_PAGE_ALIGN (1u << 0)
#define KX_MB1_MEMORY_INFO (1u << 1)
#define KX_MB1_VIDEO_MODE (1u << 2)
#define KX_MB1_AOUT_KLUDGE (1u << 16)
#define KX_MB1_KNOWN_REQUIRED 0x7u   /* bits 0..2 of the required 0..15 */

#define KX_MB2_HEADER_MAGIC 0xE85250D6u
#define KX_MB2_BOOTLOADER_MAGIC 0x36d76289u
#define KX_MB2_SEARCH 32768
#define KX_MB2_TAG_OPTIONAL 1u

/* Multiboot2 header tags */
enum {
	KX_MB2_HTAG_END = 0,
	KX_MB2_HTAG_INFORMATION_REQUEST = 1,
	KX_MB2_HTAG_ADDRESS = 2,
	KX_MB2_HTAG_ENTRY_ADDRESS = 3,
	KX_MB2_HTAG_CONSOLE_FLAGS = 4,
	KX_MB2_HTAG_FRAMEBUFFER = 5,
	KX_MB2_HTAG_MODULE_ALIGN = 6,
	KX_MB2_HTAG_EFI_BS = 7,
	KX_MB2_HTAG_ENTRY_ADDRESS_EFI32 = 8,
	KX_MB2_HTAG_ENTRY_ADDRESS_EFI64 = 9,
	KX_MB2_HTAG_RELOCATABLE = 10,
};

/* Multiboot2 boot information tags */
enum {
	KX_MB2_TAG_END = 0,
	KX_MB2_TAG_CMDLINE = 1,
	KX_MB2_TAG_BOOT_LOADER_NAME = 2,
	KX_MB2_TAG_MODULE = 3,
	KX_MB2_TAG_BASIC_MEMINFO = 4,
	KX_MB2_TAG_BOOTDEV = 5,
	KX_MB2_TAG_MMAP = 6,
	KX_MB2_TAG_VBE = 7,
	KX_MB2_TAG_FRAMEBUFFER = 8,
	KX_MB2_TAG_ELF_SECTIONS = 9,
	KX_MB2_TAG_APM = 10,
	KX_MB2_TAG_EFI32 = 11,
	KX_MB2_TAG_EFI64 = 12,
	KX_MB2_TAG_SMBIOS = 13,
	KX_MB2_TAG_ACPI_OLD = 14,
	KX_MB2_TAG_ACPI_NEW = 15,
	KX_MB2_TAG_NETWORK = 16,
	KX_MB2_TAG_EFI_MMAP = 17,
	KX_MB2_TAG_EFI_BS = 18,
	KX_MB2_TAG_EFI32_IH = 19,
	KX_MB2_TAG_EFI64_IH = 20,
	KX_MB2_TAG_LOAD_BASE_ADDR = 21,
};

#define KX_MB2_REQUESTS_MAX 32

/* A header, read and checked: what the loader and the boot information
 * builder need. */
struct kx_multiboot_header {
	unsigned int version;        /* 1 or 2 */
	uint64_t offset;             /* of the header in the file */
	uint32_t length;             /* of the header (v1: 48, v2: header_length) */
	uint32_t flags;              /* v1 */
	bool addr_fields;            /* v1 flags bit 16, v2 the address tag */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	bool have_entry;             /* v1 address fields, v2 the entry address tag */
	uint32_t entry_addr;
	bool video;                  /* v1 flags bit 2, v2 the framebuffer tag */
	uint32_t mode_type, width, height, depth;
	/* v2 */
	uint32_t requests[KX_MB2_REQUESTS_MAX]; /* information request tag's types */
	unsigned int nr_requests;
	bool requests_optional;      /* the request tag's flags bit 0 */
	bool console_required;       /* console flags bit 0 */
	bool console_ega;            /* console flags bit 1: EGA text supported */
	bool module_align;
	bool relocatable;
	uint32_t rel_min, rel_max, rel_align, rel_preference;
	bool efi_bs, efi32_entry, efi64_entry;   /* present (all optional, see the loader) */
};

/*
 * Find the first valid header of `version` in `image`: 1 (found, *ret
 * filled), 0 (none: not this format), -1 (a header whose checksum holds
 * but a field breaks a rule, or one whose magic is there with a broken
 * checksum and no valid one: err names the field and the rule).
 */
int kx_multiboot_find(struct kx_bytes image, unsigned int version, struct kx_multiboot_header *ret,
		      struct kx_error *err);

#endif
