// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 purgatory: the code between the old kernel and the new one.
 *
 * Why it exists: with kexec_load the old kernel copies our segments into
 * place and branches to one address, with nobody left to check that what it
 * copied is what we planned. So the loader points that branch here; we hash
 * every segment, compare with the digests the loader computed, and only
 * then enter the kernel the way Documentation/arch/arm64/booting.rst wants:
 * x0 = DTB, x1 = x2 = x3 = 0 (params.regs[0..3]), MMU off, D-cache off,
 * at the EL we were entered in (EL2 if the kernel was booted at EL2).
 *
 * How it is built: a flat binary that runs wherever it is loaded (entry.S
 * at offset 0: a branch over the header of purgatory_abi.h at offset 16),
 * everything PC-relative, no relocations (the link fails if one is
 * needed), the parameter block patched by the loader.
 *
 * What we get from the old kernel (arch/arm64/kernel/cpu-reset.S,
 * relocate_kernel.S): MMU and D-cache off (often the I-cache too), at EL1,
 * or at EL2 (HCR_EL2.E2H set or not) when it was booted there, interrupts
 * masked, our segments written and cleaned to the point of coherency (PoC).
 *
 * WHY THE D-CACHE GOES ON. With the MMU off every data access is to Device
 * memory: uncached, one bus transaction per load, no prefetch. Hashing a
 * 30 MB kernel + initrd like that takes 20 s to minutes on real hardware
 * (kexec-tools' purgatory does exactly that; users turn the check off). So
 * for the check we build an identity map in our bss, turn the MMU and the
 * caches on, hash at full speed, and turn them off again before the jump.
 * On top of that the digest uses the CPU's instructions for it: CRC32C
 * (the default) the CRC32 extension when ID_AA64ISAR0_EL1.CRC32 says the
 * CPU has it (core/crc32c.c: CRC32CX, eight bytes per instruction),
 * SHA-256 the ARMv8 SHA-256 instructions when ID_AA64ISAR0_EL1.SHA2 says
 * so (core/sha256.c); the portable C code otherwise.
 *
 * The map (pgtable.c): 4 KiB granule, 48-bit VA, Normal Write-Back memory,
 * Inner Shareable, covering exactly our own image and the page-rounded
 * regions, with 1 GiB / 2 MiB blocks where a range covers them wholly and
 * 4 KiB pages at its edges. Nothing else is mapped: no MMIO (the UART is
 * only touched with the MMU off, so it needs no Device mapping) and no
 * memory next to a segment that might be a firmware carve-out, which a
 * speculative access through a cacheable mapping could otherwise reach.
 *
 * THE ORDER (cache.S does it, with no memory access where one would hurt):
 *  1. MMU off: zero the bss, build the tables (they go straight to memory).
 *  2. Invalidate to PoC every region and our whole image (code, parameters,
 *     bss with stack and tables). The caches may still hold lines from the
 *     old kernel's life; a stale line would shadow what we wrote with the
 *     MMU off (the table walker reads through the cache) or what the old
 *     kernel cleaned to memory. After this, a cacheable read can only
 *     fetch what is in memory, which is what the new kernel will read with
 *     its MMU off: the check vouches for the bytes the kernel will see.
 *  3. MAIR/TCR/TTBR0 of the current EL, TLB invalidate (dsb, isb), then
 *     SCTLR.M|C|I on, isb, I-cache invalidate.
 *  4. Hash (verify.c), reading the regions and writing only our stack.
 *  5. SCTLR.M|C off first (isb), so no line can be allocated any more,
 *     then clean+invalidate our image to PoC (dsb): the dirty stack lines
 *     reach memory and nothing of ours stays in the cache, where it could
 *     be evicted later on top of whatever the new kernel has put there.
 *  6. MAIR/TCR/TTBR0 back as they were, TLB and I-cache invalidate, and
 *     (entry.S) SCTLR and the FP/SIMD trap register back as they were,
 *     I-cache invalidate, then the branch.
 *
 * WHY IT IS SAFE. We never write a region, so nothing of the kernel's can
 * be dirty in the cache when we leave; the only lines we dirty are in our
 * own segment and are cleaned before the caches go off. The regions are
 * read through lines filled from memory after step 2, so the digest is of
 * memory, as with the caches off. The registers of the other translation
 * regime are never touched; at EL2 HCR_EL2.E2H picks the TCR layout (and
 * AP[1], RES1 without E2H) but is not changed. Single CPU: the others are
 * stopped by the old kernel, and all maintenance is by VA to PoC.
 *
 * THE FALLBACK. If an identity map cannot be made (no 4 KiB granule, a
 * region above the physical address size or the 48-bit VA, more tables
 * than the pool holds, EL3) we hash with the MMU and caches off: slow,
 * never wrong. Everything runs with -mstrict-align, the vector loads of
 * the SHA-256 block function use element-sized LD1 and the CRC32C code
 * reads aligned words only, so the same code is correct on Device memory.
 *
 * On a digest mismatch we never branch: report on the PL011 at
 * params.serial_port if the loader gave one, then park in a WFE loop.
 */
#include <stdbool.h>
#include <stdint.h>

/* Everything declared below is in this blob: reached PC-relative, never
 * through a GOT (taking a function's address would otherwise need one). */
#pragma GCC visibility push(hidden)
#include "purgatory/knobs.h"
#include "purgatory/arm64/pgtable.h"
#include "purgatory/arm64/sysreg.h"
#include "purgatory/console.h"
#include "purgatory/purgatory_abi.h"
#include "purgatory/verify.h"
#pragma GCC visibility pop

/*
 * The parameter block the loader fills. In its own section so the linker
 * script puts it in the file image (not the bss: the loader writes it
 * before we run). Not static: the compiler must not assume it stays zero.
 */
struct kx_purgatory_params kx_params __attribute__((section(".kx_params"), aligned(64)));

/* From entry.S and the linker script. Hidden: reached PC-relative, never
 * through a GOT. */
#define HIDDEN __attribute__((visibility("hidden")))
extern const volatile uint32_t kx_arm64_knobs HIDDEN;
extern char kx_purgatory_entry[] HIDDEN;
extern char kx_end[] HIDDEN;

/* cache.S */
typedef int verify_fn(const struct kx_purgatory_params *);
void kx_arm64_dcache_inval(uint64_t start, uint64_t end);
int kx_arm64_verify_cached(const struct kx_purgatory_params *params, verify_fn *verify,
			   uint64_t ttbr0, uint64_t tcr, uint64_t mair);

void kx_purgatory_main(unsigned int el);

/*
 * Tables for the identity map. A typical kexec (kernel, initrd, DTB, us)
 * needs about ten; this is enough for 16 scattered regions.
 */
#define PT_POOL_TABLES 40
static uint64_t pt_pool[PT_POOL_TABLES * KX_PT_ENTRIES] __attribute__((aligned(4096)));

/* PL011 registers (offsets from the base). */
#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_BUSY	(1u << 3)
#define UART_FR_TXFF	(1u << 5)

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

/* 0 when the loader asked for silence or gave no usable address. The
 * UART was set up by firmware and the old kernel: we only poll and write. */
static uint64_t console_base(void)
{
	uint64_t base = kx_params.serial_port;

	return base % 4 ? 0 : base;
}

static void serial_putc(uint64_t base, char c)
{
	/* Bounded: a missing or wedged UART must not keep us from parking
	 * (or booting) forever. */
	for (uint32_t i = 0; i < 1000000; i++)
		if (!(mmio_read32(base + UART_FR) & UART_FR_TXFF))
			break;
	mmio_write32(base + UART_DR, (uint8_t)c);
}

/* Let the last character leave before the kernel takes the UART over. */
static void serial_drain(uint64_t base)
{
	for (uint32_t i = 0; i < 1000000; i++)
		if (!(mmio_read32(base + UART_FR) & UART_FR_BUSY))
			break;
}

static __attribute__((noreturn)) void park_forever(void)
{
	for (;;)
		__asm__ volatile("wfe");
}

static __attribute__((noreturn)) void refuse(int bad)
{
	uint64_t base = console_base();

	if (base) {
		kx_console_refusal(serial_putc, base, &kx_params, bad);
		serial_drain(base);
	}
	park_forever();
}

/*
 * KX_KNOB_PORTABLE: verify.c's check with the portable C code of the
 * digest (SHA-256 block function, CRC32C tables), for the harness to time
 * and test it on CPUs that have the instructions.
 */
static int verify_portable(const struct kx_purgatory_params *p)
{
	return kx_purgatory_verify_with(p, 1);
}

/*
 * KX_KNOB_REPORT: what SCTLR_ELx said while the check ran, so that
 * the harness sees the MMU and D-cache were really on. Runtime-set data in
 * the bss (a code address stored at run time needs no relocation).
 */
static verify_fn *probed_verify;
static uint64_t sctlr_during_check;

static uint64_t read_sctlr(void)
{
	uint64_t el, v;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if ((el & 0xc) == CURRENTEL_EL2)
		__asm__ volatile("mrs %0, sctlr_el2" : "=r"(v));
	else
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
	return v;
}

static int verify_probe(const struct kx_purgatory_params *p)
{
	sctlr_during_check = read_sctlr();
	return probed_verify(p);
}

static uint64_t read_mmfr0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(v));
	return v;
}

static bool el2_has_e2h(void)
{
	uint64_t hcr;

	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	return (hcr >> HCR_E2H_BIT) & 1;
}

struct mmu_setup {
	uint64_t ttbr0, tcr;
	const char *why_not;      /* set when the check must run uncached */
};

/*
 * Build the identity map of our image and every region, and the TCR for
 * it. False (with the reason) when it cannot be done; nothing has been
 * switched yet then.
 */
static bool mmu_prepare(unsigned int el, struct mmu_setup *m)
{
	/* ID_AA64MMFR0_EL1.PARange -> bits; 52-bit needs LPA/LPA2 formats we
	 * do not use, so the map stops at 48 bits. */
	static const uint8_t pa_bits_of[7] = { 32, 36, 40, 42, 44, 48, 52 };
	uint64_t mmfr0 = read_mmfr0();
	unsigned int parange = (unsigned int)(mmfr0 & MMFR0_PARANGE_MASK);
	unsigned int pa_bits;
	struct kx_arm64_pgtable pt;
	uint64_t attrs = KX_PT_AF | KX_PT_SH_INNER | KX_PT_ATTRINDX(MT_NORMAL);
	bool e2h = false;

	if (el != 1 && el != 2) {
		m->why_not = "not at EL1 or EL2";
		return false;
	}
	if (((mmfr0 >> MMFR0_TGRAN4_SHIFT) & 0xf) == MMFR0_TGRAN4_NONE) {
		m->why_not = "no 4 KiB translation granule";
		return false;
	}
	if (parange > 5)
		parange = 5;
	pa_bits = pa_bits_of[parange];
	if (el == 2) {
		e2h = el2_has_e2h();
		if (!e2h)
			attrs |= KX_PT_AP1;
	}

	kx_arm64_pgtable_init(&pt, pt_pool, PT_POOL_TABLES, attrs, pa_bits);
	if (kx_arm64_map_identity(&pt, (uint64_t)(uintptr_t)kx_purgatory_entry,
				  (uint64_t)(kx_end - kx_purgatory_entry))) {
		m->why_not = "cannot map the purgatory itself";
		return false;
	}
	for (uint32_t i = 0; i < kx_params.nr_regions; i++) {
		const struct kx_purgatory_region *r = &kx_params.regions[i];

		if (kx_arm64_map_identity(&pt, r->start, r->len)) {
			m->why_not = "a region lies outside what can be mapped";
			return false;
		}
	}

	m->ttbr0 = kx_arm64_pgtable_root(&pt);
	if (el == 1 || e2h)
		m->tcr = TCR_COMMON | TCR_T1SZ_48 | TCR_EPD1 | TCR_TG1_4K |
			 (uint64_t)parange << TCR_IPS_SHIFT;
	else
		m->tcr = TCR_COMMON | TCR_EL2_RES1 | (uint64_t)parange << TCR_EL2_PS_SHIFT;
	m->why_not = 0;
	return true;
}

static void report(uint64_t base, unsigned int el, const struct mmu_setup *m, bool portable)
{
	kx_console_puts(serial_putc, base, "kexec-ng purgatory: EL");
	kx_console_put_u64(serial_putc, base, el, 10);
	if (el == 2)
		kx_console_puts(serial_putc, base, el2_has_e2h() ? " (E2H=1)" : " (E2H=0)");
	if (m->why_not) {
		kx_console_puts(serial_putc, base, ", MMU and caches off (");
		kx_console_puts(serial_putc, base, m->why_not);
		kx_console_puts(serial_putc, base, ")");
	} else {
		kx_console_puts(serial_putc, base, ", MMU and caches on");
	}
	kx_console_puts(serial_putc, base, ", ");
	kx_console_puts(serial_putc, base, kx_purgatory_digest_impl(&kx_params, portable));
	kx_console_puts(serial_putc, base, "\n");
}

/* Called by entry.S with the MMU off; returns only when the kernel may be
 * started. */
void kx_purgatory_main(unsigned int el)
{
	uint32_t knobs = kx_arm64_knobs;
	bool portable = knobs & KX_KNOB_PORTABLE;
	verify_fn *verify = portable ? verify_portable : kx_purgatory_verify;
	uint64_t base = console_base();
	struct mmu_setup m = { 0 };
	int bad;

	if (!(kx_params.flags & KX_PURGATORY_VERIFY))
		return;
	if (kx_params.nr_regions > KX_PURGATORY_REGIONS_MAX)
		refuse(KX_PURGATORY_REGIONS_MAX);

	if (knobs & KX_KNOB_CACHES_OFF)
		m.why_not = "asked to";
	else
		mmu_prepare(el, &m);
	if (base && (knobs & KX_KNOB_REPORT)) {
		report(base, el, &m, portable);
		probed_verify = verify;
		verify = verify_probe;
	}

	if (m.why_not) {
		bad = verify(&kx_params);
	} else {
		for (uint32_t i = 0; i < kx_params.nr_regions; i++) {
			const struct kx_purgatory_region *r = &kx_params.regions[i];

			if (r->len)
				kx_arm64_dcache_inval(r->start, r->start + r->len);
		}
		bad = kx_arm64_verify_cached(&kx_params, verify, m.ttbr0, m.tcr, KX_MAIR_VALUE);
	}
	if (base && (knobs & KX_KNOB_REPORT)) {
		kx_console_puts(serial_putc, base, "kexec-ng purgatory: SCTLR during the check ");
		kx_console_put_u64(serial_putc, base, sctlr_during_check, 16);
		kx_console_puts(serial_putc, base, "\n");
	}
	if (bad >= 0)
		refuse(bad);
	if (base) {
		kx_console_verified(serial_putc, base, &kx_params);
		serial_drain(base);
	}
}
