// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 planner on the x86_64 host: a QEMU virt machine's facts (1 GiB
 * of RAM at 1 GiB, the DTB QEMU generates), a synthetic Image, and every
 * placement rule of booting.rst checked on the result.
 */
#include <libfdt.h>
#include <unistd.h>

#include "core/units.h"
#include "harness.h"
#include "arch/arch.h"
#include "arch/dtb_boot.h"
#include "dtb/dtb.h"
#include "purgatory/purgatory.h"
#include "formats/arm64_image.h"
#include "system/facts.h"


static struct kx_facts facts;
static struct kx_dtb tree;

static int setup(const char *dtb_name)
{
	char path[1024];
	struct kx_error err = { 0 };
	memset(&facts, 0, sizeof(facts));
	facts.page_size_kib = 4;
	for (int i = 0; i < 64; i++)
		facts.random[i] = (uint8_t)(0xa0 + i);
	kx_memmap_add(&facts.iomem_ram, GiB, 2 * GiB, KX_MEM_RAM, &err);
	/* firmware keeps a reserved hole inside RAM; nothing may land there */
	kx_memmap_add(&facts.iomem_reserved, GiB + 0x3f000000, GiB + 0x3f100000, KX_MEM_RESERVED, &err);
	snprintf(path, sizeof(path), "%s/tests/fixtures/dtb/%s", kx_test_env("KX_SRCDIR", "."), dtb_name);
	kx_dtb_free(&tree);
	if (kx_dtb_read("/nonexistent", path, &tree, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	return 0;
}

static uint8_t *synth_image(size_t file, uint64_t image_size, uint64_t text_offset)
{
	uint8_t *p = calloc(1, file);
	kx_put_le64(p + 8, text_offset);
	kx_put_le64(p + 16, image_size);
	kx_put_le64(p + 24, 0xa);
	kx_put_le32(p + 56, ARM64_IMAGE_MAGIC);
	for (size_t i = 64; i < file; i++)
		p[i] = (uint8_t)i;
	return p;
}

struct built {
	struct kx_plan plan;
	struct kx_error err;
	uint8_t *kernel, *initrd;
};

static int build(struct built *b, uint64_t text_offset, size_t initrd_size,
		 const struct kx_plan_options *extra)
{
	b->kernel = synth_image(0x40000, 0x400000, text_offset);
	b->initrd = initrd_size ? calloc(1, initrd_size) : NULL;
	static struct kx_file kf, rf;
	kf = (struct kx_file){ .path = (char *)"Image", .fd = -1, .bytes = { b->kernel, 0x40000 } };
	rf = (struct kx_file){ .path = (char *)"initrd.img", .fd = -1, .bytes = { b->initrd, initrd_size } };
	struct kx_plan_options o = extra ? *extra : (struct kx_plan_options){ 0 };
	if (!o.cmdline)
		o.cmdline = "console=ttyAMA0 root=/dev/vda";
	struct kx_plan_ctx ctx = { .arch = &kx_arch_arm64, .dtb = &tree, .facts = &facts, .opts = &o,
				   .kernel = &kf, .initrd = initrd_size ? &rf : NULL };
	struct kx_kernel_desc k = { 0 };
	kx_plan_init(&b->plan);
	memset(&b->err, 0, sizeof(b->err));
	if (kx_format_arm64_image.describe(&ctx, &k, &b->err) < 0)
		return -1;
	return kx_arch_arm64.build_plan(&ctx, &k, &b->plan, &b->err);
}

static void built_free(struct built *b)
{
	kx_plan_free(&b->plan);
	free(b->kernel);
	free(b->initrd);
}

static const struct kx_segment *segment(const struct kx_plan *p, const char *name)
{
	for (unsigned int i = 0; i < p->nr_segments; i++)
		if (!strcmp(p->segments[i].name, name))
			return &p->segments[i];
	return NULL;
}

static uint64_t be64(const void *v)
{
	const uint8_t *p = v;
	uint64_t r = 0;
	for (int i = 0; i < 8; i++)
		r = r << 8 | p[i];
	return r;
}

KX_TEST(placement_rules)
{
	struct built b;
	CHECK(setup("virt.dtb") == 0);
	int r = build(&b, 0, 3 * MiB + 17, NULL);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	const struct kx_segment *k = segment(&b.plan, "kernel"), *rd = segment(&b.plan, "initrd");
	const struct kx_segment *dtb = segment(&b.plan, "dtb"), *pg = segment(&b.plan, "purgatory");
	CHECK(k && rd && dtb && pg);
	/* kernel: 2 MiB-aligned base (text_offset 0), as low as possible in DRAM */
	CHECK_EQ_U64(k->mem, GiB);
	CHECK_EQ_U64(k->memsz, 0x400000);
	CHECK_EQ_U64(b.plan.kernel_entry, GiB);
	/* initrd inside the 1 GiB-aligned 32 GiB window covering the kernel */
	CHECK(rd->mem >= GiB && rd->mem + rd->memsz <= GiB + 32 * GiB);
	/* DTB: 8-byte aligned, <= 2 MiB, not crossing a 2 MiB boundary */
	CHECK_EQ_U64(dtb->mem % 8, 0);
	CHECK(dtb->bufsz <= 2 * MiB);
	CHECK_EQ_U64(dtb->mem / (2 * MiB), (dtb->mem + dtb->bufsz - 1) / (2 * MiB));
	/* nothing in the firmware's reserved hole */
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		const struct kx_segment *s = &b.plan.segments[i];
		CHECK(s->mem + s->memsz <= GiB + 0x3f000000 || s->mem >= GiB + 0x3f100000);
	}
	/* purgatory is the entry; the flag says aarch64 */
	CHECK_EQ_U64(b.plan.entry, pg->mem);
	CHECK_EQ_U64(b.plan.flags, 183UL << 16);
	/* the DTB handed on says what the kernel needs in /chosen */
	const void *fdt = dtb->buf;
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	CHECK(chosen >= 0);
	CHECK(!strcmp(fdt_getprop(fdt, chosen, "bootargs", &len), "console=ttyAMA0 root=/dev/vda"));
	CHECK_EQ_U64(be64(fdt_getprop(fdt, chosen, "linux,initrd-start", &len)), rd->mem);
	CHECK_EQ_U64(be64(fdt_getprop(fdt, chosen, "linux,initrd-end", &len)), rd->mem + 3 * MiB + 17);
	const uint8_t *seed = fdt_getprop(fdt, chosen, "kaslr-seed", &len);
	CHECK(seed && len == 8 && !memcmp(seed, facts.random, 8));
	CHECK(fdt_getprop(fdt, chosen, "rng-seed", &len) && len == 32);
	built_free(&b);
}

KX_TEST(text_offset_and_bounds)
{
	struct built b;
	CHECK(setup("virt.dtb") == 0);
	CHECK(build(&b, 0x80000, 0, NULL) == 0);
	const struct kx_segment *k = segment(&b.plan, "kernel");
	CHECK_EQ_U64(k->mem, GiB + 0x80000);
	CHECK_EQ_U64(b.plan.kernel_entry, GiB + 0x80000);
	CHECK(!segment(&b.plan, "initrd"));
	/* no initrd: the properties are gone from /chosen */
	int len, chosen = fdt_path_offset(segment(&b.plan, "dtb")->buf, "/chosen");
	CHECK(!fdt_getprop(segment(&b.plan, "dtb")->buf, chosen, "linux,initrd-start", &len));
	built_free(&b);

	struct kx_plan_options o = { .mem_min = GiB + 256 * MiB, .mem_max = GiB + 512 * MiB - 1 };
	CHECK(build(&b, 0, MiB, &o) == 0);
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		CHECK(b.plan.segments[i].mem >= GiB + 256 * MiB);
		CHECK(b.plan.segments[i].mem + b.plan.segments[i].memsz <= GiB + 512 * MiB);
	}
	CHECK_EQ_U64(segment(&b.plan, "kernel")->mem, GiB + 256 * MiB);
	built_free(&b);

	o = (struct kx_plan_options){ .mem_min = GiB, .mem_max = GiB + 3 * MiB };
	CHECK(build(&b, 0, MiB, &o) < 0);
	CHECK_CONTAINS(b.err.message, "kernel: no free RAM for 0x400000 bytes aligned to 0x200000");
	built_free(&b);
}

KX_TEST(purgatory_console_from_stdout_path)
{
	struct built b;
	CHECK(setup("virt.dtb") == 0);
	/* QEMU virt: stdout-path = /pl011@9000000 */
	CHECK(build(&b, 0, 0, NULL) == 0);
	const struct kx_segment *pg = segment(&b.plan, "purgatory");
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	CHECK(kx_purgatory_blob("arm64", &blob, &err) == 0);
	uint64_t serial;
	memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
	CHECK_EQ_U64(serial, 0x9000000);
	uint64_t x0;
	memcpy(&x0, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, regs), 8);
	CHECK_EQ_U64(x0, segment(&b.plan, "dtb")->mem);
	built_free(&b);
	/* no console= at all: the kernel takes stdout-path's, so does the purgatory */
	struct kx_plan_options o = { .cmdline = "root=/dev/vda" };
	CHECK(build(&b, 0, 0, &o) == 0);
	pg = segment(&b.plan, "purgatory");
	memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
	CHECK_EQ_U64(serial, 0x9000000);
	built_free(&b);
	/* a console elsewhere (tty0): a silent purgatory */
	o.cmdline = "console=tty0 root=/dev/vda";
	CHECK(build(&b, 0, 0, &o) == 0);
	pg = segment(&b.plan, "purgatory");
	memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
	CHECK_EQ_U64(serial, 0);
	built_free(&b);
}

/* An ACPI boot: the EFI stub's tree has no stdout-path; SPCR names the UART */
KX_TEST(purgatory_console_from_spcr)
{
	struct built b;
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	uint64_t serial;
	CHECK(kx_purgatory_blob("arm64", &blob, &err) == 0);
	static const struct {
		const char *cmdline;
		uint8_t type;
		bool present;
		uint64_t want;
	} cases[] = {
		{ "console=ttyAMA0 root=/dev/vda", KX_SPCR_ARM_PL011, true, 0x9000000 },
		{ "root=/dev/vda", KX_SPCR_ARM_PL011, true, 0x9000000 },        /* the kernel's default console */
		{ "earlycon root=/dev/vda", KX_SPCR_ARM_SBSA, true, 0x9000000 },
		{ "console=ttyAMA0", KX_SPCR_ARM_SBSA_32BIT, true, 0x9000000 },
		{ "console=tty0 root=/dev/vda", KX_SPCR_ARM_PL011, true, 0 },  /* a console elsewhere */
		{ "console=ttyAMA0", KX_SPCR_16550, true, 0 },                 /* not a UART it drives */
		{ "console=ttyAMA0", KX_SPCR_ARM_PL011, false, 0 },            /* no SPCR */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		printf("#   case: \"%s\", type 0x%02x%s\n", cases[i].cmdline, cases[i].type,
		       cases[i].present ? "" : ", no SPCR");
		CHECK(setup("uefi-acpi.dtb") == 0);
		facts.spcr = (struct kx_spcr){ .present = cases[i].present, .interface_type = cases[i].type,
					       .address = 0x9000000 };
		struct kx_plan_options o = { .cmdline = cases[i].cmdline };
		CHECK(build(&b, 0, 0, &o) == 0);
		const struct kx_segment *pg = segment(&b.plan, "purgatory");
		memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
		CHECK_EQ_U64(serial, cases[i].want);
		built_free(&b);
	}
	/* a device tree's stdout-path wins over SPCR */
	CHECK(setup("virt.dtb") == 0);
	facts.spcr = (struct kx_spcr){ .present = true, .interface_type = KX_SPCR_ARM_PL011, .address = 0x1c090000 };
	CHECK(build(&b, 0, 0, NULL) == 0);
	const struct kx_segment *pg = segment(&b.plan, "purgatory");
	memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
	CHECK_EQ_U64(serial, 0x9000000);
	built_free(&b);
}

/* A --dtb of another machine: its /memory (here 4-5 GiB) does not hold the
 * segments placed in this machine's RAM (1-2 GiB): refused, named. */
KX_TEST(tree_of_other_memory_refused)
{
	struct built b;
	CHECK(setup("virt.dtb") == 0);
	int mem = fdt_path_offset(tree.blob, "/memory@40000000");
	CHECK(mem >= 0);
	fdt32_t reg[4] = { cpu_to_fdt32(1), cpu_to_fdt32(0), cpu_to_fdt32(0), cpu_to_fdt32(0x40000000) };
	CHECK(fdt_setprop_inplace(tree.blob, mem, "reg", reg, sizeof(reg)) == 0);
	CHECK(build(&b, 0, 2 * MiB, NULL) < 0);
	CHECK_EQ_U64(b.err.status, KX_E_PLAN);
	CHECK_CONTAINS(b.err.message, "virt.dtb: the kernel segment at 0x40000000-0x403fffff is outside the RAM "
		    "the tree's /memory nodes give the new kernel (0x100000000-0x13fffffff): the tree describes "
		    "other memory than this machine's /proc/iomem");
	built_free(&b);
	/* the same tree with memory covering 1-2 GiB (split in two nodes' worth
	 * of one reg) is fine */
	fdt32_t two[8] = { 0, cpu_to_fdt32(0x40000000), 0, cpu_to_fdt32(0x20000000),
			   0, cpu_to_fdt32(0x60000000), 0, cpu_to_fdt32(0x20000000) };
	CHECK(setup("virt.dtb") == 0);
	mem = fdt_path_offset(tree.blob, "/memory@40000000");
	CHECK(fdt_open_into(tree.blob, tree.blob, (int)tree.size) == 0);
	CHECK(fdt_setprop(tree.blob, mem, "reg", two, sizeof(two)) == 0);
	int r = build(&b, 0, 2 * MiB, NULL);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	built_free(&b);
}

/* virt.dtb with a root property `name` of `len` zero bytes, as the tree. */
static int setup_padded(const char *name, size_t len)
{
	struct kx_error err = { 0 };
	void *value;
	if (setup("virt.dtb") < 0)
		return -1;
	size_t size = kx_dtb_size(&tree) + len + 256;
	uint8_t *buf = calloc(1, size);
	int rc = buf && !fdt_open_into(tree.blob, buf, (int)size) &&
		 !fdt_setprop_placeholder(buf, 0, name, (int)len, &value) && !fdt_pack(buf) ? 0 : -1;
	kx_dtb_free(&tree);
	if (rc == 0 && kx_dtb_from_bytes(buf, fdt_totalsize(buf), "padded.dtb", &tree, &err) < 0) {
		printf("#   %s\n", err.message);
		rc = -1;
	}
	free(buf);
	return rc;
}

/*
 * KX_DTB_BOOT_MAX: a tree that is exactly 2 MiB with the planner's /chosen
 * edits is handed on; one byte more is refused, naming the rule. The size
 * the edits add is measured first; the padding property's value sets the
 * size in steps of 4, its name's length (the strings block is not padded)
 * the rest.
 */
KX_TEST(tree_size_cap)
{
	struct built b;
	char name[16] = "kx-pad";   /* no other string ends so: it takes its own bytes */
	CHECK(setup_padded(name, 0) == 0);
	CHECK(build(&b, 0, 0, NULL) == 0);
	const struct kx_segment *dtb = segment(&b.plan, "dtb");
	CHECK(dtb);
	uint64_t missing = KX_DTB_BOOT_MAX - dtb->bufsz;
	built_free(&b);

	memset(name + 6, 'q', missing % 4);
	name[6 + missing % 4] = 0;
	CHECK(setup_padded(name, missing - missing % 4) == 0);
	int r = build(&b, 0, 0, NULL);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	dtb = segment(&b.plan, "dtb");
	CHECK(dtb);
	CHECK_EQ_U64(dtb->bufsz, KX_DTB_BOOT_MAX);
	CHECK_EQ_U64(dtb->mem % KX_DTB_BOOT_MAX, 0);     /* 2 MiB-aligned: crosses no 2 MiB boundary */
	built_free(&b);

	strcat(name, "q");
	CHECK(setup_padded(name, missing - missing % 4) == 0);
	CHECK(build(&b, 0, 0, NULL) < 0);
	built_free(&b);
	CHECK_EQ_U64(b.err.status, KX_E_PLAN);
	CHECK_CONTAINS(b.err.message, "device tree from padded.dtb is 2097153 bytes with the /chosen edits, more "
		       "than 2097152 (2 MiB), the most a kernel takes (arm64's booting.rst)");
}

KX_TEST_MAIN(KX_CASE(placement_rules), KX_CASE(text_offset_and_bounds),
	     KX_CASE(purgatory_console_from_stdout_path), KX_CASE(purgatory_console_from_spcr),
	     KX_CASE(tree_of_other_memory_refused), KX_CASE(tree_size_cap))
