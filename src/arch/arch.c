// SPDX-License-Identifier: GPL-2.0-or-later
#include "arch.h"

#include <string.h>

static const struct kx_arch_ops *const all_arches[] = {
	&kx_arch_x86_64,
	&kx_arch_arm64,
	&kx_arch_riscv64,
	NULL,
};

const struct kx_arch_ops *kx_arch_by_name(const char *name)
{
	for (const struct kx_arch_ops *const *a = all_arches; *a; a++)
		if (!strcmp((*a)->name, name))
			return *a;
	return NULL;
}

const struct kx_arch_ops *kx_arch_native(void)
{
#if defined(__x86_64__)
	return &kx_arch_x86_64;
#elif defined(__aarch64__)
	return &kx_arch_arm64;
#elif defined(__riscv) && __riscv_xlen == 64
	return &kx_arch_riscv64;
#else
	return NULL;
#endif
}
