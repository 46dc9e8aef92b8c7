/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_X86_BOOT_PARAMS_H
#define KX_X86_BOOT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/error.h"
#include "../../formats/format.h"
#include "../../system/facts.h"

/* struct boot_params offsets (arch/x86/include/uapi/asm/bootparam.h) */
#define BP_SCREEN_INFO      0x000
#define BP_SCREEN_INFO_LEN  0x040
#define BP_APM_BIOS_INFO    0x040
#define BP_APM_LEN          0x014
#define BP_IST_INFO         0x060
#define BP_IST_LEN          0x010
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_SYS_DESC_TABLE   0x0a0
#define BP_SYS_DESC_LEN     0x010
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_EDID_INFO        0x140
#define BP_EDID_LEN         0x080
#define BP_EFI_INFO         0x1c0
#define BP_E820_ENTRIES     0x1e8
#define BP_EDDBUF_ENTRIES   0x1e9
#define BP_EDD_MBR_SIG_ENTRIES 0x1ea
#define BP_SECURE_BOOT      0x1ec
#define BP_EDD_MBR_SIG_BUF  0x290
#define BP_EDD_MBR_SIG_LEN  0x040
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128
#define BP_EDDBUF           0xd00
#define BP_EDDBUF_LEN       0x1ec
#define BP_SIZE             4096

#define SETUP_E820_EXT 1
#define SETUP_DTB 2
#define SETUP_EFI      4
#define SETUP_RNG_SEED 9
#define RNG_SEED_LEN   32

#define KX_LOADER_TYPE_KEXEC 0xD0 /* boot.rst: ID 0xD, kexec-tools' slot */

struct kx_x86_boot_inputs {
	const char *cmdline;
	uint64_t initrd_addr, initrd_size;  /* size 0: no initrd */
	bool use_efi;                       /* pass EFI info + runtime map */
	const uint8_t *random_seed;         /* RNG_SEED_LEN bytes, NULL: no seed */
	const struct kx_memmap *e820;       /* NULL: the firmware's map (a crash kernel gets its own) */
	const uint8_t *dtb;                 /* --dtb: a flattened tree for SETUP_DTB, NULL: none */
	uint32_t dtb_size;
};

/* Size of the boot_params segment (zero page + command line + setup_data). */
size_t kx_x86_boot_params_size(const struct kx_facts *f, const struct kx_x86_boot_inputs *in);
/*
 * Build the boot_params segment that will live at physical `addr` into `buf`
 * (kx_x86_boot_params_size() bytes). Pure: system facts in, bytes out.
 */
int kx_x86_boot_params_build(const struct kx_facts *f, const struct kx_kernel_desc *k,
			     const struct kx_x86_boot_inputs *in, uint64_t addr,
			     uint8_t *buf, size_t size, struct kx_error *err);

#endif
