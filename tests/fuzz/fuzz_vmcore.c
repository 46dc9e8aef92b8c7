// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-dmesg's input: an ELF core file (/proc/vmcore, /proc/kcore, a
 * saved dump), its notes and VMCOREINFO, the address translation, the
 * printk ring buffer and the formatted log, read the way vmcore-dmesg
 * reads them (through a reader callback, here over the fuzzer's bytes).
 */
#include "fuzz_common.h"

#include "elfcore/elfcore.h"
#include "vmcore/vmcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_elfcore_mem mem = { data, size };
	struct kx_vmcore vc;
	struct kx_error err = { 0 };

	if (kx_vmcore_open(&vc, "fuzz-core", kx_elfcore_mem_reader(&mem), &err) < 0)
		return 0;
	struct kx_printk_log log;
	if (kx_printk_read(&vc, &log, &err) == 0) {
		for (int raw = 0; raw < 2; raw++) {
			struct kx_dmesg_options opt = { .raw = raw };
			char *text = NULL;
			size_t len = 0;
			if (kx_dmesg_format(&log, &opt, &text, &len, &err) == 0)
				free(text);
		}
		kx_printk_log_free(&log);
	}
	kx_vmcore_close(&vc);
	return 0;
}
