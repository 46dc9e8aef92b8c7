// SPDX-License-Identifier: GPL-2.0-or-later
#include "sink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/bytes.h"

static int write_all(int fd, const void *buf, size_t len, const char *name, struct kx_error *err)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return kx_fail_errno(err, KX_E_IO, w < 0 ? errno : EIO, "%s: cannot write", name);
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off, const char *name, struct kx_error *err)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return kx_fail_errno(err, KX_E_IO, w < 0 ? errno : EIO, "%s: cannot write at offset 0x%" PRIx64,
					     name, off);
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* All of `iov` (which it consumes), at `off` (pwritev) or, off < 0, at the
 * file position (writev). */
static int writev_all(int fd, struct iovec *iov, int n, int64_t off, const char *name, struct kx_error *err)
{
	while (n > 0) {
		ssize_t w = off < 0 ? writev(fd, iov, n) : pwritev(fd, iov, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return kx_fail_errno(err, KX_E_IO, w < 0 ? errno : EIO, "%s: cannot write", name);
		if (off >= 0)
			off += w;
		/* past the buffers written whole, into the one written in part */
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* 0: EOF before any byte; 1: all `len` bytes; -1: error or EOF inside. */
static int read_full(int fd, void *buf, size_t len, const char *name, struct kx_error *err)
{
	uint8_t *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot read", name);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got == len)
		return 1;
	if (got == 0)
		return 0;
	return kx_fail(err, KX_E_INPUT, "%s: the stream ends inside a piece (%zu of %zu bytes)", name, got, len);
}

int kx_dump_sink_init(struct kx_dump_sink *s, int fd, bool flat, const char *name, struct kx_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->flat = flat;
	s->name = name;
	if (!flat)
		return 0;
	uint8_t *h = calloc(1, KX_FLAT_HEADER_SIZE);
	if (!h)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	memcpy(h, KX_FLAT_SIGNATURE, sizeof(KX_FLAT_SIGNATURE) - 1);
	kx_put_be64(h + 16, KX_FLAT_TYPE);
	kx_put_be64(h + 24, KX_FLAT_VERSION);
	int r = write_all(fd, h, KX_FLAT_HEADER_SIZE, name, err);
	free(h);
	return r;
}

int kx_dump_sink_write(struct kx_dump_sink *s, uint64_t offset, const void *buf, size_t len,
		       struct kx_error *err)
{
	if (len == 0)
		return 0;
	s->bytes += len;
	s->pieces++;
	int r;
	if (!s->flat) {
		r = pwrite_all(s->fd, buf, len, offset, s->name, err);
	} else {
		uint8_t h[16];
		kx_put_be64(h, offset);
		kx_put_be64(h + 8, len);
		r = write_all(s->fd, h, sizeof(h), s->name, err);
		if (r == 0)
			r = write_all(s->fd, buf, len, s->name, err);
	}
	if (r < 0)
		s->failed = true;
	return r;
}

int kx_dump_sink_writev(struct kx_dump_sink *s, uint64_t offset, struct iovec *iov, int n, struct kx_error *err)
{
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len == 0)
		return 0;
	s->bytes += len;
	s->pieces++;
	int r;
	if (!s->flat) {
		r = writev_all(s->fd, iov, n, (int64_t)offset, s->name, err);
	} else {
		uint8_t h[16];
		kx_put_be64(h, offset);
		kx_put_be64(h + 8, len);
		r = write_all(s->fd, h, sizeof(h), s->name, err);
		if (r == 0)
			r = writev_all(s->fd, iov, n, -1, s->name, err);
	}
	if (r < 0)
		s->failed = true;
	return r;
}

int kx_dump_sink_finish(struct kx_dump_sink *s, struct kx_error *err)
{
	if (!s->flat)
		return 0;
	uint8_t h[16];
	memset(h, 0xff, sizeof(h));
	if (write_all(s->fd, h, sizeof(h), s->name, err) < 0) {
		s->failed = true;
		return -1;
	}
	return 0;
}

int kx_dump_unflatten(int in, const char *in_name, int out, const char *out_name, uint64_t max_size,
		      struct kx_error *err)
{
	uint8_t *h = malloc(KX_FLAT_HEADER_SIZE);
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	int r = -1;
	if (!h || !buf) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		goto out;
	}
	int got = read_full(in, h, KX_FLAT_HEADER_SIZE, in_name, err);
	if (got <= 0) {
		if (got == 0)
			kx_fail(err, KX_E_INPUT, "%s: empty: not a flattened dump", in_name);
		goto out;
	}
	if (memcmp(h, KX_FLAT_SIGNATURE, sizeof(KX_FLAT_SIGNATURE) - 1) != 0 ||
	    h[sizeof(KX_FLAT_SIGNATURE) - 1] != 0) {
		kx_fail(err, KX_E_INPUT, "%s: not a flattened dump (no \"%s\" signature at 0)", in_name,
			KX_FLAT_SIGNATURE);
		goto out;
	}
	if (kx_get_be64(h + 16) != KX_FLAT_TYPE || kx_get_be64(h + 24) != KX_FLAT_VERSION) {
		kx_fail(err, KX_E_INPUT, "%s: flattened stream type %" PRIu64 " version %" PRIu64
			" (this reads type %d version %d)", in_name, kx_get_be64(h + 16), kx_get_be64(h + 24),
			KX_FLAT_TYPE, KX_FLAT_VERSION);
		goto out;
	}
	for (uint64_t piece = 0;; piece++) {
		uint8_t ph[16];
		got = read_full(in, ph, sizeof(ph), in_name, err);
		if (got < 0)
			goto out;
		if (got == 0) {
			kx_fail(err, KX_E_INPUT, "%s: the stream ends after %" PRIu64 " pieces without its end marker"
				" (cut off?)", in_name, piece);
			goto out;
		}
		uint64_t off = kx_get_be64(ph), size = kx_get_be64(ph + 8);
		if (off == UINT64_MAX && size == UINT64_MAX)
			break;
		uint64_t end;
		if (kx_add_overflows(off, size, &end) || end > INT64_MAX || (max_size && end > max_size)) {
			kx_fail(err, KX_E_INPUT, "%s: piece %" PRIu64 ": offset 0x%" PRIx64 " + size 0x%" PRIx64
				" is past %s", in_name, piece, off, size,
				max_size ? "the size allowed" : "what a file can hold");
			goto out;
		}
		while (size) {
			size_t n = size < cap ? (size_t)size : cap;
			if (read_full(in, buf, n, in_name, err) != 1) {
				if (!err->status)
					kx_fail(err, KX_E_INPUT, "%s: the stream ends inside piece %" PRIu64, in_name, piece);
				goto out;
			}
			if (pwrite_all(out, buf, n, off, out_name, err) < 0)
				goto out;
			off += n;
			size -= n;
		}
	}
	r = 0;
out:
	free(h);
	free(buf);
	return r;
}
