// SPDX-License-Identifier: GPL-2.0-or-later
#include "unwrap.h"

#include <stdio.h>
#include <string.h>

#include "../compress/compress.h"

#define MAX_LAYERS 3

/*
 * EFI zboot (drivers/firmware/efi/libstub/zboot-header.S): a PE image whose
 * DOS header carries "zimg" at 4, the payload's offset and size at 8 and 12
 * and the compression's name at 24. The payload is a compressed Image.
 */
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

int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err)
{
	struct kx_file current = { .fd = -1 };
	const struct kx_file *src = in;

	chain[0] = 0;
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	for (int layer = 0;; layer++) {
		struct kx_bytes payload = src->bytes;
		enum kx_compression c = kx_compression_detect(payload);
		int zboot = kx_zboot_payload(src->bytes, src->path, &payload, &c, err);
		if (zboot < 0) {
			kx_file_close(&current);
			return -1;
		}
		if (c == KX_COMP_NONE)
			break;
		if (layer == MAX_LAYERS) {
			kx_file_close(&current);
			return kx_fail(err, KX_E_INPUT, "%s: more than %d nested compression layers",
				       in->path, MAX_LAYERS);
		}
		char name[512];
		struct kx_file next;
		snprintf(name, sizeof(name), "%s (%s%s payload)", src->path, zboot ? "EFI zboot " : "",
			 kx_compression_name(c));
		if (kx_decompress_to_file(payload, c, name, cap, &next, err) < 0) {
			kx_file_close(&current);
			return -1;
		}
		kx_file_close(&current);
		current = next;
		src = &current;
		size_t used = strlen(chain);
		snprintf(chain + used, chain_size - used, "%s%s%s", used ? " > " : "",
			 zboot ? "EFI zboot " : "", kx_compression_name(c));
	}
	*ret = current;
	return 0;
}
