/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every back end does the same way: place segments with the user's
 * --mem-min/--mem-max, and finish a plan with the verifying purgatory. */
#ifndef KX_PLACER_H
#define KX_PLACER_H

#include "../core/plan.h"
#include "../formats/format.h"
#include "../memmap/memmap.h"
#include "../purgatory/purgatory_abi.h"

struct kx_placer {
	const struct kx_memmap *ram;
	struct kx_memmap used;
	uint64_t mem_min, mem_max;  /* user bounds, mem_max inclusive */
	/* what "no hole" means for this RAM, put before kx_place's error
	 * ("" when it needs no words: a normal load) */
	char when_full[96];
};

void kx_placer_init(struct kx_placer *p, const struct kx_memmap *ram, uint64_t mem_min,
		    uint64_t mem_max);
/* Find a hole within the user's bounds and mark it used. */
int kx_place(struct kx_placer *p, struct kx_hole_request rq, uint64_t *ret, struct kx_error *err);
/* kx_place below `prefer_max` when there is room there, else within rq's
 * own bounds (firmware and old tools expect some things below 4 GiB). */
int kx_place_prefer(struct kx_placer *p, struct kx_hole_request rq, uint64_t prefer_max, uint64_t *ret,
		    struct kx_error *err);
/* Would kx_place find a hole? Nothing is marked used. */
bool kx_place_fits(const struct kx_placer *p, struct kx_hole_request rq);
/* Mark a fixed range used, refusing one outside RAM or the user's bounds,
 * or one that overlaps a range already used. */
int kx_place_fixed(struct kx_placer *p, const char *what, uint64_t start, uint64_t size,
		   struct kx_error *err);

/*
 * Hash every segment already in the plan (once, with the options' digest
 * kind, on every CPU), put their digests and the kind in `params` (whose
 * entry and registers the caller set), place the purgatory
 * of `arch` (at or above `min`, below `prefer_max` when there is room
 * there) and add it as the last segment; set the plan's entry, verify
 * flag and digest. Honours --no-checks and the test-only wrong digest.
 */
int kx_purgatory_add(struct kx_plan *plan, struct kx_placer *p, const char *arch,
		     struct kx_purgatory_params *params, const struct kx_plan_options *o,
		     uint64_t min, uint64_t prefer_max, struct kx_error *err);

/*
 * The plan skeleton every back end follows, in this order:
 * kx_plan_ram: the RAM segments may use: the crash region for -p (see
 *   kx_crash_ram), else usable RAM; none known is an error naming
 *   `sources`, where this architecture learns its RAM.
 * kx_plan_begin: the placer on `ram` with the user's --mem-min/--mem-max
 *   (crash: its "region too small" wording), the plan's architecture and
 *   command line (KX_E_USAGE when too long).
 * kx_plan_add_kernel: a relocatable kernel's pieces at `base`.
 * kx_plan_finish: the purgatory last (its parameters hold every other
 *   segment's digest; the caller set entry and registers), the plan's
 *   kernel entry, flags (arch | KEXEC_ON_CRASH) and the kernel's checks.
 */
int kx_plan_ram(const struct kx_plan_ctx *ctx, const char *sources, struct kx_memmap *ret,
		struct kx_error *err);
int kx_plan_begin(const struct kx_plan_ctx *ctx, const struct kx_memmap *ram, struct kx_placer *p,
		  struct kx_plan *plan, struct kx_error *err);
int kx_plan_add_kernel(struct kx_plan *plan, const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
		       uint64_t base, struct kx_error *err);
int kx_plan_finish(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
		   struct kx_purgatory_params *params, uint64_t min, uint64_t prefer_max,
		   const struct kx_memmap *ram, struct kx_error *err);

#endif
