// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64's purgatory console: a 16550 at an I/O port, named by --serial
 * (ttyS0..ttyS3 or a port number, as kexec-tools' --serial) or by the last
 * console=ttySN of the new command line; none (0) otherwise. Also what the
 * x86_64 back end does with a device tree: --dtb's goes to the new kernel
 * as a SETUP_DTB setup_data node (boot_params.c); there is no running one
 * to hand on (an x86 kernel learns the machine from ACPI).
 */
#include <stdlib.h>
#include <string.h>

#include "../../core/notes.h"
#include "../../dtb/dtb.h"
#include "../arch.h"
#include "console.h"

/* the PC's COM1..COM4 */
static const uint16_t com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

int kx_x86_console(const char *serial_opt, const char *cmdline, uint64_t *ret, struct kx_error *err)
{
	*ret = 0;
	if (serial_opt) {
		char *end;
		if (!strncmp(serial_opt, "ttyS", 4) && serial_opt[4] >= '0' && serial_opt[4] <= '3' &&
		    !serial_opt[5]) {
			*ret = com_ports[serial_opt[4] - '0'];
			return 0;
		}
		unsigned long v = strtoul(serial_opt, &end, 0);
		if (end == serial_opt || *end || v == 0 || v > 0xffff)
			return kx_fail(err, KX_E_USAGE,
				       "--serial=%s: expected ttyS0..ttyS3 or an I/O port number", serial_opt);
		*ret = v;
		return 0;
	}
	/* The console the user will watch: the last console=ttySN wins, as in the kernel. */
	for (const char *p = cmdline; (p = strstr(p, "console=ttyS")); p += 12) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		char c = p[12];
		if (c >= '0' && c <= '3')
			*ret = com_ports[c - '0'];
	}
	return 0;
}

int kx_x86_boot_tree(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_notes *notes,
		     struct kx_error *err)
{
	(void)notes;
	if (!dtb_path)
		return 0;
	return kx_dtb_read(root, dtb_path, ret, err);
}

const char *kx_x86_tree_source(const char *dtb_path)
{
	return dtb_path ? "--dtb" : NULL;
}
