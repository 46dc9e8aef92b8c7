// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump sinks: a file written at offsets; the flattened stream (-F) put
 * back into the same file by kx_dump_unflatten; streams that are not one,
 * are cut off or name offsets past the limit, refused by name.
 */
#include "harness.h"

#include <stdint.h>
#include <sys/mman.h>

#include "dump/sink.h"

static int memfd(void)
{
	return memfd_create("test-sink", MFD_CLOEXEC);
}

static size_t slurp(int fd, uint8_t *buf, size_t cap)
{
	ssize_t n = pread(fd, buf, cap, 0);
	return n < 0 ? 0 : (size_t)n;
}

/* Three pieces, out of order, with a hole. */
static int write_pieces(struct kx_dump_sink *s, struct kx_error *err)
{
	static const char a[] = "KDUMP   header", b[] = "page data", c[] = "descriptors";
	if (kx_dump_sink_write(s, 8192, b, sizeof(b), err) < 0 || kx_dump_sink_write(s, 0, a, sizeof(a), err) < 0 ||
	    kx_dump_sink_write(s, 4096, c, sizeof(c), err) < 0)
		return -1;
	return kx_dump_sink_finish(s, err);
}

KX_TEST(flat_stream_unflattens_to_the_file)
{
	int direct = memfd(), stream = memfd(), rebuilt = memfd();
	struct kx_dump_sink s;
	struct kx_error err = { 0 };
	CHECK(direct >= 0 && stream >= 0 && rebuilt >= 0);
	CHECK(kx_dump_sink_init(&s, direct, false, "direct", &err) == 0);
	CHECK(write_pieces(&s, &err) == 0);
	CHECK(kx_dump_sink_init(&s, stream, true, "stream", &err) == 0);
	CHECK(write_pieces(&s, &err) == 0);
	static uint8_t x[3 * 4096 + 64], y[3 * 4096 + 64], st[8192];
	size_t stream_len = slurp(stream, st, sizeof(st));
	CHECK_EQ_U64(stream_len, 4096 + 3 * 16 + 15 + 10 + 12 + 16);
	CHECK(!memcmp(st, "makedumpfile\0", 13));
	CHECK(lseek(stream, 0, SEEK_SET) == 0);
	CHECK(kx_dump_unflatten(stream, "stream", rebuilt, "rebuilt", 0, &err) == 0);
	size_t nx = slurp(direct, x, sizeof(x)), ny = slurp(rebuilt, y, sizeof(y));
	CHECK_EQ_U64(nx, 8192 + 10);
	CHECK_EQ_U64(ny, nx);
	CHECK(!memcmp(x, y, nx));
	close(direct);
	close(stream);
	close(rebuilt);
}

/* A stream made of `len` bytes of `bytes`, unflattened: its error. */
static const char *unflatten_error(const uint8_t *bytes, size_t len, uint64_t max, struct kx_error *err)
{
	int in = memfd(), out = memfd();
	if (in < 0 || out < 0 || write(in, bytes, len) != (ssize_t)len || lseek(in, 0, SEEK_SET) != 0)
		return "setup failed";
	int r = kx_dump_unflatten(in, "in", out, "out", max, err);
	close(in);
	close(out);
	return r == 0 ? "accepted" : err->message;
}

KX_TEST(broken_streams_refused)
{
	static uint8_t s[4096 + 64];
	struct kx_error err = { 0 };
	CHECK_CONTAINS(unflatten_error(s, 0, 0, &err), "in: empty: not a flattened dump");
	CHECK_CONTAINS(unflatten_error(s, 100, 0, &err), "in: the stream ends inside a piece (100 of 4096 bytes)");
	CHECK_CONTAINS(unflatten_error(s, sizeof(s), 0, &err), "not a flattened dump (no \"makedumpfile\" signature");
	memcpy(s, "makedumpfile", 12);
	s[23] = 1;
	s[31] = 2;
	CHECK_CONTAINS(unflatten_error(s, sizeof(s), 0, &err), "flattened stream type 1 version 2");
	s[31] = 1;
	/* no end marker */
	CHECK_CONTAINS(unflatten_error(s, 4096, 0, &err), "ends after 0 pieces without its end marker");
	/* a piece past the limit */
	uint8_t *p = s + 4096;
	memset(p, 0, 32);
	p[5] = 0x10; /* offset 0x100000 */
	p[15] = 8;   /* size 8 */
	CHECK_CONTAINS(unflatten_error(s, 4096 + 16 + 8, 0x1000, &err), "piece 0: offset 0x100000 + size 0x8 is past the size allowed");
	/* a piece cut off */
	CHECK_CONTAINS(unflatten_error(s, 4096 + 16 + 3, 0, &err), "in: the stream ends inside a piece (3 of 8 bytes)");
}

KX_TEST_MAIN(KX_CASE(flat_stream_unflattens_to_the_file), KX_CASE(broken_streams_refused))
