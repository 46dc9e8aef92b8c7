// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF vmlinux: PT_LOADs placed at their physical addresses. On x86_64 this
 * is the kernel the bzImage decompressor would have produced; it is entered
 * at its 64-bit entry with boot_params, like a bzImage (--args-linux, the
 * default here), or with nothing (--args-none). kexec-tools' elf-x86_64
 * loader defaults to ELF boot notes instead, entered in long mode; no 64-bit
 * program reads them, and kexec-ng does not build them for one.
 */
#include <inttypes.h>

#include "../arch/arch.h"
#include "elf.h"
#include "format.h"

static int elf_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_elf elf;

	if (kx_elf_parse(ctx->kernel->bytes, name, ctx->arch->elf_machine, &elf, err) < 0)
		return -1;
	k->format = "ELF vmlinux";
	if (ctx->opts->args == KX_ARGS_ELF)
		return kx_fail(err, KX_E_USAGE,
			       "--args-elf: ELF boot notes are built for a 32-bit ELF (elf-x86), entered in 32-bit "
			       "mode; %s is a 64-bit ELF, entered in long mode with boot_params (--args-linux) or "
			       "with nothing (--args-none)", name);
	k->args = ctx->opts->args == KX_ARGS_NONE ? KX_ARGS_NONE : KX_ARGS_DEFAULT;
	return kx_elf_fixed_pieces(&elf, ctx->kernel->bytes, name, k, err);
}

const struct kx_format_ops kx_format_elf_vmlinux = {
	.name = "elf",
	.probe = kx_elf_probe,
	.describe = elf_describe,
};
