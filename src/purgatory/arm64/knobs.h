/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test and benchmark switches of the arm64 purgatory: a 32-bit word at
 * KX_ARM64_KNOBS_OFFSET of the blob, in the gap between the entry branch
 * and the header. It is 0 as built and the loader never writes it; the QEMU
 * harness (tests/purgatory) sets it in its copy of the blob to drive the
 * paths a given CPU would not take on its own. Not part of the loader ABI.
 */
#ifndef KX_ARM64_KNOBS_H
#define KX_ARM64_KNOBS_H

#define KX_ARM64_KNOBS_OFFSET		8

/* Hash with the MMU and D-cache off, as when no identity map can be made. */
#define KX_ARM64_KNOB_CACHES_OFF	(1u << 0)
/* Hash with the portable C block function even if the CPU has SHA2. */
#define KX_ARM64_KNOB_PORTABLE		(1u << 1)
/* Say on the UART (if any) which EL, cache mode and block function run. */
#define KX_ARM64_KNOB_REPORT		(1u << 2)

#endif
