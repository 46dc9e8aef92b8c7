// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Segment digests on every CPU (digest.h). The work is a list of jobs (a
 * whole SHA-256 item, or a part of a CRC32C item); each thread takes the
 * next job from a shared atomic index until none is left, the calling
 * thread among them. Nothing global: the jobs, results and index live in
 * one struct on the caller's stack.
 */
#include "digest.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "crc32c.h"
#include "sha256.h"

const char *kx_digest_name(enum kx_digest_kind kind)
{
	return kind == KX_DIGEST_SHA256 ? "sha256" : "crc32c";
}

bool kx_digest_parse(const char *name, enum kx_digest_kind *ret)
{
	if (!strcmp(name, "crc32c"))
		*ret = KX_DIGEST_CRC32C;
	else if (!strcmp(name, "sha256"))
		*ret = KX_DIGEST_SHA256;
	else
		return false;
	return true;
}

size_t kx_digest_size(enum kx_digest_kind kind)
{
	return kind == KX_DIGEST_SHA256 ? KX_SHA256_DIGEST_SIZE : 4;
}

/* The segment sizes are uint64_t; kexec-ng runs on 64-bit machines only. */
_Static_assert(SIZE_MAX >= UINT64_MAX, "a segment's length must fit in size_t");

static void crc_field(uint32_t crc, uint8_t out[KX_DIGEST_FIELD_SIZE])
{
	memset(out, 0, KX_DIGEST_FIELD_SIZE);
	kx_put_le32(out, crc);
}

static uint32_t crc_long(enum kx_crc32c_impl impl, const uint8_t *p, uint64_t len)
{
	return kx_crc32c_update_impl(impl, 0, p, (size_t)len);
}

static void sha_long(const uint8_t *p, uint64_t len, uint8_t out[KX_DIGEST_FIELD_SIZE])
{
	struct kx_sha256 ctx;

	kx_sha256_init(&ctx);
	kx_sha256_update(&ctx, p, (size_t)len);
	kx_sha256_final(&ctx, out);
}

void kx_digest_one(enum kx_digest_kind kind, const void *data, uint64_t len,
		   uint8_t out[KX_DIGEST_FIELD_SIZE])
{
	if (kind == KX_DIGEST_SHA256)
		sha_long(data, len, out);
	else
		crc_field(crc_long(kx_crc32c_impl_best(), data, len), out);
}

struct job {
	size_t item;
	uint64_t offset, len;     /* the part of the item (CRC32C) or all of it */
	uint32_t crc;             /* out (CRC32C) */
};

struct work {
	enum kx_digest_kind kind;
	enum kx_crc32c_impl impl; /* chosen once for every thread */
	struct kx_digest_item *items;
	struct job *jobs;
	size_t nr_jobs;
	atomic_size_t next;
};

static void *worker(void *arg)
{
	struct work *w = arg;
	size_t i;

	while ((i = atomic_fetch_add_explicit(&w->next, 1, memory_order_relaxed)) < w->nr_jobs) {
		struct job *j = &w->jobs[i];
		const uint8_t *p = w->items[j->item].data;

		if (j->len)
			p += j->offset;  /* (an empty item's data may be NULL) */
		if (w->kind == KX_DIGEST_SHA256)
			sha_long(p, j->len, w->items[j->item].digest);
		else
			j->crc = crc_long(w->impl, p, j->len);
	}
	return NULL;
}

static unsigned int thread_budget(const struct kx_digest_opts *o)
{
	long cpus;

	if (o && o->threads)
		return o->threads;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		return 1;
	return cpus > KX_DIGEST_THREADS_MAX ? KX_DIGEST_THREADS_MAX : (unsigned int)cpus;
}

/* Longest first, so that the last job to start is a short one. */
static int longer_first(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* The jobs, as many as fit in `jobs` (room for n * threads). */
static size_t make_jobs(enum kx_digest_kind kind, const struct kx_digest_item *items, size_t n,
			unsigned int threads, uint64_t min_part, struct job *jobs)
{
	size_t nr = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t parts = 1, offset = 0;

		if (kind == KX_DIGEST_CRC32C && threads > 1) {
			parts = items[i].len / min_part;
			if (parts > threads)
				parts = threads;
			if (parts < 1)
				parts = 1;
		}
		for (uint64_t k = 0; k < parts; k++) {
			/* Equal parts, the first ones one byte longer. */
			uint64_t len = items[i].len / parts + (k < items[i].len % parts);

			jobs[nr++] = (struct job){ .item = i, .offset = offset, .len = len };
			offset += len;
		}
	}
	return nr;
}

void kx_digest_many(enum kx_digest_kind kind, struct kx_digest_item *items, size_t n,
		    const struct kx_digest_opts *opts)
{
	unsigned int threads = thread_budget(opts);
	uint64_t min_part = opts && opts->min_part ? opts->min_part : KX_DIGEST_PART_MIN;
	struct work w = { .kind = kind, .impl = kx_crc32c_impl_best(), .items = items };
	pthread_t tid[KX_DIGEST_THREADS_MAX * 4];
	unsigned int started = 0;

	if (n == 0)
		return;
	if (threads > sizeof(tid) / sizeof(tid[0]) + 1)
		threads = sizeof(tid) / sizeof(tid[0]) + 1;
	w.jobs = calloc(n, threads * sizeof(*w.jobs));
	if (!w.jobs) {
		/* No room to plan the work: do it all here. */
		for (size_t i = 0; i < n; i++)
			kx_digest_one(kind, items[i].data, items[i].len, items[i].digest);
		return;
	}
	w.nr_jobs = make_jobs(kind, items, n, threads, min_part, w.jobs);
	if (kind == KX_DIGEST_SHA256)
		qsort(w.jobs, w.nr_jobs, sizeof(*w.jobs), longer_first);
	atomic_init(&w.next, 0);

	/* Threads beyond the jobs would find nothing to do. */
	while (started + 1 < threads && started + 1 < w.nr_jobs) {
		if (pthread_create(&tid[started], NULL, worker, &w))
			break;
		started++;
	}
	worker(&w);
	for (unsigned int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);

	if (kind == KX_DIGEST_CRC32C) {
		/* The parts of each item are consecutive jobs, in order. */
		for (size_t i = 0, j = 0; i < n; i++) {
			uint32_t crc = 0;

			for (; j < w.nr_jobs && w.jobs[j].item == i; j++)
				crc = kx_crc32c_combine(crc, w.jobs[j].crc, w.jobs[j].len);
			crc_field(crc, items[i].digest);
		}
	}
	free(w.jobs);
}
