// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device trees (--dtb, /sys/firmware/fdt, a UKI's .dtb): read and checked,
 * then everything the loaders do with one: memory and reserved-memory facts,
 * the /chosen edits of a normal and a crash load. An edited tree must stay
 * valid for libfdt.
 */
#include "fuzz_common.h"

#include <libfdt.h>

#include "dtb/dtb.h"
#include "memmap/memmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_memmap map, usable;
	static const uint8_t seed[32];
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	if (kx_dtb_from_bytes(data, size, "fuzz.dtb", &dtb, &err) < 0)
		return 0;
	if (usable.count == 0)
		kx_memmap_add(&usable, 0x50000000, 0x5fffffff, 1, &err);
	kx_dtb_memory(&dtb, &map, &err);
	kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &map, &err);
	kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &map, &err);
	for (int crash = 0; crash < 2; crash++) {
		struct kx_dtb_chosen c = {
			.bootargs = "console=ttyAMA0 fuzz", .initrd_start = 0x48000000, .initrd_end = 0x48100000,
			.kaslr_seed = seed, .rng_seed = seed, .rng_seed_len = sizeof(seed), .crash = crash,
			.elfcorehdr_addr = 0x50000000, .elfcorehdr_size = 0x1000,
			.usable = crash ? &usable : NULL,
		};
		if (kx_dtb_set_chosen(&dtb, &c, &err) == 0 && fdt_check_full(dtb.blob, kx_dtb_size(&dtb)) != 0)
			abort();   /* an edit made the tree invalid */
	}
	kx_dtb_free(&dtb);
	return 0;
}
