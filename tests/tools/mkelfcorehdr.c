// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Crash headers written to files, for checking them with binutils' readelf
 * (tests/unit/test_crash_readelf.sh):
 *   mkelfcorehdr image x86_64|arm64|riscv64 OUT
 *       a small synthetic "memory image" of a crashed machine: the header at
 *       offset 0 and, at file offsets equal to their physical addresses,
 *       three per-CPU crash note buffers (an NT_PRSTATUS note named CORE
 *       followed by the empty note that ends the buffer, as the kernel's
 *       crash_save_cpu() leaves them) and a VMCOREINFO note, so that
 *       `readelf -n` reads the notes through the header's PT_NOTEs;
 *   mkelfcorehdr root DIR OUT
 *       the header alone, built from a fixture tree such as
 *       tests/fixtures/crash-box (x86_64), RAM minus its crash regions.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "crash/crash.h"
#include "system/facts.h"

#define IMAGE_SIZE 0x8000
#define NOTE_BUF 0x200           /* room for one crash note buffer */
#define VMCOREINFO_AT 0x6000

static const char vmcoreinfo_text[] =
	"OSRELEASE=6.1.0-synthetic\nBUILD-ID=0000\nPAGESIZE=4096\n"
	"SYMBOL(_stext)=ffffffff81000000\nKERNELOFFSET=0\n";

/* One ELF note: header, name padded to 4, desc padded to 4; returns its end. */
static size_t put_note(uint8_t *at, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	kx_put_le32(at, namesz);
	kx_put_le32(at + 4, descsz);
	kx_put_le32(at + 8, type);
	memcpy(at + 12, name, namesz);
	size_t off = 12 + kx_align_up(namesz, 4);
	if (desc)
		memcpy(at + off, desc, descsz);
	else
		memset(at + off, 0, descsz);
	return off + kx_align_up(descsz, 4);
}

static int write_file(const char *path, const uint8_t *buf, size_t size)
{
	FILE *out = fopen(path, "wb");
	if (!out || fwrite(buf, 1, size, out) != size || fclose(out)) {
		perror(path);
		return 1;
	}
	return 0;
}

static int image(const char *arch, const char *out)
{
	static const struct { const char *name; uint16_t machine; uint32_t prstatus; } arches[] = {
		/* sizeof(struct elf_prstatus) of each architecture */
		{ "x86_64", EM_X86_64, 336 }, { "arm64", EM_AARCH64, 392 }, { "riscv64", EM_RISCV, 376 },
	};
	unsigned int a = 0;
	while (a < 3 && strcmp(arch, arches[a].name))
		a++;
	if (a == 3) {
		fprintf(stderr, "mkelfcorehdr: unknown architecture %s\n", arch);
		return 2;
	}
	static uint8_t mem[IMAGE_SIZE];
	struct kx_crash_note notes[3];
	for (unsigned int cpu = 0; cpu < 3; cpu++) {
		uint64_t at = 0x2000 + cpu * NOTE_BUF;
		size_t len = put_note(mem + at, "CORE", NT_PRSTATUS, NULL, arches[a].prstatus);
		len += 12; /* the empty note that ends the buffer (zeros) */
		notes[cpu] = (struct kx_crash_note){ at, len };
	}
	size_t vlen = put_note(mem + VMCOREINFO_AT, "VMCOREINFO", 0, vmcoreinfo_text,
			       (uint32_t)strlen(vmcoreinfo_text));
	static const struct kx_crash_text text = { 0xffffffff81000000ULL, 0x1000000, 0x2000000 };
	static struct kx_memmap ram, crash;
	ram.ranges[ram.count++] = (struct kx_range){ 0x1000, 0x9f000, KX_MEM_RAM };
	ram.ranges[ram.count++] = (struct kx_range){ 0x100000, 0x40000000, KX_MEM_RAM };
	crash.ranges[crash.count++] = (struct kx_range){ 0x30000000, 0x38000000, KX_MEM_CRASH };
	struct kx_crash_info info = {
		.e_machine = arches[a].machine,
		.cpu_notes = notes,
		.nr_cpu_notes = 3,
		.vmcoreinfo = { VMCOREINFO_AT, vlen + 12 },
		.kernel_text = arches[a].machine == EM_RISCV ? NULL : &text,
		.have_linear_base = arches[a].machine == EM_X86_64,
		.linear_base = 0xffff888000000000ULL,
		.ram = &ram,
		.exclude = &crash,
	};
	struct kx_error err = { 0 };
	uint8_t *hdr;
	size_t size;
	if (kx_crash_elfcorehdr(&info, &hdr, &size, &err) < 0) {
		fprintf(stderr, "mkelfcorehdr: %s\n", err.message);
		return 1;
	}
	if (size > 0x2000) {
		fprintf(stderr, "mkelfcorehdr: header of %zu bytes overlaps the notes\n", size);
		return 1;
	}
	memcpy(mem, hdr, size);
	free(hdr);
	return write_file(out, mem, sizeof(mem));
}

static int from_root(const char *root, const char *out)
{
	static struct kx_facts facts;
	static struct kx_crash_facts cf;
	static struct kx_memmap ram;
	struct kx_error err = { 0 };
	if (kx_facts_read_fixture(&facts, root, &err) < 0 || kx_crash_facts_read(&cf, root, &err) < 0) {
		fprintf(stderr, "mkelfcorehdr: %s\n", err.message);
		return 1;
	}
	kx_memmap_select(&facts.iomem_ram, KX_MEM_RAM, &ram);
	struct kx_crash_info info = kx_crash_info_of(&facts, &cf, EM_X86_64, &ram);
	uint8_t *hdr;
	size_t size;
	if (kx_crash_elfcorehdr(&info, &hdr, &size, &err) < 0) {
		fprintf(stderr, "mkelfcorehdr: %s\n", err.message);
		return 1;
	}
	int r = write_file(out, hdr, size);
	free(hdr);
	return r;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "image"))
		return image(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "root"))
		return from_root(argv[2], argv[3]);
	fprintf(stderr, "usage: mkelfcorehdr image x86_64|arm64|riscv64 OUT\n"
			"       mkelfcorehdr root DIR OUT\n");
	return 2;
}
