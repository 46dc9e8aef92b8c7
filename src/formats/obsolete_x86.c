// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two x86 image formats kexec-tools still loads and kexec-ng refuses by
 * name: Scyld Beowulf's beoboot images and Etherboot/Netboot's NBI images.
 * Both date from the early 2000s, have had no maker in a distribution for
 * years, and wrap nothing a user cannot load directly (a bzImage, an
 * initrd, a command line). Probing them only so that such a file gets a
 * reason instead of "cannot determine the file type".
 *
 * Layouts (facts from kexec-tools' include/boot/beoboot.h and
 * doc/nbi-spec.txt):
 *   beoboot: "BeoB" @0, arch u8 @4 (1 = i386/x86_64), flags u8 @5 (bit 0:
 *     an initrd follows), cmdline_size u16 @6 (with its NUL), kernel_size
 *     u32 @8, initrd_size u32 @12; then the command line, the bzImage and
 *     the initrd, back to back. Little-endian.
 *   NBI: magic 0x1b031336 @0 (bytes 36 13 03 1b); the image header and its
 *     segment records fill the first 512 bytes of the file.
 *
 * A refused format never says YES, so describe() is never reached.
 */
#include <inttypes.h>
#include <string.h>

#include "format.h"

#define BEOBOOT_MAGIC		"BeoB"
#define BEOBOOT_HEADER_SIZE	16
#define BEOBOOT_ARCH		4
#define BEOBOOT_FLAGS		5
#define BEOBOOT_CMDLINE_SIZE	6
#define BEOBOOT_KERNEL_SIZE	8
#define BEOBOOT_INITRD_SIZE	12
#define BEOBOOT_ARCH_X86	1       /* "BEOBOOT_ARCH_I386", also what x86_64 wrote */
#define BEOBOOT_INITRD_PRESENT	0x01

#define NBI_MAGIC		"\x36\x13\x03\x1b"
#define NBI_HEADER_BLOCK	512     /* the header and segment records */

static bool starts_with(struct kx_bytes image, const char *magic, size_t len)
{
	return image.size >= len && !memcmp(image.data, magic, len);
}

static enum kx_probe beoboot_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
				   struct kx_error *err)
{
	uint8_t arch_byte, flags;
	uint16_t cmdline_size;
	uint32_t kernel_size, initrd_size;

	(void)arch;
	if (!starts_with(image, BEOBOOT_MAGIC, 4))
		return KX_PROBE_NO;
	if (image.size < BEOBOOT_HEADER_SIZE) {
		kx_fail(err, KX_E_INPUT, "truncated beoboot image: %zu bytes, its header is %d",
			image.size, BEOBOOT_HEADER_SIZE);
		return KX_PROBE_BROKEN;
	}
	kx_u8(image, BEOBOOT_ARCH, &arch_byte);
	kx_u8(image, BEOBOOT_FLAGS, &flags);
	kx_le16(image, BEOBOOT_CMDLINE_SIZE, &cmdline_size);
	kx_le32(image, BEOBOOT_KERNEL_SIZE, &kernel_size);
	kx_le32(image, BEOBOOT_INITRD_SIZE, &initrd_size);
	if (!(flags & BEOBOOT_INITRD_PRESENT))
		initrd_size = 0;

	/* The parts, checked in 64 bits (three 32-bit sizes cannot wrap it),
	 * so that the refusal can say where they are. */
	uint64_t kernel_at = BEOBOOT_HEADER_SIZE + (uint64_t)cmdline_size;
	uint64_t initrd_at = kernel_at + kernel_size;
	if (!kx_span_ok(image.size, BEOBOOT_HEADER_SIZE, cmdline_size) ||
	    !kx_span_ok(image.size, kernel_at, kernel_size) ||
	    !kx_span_ok(image.size, initrd_at, initrd_size)) {
		kx_fail(err, KX_E_INPUT,
			"beoboot image: cmdline_size 0x%x (at 0x6), kernel_size 0x%x (at 0x8) and initrd_size "
			"0x%x (at 0xc) run past the end of the file (0x%zx bytes)",
			cmdline_size, kernel_size, initrd_size, image.size);
		return KX_PROBE_BROKEN;
	}
	if (arch_byte != BEOBOOT_ARCH_X86) {
		kx_fail(err, KX_E_REFUSED,
			"beoboot images are not supported: an obsolete format (Scyld Beowulf), and this one is not "
			"even for x86 (arch %u at 0x4, x86 is %d)", arch_byte, BEOBOOT_ARCH_X86);
		return KX_PROBE_REFUSED;
	}
	kx_fail(err, KX_E_REFUSED,
		"beoboot images are not supported: an obsolete format (Scyld Beowulf) that only bundles a "
		"command line, a bzImage and an initrd; its bzImage is the 0x%x bytes at 0x%" PRIx64
		"%s: load the parts themselves (--initrd, --append)",
		kernel_size, kernel_at, initrd_size ? ", its initrd follows it" : "");
	return KX_PROBE_REFUSED;
}

static enum kx_probe nbi_probe(struct kx_bytes image, const struct kx_arch_ops *arch, struct kx_error *err)
{
	(void)arch;
	if (!starts_with(image, NBI_MAGIC, 4))
		return KX_PROBE_NO;
	if (image.size < NBI_HEADER_BLOCK) {
		kx_fail(err, KX_E_INPUT, "truncated NBI image: %zu bytes, its header block is %d",
			image.size, NBI_HEADER_BLOCK);
		return KX_PROBE_BROKEN;
	}
	kx_fail(err, KX_E_REFUSED,
		"NBI images are not supported: an obsolete network boot format (Etherboot/Netboot's mknbi) "
		"that wraps a kernel and an initrd: load the kernel and initrd it was made from");
	return KX_PROBE_REFUSED;
}

/* Never called: the probes never say YES. */
static int refused_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *ret, struct kx_error *err)
{
	(void)ret;
	return kx_fail(err, KX_E_REFUSED, "%s: an image format kexec-ng refuses", ctx->kernel->path);
}

const struct kx_format_ops kx_format_beoboot = {
	.name = "beoboot",
	.refused = true,
	.probe = beoboot_probe,
	.describe = refused_describe,
};

const struct kx_format_ops kx_format_nbi = {
	.name = "nbi",
	.refused = true,
	.probe = nbi_probe,
	.describe = refused_describe,
};
