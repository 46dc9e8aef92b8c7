/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's digest check, as a plain C function so that the very code
 * the purgatory runs is also compiled into a host unit test, where the
 * regions point at ordinary buffers instead of physical memory.
 */
#ifndef KX_PURGATORY_VERIFY_H
#define KX_PURGATORY_VERIFY_H

#include "purgatory/purgatory_abi.h"

/*
 * Hash every region of `params` with params->digest_kind (SHA-256 or
 * CRC32C) and compare with its stored digest field, all 32 bytes. Returns
 * -1 when all match (also when there are no regions), the index of the
 * first region whose digest differs, or KX_PURGATORY_REGIONS_MAX for a
 * corrupt parameter block (nr_regions larger than the table, a digest
 * kind it does not know: the caller must refuse to boot just the same).
 * Region addresses are used as pointers: the purgatory runs under an
 * identity map, so physical == virtual. A region that does not fit in the
 * address space counts as bad. params->flags is not looked at: whether to
 * verify is the caller's call. The digest code uses the CPU's instructions
 * for it when there are any.
 */
int kx_purgatory_verify(const struct kx_purgatory_params *params);

/* The same; with `portable` the C code of the digest even where the CPU
 * has instructions for it (the harness's KX_KNOB_PORTABLE). */
int kx_purgatory_verify_with(const struct kx_purgatory_params *params, int portable);

/* What kx_purgatory_verify_with(params, portable) hashes with on this CPU,
 * for the harness's report: "crc32c, SSE4.2 crc32 instruction". */
const char *kx_purgatory_digest_impl(const struct kx_purgatory_params *params, int portable);

#endif
