// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * EFI zboot (drivers/firmware/efi/libstub/zboot-header.S): a PE image whose
 * DOS header carries "zimg" at 4, the payload's offset and size at 8 and 12
 * and the compression's name at 24. The payload is a compressed Image
 * (arm64, riscv64, loongarch: CONFIG_EFI_ZBOOT's vmlinuz.efi).
 */
#include <stdio.h>
#include <string.h>

#include "wrapper.h"

#define ZBOOT_MAGIC 0x676d697au /* "zimg" */
#define ZBOOT_NAME_OFFSET 24
#define ZBOOT_NAME_MAX 32

int kx_zboot_payload(struct kx_bytes file, const char *name, struct kx_bytes *ret_payload,
		     enum kx_compression *ret_comp, struct kx_error *err)
{
	uint16_t mz;
	uint32_t magic, offset, size;
	char comp[ZBOOT_NAME_MAX + 1];

	if (!kx_le16(file, 0, &mz) || mz != 0x5a4d || !kx_le32(file, 4, &magic) || magic != ZBOOT_MAGIC)
		return 0;
	if (!kx_le32(file, 8, &offset) || !kx_le32(file, 12, &size) ||
	    !kx_span_ok(file.size, ZBOOT_NAME_OFFSET, ZBOOT_NAME_MAX))
		return kx_fail(err, KX_E_INPUT, "%s: EFI zboot header truncated (%zu bytes)", name, file.size);
	memcpy(comp, file.data + ZBOOT_NAME_OFFSET, ZBOOT_NAME_MAX);
	comp[ZBOOT_NAME_MAX] = 0;
	if (!memchr(file.data + ZBOOT_NAME_OFFSET, 0, ZBOOT_NAME_MAX))
		return kx_fail(err, KX_E_INPUT, "%s: EFI zboot compression name (at 24) is not NUL-terminated",
			       name);
	if (size == 0 || !kx_span_ok(file.size, offset, size))
		return kx_fail(err, KX_E_INPUT,
			       "%s: EFI zboot payload offset 0x%x + size 0x%x (at 8, 12) run past the end of the "
			       "file (0x%zx bytes)", name, offset, size, file.size);
	struct kx_bytes payload = kx_bytes_sub(file, offset, size);
	enum kx_compression c = kx_compression_detect(payload);
	/* The kernel build names "xzkern" for xz and "lzma" for legacy lzma. */
	const char *expect = !strcmp(comp, "xzkern") ? "xz" : comp;
	if (c == KX_COMP_NONE || strcmp(kx_compression_name(c), expect))
		return kx_fail(err, KX_E_INPUT,
			       "%s: EFI zboot header says \"%s\" (at 24) but the payload at 0x%x starts with %s",
			       name, comp, offset, c == KX_COMP_NONE ? "no known compression magic" :
			       kx_compression_name(c));
	*ret_payload = payload;
	*ret_comp = c;
	return 1;
}

static enum kx_probe zboot_probe(const struct kx_wrapper_ops *self, struct kx_bytes file, const char *name,
				 const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
				 struct kx_error *err)
{
	struct kx_bytes payload;
	enum kx_compression c;
	(void)self, (void)arch, (void)opts;
	int r = kx_zboot_payload(file, name, &payload, &c, err);
	return r < 0 ? KX_PROBE_BROKEN : r ? KX_PROBE_YES : KX_PROBE_NO;
}

static int zboot_peel(const struct kx_wrapper_ops *self, const struct kx_file *outer,
		      const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
		      struct kx_layer *ret, struct kx_error *err)
{
	struct kx_bytes payload;
	enum kx_compression c;
	char name[512];
	(void)self, (void)arch;

	if (kx_zboot_payload(outer->bytes, outer->path, &payload, &c, err) < 0)
		return -1;
	snprintf(ret->label, sizeof(ret->label), "EFI zboot %s", kx_compression_name(c));
	snprintf(name, sizeof(name), "%s (EFI zboot %s payload)", outer->path, kx_compression_name(c));
	return kx_decompress_to_file(payload, c, name, opts->cap, &ret->inner, err);
}

const struct kx_wrapper_ops kx_wrapper_zboot = {
	.name = "EFI zboot",
	.type = "zboot",
	.decompresses = true,
	.probe = zboot_probe,
	.peel = zboot_peel,
	/* The kernel verifies (or not) the unwrapped Image; the zboot
	 * wrapper's own signature is out of the picture. */
	.file_syscall_note = "%s is an EFI zboot image; kexec_file_load gets the Image unwrapped in memory, "
			     "so a signature on the zboot wrapper is not what the kernel checks",
};
