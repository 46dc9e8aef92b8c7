// SPDX-License-Identifier: GPL-2.0-or-later
/* makedumpfile's flattened stream (vmcore-save -R, standard input). */
#include "fuzz_common.h"

#include <sys/mman.h>
#include <unistd.h>

#include "dump/sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_error err = { 0 };
	int in = memfd_create("fuzz-flat-in", MFD_CLOEXEC), out = memfd_create("fuzz-flat-out", MFD_CLOEXEC);

	if (in >= 0 && out >= 0 && write(in, data, size) == (ssize_t)size && lseek(in, 0, SEEK_SET) == 0)
		/* the pieces land in a memfd: the cap keeps a stream's offsets
		 * from asking for more than the fuzzer's memory */
		(void)kx_dump_unflatten(in, "stream", out, "dump", 16u << 20, &err);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return 0;
}
