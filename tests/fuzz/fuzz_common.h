/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the libFuzzer harnesses share (tests/fuzz/, built with -Dfuzz=true,
 * run by scripts/fuzz.sh). Each harness calls the library entry points the
 * command line uses, on the fuzzer's bytes; nothing here reaches a kexec
 * syscall (the harnesses never call the syscall layer, and scripts/fuzz.sh
 * sets KEXEC_NG_FORBID_SYSCALLS=1 as well).
 */
#ifndef KX_FUZZ_COMMON_H
#define KX_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The bytes as a file the loaders can open by name: a memfd, named
 * /proc/self/fd/N in *path (the caller closes the fd). -1 on failure. */
static inline int kx_fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

/* The source tree (fixtures): KX_SRCDIR from the environment, else the one
 * the harness was built from. */
static inline const char *kx_fuzz_srcdir(void)
{
	const char *s = getenv("KX_SRCDIR");
	return s && *s ? s : KX_FUZZ_SRCDIR;
}

#endif
