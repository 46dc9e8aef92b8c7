// SPDX-License-Identifier: GPL-2.0-or-later
#include "crash_plan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../crash/crash.h"
#include "../system/facts.h"
#include "../core/units.h"


bool kx_crash_main_region(const struct kx_memmap *crash_regions, struct kx_range *ret)
{
	/* the facts keep the regions sorted and apart: the last is the highest
	 * (no merging: a crashk_low_res touching crashk_res stays its own) */
	if (crash_regions->count == 0)
		return false;
	*ret = crash_regions->ranges[crash_regions->count - 1];
	return true;
}

int kx_crash_ram(const struct kx_plan_ctx *ctx, struct kx_memmap *ret, struct kx_error *err)
{
	struct kx_range main_region;
	if (!kx_crash_main_region(&ctx->facts->crash_regions, &main_region))
		return kx_fail(err, KX_E_NO_CRASH_REGION,
			       "no crash kernel region: /proc/iomem has no \"Crash kernel\" entry");
	/* kexec_load takes crash segments only inside crashk_res
	 * (kexec_core.c: -EADDRNOTAVAIL otherwise). With two regions the
	 * other is crashk_low_res, the low one crashkernel=,high adds for
	 * the capture kernel's DMA. */
	ret->count = 1;
	ret->ranges[0] = main_region;
	return 0;
}

void kx_crash_name_placer(struct kx_placer *p, const struct kx_memmap *crash_ram)
{
	snprintf(p->when_full, sizeof(p->when_full),
		 "the crash kernel region (%llu MiB) is too small for this kernel and initrd: ",
		 (unsigned long long)(kx_memmap_total(crash_ram) >> 20));
}

void kx_crash_usable(const struct kx_plan_ctx *ctx, struct kx_memmap *ret)
{
	const struct kx_memmap *all = &ctx->facts->crash_regions;
	ret->count = 0;
	/* crashk_res (the highest) first, then the rest, as drivers/of/kexec.c */
	for (unsigned int i = all->count; i-- > 0;)
		ret->ranges[ret->count++] = all->ranges[i];
}

int kx_crash_hotplug_check(const struct kx_crash_facts *cf, struct kx_error *err)
{
	if (!cf->hotplug_elfcorehdr_size)
		return kx_fail(err, KX_E_SYSTEM, "--hotplug: /sys/kernel/crash_elfcorehdr_size is missing or not a "
			       "number: the running kernel cannot keep a crash kernel's ELF core header current on CPU "
			       "or memory hotplug (it needs CONFIG_CRASH_HOTPLUG, Linux 6.6+); load without --hotplug "
			       "and reload the crash kernel after each hotplug");
	return 0;
}

/*
 * --hotplug: on CPU or memory hotplug the kernel rewrites the header in
 * place (crash_handle_hotplug_event: it finds the segment that starts with
 * ELF magic and refuses a new header larger than the segment), so the
 * segment gets the room the kernel says its largest header needs.
 */
static int hotplug_room(const struct kx_crash_facts *cf, uint64_t size, uint64_t *ret, struct kx_error *err)
{
	if (kx_crash_hotplug_check(cf, err) < 0)
		return -1;
	*ret = cf->hotplug_elfcorehdr_size > size ? cf->hotplug_elfcorehdr_size : size;
	return 0;
}

int kx_crash_add_elfcorehdr(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
			    uint16_t e_machine, const struct kx_memmap *not_dumped,
			    uint64_t *ret_addr, uint64_t *ret_size, struct kx_error *err)
{
	const struct kx_facts *f = ctx->facts;
	struct kx_memmap ram;
	uint8_t *buf = NULL;
	size_t size;

	if (!ctx->crash)
		return kx_fail(err, KX_E_SYSTEM, "crash load without the crash facts (CPU notes, VMCOREINFO)");

	/* What the dump covers: the kernel's System RAM, without the crash
	 * regions (the capture kernel runs there; the header lies there too). */
	kx_memmap_select(&f->iomem_ram, KX_MEM_RAM, &ram);
	if (ram.count == 0)
		return kx_fail(err, KX_E_SYSTEM, "no \"System RAM\" in /proc/iomem to describe in the crash header");
	if (not_dumped && kx_memmap_subtract(&ram, not_dumped, &ram, err) < 0)
		return -1;
	struct kx_crash_info info = kx_crash_info_of(f, ctx->crash, e_machine, &ram);
	if (kx_crash_elfcorehdr(&info, &buf, &size, err) < 0)
		return -1;
	if (!kx_plan_own(plan, buf))
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	uint64_t room = size;
	if (ctx->opts->crash_hotplug && hotplug_room(ctx->crash, size, &room, err) < 0)
		return -1;
	struct kx_hole_request rq = { .what = "elfcorehdr", .size = room, .align = KX_PAGE_SIZE,
				      .min = 0, .max = UINT64_MAX, .top_down = true };
	if (kx_place(p, rq, ret_addr, err) < 0)
		return -1;
	/* with --hotplug the whole room is the header's (a rewritten one may
	 * fill it): the capture kernel keeps out of all of it */
	*ret_size = ctx->opts->crash_hotplug ? kx_align_up(room, KX_PAGE_SIZE) : size;
	if (kx_plan_add(plan, "elfcorehdr", "built: ELF core header of the running kernel", buf, size,
			*ret_addr, kx_align_up(room, KX_PAGE_SIZE), err) < 0)
		return -1;
	plan->segments[plan->nr_segments - 1].kernel_rewrites = ctx->opts->crash_hotplug;
	return 0;
}
