// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compressed kernels (vmlinuz.gz, Image.gz, a build's vmlinux.xz ...): one
 * wrapper entry per codec, recognised by its magic and decompressed by the
 * system library (src/compress: zlib, liblzma, libzstd, liblz4, libbz2,
 * liblzo2) into a sealed memfd: every compression Linux builds a kernel with.
 */
#include <stdio.h>

#include "wrapper.h"

static enum kx_probe codec_probe(const struct kx_wrapper_ops *self, struct kx_bytes file, const char *name,
				 const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
				 struct kx_error *err)
{
	(void)name, (void)arch, (void)opts, (void)err;
	return kx_compression_detect(file) == (enum kx_compression)self->variant ? KX_PROBE_YES : KX_PROBE_NO;
}

static int codec_peel(const struct kx_wrapper_ops *self, const struct kx_file *outer,
		      const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
		      struct kx_layer *ret, struct kx_error *err)
{
	enum kx_compression c = (enum kx_compression)self->variant;
	char name[512];
	(void)arch;

	snprintf(ret->label, sizeof(ret->label), "%s", kx_compression_name(c));
	snprintf(name, sizeof(name), "%s (%s payload)", outer->path, kx_compression_name(c));
	return kx_decompress_to_file(outer->bytes, c, name, opts->cap, &ret->inner, err);
}

#define CODEC(codec, type_name) {                                                                  \
	.name = type_name, .type = type_name, .decompresses = true, .variant = (codec),            \
	.probe = codec_probe, .peel = codec_peel,                                                  \
}

const struct kx_wrapper_ops kx_wrapper_gzip = CODEC(KX_COMP_GZIP, "gzip");
const struct kx_wrapper_ops kx_wrapper_xz = CODEC(KX_COMP_XZ, "xz");
const struct kx_wrapper_ops kx_wrapper_lzma = CODEC(KX_COMP_LZMA, "lzma");
const struct kx_wrapper_ops kx_wrapper_zstd = CODEC(KX_COMP_ZSTD, "zstd");
/* the kernel build writes the legacy format (lz4 -l); lz4(1) the frame one */
const struct kx_wrapper_ops kx_wrapper_lz4_legacy = CODEC(KX_COMP_LZ4_LEGACY, "lz4");
const struct kx_wrapper_ops kx_wrapper_lz4_frame = CODEC(KX_COMP_LZ4_FRAME, "lz4");
const struct kx_wrapper_ops kx_wrapper_bzip2 = CODEC(KX_COMP_BZIP2, "bzip2");
/* lzop's container, as the kernel build's "lzop -9" writes it */
const struct kx_wrapper_ops kx_wrapper_lzo = CODEC(KX_COMP_LZO, "lzo");
