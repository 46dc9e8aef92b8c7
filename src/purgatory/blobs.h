/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to purgatory.c (and its unit test): the table of purgatory blobs built into this
 * program, generated at build time by mkblob.py (purgatory_blobs.c). A
 * table rather than one symbol per architecture, so that a build without
 * any purgatory still links and simply finds nothing.
 */
#ifndef KX_PURGATORY_BLOBS_H
#define KX_PURGATORY_BLOBS_H

#include <stddef.h>
#include <stdint.h>

struct kx_purgatory_embedded {
	const char *arch;         /* NULL ends the table */
	const uint8_t *data;
	size_t size;
	/* Offset of kx_purgatory_verify() in the blob, for the unit test that
	 * runs the blob's own check (SHA-NI included) in user space. */
	size_t verify_offset;
};

extern const struct kx_purgatory_embedded kx_purgatory_embedded[];

#endif
