/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes used across the planner, defined once. */
#ifndef KX_UNITS_H
#define KX_UNITS_H

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* The page size of every kexec segment: 4 KiB on all three architectures
 * (arm64 kernels with 16/64 KiB pages still take 4 KiB-aligned segments). */
#define KX_PAGE_SIZE 4096ULL

#endif
