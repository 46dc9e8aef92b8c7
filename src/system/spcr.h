/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI SPCR (Serial Port Console Redirection): the console UART of an ACPI
 * boot, where the running device tree (the EFI stub's) has no stdout-path.
 * The arm64 kernel makes it the default console (acpi_parse_spcr), so the
 * purgatory prints its digest message there too.
 */
#ifndef KX_SPCR_H
#define KX_SPCR_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"

/* Interface types (the DBG2 serial port subtypes the SPCR table uses) */
#define KX_SPCR_16550           0x00
#define KX_SPCR_16550_SUBSET    0x01
#define KX_SPCR_ARM_PL011       0x03
#define KX_SPCR_ARM_SBSA_32BIT  0x0d
#define KX_SPCR_ARM_SBSA        0x0e
#define KX_SPCR_16550_GAS       0x12

struct kx_spcr {
	bool present;
	uint8_t interface_type;
	uint64_t address;      /* the UART's registers, in system memory */
};

/*
 * Parse an SPCR table (`source` names it in messages). Checks, each a named
 * KX_E_INPUT error: at least 80 bytes (revision 1's layout) and the header's
 * length within the bytes, signature "SPCR", checksum (all bytes of the
 * table sum to 0), the base address in system memory (GAS address space 0)
 * and not 0 (0 means "no console").
 */
int kx_spcr_parse(struct kx_bytes table, const char *source, struct kx_spcr *ret, struct kx_error *err);

/* Is it a UART the arm64 purgatory drives (PL011 and the SBSA generic UART,
 * whose transmit register and flags are PL011's)? */
bool kx_spcr_is_pl011(const struct kx_spcr *spcr);

#endif
