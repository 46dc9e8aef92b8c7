/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_DTB_BOOT_H
#define KX_DTB_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/plan.h"
#include "../core/units.h"
#include "../formats/format.h"

/* The largest device tree handed to a new kernel: arm64's booting.rst
 * ("must not exceed 2 megabytes"); riscv64 maps the tree early in a window
 * of the same size (MAX_FDT_SIZE). Exactly this many bytes are fine. */
#define KX_DTB_BOOT_MAX (2 * MiB)

/* What differs between the architectures booted with a device tree. */
struct kx_dtb_boot_rules {
	uint64_t window;              /* initrd and DTB within this many bytes from the
				       * 1 GiB-aligned base below the kernel; 0 = anywhere */
	bool x0_is_dtb;               /* the purgatory passes the DTB in the first register
				       * (arm64); riscv64's kernel sets a0/a1 itself */
	const char *uart_compatible;  /* the purgatory's UART driver ("arm,pl011") */
	const char *console;          /* the command line's console for it ("console=ttyAMA") */
	bool spcr_pl011;              /* an ACPI boot's SPCR PL011 may be the purgatory's UART */
	bool uart_byte_regs;          /* the purgatory drives the UART as byte registers at
				       * consecutive addresses: a node with another
				       * reg-shift or reg-io-width gets a silent purgatory */
};

int kx_dtb_boot_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
			   struct kx_plan *plan, const struct kx_dtb_boot_rules *rules,
			   struct kx_error *err);

#endif
