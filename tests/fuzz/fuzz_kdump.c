// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A kdump-compressed dump file as vmcore-dmesg reads it: the header, the
 * sub header, notes, bitmaps and descriptors checked by the reader, then
 * the dump's ELF view opened and its printk ring read (pages decompressed
 * on demand).
 */
#include "fuzz_common.h"

#include "dump/kdump_read.h"
#include "elfcore/elfcore.h"
#include "vmcore/vmcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_elfcore_mem mem = { data, size };
	struct kx_kdump_view view;
	struct kx_vmcore vc;
	struct kx_error err = { 0 };

	if (kx_kdump_view_open(&view, "fuzz-dump", kx_elfcore_mem_reader(&mem), &err) < 0)
		return 0;
	if (kx_vmcore_open(&vc, "fuzz-dump", kx_kdump_view_reader(&view), &err) == 0) {
		struct kx_printk_log log;
		if (kx_printk_read(&vc, &log, &err) == 0)
			kx_printk_log_free(&log);
		kx_vmcore_close(&vc);
	}
	kx_kdump_view_close(&view);
	return 0;
}
