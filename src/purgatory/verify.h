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
 * Hash every region of `params` and compare with its stored digest.
 * Returns -1 when all match (also when there are no regions), the index of
 * the first region whose digest differs, or KX_PURGATORY_REGIONS_MAX when
 * nr_regions is larger than the table (a corrupt parameter block: the
 * caller must refuse to boot just the same). Region addresses are used as
 * pointers: the purgatory runs under an identity map, so physical ==
 * virtual. A region that does not fit in the address space counts as bad.
 * params->flags is not looked at: whether to verify is the caller's call.
 */
int kx_purgatory_verify(const struct kx_purgatory_params *params);

#endif
