// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 back end (Documentation/arch/arm64/booting.rst). Debian's arm64
 * kernels have no kexec_file_load, so this kexec_load plan is the only way
 * to kexec there. The planning is shared with riscv64 (../dtb_boot.c); what
 * is arm64's own is here.
 */
#include <elf.h>

#include "../arch.h"
#include "../dtb_boot.h"

#define KEXEC_ARCH_AARCH64 (183UL << 16)

static const struct kx_dtb_boot_rules arm64_rules = {
	.window = 32ULL << 30,        /* booting.rst: the initrd within 32 GiB of the kernel */
	.x0_is_dtb = true,            /* x0 = DTB, x1 = x2 = x3 = 0 */
	.uart_compatible = "arm,pl011",
	.console = "console=ttyAMA",
	.spcr_pl011 = true,
};

static int arm64_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
			    struct kx_plan *plan, struct kx_error *err)
{
	return kx_dtb_boot_build_plan(ctx, k, plan, &arm64_rules, err);
}

static const struct kx_format_ops *const arm64_formats[] = {
	&kx_format_arm64_image,
	&kx_format_elf_arm64,
	NULL,
};

const struct kx_arch_ops kx_arch_arm64 = {
	.name = "arm64",
	.elf_machine = EM_AARCH64,
	.pe_machine = 0xaa64 /* IMAGE_FILE_MACHINE_ARM64 */,
	.kexec_arch_flag = KEXEC_ARCH_AARCH64,
	.crash_hotplug_flag = KX_KEXEC_CRASH_HOTPLUG_SUPPORT,
	.command_line_size = 2048,  /* arch/arm64/include/uapi/asm/setup.h */
	.formats = arm64_formats,
	.build_plan = arm64_build_plan,
	.purgatory_console = kx_dtb_boot_console,
	.boot_tree = kx_dtb_boot_tree,
	.tree_source = kx_dtb_boot_tree_source,
	.help =
	"arm64 options:\n"
	"      --dtb=FILE             device tree for the new kernel (default: /sys/firmware/fdt,\n"
	"                             else /proc/device-tree)\n"
	"      --serial=ADDR          purgatory console: MMIO address of a PL011 (default: the\n"
	"                             stdout-path UART when the command line names a console)\n",
};
