// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86 32-bit entry, through the load pipeline on the bios-box fixture:
 * a bzImage that is not relocatable (memtest86+'s kind) at its fixed
 * code32_start, --entry-32bit of a relocatable one, and elf-x86 (32-bit
 * ELF) with --args-linux, --args-elf (ELF boot notes) and --args-none;
 * every plan below 4 GiB with the purgatory told to leave long mode. Then
 * broken 32-bit ELFs, one field at a time, with the exact refusal.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "plan_helpers.h"

#include "core/bytes.h"
#include "synth.h"
#include "arch/arch.h"
#include "arch/x86_64/elf_boot_notes.h"
#include "core/units.h"
#include "formats/elf.h"
#include "load/load.h"
#include "purgatory/purgatory.h"

static char dir[64];
static char bios_box[1024];
static char fixed_path[256], reloc_path[256], elf32_path[256], initrd_path[256];

/* A 32-bit ELF (EM_386, ET_EXEC) with PT_LOADs of 0x2000 bytes at each of
 * `paddrs` (file offsets 0x1000 apart from 0x1000), e_entry `entry`. */
#define ELF32_LOAD_SIZE 0x2000
static uint8_t *synth_elf32(const uint32_t *paddrs, unsigned int n, uint32_t entry, size_t *ret_size)
{
	size_t size = 0x1000 + (size_t)n * ELF32_LOAD_SIZE;
	uint8_t *p = calloc(1, size);
	if (!p)
		return NULL;
	Elf32_Ehdr *eh = (Elf32_Ehdr *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = (uint16_t)n;
	for (unsigned int i = 0; i < n; i++) {
		Elf32_Phdr *ph = (Elf32_Phdr *)(p + sizeof(*eh)) + i;
		ph->p_type = PT_LOAD;
		ph->p_offset = 0x1000 + i * ELF32_LOAD_SIZE;
		ph->p_vaddr = ph->p_paddr = paddrs[i];
		ph->p_filesz = ph->p_memsz = ELF32_LOAD_SIZE;
		memset(p + ph->p_offset, 0x90 + (int)i, ELF32_LOAD_SIZE);
	}
	*ret_size = size;
	return p;
}

static int make_inputs(void)
{
	size_t size, elf_size;
	uint8_t *bz = kx_synth_bzimage(&size);
	static const uint32_t paddrs[2] = { 0x200000, 0x300000 };
	uint8_t *elf = synth_elf32(paddrs, 2, 0x200000, &elf_size);
	static const uint8_t initrd[3000] = { 1 };
	int r = -1;

	snprintf(dir, sizeof(dir), "/tmp/kx-test-entry32-XXXXXX");
	snprintf(bios_box, sizeof(bios_box), "%s/tests/fixtures/bios-box", kx_test_env("KX_SRCDIR", "."));
	if (!bz || !elf || !mkdtemp(dir))
		goto out;
	if (kx_test_write_file(dir, "vmlinuz", bz, size, reloc_path, sizeof(reloc_path)) < 0 ||
	    kx_test_write_file(dir, "elf32", elf, elf_size, elf32_path, sizeof(elf32_path)) < 0 ||
	    kx_test_write_file(dir, "initrd.img", initrd, sizeof(initrd), initrd_path, sizeof(initrd_path)) < 0)
		goto out;
	/* memtest86+'s header: not relocatable, code32_start 0x100000, no
	 * XLF_CAN_BE_LOADED_ABOVE_4G */
	bz[BZ_RELOCATABLE] = 0;
	kx_put_le32(bz + BZ_CODE32_START, 0x100000);
	kx_put_le16(bz + BZ_XLOADFLAGS, XLF_KERNEL_64);
	kx_put_le32(bz + BZ_INITRD_ADDR_MAX, 0xffffffff);
	r = kx_test_write_file(dir, "memtest.bin", bz, size, fixed_path, sizeof(fixed_path));
out:
	free(bz);
	free(elf);
	return r;
}

static struct kx_load_request request(const char *kernel)
{
	return (struct kx_load_request){ .arch = &kx_arch_x86_64, .kernel = kernel, .test.root = bios_box };
}

static const struct kx_segment *segment(const struct kx_plan *plan, const char *name)
{
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (!strcmp(plan->segments[i].name, name))
			return &plan->segments[i];
	return NULL;
}

static int purgatory_params(const struct kx_plan *plan, struct kx_purgatory_params *ret)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	const struct kx_segment *s = segment(plan, "purgatory");
	if (!s || kx_purgatory_blob("x86_64", &blob, &err) < 0 || s->bufsz < blob.params_offset + sizeof(*ret))
		return -1;
	memcpy(ret, s->buf + blob.params_offset, sizeof(*ret));
	return 0;
}

/* Every segment ends below 4 GiB. */
static bool below_4g(const struct kx_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (plan->segments[i].mem + plan->segments[i].memsz > 4 * GiB)
			return false;
	return true;
}

KX_TEST(fixed_bzimage_at_code32_start)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(fixed_path);
	rq.append = "console=ttyS0,115200";
	rq.initrd = initrd_path;
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	CHECK(!strcmp(plan.format, "bzImage (32-bit entry)"));
	const struct kx_segment *k = segment(&plan, "kernel"), *bp = segment(&plan, "boot_params");
	CHECK(k && bp && segment(&plan, "initrd"));
	CHECK_EQ_U64(k->mem, 0x100000);
	CHECK_EQ_U64(k->bufsz, SYNTH_PM_SIZE);
	/* init_size (4 MiB) from code32_start is kept free of the other segments */
	for (unsigned int i = 0; i < plan.nr_segments; i++)
		if (&plan.segments[i] != k)
			CHECK(plan.segments[i].mem >= 0x100000 + 0x400000);
	CHECK(below_4g(&plan));
	CHECK_EQ_U64(plan.kernel_entry, 0x100000);
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	CHECK(params.flags & KX_PURGATORY_VERIFY);
	CHECK_EQ_U64(params.entry, 0x100000);
	CHECK_EQ_U64(params.regs[0], bp->mem);       /* ESI = boot_params */
	CHECK_EQ_U64(params.regs[1], 0);
	/* -a goes to kexec_load, and says why */
	char why[256];
	CHECK(kx_load_needs_kexec_load(ld, why, sizeof(why)));
	CHECK_CONTAINS(why, "relocatable_kernel (at 0x234) is 0: it runs only at 0x100000");
	kx_plan_free(&plan);
	kx_load_free(ld);
}

/* The fixed range must be RAM the user's bounds allow; a crash kernel it cannot be. */
KX_TEST(fixed_bzimage_refusals)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_load_request rq = request(fixed_path);
	rq.mem_min = 0x200000;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK_CONTAINS(err.message, "memtest.bin (not relocatable: code32_start) at 0x100000-0x4fffff lies "
		       "outside --mem-min/--mem-max");
	/* a code32_start below 1 MiB */
	size_t size;
	uint8_t *bz = kx_synth_bzimage(&size);
	CHECK(bz);
	bz[BZ_RELOCATABLE] = 0;
	kx_put_le32(bz + BZ_CODE32_START, 0x10000);
	char path[256];
	CHECK(kx_test_write_file(dir, "low.bin", bz, size, path, sizeof(path)) == 0);
	free(bz);
	rq = request(path);
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "code32_start 0x10000 (at 0x214) of a kernel that is not relocatable is not "
		       "a page-aligned address at or above 1 MiB");
}

KX_TEST(entry_32bit_of_a_relocatable_bzimage)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(reloc_path);
	rq.entry_32bit = true;
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	const struct kx_segment *k = segment(&plan, "kernel");
	CHECK(k);
	/* where the 64-bit entry would have put it (pref_address), entered at its start */
	CHECK_EQ_U64(k->mem, 0x1000000);
	CHECK_EQ_U64(plan.kernel_entry, 0x1000000);
	CHECK(below_4g(&plan));
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	char why[256];
	CHECK(kx_load_needs_kexec_load(ld, why, sizeof(why)));
	CHECK_CONTAINS(why, "--entry-32bit: kexec_file_load enters a bzImage only at its 64-bit entry");
	kx_plan_free(&plan);
	kx_load_free(ld);
	/* without it: the 64-bit entry, not asked to leave long mode */
	rq.entry_32bit = false;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) == 0);
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(!(params.flags & KX_PURGATORY_ENTRY32));
	CHECK_EQ_U64(plan.kernel_entry, 0x1000200);
	CHECK(!kx_load_needs_kexec_load(ld, why, sizeof(why)));
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(elf32_args)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(elf32_path);
	rq.append = "hello";

	/* the default, as kexec-tools: ELF boot notes, their address at [ESP+4] */
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	CHECK(ld->format == &kx_format_elf_x86);
	CHECK(!strcmp(plan.format, "ELF 32-bit"));
	CHECK_EQ_U64(segment(&plan, "kernel")->mem, 0x200000);
	CHECK_EQ_U64(plan.segments[1].mem, 0x300000);
	const struct kx_segment *notes = segment(&plan, "boot_notes");
	CHECK(notes && !segment(&plan, "boot_params"));
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	CHECK_EQ_U64(params.entry, 0x200000);
	CHECK_EQ_U64(params.regs[0], 0);
	CHECK_EQ_U64(params.regs[1], notes->mem);
	CHECK(below_4g(&plan));
	/* the notes: header, three records, the command line last, a checksum that sums to 0 */
	uint32_t magic = 0, size = 0;
	CHECK(kx_le32((struct kx_bytes){ notes->buf, notes->bufsz }, 0, &magic) &&
	      kx_le32((struct kx_bytes){ notes->buf, notes->bufsz }, 4, &size));
	CHECK_EQ_U64(magic, KX_ELF_BOOT_MAGIC);
	CHECK_EQ_U64(size, notes->bufsz);
	CHECK_EQ_U64(notes->buf[10], 3);
	CHECK(!memcmp(notes->buf + notes->bufsz - 8, "hello\0\0\0", 8));
	CHECK_EQ_U64(kx_ip_checksum(notes->buf, notes->bufsz), 0);
	char why[256];
	CHECK(kx_load_needs_kexec_load(ld, why, sizeof(why)));
	kx_plan_free(&plan);
	kx_load_free(ld);

	/* --args-linux: boot_params in ESI */
	rq.args = KX_ARGS_LINUX;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) == 0);
	const struct kx_segment *bp = segment(&plan, "boot_params");
	CHECK(bp && !segment(&plan, "boot_notes"));
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	CHECK_EQ_U64(params.regs[0], bp->mem);
	kx_plan_free(&plan);
	kx_load_free(ld);

	/* --args-none: nothing */
	rq.args = KX_ARGS_NONE;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) == 0);
	CHECK_EQ_U64(plan.nr_segments, 3);           /* two PT_LOADs, the purgatory */
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK_EQ_U64(params.regs[0], 0);
	CHECK_EQ_U64(params.regs[1], 0);
	kx_plan_free(&plan);
	kx_load_free(ld);

	/* an initrd with ELF boot notes: nobody would learn where it is */
	rq.args = KX_ARGS_DEFAULT;
	rq.initrd = initrd_path;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_USAGE);
	CHECK_CONTAINS(err.message, "--initrd: ELF boot notes (--args-elf, a 32-bit ELF's default) carry no initrd");
}

/* Two PT_LOADs on the same page: the second overlaps the first. */
KX_TEST(elf32_overlapping_loads)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	static const uint32_t paddrs[2] = { 0x200000, 0x201000 };
	size_t size;
	char path[256];
	uint8_t *elf = synth_elf32(paddrs, 2, 0x200000, &size);
	CHECK(elf && kx_test_write_file(dir, "overlap", elf, size, path, sizeof(path)) == 0);
	free(elf);
	struct kx_load_request rq = request(path);
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK_CONTAINS(err.message, "PT_LOAD 1 at 0x201000-0x202fff overlaps 0x200000-0x201fff, already taken");
}

/* The 64-bit ELF loader takes --args-none, and refuses --args-elf with the reason. */
KX_TEST(elf64_args)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	static const uint8_t body[0x1000] = { 0x90 };
	size_t size;
	char path[256];
	uint8_t *elf = kx_synth_elf64(EM_X86_64, 0x1000000, 0x1000000, body, sizeof(body), 0x2000, &size);
	if (elf)   /* (the synthetic ELF leaves p_paddr 0: physical = virtual here) */
		kx_put_le64(elf + sizeof(Elf64_Ehdr) + offsetof(Elf64_Phdr, p_paddr), 0x1000000);
	CHECK(elf && kx_test_write_file(dir, "vmlinux", elf, size, path, sizeof(path)) == 0);
	free(elf);
	struct kx_load_request rq = request(path);
	rq.args = KX_ARGS_NONE;
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	CHECK(!segment(&plan, "boot_params"));
	kx_plan_free(&plan);
	kx_load_free(ld);
	rq.args = KX_ARGS_ELF;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_CONTAINS(err.message, "--args-elf: ELF boot notes are built for a 32-bit ELF (elf-x86)");
}

struct mangle {
	const char *name;
	size_t offset;
	int width;          /* 1, 2 or 4; 0: truncate the file to `value` bytes */
	uint32_t value;
	const char *error;  /* NULL: not a 32-bit ELF at all (probe NO) */
};

#define PH0 sizeof(Elf32_Ehdr)
static const struct mangle mangles[] = {
	{ "truncated header", 0, 0, 40, "ELF header: truncated ELF header (40 bytes, need 52)" },
	{ "64-bit class", EI_CLASS, 1, ELFCLASS64, NULL },
	{ "big-endian", EI_DATA, 1, ELFDATA2MSB, "EI_DATA 2: only little-endian" },
	{ "x86_64 machine", offsetof(Elf32_Ehdr, e_machine), 2, EM_X86_64, "e_machine 62 is not the 3" },
	{ "relocatable object", offsetof(Elf32_Ehdr, e_type), 2, ET_REL, "e_type 1 is neither ET_EXEC nor ET_DYN" },
	{ "no program headers", offsetof(Elf32_Ehdr, e_phnum), 2, 0, "e_phnum is 0" },
	{ "64-bit phentsize", offsetof(Elf32_Ehdr, e_phentsize), 2, 56, "e_phentsize 56, expected 32" },
	{ "phdrs past the end", offsetof(Elf32_Ehdr, e_phoff), 4, 0x7ffffff0, "program headers (e_phoff 0x7ffffff0" },
	{ "segment past the end", PH0 + offsetof(Elf32_Phdr, p_filesz), 4, 0x100000,
	  "program header 0: p_offset 0x1000 + p_filesz 0x100000 run past the end of the file" },
	{ "filesz over memsz", PH0 + offsetof(Elf32_Phdr, p_memsz), 4, 0x1000,
	  "program header 0: p_filesz 0x2000 exceeds p_memsz 0x1000" },
	{ "end past 4 GiB", PH0 + offsetof(Elf32_Phdr, p_paddr), 4, 0xfffff000,
	  "program header 0: address + p_memsz 0x2000 overflows" },
};

KX_TEST(broken_elf32)
{
	static const uint32_t paddrs[2] = { 0x200000, 0x300000 };
	size_t size;
	uint8_t *base = synth_elf32(paddrs, 2, 0x200000, &size);
	CHECK(base);
	if (!base)
		return;
	struct kx_error err = { 0 };
	CHECK(kx_format_elf_x86.probe((struct kx_bytes){ base, size }, &kx_arch_x86_64, &err) == KX_PROBE_YES);
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct mangle *m = &mangles[i];
		uint8_t *copy = malloc(size);
		CHECK(copy);
		memcpy(copy, base, size);
		struct kx_bytes b = { copy, size };
		printf("#   case: %s\n", m->name);
		if (m->width == 0)
			b.size = m->value;
		else if (m->width == 1)
			copy[m->offset] = (uint8_t)m->value;
		else if (m->width == 2)
			kx_put_le16(copy + m->offset, (uint16_t)m->value);
		else
			kx_put_le32(copy + m->offset, m->value);
		memset(&err, 0, sizeof(err));
		enum kx_probe p = kx_format_elf_x86.probe(b, &kx_arch_x86_64, &err);
		free(copy);
		if (!m->error) {
			CHECK(p == KX_PROBE_NO);
			continue;
		}
		CHECK(p == KX_PROBE_BROKEN);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK_CONTAINS(err.message, m->error);
	}
	free(base);
}

/* RFC 1071's example (its section 3): 0001 f203 f4f5 f6f7 sums to ddf2
 * (one's complement, with end-around carry); the checksum is its
 * complement. Bytes little-endian as kexec-tools reads them on x86. */
KX_TEST(ip_checksum)
{
	static const uint8_t rfc[] = { 0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6 };
	CHECK_EQ_U64(kx_ip_checksum(rfc, sizeof(rfc)), (uint16_t)~0xddf2);
	/* an odd length: the last byte is the low half of a word */
	static const uint8_t odd[] = { 0xff, 0xff, 0x01 };
	CHECK_EQ_U64(kx_ip_checksum(odd, sizeof(odd)), (uint16_t)~0x0001);
}

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	static const struct kx_test_case cases[] = {
		KX_CASE(fixed_bzimage_at_code32_start), KX_CASE(fixed_bzimage_refusals),
		KX_CASE(entry_32bit_of_a_relocatable_bzimage), KX_CASE(elf32_args),
		KX_CASE(elf32_overlapping_loads), KX_CASE(elf64_args), KX_CASE(broken_elf32),
		KX_CASE(ip_checksum),
	};
	if (make_inputs() < 0) {
		printf("1..1\nnot ok 1 - cannot write the synthetic inputs to %s\n", dir);
		return 1;
	}
	int r = kx_run_tests(cases, sizeof(cases) / sizeof(cases[0]));
	cleanup();
	return r;
}
