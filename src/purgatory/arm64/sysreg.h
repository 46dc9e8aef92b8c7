/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few AArch64 system register fields the arm64 purgatory touches, from
 * the Arm ARM (DDI 0487), shared by its assembly and C. Only what is used.
 */
#ifndef KX_ARM64_SYSREG_H
#define KX_ARM64_SYSREG_H

#ifdef __ASSEMBLER__
#define KX_UL(x) x
#else
#define KX_UL(x) x##UL
#endif

/* CurrentEL: the exception level in bits [3:2]. */
#define CURRENTEL_EL1		(1 << 2)
#define CURRENTEL_EL2		(2 << 2)
#define CURRENTEL_EL3		(3 << 2)

/* SCTLR_EL1/SCTLR_EL2 (same positions in both, with and without E2H). */
#define SCTLR_M			(KX_UL(1) << 0)	 /* stage 1 MMU */
#define SCTLR_A			(KX_UL(1) << 1)	 /* alignment check */
#define SCTLR_C			(KX_UL(1) << 2)	 /* data cacheability */
#define SCTLR_I			(KX_UL(1) << 12) /* instruction cacheability */
#define SCTLR_WXN		(KX_UL(1) << 19) /* writable implies XN */

/* HCR_EL2.E2H: EL2 runs the EL2&0 regime with the EL1 register formats. */
#define HCR_E2H_BIT		34

/* FP/SIMD traps: CPACR_EL1.FPEN (also CPTR_EL2 when E2H=1), CPTR_EL2.TFP
 * (E2H=0) and CPTR_EL3.TFP. */
#define CPACR_FPEN		(KX_UL(3) << 20)
#define CPTR_TFP		(KX_UL(1) << 10)

/* ID_AA64MMFR0_EL1 */
#define MMFR0_PARANGE_MASK	KX_UL(0xf)
#define MMFR0_TGRAN4_SHIFT	28
#define MMFR0_TGRAN4_NONE	KX_UL(0xf)

/* MAIR: attribute 0 = Normal, Inner/Outer Write-Back non-transient,
 * read/write-allocate; attribute 1 = Device-nGnRE (kept for completeness:
 * the purgatory only touches the UART with the MMU off). */
#define MAIR_ATTR_NORMAL_WB	KX_UL(0xff)
#define MAIR_ATTR_DEVICE_nGnRE	KX_UL(0x04)
#define MT_NORMAL		0
#define MT_DEVICE_nGnRE		1
#define KX_MAIR_VALUE		(MAIR_ATTR_NORMAL_WB << (8 * MT_NORMAL) | \
				 MAIR_ATTR_DEVICE_nGnRE << (8 * MT_DEVICE_nGnRE))

/*
 * TCR for a 4 KiB granule, 48-bit VA (T0SZ = 16, walks start at level 0),
 * table walks Inner Shareable and Write-Back cacheable (they read the
 * tables through the D-cache). Two layouts: TCR_EL1 (also TCR_EL2 when
 * E2H=1), where IPS is at [34:32] and EPD1 turns off TTBR1 walks; and
 * TCR_EL2 with E2H=0, one VA range, PS at [18:16], bits 23 and 31 RES1.
 */
#define TCR_T0SZ_48		KX_UL(16)
#define TCR_IRGN0_WBWA		(KX_UL(1) << 8)
#define TCR_ORGN0_WBWA		(KX_UL(1) << 10)
#define TCR_SH0_INNER		(KX_UL(3) << 12)
#define TCR_TG0_4K		(KX_UL(0) << 14)
#define TCR_T1SZ_48		(KX_UL(16) << 16)
#define TCR_EPD1		(KX_UL(1) << 23)
#define TCR_TG1_4K		(KX_UL(2) << 30)
#define TCR_IPS_SHIFT		32
#define TCR_EL2_RES1		((KX_UL(1) << 31) | (KX_UL(1) << 23))
#define TCR_EL2_PS_SHIFT	16
#define TCR_COMMON		(TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
				 TCR_SH0_INNER | TCR_TG0_4K)

/* CTR_EL0.DminLine: log2 of the smallest D-cache line in 4-byte words. */
#define CTR_DMINLINE_SHIFT	16

#endif
