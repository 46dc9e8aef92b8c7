/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a dump is written: a file, at offsets (pwrite: the page descriptors
 * and the page data are filled in as pages are done), or the flattened
 * stream of makedumpfile's -F, for a pipe (ssh): a 4 KiB stream header,
 * then every write as a 16-byte header (the offset it belongs at, its size;
 * both big-endian 64-bit) and its bytes, in any order, then an end marker
 * (offset and size all ones). `makedumpfile -R FILE` and
 * kx_dump_unflatten() put such a stream back into the file it describes.
 */
#ifndef KX_DUMP_SINK_H
#define KX_DUMP_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/uio.h>

#include "../core/error.h"

#define KX_FLAT_HEADER_SIZE 4096
#define KX_FLAT_SIGNATURE "makedumpfile"
#define KX_FLAT_TYPE 1
#define KX_FLAT_VERSION 1

struct kx_dump_sink {
	int fd;
	bool flat;
	const char *name;    /* for messages */
	uint64_t bytes;      /* data bytes written (headers of the stream not counted) */
	uint64_t pieces;     /* writes (each a piece of the stream) */
	bool failed;         /* a write failed: the error is the output's, not the input's */
};

/* flat: write the stream header now. */
int kx_dump_sink_init(struct kx_dump_sink *s, int fd, bool flat, const char *name, struct kx_error *err);
int kx_dump_sink_write(struct kx_dump_sink *s, uint64_t offset, const void *buf, size_t len,
		       struct kx_error *err);
/* The same for the bytes of `n` buffers one after another (at most IOV_MAX):
 * one piece, written from where they are, not gathered first. */
int kx_dump_sink_writev(struct kx_dump_sink *s, uint64_t offset, struct iovec *iov, int n, struct kx_error *err);
/* flat: the end marker. */
int kx_dump_sink_finish(struct kx_dump_sink *s, struct kx_error *err);

/*
 * Read a flattened stream from `in` and write its pieces into `out` at
 * their offsets. KX_E_INPUT naming `in_name` for a stream that is not one
 * (signature, type, version), a piece whose offset + size overflows or
 * passes `max_size` (0: no limit), or a stream that ends without its end
 * marker.
 */
int kx_dump_unflatten(int in, const char *in_name, int out, const char *out_name, uint64_t max_size,
		      struct kx_error *err);

#endif
