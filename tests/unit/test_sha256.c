// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 against the FIPS 180-4 / NIST example vectors, incremental
 * updates split at awkward places, and the SHA-NI block function against
 * the portable one (skipped, and said so, on CPUs without SHA-NI).
 */
#include "harness.h"

#include <stdint.h>

#include "core/sha256.h"

static void to_hex(const uint8_t d[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = 0;
}

#define CHECK_DIGEST(d, expected) do { \
	char hex_[65]; \
	to_hex((d), hex_); \
	if (strcmp(hex_, (expected))) { \
		printf("#   %s:%d: digest %s, expected %s\n", __FILE__, __LINE__, hex_, (expected)); \
		*kx_failed_ = 1; \
		return; \
	} } while (0)

static const char MSG448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char MSG896[] =
	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static const char D_EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char D_ABC[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char D_448[] = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char D_896[] = "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
static const char D_MILLION_A[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

/* Run each vector with `impl`; skipped by the callers when unavailable. */
static void vectors(enum kx_sha256_impl impl, int *kx_failed_)
{
	struct kx_sha256 c;
	uint8_t d[32];

	kx_sha256_init_impl(&c, impl);
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_EMPTY);

	kx_sha256_init_impl(&c, impl);
	kx_sha256_update(&c, "abc", 3);
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_ABC);

	kx_sha256_init_impl(&c, impl);
	kx_sha256_update(&c, MSG448, strlen(MSG448));
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_448);

	kx_sha256_init_impl(&c, impl);
	kx_sha256_update(&c, MSG896, strlen(MSG896));
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_896);
}

KX_TEST(fips_vectors)
{
	uint8_t d[32];

	kx_sha256("", 0, d);
	CHECK_DIGEST(d, D_EMPTY);
	kx_sha256("abc", 3, d);
	CHECK_DIGEST(d, D_ABC);
	kx_sha256(MSG448, strlen(MSG448), d);
	CHECK_DIGEST(d, D_448);
	kx_sha256(MSG896, strlen(MSG896), d);
	CHECK_DIGEST(d, D_896);
}

KX_TEST(fips_vectors_portable)
{
	vectors(KX_SHA256_IMPL_PORTABLE, kx_failed_);
}

KX_TEST(million_a)
{
	static uint8_t a[1000000];
	uint8_t d[32];

	memset(a, 'a', sizeof(a));
	kx_sha256(a, sizeof(a), d);
	CHECK_DIGEST(d, D_MILLION_A);

	/* The same, fed 1000 bytes at a time, portable. */
	struct kx_sha256 c;
	kx_sha256_init_impl(&c, KX_SHA256_IMPL_PORTABLE);
	for (int i = 0; i < 1000; i++)
		kx_sha256_update(&c, a, 1000);
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_MILLION_A);
}

/* Split points around block and padding boundaries (55/56/63/64/65...). */
KX_TEST(incremental_split_points)
{
	static const size_t splits[] = { 0, 1, 3, 7, 55, 56, 57, 63, 64, 65, 100, 111 };
	const size_t len = strlen(MSG896);
	uint8_t whole[32], d[32];

	kx_sha256(MSG896, len, whole);
	CHECK_DIGEST(whole, D_896);
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		for (size_t j = i; j < sizeof(splits) / sizeof(splits[0]); j++) {
			size_t a = splits[i], b = splits[j];
			struct kx_sha256 c;

			if (b > len)
				continue;
			kx_sha256_init(&c);
			kx_sha256_update(&c, MSG896, a);
			kx_sha256_update(&c, MSG896 + a, b - a);
			kx_sha256_update(&c, MSG896 + b, len - b);
			kx_sha256_final(&c, d);
			if (memcmp(d, whole, 32)) {
				printf("#   split at %zu and %zu differs\n", a, b);
				CHECK(0);
			}
		}
	}

	/* Byte at a time. */
	struct kx_sha256 c;
	kx_sha256_init(&c);
	for (size_t i = 0; i < len; i++)
		kx_sha256_update(&c, MSG896 + i, 1);
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_896);
}

/* Lengths 55, 56 and 64 need one extra padding block or not. */
KX_TEST(padding_edges)
{
	static const struct {
		size_t len;
		const char *digest;
	} t[] = {
		/* sha256 of 'a' * len (as printed by coreutils sha256sum) */
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	};
	uint8_t buf[64], d[32];

	memset(buf, 'a', sizeof(buf));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		kx_sha256(buf, t[i].len, d);
		CHECK_DIGEST(d, t[i].digest);
	}
}

/* xorshift64: a fixed sequence, so a failure reproduces. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int shani_skip(const char *name)
{
	if (kx_sha256_impl_available(KX_SHA256_IMPL_SHANI))
		return 0;
	printf("# %s: this CPU (or build) has no SHA-NI\n", name);
	return 1;
}

KX_TEST(shani_vectors)
{
	vectors(KX_SHA256_IMPL_SHANI, kx_failed_);
}

KX_TEST(shani_matches_portable)
{
	static uint8_t buf[70000];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)next_rand(&seed);
	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)(next_rand(&seed) % (round < 200 ? 300 : sizeof(buf)));
		size_t off = (size_t)(next_rand(&seed) % 16); /* unaligned input too */
		size_t split = len ? (size_t)(next_rand(&seed) % len) : 0;
		struct kx_sha256 p, s;
		uint8_t dp[32], ds[32];

		if (off + len > sizeof(buf))
			len = sizeof(buf) - off;
		if (split > len)
			split = len;
		kx_sha256_init_impl(&p, KX_SHA256_IMPL_PORTABLE);
		CHECK(kx_sha256_init_impl(&s, KX_SHA256_IMPL_SHANI));
		kx_sha256_update(&p, buf + off, len);
		kx_sha256_update(&s, buf + off, split);
		kx_sha256_update(&s, buf + off + split, len - split);
		kx_sha256_final(&p, dp);
		kx_sha256_final(&s, ds);
		if (memcmp(dp, ds, 32)) {
			printf("#   length %zu offset %zu split %zu differs\n", len, off, split);
			CHECK(0);
		}
	}
}

KX_TEST(unavailable_impl_falls_back)
{
	struct kx_sha256 c;
	uint8_t d[32];
	bool ok = kx_sha256_init_impl(&c, KX_SHA256_IMPL_SHANI);

	CHECK(ok == kx_sha256_impl_available(KX_SHA256_IMPL_SHANI));
	kx_sha256_update(&c, "abc", 3);
	kx_sha256_final(&c, d);
	CHECK_DIGEST(d, D_ABC);
}

/*
 * The harness has no skip, so main() is written out: the SHA-NI cases print
 * "ok N - name # SKIP reason" (TAP's skip directive) instead of running
 * when the CPU cannot, rather than claiming a pass.
 */
int main(void)
{
	static const struct {
		struct kx_test_case c;
		int needs_shani;
	} cases[] = {
		{ KX_CASE(fips_vectors), 0 },
		{ KX_CASE(fips_vectors_portable), 0 },
		{ KX_CASE(million_a), 0 },
		{ KX_CASE(incremental_split_points), 0 },
		{ KX_CASE(padding_edges), 0 },
		{ KX_CASE(shani_vectors), 1 },
		{ KX_CASE(shani_matches_portable), 1 },
		{ KX_CASE(unavailable_impl_falls_back), 0 },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	int failures = 0;

	kx_test_begin(n);
	for (size_t i = 0; i < n; i++) {
		int failed = 0;

		if (cases[i].needs_shani && shani_skip(cases[i].c.name)) {
			printf("ok %zu - %s # SKIP no SHA-NI on this CPU\n", i + 1, cases[i].c.name);
			continue;
		}
		cases[i].c.fn(&failed);
		printf("%sok %zu - %s\n", failed ? "not " : "", i + 1, cases[i].c.name);
		failures += failed;
	}
	return kx_test_end(failures, n);
}
