// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86_64 planner on fixture trees captured from real QEMU guests
 * (tests/fixtures/bios-box: SeaBIOS; efi-box: OVMF): boot_params fields,
 * the setup_data chain, placement rules, and a golden plan printout.
 * Set KX_UPDATE_GOLDEN=1 to rewrite the golden files after a reviewed change.
 */
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "arch/x86_64/boot_params.h"
#include "formats/x86_setup.h"
#include "crash/crash.h"
#include "purgatory/purgatory.h"
#include "dtb/dtb.h"
#include "system/facts.h"
#include "core/units.h"

static struct kx_facts facts;
/* --dtb's tree for the plans built below, or NULL */
static const struct kx_dtb *plan_dtb;

static int read_fixture(const char *box)
{
	char root[1024];
	struct kx_error err = { 0 };
	snprintf(root, sizeof(root), "%s/tests/fixtures/%s", kx_test_env("KX_SRCDIR", "."), box);
	if (kx_facts_read_fixture(&facts, root, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	return 0;
}

/* A kx_file over a memory buffer (memfd), as the CLI would have it. */
static void memfile(struct kx_file *f, const char *name, const uint8_t *data, size_t size)
{
	struct kx_error err = { 0 };
	int fd = kx_memfd_create(name, &err);
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	if (kx_file_from_memfd(f, fd, name, &err) < 0)
		abort();
}

static struct kx_crash_facts crash_facts;

struct built {
	struct kx_file kernel, initrd;
	struct kx_plan plan;
	struct kx_error err;
};

/* Plan kernel bytes k (copied to a memfd) with an initrd of initrd_size. */
static int build_kernel(struct built *b, const uint8_t *k, size_t ksize, const char *cmdline,
			size_t initrd_size, const struct kx_plan_options *extra)
{
	uint8_t *rd = malloc(initrd_size);
	for (size_t i = 0; i < initrd_size; i++)
		rd[i] = (uint8_t)(i ^ (i >> 9));
	memfile(&b->kernel, "vmlinuz", k, ksize);
	memfile(&b->initrd, "initrd.img", rd, initrd_size);
	free(rd);

	struct kx_plan_options o = extra ? *extra : (struct kx_plan_options){ 0 };
	o.cmdline = cmdline;
	struct kx_plan_ctx ctx = { .arch = &kx_arch_x86_64, .facts = &facts, .opts = &o, .dtb = plan_dtb,
				   .kernel = &b->kernel, .initrd = &b->initrd,
				   .crash = o.crash ? &crash_facts : NULL };
	struct kx_kernel_desc desc = { 0 };
	kx_plan_init(&b->plan);
	memset(&b->err, 0, sizeof(b->err));
	if (kx_format_bzimage.describe(&ctx, &desc, &b->err) < 0)
		return -1;
	snprintf(b->plan.format, sizeof(b->plan.format), "%s", desc.format);
	return kx_arch_x86_64.build_plan(&ctx, &desc, &b->plan, &b->err);
}

static int build(struct built *b, const char *cmdline, size_t initrd_size,
		 const struct kx_plan_options *extra)
{
	size_t ksize;
	uint8_t *k = kx_synth_bzimage(&ksize);
	int r = build_kernel(b, k, ksize, cmdline, initrd_size, extra);
	free(k);
	return r;
}

static void built_free(struct built *b)
{
	kx_plan_free(&b->plan);
	kx_file_close(&b->kernel);
	kx_file_close(&b->initrd);
}

static const struct kx_segment *segment(const struct kx_plan *p, const char *name)
{
	for (unsigned int i = 0; i < p->nr_segments; i++)
		if (!strcmp(p->segments[i].name, name))
			return &p->segments[i];
	return NULL;
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

/* Walk the setup_data chain inside the segment; returns the types seen. */
static int setup_types(const struct kx_segment *bp, uint32_t *types, int max)
{
	int n = 0;
	uint64_t next = le64(bp->buf + BZ_SETUP_DATA);
	while (next && n < max) {
		if (next < bp->mem || next + 16 > bp->mem + bp->bufsz)
			return -1; /* pointer outside the segment */
		const uint8_t *node = bp->buf + (next - bp->mem);
		types[n++] = le32(node + 8);
		next = le64(node);
	}
	return n;
}

/* --dtb on x86_64: the tree, byte for byte, as the last setup_data node
 * (type SETUP_DTB, len = fdt_totalsize), 8-byte aligned, inside the
 * boot_params segment; after E820_EXT, EFI and RNG_SEED on an EFI box. */
KX_TEST(dtb_as_setup_data)
{
	char path[1024];
	struct kx_dtb tree = { 0 };
	struct kx_error err = { 0 };
	struct built b;
	snprintf(path, sizeof(path), "%s/tests/fixtures/dtb/virt.dtb", kx_test_env("KX_SRCDIR", "."));
	CHECK(kx_arch_x86_64.boot_tree("/nonexistent", path, &tree, NULL, &err) == 0);
	CHECK(tree.blob);
	CHECK(!strcmp(kx_arch_x86_64.tree_source(path), "--dtb"));
	CHECK(kx_arch_x86_64.tree_source(NULL) == NULL);
	size_t dtb_size = kx_dtb_size(&tree);
	CHECK(read_fixture("efi-box") == 0);
	plan_dtb = &tree;
	int r = build(&b, "console=ttyS0", 4096, NULL);
	plan_dtb = NULL;
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	const struct kx_segment *bp = segment(&b.plan, "boot_params");
	CHECK(bp);
	uint32_t types[8];
	int n = setup_types(bp, types, 8);
	CHECK(n == 3);
	CHECK_EQ_U64(types[0], SETUP_EFI);
	CHECK_EQ_U64(types[1], SETUP_RNG_SEED);
	CHECK_EQ_U64(types[2], SETUP_DTB);
	/* the last node: next 0, len the tree's, data the tree */
	uint64_t at = le64(bp->buf + BZ_SETUP_DATA);
	for (int i = 0; i < 2; i++)
		at = le64(bp->buf + (at - bp->mem));
	const uint8_t *node = bp->buf + (at - bp->mem);
	CHECK_EQ_U64(at % 8, 0);
	CHECK_EQ_U64(le64(node), 0);
	CHECK_EQ_U64(le32(node + 12), dtb_size);
	CHECK(at - bp->mem + 16 + dtb_size <= bp->bufsz);
	CHECK(!memcmp(node + 16, tree.blob, dtb_size));
	built_free(&b);

	/* without --dtb: no SETUP_DTB node */
	CHECK(build(&b, "console=ttyS0", 4096, NULL) == 0);
	bp = segment(&b.plan, "boot_params");
	CHECK(bp);
	CHECK(setup_types(bp, types, 8) == 2);
	built_free(&b);
	kx_dtb_free(&tree);
}

KX_TEST(bios_box_boot_params)
{
	struct built b;
	CHECK(read_fixture("bios-box") == 0);
	CHECK(!facts.efi);
	CHECK(facts.have_boot_params);
	int r = build(&b, "console=ttyS0 root=/dev/vda token=abc", 3 * 4096 + 5, NULL);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	const struct kx_segment *bp = segment(&b.plan, "boot_params");
	const struct kx_segment *kern = segment(&b.plan, "kernel");
	const struct kx_segment *rd = segment(&b.plan, "initrd");
	CHECK(bp && kern && rd && segment(&b.plan, "purgatory"));
	/* setup header copied, loader type set */
	CHECK_EQ_U64(le32(bp->buf + BZ_HEADER_MAGIC), BZ_HDRS);
	CHECK_EQ_U64(bp->buf[BZ_TYPE_OF_LOADER], 0xD0);
	/* command line right after the zero page, pointer split low/high */
	CHECK_EQ_U64(le32(bp->buf + BZ_CMD_LINE_PTR), bp->mem + 4096);
	CHECK(!strcmp((const char *)bp->buf + 4096, "console=ttyS0 root=/dev/vda token=abc"));
	/* initrd where the plan put it, exact size */
	CHECK_EQ_U64(le32(bp->buf + BZ_RAMDISK_IMAGE), rd->mem);
	CHECK_EQ_U64(le32(bp->buf + BZ_RAMDISK_SIZE), 3 * 4096 + 5);
	CHECK_EQ_U64(le32(bp->buf + BP_EXT_RAMDISK_IMAGE), rd->mem >> 32);
	/* e820 = the firmware map, entry by entry */
	CHECK_EQ_U64(bp->buf[BP_E820_ENTRIES], facts.firmware_map.count);
	for (unsigned int i = 0; i < facts.firmware_map.count; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		CHECK_EQ_U64(le64(e), facts.firmware_map.ranges[i].start);
		CHECK_EQ_U64(le64(e) + le64(e + 8), facts.firmware_map.ranges[i].end);
		CHECK_EQ_U64(le32(e + 16), facts.firmware_map.ranges[i].type);
	}
	/* screen_info and the rest copied from the running boot_params */
	CHECK(!memcmp(bp->buf, facts.boot_params, BP_SCREEN_INFO_LEN));
	/* setup_data: only the RNG seed on a BIOS box */
	uint32_t types[8];
	CHECK(setup_types(bp, types, 8) == 1);
	CHECK_EQ_U64(types[0], SETUP_RNG_SEED);
	/* kernel: aligned to kernel_alignment, at or above pref_address; its
	 * segment is the file's protected-mode part, its init_size (0x400000)
	 * reserved as the kernel's room, which no other segment enters */
	CHECK_EQ_U64(kern->mem % 0x200000, 0);
	CHECK(kern->mem >= 0x1000000);
	CHECK_EQ_U64(kern->memsz, kx_align_up(kern->bufsz, 4096));
	CHECK(kern->memsz < 0x400000);
	CHECK_EQ_U64(b.plan.kernel_room_start, kern->mem);
	CHECK_EQ_U64(b.plan.kernel_room_size, 0x400000);
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		const struct kx_segment *s = &b.plan.segments[i];
		if (s != kern)
			CHECK(s->mem >= kern->mem + 0x400000 || s->mem + s->memsz <= kern->mem);
	}
	CHECK_EQ_U64(b.plan.kernel_entry, kern->mem + 0x200);
	/* initrd top-down below 4 GiB and below initrd_addr_max */
	CHECK(rd->mem + rd->memsz <= 0x80000000ULL);
	CHECK_EQ_U64(b.plan.flags, 62UL << 16);
	built_free(&b);
}

KX_TEST(efi_box_boot_params)
{
	struct built b;
	CHECK(read_fixture("efi-box") == 0);
	CHECK(facts.efi);
	CHECK(facts.efi_runtime_count > 0);
	CHECK(facts.acpi_rsdp != 0);
	CHECK(build(&b, "console=ttyS0", 8192, NULL) == 0);
	const struct kx_segment *bp = segment(&b.plan, "boot_params");
	uint32_t types[8];
	CHECK(setup_types(bp, types, 8) == 2);
	CHECK_EQ_U64(types[0], SETUP_EFI);
	CHECK_EQ_U64(types[1], SETUP_RNG_SEED);
	/* efi_info: the running boot's signature and system table, our runtime map */
	const uint8_t *ei = bp->buf + BP_EFI_INFO;
	CHECK_EQ_U64(le32(ei), 0x34364c45); /* "EL64" */
	CHECK_EQ_U64(le32(ei + 4), le32(facts.boot_params + BP_EFI_INFO + 4));
	CHECK_EQ_U64(le32(ei + 8), 40);
	CHECK_EQ_U64(le32(ei + 20), facts.efi_runtime_count * 40);
	uint64_t map = le32(ei + 16) | (uint64_t)le32(ei + 28) << 32;
	CHECK(map > bp->mem && map + facts.efi_runtime_count * 40 <= bp->mem + bp->bufsz);
	const uint8_t *d = bp->buf + (map - bp->mem);
	CHECK_EQ_U64(le64(d + 8), facts.efi_runtime_map[0].phys_addr);
	CHECK_EQ_U64(le64(d + 16), facts.efi_runtime_map[0].virt_addr);
	CHECK_EQ_U64(le64(bp->buf + BP_ACPI_RSDP_ADDR), facts.acpi_rsdp);
	built_free(&b);

	/* --noefi: no EFI setup_data */
	struct kx_plan_options o = { .no_efi = true };
	CHECK(build(&b, "console=ttyS0", 8192, &o) == 0);
	CHECK(setup_types(segment(&b.plan, "boot_params"), types, 8) == 1);
	built_free(&b);
}

KX_TEST(e820_beyond_128_entries_goes_to_setup_data)
{
	struct built b;
	CHECK(read_fixture("bios-box") == 0);
	/* 140 entries: a reserved page every 2 MiB above 2 GiB of a large map */
	struct kx_error err = { 0 };
	for (int i = 0; facts.firmware_map.count < 140; i++)
		CHECK(kx_memmap_add(&facts.firmware_map, 0x100000000ULL + (uint64_t)i * 0x200000,
				    0x100000000ULL + (uint64_t)i * 0x200000 + 0x1000, KX_MEM_RESERVED, &err) == 0);
	CHECK(build(&b, "x", 4096, NULL) == 0);
	const struct kx_segment *bp = segment(&b.plan, "boot_params");
	CHECK_EQ_U64(bp->buf[BP_E820_ENTRIES], 128);
	uint32_t types[8];
	CHECK(setup_types(bp, types, 8) == 2);
	CHECK_EQ_U64(types[0], SETUP_E820_EXT);
	uint64_t first = le64(bp->buf + BZ_SETUP_DATA);
	CHECK_EQ_U64(le32(bp->buf + (first - bp->mem) + 12), 12 * 20);
	built_free(&b);
}

KX_TEST(refusals_name_the_rule)
{
	struct built b;
	char longline[2100];
	CHECK(read_fixture("bios-box") == 0);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	CHECK(build(&b, longline, 4096, NULL) < 0);
	CHECK_CONTAINS(b.err.message, "command line is 2099 bytes; this kernel's setup header "
		       "(cmdline_size at 0x238) accepts at most 2047");
	built_free(&b);

	/* --mem-max too low for the kernel's init_size above pref_address */
	struct kx_plan_options o = { .mem_max = 0x1200000 };
	CHECK(build(&b, "x", 4096, &o) < 0);
	CHECK(b.err.status == KX_E_PLAN);
	CHECK_CONTAINS(b.err.message, "kernel: no free RAM for 0x400000 bytes aligned to 0x200000");
	built_free(&b);

	/* A 95 MiB machine keeps the next cases small. */
	struct kx_error err = { 0 };
	facts.iomem_ram.count = 0;
	CHECK(kx_memmap_add(&facts.iomem_ram, 0x100000, 0x6000000, KX_MEM_RAM, &err) == 0);
	/* segments over half of RAM are refused by name, before the kernel does */
	CHECK(build(&b, "x", 48 * MiB, NULL) < 0);
	CHECK_CONTAINS(b.err.message, "more than half of RAM (0x5f00000): the kernel refuses that");
	built_free(&b);
	/* an initrd that fits nowhere names itself */
	CHECK(build(&b, "x", 100 * MiB, NULL) < 0);
	CHECK_CONTAINS(b.err.message, "initrd: no free RAM for 0x6400000 bytes");
	built_free(&b);
	CHECK(read_fixture("bios-box") == 0);

	/* --mem-min/--mem-max bound every segment */
	o = (struct kx_plan_options){ .mem_min = 0x20000000, .mem_max = 0x2fffffff };
	CHECK(build(&b, "x", 4096, &o) == 0);
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		CHECK(b.plan.segments[i].mem >= 0x20000000);
		CHECK(b.plan.segments[i].mem + b.plan.segments[i].memsz - 1 <= 0x2fffffff);
	}
	built_free(&b);
}

static void golden(const char *box, int *kx_failed_)
{
	char *printed = NULL;
	size_t printed_len = 0;
	struct built b;

	CHECK(read_fixture(box) == 0);
	CHECK(build(&b, "console=ttyS0 root=/dev/vda", 20000, NULL) == 0);
	/* The purgatory blob's bytes change with its code and compiler, not
	 * with the planner: its digest (and so the plan's) is masked. */
	for (unsigned int i = 0; i < b.plan.nr_segments; i++)
		if (!strcmp(b.plan.segments[i].name, "purgatory")) {
			memset(b.plan.segments[i].digest, 0, 32);
			b.plan.segments[i].bufsz = 0;
		}
	memset(b.plan.digest, 0, 32);
	FILE *mem = open_memstream(&printed, &printed_len);
	kx_plan_print(&b.plan, mem);
	fclose(mem);
	built_free(&b);
	char name[256];
	snprintf(name, sizeof(name), "%s.plan", box);
	int same = kx_test_golden(name, printed);
	free(printed);
	CHECK(same);
}

KX_TEST(crash_kernel_sees_only_its_region)
{
	struct built b;
	struct kx_error err = { 0 };
	char root[1024];
	CHECK(read_fixture("crash-box") == 0);
	snprintf(root, sizeof(root), "%s/tests/fixtures/crash-box", kx_test_env("KX_SRCDIR", "."));
	CHECK(kx_crash_facts_read(&crash_facts, root, &err) == 0);
	CHECK_EQ_U64(facts.crash_regions.count, 1);
	uint64_t cstart = facts.crash_regions.ranges[0].start, cend = facts.crash_regions.ranges[0].end;
	struct kx_plan_options o = { .crash = true };
	int r = build(&b, "irqpoll nr_cpus=1", 3 * 4096, &o);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(b.plan.flags, (62UL << 16) | 1);
	/* every segment inside the crash region: the kernel refuses anything else */
	for (unsigned int i = 0; i < b.plan.nr_segments; i++)
		CHECK(b.plan.segments[i].mem >= cstart && b.plan.segments[i].mem + b.plan.segments[i].memsz <= cend);
	const struct kx_segment *hdr = segment(&b.plan, "elfcorehdr"), *bp = segment(&b.plan, "boot_params");
	CHECK(hdr && bp);
	/* the header: ET_CORE for x86_64, and no PT_LOAD inside the crash region */
	CHECK(!memcmp(hdr->buf, "\177ELF", 4));
	CHECK_EQ_U64(hdr->buf[16], 4);  /* e_type ET_CORE */
	CHECK_EQ_U64(hdr->buf[18], 62); /* e_machine EM_X86_64 */
	uint16_t phnum = (uint16_t)(hdr->buf[56] | hdr->buf[57] << 8);
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = hdr->buf + 64 + 56 * i;
		if (le32(ph) != 1) /* PT_LOAD */
			continue;
		uint64_t paddr = le64(ph + 24), memsz = le64(ph + 40);
		CHECK(paddr + memsz <= cstart || paddr >= cend);
	}
	/* elfcorehdr= first on the command line, pointing at the header */
	char want[64];
	snprintf(want, sizeof(want), "elfcorehdr=0x%llx irqpoll nr_cpus=1", (unsigned long long)hdr->mem);
	CHECK(!strcmp((const char *)bp->buf + 4096, want));
	/* e820: RAM is only the low 640 KiB and the crash region minus the header */
	uint64_t ram = 0;
	int header_reserved = 0;
	for (unsigned int i = 0; i < bp->buf[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		uint64_t start = le64(e), end = start + le64(e + 8);
		if (le32(e + 16) == 1) {
			CHECK(end <= 0xa0000 || (start >= cstart && end <= cend));
			CHECK(end <= hdr->mem || start >= hdr->mem + hdr->memsz);
			ram += end - start;
		}
		if (le32(e + 16) == 2 && start == hdr->mem)
			header_reserved = 1;
	}
	CHECK_EQ_U64(ram, 0xa0000 + (cend - cstart) - hdr->memsz);
	CHECK(header_reserved);
	built_free(&b);
}

/* --hotplug: the header gets the room /sys/kernel/crash_elfcorehdr_size
 * asks for (the kernel rewrites it in place on CPU or memory hotplug), the
 * capture kernel keeps out of all of it, the purgatory does not check it,
 * and kexec_load gets KEXEC_UPDATE_ELFCOREHDR. */
KX_TEST(crash_hotplug_header)
{
	struct built b;
	struct kx_error err = { 0 };
	char root[1024];
	CHECK(read_fixture("crash-box") == 0);
	snprintf(root, sizeof(root), "%s/tests/fixtures/crash-box", kx_test_env("KX_SRCDIR", "."));
	CHECK(kx_crash_facts_read(&crash_facts, root, &err) == 0);
	/* the fixture's kernel (6.1) has no crash hotplug: refused, named */
	CHECK_EQ_U64(crash_facts.hotplug_elfcorehdr_size, 0);
	struct kx_plan_options o = { .crash = true, .crash_hotplug = true };
	CHECK(build(&b, "irqpoll", 3 * 4096, &o) < 0);
	CHECK_EQ_U64(b.err.status, KX_E_SYSTEM);
	CHECK(strstr(b.err.message, "/sys/kernel/crash_elfcorehdr_size is missing") != NULL);
	built_free(&b);

	/* 6.12 amd64: (2 + NR_CPUS 8192 + CRASH_MAX_MEMORY_RANGES 8192) * 56 */
	crash_facts.hotplug_elfcorehdr_size = 917616;
	int r = build(&b, "irqpoll", 3 * 4096, &o);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(b.plan.flags, (62UL << 16) | 1 | KX_KEXEC_UPDATE_ELFCOREHDR);
	const struct kx_segment *hdr = segment(&b.plan, "elfcorehdr"), *bp = segment(&b.plan, "boot_params"),
				 *pg = segment(&b.plan, "purgatory");
	CHECK(hdr && bp && pg);
	CHECK_EQ_U64(hdr->memsz, 0xe1000);
	CHECK(hdr->bufsz < hdr->memsz);
	CHECK(hdr->kernel_rewrites);
	/* the capture kernel's e820 reserves the whole room */
	int reserved = 0;
	for (unsigned int i = 0; i < bp->buf[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		if (le32(e + 16) == 2 && le64(e) == hdr->mem && le64(e + 8) == hdr->memsz)
			reserved = 1;
		if (le32(e + 16) == 1)
			CHECK(le64(e) + le64(e + 8) <= hdr->mem || le64(e) >= hdr->mem + hdr->memsz);
	}
	CHECK(reserved);
	/* the purgatory checks every segment but itself and the header */
	struct kx_purgatory_blob blob;
	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	const uint8_t *params = pg->buf + blob.params_offset;
	uint32_t nr = le32(params + offsetof(struct kx_purgatory_params, nr_regions));
	CHECK_EQ_U64(nr, b.plan.nr_segments - 2);
	for (uint32_t i = 0; i < nr; i++) {
		const uint8_t *region = params + offsetof(struct kx_purgatory_params, regions) +
					i * sizeof(struct kx_purgatory_region);
		CHECK(le64(region) != hdr->mem);
		CHECK(le64(region) != pg->mem);
	}
	built_free(&b);

	/* without --hotplug the same facts give a header of its own size, checked */
	o.crash_hotplug = false;
	CHECK(build(&b, "irqpoll", 3 * 4096, &o) == 0);
	hdr = segment(&b.plan, "elfcorehdr");
	CHECK(hdr && !hdr->kernel_rewrites && hdr->memsz == kx_align_up(hdr->bufsz, 4096));
	CHECK_EQ_U64(b.plan.flags, (62UL << 16) | 1);
	built_free(&b);
}

/* ---- crashkernel=X,high: crashk_res above 4 GiB, crashk_low_res below ---- */

#define LOW_START  0x2f000000ULL   /* crashk_low_res: 128 MiB in the fixture's System RAM */
#define LOW_END    0x37000000ULL
#define HIGH_START 0x270000000ULL  /* crashk_res: 256 MiB at the top of RAM above 4 GiB */
#define HIGH_END   0x280000000ULL

/* The crash-box facts with its region replaced by regions[n] and 4 GiB of
 * RAM above 4 GiB (past the fixture's 64-bit PCI window) in both /proc/iomem
 * and the firmware map, as a 5 GiB guest with crashkernel=,high shows it. */
static int crash_box_with(const uint64_t (*regions)[2], unsigned int n)
{
	struct kx_error err = { 0 };
	char root[1024];
	if (read_fixture("crash-box") < 0)
		return -1;
	snprintf(root, sizeof(root), "%s/tests/fixtures/crash-box", kx_test_env("KX_SRCDIR", "."));
	if (kx_crash_facts_read(&crash_facts, root, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	if (kx_memmap_add(&facts.iomem_ram, 0x180000000ULL, 0x280000000ULL, KX_MEM_RAM, &err) < 0 ||
	    kx_memmap_add(&facts.firmware_map, 0x180000000ULL, 0x280000000ULL, KX_MEM_RAM, &err) < 0)
		return -1;
	kx_memmap_sort(&facts.iomem_ram);
	kx_memmap_sort(&facts.firmware_map);
	facts.crash_regions.count = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (!kx_memmap_contains(&facts.iomem_ram, regions[i][0], regions[i][1])) {
			printf("#   crash region [0x%" PRIx64 ", 0x%" PRIx64 ") outside System RAM\n",
			       regions[i][0], regions[i][1]);
			return -1;
		}
		if (kx_memmap_add(&facts.crash_regions, regions[i][0], regions[i][1], KX_MEM_CRASH, &err) < 0)
			return -1;
	}
	return 0;
}

/* -p with a copy of the kernel `which` names (NULL: the synthetic bzImage of
 * synth.h; else a real Debian one, .cache/kernels/WHICH), its xloadflags
 * edited by edit. The ,high placement rules need no real kernel. */
static int build_crash(struct built *b, const char *which, void (*edit)(uint8_t *k), const char *cmdline)
{
	struct kx_file f = { .fd = -1 };
	size_t size;
	uint8_t *k;
	if (which) {
		if (kx_test_map_kernel(which, "vmlinuz", &f) < 0)
			return -2;
		k = kx_test_copy(&f);
		size = f.bytes.size;
		kx_file_close(&f);
	} else {
		k = kx_synth_bzimage(&size);
	}
	if (!k)
		return -2;
	if (edit)
		edit(k);
	struct kx_plan_options o = { .crash = true };
	int r = build_kernel(b, k, size, cmdline, 3 * 4096, &o);
	free(k);
	if (r < 0)
		printf("#   %s\n", b->err.message);
	return r;
}

static void print_segments(const struct kx_plan *p)
{
	for (unsigned int i = 0; i < p->nr_segments; i++)
		printf("#   %-12s [0x%" PRIx64 ", 0x%" PRIx64 ")\n", p->segments[i].name, p->segments[i].mem,
		       p->segments[i].mem + p->segments[i].memsz);
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end) { return a < b_end && b < a_end; }

/* The command line's address from cmd_line_ptr and ext_cmd_line_ptr. */
static uint64_t cmdline_addr(const struct kx_segment *bp)
{
	return le32(bp->buf + BZ_CMD_LINE_PTR) | (uint64_t)le32(bp->buf + BP_EXT_CMD_LINE_PTR) << 32;
}

/* crashk_low_res and crashk_res, with the kernel `which` (build_crash) */
static void high_and_low_regions(const char *which, int *kx_failed_)
{
	struct built b;
	static const uint64_t regions[][2] = { { LOW_START, LOW_END }, { HIGH_START, HIGH_END } };
	CHECK(crash_box_with(regions, 2) == 0);
	CHECK(build_crash(&b, which, NULL, "irqpoll nr_cpus=1") == 0);
	CHECK_EQ_U64(b.plan.flags, (62UL << 16) | 1);
	/* kexec_core.c takes crash segments only in crashk_res: the high one */
	bool inside = true;
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		const struct kx_segment *s = &b.plan.segments[i];
		inside = inside && s->mem >= HIGH_START && s->mem + s->memsz <= HIGH_END &&
			 !overlaps(s->mem, s->mem + s->memsz, LOW_START, LOW_END);
	}
	if (!inside)
		print_segments(&b.plan);
	CHECK(inside);
	const struct kx_segment *hdr = segment(&b.plan, "elfcorehdr"), *bp = segment(&b.plan, "boot_params");
	CHECK(hdr && bp && segment(&b.plan, "kernel") && segment(&b.plan, "initrd") && segment(&b.plan, "purgatory"));
	CHECK(segment(&b.plan, "kernel")->mem >= 4 * GiB); /* XLF_CAN_BE_LOADED_ABOVE_4G */
	/* the dump leaves out both regions */
	uint16_t phnum = (uint16_t)(hdr->buf[56] | hdr->buf[57] << 8);
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = hdr->buf + 64 + 56 * i;
		if (le32(ph) != 1) /* PT_LOAD */
			continue;
		uint64_t paddr = le64(ph + 24), end = paddr + le64(ph + 40);
		CHECK(!overlaps(paddr, end, LOW_START, LOW_END) && !overlaps(paddr, end, HIGH_START, HIGH_END));
	}
	/* elfcorehdr= first, pointing at the header */
	char want[64];
	snprintf(want, sizeof(want), "elfcorehdr=0x%" PRIx64 " irqpoll nr_cpus=1", hdr->mem);
	CHECK(!strcmp(b.plan.cmdline, want));
	/* boot_params had no room below 4 GiB: the command line's high half in ext_cmd_line_ptr */
	CHECK(bp->mem >= 4 * GiB);
	CHECK_EQ_U64(le32(bp->buf + BP_EXT_CMD_LINE_PTR), (bp->mem + 4096) >> 32);
	CHECK_EQ_U64(le32(bp->buf + BZ_CMD_LINE_PTR), (uint32_t)(bp->mem + 4096));
	CHECK(!strcmp((const char *)bp->buf + 4096, want));
	/* e820: RAM is the low 640 KiB, all of crashk_low_res (the capture
	 * kernel's DMA memory) and crashk_res minus the header, reserved */
	uint64_t ram_640k = 0, ram_low = 0, ram_high = 0;
	int header_reserved = 0;
	for (unsigned int i = 0; i < bp->buf[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		uint64_t start = le64(e), end = start + le64(e + 8);
		if (le32(e + 16) == 1) {
			CHECK(!overlaps(start, end, hdr->mem, hdr->mem + hdr->memsz));
			if (end <= 0xa0000)
				ram_640k += end - start;
			else if (start >= LOW_START && end <= LOW_END)
				ram_low += end - start;
			else if (start >= HIGH_START && end <= HIGH_END)
				ram_high += end - start;
			else
				CHECK(!"RAM outside 640 KiB and the crash regions");
		}
		if (le32(e + 16) == 2 && start == hdr->mem && end == hdr->mem + hdr->memsz)
			header_reserved = 1;
	}
	CHECK_EQ_U64(ram_640k, 0xa0000);
	CHECK_EQ_U64(ram_low, LOW_END - LOW_START);
	CHECK_EQ_U64(ram_high, HIGH_END - HIGH_START - hdr->memsz);
	CHECK(header_reserved);
	built_free(&b);
}

KX_TEST(crash_high_and_low_regions) { high_and_low_regions(NULL, kx_failed_); }

/* the same with Debian's real bzImage (its init_size, tens of MiB) */
KX_TEST(crash_high_and_low_regions_debian_kernel) { high_and_low_regions("bookworm-amd64", kx_failed_); }

/* crashkernel=256M,high crashkernel=0,low: nothing below 4 GiB, so
 * boot_params and the purgatory go above it too */
KX_TEST(crash_high_region_only)
{
	struct built b;
	static const uint64_t regions[][2] = { { HIGH_START, HIGH_END } };
	CHECK(crash_box_with(regions, 1) == 0);
	CHECK(build_crash(&b, NULL, NULL, "irqpoll") == 0);
	for (unsigned int i = 0; i < b.plan.nr_segments; i++) {
		const struct kx_segment *s = &b.plan.segments[i];
		CHECK(s->mem >= HIGH_START && s->mem + s->memsz <= HIGH_END);
	}
	const struct kx_segment *bp = segment(&b.plan, "boot_params"), *purg = segment(&b.plan, "purgatory");
	const struct kx_segment *hdr = segment(&b.plan, "elfcorehdr");
	CHECK(bp && purg && hdr);
	CHECK(bp->mem >= 4 * GiB && purg->mem >= 4 * GiB);
	/* cmd_line_ptr | ext_cmd_line_ptr << 32: the command line, inside the segment */
	uint64_t at = cmdline_addr(bp);
	CHECK(at >= 4 * GiB);
	CHECK(at >= bp->mem && at < bp->mem + bp->bufsz);
	char want[64];
	snprintf(want, sizeof(want), "elfcorehdr=0x%" PRIx64 " irqpoll", hdr->mem);
	CHECK(!strcmp(b.plan.cmdline, want));
	CHECK(bp->mem + bp->bufsz - at > strlen(want));
	CHECK(!strcmp((const char *)bp->buf + (at - bp->mem), want));
	/* the purgatory is entered first */
	CHECK_EQ_U64(b.plan.entry, purg->mem);
	/* e820: only the high region (minus the header) besides the low 640 KiB */
	uint64_t ram = 0;
	for (unsigned int i = 0; i < bp->buf[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		uint64_t start = le64(e), end = start + le64(e + 8);
		if (le32(e + 16) == 1) {
			CHECK(end <= 0xa0000 || (start >= HIGH_START && end <= HIGH_END));
			ram += end - start;
		}
	}
	CHECK_EQ_U64(ram, 0xa0000 + HIGH_END - HIGH_START - hdr->memsz);
	built_free(&b);
}

static void clear_can_be_loaded_above_4g(uint8_t *k) { k[BZ_XLOADFLAGS] &= (uint8_t)~XLF_CAN_BE_LOADED_ABOVE_4G; }

/* boot.rst: a kernel without XLF_CAN_BE_LOADED_ABOVE_4G stays below 4 GiB,
 * so a region only above it cannot take it: a named refusal */
KX_TEST(crash_high_only_refuses_a_below_4g_kernel)
{
	struct built b;
	static const uint64_t regions[][2] = { { HIGH_START, HIGH_END } };
	CHECK(crash_box_with(regions, 1) == 0);
	/* control: the same region takes the unedited kernel */
	CHECK(build_crash(&b, NULL, NULL, "irqpoll") == 0);
	built_free(&b);
	CHECK(build_crash(&b, NULL, clear_can_be_loaded_above_4g, "irqpoll") < 0);
	/* the region is big enough; this kernel cannot use it: exit 254, with what to boot with */
	CHECK(b.err.status == KX_E_NO_CRASH_REGION);
	CHECK_CONTAINS(b.err.message, " cannot be loaded above 4 GiB (xloadflags at 0x236 lacks "
			"XLF_CAN_BE_LOADED_ABOVE_4G) and the crash kernel region has no room below it: boot "
			"with crashkernel=SIZE (a region below 4 GiB) rather than ,high");
	built_free(&b);
	/* with crashk_low_res it still fails: segments go only in crashk_res */
	static const uint64_t both[][2] = { { LOW_START, LOW_END }, { HIGH_START, HIGH_END } };
	CHECK(crash_box_with(both, 2) == 0);
	CHECK(build_crash(&b, NULL, clear_can_be_loaded_above_4g, "irqpoll") < 0);
	CHECK(b.err.status == KX_E_NO_CRASH_REGION);
	CHECK_CONTAINS(b.err.message, " cannot be loaded above 4 GiB");
	built_free(&b);
	/* a region too small for any kernel stays a placement error ("too small" in the CLI) */
	static const uint64_t tiny[][2] = { { HIGH_START, HIGH_START + 0x200000 } };
	CHECK(crash_box_with(tiny, 1) == 0);
	CHECK(build_crash(&b, NULL, NULL, "irqpoll") < 0);
	CHECK(b.err.status == KX_E_PLAN);
	CHECK_CONTAINS(b.err.message, "kernel: no free RAM for 0x");
	built_free(&b);
}

/* ---- --pass-memmap-cmdline: the crash memory map as memmap= options ---- */

#define TINY_LOW_START 0x2e000000ULL  /* a 64 KiB crashk_low_res: RAM under 100 KiB, left out */
#define ACPI_START     0xe0000ULL      /* ACPI tables ending off a KiB boundary */
#define ACPI_END       0xe0a01ULL
#define NVS_START      0xe1000ULL
#define PRAM_START     0x1000000000ULL /* legacy persistent memory (e820 type 12), 256 MiB */

/* The crash-box facts plus a tiny low crash region and the firmware's
 * ACPI, NVS and PRAM ranges (the fixture, a SeaBIOS guest's iomem, has none). */
static int crash_box_for_memmap(void)
{
	struct kx_error err = { 0 };
	char root[1024];
	if (read_fixture("crash-box") < 0)
		return -1;
	snprintf(root, sizeof(root), "%s/tests/fixtures/crash-box", kx_test_env("KX_SRCDIR", "."));
	if (kx_crash_facts_read(&crash_facts, root, &err) < 0 ||
	    kx_memmap_add(&facts.crash_regions, TINY_LOW_START, TINY_LOW_START + 0x10000, KX_MEM_CRASH, &err) < 0 ||
	    kx_memmap_add(&facts.firmware_map, ACPI_START, ACPI_END, KX_MEM_ACPI, &err) < 0 ||
	    kx_memmap_add(&facts.firmware_map, NVS_START, NVS_START + 0x1000, KX_MEM_NVS, &err) < 0 ||
	    kx_memmap_add(&facts.firmware_map, PRAM_START, PRAM_START + 0x10000000, KX_MEM_PRAM, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	kx_memmap_sort(&facts.crash_regions);
	kx_memmap_sort(&facts.firmware_map);
	return 0;
}

/* The e820 table of a boot_params segment equals `map`, entry by entry. */
static bool e820_is(const struct kx_segment *bp, const struct kx_memmap *map)
{
	if (bp->buf[BP_E820_ENTRIES] != map->count)
		return false;
	for (unsigned int i = 0; i < map->count; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		const struct kx_range *r = &map->ranges[i];
		if (le64(e) != r->start || le64(e + 8) != r->end - r->start || le32(e + 16) != r->type)
			return false;
	}
	return true;
}

KX_TEST(crash_pass_memmap_cmdline)
{
	struct built b;
	CHECK(crash_box_for_memmap() == 0);
	struct kx_plan_options o = { .crash = true, .pass_memmap_cmdline = true };
	int r = build(&b, "irqpoll", 3 * 4096, &o);
	if (r < 0)
		printf("#   %s\n", b.err.message);
	CHECK(r == 0);
	const struct kx_segment *hdr = segment(&b.plan, "elfcorehdr"), *bp = segment(&b.plan, "boot_params");
	CHECK(hdr && bp);
	/* nokaslr (the decompressor would choose from the whole e820), then
	 * in address order: the low 640 KiB; the ACPI tables, their end
	 * 0xe0a01 rounded up to 899K; NVS; the 64 KiB low region left out;
	 * crashk_res (0x2f000000-0x3effffff) around the header, a piece
	 * under 100 KiB left out too; the persistent memory. Reserved ranges
	 * (the header among them) are not there. */
	uint64_t hdr_end = hdr->mem + hdr->memsz;
	char above[64] = "", want[512];
	if ((0x3f000000 - hdr_end) / 1024 >= 100)
		snprintf(above, sizeof(above), " memmap=%" PRIu64 "K@%" PRIu64 "K", (0x3f000000 - hdr_end) / 1024,
			 hdr_end / 1024);
	snprintf(want, sizeof(want), "elfcorehdr=0x%" PRIx64 " irqpoll nokaslr memmap=exactmap memmap=640K@0K "
		 "memmap=3K#896K memmap=4K#900K memmap=%" PRIu64 "K@770048K%s memmap=262144K!67108864K",
		 hdr->mem, (hdr->mem - 0x2f000000) / 1024, above);
	CHECK(!strcmp(b.plan.cmdline, want));
	if (strcmp(b.plan.cmdline, want))
		printf("#   got  %s\n#   want %s\n", b.plan.cmdline, want);
	CHECK(!strcmp((const char *)bp->buf + 4096, want));
	/* boot_params' e820: the machine's whole map, as for a normal load */
	CHECK(e820_is(bp, &facts.firmware_map));
	built_free(&b);

	/* without the option: the same crash map in the e820 (persistent
	 * memory too), nothing on the command line */
	o.pass_memmap_cmdline = false;
	CHECK(build(&b, "irqpoll", 3 * 4096, &o) == 0);
	bp = segment(&b.plan, "boot_params");
	CHECK(bp && !strstr(b.plan.cmdline, "memmap="));
	CHECK(!e820_is(bp, &facts.firmware_map));
	bool pram = false;
	for (unsigned int i = 0; i < bp->buf[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp->buf + BP_E820_TABLE + 20 * i;
		pram = pram || (le64(e) == PRAM_START && le32(e + 16) == KX_MEM_PRAM);
	}
	CHECK(pram);
	built_free(&b);
}

/* memmap= past COMMAND_LINE_SIZE: refused, naming the option (the kernel
 * would cut the command line silently, and the capture kernel would get
 * memmap=exactmap without its RAM) */
KX_TEST(crash_pass_memmap_cmdline_too_long)
{
	struct built b;
	CHECK(crash_box_for_memmap() == 0);
	char cmdline[1961];
	memset(cmdline, 'a', sizeof(cmdline) - 1);
	cmdline[sizeof(cmdline) - 1] = '\0';
	struct kx_plan_options o = { .crash = true };
	/* control: it fits with elfcorehdr= alone */
	CHECK(build(&b, cmdline, 3 * 4096, &o) == 0);
	built_free(&b);
	o.pass_memmap_cmdline = true;
	CHECK(build(&b, cmdline, 3 * 4096, &o) < 0);
	CHECK_EQ_U64(b.err.status, KX_E_USAGE);
	CHECK_CONTAINS(b.err.message, "bytes with nokaslr and the 6 memmap= options of --pass-memmap-cmdline added "
		       "(the capture kernel's memory map), more than 2047: x86_64 kernels keep COMMAND_LINE_SIZE (2048)");
	built_free(&b);
}

KX_TEST(golden_bios_box) { golden("bios-box", kx_failed_); }
KX_TEST(golden_efi_box) { golden("efi-box", kx_failed_); }

KX_TEST_MAIN(KX_CASE(dtb_as_setup_data), KX_CASE(bios_box_boot_params), KX_CASE(efi_box_boot_params),
	     KX_CASE(e820_beyond_128_entries_goes_to_setup_data), KX_CASE(refusals_name_the_rule),
	     KX_CASE(crash_kernel_sees_only_its_region), KX_CASE(crash_hotplug_header),
	     KX_CASE(crash_high_and_low_regions),
	     KX_CASE(crash_high_and_low_regions_debian_kernel),
	     KX_CASE(crash_high_region_only), KX_CASE(crash_high_only_refuses_a_below_4g_kernel),
	     KX_CASE(crash_pass_memmap_cmdline), KX_CASE(crash_pass_memmap_cmdline_too_long),
	     KX_CASE(golden_bios_box), KX_CASE(golden_efi_box))
