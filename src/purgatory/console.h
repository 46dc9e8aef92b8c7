/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a purgatory says on its console, shared by every architecture; each
 * brings only its UART's putc. Freestanding. The putc function and the
 * UART's address travel as plain arguments (no struct with a function
 * pointer that the compiler could turn into a relocated template).
 */
#ifndef KX_PURGATORY_CONSOLE_H
#define KX_PURGATORY_CONSOLE_H

#include <stdint.h>

#include "purgatory_abi.h"

typedef void kx_putc_fn(uint64_t uart, char c);

void kx_console_puts(kx_putc_fn *putc, uint64_t uart, const char *s);
void kx_console_put_u64(kx_putc_fn *putc, uint64_t uart, uint64_t v, unsigned int radix);
/* "digest mismatch in region N (start .., len ..): refusing to boot", or the
 * bad-parameter-block line when bad >= KX_PURGATORY_REGIONS_MAX. */
void kx_console_refusal(kx_putc_fn *putc, uint64_t uart, const struct kx_purgatory_params *p, int bad);
/* "N regions verified" */
void kx_console_verified(kx_putc_fn *putc, uint64_t uart, const struct kx_purgatory_params *p);

#endif
