// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF vmlinux parser: the real vmlinux inside Debian's bzImage payloads
 * (xz on bookworm, zstd on trixie), then copies with one field broken, of
 * a synthetic x86_64 ELF (tests/unit/synth.h: the header rules need no real
 * kernel) and of bookworm's real vmlinux.
 */
#include <elf.h>
#include <stddef.h>

#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "compress/compress.h"
#include "formats/elf.h"
#include "formats/x86_setup.h"
#include "core/units.h"

/* The vmlinux ELF inside a bzImage: payload_offset/length, decompressed. */
static int payload_elf(const char *which, struct kx_file *ret)
{
	struct kx_file f;
	struct kx_bzimage bz;
	struct kx_error err = { 0 };
	if (kx_test_map_kernel(which, "vmlinuz", &f) < 0)
		return -1;
	int r = kx_bzimage_parse(f.bytes, "vmlinuz", &bz, &err);
	if (r == 0) {
		struct kx_bytes payload = kx_bytes_sub(f.bytes, bz.setup_size + bz.payload_offset,
						       bz.payload_length);
		r = kx_decompress_to_file(payload, kx_compression_detect(payload), "vmlinux", GiB,
					  ret, &err);
	}
	if (r < 0)
		printf("#   %s\n", err.message);
	kx_file_close(&f);
	return r;
}

KX_TEST(real_vmlinux_parses)
{
	const char *const releases[] = { "bookworm-amd64", "trixie-amd64" };
	for (int i = 0; i < 2; i++) {
		struct kx_file v;
		struct kx_elf elf;
		struct kx_error err = { 0 };
		CHECK(payload_elf(releases[i], &v) == 0);
		CHECK(kx_elf_is_elf(v.bytes));
		CHECK(kx_elf_parse(v.bytes, "vmlinux", EM_X86_64, &elf, &err) == 0);
		CHECK(elf.nr_loads >= 3);
		/* Linux links x86_64 with ENTRY(phys_startup_64): e_entry is the
		 * physical address of startup_64, inside the first PT_LOAD, which
		 * starts at LOAD_PHYSICAL_ADDR (16 MiB). */
		CHECK_EQ_U64(elf.loads[0].paddr, 0x1000000);
		CHECK(elf.entry >= elf.loads[0].paddr);
		CHECK(elf.entry < elf.loads[0].paddr + elf.loads[0].memsz);
		const struct kx_format_ops *fmt;
		CHECK(kx_format_select(&kx_arch_x86_64, v.bytes, "vmlinux", NULL, &fmt, &err) == 0);
		CHECK(fmt == &kx_format_elf_vmlinux);
		kx_file_close(&v);
	}
}

struct elf_mangle {
	const char *name;
	size_t offset;     /* in the ELF header, or in the first PT_LOAD when phdr */
	int phdr;
	int width;
	uint64_t value;
	const char *error;
};

static const struct elf_mangle mangles[] = {
	{ "32-bit class", EI_CLASS, 0, 1, ELFCLASS32, "vmlinux: EI_CLASS 1: only 64-bit ELF kernels" },
	{ "big endian", EI_DATA, 0, 1, ELFDATA2MSB, "EI_DATA 2: only little-endian" },
	{ "wrong machine", offsetof(Elf64_Ehdr, e_machine), 0, 2, EM_AARCH64,
	  "e_machine 183 is not the 62 this architecture runs" },
	{ "relocatable object", offsetof(Elf64_Ehdr, e_type), 0, 2, ET_REL, "e_type 1 is neither" },
	{ "no program headers", offsetof(Elf64_Ehdr, e_phnum), 0, 2, 0, "e_phnum is 0" },
	{ "phentsize wrong", offsetof(Elf64_Ehdr, e_phentsize), 0, 2, 32, "e_phentsize 32, expected 56" },
	{ "phdrs past the end", offsetof(Elf64_Ehdr, e_phoff), 0, 8, 0x7fffffff00ULL,
	  "program headers (e_phoff 0x7fffffff00" },
	{ "phoff overflowing", offsetof(Elf64_Ehdr, e_phoff), 0, 8, UINT64_MAX - 8,
	  "program headers (e_phoff 0xfffffffffffffff7" },
	{ "PT_LOAD past the end", offsetof(Elf64_Phdr, p_filesz), 1, 8, 0x7fffffff00ULL,
	  "p_filesz 0x7fffffff00 run past the end of the file" },
	{ "PT_LOAD offset overflowing", offsetof(Elf64_Phdr, p_offset), 1, 8, UINT64_MAX - 4,
	  "p_offset 0xfffffffffffffffb" },
	{ "filesz above memsz", offsetof(Elf64_Phdr, p_memsz), 1, 8, 0x10,
	  "exceeds p_memsz 0x10" },
	{ "paddr + memsz overflowing", offsetof(Elf64_Phdr, p_paddr), 1, 8, UINT64_MAX - 0x1000,
	  "overflows" },
};

/* Each of `mangles` applied to a copy of the x86_64 ELF `v`: the exact
 * refusal; then the same ELF truncated, and offered as arm64's. */
static void broken_copies_of(struct kx_bytes v, int *kx_failed_)
{
	struct kx_elf elf;
	struct kx_error err = { 0 };
	/* control: unbroken, it parses */
	CHECK(kx_elf_parse(v, "vmlinux", EM_X86_64, &elf, &err) == 0);
	uint64_t phoff;
	CHECK(kx_le64(v, offsetof(Elf64_Ehdr, e_phoff), &phoff));
	/* index of the first PT_LOAD */
	uint64_t first_load = phoff;
	for (;; first_load += sizeof(Elf64_Phdr)) {
		uint32_t type;
		CHECK(kx_le32(v, first_load, &type));
		if (type == PT_LOAD)
			break;
	}
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct elf_mangle *m = &mangles[i];
		uint8_t *copy = malloc(v.size);
		CHECK(copy);
		memcpy(copy, v.data, v.size);
		struct kx_bytes b = { copy, v.size };
		size_t at = m->phdr ? first_load + m->offset : m->offset;
		printf("#   case: %s\n", m->name);
		if (m->width == 1)
			copy[at] = (uint8_t)m->value;
		else if (m->width == 2)
			kx_put_le16(copy + at, (uint16_t)m->value);
		else
			kx_put_le64(copy + at, m->value);
		memset(&err, 0, sizeof(err));
		int r = kx_elf_parse(b, "vmlinux", EM_X86_64, &elf, &err);
		free(copy);
		CHECK(r < 0);
		CHECK(err.status == KX_E_INPUT);
		CHECK_CONTAINS(err.message, m->error);
	}
	/* truncated header */
	struct kx_bytes shortb = { v.data, 40 };
	CHECK(kx_elf_parse(shortb, "vmlinux", EM_X86_64, &elf, &err) < 0);
	CHECK_CONTAINS(err.message, "vmlinux: truncated ELF header (40 bytes, need 64)");
	/* an arm64 ELF offered to the x86_64 loader is explained, not "unknown" */
	uint8_t *copy = malloc(v.size);
	CHECK(copy);
	memcpy(copy, v.data, v.size);
	kx_put_le16(copy + offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
	const struct kx_format_ops *fmt;
	struct kx_bytes b = { copy, v.size };
	int r = kx_format_select(&kx_arch_x86_64, b, "Image.elf", NULL, &fmt, &err);
	free(copy);
	CHECK(r < 0);
	CHECK(err.status == KX_E_INPUT);
	CHECK_CONTAINS(err.message, "Image.elf: ELF header: e_machine 183");
}

/* An x86_64 vmlinux as Linux links one, in miniature: one PT_LOAD at
 * LOAD_PHYSICAL_ADDR (16 MiB, virtual __START_KERNEL_map + 16 MiB) with
 * 12 KiB in the file and 2 MiB in memory, e_entry its physical start. */
KX_TEST(broken_copies)
{
	static uint8_t body[0x3000];
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 5 + 1);
	size_t size;
	uint8_t *p = kx_synth_elf64(EM_X86_64, 0x1000000, 0xffffffff81000000ULL, body, sizeof(body), 0x200000,
				    &size);
	CHECK(p);
	((Elf64_Phdr *)(p + sizeof(Elf64_Ehdr)))->p_paddr = 0x1000000;
	broken_copies_of((struct kx_bytes){ p, size }, kx_failed_);
	free(p);
}

KX_TEST(broken_copies_of_debian_vmlinux)
{
	struct kx_file v;
	CHECK(payload_elf("bookworm-amd64", &v) == 0);
	broken_copies_of(v.bytes, kx_failed_);
	kx_file_close(&v);
}

/* KX_ELF_LOADS_MAX: 8 PT_LOADs are read, a ninth is refused (one without
 * contents, p_memsz 0, does not count). */
KX_TEST(pt_load_cap)
{
	struct kx_elf elf;
	struct kx_error err = { 0 };
	size_t size;
	uint8_t *p = kx_synth_elf64_loads(EM_X86_64, KX_ELF_LOADS_MAX, &size);
	CHECK(p);
	int r = kx_elf_parse((struct kx_bytes){ p, size }, "vmlinux", EM_X86_64, &elf, &err);
	free(p);
	CHECK(r == 0);
	CHECK_EQ_U64(elf.nr_loads, KX_ELF_LOADS_MAX);
	CHECK_EQ_U64(elf.loads[KX_ELF_LOADS_MAX - 1].paddr, 0x1000000 + (KX_ELF_LOADS_MAX - 1) * 0x200000ULL);

	p = kx_synth_elf64_loads(EM_X86_64, KX_ELF_LOADS_MAX + 1, &size);
	CHECK(p);
	Elf64_Phdr *last = (Elf64_Phdr *)(p + sizeof(Elf64_Ehdr)) + KX_ELF_LOADS_MAX;
	last->p_memsz = last->p_filesz = 0;
	r = kx_elf_parse((struct kx_bytes){ p, size }, "vmlinux", EM_X86_64, &elf, &err);
	CHECK(r == 0);
	CHECK_EQ_U64(elf.nr_loads, KX_ELF_LOADS_MAX);
	last->p_memsz = last->p_filesz = 0x1000;
	r = kx_elf_parse((struct kx_bytes){ p, size }, "vmlinux", EM_X86_64, &elf, &err);
	free(p);
	CHECK(r < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "vmlinux: more than 8 PT_LOAD program headers with contents, the most "
		       "kexec-ng loads (each is a kexec segment)");
}

KX_TEST_MAIN(KX_CASE(real_vmlinux_parses), KX_CASE(broken_copies), KX_CASE(broken_copies_of_debian_vmlinux),
	     KX_CASE(pt_load_cap))
