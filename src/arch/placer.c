// SPDX-License-Identifier: GPL-2.0-or-later
#include "placer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../purgatory/purgatory.h"
#include "../core/units.h"


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
	return kx_memmap_add(&p->used, start, end, 0, err);
}

int kx_purgatory_add(struct kx_plan *plan, struct kx_placer *p, const char *arch,
		     struct kx_purgatory_params *params, const struct kx_load_options *o,
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
	/* The purgatory's own segment is not a region: it writes its stack
	 * there before it checks anything. */
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		struct kx_segment *s = &plan->segments[i];
		kx_plan_hash_segment(plan, i);
		params->regions[i].start = s->mem;
		params->regions[i].len = s->bufsz;
		memcpy(params->regions[i].sha256, s->sha256, 32);
	}
	params->nr_regions = plan->nr_segments;
	params->flags = o->no_checks ? 0 : KX_PURGATORY_VERIFY;
	if (o->test_wrong_digest && params->nr_regions)
		params->regions[0].sha256[0] ^= 0xff; /* test-only: the purgatory must refuse */

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
	kx_plan_hash_segment(plan, plan->nr_segments - 1);
	kx_plan_hash(plan);
	plan->entry = addr;
	plan->verify = !o->no_checks;
	return 0;
}
