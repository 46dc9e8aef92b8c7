// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 bzImage (Documentation/arch/x86/boot.rst). The probe accepts a file
 * with the boot sector flag and the "HdrS" setup header; describe() then
 * applies every rule the chosen entry needs, each refusal naming its field.
 *
 * Two entries, as kexec-tools' bzImage64 and bzImage loaders:
 *   64-bit (the default): a relocatable kernel anywhere (above 4 GiB when
 *     it says it may), entered at load address + 0x200 in long mode.
 *   32-bit (boot.rst's 32-bit boot protocol): a kernel that is not
 *     relocatable (memtest86+'s .bin), loaded at its code32_start, or any
 *     bzImage with --entry-32bit; entered at code32_start (the load
 *     address) in 32-bit protected mode, everything below 4 GiB.
 */
#include <inttypes.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "format.h"
#include "x86_setup.h"

enum kx_probe kx_bzimage_probe_bytes(struct kx_bytes image)
{
	uint16_t boot_flag;
	uint32_t magic;

	if (!kx_le16(image, BZ_BOOT_FLAG, &boot_flag) || boot_flag != 0xAA55)
		return KX_PROBE_NO;
	if (!kx_le32(image, BZ_HEADER_MAGIC, &magic) || magic != BZ_HDRS)
		return KX_PROBE_NO;
	return KX_PROBE_YES;
}

static enum kx_probe bzimage_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
				   struct kx_error *err)
{
	(void)arch;
	(void)err;
	return kx_bzimage_probe_bytes(image);
}

int kx_bzimage_parse(struct kx_bytes image, const char *name, struct kx_bzimage *ret,
		     struct kx_error *err)
{
	struct kx_bzimage bz = { 0 };
	uint8_t setup_sects, jump_len;

	/* Every field we read lies below BZ_HEADER_MIN_END. */
	if (image.size < BZ_HEADER_MIN_END)
		return kx_fail(err, KX_E_INPUT,
			       "%s: truncated: %zu bytes, a bzImage needs at least 0x%x for its setup header",
			       name, image.size, BZ_HEADER_MIN_END);
	kx_le16(image, BZ_VERSION, &bz.version);
	if (bz.version < 0x020c)
		return kx_fail(err, KX_E_INPUT,
			       "%s: boot protocol version %u.%02u (field version at 0x206) is older than 2.12, "
			       "which a 64-bit kexec needs (xloadflags, 64-bit entry)",
			       name, bz.version >> 8, bz.version & 0xff);
	kx_u8(image, BZ_SETUP_SECTS, &setup_sects);
	if (setup_sects == 0)
		setup_sects = 4; /* boot.rst: 0 means 4 */
	bz.setup_size = ((uint64_t)setup_sects + 1) * 512;
	if (bz.setup_size >= image.size)
		return kx_fail(err, KX_E_INPUT,
			       "%s: setup_sects %u (at 0x1f1) puts the protected-mode kernel at 0x%" PRIx64
			       ", at or past the end of the file (0x%zx bytes)",
			       name, setup_sects, bz.setup_size, image.size);
	/* The header runs from 0x1f1 to the end of the jump at 0x200 + byte[0x201]. */
	kx_u8(image, 0x201, &jump_len);
	bz.header_len = 0x202 + (uint64_t)jump_len - BZ_SETUP_HEADER;
	if (BZ_SETUP_HEADER + bz.header_len > bz.setup_size ||
	    BZ_SETUP_HEADER + bz.header_len < BZ_HEADER_MIN_END)
		return kx_fail(err, KX_E_INPUT,
			       "%s: setup header length 0x%" PRIx64 " (from the jump at 0x200) does not fit "
			       "between 0x%x and the end of the setup code (0x%" PRIx64 ")",
			       name, bz.header_len, BZ_HEADER_MIN_END, bz.setup_size);
	kx_u8(image, BZ_LOADFLAGS, &bz.loadflags);
	kx_le32(image, BZ_CODE32_START, &bz.code32_start);
	kx_le16(image, BZ_XLOADFLAGS, &bz.xloadflags);
	kx_u8(image, BZ_RELOCATABLE, &bz.relocatable);
	kx_le32(image, BZ_KERNEL_ALIGNMENT, &bz.kernel_alignment);
	kx_le32(image, BZ_CMDLINE_SIZE, &bz.cmdline_size);
	kx_le32(image, BZ_INITRD_ADDR_MAX, &bz.initrd_addr_max);
	kx_le32(image, BZ_PAYLOAD_OFFSET, &bz.payload_offset);
	kx_le32(image, BZ_PAYLOAD_LENGTH, &bz.payload_length);
	kx_le64(image, BZ_PREF_ADDRESS, &bz.pref_address);
	kx_le32(image, BZ_INIT_SIZE, &bz.init_size);

	if (!(bz.loadflags & LOADED_HIGH))
		return kx_fail(err, KX_E_INPUT,
			       "%s: loadflags (at 0x211) lacks LOADED_HIGH: a zImage that must load at 0x10000", name);
	if (bz.relocatable &&
	    (bz.kernel_alignment == 0 || (bz.kernel_alignment & (bz.kernel_alignment - 1)) ||
	     bz.kernel_alignment < 4096))
		return kx_fail(err, KX_E_INPUT,
			       "%s: kernel_alignment 0x%x (at 0x230) is not a power of two >= 4 KiB",
			       name, bz.kernel_alignment);
	bz.pm_size = image.size - bz.setup_size;
	if (bz.init_size < bz.pm_size)
		return kx_fail(err, KX_E_INPUT,
			       "%s: init_size 0x%x (at 0x260) is smaller than the protected-mode kernel (0x%" PRIx64
			       " bytes)", name, bz.init_size, bz.pm_size);
	if (bz.cmdline_size == 0)
		return kx_fail(err, KX_E_INPUT, "%s: cmdline_size (at 0x238) is 0", name);
	if (!kx_span_ok(bz.pm_size, bz.payload_offset, bz.payload_length))
		return kx_fail(err, KX_E_INPUT,
			       "%s: payload_offset 0x%x + payload_length 0x%x (at 0x248) run past the "
			       "protected-mode kernel (0x%" PRIx64 " bytes)",
			       name, bz.payload_offset, bz.payload_length, bz.pm_size);
	*ret = bz;
	return 0;
}

int kx_bzimage_check_entry64(const struct kx_bzimage *bz, const char *name, struct kx_error *err)
{
	if (!(bz->xloadflags & XLF_KERNEL_64))
		return kx_fail(err, KX_E_INPUT,
			       "%s: 32-bit only kernel: xloadflags (at 0x236) lacks XLF_KERNEL_64, "
			       "so it has no 64-bit entry point", name);
	if (!bz->relocatable)
		return kx_fail(err, KX_E_INPUT,
			       "%s: relocatable_kernel (at 0x234) is 0: the 64-bit entry needs a relocatable kernel",
			       name);
	return 0;
}

/*
 * The 32-bit entry of a kernel that is not relocatable: it runs only where
 * it was linked, code32_start (boot.rst: "defaults to the load address of
 * the kernel, and can be used by the boot loader to determine the proper
 * load address"), with init_size bytes free from there. kexec-tools
 * loads such a kernel at 0x100000 and enters it there; the two agree for
 * every kernel and memtest86+, and where they would not, code32_start is
 * the one the kernel itself states.
 */
static int describe_fixed32(const struct kx_plan_ctx *ctx, const struct kx_bzimage *bz,
			    struct kx_kernel_desc *k, struct kx_error *err)
{
	const char *name = ctx->kernel->path;

	if (bz->code32_start < 0x100000 || bz->code32_start % 4096)
		return kx_fail(err, KX_E_INPUT,
			       "%s: code32_start 0x%x (at 0x214) of a kernel that is not relocatable is not a "
			       "page-aligned address at or above 1 MiB, where such a kernel loads",
			       name, bz->code32_start);
	if (ctx->opts->crash)
		return kx_fail(err, KX_E_INPUT,
			       "%s: relocatable_kernel (at 0x234) is 0: it runs only at 0x%x, outside the crash "
			       "kernel region, so it cannot be a crash kernel", name, bz->code32_start);
	k->fixed = true;
	k->pieces[0].paddr = bz->code32_start;
	k->span = bz->init_size;
	k->entry = bz->code32_start;
	return 0;
}

static int bzimage_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
			    struct kx_error *err)
{
	struct kx_bytes image = ctx->kernel->bytes;
	struct kx_bzimage bz;

	if (kx_bzimage_parse(image, ctx->kernel->path, &bz, err) < 0)
		return -1;
	k->format = "bzImage";
	k->fixed = false;
	k->entry32 = ctx->opts->entry_32bit || !bz.relocatable;
	if (ctx->opts->args == KX_ARGS_ELF || ctx->opts->args == KX_ARGS_NONE)
		snprintf(k->note, sizeof(k->note), "%s has no effect on a bzImage, which gets boot_params "
			 "(kexec-tools' bzImage loaders ignore it too)",
			 ctx->opts->args == KX_ARGS_ELF ? "--args-elf" : "--args-none");
	if (!k->entry32 && kx_bzimage_check_entry64(&bz, ctx->kernel->path, err) < 0)
		return -1;
	k->nr_pieces = 1;
	k->pieces[0].bytes = kx_bytes_sub(image, bz.setup_size, bz.pm_size);
	/* boot.rst: init_size bytes from the load address must be free for the
	 * kernel's decompression; free, not zeroed (the decompressor and the
	 * kernel clear their own .bss). So the placer reserves init_size (span)
	 * and keeps every other segment out of it, while the segment itself is
	 * only the file's bytes: a memsz of init_size would have the old kernel
	 * allocate, zero-fill and at exec copy tens of MiB nobody reads (Debian
	 * 6.1: an 8 MiB file, init_size 64 MiB). kexec-tools loads the same
	 * file-sized segment in an init_size hole. */
	k->pieces[0].memsz = bz.pm_size;
	k->pieces[0].paddr = 0;
	k->span = bz.init_size;
	k->align = bz.kernel_alignment;
	/* boot.rst: load at a kernel_alignment-aligned address, not below
	 * 1 MiB, preferably at pref_address. */
	k->min_addr = bz.pref_address > 0x100000 ? bz.pref_address : 0x100000;
	k->entry = 0x200; /* 64-bit entry: startup_64 at load address + 0x200 */
	k->protocol_header = kx_bytes_sub(image, BZ_SETUP_HEADER, bz.header_len);
	if (!k->entry32)
		return 0;
	k->format = "bzImage (32-bit entry)";
	if (!bz.relocatable)
		return describe_fixed32(ctx, &bz, k, err);
	/* --entry-32bit of a relocatable kernel: placed as for the 64-bit
	 * entry (below 4 GiB: the back end sees to that), entered at its
	 * start, startup_32 (boot.rst: code32_start is the load address). */
	k->entry = 0;
	return 0;
}

/* kexec_file_load enters a bzImage at its 64-bit entry, wherever it puts
 * it: not what --entry-32bit asks, nor a place a kernel that is not
 * relocatable can run from. */
static bool bzimage_needs_kexec_load(struct kx_bytes image, const struct kx_plan_options *opts,
				     char *why, size_t len)
{
	struct kx_bzimage bz;
	struct kx_error err = { 0 };

	if (opts->entry_32bit) {
		snprintf(why, len, "--entry-32bit: kexec_file_load enters a bzImage only at its 64-bit entry");
		return true;
	}
	if (kx_bzimage_parse(image, "bzImage", &bz, &err) == 0 && !bz.relocatable) {
		snprintf(why, len, "relocatable_kernel (at 0x234) is 0: it runs only at 0x%x, and "
			 "kexec_file_load places a bzImage where it finds room", bz.code32_start);
		return true;
	}
	return false;
}

const struct kx_format_ops kx_format_bzimage = {
	.name = "bzImage",
	.probe = bzimage_probe,
	.describe = bzimage_describe,
	.needs_kexec_load = bzimage_needs_kexec_load,
};

struct kx_x86_setup kx_x86_setup_of(struct kx_bytes setup_header)
{
	struct kx_x86_setup s = { 0 };
	uint16_t xloadflags;
	uint32_t cmdline_size, initrd_addr_max;

	/* offsets in the header, which starts at 0x1f1 of the file */
	if (kx_le16(setup_header, BZ_XLOADFLAGS - BZ_SETUP_HEADER, &xloadflags))
		s.xloadflags = xloadflags;
	if (kx_le32(setup_header, BZ_CMDLINE_SIZE - BZ_SETUP_HEADER, &cmdline_size))
		s.cmdline_size = cmdline_size;
	if (kx_le32(setup_header, BZ_INITRD_ADDR_MAX - BZ_SETUP_HEADER, &initrd_addr_max))
		s.initrd_addr_max = initrd_addr_max;
	return s;
}
