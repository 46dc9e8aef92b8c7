// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec's command line parser: the input split at NUL bytes into argv
 * (kexec's options, values, kernel names), parsed as main() parses it.
 */
#include "fuzz_common.h"

#include <getopt.h>

#include "cli/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAX_ARGS = 64 };
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[argc++] = "kexec";
	for (size_t i = 0; i < size && argc < MAX_ARGS; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	struct kx_options o;
	struct kx_error err = { 0 };
	optind = 0;   /* glibc: a full reset of getopt's state */
	opterr = 0;
	(void)kx_options_parse(argc, argv, &o, &err);
	free(buf);
	return 0;
}
