/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exit statuses of the tools that read a kernel core (vmcore-dmesg,
 * vmcore-save): one table, so that a script sees the same number for the
 * same trouble from either.
 */
#ifndef KX_CLI_CORE_EXIT_H
#define KX_CLI_CORE_EXIT_H

#include "../core/error.h"

enum {
	EXIT_FATAL = 1,       /* out of memory, cannot write the output */
	EXIT_USAGE = 2,
	EXIT_IO = 3,          /* the core cannot be opened or read */
	EXIT_BROKEN = 4,      /* the core (or a stream read) is broken or truncated */
	EXIT_UNSUPPORTED = 5, /* not a kernel core, or a format not read here */
};

static inline int kx_core_exit_code(enum kx_status s)
{
	switch (s) {
	case KX_OK: return 0;
	case KX_E_USAGE: return EXIT_USAGE;
	case KX_E_IO: return EXIT_IO;
	case KX_E_INPUT: return EXIT_BROKEN;
	case KX_E_FORMAT: return EXIT_UNSUPPORTED;
	default: return EXIT_FATAL;
	}
}

#endif
