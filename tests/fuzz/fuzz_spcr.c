// SPDX-License-Identifier: GPL-2.0-or-later
/* ACPI SPCR tables (/sys/firmware/acpi/tables/SPCR: the purgatory's console). */
#include "fuzz_common.h"

#include "system/spcr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_spcr spcr;
	struct kx_error err = { 0 };

	if (kx_spcr_parse((struct kx_bytes){ data, size }, "SPCR", &spcr, &err) == 0)
		(void)kx_spcr_is_pl011(&spcr);
	return 0;
}
