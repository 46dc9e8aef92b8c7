/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Synthetic inputs for the unit tests. A small bzImage: a valid 2.15 setup
 * header in front of 64 KiB of patterned "kernel", used where a golden
 * output must not change when Debian publishes a new kernel (honest about
 * what it is: it never boots). An ELF64 around a kernel body, and gzip, as
 * the arm64 and riscv64 tests wrap their Images.
 */
#ifndef KX_TEST_SYNTH_H
#define KX_TEST_SYNTH_H

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/bytes.h"
#include "formats/x86_setup.h"

#define SYNTH_SETUP_SECTS 3
#define SYNTH_PM_SIZE 0x10000
#define SYNTH_SIZE ((SYNTH_SETUP_SECTS + 1) * 512 + SYNTH_PM_SIZE)

static inline uint8_t *kx_synth_bzimage(size_t *ret_size)
{
	uint8_t *p = calloc(1, SYNTH_SIZE);
	if (!p)
		return NULL;
	p[BZ_SETUP_SECTS] = SYNTH_SETUP_SECTS;
	kx_put_le16(p + BZ_BOOT_FLAG, 0xAA55);
	p[0x200] = 0xeb;                    /* jmp over the header ... */
	p[0x201] = 0x268 - 0x202;           /* ... which ends at 0x268 */
	kx_put_le32(p + BZ_HEADER_MAGIC, BZ_HDRS);
	kx_put_le16(p + BZ_VERSION, 0x020f);
	p[BZ_LOADFLAGS] = LOADED_HIGH;
	kx_put_le32(p + BZ_INITRD_ADDR_MAX, 0x7fffffff);
	kx_put_le32(p + BZ_KERNEL_ALIGNMENT, 0x200000);
	p[BZ_RELOCATABLE] = 1;
	kx_put_le16(p + BZ_XLOADFLAGS, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_KEXEC);
	kx_put_le32(p + BZ_CMDLINE_SIZE, 2047);
	kx_put_le32(p + BZ_PAYLOAD_OFFSET, 0x100);
	kx_put_le32(p + BZ_PAYLOAD_LENGTH, 0x1000);
	kx_put_le64(p + BZ_PREF_ADDRESS, 0x1000000);
	kx_put_le32(p + BZ_INIT_SIZE, 0x400000);
	for (size_t i = 0; i < SYNTH_PM_SIZE; i++)
		p[(SYNTH_SETUP_SECTS + 1) * 512 + i] = (uint8_t)(i * 7 + (i >> 8));
	*ret_size = SYNTH_SIZE;
	return p;
}

/* An ELF64 (little-endian, ET_EXEC) for `machine` with one PT_LOAD: the
 * `size` bytes of `body` at file offset 0x10000, loaded at `vaddr` with
 * p_memsz `memsz`; e_entry `entry`. Like tests/tools/wrap_kernel.c. NULL
 * when out of memory. */
static inline uint8_t *kx_synth_elf64(uint16_t machine, uint64_t entry, uint64_t vaddr,
				      const uint8_t *body, size_t size, uint64_t memsz,
				      size_t *ret_size)
{
	size_t off = 0x10000;
	uint8_t *p = calloc(1, off + size);
	if (!p)
		return NULL;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	Elf64_Phdr *ph = (Elf64_Phdr *)(p + sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = off;
	ph->p_vaddr = vaddr;
	ph->p_filesz = size;
	ph->p_memsz = memsz;
	memcpy(p + off, body, size);
	*ret_size = off + size;
	return p;
}

/* An ELF64 (little-endian, ET_EXEC) for `machine` with `n` PT_LOADs, as an
 * x86_64 vmlinux places them: PT_LOAD i holds 4 KiB (its bytes i + 1) at
 * file offset 0x10000 + i * 0x1000, loaded at physical 16 MiB + i * 2 MiB
 * (virtual __START_KERNEL_map + that); e_entry is the first one's physical
 * start. NULL when out of memory or `n` does not fit the header page. */
static inline uint8_t *kx_synth_elf64_loads(uint16_t machine, unsigned int n, size_t *ret_size)
{
	size_t off = 0x10000, size = off + (size_t)n * 0x1000;
	if (sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr) > off)
		return NULL;
	uint8_t *p = calloc(1, size);
	if (!p)
		return NULL;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = machine;
	eh->e_entry = 0x1000000;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)n;
	for (unsigned int i = 0; i < n; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(p + sizeof(*eh)) + i;
		ph->p_type = PT_LOAD;
		ph->p_offset = off + i * 0x1000;
		ph->p_paddr = 0x1000000 + i * 0x200000ULL;
		ph->p_vaddr = 0xffffffff80000000ULL + ph->p_paddr;
		ph->p_filesz = ph->p_memsz = 0x1000;
		ph->p_align = 0x1000;
		memset(p + ph->p_offset, (int)(i + 1), 0x1000);
	}
	*ret_size = size;
	return p;
}

/* gzip (RFC 1952) of `in` into `out` (`cap` bytes) at zlib level `level`:
 * the compressed size, 0 if it did not fit or zlib failed. */
static inline size_t kx_synth_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
				   int level)
{
	z_stream zs = { 0 };
	size_t n = 0;
	if (deflateInit2(&zs, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
		n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

/*
 * A UKI as systemd's ukify or `objcopy --add-section` lays it out: a DOS
 * header whose e_lfanew (0x3c) is 0x80, "PE\0\0", the COFF header, a PE32+
 * optional header of 0xf0 bytes, the section table, then each section's
 * data at a 0x200-aligned PointerToRawData, SizeOfRawData rounded up to
 * 0x200 and VirtualSize the data's own size. NULL when out of memory.
 */
struct kx_synth_section {
	const char *name;            /* at most 8 characters */
	const void *data;
	size_t size;
};

#define SYNTH_PE_OFFSET 0x80
#define SYNTH_PE_OPT_SIZE 0xf0
#define SYNTH_PE_TABLE (SYNTH_PE_OFFSET + 24 + SYNTH_PE_OPT_SIZE)
#define SYNTH_PE_ALIGN 0x200

static inline uint8_t *kx_synth_uki(uint16_t machine, const struct kx_synth_section *secs,
				    unsigned int n, size_t *ret_size)
{
	size_t off = kx_align_up(SYNTH_PE_TABLE + 40 * (size_t)n, SYNTH_PE_ALIGN), total = off;
	for (unsigned int i = 0; i < n; i++)
		total += kx_align_up(secs[i].size, SYNTH_PE_ALIGN);
	uint8_t *p = calloc(1, total);
	if (!p)
		return NULL;
	p[0] = 'M';
	p[1] = 'Z';
	kx_put_le32(p + 0x3c, SYNTH_PE_OFFSET);
	memcpy(p + SYNTH_PE_OFFSET, "PE\0\0", 4);
	kx_put_le16(p + SYNTH_PE_OFFSET + 4, machine);
	kx_put_le16(p + SYNTH_PE_OFFSET + 6, (uint16_t)n);
	kx_put_le16(p + SYNTH_PE_OFFSET + 20, SYNTH_PE_OPT_SIZE);
	kx_put_le16(p + SYNTH_PE_OFFSET + 22, 0x0206);          /* executable image, debug stripped */
	kx_put_le16(p + SYNTH_PE_OFFSET + 24, 0x020b);          /* PE32+ */
	uint32_t vaddr = 0x10000;
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *h = p + SYNTH_PE_TABLE + 40 * i;
		size_t raw = kx_align_up(secs[i].size, SYNTH_PE_ALIGN);
		memcpy(h, secs[i].name, strnlen(secs[i].name, 8));
		kx_put_le32(h + 8, (uint32_t)secs[i].size);       /* VirtualSize */
		kx_put_le32(h + 12, vaddr);                       /* VirtualAddress */
		kx_put_le32(h + 16, (uint32_t)raw);               /* SizeOfRawData */
		kx_put_le32(h + 20, (uint32_t)off);               /* PointerToRawData */
		kx_put_le32(h + 36, 0x40000040);                  /* initialized data, readable */
		memcpy(p + off, secs[i].data, secs[i].size);
		off += raw;
		vaddr += (uint32_t)kx_align_up(secs[i].size, 0x1000);
	}
	*ret_size = total;
	return p;
}

#endif
