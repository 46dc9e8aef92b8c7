// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * riscv64 on the x86_64 host: Image header rules (probed by content, not by
 * Debian's misleading vmlinux-* name), the ELF loader's rebasing, the
 * planner on QEMU virt's facts (1 GiB at 0x80000000, its generated DTB), a
 * crash (-p) plan whose ELF core header leaves out OpenSBI's RAM, and
 * the real Debian trixie Image: its header, broken copies of it with the
 * exact refusal, and its gzip and EFI zboot wrappings unwrapped.
 */
#include <elf.h>
#include <inttypes.h>
#include <libfdt.h>

#include "core/units.h"
#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "dtb/dtb.h"
#include "formats/riscv64_image.h"
#include "wrappers/wrapper.h"
#include "purgatory/purgatory.h"
#include "system/facts.h"

#define IMG_FILE 0x30000
#define IMG_SIZE 0x400000

static uint8_t *synth_image(void)
{
	uint8_t *p = calloc(1, IMG_FILE);
	p[0] = 'M', p[1] = 'Z';              /* an EFI stub's PE header, as Debian's */
	kx_put_le64(p + 8, 0x200000);        /* text_offset */
	kx_put_le64(p + 16, IMG_SIZE);       /* image_size */
	kx_put_le32(p + 32, 2);              /* version 0.2 */
	kx_put_le64(p + 48, RISCV_IMAGE_MAGIC);
	kx_put_le32(p + 56, RISCV_IMAGE_MAGIC2);
	for (size_t i = 64; i < IMG_FILE; i++)
		p[i] = (uint8_t)(i * 3);
	return p;
}

struct mangle {
	const char *name;
	size_t offset;
	int width;
	uint64_t value;
	const char *error;
};

static const struct mangle mangles[] = {
	{ "no magic at all", 48, 8, 0, NULL },
	{ "big-endian", 24, 8, 1, "flags bit 0 (at 24) says big-endian" },
	{ "zero image_size", 16, 8, 0, "image_size (at 16) is 0" },
	{ "image_size below the file", 16, 8, 0x1000, "image_size 0x1000 (at 16) is smaller than" },
	{ "unaligned text_offset", 8, 8, 0x200010, "text_offset 0x200010 (at 8) is not page aligned" },
	{ "overflow", 16, 8, UINT64_MAX - 0x1000, "(at 8, 16) overflows" },
};

KX_TEST(header_rules)
{
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct mangle *m = &mangles[i];
		uint8_t *p = synth_image();
		struct kx_riscv64_image h;
		struct kx_error err = { 0 };
		printf("#   case: %s\n", m->name);
		kx_put_le64(p + m->offset, m->value);
		if (!m->error)
			kx_put_le32(p + 56, 0);
		struct kx_bytes b = { p, IMG_FILE };
		CHECK(kx_riscv64_image_parse(b, IMG_FILE, "vmlinux-6.12", &h, &err) < 0);
		CHECK_CONTAINS(err.message, "vmlinux-6.12: ");
		CHECK_CONTAINS(err.message, m->error ? m->error : "neither magic2");
		free(p);
	}
	/* either magic alone is enough: the old one (v0.1) and magic2 */
	uint8_t *p = synth_image();
	struct kx_bytes b = { p, IMG_FILE };
	kx_put_le32(p + 56, 0);
	CHECK(kx_riscv64_image_has_magic(b));
	kx_put_le32(p + 56, RISCV_IMAGE_MAGIC2);
	kx_put_le64(p + 48, 0);
	CHECK(kx_riscv64_image_has_magic(b));
	/* an arm64 Image is not a riscv64 one */
	const struct kx_format_ops *fmt;
	struct kx_error err = { 0 };
	kx_put_le32(p + 56, 0x644d5241);
	CHECK(kx_format_select(&kx_arch_riscv64, b, "Image", NULL, &fmt, &err) < 0);
	CHECK_CONTAINS(err.message, "Image: cannot determine the file type");
	free(p);
}

static struct kx_facts facts;
static struct kx_dtb tree;

static int setup(void)
{
	char path[1024];
	struct kx_error err = { 0 };
	memset(&facts, 0, sizeof(facts));
	for (int i = 0; i < 64; i++)
		facts.random[i] = (uint8_t)(0x40 + i);
	/* OpenSBI keeps the first 2 MiB of RAM */
	kx_memmap_add(&facts.iomem_ram, 0x80200000, 0xc0000000, KX_MEM_RAM, &err);
	snprintf(path, sizeof(path), "%s/tests/fixtures/dtb/riscv-virt.dtb", kx_test_env("KX_SRCDIR", "."));
	kx_dtb_free(&tree);
	if (kx_dtb_read("/nonexistent", path, &tree, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	return 0;
}

static const struct kx_segment *segment(const struct kx_plan *p, const char *name)
{
	for (unsigned int i = 0; i < p->nr_segments; i++)
		if (!strcmp(p->segments[i].name, name))
			return &p->segments[i];
	return NULL;
}

static int plan_for(const struct kx_format_ops *fmt, const uint8_t *kernel, size_t size,
		    size_t initrd_size, struct kx_plan *plan, struct kx_error *err)
{
	static uint8_t initrd[3 * 4096];
	struct kx_file kf = { .path = (char *)"vmlinux", .fd = -1, .bytes = { kernel, size } };
	struct kx_file rf = { .path = (char *)"initrd.img", .fd = -1, .bytes = { initrd, initrd_size } };
	struct kx_plan_options o = { .cmdline = "console=ttyS0 root=/dev/vda" };
	struct kx_plan_ctx ctx = { .arch = &kx_arch_riscv64, .dtb = &tree, .facts = &facts, .opts = &o,
				   .kernel = &kf, .initrd = initrd_size ? &rf : NULL };
	struct kx_kernel_desc k = { 0 };
	kx_plan_init(plan);
	if (fmt->describe(&ctx, &k, err) < 0)
		return -1;
	return kx_arch_riscv64.build_plan(&ctx, &k, plan, err);
}

KX_TEST(planner_on_qemu_virt)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	CHECK(setup() == 0);
	uint8_t *img = synth_image();
	int r = plan_for(&kx_format_riscv64_image, img, IMG_FILE, sizeof(uint8_t[3 * 4096]), &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	const struct kx_segment *k = segment(&plan, "kernel"), *dtb = segment(&plan, "dtb");
	CHECK(k && dtb && segment(&plan, "initrd") && segment(&plan, "purgatory"));
	/* 2 MiB aligned, the lowest such address above OpenSBI */
	CHECK_EQ_U64(k->mem, 0x80200000);
	CHECK_EQ_U64(k->memsz, IMG_SIZE);
	CHECK_EQ_U64(plan.kernel_entry, 0x80200000);
	CHECK_EQ_U64(plan.flags, 243UL << 16);
	/* the DTB segment is a valid FDT: the kernel finds it by its magic */
	CHECK(fdt_check_header(dtb->buf) == 0);
	int len, chosen = fdt_path_offset(dtb->buf, "/chosen");
	CHECK(!strcmp(fdt_getprop(dtb->buf, chosen, "bootargs", &len), "console=ttyS0 root=/dev/vda"));
	/* the purgatory keeps a0/a1 (regs unused) and prints on the ns16550a */
	struct kx_purgatory_blob blob;
	if (kx_purgatory_blob("riscv64", &blob, &err) == 0) {
		const struct kx_segment *pg = segment(&plan, "purgatory");
		uint64_t serial, x0;
		memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
		memcpy(&x0, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, regs), 8);
		CHECK_EQ_U64(serial, 0x10000000);
		CHECK_EQ_U64(x0, 0);
	}
	kx_plan_free(&plan);
	free(img);
}

/* The purgatory's serial port when the stdout-path UART has PROP = <VALUE>
 * (PROP NULL: the tree as QEMU made it). */
static uint64_t serial_port_with(const char *prop, uint32_t value)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	struct kx_purgatory_blob blob;
	uint64_t serial = UINT64_MAX;
	if (setup() < 0 || kx_purgatory_blob("riscv64", &blob, &err) < 0)
		return UINT64_MAX;
	if (prop) {
		int uart = fdt_path_offset(tree.blob, "/soc/serial@10000000");
		if (uart < 0 || fdt_open_into(tree.blob, tree.blob, (int)tree.size) ||
		    fdt_setprop_u32(tree.blob, uart, prop, value))
			return UINT64_MAX;
	}
	uint8_t *img = synth_image();
	if (plan_for(&kx_format_riscv64_image, img, IMG_FILE, 0, &plan, &err) == 0) {
		const struct kx_segment *pg = segment(&plan, "purgatory");
		memcpy(&serial, pg->buf + blob.params_offset + offsetof(struct kx_purgatory_params, serial_port), 8);
		kx_plan_free(&plan);
	}
	free(img);
	return serial;
}

KX_TEST(console_only_on_byte_wide_uart)
{
	/* the purgatory writes bytes at +0 and +5: an 8250 with a 4-byte
	 * stride (as on many boards) must leave it silent, not misdriven */
	CHECK_EQ_U64(serial_port_with(NULL, 0), 0x10000000);
	CHECK_EQ_U64(serial_port_with("reg-shift", 0), 0x10000000);
	CHECK_EQ_U64(serial_port_with("reg-io-width", 1), 0x10000000);
	CHECK_EQ_U64(serial_port_with("reg-shift", 2), 0);
	CHECK_EQ_U64(serial_port_with("reg-io-width", 4), 0);
}

KX_TEST(elf_rebased_like_the_kernel)
{
	/* one PT_LOAD at a kernel virtual address, e_entry 0x1000 into it */
	size_t size;
	uint8_t *img = synth_image();
	uint8_t *p = kx_synth_elf64(EM_RISCV, 0xffffffff80001000ULL, 0xffffffff80000000ULL,
				    img, IMG_FILE, IMG_SIZE, &size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)p;
	struct kx_plan plan;
	struct kx_error err = { 0 };
	CHECK(setup() == 0);
	const struct kx_format_ops *fmt;
	struct kx_bytes b = { p, size };
	CHECK(kx_format_select(&kx_arch_riscv64, b, "vmlinux.elf", NULL, &fmt, &err) == 0);
	CHECK(fmt == &kx_format_elf_riscv64);
	CHECK(plan_for(fmt, p, size, 0, &plan, &err) == 0);
	CHECK_EQ_U64(segment(&plan, "kernel")->mem, 0x80200000);
	CHECK_EQ_U64(plan.kernel_entry, 0x80201000);   /* e_entry - lowest vaddr + base */
	kx_plan_free(&plan);
	/* e_entry outside every PT_LOAD */
	eh->e_entry = 0xffffffff90000000ULL;
	CHECK(plan_for(fmt, p, size, 0, &plan, &err) < 0);
	CHECK_CONTAINS(err.message, "vmlinux: e_entry 0xffffffff90000000 lies in no PT_LOAD segment");
	kx_plan_free(&plan);
	free(p);
	free(img);
}

/* The running riscv tree with what OpenSBI adds at boot: its own RAM under
 * /reserved-memory (mmode_resv*), plus a region at the top of RAM and a
 * /memreserve/ entry, so that top-down segments would meet them too; with
 * `with_cma` also a reusable CMA pool (linux,cma@90000000, 64 MiB). */
static int tree_with_firmware_reservations_cma(bool with_reservations, bool with_cma)
{
	struct kx_error err = { 0 };
	size_t size = fdt_totalsize(tree.blob) + 4096;
	uint8_t *buf = calloc(1, size);
	int r = buf ? fdt_open_into(tree.blob, buf, (int)size) : -1;
	if (r == 0 && with_reservations) {
		static const struct { const char *name; uint32_t reg[4]; } nodes[] = {
			{ "mmode_resv0@80000000", { 0, 0x80000000, 0, 0x40000 } },
			{ "mmode_resv1@80040000", { 0, 0x80040000, 0, 0x20000 } },
			{ "top@bff00000", { 0, 0xbff00000, 0, 0x100000 } },
		};
		int rm = fdt_add_subnode(buf, 0, "reserved-memory");
		r = rm < 0 ? rm : 0;
		r = r ?: fdt_setprop_u32(buf, rm, "#address-cells", 2);
		r = r ?: fdt_setprop_u32(buf, rm, "#size-cells", 2);
		r = r ?: fdt_setprop(buf, rm, "ranges", NULL, 0);
		for (size_t i = 0; r == 0 && i < sizeof(nodes) / sizeof(nodes[0]); i++) {
			fdt32_t reg[4];
			for (int c = 0; c < 4; c++)
				reg[c] = cpu_to_fdt32(nodes[i].reg[c]);
			int n = fdt_add_subnode(buf, rm, nodes[i].name);
			r = n < 0 ? n : fdt_setprop(buf, n, "reg", reg, sizeof(reg));
		}
		r = r ?: fdt_add_mem_rsv(buf, 0xbfd00000, 0x100000);
		if (r == 0 && with_cma) {
			const fdt32_t reg[4] = { 0, cpu_to_fdt32(0x90000000), 0, cpu_to_fdt32(0x4000000) };
			int n = fdt_add_subnode(buf, rm, "linux,cma@90000000");
			r = n < 0 ? n : fdt_setprop_string(buf, n, "compatible", "shared-dma-pool");
			r = r ?: fdt_setprop(buf, n, "reusable", NULL, 0);
			r = r ?: fdt_setprop(buf, n, "linux,cma-default", NULL, 0);
			r = r ?: fdt_setprop(buf, n, "reg", reg, sizeof(reg));
		}
	}
	if (r == 0) {
		kx_dtb_free(&tree);
		r = kx_dtb_from_bytes(buf, fdt_totalsize(buf), "riscv-virt.dtb + reservations", &tree, &err);
	}
	free(buf);
	/* /proc/iomem on riscv lists OpenSBI's RAM as System RAM */
	memset(&facts.iomem_ram, 0, sizeof(facts.iomem_ram));
	kx_memmap_add(&facts.iomem_ram, 0x80000000, 0xc0000000, KX_MEM_RAM, &err);
	return r;
}

static int tree_with_firmware_reservations(bool with_reservations)
{
	return tree_with_firmware_reservations_cma(with_reservations, false);
}

static bool plan_touches(const struct kx_plan *plan, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		const struct kx_segment *s = &plan->segments[i];
		if (s->mem < end && start < s->mem + s->memsz)
			return true;
	}
	return false;
}

KX_TEST(firmware_reserved_ram_is_avoided)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	uint8_t *img = synth_image();
	size_t initrd = 3 * 4096;

	/* control: without the reservations the plan does use that RAM, so
	 * the checks below can fail */
	CHECK(setup() == 0);
	CHECK(tree_with_firmware_reservations(false) == 0);
	CHECK(plan_for(&kx_format_riscv64_image, img, IMG_FILE, initrd, &plan, &err) == 0);
	CHECK_EQ_U64(segment(&plan, "kernel")->mem, 0x80000000);
	CHECK(plan_touches(&plan, 0xbfd00000, 0xc0000000));
	kx_plan_free(&plan);

	CHECK(setup() == 0);
	CHECK(tree_with_firmware_reservations(true) == 0);
	int r = plan_for(&kx_format_riscv64_image, img, IMG_FILE, initrd, &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	/* the next 2 MiB boundary above OpenSBI's 384 KiB */
	CHECK_EQ_U64(segment(&plan, "kernel")->mem, 0x80200000);
	CHECK(!plan_touches(&plan, 0x80000000, 0x80060000));
	CHECK(!plan_touches(&plan, 0xbff00000, 0xc0000000));
	CHECK(!plan_touches(&plan, 0xbfd00000, 0xbfe00000));
	CHECK(segment(&plan, "initrd") && segment(&plan, "dtb") && segment(&plan, "purgatory"));
	kx_plan_free(&plan);
	free(img);
}

/* ---- kdump ---------------------------------------------------------------- */

#define CRASH_START 0xb0000000ULL   /* crashkernel=128M */
#define CRASH_END   0xb8000000ULL

static struct kx_crash_facts crash_facts;
/* --hotplug for crash_plan_in: /sys/kernel/crash_elfcorehdr_size (0: off) */
static uint64_t hotplug_size;

/* A -p plan: facts.crash_regions = regions[n], two CPU notes and
 * VMCOREINFO as sysfs would give them, no /proc/kcore. */
static int crash_plan_in(const uint8_t *kernel, size_t size, const uint64_t (*regions)[2], unsigned int n,
			 struct kx_plan *plan, struct kx_error *err)
{
	static uint8_t initrd[3 * 4096];
	struct kx_file kf = { .path = (char *)"Image", .fd = -1, .bytes = { kernel, size } };
	struct kx_file rf = { .path = (char *)"initrd.img", .fd = -1, .bytes = { initrd, sizeof(initrd) } };
	struct kx_plan_options o = { .cmdline = "console=ttyS0 reset_devices", .crash = true,
				     .crash_hotplug = hotplug_size != 0 };
	memset(&crash_facts, 0, sizeof(crash_facts));
	crash_facts.hotplug_elfcorehdr_size = hotplug_size;
	crash_facts.cpu_notes[0] = (struct kx_crash_note){ 0xbfe1a400, 368 };
	crash_facts.cpu_notes[1] = (struct kx_crash_note){ 0xbfe9a400, 368 };
	crash_facts.cpu_ids[1] = 1;
	crash_facts.nr_cpu_notes = crash_facts.nr_possible = 2;
	crash_facts.vmcoreinfo = (struct kx_crash_note){ 0x81c2f000, 0x1024 };
	memset(&facts.crash_regions, 0, sizeof(facts.crash_regions));
	for (unsigned int i = 0; i < n; i++)
		if (kx_memmap_add(&facts.crash_regions, regions[i][0], regions[i][1], KX_MEM_CRASH, err) < 0)
			return -1;
	struct kx_plan_ctx ctx = { .arch = &kx_arch_riscv64, .dtb = &tree, .facts = &facts, .opts = &o,
				   .kernel = &kf, .initrd = &rf, .crash = &crash_facts };
	struct kx_kernel_desc k = { 0 };
	kx_plan_init(plan);
	if (kx_format_riscv64_image.describe(&ctx, &k, err) < 0)
		return -1;
	return kx_arch_riscv64.build_plan(&ctx, &k, plan, err);
}

/* ... in [CRASH_START, CRASH_END) alone */
static int crash_plan_for(const uint8_t *kernel, size_t size, struct kx_plan *plan, struct kx_error *err)
{
	static const uint64_t region[][2] = { { CRASH_START, CRASH_END } };
	return crash_plan_in(kernel, size, region, 1, plan, err);
}

#define LOADS_MAX 64

struct loads {
	uint64_t r[LOADS_MAX][2];    /* [p_paddr, p_paddr + p_memsz), in header order */
	unsigned int n;
	unsigned int notes;
};

/* The header's PT_LOADs (and a count of its PT_NOTEs); false when it is not
 * a riscv64 ELF core header. */
static bool read_header(const struct kx_segment *hdr, struct loads *ret)
{
	Elf64_Ehdr eh;
	ret->n = ret->notes = 0;
	if (hdr->bufsz < sizeof(eh))
		return false;
	memcpy(&eh, hdr->buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE || eh.e_machine != EM_RISCV ||
	    eh.e_phoff != sizeof(eh) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > hdr->bufsz) {
		printf("#   not a riscv64 ELF core header\n");
		return false;
	}
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, hdr->buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_NOTE)
			ret->notes++;
		if (ph.p_type != PT_LOAD)
			continue;
		if (ret->n == LOADS_MAX || ph.p_memsz == 0 || ph.p_filesz != ph.p_memsz || ph.p_offset != ph.p_paddr)
			return false;
		ret->r[ret->n][0] = ph.p_paddr;
		ret->r[ret->n][1] = ph.p_paddr + ph.p_memsz;
		ret->n++;
	}
	return true;
}

static bool loads_overlap(const struct loads *l, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->r[i][0] < end && start < l->r[i][1]) {
			printf("#   PT_LOAD [0x%" PRIx64 ", 0x%" PRIx64 ") meets [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
			       l->r[i][0], l->r[i][1], start, end);
			return true;
		}
	return false;
}

/* Every byte of [start, end) lies in some PT_LOAD. */
static bool loads_cover(const struct loads *l, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	for (bool moved = true; at < end && moved;) {
		moved = false;
		for (unsigned int i = 0; i < l->n; i++)
			if (l->r[i][0] <= at && at < l->r[i][1]) {
				at = l->r[i][1];
				moved = true;
			}
	}
	if (at < end)
		printf("#   [0x%" PRIx64 ", 0x%" PRIx64 ") not dumped from 0x%" PRIx64 "\n", start, end, at);
	return at >= end;
}

static bool loads_are(const struct loads *l, const uint64_t (*want)[2], unsigned int n)
{
	bool same = l->n == n;
	for (unsigned int i = 0; same && i < n; i++)
		same = l->r[i][0] == want[i][0] && l->r[i][1] == want[i][1];
	if (!same) {
		printf("#   PT_LOADs:");
		for (unsigned int i = 0; i < l->n; i++)
			printf(" [0x%" PRIx64 ", 0x%" PRIx64 ")", l->r[i][0], l->r[i][1]);
		printf("\n");
	}
	return same;
}

static bool prop_be64s(const void *fdt, const char *name, uint64_t a, uint64_t b)
{
	int len, chosen = fdt_path_offset(fdt, "/chosen");
	const fdt64_t *v = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, name, &len);
	if (!v || len != 16) {
		printf("#   /chosen/%s: %s\n", name, v ? "not 16 bytes" : "missing");
		return false;
	}
	uint64_t got[2] = { fdt64_ld(&v[0]), fdt64_ld(&v[1]) };
	if (got[0] != a || got[1] != b) {
		printf("#   /chosen/%s = <0x%" PRIx64 " 0x%" PRIx64 ">, want <0x%" PRIx64 " 0x%" PRIx64 ">\n",
		       name, got[0], got[1], a, b);
		return false;
	}
	return true;
}

/* A crash load on riscv: /proc/iomem calls OpenSBI's RAM System RAM, but
 * it sits behind a PMP and reading it through /proc/vmcore faults. The
 * header leaves out the tree's non-reusable /reserved-memory; a reusable
 * CMA pool is the kernel's RAM and stays in; so does /memreserve/. */
KX_TEST(crash_header_leaves_out_firmware_ram)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	static struct loads loads;
	uint8_t *img = synth_image();

	/* control: without the reservations the dump does read 0x80000000 */
	CHECK(setup() == 0);
	CHECK(tree_with_firmware_reservations_cma(false, false) == 0);
	int r = crash_plan_for(img, IMG_FILE, &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	const struct kx_segment *hdr = segment(&plan, "elfcorehdr");
	CHECK(hdr && read_header(hdr, &loads));
	static const uint64_t all_ram[][2] = { { 0x80000000, CRASH_START }, { CRASH_END, 0xc0000000 } };
	CHECK(loads_are(&loads, all_ram, 2));
	CHECK(loads_cover(&loads, 0x80000000, 0x80060000));
	CHECK(loads_cover(&loads, 0xbff00000, 0xc0000000));
	kx_plan_free(&plan);

	CHECK(setup() == 0);
	CHECK(tree_with_firmware_reservations_cma(true, true) == 0);
	r = crash_plan_for(img, IMG_FILE, &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	/* kexec_core.c refuses a crash segment outside the region */
	for (unsigned int i = 0; i < plan.nr_segments; i++) {
		const struct kx_segment *s = &plan.segments[i];
		if (s->mem < CRASH_START || s->mem + s->memsz > CRASH_END)
			printf("#   %s at [0x%" PRIx64 ", 0x%" PRIx64 ")\n", s->name, s->mem, s->mem + s->memsz);
		CHECK(s->mem >= CRASH_START && s->mem + s->memsz <= CRASH_END);
	}
	const struct kx_segment *dtb = segment(&plan, "dtb");
	hdr = segment(&plan, "elfcorehdr");
	CHECK(hdr && dtb && segment(&plan, "kernel") && segment(&plan, "initrd") && segment(&plan, "purgatory"));
	CHECK(read_header(hdr, &loads));
	CHECK_EQ_U64(loads.notes, 3);                         /* two CPUs, VMCOREINFO */
	CHECK(!loads_overlap(&loads, 0x80000000, 0x80040000)); /* mmode_resv0 */
	CHECK(!loads_overlap(&loads, 0x80040000, 0x80060000)); /* mmode_resv1 */
	CHECK(!loads_overlap(&loads, 0xbff00000, 0xc0000000)); /* top@bff00000 */
	CHECK(!loads_overlap(&loads, CRASH_START, CRASH_END));
	CHECK(loads_cover(&loads, 0x90000000, 0x94000000));    /* linux,cma: reusable */
	CHECK(loads_cover(&loads, 0xbfd00000, 0xbfe00000));    /* /memreserve/ */
	CHECK(loads_cover(&loads, 0x80060000, CRASH_START));
	CHECK(loads_cover(&loads, CRASH_END, 0xbff00000));
	static const uint64_t dumped[][2] = { { 0x80060000, CRASH_START }, { CRASH_END, 0xbff00000 } };
	CHECK(loads_are(&loads, dumped, 2));
	/* the capture kernel learns both from /chosen (root cells 2/2) */
	CHECK(fdt_check_header(dtb->buf) == 0);
	CHECK(prop_be64s(dtb->buf, "linux,elfcorehdr", hdr->mem, hdr->bufsz));
	CHECK(prop_be64s(dtb->buf, "linux,usable-memory-range", CRASH_START, CRASH_END - CRASH_START));
	kx_plan_free(&plan);
	free(img);
}

/* --hotplug (should a riscv64 kernel gain crash hotplug): the generic
 * KEXEC_CRASH_HOTPLUG_SUPPORT, the header's room in the segment and in
 * /chosen linux,elfcorehdr (the capture kernel reserves all of it). */
KX_TEST(crash_hotplug_room_in_chosen)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	uint8_t *img = synth_image();
	CHECK(setup() == 0);
	hotplug_size = 0x51234;
	int r = crash_plan_for(img, IMG_FILE, &plan, &err);
	hotplug_size = 0;
	free(img);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(plan.flags, (243UL << 16) | 1 | KX_KEXEC_CRASH_HOTPLUG_SUPPORT);
	const struct kx_segment *dtb = segment(&plan, "dtb"), *hdr = segment(&plan, "elfcorehdr");
	CHECK(dtb && hdr);
	CHECK_EQ_U64(hdr->memsz, 0x52000);
	CHECK(hdr->kernel_rewrites);
	CHECK(prop_be64s(dtb->buf, "linux,elfcorehdr", hdr->mem, 0x52000));
	kx_plan_free(&plan);
}

/* crashkernel=X,high leaves two regions: crashk_res (the highest) takes every
 * segment, since kexec_core.c refuses the low one (crashk_low_res); /chosen
 * linux,usable-memory-range lists both, crashk_res first as drivers/of/kexec.c
 * writes it (the capture kernel's early_init_dt_check_for_usable_mem_range
 * keeps the first as its memory limit). */
KX_TEST(crash_segments_in_the_highest_of_two_regions)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	/* crashk_low_res 32 MiB low in RAM, crashk_res 128 MiB above it */
	static const uint64_t regions[][2] = { { 0x84000000, 0x86000000 }, { CRASH_START, CRASH_END } };
	uint8_t *img = synth_image();
	CHECK(setup() == 0);
	int r = crash_plan_in(img, IMG_FILE, regions, 2, &plan, &err);
	free(img);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	bool inside = true;
	for (unsigned int i = 0; i < plan.nr_segments; i++) {
		const struct kx_segment *s = &plan.segments[i];
		if (s->mem < CRASH_START || s->mem + s->memsz > CRASH_END) {
			printf("#   %s at [0x%" PRIx64 ", 0x%" PRIx64 ")\n", s->name, s->mem, s->mem + s->memsz);
			inside = false;
		}
	}
	CHECK(inside);
	const struct kx_segment *dtb = segment(&plan, "dtb"), *hdr = segment(&plan, "elfcorehdr");
	CHECK(dtb && hdr && segment(&plan, "kernel") && segment(&plan, "initrd") && segment(&plan, "purgatory"));
	CHECK(fdt_check_header(dtb->buf) == 0);
	int len, chosen = fdt_path_offset(dtb->buf, "/chosen");
	CHECK(chosen >= 0);
	const fdt64_t *v = fdt_getprop(dtb->buf, chosen, "linux,usable-memory-range", &len);
	CHECK(v);
	CHECK_EQ_U64(len, 32);
	CHECK_EQ_U64(fdt64_ld(&v[0]), CRASH_START);
	CHECK_EQ_U64(fdt64_ld(&v[1]), CRASH_END - CRASH_START);
	CHECK_EQ_U64(fdt64_ld(&v[2]), 0x84000000);
	CHECK_EQ_U64(fdt64_ld(&v[3]), 0x2000000);
	CHECK(prop_be64s(dtb->buf, "linux,elfcorehdr", hdr->mem, hdr->bufsz));
	/* the dump leaves out both */
	static struct loads loads;
	CHECK(read_header(hdr, &loads));
	CHECK(!loads_overlap(&loads, 0x84000000, 0x86000000));
	CHECK(!loads_overlap(&loads, CRASH_START, CRASH_END));
	kx_plan_free(&plan);
}

/* The planner's DTB segment is the input tree edited by kx_dtb_set_chosen
 * alone, with the command line, the placed initrd and facts.random's first 8
 * (kaslr-seed) and next 32 (rng-seed) bytes: the same call whose output
 * tests/golden/dtb-riscv-virt.dts pins (test_dtb.c). */
KX_TEST(planner_dtb_is_the_chosen_edit)
{
	struct kx_plan plan;
	struct kx_dtb want = { 0 };
	struct kx_error err = { 0 };
	CHECK(setup() == 0);
	uint8_t *img = synth_image();
	int r = plan_for(&kx_format_riscv64_image, img, IMG_FILE, 3 * 4096, &plan, &err);
	free(img);
	CHECK(r == 0);
	const struct kx_segment *dtb = segment(&plan, "dtb"), *rd = segment(&plan, "initrd");
	CHECK(dtb && rd);
	/* top-down from the end of RAM: the initrd's last page at 0xbffff000 */
	CHECK_EQ_U64(rd->mem, 0xbfffd000);
	CHECK(kx_dtb_from_bytes(tree.blob, kx_dtb_size(&tree), "riscv-virt.dtb", &want, &err) == 0);
	struct kx_dtb_chosen c = { .bootargs = "console=ttyS0 root=/dev/vda",
				   .initrd_start = rd->mem, .initrd_end = rd->mem + 3 * 4096,
				   .kaslr_seed = facts.random, .rng_seed = facts.random + 8, .rng_seed_len = 32 };
	r = kx_dtb_set_chosen(&want, &c, &err);
	bool same = r == 0 && dtb->bufsz == kx_dtb_size(&want) && !memcmp(dtb->buf, want.blob, dtb->bufsz);
	kx_dtb_free(&want);
	kx_plan_free(&plan);
	CHECK(r == 0);
	CHECK(same);
}

/* ---- the real Debian kernel (trixie's, scripts/fetch-kernels.sh) ---------- */

/*
 * Which build .cache/kernels/trixie-riscv64 holds changes whenever Debian
 * publishes a new kernel: its size and header are read from the file, and
 * every expected message is made from them. Only what the kernel's head.S
 * writes into every RV64 S-mode Image is a constant here.
 */
#define REAL_KERNEL "trixie-riscv64"
/* head.S: "Image load offset (2MB) from start of RAM" on 64-bit S mode */
#define RV64_TEXT_OFFSET 0x200000

struct real_break {
	const char *name;
	size_t offset;        /* le64 `value` written at offset (and, if offset2, le32 0 there) */
	uint64_t value;
	size_t offset2;
	size_t size;          /* bytes of the copy kept; 0: all */
	char error[256];      /* the whole message */
};

/* One field broken at a time in a copy of the kernel `name`, whose file
 * has `file_size` bytes and whose header says `text_offset`; each with
 * the whole refusal. Returns how many (at most 8). */
static size_t real_breaks(struct real_break *b, const char *name, size_t file_size, uint64_t text_offset)
{
	size_t n = 0;
	b[n] = (struct real_break){ "magic2 and the old magic zeroed", 48, 0, 56, 0, "" };
	snprintf(b[n++].error, sizeof(b->error),
		 "%s: neither magic2 \"RSC\\x05\" (at 56) nor the old \"RISCV\" magic (at 48)", name);
	b[n] = (struct real_break){ "big-endian flag", 24, 1, 0, 0, "" };
	snprintf(b[n++].error, sizeof(b->error),
		 "%s: flags bit 0 (at 24) says big-endian: only little-endian kernels are loaded", name);
	b[n] = (struct real_break){ "image_size 0", 16, 0, 0, 0, "" };
	snprintf(b[n++].error, sizeof(b->error), "%s: image_size (at 16) is 0", name);
	/* a signature may follow image_size bytes, so 64 KiB less is still fine;
	 * one byte more than that is not */
	b[n] = (struct real_break){ "image_size 64 KiB + 1 below the file", 16, file_size - 0x10001, 0, 0, "" };
	snprintf(b[n++].error, sizeof(b->error),
		 "%s: image_size 0x%zx (at 16) is smaller than the kernel's 0x%zx bytes in the file", name,
		 file_size - 0x10001, file_size);
	b[n] = (struct real_break){ "image_size a page", 16, 0x1000, 0, 0, "" };
	snprintf(b[n++].error, sizeof(b->error),
		 "%s: image_size 0x1000 (at 16) is smaller than the kernel's 0x%zx bytes in the file", name,
		 file_size);
	b[n] = (struct real_break){ "unaligned text_offset", 8, text_offset + 0x10, 0, 0, "" };
	snprintf(b[n++].error, sizeof(b->error), "%s: text_offset 0x%" PRIx64 " (at 8) is not page aligned", name,
		 text_offset + 0x10);
	/* the header itself unchanged (text_offset rewritten as it is), only cut */
	b[n] = (struct real_break){ "truncated to 40 bytes", 8, text_offset, 0, 40, "" };
	snprintf(b[n++].error, sizeof(b->error), "%s: truncated: 40 bytes, a riscv64 Image header is 64", name);
	b[n] = (struct real_break){ "truncated to 63 bytes", 8, text_offset, 0, 63, "" };
	snprintf(b[n++].error, sizeof(b->error), "%s: truncated: 63 bytes, a riscv64 Image header is 64", name);
	return n;
}

/* Unwrap `data` and check the result is byte for byte `want`, through the
 * chain `want_chain`. */
static int unwrap_is(const uint8_t *data, size_t size, const char *name, const struct kx_file *want,
		     const char *want_chain)
{
	struct kx_file in = { .path = (char *)name, .fd = -1, .bytes = { data, size } }, out;
	struct kx_error err = { 0 };
	char chain[128];
	if (kx_unwrap_kernel(&in, 1 << 30, &out, chain, sizeof(chain), &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	int same = out.bytes.size == want->bytes.size &&
		   !memcmp(out.bytes.data, want->bytes.data, want->bytes.size);
	if (strcmp(chain, want_chain) || !same)
		printf("#   %s: chain \"%s\" (expected \"%s\"), 0x%zx bytes, %s\n", name, chain, want_chain,
		       out.bytes.size, same ? "same" : "different");
	kx_file_close(&out);
	return !strcmp(chain, want_chain) && same ? 0 : -1;
}

KX_TEST(real_debian_image)
{
	struct kx_file f;
	struct kx_riscv64_image h;
	struct kx_error err = { 0 };
	const struct kx_format_ops *fmt;
	char version[128], name[160];

	/* missing (scripts/fetch-kernels.sh not run) is a failure, as on arm64 */
	CHECK(kx_test_map_kernel(REAL_KERNEL, "vmlinuz", &f) == 0);
	/* the name Debian's /boot gives it (vmlinux-RELEASE: says ELF, is not) */
	kx_test_kernel_info(REAL_KERNEL, "version", version, sizeof(version));
	snprintf(name, sizeof(name), "vmlinux-%s", version[0] ? version : REAL_KERNEL);
	const size_t file_size = f.bytes.size;
	/* the header as the file has it, read here apart from the parser */
	uint64_t text_offset = 0, image_size = 0, flags = UINT64_MAX;
	uint32_t version_field = 0;
	CHECK(kx_le64(f.bytes, 8, &text_offset) && kx_le64(f.bytes, 16, &image_size) &&
	      kx_le64(f.bytes, 24, &flags) && kx_le32(f.bytes, 32, &version_field));
	printf("#   %s: text_offset 0x%" PRIx64 ", image_size 0x%" PRIx64 ", file 0x%zx bytes\n", name, text_offset,
	       image_size, file_size);
	/* an EFI stub's PE header in front: "MZ", and "PE\0\0" where res3 (at 60) points */
	uint32_t pe_at = 0, pe = 0;
	CHECK(kx_le32(f.bytes, 60, &pe_at) && kx_le32(f.bytes, pe_at, &pe));
	CHECK(f.bytes.data[0] == 'M' && f.bytes.data[1] == 'Z');
	CHECK_EQ_U64(pe_at, 0x40);
	CHECK_EQ_U64(pe, 0x00004550);

	/* by content: neither Debian's vmlinux-* (says ELF) nor a neutral name
	 * changes the choice; arm64 does not take it */
	const char *const names[] = { name, "kernel.bin", "vmlinux.elf" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fmt = NULL;
		CHECK(kx_format_select(&kx_arch_riscv64, f.bytes, names[i], NULL, &fmt, &err) == 0);
		CHECK(fmt == &kx_format_riscv64_image);
	}
	CHECK(kx_format_select(&kx_arch_arm64, f.bytes, "kernel.bin", NULL, &fmt, &err) < 0);
	CHECK(!strcmp(err.message, "kernel.bin: cannot determine the file type: not a format this arm64 loader knows"));

	CHECK(kx_riscv64_image_parse(f.bytes, f.bytes.size, name, &h, &err) == 0);
	CHECK_EQ_U64(h.text_offset, text_offset);
	CHECK_EQ_U64(h.text_offset, RV64_TEXT_OFFSET);
	CHECK_EQ_U64(h.image_size, image_size);
	CHECK(h.image_size > file_size);               /* BSS */
	CHECK_EQ_U64(h.flags, 0);                      /* little-endian */
	CHECK_EQ_U64(h.flags, flags);
	CHECK_EQ_U64(h.version, version_field);
	CHECK(h.version >= 2);                         /* 0.2 or later: magic2 */

	/* planned on QEMU virt: at OpenSBI's next 2 MiB, image_size bytes */
	struct kx_plan plan;
	CHECK(setup() == 0);
	int r = plan_for(&kx_format_riscv64_image, f.bytes.data, f.bytes.size, 3 * 4096, &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	const struct kx_segment *k = segment(&plan, "kernel");
	CHECK(k);
	CHECK_EQ_U64(k->mem, 0x80200000);
	CHECK_EQ_U64(k->memsz, image_size);
	CHECK_EQ_U64(k->bufsz, file_size);
	CHECK_EQ_U64(plan.kernel_entry, 0x80200000);
	kx_plan_free(&plan);

	/* broken copies, one field at a time: the whole refusal */
	static struct real_break breaks[8];
	size_t nbreaks = real_breaks(breaks, name, file_size, text_offset);
	for (size_t i = 0; i < nbreaks; i++) {
		const struct real_break *b = &breaks[i];
		printf("#   case: %s\n", b->name);
		uint8_t *p = kx_test_copy(&f);
		CHECK(p);
		kx_put_le64(p + b->offset, b->value);
		if (b->offset2)
			kx_put_le32(p + b->offset2, 0);
		struct kx_bytes bytes = { p, b->size ? b->size : f.bytes.size };
		memset(&err, 0, sizeof(err));
		r = kx_riscv64_image_parse(bytes, bytes.size, name, &h, &err);
		if (r == 0 || strcmp(err.message, b->error))
			printf("#   got %d \"%s\"\n#   want \"%s\"\n", r, err.message, b->error);
		free(p);
		CHECK(r < 0 && err.status == KX_E_INPUT);
		CHECK(!strcmp(err.message, b->error));
	}
	/* 64 KiB short of the file is a signature's room, not an error */
	uint8_t *p = kx_test_copy(&f);
	CHECK(p);
	kx_put_le64(p + 16, file_size - 0x10000);
	r = kx_riscv64_image_parse((struct kx_bytes){ p, f.bytes.size }, f.bytes.size, name, &h, &err);
	/* the kernel takes the file's size then: its bytes must all be loaded */
	struct kx_file pf = { .path = name, .fd = -1, .bytes = { p, f.bytes.size } };
	struct kx_plan_options o = { .cmdline = "" };
	struct kx_plan_ctx ctx = { .arch = &kx_arch_riscv64, .opts = &o, .kernel = &pf };
	struct kx_kernel_desc kd = { 0 };
	int dr = kx_format_riscv64_image.describe(&ctx, &kd, &err);
	free(p);
	CHECK(r == 0);
	CHECK_EQ_U64(h.image_size, file_size - 0x10000);
	CHECK(dr == 0);
	CHECK_EQ_U64(kd.span, file_size);

	/* through select and describe: 40 bytes cut the magic off, 63 keep it */
	struct kx_bytes b40 = { f.bytes.data, 40 }, b63 = { f.bytes.data, 63 };
	CHECK(kx_format_select(&kx_arch_riscv64, b40, "kernel.bin", NULL, &fmt, &err) < 0);
	CHECK(!strcmp(err.message, "kernel.bin: cannot determine the file type: not a format this riscv64 loader knows"));
	CHECK(kx_format_select(&kx_arch_riscv64, b63, "kernel.bin", NULL, &fmt, &err) == 0);
	CHECK(fmt == &kx_format_riscv64_image);
	pf.bytes = b63;
	CHECK(fmt->describe(&ctx, &kd, &err) < 0);
	char want63[256];
	snprintf(want63, sizeof(want63), "%s: truncated: 63 bytes, a riscv64 Image header is 64", name);
	CHECK(!strcmp(err.message, want63));

	/* gzip of the real Image, bare and in an EFI zboot wrapper (as
	 * CONFIG_EFI_ZBOOT builds vmlinuz.efi): unwrapped to the same bytes */
	size_t cap = f.bytes.size + f.bytes.size / 8 + 0x1000;
	uint8_t *z = calloc(1, 0x1000 + cap);
	CHECK(z);
	/* level 1: the point is the round trip, and the ASan build pays for level 6 */
	size_t n = kx_synth_gzip(f.bytes.data, f.bytes.size, z + 0x1000, cap, 1);
	if (n == 0)
		free(z);
	CHECK(n > 0);
	r = unwrap_is(z + 0x1000, n, "vmlinux.gz", &f, "gzip");
	z[0] = 'M', z[1] = 'Z';
	memcpy(z + 4, "zimg", 4);
	kx_put_le32(z + 8, 0x1000);
	kx_put_le32(z + 12, (uint32_t)n);
	memcpy(z + 24, "gzip", 5);
	int rz = unwrap_is(z, 0x1000 + n, "vmlinuz.efi", &f, "EFI zboot gzip");
	free(z);
	CHECK(r == 0);
	CHECK(rz == 0);
	kx_file_close(&f);
}

KX_TEST_MAIN(KX_CASE(header_rules), KX_CASE(planner_on_qemu_virt), KX_CASE(console_only_on_byte_wide_uart),
	     KX_CASE(elf_rebased_like_the_kernel),
	     KX_CASE(firmware_reserved_ram_is_avoided), KX_CASE(crash_header_leaves_out_firmware_ram),
	     KX_CASE(crash_segments_in_the_highest_of_two_regions),
	     KX_CASE(crash_hotplug_room_in_chosen),
	     KX_CASE(real_debian_image),
	     KX_CASE(planner_dtb_is_the_chosen_edit))
