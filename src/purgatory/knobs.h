/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test and benchmark switches of the x86_64 and arm64 purgatories: a
 * 32-bit word at KX_KNOBS_OFFSET of the blob, in the gap between the entry
 * jump and the header. It is 0 as built and the loader never writes it;
 * the QEMU harness (tests/purgatory) sets it in its copy of the blob to
 * drive the paths a given CPU would not take on its own. Not part of the
 * loader ABI.
 */
#ifndef KX_PURGATORY_KNOBS_H
#define KX_PURGATORY_KNOBS_H

#define KX_KNOBS_OFFSET		8

/* arm64: hash with the MMU and D-cache off, as when no identity map can be made. */
#define KX_KNOB_CACHES_OFF	(1u << 0)
/* Hash with the portable C code (SHA-256 block function, CRC32C tables)
 * even if the CPU has instructions for the digest. */
#define KX_KNOB_PORTABLE	(1u << 1)
/* Say on the UART (if any) which digest and implementation run (arm64:
 * also the EL and cache mode). */
#define KX_KNOB_REPORT		(1u << 2)

#endif
