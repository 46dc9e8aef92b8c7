// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Synthetic wrappers around a real kernel Image, for tests that must prove
 * the loaders on formats Debian does not ship (named honestly as synthetic):
 *   wrap-kernel elf   MACHINE IMAGE OUT   ELF64 with one PT_LOAD holding the
 *                                          Image, e_entry = p_vaddr (arm64: 183,
 *                                          riscv64: 243)
 *   wrap-kernel zboot gzip|zstd IMAGE OUT  EFI zboot header ("MZ", "zimg",
 *                                          payload offset/size, compression name)
 *                                          followed by the compressed Image
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/bytes.h"
#include "core/file.h"

#define ELF_DATA_OFFSET 0x10000 /* page aligned for 4K and 64K */
#define ZBOOT_HEADER 0x1000

static int write_all(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
	FILE *out = fopen(path, "wb");
	if (!out || fwrite(a, 1, alen, out) != alen || (blen && fwrite(b, 1, blen, out) != blen) ||
	    fclose(out)) {
		perror(path);
		return 1;
	}
	return 0;
}

static int wrap_elf(uint16_t machine, struct kx_bytes image, const char *out)
{
	uint8_t head[ELF_DATA_OFFSET];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)head;
	Elf64_Phdr *ph = (Elf64_Phdr *)(head + sizeof(*eh));
	uint64_t image_size = 0;

	memset(head, 0, sizeof(head));
	kx_le64(image, 16, &image_size); /* arm64 and riscv64 headers both keep it at 16 */
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0xffffffff80000000ULL;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_W | PF_X;
	ph->p_offset = ELF_DATA_OFFSET;
	ph->p_vaddr = eh->e_entry;
	ph->p_paddr = 0;
	ph->p_filesz = image.size;
	ph->p_memsz = image_size > image.size ? image_size : image.size;
	ph->p_align = ELF_DATA_OFFSET;
	return write_all(out, head, sizeof(head), image.data, image.size);
}

static int wrap_zboot(const char *comp, struct kx_bytes image, const char *out)
{
	size_t cap = image.size + image.size / 2 + (1 << 20), len = cap;
	uint8_t *buf = calloc(1, ZBOOT_HEADER + cap);
	if (!buf)
		return 1;
	uint8_t *payload = buf + ZBOOT_HEADER;
	if (!strcmp(comp, "gzip")) {
		z_stream zs = { 0 };
		if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
			return 1;
		zs.next_in = (Bytef *)image.data;
		zs.avail_in = (uInt)image.size;
		zs.next_out = payload;
		zs.avail_out = (uInt)cap;
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
			return 1;
		len = zs.total_out;
		deflateEnd(&zs);
	} else if (!strcmp(comp, "zstd")) {
		/* streamed, so the frame records no content size, like the kernel's */
		ZSTD_CCtx *cctx = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
		ZSTD_inBuffer in = { image.data, image.size, 0 };
		ZSTD_outBuffer o = { payload, cap, 0 };
		if (ZSTD_isError(ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end)))
			return 1;
		len = o.pos;
		ZSTD_freeCCtx(cctx);
	} else {
		fprintf(stderr, "wrap-kernel: zboot compression gzip or zstd\n");
		return 1;
	}
	buf[0] = 'M';
	buf[1] = 'Z';
	memcpy(buf + 4, "zimg", 4);
	kx_put_le32(buf + 8, ZBOOT_HEADER);
	kx_put_le32(buf + 12, (uint32_t)len);
	strcpy((char *)buf + 24, comp);
	kx_put_le32(buf + 60, 0x40);
	int r = write_all(out, buf, ZBOOT_HEADER + len, NULL, 0);
	free(buf);
	return r;
}

int main(int argc, char **argv)
{
	struct kx_file in;
	struct kx_error err = { 0 };
	if (argc != 5) {
		fprintf(stderr, "usage: wrap-kernel elf MACHINE IMAGE OUT | zboot gzip|zstd IMAGE OUT\n");
		return 1;
	}
	if (kx_file_map(&in, argv[3], &err) < 0) {
		fprintf(stderr, "wrap-kernel: %s\n", err.message);
		return 1;
	}
	if (!strcmp(argv[1], "elf"))
		return wrap_elf((uint16_t)atoi(argv[2]), in.bytes, argv[4]);
	if (!strcmp(argv[1], "zboot"))
		return wrap_zboot(argv[2], in.bytes, argv[4]);
	fprintf(stderr, "wrap-kernel: unknown wrapper %s\n", argv[1]);
	return 1;
}
