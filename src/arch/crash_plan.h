/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every back end does the same way for a crash (kdump) kernel. */
#ifndef KX_CRASH_PLAN_H
#define KX_CRASH_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/plan.h"
#include "../formats/format.h"
#include "placer.h"

/* crashk_res among the "Crash kernel" regions of /proc/iomem: the highest
 * (a second, lower one is crashk_low_res, from crashkernel=X,high). False
 * when there is none. */
bool kx_crash_main_region(const struct kx_memmap *crash_regions, struct kx_range *ret);

/* The memory a crash kernel's segments may use: crashk_res, the highest
 * "Crash kernel" region (a second, lower one is crashk_low_res, which
 * kexec_load refuses segments in). Errors: KX_E_NO_CRASH_REGION. */
int kx_crash_ram(const struct kx_plan_ctx *ctx, struct kx_memmap *ret, struct kx_error *err);
/* Name the crash region in the placer's "no room" errors: "the crash
 * kernel region (N MiB) is too small for this kernel and initrd: ". */
void kx_crash_name_placer(struct kx_placer *p, const struct kx_memmap *crash_ram);
/* Every crash region, for the capture kernel's memory (DTB
 * linux,usable-memory-range): crashk_res first, then crashk_low_res. */
void kx_crash_usable(const struct kx_plan_ctx *ctx, struct kx_memmap *ret);

/* --hotplug: can the running kernel keep a crash kernel's core header
 * current (/sys/kernel/crash_elfcorehdr_size read)? Else KX_E_SYSTEM,
 * which says what to do instead. */
int kx_crash_hotplug_check(const struct kx_crash_facts *cf, struct kx_error *err);

/*
 * Build the ELF core header that describes the running kernel's memory
 * (System RAM minus the crash regions and minus `not_dumped` (NULL: none);
 * a note per CPU; VMCOREINFO; the kernel text mapping where known), place it
 * inside the crash region and add it to the plan. Returns its address and
 * size for the hand-off (x86_64: elfcorehdr= on the command line;
 * arm64/riscv64: /chosen). With the plan's crash_hotplug the segment has
 * the room /sys/kernel/crash_elfcorehdr_size asks for, the returned size is
 * all of it, and the purgatory leaves it out of its check (the kernel
 * rewrites it); kexec_load's hotplug flag is kx_plan_finish's.
 */
int kx_crash_add_elfcorehdr(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
			    uint16_t e_machine, const struct kx_memmap *not_dumped,
			    uint64_t *ret_addr, uint64_t *ret_size, struct kx_error *err);

#endif
