// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elf-x86: a 32-bit x86 ELF executable (ELFCLASS32, EM_386 or the old EM_486, 6),
 * kexec-tools' elf-x86 loader. Its PT_LOADs go where p_paddr says, below
 * 4 GiB, and it is entered at e_entry in 32-bit protected mode, handed
 * (kexec-tools' --args-* on x86_64, which this follows):
 *   --args-elf (the default): ELF boot notes, their address at [ESP+4]
 *     under a zero return address, no initrd;
 *   --args-linux: boot_params in ESI, as a Linux kernel's 32-bit entry;
 *   --args-none: nothing (kexec-tools refuses it on x86_64, where its
 *     purgatory would be skipped and the entry run in long mode; kexec-ng's
 *     purgatory still checks the digests and enters in 32-bit mode).
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "elf.h"
#include "format.h"

#define EM_486_OLD 6   /* kexec-tools' EM_486: the old number for the i486 (glibc no longer names it) */

static enum kx_probe elf_x86_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
				   struct kx_error *err)
{
	struct kx_elf elf;

	(void)arch;
	if (!kx_elf_is_elf(image) || image.size <= EI_CLASS || image.data[EI_CLASS] != ELFCLASS32)
		return KX_PROBE_NO;
	if (kx_elf32_parse(image, "ELF header", EM_386, EM_486_OLD, &elf, err) < 0)
		return KX_PROBE_BROKEN;
	return KX_PROBE_YES;
}

static int elf_x86_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			    struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_elf elf;

	if (kx_elf32_parse(ctx->kernel->bytes, name, EM_386, EM_486_OLD, &elf, err) < 0)
		return -1;
	if (ctx->opts->crash)
		return kx_fail(err, KX_E_INPUT,
			       "%s: a 32-bit ELF runs where its p_paddr says, not in the crash kernel region: "
			       "it cannot be a crash kernel", name);
	k->format = "ELF 32-bit";
	k->entry32 = true;
	k->args = ctx->opts->args == KX_ARGS_DEFAULT ? KX_ARGS_ELF : ctx->opts->args;
	if (k->args == KX_ARGS_LINUX)
		k->args = KX_ARGS_DEFAULT;   /* boot_params, as for every Linux kernel */
	return kx_elf_fixed_pieces(&elf, ctx->kernel->bytes, name, k, err);
}

/* No kexec_file_load loader on x86_64 takes a 32-bit ELF. */
static bool elf_x86_needs_kexec_load(struct kx_bytes image, const struct kx_plan_options *opts,
				     char *why, size_t len)
{
	(void)image;
	(void)opts;
	snprintf(why, len, "a 32-bit ELF, which no kexec_file_load loader takes");
	return true;
}

const struct kx_format_ops kx_format_elf_x86 = {
	.name = "elf-x86",
	.probe = elf_x86_probe,
	.describe = elf_x86_describe,
	.needs_kexec_load = elf_x86_needs_kexec_load,
};
