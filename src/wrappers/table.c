// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every wrapper, in probe order. A new wrapper is one file defining its
 * `struct kx_wrapper_ops`, its line here and its meson line.
 */
#include "wrapper.h"

extern const struct kx_wrapper_ops kx_wrapper_uki, kx_wrapper_zboot, kx_wrapper_gzip, kx_wrapper_xz,
	kx_wrapper_lzma, kx_wrapper_zstd, kx_wrapper_lz4_legacy, kx_wrapper_lz4_frame, kx_wrapper_bzip2,
	kx_wrapper_lzo;

const struct kx_wrapper_ops *const kx_wrappers[] = {
	&kx_wrapper_uki,        /* before zboot: both are PE images, a UKI has .linux */
	&kx_wrapper_zboot,      /* before the codecs: its payload is theirs, inside a PE header */
	&kx_wrapper_gzip,
	&kx_wrapper_xz,
	&kx_wrapper_lzma,
	&kx_wrapper_zstd,
	&kx_wrapper_lz4_legacy,
	&kx_wrapper_lz4_frame,
	&kx_wrapper_bzip2,
	&kx_wrapper_lzo,
	NULL,
};
