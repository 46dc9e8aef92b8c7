/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/error.h"

/*
 * The new kernel's command line: `reused` (the running one, when
 * --reuse-cmdline) with BOOT_IMAGE= dropped (and crashkernel= for a crash
 * kernel), then `append`. Fails when it does not fit `size`.
 */
int kx_cmdline_compose(const char *reused, const char *append, bool crash,
		       char *out, size_t size, struct kx_error *err);
/* I/O port of the 16550 named by --serial (ttyS0..3 or a number) or by the
 * last console=ttySN on the command line; 0 when none. */
int kx_serial_port(const char *serial_opt, const char *cmdline, uint16_t *ret, struct kx_error *err);

/* A number in C notation (decimal, 0x hex); -1 when `s` is not one. */
int kx_parse_u64(const char *s, uint64_t *ret);

#endif
