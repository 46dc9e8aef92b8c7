/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offsets of the x86 setup header in a bzImage file and in boot_params
 * (arch/x86/include/uapi/asm/bootparam.h; Documentation/arch/x86/boot.rst). */
#ifndef KX_X86_SETUP_H
#define KX_X86_SETUP_H

#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"
#include "format.h"

#define BZ_SETUP_HEADER     0x1f1
#define BZ_SETUP_SECTS      0x1f1
#define BZ_BOOT_FLAG        0x1fe
#define BZ_HEADER_MAGIC     0x202
#define BZ_HDRS             0x53726448u /* "HdrS" */
#define BZ_VERSION          0x206
#define BZ_TYPE_OF_LOADER   0x210
#define BZ_LOADFLAGS        0x211
#define BZ_CODE32_START     0x214
#define BZ_RAMDISK_IMAGE    0x218
#define BZ_RAMDISK_SIZE     0x21c
#define BZ_CMD_LINE_PTR     0x228
#define BZ_INITRD_ADDR_MAX  0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE      0x234
#define BZ_XLOADFLAGS       0x236
#define BZ_CMDLINE_SIZE     0x238
#define BZ_PAYLOAD_OFFSET   0x248
#define BZ_PAYLOAD_LENGTH   0x24c
#define BZ_SETUP_DATA       0x250
#define BZ_PREF_ADDRESS     0x258
#define BZ_INIT_SIZE        0x260
#define BZ_HEADER_MIN_END   0x268 /* end of the 2.12 header fields we read */

#define LOADED_HIGH         (1u << 0)
#define XLF_KERNEL_64       (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define XLF_EFI_KEXEC       (1u << 4)

struct kx_bzimage {
	uint16_t version;
	uint8_t loadflags;
	uint32_t code32_start;  /* the 32-bit entry; a non-relocatable kernel's load address */
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint32_t payload_offset, payload_length;
	uint64_t pref_address;
	uint32_t init_size;
	uint64_t setup_size;   /* bytes before the protected-mode kernel */
	uint64_t pm_size;      /* protected-mode kernel bytes in the file */
	uint64_t header_len;   /* setup header bytes from 0x1f1 */
};

/*
 * What the x86_64 back end reads of a kernel's setup header (the bytes
 * from 0x1f1, kx_kernel_desc.protocol_header); 0 for a field the header
 * is too short to hold, and everything 0 without a header (ELF vmlinux):
 * the back end's defaults apply then.
 */
struct kx_x86_setup {
	uint16_t xloadflags;
	uint32_t cmdline_size;       /* longest command line accepted, excluding NUL */
	uint32_t initrd_addr_max;
};
struct kx_x86_setup kx_x86_setup_of(struct kx_bytes setup_header);

enum kx_probe kx_bzimage_probe_bytes(struct kx_bytes image);
/* Parse and check a bzImage; every refusal names the field and the rule.
 * The rules of one entry only are kx_bzimage_check_entry64's. */
int kx_bzimage_parse(struct kx_bytes image, const char *name, struct kx_bzimage *ret,
		     struct kx_error *err);
/* What the 64-bit entry needs besides: XLF_KERNEL_64, a relocatable kernel. */
int kx_bzimage_check_entry64(const struct kx_bzimage *bz, const char *name, struct kx_error *err);

#endif
