/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compressed kernel files: detection by magic and streaming decompression
 * through the system libraries (zlib, liblzma, libzstd, liblz4, libbz2, liblzo2).
 *
 * A decompressed kernel ends up in a sealed memfd (never a temporary file) so
 * that kexec_file_load can take it like a file on disk. Output is written in
 * 1 MiB chunks; the whole output is never held in a heap buffer, and a chunk
 * of zeros is left a hole in the memfd (no memory until it is read).
 *
 * What follows a complete stream (the same rules for both functions):
 *  - the format's magic: another stream, decoded and appended, as gzip -d,
 *    xz -d, zstd -d, lz4 -d and bzip2 -d do with concatenated files (zstd and
 *    lz4 skippable frames are skipped; xz stream padding of zero bytes in
 *    multiples of four is allowed between streams). A legacy .lzma file holds
 *    one stream only.
 *  - zero bytes to the end of the input: accepted (kernels and payloads are
 *    often padded).
 *  - a little-endian u32 equal to the decompressed size (mod 2^32), then only
 *    zero bytes: accepted. The kernel build appends this ("size_append") to
 *    every non-gzip payload of an x86 bzImage and the payload length in the
 *    setup header counts it.
 *  - anything else: accepted and ignored for gzip and bzip2, as gzip(1),
 *    bzip2(1) and the kernel's own decompressors do (Image.gz-dtb files carry
 *    device trees after the gzip stream; both formats carry a CRC of their
 *    data, so what was decoded is checked); an error (KX_E_INPUT) for the
 *    other formats.
 *  - lz4 legacy has no end marker: the stream ends at the end of the input, at
 *    a zero block size, or at a trailing size as above; a new magic continues
 *    with the next concatenated stream, as the kernel's unlz4 does. The format
 *    has no checksum, so a corrupted literal byte cannot be detected.
 *
 * Memory: xz and legacy lzma decoders are limited to KX_DECOMPRESS_MEMLIMIT
 * (a header may ask for a dictionary of up to 4 GiB); zstd frames to a window
 * of 2^KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX bytes.
 */
#ifndef KX_COMPRESS_H
#define KX_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"
#include "../core/file.h"
#include "../core/units.h"

enum kx_compression {
	KX_COMP_NONE,
	KX_COMP_GZIP,        /* 1F 8B */
	KX_COMP_XZ,          /* FD 37 7A 58 5A 00 */
	KX_COMP_LZMA,        /* 5D 00 00: "lzma_alone", 13-byte header */
	KX_COMP_ZSTD,        /* 28 B5 2F FD */
	KX_COMP_LZ4_LEGACY,  /* 02 21 4C 18: what the kernel build writes (lz4 -l) */
	KX_COMP_LZ4_FRAME,   /* 04 22 4D 18 */
	KX_COMP_BZIP2,       /* "BZh" + block size digit '1'..'9' */
	KX_COMP_LZO,         /* 89 4C 5A 4F: lzop's container (liblzo2 decodes its blocks) */
};

/* A sensible cap for a decompressed kernel (a big one is ~100 MiB). */
#define KX_DECOMPRESS_DEFAULT_CAP GiB
/* Memory limit for the xz and lzma decoders (xz -9 needs 65 MiB). */
#define KX_DECOMPRESS_MEMLIMIT (256 * MiB)
/* The largest zstd window (a frame's header asks for it; the decoder keeps
 * that much): 2^27 = 128 MiB, libzstd's own default, enough for
 * `zstd -22 --ultra`, what the kernel build uses. */
#define KX_DECOMPRESS_ZSTD_WINDOW_LOG_MAX 27

/*
 * The compression of `data`, by magic only; KX_COMP_NONE when no magic
 * matches (including inputs shorter than the magic, and empty input).
 */
enum kx_compression kx_compression_detect(struct kx_bytes data);

/*
 * "gzip", "xz", "lzma", "zstd", "lz4" (both lz4 variants), "bzip2", "lzo";
 * "none" for KX_COMP_NONE and "unknown" for a value outside the enum.
 */
const char *kx_compression_name(enum kx_compression c);

/*
 * Decompress the whole input `in`, compressed with `c`, into a new sealed
 * memfd-backed file named `name` (the name is also used in messages). `*ret`
 * is always initialised; on failure it holds nothing and kx_file_close() on
 * it is harmless.
 *
 * Errors:
 *  KX_E_INPUT   truncated or corrupt stream (the message names `name`, the
 *               format, the input offset where the library stopped and what
 *               it said), output larger than `cap` bytes (the message names
 *               the cap), output of zero bytes, a header asking for more
 *               memory than KX_DECOMPRESS_MEMLIMIT or zstd's window limit,
 *               unexpected data after the stream (see above)
 *  KX_E_FORMAT  `c` is not a compression
 *  KX_E_NOMEM   a library or the chunk buffer could not allocate
 *  KX_E_IO      the memfd could not be created, written, sealed or mapped
 */
int kx_decompress_to_file(struct kx_bytes in, enum kx_compression c, const char *name,
			  uint64_t cap, struct kx_file *ret, struct kx_error *err);

/*
 * Same, into the caller's buffer `out` of `out_size` bytes; `*ret_len` is the
 * produced length (0 on failure). Output that does not fit is KX_E_INPUT
 * ("does not fit"), as a payload that decompresses to more than its header
 * promised is a broken file. Zero bytes of output is not an error here.
 */
int kx_decompress_to_buffer(struct kx_bytes in, enum kx_compression c, const char *name,
			    uint8_t *out, size_t out_size, size_t *ret_len,
			    struct kx_error *err);

#endif
