// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CRC32C (crc32c.h). Also compiled freestanding into every purgatory: no
 * libc, no mutable globals, no initialised pointers in data.
 *
 * The register is kept inverted (initial value 0xFFFFFFFF, final XOR
 * 0xFFFFFFFF) inside; the API speaks finished CRCs, so that
 * update(update(0, A), B) = CRC(A || B).
 *
 * Every path first walks single bytes up to an 8-byte boundary, then reads
 * aligned 64-bit words, then the tail bytes: on arm64 with the MMU off (the
 * purgatory's uncached fallback) memory is Device memory, where an
 * unaligned access faults, and riscv64 may trap them to firmware.
 */
#include "crc32c.h"

#include "crc32c_table.h"

#if defined(__x86_64__)
#define KX_CRC32C_HAVE_SSE42 1
#endif

#if defined(__aarch64__)
#define KX_CRC32C_HAVE_ARMV8 1
#if __STDC_HOSTED__
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif
#endif

/* A 64-bit word read in place: the buffers are bytes, this may alias them. */
typedef uint64_t __attribute__((may_alias, aligned(8))) kx_word64;

#define T kx_crc32c_table

static inline uint32_t byte_step(uint32_t c, uint8_t b)
{
	return (c >> 8) ^ T[0][(c ^ b) & 0xff];
}

static inline uint64_t load_le64(const uint8_t *p)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return *(const kx_word64 *)p;
#else
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
#endif
}

/*
 * Slicing-by-8: the register XOR the next eight bytes, each of those bytes
 * looked up in the table that carries it the right number of bytes on.
 * The index is taken as a byte offset, (w >> (8 i - 2)) & 0x3fc, which
 * saves the scaling on machines without scaled addressing (riscv64: shift,
 * and, add, load, xor per byte).
 */
#define LOOKUP(k, x) (*(const uint32_t *)(tables + (k) * 1024 + ((x) & 0x3fc)))

static uint32_t crc_portable(uint32_t c, const uint8_t *p, size_t n)
{
	const uint8_t *tables = (const uint8_t *)T;

	while (n && ((uintptr_t)p & 7)) {
		c = byte_step(c, *p++);
		n--;
	}
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w = load_le64(p) ^ c;

		c = LOOKUP(7, w << 2) ^ LOOKUP(6, w >> 6) ^ LOOKUP(5, w >> 14) ^
		    LOOKUP(4, w >> 22) ^ LOOKUP(3, w >> 30) ^ LOOKUP(2, w >> 38) ^
		    LOOKUP(1, w >> 46) ^ LOOKUP(0, w >> 54);
	}
	while (n--)
		c = byte_step(c, *p++);
	return c;
}

#undef LOOKUP

#ifdef KX_CRC32C_HAVE_SSE42
/*
 * SSE4.2 CRC32 (the instruction computes exactly CRC32C's register
 * update), written as inline assembly: it works on general registers only,
 * so it needs neither SSE state (the purgatory runs with CR4.OSFXSR as the
 * old kernel left it) nor a target attribute, and the memory operand is
 * folded into the instruction: one instruction per eight bytes.
 */
#define CRC32Q(c, p) __asm__("crc32q %1, %0" : "+r"(c) : "m"(*(const kx_word64 *)(p)))
#define CRC32B(c, p) __asm__("crc32b %1, %k0" : "+r"(c) : "m"(*(p)))

static uint32_t crc_sse42(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = crc;

	while (n && ((uintptr_t)p & 7)) {
		CRC32B(c, p);
		p++;
		n--;
	}
	/* 128 bytes per round: sixteen crc32q, the add, the compare, the
	 * branch. */
	for (; n >= 128; n -= 128, p += 128) {
		CRC32Q(c, p);
		CRC32Q(c, p + 8);
		CRC32Q(c, p + 16);
		CRC32Q(c, p + 24);
		CRC32Q(c, p + 32);
		CRC32Q(c, p + 40);
		CRC32Q(c, p + 48);
		CRC32Q(c, p + 56);
		CRC32Q(c, p + 64);
		CRC32Q(c, p + 72);
		CRC32Q(c, p + 80);
		CRC32Q(c, p + 88);
		CRC32Q(c, p + 96);
		CRC32Q(c, p + 104);
		CRC32Q(c, p + 112);
		CRC32Q(c, p + 120);
	}
	for (; n >= 8; n -= 8, p += 8)
		CRC32Q(c, p);
	for (; n; n--, p++)
		CRC32B(c, p);
	return (uint32_t)c;
}

#undef CRC32Q
#undef CRC32B

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* CPUID.1:ECX.SSE4_2[bit 20]. Asked every time: no mutable global state. */
static bool cpu_has_sse42(void)
{
	uint32_t r[4];

	cpuid(0, r);
	if (r[0] < 1)
		return false;
	cpuid(1, r);
	return r[2] & (1u << 20);
}
#endif /* KX_CRC32C_HAVE_SSE42 */

#ifdef KX_CRC32C_HAVE_ARMV8
/*
 * The ARMv8 CRC32 extension: CRC32CX folds a 64-bit register into the
 * register (CRC32CB one byte). Inline assembly in a function built for
 * +crc (so the assembler takes the instruction) on general registers only:
 * the purgatory builds this file with -mgeneral-regs-only.
 */
#define KX_ARMV8_CRC_TARGET __attribute__((target("+crc")))

KX_ARMV8_CRC_TARGET
static uint32_t crc_armv8(uint32_t c, const uint8_t *p, size_t n)
{
	while (n && ((uintptr_t)p & 7)) {
		__asm__("crc32cb %w0, %w0, %w1" : "+r"(c) : "r"((uint32_t)*p));
		p++;
		n--;
	}
	/*
	 * 512 bytes per round: 32 LDPs of aligned pairs (fine on Device memory
	 * too) that step the pointer themselves, 64 CRC32CX, the compare and
	 * the branch: 98 instructions, 0.19 per byte (the floor is 3 per 16).
	 */
	const uint8_t *stop = p + (n & ~(size_t)511);

	n &= 511;
	while (p != stop) {
		uint64_t a, b, d, e;

		__asm__(".rept 16\n\t"
			"ldp %x1, %x2, [%5], #16\n\t"
			"ldp %x3, %x4, [%5], #16\n\t"
			"crc32cx %w0, %w0, %x1\n\t"
			"crc32cx %w0, %w0, %x2\n\t"
			"crc32cx %w0, %w0, %x3\n\t"
			"crc32cx %w0, %w0, %x4\n\t"
			".endr"
			: "+r"(c), "=&r"(a), "=&r"(b), "=&r"(d), "=&r"(e), "+r"(p)
			: "m"(*(const uint8_t (*)[512])p));
	}
	for (; n >= 8; n -= 8, p += 8)
		__asm__("crc32cx %w0, %w0, %x1" : "+r"(c) : "r"(*(const kx_word64 *)p));
	for (; n; n--, p++)
		__asm__("crc32cb %w0, %w0, %w1" : "+r"(c) : "r"((uint32_t)*p));
	return c;
}

/*
 * FEAT_CRC32. A hosted program asks the kernel (AT_HWCAP); the purgatory
 * runs at EL1 or EL2 and reads ID_AA64ISAR0_EL1.CRC32 (bits [19:16], 1 =
 * the CRC32 instructions). Asked every time, like CPUID above.
 */
static bool cpu_has_armv8_crc32(void)
{
#if __STDC_HOSTED__
	return getauxval(AT_HWCAP) & HWCAP_CRC32;
#else
	uint64_t isar0;

	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	return ((isar0 >> 16) & 0xf) != 0;
#endif
}
#endif /* KX_CRC32C_HAVE_ARMV8 */

bool kx_crc32c_impl_available(enum kx_crc32c_impl impl)
{
	switch (impl) {
	case KX_CRC32C_IMPL_AUTO:
	case KX_CRC32C_IMPL_PORTABLE:
		return true;
	case KX_CRC32C_IMPL_SSE42:
#ifdef KX_CRC32C_HAVE_SSE42
		return cpu_has_sse42();
#else
		return false;
#endif
	case KX_CRC32C_IMPL_ARMV8:
#ifdef KX_CRC32C_HAVE_ARMV8
		return cpu_has_armv8_crc32();
#else
		return false;
#endif
	}
	return false;
}

enum kx_crc32c_impl kx_crc32c_impl_best(void)
{
#if defined(KX_CRC32C_HAVE_SSE42)
	if (cpu_has_sse42())
		return KX_CRC32C_IMPL_SSE42;
#elif defined(KX_CRC32C_HAVE_ARMV8)
	if (cpu_has_armv8_crc32())
		return KX_CRC32C_IMPL_ARMV8;
#endif
	return KX_CRC32C_IMPL_PORTABLE;
}

const char *kx_crc32c_impl_name(enum kx_crc32c_impl impl)
{
	switch (impl) {
	case KX_CRC32C_IMPL_AUTO: return "auto";
	case KX_CRC32C_IMPL_PORTABLE: return "portable";
	case KX_CRC32C_IMPL_SSE42: return "sse4.2";
	case KX_CRC32C_IMPL_ARMV8: return "armv8";
	}
	return "?";
}

uint32_t kx_crc32c_update_impl(enum kx_crc32c_impl impl, uint32_t crc,
			       const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t c = ~crc;

	if (impl == KX_CRC32C_IMPL_AUTO)
		impl = kx_crc32c_impl_best();
	else if (!kx_crc32c_impl_available(impl))
		impl = KX_CRC32C_IMPL_PORTABLE;
#ifdef KX_CRC32C_HAVE_SSE42
	if (impl == KX_CRC32C_IMPL_SSE42)
		return ~crc_sse42(c, p, len);
#endif
#ifdef KX_CRC32C_HAVE_ARMV8
	if (impl == KX_CRC32C_IMPL_ARMV8)
		return ~crc_armv8(c, p, len);
#endif
	return ~crc_portable(c, p, len);
}

uint32_t kx_crc32c_update(uint32_t crc, const void *data, size_t len)
{
	return kx_crc32c_update_impl(KX_CRC32C_IMPL_AUTO, crc, data, len);
}

uint32_t kx_crc32c(const void *data, size_t len)
{
	return kx_crc32c_update(0, data, len);
}

/*
 * GF(2) polynomials modulo P in the reflected representation the register
 * uses: bit 31 is the coefficient of x^0, bit 0 that of x^31, and
 * multiplying by x is a right shift with P (0x82F63B78) added when x^31
 * falls off.
 */
#define POLY 0x82F63B78u

static uint32_t mul_mod_p(uint32_t a, uint32_t b)
{
	uint32_t product = 0;

	/* a = sum of a_i x^i (a_i in bit 31 - i): add b x^i for each a_i. */
	for (int i = 0; i < 32; i++) {
		if (a & (0x80000000u >> i))
			product ^= b;
		b = (b >> 1) ^ ((b & 1) ? POLY : 0);
	}
	return product;
}

/* x^(8 n) mod P, by squaring: x^8, x^16, x^32, ... for the bits of n. */
static uint32_t x_pow_8n(uint64_t n)
{
	uint32_t result = 0x80000000u;     /* x^0 */
	uint32_t square = 0x80000000u >> 8; /* x^8 */

	for (; n; n >>= 1) {
		if (n & 1)
			result = mul_mod_p(result, square);
		square = mul_mod_p(square, square);
	}
	return result;
}

uint32_t kx_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	return mul_mod_p(crc_a, x_pow_8n(len_b)) ^ crc_b;
}
