// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Multiboot (v1) and Multiboot2 kernels through the load pipeline on the
 * bios-box fixture: an ELF v1 kernel with two modules, a v1 kernel by its
 * address fields, a Multiboot2 ELF kernel shaped like Xen's header (memory
 * information request, module alignment, relocatable, optional EFI tags);
 * the boot information read back field by field, the purgatory's EAX/EBX.
 * Then --module and --initrd where they do not belong, and broken headers
 * one field at a time with the exact refusal.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "plan_helpers.h"
#include "synth.h"
#include "arch/arch.h"
#include "core/units.h"
#include "formats/multiboot.h"
#include "load/load.h"
#include "purgatory/purgatory.h"

static char dir[64];
static char bios_box[1024];
static char mb1_path[256], aout_path[256], mb2_path[256], mod1_path[256], mod2_path[256], bz_path[256];

#define LOAD_SIZE 0x2000
#define HDR_OFF 0x1000   /* the multiboot header: the first bytes of the PT_LOAD */

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A 32-bit ELF with one PT_LOAD of LOAD_SIZE at 0x200000 from file offset
 * 0x1000, its entry 0x200100. */
static uint8_t *synth_elf32(size_t *ret_size)
{
	size_t size = 0x1000 + LOAD_SIZE;
	uint8_t *p = calloc(1, size);
	if (!p)
		return NULL;
	Elf32_Ehdr *eh = (Elf32_Ehdr *)p;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = 0x200100;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 1;
	Elf32_Phdr *ph = (Elf32_Phdr *)(p + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_offset = 0x1000;
	ph->p_vaddr = ph->p_paddr = 0x200000;
	ph->p_filesz = LOAD_SIZE;
	ph->p_memsz = LOAD_SIZE + 0x1000;
	*ret_size = size;
	return p;
}

static void mb1_header(uint8_t *h, uint32_t flags)
{
	kx_put_le32(h, KX_MB1_HEADER_MAGIC);
	kx_put_le32(h + 4, flags);
	kx_put_le32(h + 8, (uint32_t)-(KX_MB1_HEADER_MAGIC + flags));
}

static size_t tag(uint8_t *p, uint16_t type, uint16_t flags, uint32_t size)
{
	kx_put_le16(p, type);
	kx_put_le16(p + 2, flags);
	kx_put_le32(p + 4, size);
	return (size + 7) & ~7u;
}

/* Xen 4.17's tags: information request (memory, map), module alignment,
 * relocatable, console flags, framebuffer, EFI boot services, EFI amd64
 * entry (all but the first two optional). Returns header_length. */
#define MB2_OPT KX_MB2_TAG_OPTIONAL
static uint32_t mb2_header(uint8_t *h)
{
	size_t o = 16;
	o += tag(h + o, KX_MB2_HTAG_INFORMATION_REQUEST, 0, 16);
	kx_put_le32(h + o - 8, KX_MB2_TAG_BASIC_MEMINFO);
	kx_put_le32(h + o - 4, KX_MB2_TAG_MMAP);
	o += tag(h + o, KX_MB2_HTAG_MODULE_ALIGN, 0, 8);
	kx_put_le32(h + o + 8, 0x200000);
	kx_put_le32(h + o + 12, 0xffffffff);
	kx_put_le32(h + o + 16, 0x200000);
	kx_put_le32(h + o + 20, 2);
	o += tag(h + o, KX_MB2_HTAG_RELOCATABLE, MB2_OPT, 24);
	kx_put_le32(h + o + 8, 2);
	o += tag(h + o, KX_MB2_HTAG_CONSOLE_FLAGS, MB2_OPT, 12);
	o += tag(h + o, KX_MB2_HTAG_FRAMEBUFFER, MB2_OPT, 20);
	o += tag(h + o, KX_MB2_HTAG_EFI_BS, MB2_OPT, 8);
	kx_put_le32(h + o + 8, 0x200200);
	o += tag(h + o, KX_MB2_HTAG_ENTRY_ADDRESS_EFI64, MB2_OPT, 12);
	o += tag(h + o, KX_MB2_HTAG_END, 0, 8);
	kx_put_le32(h, KX_MB2_HEADER_MAGIC);
	kx_put_le32(h + 4, 0);
	kx_put_le32(h + 8, (uint32_t)o);
	kx_put_le32(h + 12, (uint32_t)-(KX_MB2_HEADER_MAGIC + (uint32_t)o));
	return (uint32_t)o;
}

/* A v1 kernel by its address fields: a flat binary loaded at 1 MiB, the
 * header at 0x40, 0x3000 bytes of file, bss to 0x105000, entry 0x100080. */
#define AOUT_SIZE 0x3000
static void aout_image(uint8_t *p)
{
	memset(p, 0x90, AOUT_SIZE);
	uint8_t *h = p + 0x40;
	mb1_header(h, KX_MB1_PAGE_ALIGN | KX_MB1_MEMORY_INFO | KX_MB1_AOUT_KLUDGE);
	kx_put_le32(h + 12, 0x100040);   /* header_addr */
	kx_put_le32(h + 16, 0x100000);   /* load_addr */
	kx_put_le32(h + 20, 0);          /* load_end_addr: the whole file */
	kx_put_le32(h + 24, 0x105000);   /* bss_end_addr */
	kx_put_le32(h + 28, 0x100080);   /* entry_addr */
}

static int make_inputs(void)
{
	size_t size, bz_size;
	uint8_t *mb1 = synth_elf32(&size), *mb2 = synth_elf32(&size), *bz = kx_synth_bzimage(&bz_size);
	static uint8_t aout[AOUT_SIZE];
	static const char mod1[] = "module one\n", mod2[5000] = "module two";
	int r = -1;

	snprintf(dir, sizeof(dir), "/tmp/kx-test-multiboot-XXXXXX");
	snprintf(bios_box, sizeof(bios_box), "%s/tests/fixtures/bios-box", kx_test_env("KX_SRCDIR", "."));
	if (!mb1 || !mb2 || !bz || !mkdtemp(dir))
		goto out;
	mb1_header(mb1 + HDR_OFF, KX_MB1_PAGE_ALIGN | KX_MB1_MEMORY_INFO);
	mb2_header(mb2 + HDR_OFF);
	aout_image(aout);
	if (kx_test_write_file(dir, "mb1", mb1, size, mb1_path, sizeof(mb1_path)) < 0 ||
	    kx_test_write_file(dir, "mb2", mb2, size, mb2_path, sizeof(mb2_path)) < 0 ||
	    kx_test_write_file(dir, "aout", aout, sizeof(aout), aout_path, sizeof(aout_path)) < 0 ||
	    kx_test_write_file(dir, "mod1", mod1, sizeof(mod1) - 1, mod1_path, sizeof(mod1_path)) < 0 ||
	    kx_test_write_file(dir, "mod2", mod2, sizeof(mod2), mod2_path, sizeof(mod2_path)) < 0 ||
	    kx_test_write_file(dir, "vmlinuz", bz, bz_size, bz_path, sizeof(bz_path)) < 0)
		goto out;
	r = 0;
out:
	free(mb1);
	free(mb2);
	free(bz);
	return r;
}

static char mod_args[2][300];
static const char *mods[2] = { mod_args[0], mod_args[1] };

static struct kx_load_request request(const char *kernel)
{
	snprintf(mod_args[0], sizeof(mod_args[0]), "%s first module args", mod1_path);
	snprintf(mod_args[1], sizeof(mod_args[1]), "%s", mod2_path);
	return (struct kx_load_request){ .arch = &kx_arch_x86_64, .kernel = kernel, .test.root = bios_box,
					 .append = "hello world", .modules = mods, .nr_modules = 2 };
}

static const struct kx_segment *segment_n(const struct kx_plan *plan, const char *name, unsigned int n)
{
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (!strcmp(plan->segments[i].name, name) && n-- == 0)
			return &plan->segments[i];
	return NULL;
}

static int purgatory_params(const struct kx_plan *plan, struct kx_purgatory_params *ret)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	const struct kx_segment *s = segment_n(plan, "purgatory", 0);
	if (!s || kx_purgatory_blob("x86_64", &blob, &err) < 0 || s->bufsz < blob.params_offset + sizeof(*ret))
		return -1;
	memcpy(ret, s->buf + blob.params_offset, sizeof(*ret));
	return 0;
}

/* The bytes at physical `addr` inside the segment `s` (NULL outside). */
static const uint8_t *at(const struct kx_segment *s, uint64_t addr)
{
	return addr >= s->mem && addr < s->mem + s->bufsz ? s->buf + (addr - s->mem) : NULL;
}

static bool below_4g(const struct kx_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (plan->segments[i].mem + plan->segments[i].memsz > 4 * GiB)
			return false;
	return true;
}

KX_TEST(mb1_elf_with_modules)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(mb1_path);
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	CHECK(ld->format == &kx_format_multiboot);
	CHECK(!strcmp(plan.format, "multiboot"));
	const struct kx_segment *k = segment_n(&plan, "kernel", 0), *info = segment_n(&plan, "boot info", 0);
	const struct kx_segment *m1 = segment_n(&plan, "module", 0), *m2 = segment_n(&plan, "module", 1);
	CHECK(k && info && m1 && m2);
	if (!k || !info || !m1 || !m2)
		return;
	CHECK_EQ_U64(k->mem, 0x200000);
	CHECK_EQ_U64(k->bufsz, LOAD_SIZE);
	CHECK_EQ_U64(k->memsz, LOAD_SIZE + 0x1000);
	CHECK(below_4g(&plan));
	CHECK_EQ_U64(m1->mem % 4096, 0);
	CHECK_EQ_U64(m2->mem % 4096, 0);
	CHECK_EQ_U64(m2->bufsz, 5000);
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	CHECK(params.flags & KX_PURGATORY_VERIFY);
	CHECK_EQ_U64(params.entry, 0x200100);
	CHECK_EQ_U64(params.regs[0], 0);
	CHECK_EQ_U64(params.regs[1], 0);
	CHECK_EQ_U64(params.regs[2], 0x2BADB002);   /* EAX */
	CHECK_EQ_U64(params.regs[3], info->mem);    /* EBX */
	/* the information, field by field */
	const uint8_t *mbi = info->buf;
	CHECK_EQ_U64(le32_at(mbi), 0x1 | 0x4 | 0x8 | 0x40 | 0x200);  /* mem, cmdline, mods, mmap, loader */
	CHECK_EQ_U64(le32_at(mbi + 4), 639);                           /* 0x9fc00 */
	CHECK_EQ_U64(le32_at(mbi + 8), (0x3ffe0000 - 0x100000) / 1024);
	const uint8_t *cl = at(info, le32_at(mbi + 16));
	char want[400];
	snprintf(want, sizeof(want), "%s hello world", mb1_path);
	CHECK(cl && !strcmp((const char *)cl, want));
	const uint8_t *name = at(info, le32_at(mbi + 64));
	CHECK(name && !strcmp((const char *)name, "kexec-ng"));
	CHECK_EQ_U64(le32_at(mbi + 44), 7 * 24);                       /* the fixture's 7 entries */
	const uint8_t *mm = at(info, le32_at(mbi + 48));
	CHECK(mm && le32_at(mm) == 20 && le32_at(mm + 4) == 0 && le32_at(mm + 12) == 0x9fc00 && le32_at(mm + 20) == 1);
	if (mm) {   /* the last: 0xfd00000000-0xffffffffff reserved */
		const uint8_t *e = mm + 6 * 24;
		CHECK_EQ_U64(le32_at(e + 4) | (uint64_t)le32_at(e + 8) << 32, 0xfd00000000);
		CHECK_EQ_U64(le32_at(e + 12) | (uint64_t)le32_at(e + 16) << 32, 0x300000000);
		CHECK_EQ_U64(le32_at(e + 20), 2);
	}
	CHECK_EQ_U64(le32_at(mbi + 20), 2);
	const uint8_t *md = at(info, le32_at(mbi + 24));
	CHECK(md);
	if (md) {
		CHECK_EQ_U64(le32_at(md), m1->mem);
		CHECK_EQ_U64(le32_at(md + 4), m1->mem + 11);
		const uint8_t *c1 = at(info, le32_at(md + 8)), *c2 = at(info, le32_at(md + 24));
		CHECK(c1 && !strcmp((const char *)c1, mod_args[0]));
		CHECK(c2 && !strcmp((const char *)c2, mod2_path));
		CHECK_EQ_U64(le32_at(md + 16), m2->mem);
		CHECK_EQ_U64(le32_at(md + 20), m2->mem + 5000);
	}
	char why[256];
	CHECK(kx_load_needs_kexec_load(ld, why, sizeof(why)));
	CHECK_CONTAINS(why, "a multiboot kernel, which no kexec_file_load loader takes");
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(mb1_address_fields)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(aout_path);
	rq.nr_modules = 0;
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	const struct kx_segment *k = segment_n(&plan, "kernel", 0);
	CHECK(k && k->mem == 0x100000 && k->bufsz == AOUT_SIZE && k->memsz == 0x5000);
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK_EQ_U64(params.entry, 0x100080);
	const struct kx_segment *info = segment_n(&plan, "boot info", 0);
	CHECK(info && !(le32_at(info->buf) & 0x8));   /* no modules */
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(mb2_xen_like)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	struct kx_purgatory_params params;
	struct kx_load_request rq = request(mb2_path);
	if (kx_test_plan_of(&rq, &ld, &plan, &err) < 0) {
		printf("#   %s\n", err.message);
		CHECK(0);
		return;
	}
	CHECK(ld->format == &kx_format_multiboot2);
	CHECK_CONTAINS(ld->notes.text[ld->notes.count - 1], "its EFI tags (optional) are not used");
	const struct kx_segment *info = segment_n(&plan, "boot info", 0);
	const struct kx_segment *m1 = segment_n(&plan, "module", 0), *m2 = segment_n(&plan, "module", 1);
	CHECK(info && m1 && m2);
	if (!info || !m1 || !m2)
		return;
	CHECK(purgatory_params(&plan, &params) == 0);
	CHECK_EQ_U64(params.regs[2], 0x36d76289);
	CHECK_EQ_U64(params.regs[3], info->mem);
	CHECK_EQ_U64(params.entry, 0x200100);       /* e_entry: no entry address tag */
	CHECK(params.flags & KX_PURGATORY_ENTRY32);
	const uint8_t *p = info->buf;
	CHECK_EQ_U64(le32_at(p), info->bufsz);
	/* the tags in order, each 8-aligned, with what they say */
	static const uint32_t want_types[] = { 4, 6, 21, 1, 2, 3, 3, 0 };
	size_t o = 8;
	unsigned int n = 0, modules = 0;
	char want[400];
	while (o + 8 <= info->bufsz && n < sizeof(want_types) / sizeof(want_types[0])) {
		uint32_t type = le32_at(p + o), size = le32_at(p + o + 4);
		CHECK_EQ_U64(type, want_types[n]);
		switch (type) {
		case 4:
			CHECK_EQ_U64(le32_at(p + o + 8), 639);
			CHECK_EQ_U64(le32_at(p + o + 12), (0x3ffe0000 - 0x100000) / 1024);
			break;
		case 6:
			CHECK_EQ_U64(le32_at(p + o + 8), 24);
			CHECK_EQ_U64(le32_at(p + o + 12), 0);
			CHECK_EQ_U64(size, 16 + 7 * 24);
			CHECK_EQ_U64(le32_at(p + o + 16 + 3 * 24), 0x100000);   /* the 4th: RAM from 1 MiB */
			CHECK_EQ_U64(le32_at(p + o + 16 + 3 * 24 + 16), 1);
			break;
		case 21:
			CHECK_EQ_U64(le32_at(p + o + 8), 0x200000);
			break;
		case 1:
			snprintf(want, sizeof(want), "%s hello world", mb2_path);
			CHECK(!strcmp((const char *)p + o + 8, want));
			CHECK_EQ_U64(size, 8 + strlen(want) + 1);
			break;
		case 2:
			CHECK(!strcmp((const char *)p + o + 8, "kexec-ng"));
			break;
		case 3: {
			const struct kx_segment *m = modules ? m2 : m1;
			CHECK_EQ_U64(le32_at(p + o + 8), m->mem);
			CHECK_EQ_U64(le32_at(p + o + 12), m->mem + m->bufsz);
			CHECK(!strcmp((const char *)p + o + 16, mod_args[modules]));
			modules++;
			break;
		}
		case 0:
			CHECK_EQ_U64(size, 8);
			CHECK_EQ_U64(o + 8, info->bufsz);
			break;
		}
		o += (size + 7) & ~7u;
		n++;
	}
	CHECK_EQ_U64(n, 8);
	kx_plan_free(&plan);
	kx_load_free(ld);

	/* --console-vga: the EGA text framebuffer the header asked for (optional) */
	rq.console_vga = true;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) == 0);
	info = segment_n(&plan, "boot info", 0);
	bool fb = false;
	for (o = 8; info && o + 8 <= info->bufsz;) {
		uint32_t type = le32_at(info->buf + o), size = le32_at(info->buf + o + 4);
		if (type == 8) {
			fb = true;
			CHECK_EQ_U64(le32_at(info->buf + o + 8), 0xb8000);
			CHECK_EQ_U64(le32_at(info->buf + o + 20), 80);
			CHECK_EQ_U64(info->buf[o + 29], 2);   /* EGA text */
		}
		if (!type)
			break;
		o += (size + 7) & ~7u;
	}
	CHECK(fb);
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(misplaced_options)
{
	struct kx_error err;
	struct kx_load *ld;
	struct kx_plan plan;
	/* --module with a Linux kernel */
	struct kx_load_request rq = request(bz_path);
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_USAGE);
	CHECK_CONTAINS(err.message, "is a bzImage kernel, which takes no modules (multiboot kernels do)");
	/* --initrd with a multiboot kernel */
	rq = request(mb1_path);
	rq.initrd = mod1_path;
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_CONTAINS(err.message, "--initrd: a multiboot kernel takes no initrd; give it as a module");
	/* a module that is not there */
	rq = request(mb1_path);
	mods[1] = "/nonexistent/mod args";
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
	CHECK_CONTAINS(err.message, "(--module=\"/nonexistent/mod args\")");
	mods[1] = mod_args[1];
	/* a required console this loader cannot describe */
	rq = request(mb2_path);
	CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) == 0);
	kx_plan_free(&plan);
	kx_load_free(ld);
}

struct mangle {
	const char *name;
	unsigned int version;
	size_t offset;          /* from the header */
	int width;              /* 2 or 4 */
	uint32_t value;
	bool fix_checksum;      /* recompute the header's checksum after */
	const char *error;      /* NULL: no header found (probe NO) */
};

/* Offsets of mb2_header()'s tags: request @16, module align @32,
 * relocatable @40, console @64, framebuffer @80, EFI BS @104, EFI64 @112,
 * end @128. */
static const struct mangle mangles[] = {
	{ "v1 checksum", 1, 8, 4, 0, false, "multiboot header at 0x1000: checksum: magic + flags + checksum is not 0" },
	{ "v1 unknown required flag", 1, 4, 4, 0x3 | 0x8, true, "flags 0xb require bit 3, which this loader does not know" },
	{ "v1 magic", 1, 0, 4, 0x1BADB003, false, NULL },
	{ "v2 checksum", 2, 12, 4, 0, false,
	  "multiboot2 header at 0x1000: checksum: magic + architecture + header_length + checksum is not 0" },
	{ "v2 architecture", 2, 4, 4, 4, true, "architecture 4 is not 0 (i386 protected mode)" },
	{ "v2 header_length short", 2, 8, 4, 16, true, "header_length 16 is not between 24 and" },
	{ "v2 header_length long", 2, 8, 4, 0x100000, true, "header_length 1048576 is not between 24 and" },
	{ "v2 tag size below 8", 2, 32 + 4, 4, 4, false, "multiboot2 header tag 6 at 0x1020: size 4 is not between 8" },
	{ "v2 tag past header_length", 2, 32 + 4, 4, 0x400, false, "size 1024 is not between 8 and the 104 bytes left" },
	{ "v2 no end tag", 2, 128, 2, 99, false, "multiboot2 header tag 99 at 0x1080 is required and unknown" },
	{ "v2 required unknown tag", 2, 64, 4, 42, false, "multiboot2 header tag 42 at 0x1040 is required and unknown to kexec-ng" },
	{ "v2 required EFI64 request", 2, 16 + 12, 4, 12, false,
	  "requires tag type 12 (EFI 64-bit system table), which kexec-ng does not give" },
	{ "v2 required EFI boot services", 2, 104 + 2, 2, 0, false,
	  "multiboot2 header tag 7 at 0x1068 (EFI boot services) is required" },
	{ "v2 required EFI amd64 entry", 2, 112 + 2, 2, 0, false, "(EFI amd64 entry address) is required" },
	{ "v2 relocatable min above max", 2, 40 + 12, 4, 0x1000, false, "min_addr 0x200000 above max_addr 0x1000" },
	{ "v2 magic", 2, 0, 4, 0xE85250D7, false, NULL },
};

KX_TEST(broken_headers)
{
	size_t size;
	uint8_t *base[3] = { NULL, synth_elf32(&size), synth_elf32(&size) };
	CHECK(base[1] && base[2]);
	if (!base[1] || !base[2])
		return;
	mb1_header(base[1] + HDR_OFF, KX_MB1_PAGE_ALIGN | KX_MB1_MEMORY_INFO);
	uint32_t len2 = mb2_header(base[2] + HDR_OFF);
	CHECK_EQ_U64(len2, 136);
	struct kx_error err = { 0 };
	CHECK(kx_format_multiboot.probe((struct kx_bytes){ base[1], size }, &kx_arch_x86_64, &err) == KX_PROBE_YES);
	CHECK(kx_format_multiboot2.probe((struct kx_bytes){ base[2], size }, &kx_arch_x86_64, &err) == KX_PROBE_YES);
	/* each finds only its own */
	CHECK(kx_format_multiboot2.probe((struct kx_bytes){ base[1], size }, &kx_arch_x86_64, &err) == KX_PROBE_NO);
	CHECK(kx_format_multiboot.probe((struct kx_bytes){ base[2], size }, &kx_arch_x86_64, &err) == KX_PROBE_NO);
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct mangle *m = &mangles[i];
		const struct kx_format_ops *ops = m->version == 1 ? &kx_format_multiboot : &kx_format_multiboot2;
		uint8_t *copy = malloc(size);
		CHECK(copy);
		if (!copy)
			break;
		memcpy(copy, base[m->version], size);
		uint8_t *h = copy + HDR_OFF;
		printf("#   case: %s\n", m->name);
		if (m->width == 2)
			kx_put_le16(h + m->offset, (uint16_t)m->value);
		else
			kx_put_le32(h + m->offset, m->value);
		if (m->fix_checksum && m->version == 1)
			kx_put_le32(h + 8, (uint32_t)-(le32_at(h) + le32_at(h + 4)));
		else if (m->fix_checksum)
			kx_put_le32(h + 12, (uint32_t)-(le32_at(h) + le32_at(h + 4) + le32_at(h + 8)));
		struct kx_bytes b = { copy, size };
		memset(&err, 0, sizeof(err));
		enum kx_probe p = ops->probe(b, &kx_arch_x86_64, &err);
		if (m->error && p == KX_PROBE_YES) {
			/* found: the rest is describe's (the address fields) */
			char path[256];
			struct kx_load *ld;
			struct kx_plan plan;
			CHECK(kx_test_write_file(dir, "mangled", copy, size, path, sizeof(path)) == 0);
			struct kx_load_request rq = request(path);
			CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
		} else if (!m->error) {
			CHECK(p == KX_PROBE_NO);
		} else {
			CHECK(p == KX_PROBE_BROKEN);
		}
		free(copy);
		if (!m->error)
			continue;
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK_CONTAINS(err.message, m->error);
	}
	free(base[1]);
	free(base[2]);
}

/* The address fields (v1 flags bit 16), one at a time: refused by describe. */
static const struct { const char *name; size_t offset; uint32_t value; const char *error; } aout_mangles[] = {
	{ "load_addr not page aligned", 16, 0x100010, "multiboot load_addr 0x100010 is not page aligned" },
	{ "load_addr above header_addr", 16, 0x101000, "multiboot load_addr 0x101000 above header_addr 0x100040" },
	{ "header_addr too far", 12, 0x102040, "header_addr 0x102040 - load_addr 0x100000 is more than the header's offset 0x40" },
	{ "load_end_addr below load_addr", 20, 0xff000, "multiboot load_end_addr 0xff000 below load_addr 0x100000" },
	{ "load_end_addr past the file", 20, 0x200000, "load_end_addr 0x200000: 1048576 bytes from offset 0x0, past the end of the file (12288 bytes)" },
	{ "bss_end_addr below load_end_addr", 24, 0x101000, "multiboot bss_end_addr 0x101000 below load_end_addr 0x103000" },
	{ "entry_addr outside", 28, 0x200000, "multiboot entry_addr 0x200000 outside the image (0x100000-0x105000)" },
};

KX_TEST(broken_address_fields)
{
	static uint8_t image[AOUT_SIZE];
	for (size_t i = 0; i < sizeof(aout_mangles) / sizeof(aout_mangles[0]); i++) {
		struct kx_error err;
		struct kx_load *ld;
		struct kx_plan plan;
		char path[256];
		printf("#   case: %s\n", aout_mangles[i].name);
		aout_image(image);
		kx_put_le32(image + 0x40 + aout_mangles[i].offset, aout_mangles[i].value);
		CHECK(kx_test_write_file(dir, "aout-mangled", image, sizeof(image), path, sizeof(path)) == 0);
		struct kx_load_request rq = request(path);
		CHECK(kx_test_plan_of(&rq, &ld, &plan, &err) < 0);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK_CONTAINS(err.message, aout_mangles[i].error);
	}
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
		KX_CASE(mb1_elf_with_modules), KX_CASE(mb1_address_fields), KX_CASE(mb2_xen_like),
		KX_CASE(misplaced_options), KX_CASE(broken_headers), KX_CASE(broken_address_fields),
	};
	if (make_inputs() < 0) {
		printf("1..1\nnot ok 1 - cannot write the synthetic inputs to %s\n", dir);
		return 1;
	}
	int r = kx_run_tests(cases, sizeof(cases) / sizeof(cases[0]));
	cleanup();
	return r;
}
