// SPDX-License-Identifier: GPL-2.0-or-later
#include "spcr.h"

#include <inttypes.h>
#include <string.h>

/* ACPI table header (36 bytes), then SPCR's own fields */
#define SPCR_LENGTH          4
#define SPCR_INTERFACE_TYPE  36
#define SPCR_BASE_GAS        40  /* Generic Address Structure, 12 bytes */
#define GAS_SPACE_ID         0
#define GAS_ADDRESS          4
#define SPCR_MIN_LENGTH      80

int kx_spcr_parse(struct kx_bytes table, const char *source, struct kx_spcr *ret, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	if (table.size < SPCR_MIN_LENGTH)
		return kx_fail(err, KX_E_INPUT, "%s: %zu bytes; an SPCR table has at least %d", source, table.size,
			       SPCR_MIN_LENGTH);
	if (memcmp(table.data, "SPCR", 4))
		return kx_fail(err, KX_E_INPUT, "%s: signature (at 0) is not \"SPCR\"", source);
	uint32_t length = 0;
	uint64_t address = 0;
	kx_le32(table, SPCR_LENGTH, &length);   /* in range: size >= 80 */
	if (length < SPCR_MIN_LENGTH || length > table.size)
		return kx_fail(err, KX_E_INPUT, "%s: length %" PRIu32 " (at 4) is outside %d..%zu, the bytes there are",
			       source, length, SPCR_MIN_LENGTH, table.size);
	uint8_t sum = 0;
	for (uint32_t i = 0; i < length; i++)
		sum = (uint8_t)(sum + table.data[i]);
	if (sum)
		return kx_fail(err, KX_E_INPUT, "%s: checksum (at 9) is wrong: the %" PRIu32 " bytes sum to 0x%02x, "
			       "not 0", source, length, sum);
	const uint8_t *gas = table.data + SPCR_BASE_GAS;
	if (gas[GAS_SPACE_ID] != 0)
		return kx_fail(err, KX_E_INPUT, "%s: base address space %u (at 40) is not system memory (0)",
			       source, gas[GAS_SPACE_ID]);
	kx_le64(table, SPCR_BASE_GAS + GAS_ADDRESS, &address);
	if (address == 0)
		return kx_fail(err, KX_E_INPUT, "%s: base address (at 44) is 0: the console is disabled", source);
	ret->present = true;
	ret->interface_type = table.data[SPCR_INTERFACE_TYPE];
	ret->address = address;
	return 0;
}

bool kx_spcr_is_pl011(const struct kx_spcr *spcr)
{
	return spcr->present && (spcr->interface_type == KX_SPCR_ARM_PL011 ||
				 spcr->interface_type == KX_SPCR_ARM_SBSA ||
				 spcr->interface_type == KX_SPCR_ARM_SBSA_32BIT);
}
