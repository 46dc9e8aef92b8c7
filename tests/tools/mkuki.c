// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A synthetic UKI for the command-line tests, laid out as `objcopy
 * --add-section` and ukify do (tests/unit/synth.h, kx_synth_uki), without
 * a stub's code (it never runs under firmware):
 *   mkuki MACHINE OUT SECTION=FILE...    e.g. mkuki 0x8664 uki.efi .linux=vmlinuz .cmdline=cl.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "../unit/synth.h"

#define MAX_SECTIONS 16

int main(int argc, char **argv)
{
	struct kx_synth_section secs[MAX_SECTIONS];
	struct kx_file files[MAX_SECTIONS];
	int n = argc - 3;

	if (argc < 4 || n > MAX_SECTIONS) {
		fprintf(stderr, "usage: mkuki MACHINE OUT SECTION=FILE... (at most %d)\n", MAX_SECTIONS);
		return 2;
	}
	uint16_t machine = (uint16_t)strtoul(argv[1], NULL, 0);
	for (int i = 0; i < n; i++) {
		char *eq = strchr(argv[3 + i], '=');
		struct kx_error err = { 0 };
		if (!eq || eq - argv[3 + i] > 8) {
			fprintf(stderr, "mkuki: %s: expected SECTION=FILE, SECTION at most 8 characters\n", argv[3 + i]);
			return 2;
		}
		*eq = 0;
		if (kx_file_map(&files[i], eq + 1, &err) < 0) {
			fprintf(stderr, "mkuki: %s\n", err.message);
			return 1;
		}
		secs[i] = (struct kx_synth_section){ argv[3 + i], files[i].bytes.data, files[i].bytes.size };
	}
	size_t size;
	uint8_t *p = kx_synth_uki(machine, secs, (unsigned int)n, &size);
	FILE *out = fopen(argv[2], "wb");
	if (!p || !out || fwrite(p, 1, size, out) != size || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	free(p);
	for (int i = 0; i < n; i++)
		kx_file_close(&files[i]);
	return 0;
}
