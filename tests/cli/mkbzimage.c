// SPDX-License-Identifier: GPL-2.0-or-later
/* Writes the synthetic bzImage of tests/unit/synth.h to a file, for the
 * command-line tests (golden --dry-run output that no kernel update moves). */
#include <stdio.h>

#include "../unit/synth.h"

int main(int argc, char **argv)
{
	size_t size;
	uint8_t *k = kx_synth_bzimage(&size);
	FILE *out = argc == 2 ? fopen(argv[1], "wb") : NULL;
	if (!k || !out || fwrite(k, 1, size, out) != size || fclose(out)) {
		fprintf(stderr, "usage: mkbzimage OUT\n");
		return 1;
	}
	free(k);
	return 0;
}
