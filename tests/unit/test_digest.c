// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The segment digests (core/digest.c): names and the 32-byte field, and
 * the parallel driver against one thread: any number of threads, parts
 * small enough that every item is cut (CRC32C) or items spread over the
 * threads (SHA-256), empty and one-byte items, more threads than jobs.
 */
#include "harness.h"

#include <stdint.h>

#include "core/crc32c.h"
#include "core/digest.h"
#include "core/sha256.h"

static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (uint8_t)(seed >> 24);
	}
}

KX_TEST(names_and_parse)
{
	enum kx_digest_kind k = KX_DIGEST_SHA256;

	CHECK(!strcmp(kx_digest_name(KX_DIGEST_CRC32C), "crc32c"));
	CHECK(!strcmp(kx_digest_name(KX_DIGEST_SHA256), "sha256"));
	CHECK(kx_digest_parse("crc32c", &k) && k == KX_DIGEST_CRC32C);
	CHECK(kx_digest_parse("sha256", &k) && k == KX_DIGEST_SHA256);
	k = KX_DIGEST_CRC32C;
	CHECK(!kx_digest_parse("SHA256", &k) && k == KX_DIGEST_CRC32C);
	CHECK(!kx_digest_parse("crc32", &k));
	CHECK(!kx_digest_parse("", &k));
	CHECK(!kx_digest_parse("sha256 ", &k));
	CHECK(KX_DIGEST_DEFAULT == KX_DIGEST_CRC32C);
	CHECK_EQ_U64(kx_digest_size(KX_DIGEST_CRC32C), 4);
	CHECK_EQ_U64(kx_digest_size(KX_DIGEST_SHA256), 32);
}

KX_TEST(field_layout)
{
	uint8_t f[KX_DIGEST_FIELD_SIZE], want[32] = { 0x83, 0x92, 0x06, 0xe3 };
	uint8_t sha[32];

	memset(f, 0xaa, sizeof(f));
	kx_digest_one(KX_DIGEST_CRC32C, "123456789", 9, f);
	CHECK(memcmp(f, want, 32) == 0);   /* 0xe3069283 little-endian, zeros */
	kx_digest_one(KX_DIGEST_SHA256, "abc", 3, f);
	kx_sha256("abc", 3, sha);
	CHECK(memcmp(f, sha, 32) == 0);
	kx_digest_one(KX_DIGEST_CRC32C, NULL, 0, f);
	memset(want, 0, sizeof(want));
	CHECK(memcmp(f, want, 32) == 0);
}

/* Items of awkward sizes over one buffer; every configuration's results
 * must be those of one thread with no parts. */
KX_TEST(parallel_equals_serial)
{
	enum { SIZE = 3 << 20 };
	static const uint64_t lens[] = { 0, 1, 7, 4096, 1000003, 65536, 2 << 20, 12345, 3 };
	static const struct kx_digest_opts configs[] = {
		{ 1, 0 }, { 2, 0 }, { 3, 1 }, { 4, 1000 }, { 8, 4096 }, { 16, 65536 }, { 33, 1 }, { 0, 0 },
	};
	enum { N = sizeof(lens) / sizeof(lens[0]) };
	struct kx_digest_item items[N], want[N];
	uint8_t *buf = malloc(SIZE);
	int ok = 1;

	CHECK(buf);
	fill_random(buf, SIZE, 0x1234567);
	for (int kind = 0; kind < 2; kind++) {
		enum kx_digest_kind k = kind ? KX_DIGEST_CRC32C : KX_DIGEST_SHA256;
		uint64_t off = 0;

		for (size_t i = 0; i < N; i++) {
			want[i].data = lens[i] ? buf + off : NULL;
			want[i].len = lens[i];
			off += lens[i] / 2 + 1;   /* overlapping, odd offsets */
			kx_digest_one(k, want[i].data, want[i].len, want[i].digest);
		}
		for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
			memcpy(items, want, sizeof(items));
			for (size_t i = 0; i < N; i++)
				memset(items[i].digest, 0x5a, sizeof(items[i].digest));
			kx_digest_many(k, items, N, &configs[c]);
			for (size_t i = 0; i < N; i++) {
				if (memcmp(items[i].digest, want[i].digest, 32)) {
					printf("#   %s, threads %u, parts of %llu: item %zu (%llu bytes) differs\n",
					       kx_digest_name(k), configs[c].threads,
					       (unsigned long long)configs[c].min_part, i,
					       (unsigned long long)lens[i]);
					ok = 0;
				}
			}
		}
		/* NULL options: the defaults. */
		memcpy(items, want, sizeof(items));
		kx_digest_many(k, items, N, NULL);
		for (size_t i = 0; i < N; i++)
			ok &= !memcmp(items[i].digest, want[i].digest, 32);
	}
	/* The whole buffer cut into many parts is the CRC32C of the buffer. */
	struct kx_digest_item whole = { buf, SIZE, { 0 } };
	struct kx_digest_opts many = { 7, 1 };
	kx_digest_many(KX_DIGEST_CRC32C, &whole, 1, &many);
	uint32_t crc = kx_crc32c(buf, SIZE);
	ok &= whole.digest[0] == (uint8_t)crc && whole.digest[1] == (uint8_t)(crc >> 8) &&
	      whole.digest[2] == (uint8_t)(crc >> 16) && whole.digest[3] == (uint8_t)(crc >> 24);
	free(buf);
	CHECK(ok);
	/* Nothing to do is nothing. */
	kx_digest_many(KX_DIGEST_CRC32C, NULL, 0, NULL);
}

KX_TEST_MAIN(KX_CASE(names_and_parse), KX_CASE(field_layout), KX_CASE(parallel_equals_serial))
