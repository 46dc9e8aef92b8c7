// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * riscv64 back end (Documentation/arch/riscv/boot.rst). The kernel's
 * machine_kexec finds the DTB segment by its magic and enters the image with
 * a0 = hart id, a1 = DTB; our purgatory keeps both, checks every segment's
 * SHA-256 and jumps to the kernel with the MMU off. Debian's riscv64
 * kernels have no kexec_file_load; kexec-tools has no riscv64 purgatory.
 * The planning is shared with arm64 (../dtb_boot.c).
 */
#include <elf.h>

#include "../arch.h"
#include "../dtb_boot.h"

#define KEXEC_ARCH_RISCV (243UL << 16)

static const struct kx_dtb_boot_rules riscv64_rules = {
	.window = 0,                  /* the riscv kernel maps all of RAM */
	.x0_is_dtb = false,           /* a0/a1 come from the kernel's machine_kexec */
	.uart_compatible = "ns16550a",
	.uart_byte_regs = true,
	.console = "console=ttyS",
};

static int riscv64_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
			      struct kx_plan *plan, struct kx_error *err)
{
	return kx_dtb_boot_build_plan(ctx, k, plan, &riscv64_rules, err);
}

static const struct kx_format_ops *const riscv64_formats[] = {
	&kx_format_riscv64_image,
	&kx_format_elf_riscv64,
	NULL,
};

const struct kx_arch_ops kx_arch_riscv64 = {
	.name = "riscv64",
	.elf_machine = EM_RISCV,
	.pe_machine = 0x5064 /* IMAGE_FILE_MACHINE_RISCV64 */,
	.kexec_arch_flag = KEXEC_ARCH_RISCV,
	.crash_hotplug_flag = KX_KEXEC_CRASH_HOTPLUG_SUPPORT,
	.command_line_size = 1024,  /* arch/riscv/include/uapi/asm/setup.h (before riscv had one: the generic 512) */
	.formats = riscv64_formats,
	.build_plan = riscv64_build_plan,
	.purgatory_console = kx_dtb_boot_console,
	.boot_tree = kx_dtb_boot_tree,
	.tree_source = kx_dtb_boot_tree_source,
	.help =
	"riscv64 options:\n"
	"      --dtb=FILE             device tree for the new kernel (default: /sys/firmware/fdt,\n"
	"                             else /proc/device-tree)\n"
	"      --serial=ADDR          purgatory console: MMIO address of an NS16550A (default: the\n"
	"                             stdout-path UART when the command line names a console)\n",
};
