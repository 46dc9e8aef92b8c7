/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KX_UNWRAP_H
#define KX_UNWRAP_H

#include "../compress/compress.h"
#include "../core/file.h"

/*
 * EFI zboot: 1 and the compressed payload when `file` is a zboot image, 0
 * when it is not, -1 when it is one but broken (the field is named).
 */
int kx_zboot_payload(struct kx_bytes file, const char *name, struct kx_bytes *ret_payload,
		     enum kx_compression *ret_comp, struct kx_error *err);

/* Largest kernel we accept after decompression: a cap against bombs. */
#define KX_KERNEL_DECOMPRESSED_MAX (512ULL << 20)

/*
 * Peel compression layers off a kernel file: while `in` starts with a known
 * compression magic or is an EFI zboot image, stream it into a sealed memfd and look again (at most a
 * few layers). On return *ret is either a new file (ret->fd >= 0) or left
 * closed when `in` was not compressed; `chain` receives "gzip", "" etc.
 */
int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err);

#endif
