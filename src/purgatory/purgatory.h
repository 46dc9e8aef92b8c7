/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loader's side of the purgatory: find the blob built into this
 * program for an architecture, and make a copy of it with the parameter
 * block filled in (entry, registers, regions and their digests). The
 * result is one more segment of the plan; the blob needs no relocation,
 * only a KX_PURGATORY_ALIGN-aligned address and `memsz` bytes there.
 */
#ifndef KX_PURGATORY_H
#define KX_PURGATORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "purgatory/purgatory_abi.h"

struct kx_purgatory_blob {
	const uint8_t *data;      /* the flat binary; entry at offset 0 */
	size_t size;              /* bytes of data (the segment's bufsz) */
	uint32_t memsz;           /* bytes it needs in memory, >= size (bss, stack) */
	uint32_t params_offset;   /* where struct kx_purgatory_params goes */
};

/*
 * The embedded blob for `arch` ("x86_64"), its header checked.
 * Errors: KX_E_PLAN naming the architecture when this build has no
 * purgatory for it (or, never expected, when the embedded one is corrupt).
 */
int kx_purgatory_blob(const char *arch, struct kx_purgatory_blob *ret,
		      struct kx_error *err);

/*
 * Copy the blob into `buf`, zero the rest of `buf` (buf_size >= blob->size;
 * it may be as large as memsz), and write `params` little-endian at
 * params_offset. Errors: KX_E_PLAN when `buf` is too
 * small, params->nr_regions exceeds KX_PURGATORY_REGIONS_MAX or
 * params->digest_kind is not a KX_PURGATORY_DIGEST_*.
 */
int kx_purgatory_fill(const struct kx_purgatory_blob *blob, uint8_t *buf,
		      size_t buf_size, const struct kx_purgatory_params *params,
		      struct kx_error *err);

#endif
