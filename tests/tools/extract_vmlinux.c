// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extract-vmlinux IN OUT: write the ELF vmlinux inside a bzImage (its
 * payload_offset/payload_length, decompressed) to OUT. The end-to-end
 * tests kexec into it to prove the ELF loader on a real kernel.
 */
#include <stdio.h>

#include "compress/compress.h"
#include "formats/x86_setup.h"

int main(int argc, char **argv)
{
	struct kx_file in, vmlinux;
	struct kx_bzimage bz;
	struct kx_error err = { 0 };

	if (argc != 3) {
		fprintf(stderr, "usage: extract-vmlinux BZIMAGE OUT\n");
		return 1;
	}
	if (kx_file_map(&in, argv[1], &err) < 0 || kx_bzimage_parse(in.bytes, argv[1], &bz, &err) < 0)
		goto fail;
	struct kx_bytes payload = kx_bytes_sub(in.bytes, bz.setup_size + bz.payload_offset, bz.payload_length);
	if (kx_decompress_to_file(payload, kx_compression_detect(payload), "vmlinux", 1ULL << 30,
				  &vmlinux, &err) < 0)
		goto fail;
	FILE *out = fopen(argv[2], "wb");
	if (!out || fwrite(vmlinux.bytes.data, 1, vmlinux.bytes.size, out) != vmlinux.bytes.size ||
	    fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
fail:
	fprintf(stderr, "extract-vmlinux: %s\n", err.message);
	return 1;
}
