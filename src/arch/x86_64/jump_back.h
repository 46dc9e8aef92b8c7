/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kexec jump back helper of x86_64 (jump_back.c). */
#ifndef KX_X86_JUMP_BACK_H
#define KX_X86_JUMP_BACK_H

#include <stdint.h>

#include "../../core/plan.h"
#include "../../memmap/memmap.h"

/*
 * The image that returns to the kernel this one was jumped to from: one
 * segment in `ram` (this kernel's usable RAM) holding a trampoline and its
 * page tables, entered by the kernel's call, jumping to `entry` (the old
 * kernel's kexec_jump_back_entry=). Sets the plan's segment, entry,
 * kernel_entry (= `entry`) and flags (KEXEC_PRESERVE_CONTEXT).
 * Errors: kx_find_hole's (no room), KX_E_NOMEM, KX_E_PLAN (plan full).
 */
int kx_x86_jump_back_helper(const struct kx_memmap *ram, uint64_t entry, struct kx_plan *plan,
			    struct kx_error *err);

#endif
