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
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The source tree (fixtures): KX_SRCDIR from the environment, else the one
 * the harness was built from. */
static inline const char *kx_fuzz_srcdir(void)
{
	const char *s = getenv("KX_SRCDIR");
	return s && *s ? s : KX_FUZZ_SRCDIR;
}

#endif
