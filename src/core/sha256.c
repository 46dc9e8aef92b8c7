// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 from FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2).
 *
 * This file is also compiled freestanding into the purgatory, so: no libc
 * calls (byte loops instead of memcpy; the purgatory supplies memcpy/memset
 * anyway in case the compiler emits them), no mutable globals, and no
 * initialised pointers in data (the purgatory is a relocation-free blob, so
 * the block function is picked by a branch, not a function pointer table).
 */
#include "sha256.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define KX_SHA256_HAVE_SHANI 1
#endif

#if defined(__aarch64__)
#include <arm_neon.h>
#define KX_SHA256_HAVE_ARMV8 1
#if __STDC_HOSTED__
#include <sys/auxv.h>
#endif
#endif

/* FIPS 180-4 4.2.2: cube roots of the first 64 primes. Aligned for the
 * vector block functions' four-word loads. */
static const uint32_t K[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 5.3.3: square roots of the first 8 primes. */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* FIPS 180-4 4.1.2 and 6.2.2, one 64-byte block at a time. */
static void blocks_portable(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	uint32_t w[64];

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
		uint32_t e = state[4], f = state[5], g = state[6], h = state[7];

		for (int t = 0; t < 16; t++)
			w[t] = load_be32(p + 4 * t);
		for (int t = 16; t < 64; t++) {
			uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
			uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		for (int t = 0; t < 64; t++) {
			uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
			uint32_t ch = (e & f) ^ (~e & g);
			uint32_t t1 = h + S1 + ch + K[t] + w[t];
			uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
			uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
			uint32_t t2 = S0 + maj;

			h = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

#ifdef KX_SHA256_HAVE_SHANI
/*
 * The SHA extensions keep the working variables in two registers, {A,B,E,F}
 * and {C,D,G,H} (A in the highest lane), instead of our h[0..7] order.
 * SHA256RNDS2 does two rounds with W+K taken from the low two lanes of its
 * third operand; SHA256MSG1/MSG2 compute the message schedule four words at
 * a time: W[t..t+3] = MSG2(MSG1(W[t-16..], W[t-12..]) + W[t-7..t-4], W[t-4..]).
 */
#define KX_SHANI_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* Four rounds: group `g` (rounds 4g..4g+3) with message words `m`. */
#define QROUNDS(g, m) do { \
	__m128i wk_ = _mm_add_epi32((m), _mm_loadu_si128((const __m128i *)&K[4 * (g)])); \
	cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_); \
	wk_ = _mm_shuffle_epi32(wk_, 0x0e); \
	abef = _mm_sha256rnds2_epu32(abef, cdgh, wk_); \
	} while (0)

/* m0 = W[t-16..t-13] becomes W[t..t+3]. */
#define SCHEDULE(m0, m1, m2, m3) \
	(m0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), \
						  _mm_alignr_epi8((m3), (m2), 4)), (m3))

KX_SHANI_TARGET
static void blocks_shani(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	/* Big-endian message words: reverse the bytes of each 32-bit lane. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		const __m128i abef_in = abef, cdgh_in = cdgh;
		__m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		__m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		__m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		__m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

		QROUNDS(0, m0);
		QROUNDS(1, m1);
		QROUNDS(2, m2);
		QROUNDS(3, m3);
		SCHEDULE(m0, m1, m2, m3); QROUNDS(4, m0);
		SCHEDULE(m1, m2, m3, m0); QROUNDS(5, m1);
		SCHEDULE(m2, m3, m0, m1); QROUNDS(6, m2);
		SCHEDULE(m3, m0, m1, m2); QROUNDS(7, m3);
		SCHEDULE(m0, m1, m2, m3); QROUNDS(8, m0);
		SCHEDULE(m1, m2, m3, m0); QROUNDS(9, m1);
		SCHEDULE(m2, m3, m0, m1); QROUNDS(10, m2);
		SCHEDULE(m3, m0, m1, m2); QROUNDS(11, m3);
		SCHEDULE(m0, m1, m2, m3); QROUNDS(12, m0);
		SCHEDULE(m1, m2, m3, m0); QROUNDS(13, m1);
		SCHEDULE(m2, m3, m0, m1); QROUNDS(14, m2);
		SCHEDULE(m3, m0, m1, m2); QROUNDS(15, m3);

		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
	}

	/* Back to h[0..7] order. */
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

#undef QROUNDS
#undef SCHEDULE

static void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

/*
 * SHA-NI needs CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] and, for the shuffles
 * and blends around it, SSSE3 (CPUID.1:ECX[9]) and SSE4.1 (CPUID.1:ECX[19]).
 * Asked every time rather than cached: a cache would be mutable global
 * state, and one CPUID per hash is noise.
 */
static bool cpu_has_shani(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 7)
		return false;
	cpuid(1, 0, r);
	if (!(r[2] & (1u << 9)) || !(r[2] & (1u << 19)))
		return false;
	cpuid(7, 0, r);
	return r[1] & (1u << 29);
}
#endif /* KX_SHA256_HAVE_SHANI */

#ifdef KX_SHA256_HAVE_ARMV8
/*
 * The ARMv8 SHA-256 instructions keep the working variables in h[] order,
 * {a,b,c,d} and {e,f,g,h} with a in lane 0, so the state loads as it is.
 * SHA256H does four rounds on {a,b,c,d} and SHA256H2 the same four on
 * {e,f,g,h} (it needs the {a,b,c,d} from before them), both with W+K for
 * those rounds in one vector; SHA256SU0/SU1 compute the next four schedule
 * words: W[t..t+3] = SU1(SU0(W[t-16..], W[t-12..]), W[t-8..], W[t-4..]).
 *
 * Loads go through LD1 with byte or word elements, never LDR Q: the
 * purgatory may run this with the MMU off, where every access is to Device
 * memory and must be aligned to its element size (and, built with
 * -mstrict-align, the compiler would otherwise split a vector load into
 * sixteen byte loads).
 */
#define KX_ARMV8_TARGET __attribute__((target("+crypto")))

KX_ARMV8_TARGET
static inline uint32x4_t armv8_load_be(const uint8_t *p)
{
	uint8x16_t v;

	__asm__("ld1 {%0.16b}, [%1]" : "=w"(v) : "r"(p), "m"(*(const uint8_t (*)[16])p));
	return vreinterpretq_u32_u8(vrev32q_u8(v));
}

KX_ARMV8_TARGET
static inline uint32x4_t armv8_load_words(const uint32_t *p)
{
	uint32x4_t v;

	__asm__("ld1 {%0.4s}, [%1]" : "=w"(v) : "r"(p), "m"(*(const uint32_t (*)[4])p));
	return v;
}

KX_ARMV8_TARGET
static inline void armv8_store_words(uint32_t *p, uint32x4_t v)
{
	__asm__("st1 {%1.4s}, [%2]" : "=m"(*(uint32_t (*)[4])p) : "w"(v), "r"(p));
}

/* Four rounds: group `g` (rounds 4g..4g+3) with message words `m`. */
#define QROUNDS_ARMV8(g, m) do { \
	uint32x4_t wk_ = vaddq_u32((m), armv8_load_words(&K[4 * (g)])); \
	uint32x4_t abcd_in_ = abcd; \
	abcd = vsha256hq_u32(abcd, efgh, wk_); \
	efgh = vsha256h2q_u32(efgh, abcd_in_, wk_); \
	} while (0)

/* m0 = W[t-16..t-13] becomes W[t..t+3]. */
#define SCHEDULE_ARMV8(m0, m1, m2, m3) \
	(m0) = vsha256su1q_u32(vsha256su0q_u32((m0), (m1)), (m2), (m3))

KX_ARMV8_TARGET
static void blocks_armv8(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	uint32x4_t abcd = armv8_load_words(&state[0]);
	uint32x4_t efgh = armv8_load_words(&state[4]);

	for (; nblocks; nblocks--, p += KX_SHA256_BLOCK_SIZE) {
		const uint32x4_t abcd_in = abcd, efgh_in = efgh;
		uint32x4_t m0 = armv8_load_be(p + 0);
		uint32x4_t m1 = armv8_load_be(p + 16);
		uint32x4_t m2 = armv8_load_be(p + 32);
		uint32x4_t m3 = armv8_load_be(p + 48);

		QROUNDS_ARMV8(0, m0);
		QROUNDS_ARMV8(1, m1);
		QROUNDS_ARMV8(2, m2);
		QROUNDS_ARMV8(3, m3);
		SCHEDULE_ARMV8(m0, m1, m2, m3); QROUNDS_ARMV8(4, m0);
		SCHEDULE_ARMV8(m1, m2, m3, m0); QROUNDS_ARMV8(5, m1);
		SCHEDULE_ARMV8(m2, m3, m0, m1); QROUNDS_ARMV8(6, m2);
		SCHEDULE_ARMV8(m3, m0, m1, m2); QROUNDS_ARMV8(7, m3);
		SCHEDULE_ARMV8(m0, m1, m2, m3); QROUNDS_ARMV8(8, m0);
		SCHEDULE_ARMV8(m1, m2, m3, m0); QROUNDS_ARMV8(9, m1);
		SCHEDULE_ARMV8(m2, m3, m0, m1); QROUNDS_ARMV8(10, m2);
		SCHEDULE_ARMV8(m3, m0, m1, m2); QROUNDS_ARMV8(11, m3);
		SCHEDULE_ARMV8(m0, m1, m2, m3); QROUNDS_ARMV8(12, m0);
		SCHEDULE_ARMV8(m1, m2, m3, m0); QROUNDS_ARMV8(13, m1);
		SCHEDULE_ARMV8(m2, m3, m0, m1); QROUNDS_ARMV8(14, m2);
		SCHEDULE_ARMV8(m3, m0, m1, m2); QROUNDS_ARMV8(15, m3);

		abcd = vaddq_u32(abcd, abcd_in);
		efgh = vaddq_u32(efgh, efgh_in);
	}
	armv8_store_words(&state[0], abcd);
	armv8_store_words(&state[4], efgh);
}

#undef QROUNDS_ARMV8
#undef SCHEDULE_ARMV8

/*
 * FEAT_SHA256. A hosted program cannot read the ID registers itself (EL0),
 * the kernel says it in AT_HWCAP; the purgatory runs at EL1 or EL2, where
 * ID_AA64ISAR0_EL1.SHA2 (bits [15:12], 1 = SHA256 instructions, 2 = also
 * SHA512) is readable, and there is no libc to ask. Asked every time, like
 * CPUID above: no mutable global state.
 */
static bool cpu_has_armv8_sha2(void)
{
#if __STDC_HOSTED__
	return getauxval(AT_HWCAP) & HWCAP_SHA2;
#else
	uint64_t isar0;

	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	return ((isar0 >> 12) & 0xf) >= 1;
#endif
}
#endif /* KX_SHA256_HAVE_ARMV8 */

bool kx_sha256_impl_available(enum kx_sha256_impl impl)
{
	switch (impl) {
	case KX_SHA256_IMPL_AUTO:
	case KX_SHA256_IMPL_PORTABLE:
		return true;
	case KX_SHA256_IMPL_SHANI:
#ifdef KX_SHA256_HAVE_SHANI
		return cpu_has_shani();
#else
		return false;
#endif
	case KX_SHA256_IMPL_ARMV8:
#ifdef KX_SHA256_HAVE_ARMV8
		return cpu_has_armv8_sha2();
#else
		return false;
#endif
	}
	return false;
}

static void blocks(struct kx_sha256 *ctx, const uint8_t *p, size_t nblocks)
{
#ifdef KX_SHA256_HAVE_SHANI
	if (ctx->impl == KX_SHA256_IMPL_SHANI) {
		blocks_shani(ctx->state, p, nblocks);
		return;
	}
#endif
#ifdef KX_SHA256_HAVE_ARMV8
	if (ctx->impl == KX_SHA256_IMPL_ARMV8) {
		blocks_armv8(ctx->state, p, nblocks);
		return;
	}
#endif
	blocks_portable(ctx->state, p, nblocks);
}

bool kx_sha256_init_impl(struct kx_sha256 *ctx, enum kx_sha256_impl impl)
{
	bool ok = kx_sha256_impl_available(impl);

	for (int i = 0; i < 8; i++)
		ctx->state[i] = H0[i];
	ctx->length = 0;
	ctx->used = 0;
	if (impl == KX_SHA256_IMPL_AUTO) {
#if defined(KX_SHA256_HAVE_SHANI)
		impl = kx_sha256_impl_available(KX_SHA256_IMPL_SHANI) ?
		       KX_SHA256_IMPL_SHANI : KX_SHA256_IMPL_PORTABLE;
#elif defined(KX_SHA256_HAVE_ARMV8)
		impl = kx_sha256_impl_available(KX_SHA256_IMPL_ARMV8) ?
		       KX_SHA256_IMPL_ARMV8 : KX_SHA256_IMPL_PORTABLE;
#else
		impl = KX_SHA256_IMPL_PORTABLE;
#endif
	}
	ctx->impl = ok ? (uint32_t)impl : KX_SHA256_IMPL_PORTABLE;
	return ok;
}

void kx_sha256_init(struct kx_sha256 *ctx)
{
	kx_sha256_init_impl(ctx, KX_SHA256_IMPL_AUTO);
}

void kx_sha256_update(struct kx_sha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	ctx->length += len;
	if (ctx->used) {
		while (len && ctx->used < KX_SHA256_BLOCK_SIZE) {
			ctx->block[ctx->used++] = *p++;
			len--;
		}
		if (ctx->used < KX_SHA256_BLOCK_SIZE)
			return;
		blocks(ctx, ctx->block, 1);
		ctx->used = 0;
	}
	if (len >= KX_SHA256_BLOCK_SIZE) {
		size_t n = len / KX_SHA256_BLOCK_SIZE;

		blocks(ctx, p, n);
		p += n * KX_SHA256_BLOCK_SIZE;
		len -= n * KX_SHA256_BLOCK_SIZE;
	}
	while (len--)
		ctx->block[ctx->used++] = *p++;
}

/* FIPS 180-4 5.1.1: 0x80, zeros, then the bit length as a 64-bit big-endian. */
void kx_sha256_final(struct kx_sha256 *ctx, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->length << 3;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > KX_SHA256_BLOCK_SIZE - 8) {
		while (ctx->used < KX_SHA256_BLOCK_SIZE)
			ctx->block[ctx->used++] = 0;
		blocks(ctx, ctx->block, 1);
		ctx->used = 0;
	}
	while (ctx->used < KX_SHA256_BLOCK_SIZE - 8)
		ctx->block[ctx->used++] = 0;
	store_be32(ctx->block + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->block + 60, (uint32_t)bits);
	blocks(ctx, ctx->block, 1);
	ctx->used = 0;

	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->state[i]);
}

void kx_sha256(const void *data, size_t len, uint8_t out[KX_SHA256_DIGEST_SIZE])
{
	struct kx_sha256 ctx;

	kx_sha256_init(&ctx);
	kx_sha256_update(&ctx, data, len);
	kx_sha256_final(&ctx, out);
}
