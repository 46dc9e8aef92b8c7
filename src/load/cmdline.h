/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/error.h"

/*
 * The new kernel's command line: `reused` (the running one, when
 * --reuse-cmdline) with BOOT_IMAGE= dropped (and crashkernel= for a crash
 * kernel), then `append`, into `out` (`size` >= 1 bytes with the NUL).
 * *ret_len: its length, also when it does not fit. Fails (KX_E_USAGE) when
 * it does not fit; `out` then holds what fitted.
 */
int kx_cmdline_compose(const char *reused, const char *append, bool crash,
		       char *out, size_t size, size_t *ret_len, struct kx_error *err);
#endif
