// SPDX-License-Identifier: GPL-2.0-or-later
#include "unwrap.h"

#include <stdio.h>
#include <string.h>

#include "../compress/compress.h"

#define MAX_LAYERS 3

int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err)
{
	struct kx_file current = { .fd = -1 };
	const struct kx_file *src = in;

	chain[0] = 0;
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	for (int layer = 0;; layer++) {
		enum kx_compression c = kx_compression_detect(src->bytes);
		if (c == KX_COMP_NONE)
			break;
		if (layer == MAX_LAYERS) {
			kx_file_close(&current);
			return kx_fail(err, KX_E_INPUT, "%s: more than %d nested compression layers",
				       in->path, MAX_LAYERS);
		}
		char name[512];
		struct kx_file next;
		snprintf(name, sizeof(name), "%s (%s payload)", src->path, kx_compression_name(c));
		if (kx_decompress_to_file(src->bytes, c, name, cap, &next, err) < 0) {
			kx_file_close(&current);
			return -1;
		}
		kx_file_close(&current);
		current = next;
		src = &current;
		size_t used = strlen(chain);
		snprintf(chain + used, chain_size - used, "%s%s", used ? " > " : "", kx_compression_name(c));
	}
	*ret = current;
	return 0;
}
