/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of src/dtb share and nothing else sees: the size limits,
 * the message for a libfdt error, reading a whole file, reading a number
 * out of cells, and the flattening of /proc/device-tree that kx_dtb_read()
 * falls back on.
 */
#ifndef KX_DTB_INTERNAL_H
#define KX_DTB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtb.h"
#include "../core/units.h"

/* Free space a tree gets when it is read, for the usual /chosen edits
 * (seeds, initrd, a command line of ordinary length); larger edits grow
 * the buffer. */
#define DTB_ROOM 1024
/* Cap on any tree we read (a file, /proc/device-tree flattened), build or
 * grow with edits: exactly this many bytes are fine, one more is refused.
 * Only a guard against absurd inputs: a tree handed to a new kernel must
 * also fit the boot protocol's much smaller limit (arch/dtb_boot.c: 2 MiB). */
#define DTB_MAX_BYTES (64 * MiB)

/* "<what>: <libfdt's text>[: <detail>]" as a kx_fail() with `status`. */
int dtb_fdt_fail(struct kx_error *err, enum kx_status status, int fdt_err,
		 const char *what, const char *detail);
/* Read all of an open file (sysfs files report sizes that may be wrong, so
 * read until EOF rather than trusting st_size). */
int dtb_read_fd(int fd, const char *path, uint8_t **ret, size_t *ret_len, struct kx_error *err);
/* A number of 1 or 2 cells (what of_read_number() reads for initrd-start). */
bool dtb_read_cells_number(const uint8_t *p, int len, uint64_t *ret);
/* The folder `path` (a /proc/device-tree) flattened into `ret`, named
 * `source` in messages: dtb_fs.c; dtb.h's kx_dtb_read() says how. */
int dtb_flatten(const char *path, const char *source, struct kx_dtb *ret, struct kx_error *err);

#endif
