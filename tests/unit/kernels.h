/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real Debian kernels for parser tests, fetched by scripts/fetch-kernels.sh
 * into .cache/kernels/WHICH/ (WHICH: bookworm-amd64, trixie-riscv64, ...)
 * with the files `version` (the kernel release) and `package` (the Debian
 * package and version it came from). Which build that is changes whenever
 * Debian publishes a new kernel: tests check properties read from the file,
 * never one build's sizes, and say which kernel they used.
 */
#ifndef KX_TEST_KERNELS_H
#define KX_TEST_KERNELS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"

/* The first line of .cache/kernels/WHICH/FILE, without its newline, in buf
 * ("" when there is no such file); returns buf. */
static inline const char *kx_test_kernel_info(const char *which, const char *file, char *buf, size_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/.cache/kernels/%s/%s", kx_test_env("KX_SRCDIR", "."), which, file);
	buf[0] = 0;
	FILE *in = fopen(path, "r");
	if (in) {
		if (!fgets(buf, (int)size, in))
			buf[0] = 0;
		fclose(in);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* Map .cache/kernels/WHICH/FILE; a TAP comment names the file, its release,
 * package and size, or says that it is missing and what fetches it. */
static inline int kx_test_map_kernel(const char *which, const char *file, struct kx_file *ret)
{
	char path[1024], version[128], package[256];
	struct kx_error err = { 0 };
	snprintf(path, sizeof(path), "%s/.cache/kernels/%s/%s",
		 kx_test_env("KX_SRCDIR", "."), which, file);
	if (kx_file_map(ret, path, &err) < 0) {
		printf("#   missing real kernel: %s (run scripts/fetch-kernels.sh): %s\n", path, err.message);
		return -1;
	}
	kx_test_kernel_info(which, "version", version, sizeof(version));
	kx_test_kernel_info(which, "package", package, sizeof(package));
	printf("#   real kernel: %s: %s (%s), 0x%zx bytes\n", path, version[0] ? version : "release unknown",
	       package[0] ? package : "package unknown", ret->bytes.size);
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
