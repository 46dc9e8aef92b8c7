// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CRC32C: the published check values (CRC-32C "123456789", RFC 3720 B.4's
 * iSCSI vectors), the generated tables against a bit-at-a-time reference,
 * every implementation this CPU has against the portable one on random
 * data of many lengths and alignments, pieces fed one after another, and
 * kx_crc32c_combine() against the CRC of the whole for many split points.
 */
#include "harness.h"

#include <stdint.h>

#include "core/crc32c.h"
#include "core/crc32c_table.h"

/* Bit at a time, straight from the definition: reflected 0x1EDC6F41,
 * initial value and final XOR 0xFFFFFFFF. */
static uint32_t reference(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0);
	}
	return ~c;
}

/* xorshift64*: the same bytes every run. */
static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed ^= seed >> 12;
		seed ^= seed << 25;
		seed ^= seed >> 27;
		p[i] = (uint8_t)((seed * 0x2545f4914f6cdd1dULL) >> 56);
	}
}

static const enum kx_crc32c_impl all_impls[] = {
	KX_CRC32C_IMPL_AUTO, KX_CRC32C_IMPL_PORTABLE, KX_CRC32C_IMPL_SSE42, KX_CRC32C_IMPL_ARMV8,
};
#define NR_IMPLS (sizeof(all_impls) / sizeof(all_impls[0]))

KX_TEST(check_value_123456789)
{
	CHECK_EQ_U64(kx_crc32c("123456789", 9), 0xe3069283);
	CHECK_EQ_U64(reference((const uint8_t *)"123456789", 9), 0xe3069283);
	for (size_t i = 0; i < NR_IMPLS; i++)
		if (kx_crc32c_impl_available(all_impls[i]))
			CHECK_EQ_U64(kx_crc32c_update_impl(all_impls[i], 0, "123456789", 9), 0xe3069283);
	/* Nothing: the CRC of the empty message is 0, whatever the piece. */
	CHECK_EQ_U64(kx_crc32c("", 0), 0);
	CHECK_EQ_U64(kx_crc32c_update(0x12345678, "", 0), 0x12345678);
}

/* RFC 3720 B.4: the CRCs are listed there as the bytes sent, least
 * significant first ("aa 36 91 8a" = 0x8a9136aa). */
KX_TEST(rfc3720_iscsi_vectors)
{
	static const uint8_t read_pdu[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t zeros[32] = { 0 }, ones[32], inc[32], dec[32];

	memset(ones, 0xff, sizeof(ones));
	for (int i = 0; i < 32; i++) {
		inc[i] = (uint8_t)i;
		dec[i] = (uint8_t)(31 - i);
	}
	for (size_t i = 0; i < NR_IMPLS; i++) {
		enum kx_crc32c_impl impl = all_impls[i];

		if (!kx_crc32c_impl_available(impl))
			continue;
		CHECK_EQ_U64(kx_crc32c_update_impl(impl, 0, zeros, 32), 0x8a9136aa);
		CHECK_EQ_U64(kx_crc32c_update_impl(impl, 0, ones, 32), 0x62a8ab43);
		CHECK_EQ_U64(kx_crc32c_update_impl(impl, 0, inc, 32), 0x46dd794e);
		CHECK_EQ_U64(kx_crc32c_update_impl(impl, 0, dec, 32), 0x113fdb5c);
		CHECK_EQ_U64(kx_crc32c_update_impl(impl, 0, read_pdu, 48), 0xd9963a56);
	}
	CHECK_EQ_U64(reference(read_pdu, 48), 0xd9963a56);
}

/* The committed tables are what mkcrc32c_table.py says they are: table 0
 * bit by bit, table k one zero byte further than table k-1. */
KX_TEST(tables_match_the_polynomial)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0);
		CHECK_EQ_U64(kx_crc32c_table[0][n], c);
		for (int t = 1; t < 8; t++) {
			for (int k = 0; k < 8; k++)
				c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0);
			CHECK_EQ_U64(kx_crc32c_table[t][n], c);
		}
	}
}

KX_TEST(implementations_agree)
{
	enum { SIZE = 70000 };
	static uint8_t buf[SIZE + 64];
	static const size_t lens[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96,
		97, 127, 128, 129, 255, 256, 257, 1000, 4095, 4096, 4097, 65535, 65536, SIZE,
	};
	int ran_hw = 0;

	fill_random(buf, sizeof(buf), 0x9e3779b97f4a7c15ULL);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		for (size_t align = 0; align < 16; align++) {
			const uint8_t *p = buf + align;
			uint32_t want = kx_crc32c_update_impl(KX_CRC32C_IMPL_PORTABLE, 0, p, lens[l]);

			if (lens[l] <= 4096 || align == 0 || align == 7)
				CHECK_EQ_U64(want, reference(p, lens[l]));
			for (size_t i = 0; i < NR_IMPLS; i++) {
				if (!kx_crc32c_impl_available(all_impls[i]))
					continue;
				ran_hw |= all_impls[i] > KX_CRC32C_IMPL_PORTABLE;
				uint32_t got = kx_crc32c_update_impl(all_impls[i], 0, p, lens[l]);
				if (got != want)
					printf("#   %s, length %zu at offset %zu: 0x%08x, portable 0x%08x\n",
					       kx_crc32c_impl_name(all_impls[i]), lens[l], align, got, want);
				CHECK(got == want);
			}
		}
	}
	/* An implementation the CPU lacks falls back to the portable one. */
	for (size_t i = 0; i < NR_IMPLS; i++)
		if (!kx_crc32c_impl_available(all_impls[i]))
			CHECK_EQ_U64(kx_crc32c_update_impl(all_impls[i], 0, "123456789", 9), 0xe3069283);
	if (!ran_hw)
		kx_skip_reason = "no CRC32C instruction on this CPU: only the portable path compared";
	printf("# best implementation here: %s\n", kx_crc32c_impl_name(kx_crc32c_impl_best()));
}

/* Pieces fed one after the other, split anywhere, in every implementation. */
KX_TEST(pieces_chain)
{
	static uint8_t buf[3000];
	uint32_t whole;

	fill_random(buf, sizeof(buf), 42);
	whole = reference(buf, sizeof(buf));
	for (size_t i = 0; i < NR_IMPLS; i++) {
		if (!kx_crc32c_impl_available(all_impls[i]))
			continue;
		for (size_t a = 0; a < sizeof(buf); a += 97) {
			for (size_t b = a; b < sizeof(buf); b += 331) {
				uint32_t c = kx_crc32c_update_impl(all_impls[i], 0, buf, a);
				c = kx_crc32c_update_impl(all_impls[i], c, buf + a, b - a);
				c = kx_crc32c_update_impl(all_impls[i], c, buf + b, sizeof(buf) - b);
				CHECK_EQ_U64(c, whole);
			}
		}
		uint32_t c = 0;
		for (size_t k = 0; k < sizeof(buf); k++)
			c = kx_crc32c_update_impl(all_impls[i], c, buf + k, 1);
		CHECK_EQ_U64(c, whole);
	}
}

/* combine(CRC(A), CRC(B), |B|) = CRC(A || B), for every split point of a
 * short buffer and many of a long one; lengths of B past 2^32 too. */
KX_TEST(combine_matches_whole)
{
	enum { SIZE = 1 << 20 };
	uint8_t *buf = malloc(SIZE);
	uint32_t whole;

	CHECK(buf);
	fill_random(buf, SIZE, 7);
	whole = kx_crc32c(buf, 300);
	for (size_t split = 0; split <= 300; split++) {
		uint32_t a = kx_crc32c(buf, split), b = kx_crc32c(buf + split, 300 - split);
		if (kx_crc32c_combine(a, b, 300 - split) != whole) {
			printf("#   split %zu of 300\n", split);
			free(buf);
			CHECK(0);
		}
	}
	whole = kx_crc32c(buf, SIZE);
	for (size_t split = 0; split <= SIZE; split += 4093) {
		uint32_t a = kx_crc32c(buf, split), b = kx_crc32c(buf + split, SIZE - split);
		if (kx_crc32c_combine(a, b, SIZE - split) != whole) {
			printf("#   split %zu of %d\n", split, SIZE);
			free(buf);
			CHECK(0);
		}
	}
	/* Many parts, combined left to right. */
	uint32_t acc = 0;
	for (size_t off = 0; off < SIZE; off += 65537) {
		size_t len = SIZE - off < 65537 ? SIZE - off : 65537;
		acc = kx_crc32c_combine(acc, kx_crc32c(buf + off, len), len);
	}
	free(buf);
	CHECK_EQ_U64(acc, whole);
	/* B of zero bytes, and lengths of B past 2^32: combine(a, 0, n) is
	 * a x^(8 n), so five 1 GiB steps must equal one 5 GiB step. */
	static uint8_t zeros[4096];
	uint32_t a = kx_crc32c("123456789", 9), step = a;
	CHECK_EQ_U64(kx_crc32c_combine(a, kx_crc32c(zeros, 4096), 4096),
		     kx_crc32c_update(a, zeros, 4096));
	for (int i = 0; i < 5; i++)
		step = kx_crc32c_combine(step, 0, 1ULL << 30);
	CHECK_EQ_U64(step, kx_crc32c_combine(a, 0, 5ULL << 30));
	CHECK(step != a);
	CHECK_EQ_U64(kx_crc32c_combine(0, 0, 12345), 0);
	/* Identity: nothing appended. */
	CHECK_EQ_U64(kx_crc32c_combine(0xdeadbeef, 0, 0), 0xdeadbeef);
}

KX_TEST(impl_names)
{
	CHECK(!strcmp(kx_crc32c_impl_name(KX_CRC32C_IMPL_PORTABLE), "portable"));
	CHECK(!strcmp(kx_crc32c_impl_name(KX_CRC32C_IMPL_SSE42), "sse4.2"));
	CHECK(!strcmp(kx_crc32c_impl_name(KX_CRC32C_IMPL_ARMV8), "armv8"));
	CHECK(kx_crc32c_impl_available(kx_crc32c_impl_best()));
#if defined(__x86_64__)
	CHECK(!kx_crc32c_impl_available(KX_CRC32C_IMPL_ARMV8));
#elif defined(__aarch64__)
	CHECK(!kx_crc32c_impl_available(KX_CRC32C_IMPL_SSE42));
#endif
}

int main(void)
{
	static const struct kx_test_case cases[] = {
		KX_CASE(check_value_123456789),
		KX_CASE(rfc3720_iscsi_vectors),
		KX_CASE(tables_match_the_polynomial),
		KX_CASE(implementations_agree),
		KX_CASE(pieces_chain),
		KX_CASE(combine_matches_whole),
		KX_CASE(impl_names),
	};
	return kx_run_tests(cases, sizeof(cases) / sizeof(cases[0]));
}
