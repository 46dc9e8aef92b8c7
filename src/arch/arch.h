/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architecture back ends. Every back end is compiled on every host so its
 * planner runs in the unit tests; kx_arch_native() names the one for the
 * machine we run on.
 */
#ifndef KX_ARCH_H
#define KX_ARCH_H

#include <stdint.h>

#include "../formats/format.h"

struct kx_arch_ops {
	const char *name;                 /* "x86_64" */
	uint16_t elf_machine;             /* EM_X86_64 */
	uint16_t pe_machine;              /* PE/COFF Machine: 0x8664 (a UKI's must match) */
	unsigned long kexec_arch_flag;    /* KEXEC_ARCH_X86_64 (62 << 16) */
	const struct kx_format_ops *const *formats; /* NULL-terminated */
	/* Turn a described kernel into segments, entry and flags. */
	int (*build_plan)(const struct kx_load_ctx *ctx, const struct kx_kernel_desc *kernel,
			  struct kx_plan *plan, struct kx_error *err);
	const char *help;                 /* architecture-specific options for --help */
	int needs_dtb;                    /* the plan hands a device tree to the kernel */
};

extern const struct kx_arch_ops kx_arch_x86_64;
extern const struct kx_arch_ops kx_arch_arm64;
extern const struct kx_arch_ops kx_arch_riscv64;

const struct kx_arch_ops *kx_arch_native(void);
const struct kx_arch_ops *kx_arch_by_name(const char *name);

#endif
