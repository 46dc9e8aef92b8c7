/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UNWRAP_H
#define KX_UNWRAP_H

#include "../core/file.h"

/* Largest kernel we accept after decompression: a cap against bombs. */
#define KX_KERNEL_DECOMPRESSED_MAX (512ULL << 20)

/*
 * Peel compression layers off a kernel file: while `in` starts with a known
 * compression magic, stream it into a sealed memfd and look again (at most a
 * few layers). On return *ret is either a new file (ret->fd >= 0) or left
 * closed when `in` was not compressed; `chain` receives "gzip", "" etc.
 */
int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err);

#endif
