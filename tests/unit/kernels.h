/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real Debian kernels for parser tests, fetched by scripts/fetch-kernels.sh. */
#ifndef KX_TEST_KERNELS_H
#define KX_TEST_KERNELS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"

static inline int kx_test_map_kernel(const char *which, const char *file, struct kx_file *ret)
{
	char path[1024];
	struct kx_error err = { 0 };
	snprintf(path, sizeof(path), "%s/.cache/kernels/%s/%s",
		 kx_test_env("KX_SRCDIR", "."), which, file);
	if (kx_file_map(ret, path, &err) < 0) {
		printf("#   missing real kernel: %s (run scripts/fetch-kernels.sh): %s\n", path, err.message);
		return -1;
	}
	return 0;
}

/* A private, writable copy to break one field at a time. */
static inline uint8_t *kx_test_copy(const struct kx_file *f)
{
	uint8_t *p = malloc(f->bytes.size);
	if (p)
		memcpy(p, f->bytes.data, f->bytes.size);
	return p;
}

#endif
