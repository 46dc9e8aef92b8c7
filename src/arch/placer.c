// SPDX-License-Identifier: GPL-2.0-or-later
#include "placer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/units.h"
#include "../purgatory/purgatory.h"
#include "../system/facts.h"
#include "../system/syscalls.h"
#include "arch.h"
#include "crash_plan.h"


void kx_placer_init(struct kx_placer *p, const struct kx_memmap *ram, uint64_t mem_min,
		    uint64_t mem_max)
{
	p->ram = ram;
	p->used.count = 0;
	p->mem_min = mem_min;
	p->mem_max = mem_max ? mem_max : UINT64_MAX;
	p->when_full[0] = 0;
}

int kx_place(struct kx_placer *p, struct kx_hole_request rq, uint64_t *ret, struct kx_error *err)
{
	if (rq.min < p->mem_min)
		rq.min = p->mem_min;
	if (rq.max > p->mem_max)
		rq.max = p->mem_max;
	if (kx_find_hole(p->ram, &p->used, &rq, ret, err) < 0) {
		if (p->when_full[0])
			kx_error_prefix(err, "%s", p->when_full);
		return -1;
	}
	return kx_memmap_add(&p->used, *ret, *ret + kx_align_up(rq.size, KX_PAGE_SIZE), 0, err);
}

int kx_place_prefer(struct kx_placer *p, struct kx_hole_request rq, uint64_t prefer_max, uint64_t *ret,
		    struct kx_error *err)
{
	struct kx_hole_request low = rq;
	if (prefer_max < low.max)
		low.max = prefer_max;
	if (kx_place_fits(p, low))
		return kx_place(p, low, ret, err);
	return kx_place(p, rq, ret, err);
}

bool kx_place_fits(const struct kx_placer *p, struct kx_hole_request rq)
{
	uint64_t addr;
	if (rq.min < p->mem_min)
		rq.min = p->mem_min;
	if (rq.max > p->mem_max)
		rq.max = p->mem_max;
	return kx_find_hole(p->ram, &p->used, &rq, &addr, NULL) == 0;
}

int kx_place_fixed(struct kx_placer *p, const char *what, uint64_t start, uint64_t size,
		   struct kx_error *err)
{
	uint64_t end = start + kx_align_up(size, KX_PAGE_SIZE);
	if (start < p->mem_min || end - 1 > p->mem_max)
		return kx_fail(err, KX_E_PLAN,
			       "%s at 0x%" PRIx64 "-0x%" PRIx64 " lies outside --mem-min/--mem-max",
			       what, start, end - 1);
	if (!kx_memmap_contains(p->ram, start, end))
		return kx_fail(err, KX_E_PLAN, "%s at 0x%" PRIx64 "-0x%" PRIx64 " is not inside usable RAM",
			       what, start, end - 1);
	for (unsigned int i = 0; i < p->used.count; i++) {
		const struct kx_range *u = &p->used.ranges[i];
		if (start < u->end && u->start < end)
			return kx_fail(err, KX_E_PLAN, "%s at 0x%" PRIx64 "-0x%" PRIx64 " overlaps 0x%" PRIx64
				       "-0x%" PRIx64 ", already taken by another segment", what, start, end - 1,
				       u->start, u->end - 1);
	}
	return kx_memmap_add(&p->used, start, end, 0, err);
}

int kx_purgatory_add(struct kx_plan *plan, struct kx_placer *p, const char *arch,
		     struct kx_purgatory_params *params, const struct kx_plan_options *o,
		     uint64_t min, uint64_t prefer_max, struct kx_error *err)
{
	struct kx_purgatory_blob blob;
	uint64_t addr;
	char source[64];

	if (kx_purgatory_blob(arch, &blob, err) < 0)
		return -1;
	if (plan->nr_segments > KX_PURGATORY_REGIONS_MAX)
		return kx_fail(err, KX_E_PLAN, "%u segments: the purgatory checks at most %d",
			       plan->nr_segments, KX_PURGATORY_REGIONS_MAX);
	/* Every segment's digest, on every CPU (the purgatory's own segment
	 * comes later). --no-checks: the purgatory reads no digest, so none is
	 * computed (a pass over every byte of the kernel and initrd saved). */
	plan->digest_kind = o->digest_kind;
	if (!o->no_checks)
		kx_plan_hash_segments(plan, 0, plan->nr_segments);
	/* The purgatory's own segment is not a region: it writes its stack
	 * there before it checks anything. Nor is one the kernel rewrites
	 * after the load (the ELF core header under crash hotplug). */
	params->nr_regions = 0;
	params->digest_kind = o->digest_kind == KX_DIGEST_SHA256 ? KX_PURGATORY_DIGEST_SHA256 :
			      KX_PURGATORY_DIGEST_CRC32C;
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		struct kx_segment *s = &plan->segments[i];
		if (s->kernel_rewrites)
			continue;
		struct kx_purgatory_region *r = &params->regions[params->nr_regions++];
		r->start = s->mem;
		r->len = s->bufsz;
		memcpy(r->digest, s->digest, sizeof(r->digest));
	}
	/* (the back end may have set its console flags already) */
	params->flags |= o->no_checks ? 0 : KX_PURGATORY_VERIFY;
	if (o->test_wrong_digest && params->nr_regions)
		params->regions[0].digest[0] ^= 0xff; /* test-only: the purgatory must refuse */

	struct kx_hole_request rq = { .what = "purgatory", .size = blob.memsz, .align = KX_PURGATORY_ALIGN,
				      .min = min, .max = UINT64_MAX, .top_down = false };
	if (kx_place_prefer(p, rq, prefer_max, &addr, err) < 0)
		return -1;
	uint8_t *buf = kx_plan_own(plan, malloc(blob.size));
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_purgatory_fill(&blob, buf, blob.size, params, err) < 0)
		return -1;
	snprintf(source, sizeof(source), "built: kexec-ng %s purgatory", arch);
	if (kx_plan_add(plan, "purgatory", source, buf, blob.size, addr,
			kx_align_up(blob.memsz, KX_PAGE_SIZE), err) < 0)
		return -1;
	if (!o->no_checks) {
		kx_plan_hash_segments(plan, plan->nr_segments - 1, 1);
		kx_plan_hash(plan);
		plan->hashed = true;
	}
	plan->entry = addr;
	plan->verify = !o->no_checks;
	return 0;
}

/* ---- the plan skeleton every back end follows -------------------------------- */

int kx_plan_ram(const struct kx_plan_ctx *ctx, const char *sources, struct kx_memmap *ret,
		struct kx_error *err)
{
	/* kexec_core.c refuses any crash segment outside the region */
	if (ctx->opts->crash)
		return kx_crash_ram(ctx, ret, err);
	if (kx_facts_usable_ram(ctx->facts, ret, err) < 0)
		return -1;
	if (ret->count == 0)
		return kx_fail(err, KX_E_SYSTEM, "no RAM ranges known: %s", sources);
	return 0;
}

int kx_plan_begin(const struct kx_plan_ctx *ctx, const struct kx_memmap *ram, struct kx_placer *p,
		  struct kx_plan *plan, struct kx_error *err)
{
	const struct kx_plan_options *o = ctx->opts;

	kx_placer_init(p, ram, o->mem_min, o->mem_max);
	if (o->crash)
		kx_crash_name_placer(p, ram);
	plan->arch = ctx->arch->name;
	if (strlen(o->cmdline) >= sizeof(plan->cmdline))
		return kx_fail(err, KX_E_USAGE, "command line longer than %zu bytes", sizeof(plan->cmdline) - 1);
	snprintf(plan->cmdline, sizeof(plan->cmdline), "%s", o->cmdline);
	return 0;
}

int kx_plan_add_kernel(struct kx_plan *plan, const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
		       uint64_t base, struct kx_error *err)
{
	char source[96];

	for (unsigned int i = 0; i < k->nr_pieces; i++) {
		const struct kx_kernel_piece *piece = &k->pieces[i];
		/* named by where the piece starts in the (unwrapped) file */
		snprintf(source, sizeof(source), "%s @0x%" PRIx64, ctx->kernel->path,
			 (uint64_t)(piece->bytes.data - ctx->kernel->bytes.data));
		if (kx_plan_add(plan, "kernel", source, piece->bytes.data, piece->bytes.size,
				base + piece->paddr, kx_align_up(piece->memsz, KX_PAGE_SIZE), err) < 0)
			return -1;
	}
	plan->kernel_room_start = base;
	plan->kernel_room_size = kx_align_up(k->span, KX_PAGE_SIZE);
	return 0;
}

int kx_plan_finish(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
		   struct kx_purgatory_params *params, uint64_t min, uint64_t prefer_max,
		   const struct kx_memmap *ram, struct kx_error *err)
{
	const struct kx_plan_options *o = ctx->opts;

	if (kx_purgatory_add(plan, p, ctx->arch->name, params, o, min, prefer_max, err) < 0)
		return -1;
	plan->kernel_entry = params->entry;
	plan->flags = ctx->arch->kexec_arch_flag | (o->crash ? KEXEC_ON_CRASH : 0) |
		      (o->crash && o->crash_hotplug ? ctx->arch->crash_hotplug_flag : 0);
	/* a crash image lives in its region: the half-of-RAM rule is not the kernel's test there */
	return kx_plan_check(plan, ram, o->crash ? 0 : kx_memmap_total(ram), err);
}
