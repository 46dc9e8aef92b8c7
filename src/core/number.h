/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_NUMBER_H
#define KX_NUMBER_H

#include <stdint.h>

/* A number in C notation (decimal, 0x hex, 0 octal); -1 when `s` is not one
 * (empty, trailing characters, negative, out of range). */
int kx_parse_u64(const char *s, uint64_t *ret);

#endif
