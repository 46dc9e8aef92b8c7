/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified Kernel Images (https://uapi-group.org/specifications/specs/unified_kernel_image/):
 * a PE/COFF image (systemd-stub) whose sections carry the kernel (.linux),
 * an initrd (.initrd) and a command line (.cmdline). A UKI is a wrapper:
 * the kernel in .linux is handed to the usual loaders (and unwrapped first
 * when it is compressed or an EFI zboot image).
 */
#ifndef KX_UKI_H
#define KX_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"

struct kx_uki_section {
	bool present;
	uint32_t offset;             /* PointerToRawData */
	struct kx_bytes bytes;       /* inside the file; VirtualSize bytes (<= SizeOfRawData) */
};

struct kx_uki {
	uint16_t machine;
	struct kx_uki_section linux_image; /* .linux: never empty */
	struct kx_uki_section initrd;      /* .initrd */
	struct kx_uki_section cmdline;     /* .cmdline: text (checked) */
	struct kx_uki_section dtb;         /* .dtb: found, not used (named in the plan) */
	struct kx_uki_section ucode;       /* .ucode: CPU microcode, put before the initrd */
	unsigned int nr_profiles;          /* .profile sections (0: a single-profile UKI) */
	unsigned int profile;              /* the profile whose sections these are */
};

/*
 * Is `file` a UKI for the PE machine `pe_machine` (architecture `arch_name`)?
 * 1 and *ret filled when it is, 0 when it is not a UKI (not PE/COFF, or a
 * PE image without UKI sections, such as a bzImage with its EFI stub), -1
 * when it is one but broken: the error names `name`, the field and the rule.
 * A PE image with UKI sections (.osrel, .cmdline, .initrd, .uname, ...) but
 * no .linux is broken, not "something else". Sections of profile 0 of a
 * multi-profile UKI (after the first .profile) replace the base ones.
 */
int kx_uki_parse(struct kx_bytes file, const char *name, uint16_t pe_machine,
		 const char *arch_name, struct kx_uki *ret, struct kx_error *err);

/* The same for profile `profile` of a multi-profile UKI (0, the default,
 * for any UKI): its sections replace the base ones. A profile the UKI does
 * not have is KX_E_USAGE. */
int kx_uki_parse_profile(struct kx_bytes file, const char *name, uint16_t pe_machine,
			 const char *arch_name, unsigned int profile, struct kx_uki *ret, struct kx_error *err);

/*
 * The .cmdline as the kernel gets it: trailing NULs and white space dropped,
 * tabs and line breaks turned into spaces. Fails when it does not fit `size`.
 */
int kx_uki_cmdline(const struct kx_uki *uki, const char *name, char *out, size_t size,
		   struct kx_error *err);

#endif
