/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64's hooks of struct kx_arch_ops (console.c). */
#ifndef KX_X86_CONSOLE_H
#define KX_X86_CONSOLE_H

#include <stdint.h>

#include "../../core/error.h"

struct kx_dtb;
struct kx_notes;

int kx_x86_console(const char *serial_opt, const char *cmdline, uint64_t *ret, struct kx_error *err);
int kx_x86_boot_tree(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_notes *notes,
		     struct kx_error *err);
const char *kx_x86_tree_source(const char *dtb_path);

#endif
