// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PE images on their own: UKIs (every section, profiles, the .cmdline as
 * the kernel gets it) for the three machines, and EFI zboot headers. The
 * first byte picks the machine and the profile; the rest is the file.
 */
#include "fuzz_common.h"

#include "wrappers/uki.h"
#include "wrappers/wrapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t machines[] = { 0x8664, 0xaa64, 0x5064 };
	if (size < 1)
		return 0;
	struct kx_bytes file = { data + 1, size - 1 };
	struct kx_error err = { 0 };
	struct kx_uki uki;
	if (kx_uki_parse_profile(file, "fuzz.efi", machines[data[0] % 3], "fuzz", (data[0] >> 2) & 3, &uki,
				 &err) > 0) {
		char cmdline[4096];
		kx_uki_cmdline(&uki, "fuzz.efi", cmdline, sizeof(cmdline), &err);
	}
	struct kx_bytes payload;
	enum kx_compression comp;
	kx_zboot_payload(file, "fuzz.efi", &payload, &comp, &err);
	return 0;
}
