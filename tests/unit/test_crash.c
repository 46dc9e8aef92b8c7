// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash header (src/crash): range algebra as the loader uses it (RAM
 * minus crash regions minus the header itself), headers parsed back by a
 * small ELF reader written here (independent of the builder and of
 * core/bytes.h), refusals with their exact reasons, the kdump facts read
 * from a fixture captured in QEMU (tests/fixtures/crash-box, see
 * capture-crash.sh) and from broken trees made at test time, and a golden
 * summary + hex dump of the header built from that fixture
 * (tests/golden/crash-box.elfcorehdr). Set KX_UPDATE_GOLDEN=1 to rewrite
 * the golden file after a reviewed change.
 */
#include <elf.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/units.h"
#include "harness.h"
#include "core/bytes.h"
#include "crash/crash.h"
#include "system/facts.h"


/* ---- an independent reader of what the builder wrote ---- */

struct rd_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct rd_elf {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine, ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	uint32_t version, flags;
	uint64_t entry, phoff, shoff;
	struct rd_phdr *ph;            /* malloc'd, phnum entries */
};

static uint64_t le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* 0 when the buffer holds a complete ELF64 header and program header table. */
static int rd_parse(const uint8_t *buf, size_t size, struct rd_elf *e)
{
	memset(e, 0, sizeof(*e));
	if (size < 64)
		return -1;
	memcpy(e->ident, buf, EI_NIDENT);
	e->type = (uint16_t)le(buf + 16, 2);
	e->machine = (uint16_t)le(buf + 18, 2);
	e->version = (uint32_t)le(buf + 20, 4);
	e->entry = le(buf + 24, 8);
	e->phoff = le(buf + 32, 8);
	e->shoff = le(buf + 40, 8);
	e->flags = (uint32_t)le(buf + 48, 4);
	e->ehsize = (uint16_t)le(buf + 52, 2);
	e->phentsize = (uint16_t)le(buf + 54, 2);
	e->phnum = (uint16_t)le(buf + 56, 2);
	e->shentsize = (uint16_t)le(buf + 58, 2);
	e->shnum = (uint16_t)le(buf + 60, 2);
	e->shstrndx = (uint16_t)le(buf + 62, 2);
	if (e->phentsize != 56 || e->phoff > size || (size - e->phoff) / 56 < e->phnum)
		return -1;
	e->ph = calloc(e->phnum ? e->phnum : 1, sizeof(*e->ph));
	for (unsigned int i = 0; i < e->phnum; i++) {
		const uint8_t *p = buf + e->phoff + 56 * (uint64_t)i;
		e->ph[i] = (struct rd_phdr){ (uint32_t)le(p, 4), (uint32_t)le(p + 4, 4), le(p + 8, 8),
					     le(p + 16, 8), le(p + 24, 8), le(p + 32, 8),
					     le(p + 40, 8), le(p + 48, 8) };
	}
	return 0;
}

/* ---- inputs ---- */

static const struct kx_crash_note four_cpus[] = {
	{ 0x7fc1a400, 368 }, { 0x7fc5a400, 368 }, { 0x7fc9a400, 368 }, { 0x7fcda400, 368 },
};
static const struct kx_crash_text text_x86 = { 0xffffffff9a000000ULL, 0x1a000000, 0x3430000 };

static struct kx_memmap *map_of(const struct kx_range *r, unsigned int n)
{
	struct kx_memmap *m = calloc(1, sizeof(*m));
	for (unsigned int i = 0; i < n; i++)
		m->ranges[m->count++] = r[i];
	return m;
}

/* x86_64-like: RAM below 640K, 1M..2G, 4G..6G; crash region 512M..768M. */
static const struct kx_range ram3[] = {
	{ 4 * GiB, 6 * GiB, KX_MEM_RAM }, { 0x1000, 0x9f000, KX_MEM_RAM },
	{ MiB, 2 * GiB, KX_MEM_RAM },
};
static const struct kx_range crash1[] = { { 512 * MiB, 768 * MiB, KX_MEM_CRASH } };

static struct kx_crash_info base_info(struct kx_memmap *ram, struct kx_memmap *exclude)
{
	return (struct kx_crash_info){
		.e_machine = EM_X86_64,
		.cpu_notes = four_cpus,
		.nr_cpu_notes = 4,
		.vmcoreinfo = { 0x2d5f000, 0x1024 },
		.kernel_text = &text_x86,
		.have_linear_base = true,
		.linear_base = 0xffff888000000000ULL,
		.ram = ram,
		.exclude = exclude,
	};
}

/* ---- range algebra: RAM minus crash regions minus the header ---- */

struct subtract_case {
	const char *name;
	struct kx_range ram[4];
	struct kx_range minus[4];
	struct kx_range want[5];
};

static const struct subtract_case subtract_cases[] = {
	{ "crash region in the middle of RAM splits it",
	  { { MiB, 2 * GiB, 1 } }, { { 512 * MiB, 768 * MiB, 100 } },
	  { { MiB, 512 * MiB, 1 }, { 768 * MiB, 2 * GiB, 1 } } },
	{ "low and high crash regions",
	  { { 0x1000, 0x9f000, 1 }, { MiB, 3 * GiB, 1 }, { 4 * GiB, 8 * GiB, 1 } },
	  { { 7 * GiB, 8 * GiB, 100 }, { 16 * MiB, 272 * MiB, 100 } },
	  { { 0x1000, 0x9f000, 1 }, { MiB, 16 * MiB, 1 }, { 272 * MiB, 3 * GiB, 1 },
	    { 4 * GiB, 7 * GiB, 1 } } },
	{ "crash region at the start and at the end of a range",
	  { { MiB, 2 * GiB, 1 } }, { { MiB, 16 * MiB, 100 }, { GiB, 2 * GiB, 100 } },
	  { { 16 * MiB, GiB, 1 } } },
	{ "header inside the crash region changes nothing more",
	  { { MiB, 2 * GiB, 1 } }, { { 512 * MiB, 768 * MiB, 100 }, { 700 * MiB, 700 * MiB + 0x2000, 0 } },
	  { { MiB, 512 * MiB, 1 }, { 768 * MiB, 2 * GiB, 1 } } },
	{ "header outside the crash region splits RAM once more",
	  { { MiB, 2 * GiB, 1 } }, { { 512 * MiB, 768 * MiB, 100 }, { 100 * MiB, 100 * MiB + 0x2000, 0 } },
	  { { MiB, 100 * MiB, 1 }, { 100 * MiB + 0x2000, 512 * MiB, 1 }, { 768 * MiB, 2 * GiB, 1 } } },
	{ "overlapping exclusions",
	  { { 0, 1000, 1 } }, { { 100, 300, 0 }, { 200, 400, 0 }, { 350, 360, 0 } },
	  { { 0, 100, 1 }, { 400, 1000, 1 } } },
	{ "one exclusion over several ranges and the holes between",
	  { { 0, 100, 1 }, { 200, 300, 1 }, { 400, 500, 1 } }, { { 50, 450, 0 } },
	  { { 0, 50, 1 }, { 450, 500, 1 } } },
	{ "adjacent ranges, exclusion across the seam",
	  { { 0, 100, 1 }, { 100, 200, 1 } }, { { 90, 110, 0 } }, { { 0, 90, 1 }, { 110, 200, 1 } } },
	{ "exclusion outside RAM", { { MiB, 2 * MiB, 1 } }, { { 4 * GiB, 5 * GiB, 100 } },
	  { { MiB, 2 * MiB, 1 } } },
	{ "exclusions touching the edges", { { 100, 200, 1 } }, { { 0, 100, 0 }, { 200, 300, 0 } },
	  { { 100, 200, 1 } } },
	{ "everything excluded", { { 100, 200, 1 }, { 300, 400, 1 } }, { { 0, 1000, 0 } }, { { 0 } } },
	{ "nothing to exclude, input sorted", { { 300, 400, 1 }, { 100, 200, 1 } }, { { 0 } },
	  { { 100, 200, 1 }, { 300, 400, 1 } } },
	{ "empty RAM", { { 0 } }, { { 100, 200, 0 } }, { { 0 } } },
};

static unsigned int nr(const struct kx_range *r, unsigned int max)
{
	unsigned int n = 0;
	while (n < max && r[n].end)
		n++;
	return n;
}

KX_TEST(subtract_table)
{
	for (size_t i = 0; i < sizeof(subtract_cases) / sizeof(subtract_cases[0]); i++) {
		const struct subtract_case *c = &subtract_cases[i];
		struct kx_memmap *ram = map_of(c->ram, nr(c->ram, 4));
		struct kx_memmap *minus = map_of(c->minus, nr(c->minus, 4));
		static struct kx_memmap out;
		struct kx_error err = { 0 };
		printf("#   case: %s\n", c->name);
		int r = kx_memmap_subtract(ram, minus, &out, &err);
		free(ram);
		free(minus);
		CHECK(r == 0);
		unsigned int want = nr(c->want, 5);
		CHECK_EQ_U64(out.count, want);
		for (unsigned int k = 0; k < want; k++) {
			CHECK_EQ_U64(out.ranges[k].start, c->want[k].start);
			CHECK_EQ_U64(out.ranges[k].end, c->want[k].end);
		}
	}
}

KX_TEST(subtract_full_table_is_an_error)
{
	/* 1024 RAM ranges; one exclusion in the middle of one of them */
	static struct kx_memmap ram, minus, out;
	struct kx_error err = { 0 };
	ram.count = minus.count = 0;
	for (unsigned int i = 0; i < KX_MEMMAP_MAX; i++)
		ram.ranges[ram.count++] = (struct kx_range){ i * 2 * MiB, i * 2 * MiB + MiB, 1 };
	minus.ranges[minus.count++] = (struct kx_range){ 0x1000, 0x2000, 100 };
	CHECK(kx_memmap_subtract(&ram, &minus, &out, &err) < 0);
	CHECK(err.status == KX_E_SYSTEM);
	CHECK_CONTAINS(err.message, "refusing to drop any");
	CHECK_EQ_U64(ram.count, KX_MEMMAP_MAX); /* the input is const */

	/* through the builder: named, nothing built */
	struct kx_crash_info info = base_info(&ram, &minus);
	uint8_t *buf = NULL;
	size_t size = 0;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) < 0);
	CHECK(!buf);
	CHECK_CONTAINS(err.message, "crash header: excluding 0x1000-0x2000 would need more than");
}

/* ---- the header ---- */

KX_TEST(header_fields_parsed_back)
{
	struct kx_memmap *ram = map_of(ram3, 3), *exclude = map_of(crash1, 1);
	struct kx_crash_info info = base_info(ram, exclude);
	struct kx_error err = { 0 };
	uint8_t *buf = NULL;
	size_t size = 0, predicted = 0;
	struct rd_elf e;

	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK(kx_crash_elfcorehdr_size(&info, &predicted, &err) == 0);
	CHECK_EQ_U64(size, predicted);
	CHECK(rd_parse(buf, size, &e) == 0);
	static const uint8_t ident[EI_NIDENT] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB,
						  EV_CURRENT, ELFOSABI_NONE };
	CHECK(!memcmp(e.ident, ident, EI_NIDENT));
	CHECK_EQ_U64(e.type, ET_CORE);
	CHECK_EQ_U64(e.machine, EM_X86_64);
	CHECK_EQ_U64(e.version, EV_CURRENT);
	CHECK_EQ_U64(e.entry, 0);
	CHECK_EQ_U64(e.phoff, 64);
	CHECK_EQ_U64(e.shoff, 0);
	CHECK_EQ_U64(e.flags, 0);
	CHECK_EQ_U64(e.ehsize, 64);
	CHECK_EQ_U64(e.phentsize, 56);
	CHECK_EQ_U64(e.shentsize, 0);
	CHECK_EQ_U64(e.shnum, 0);
	CHECK_EQ_U64(e.shstrndx, 0);
	/* 4 CPU notes + VMCOREINFO + text + 4 RAM (the crash region splits one) */
	CHECK_EQ_U64(e.phnum, 4 + 1 + 1 + 4);
	CHECK_EQ_U64(size, 4096);
	for (unsigned int i = 0; i < 4; i++) {
		const struct rd_phdr *p = &e.ph[i];
		CHECK_EQ_U64(p->type, PT_NOTE);
		CHECK_EQ_U64(p->flags, 0);
		CHECK_EQ_U64(p->offset, four_cpus[i].addr);
		CHECK_EQ_U64(p->paddr, four_cpus[i].addr);
		CHECK_EQ_U64(p->vaddr, 0);
		CHECK_EQ_U64(p->filesz, 368);
		CHECK_EQ_U64(p->memsz, 368);
		CHECK_EQ_U64(p->align, 0);
	}
	CHECK_EQ_U64(e.ph[4].type, PT_NOTE);
	CHECK_EQ_U64(e.ph[4].offset, 0x2d5f000);
	CHECK_EQ_U64(e.ph[4].paddr, 0x2d5f000);
	CHECK_EQ_U64(e.ph[4].filesz, 0x1024);
	CHECK_EQ_U64(e.ph[4].memsz, 0x1024);
	const struct rd_phdr *t = &e.ph[5];
	CHECK_EQ_U64(t->type, PT_LOAD);
	CHECK_EQ_U64(t->flags, PF_R | PF_W | PF_X);
	CHECK_EQ_U64(t->vaddr, 0xffffffff9a000000ULL);
	CHECK_EQ_U64(t->paddr, 0x1a000000);
	CHECK_EQ_U64(t->offset, 0x1a000000);
	CHECK_EQ_U64(t->filesz, 0x3430000);
	CHECK_EQ_U64(t->memsz, 0x3430000);
	static const struct kx_range want[] = {
		{ 0x1000, 0x9f000, 1 }, { MiB, 512 * MiB, 1 }, { 768 * MiB, 2 * GiB, 1 },
		{ 4 * GiB, 6 * GiB, 1 },
	};
	for (unsigned int i = 0; i < 4; i++) {
		const struct rd_phdr *p = &e.ph[6 + i];
		printf("#   RAM PT_LOAD %u\n", i);
		CHECK_EQ_U64(p->type, PT_LOAD);
		CHECK_EQ_U64(p->flags, PF_R | PF_W | PF_X);
		CHECK_EQ_U64(p->offset, want[i].start);
		CHECK_EQ_U64(p->paddr, want[i].start);
		CHECK_EQ_U64(p->vaddr, 0xffff888000000000ULL + want[i].start);
		CHECK_EQ_U64(p->filesz, want[i].end - want[i].start);
		CHECK_EQ_U64(p->memsz, want[i].end - want[i].start);
		CHECK_EQ_U64(p->align, 0);
	}
	/* zero padding after the table */
	for (size_t k = 64 + 56 * (size_t)e.phnum; k < size; k++)
		CHECK(buf[k] == 0);
	free(e.ph);
	free(buf);
	free(ram);
	free(exclude);
}

KX_TEST(arm64_and_riscv64_without_text_or_linear_map)
{
	static const uint16_t machines[] = { EM_AARCH64, EM_RISCV };
	struct kx_memmap *ram = map_of(ram3, 3);
	for (unsigned int m = 0; m < 2; m++) {
		struct kx_crash_info info = base_info(ram, NULL);
		struct kx_error err = { 0 };
		uint8_t *buf = NULL;
		size_t size = 0;
		struct rd_elf e;
		info.e_machine = machines[m];
		info.kernel_text = NULL;
		info.have_linear_base = false;
		info.nr_cpu_notes = 1;
		CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
		CHECK(rd_parse(buf, size, &e) == 0);
		CHECK_EQ_U64(e.machine, machines[m]);
		CHECK_EQ_U64(e.phnum, 1 + 1 + 3);
		CHECK_EQ_U64(e.ph[0].type, PT_NOTE);
		CHECK_EQ_U64(e.ph[1].type, PT_NOTE);
		/* RAM follows VMCOREINFO directly, sorted, with p_vaddr 0 */
		CHECK_EQ_U64(e.ph[2].type, PT_LOAD);
		CHECK_EQ_U64(e.ph[2].paddr, 0x1000);
		CHECK_EQ_U64(e.ph[4].paddr, 4 * GiB);
		for (unsigned int i = 2; i < 5; i++)
			CHECK_EQ_U64(e.ph[i].vaddr, 0);
		free(e.ph);
		free(buf);
	}
	free(ram);
}

KX_TEST(linear_base_wraps_like_arm64)
{
	/* arm64: __va(p) = p - PHYS_OFFSET + PAGE_OFFSET, so the base is
	 * PAGE_OFFSET - PHYS_OFFSET modulo 2^64 */
	static const struct kx_range r[] = { { 0x40000000, 0x80000000, 1 } };
	struct kx_memmap *ram = map_of(r, 1);
	struct kx_crash_info info = base_info(ram, NULL);
	struct kx_error err = { 0 };
	uint8_t *buf = NULL;
	size_t size = 0;
	struct rd_elf e;
	info.e_machine = EM_AARCH64;
	info.linear_base = 0xffff000000000000ULL - 0x40000000ULL;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK(rd_parse(buf, size, &e) == 0);
	CHECK_EQ_U64(e.ph[e.phnum - 1].vaddr, 0xffff000000000000ULL);
	free(e.ph);
	free(buf);
	free(ram);
}

KX_TEST(header_itself_excluded_when_asked)
{
	/* The caller sizes the header, places it in RAM outside the crash
	 * region (the unusual case), and builds with its range excluded. */
	struct kx_memmap *ram = map_of(ram3, 3), *exclude = map_of(crash1, 1);
	struct kx_crash_info info = base_info(ram, exclude);
	struct kx_error err = { 0 };
	size_t planned = 0, size = 0;
	uint8_t *buf = NULL;
	struct rd_elf e;

	CHECK(kx_crash_elfcorehdr_size(&info, &planned, &err) == 0);
	uint64_t at = 100 * MiB;
	exclude->ranges[exclude->count++] = (struct kx_range){ at, at + planned, 0 };
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK((uint64_t)size <= kx_align_up(planned + KX_CRASH_PHDR_SIZE, KX_CRASH_HDR_ALIGN));
	CHECK(rd_parse(buf, size, &e) == 0);
	CHECK_EQ_U64(e.phnum, 4 + 1 + 1 + 5);
	for (unsigned int i = 0; i < e.phnum; i++) {
		const struct rd_phdr *p = &e.ph[i];
		if (p->type != PT_LOAD || p->vaddr == text_x86.vaddr)
			continue;
		/* no RAM PT_LOAD covers the header or the crash region */
		CHECK(p->paddr + p->memsz <= at || p->paddr >= at + planned);
		CHECK(p->paddr + p->memsz <= 512 * MiB || p->paddr >= 768 * MiB);
	}
	CHECK_EQ_U64(e.ph[7].paddr + e.ph[7].memsz, at);
	CHECK_EQ_U64(e.ph[8].paddr, at + planned);
	free(e.ph);
	free(buf);
	free(ram);
	free(exclude);
}

KX_TEST(size_is_a_page_multiple)
{
	/* 64 + 72 * 56 == 4096: one page; one more header: two pages */
	static struct kx_memmap ram;
	struct kx_error err = { 0 };
	ram.count = 0;
	for (unsigned int i = 0; i < 72 - 5; i++)
		ram.ranges[ram.count++] = (struct kx_range){ (i + 1) * 2 * MiB, (i + 1) * 2 * MiB + MiB, 1 };
	struct kx_crash_info info = base_info(&ram, NULL);
	info.kernel_text = NULL;
	size_t size = 0;
	uint8_t *buf = NULL;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK_EQ_U64(size, 4096);
	CHECK_EQ_U64(le(buf + 56, 2), 72);
	free(buf);
	info.kernel_text = &text_x86;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK_EQ_U64(size, 8192);
	CHECK_EQ_U64(le(buf + 56, 2), 73);
	free(buf);
}

KX_TEST(phnum_limit_without_pn_xnum)
{
	/* 0xfffe program headers are written as such; one more is refused */
	unsigned int cpus = KX_CRASH_PHNUM_MAX - 2;
	struct kx_crash_note *notes = malloc(sizeof(*notes) * (cpus + 1));
	static const struct kx_range r[] = { { MiB, GiB, 1 } };
	struct kx_memmap *ram = map_of(r, 1);
	struct kx_error err = { 0 };
	uint8_t *buf = NULL;
	size_t size = 0;
	struct rd_elf e;
	for (unsigned int i = 0; i <= cpus; i++)
		notes[i] = (struct kx_crash_note){ 0x10000000 + (uint64_t)i * 0x1000, 368 };
	struct kx_crash_info info = base_info(ram, NULL);
	info.kernel_text = NULL;
	info.cpu_notes = notes;
	info.nr_cpu_notes = cpus;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	CHECK(rd_parse(buf, size, &e) == 0);
	CHECK_EQ_U64(e.phnum, 0xfffe);
	CHECK_EQ_U64(e.shnum, 0);
	CHECK_EQ_U64(size, kx_align_up(64 + 0xfffeULL * 56, 4096));
	CHECK_EQ_U64(e.ph[cpus - 1].offset, 0x10000000 + (uint64_t)(cpus - 1) * 0x1000);
	CHECK_EQ_U64(e.ph[0xfffd].paddr, MiB);
	free(e.ph);
	free(buf);
	buf = NULL;
	info.nr_cpu_notes = cpus + 1;
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) < 0);
	CHECK(!buf);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "65535 program headers (65533 CPU notes, 1 RAM ranges) exceed 65534");
	CHECK_CONTAINS(err.message, "PN_XNUM");
	free(notes);
	free(ram);
}

/* ---- refusals ---- */

enum mutation {
	M_NO_CPUS, M_NOTE_SIZE_0, M_NOTE_ADDR_0, M_NOTE_WRAPS, M_VMCOREINFO_0, M_MACHINE,
	M_RAM_OVERLAP, M_RAM_EMPTY_RANGE, M_RAM_NONE_LEFT, M_RAM_NONE, M_EXCLUDE_INVERTED,
	M_TEXT_EMPTY, M_TEXT_WRAPS, M_NULL_RAM,
};

struct refusal {
	const char *name;
	enum mutation m;
	enum kx_status status;
	const char *error;
};

static const struct refusal refusals[] = {
	{ "no CPUs", M_NO_CPUS, KX_E_SYSTEM, "crash header: no per-CPU crash notes" },
	{ "zero-size CPU note", M_NOTE_SIZE_0, KX_E_SYSTEM,
	  "crash header: CPU note 2: note of size 0 at 0x7fc9a400" },
	{ "CPU note at address 0", M_NOTE_ADDR_0, KX_E_SYSTEM,
	  "crash header: CPU note 1: note at physical address 0" },
	{ "CPU note wrapping around", M_NOTE_WRAPS, KX_E_SYSTEM, "CPU note 3: note 0xffffffffffffff00 + 0x170 wraps" },
	{ "zero-size VMCOREINFO", M_VMCOREINFO_0, KX_E_SYSTEM, "crash header: VMCOREINFO 0: note of size 0" },
	{ "unknown e_machine", M_MACHINE, KX_E_USAGE, "e_machine 3 is not x86_64 (62)" },
	{ "overlapping RAM ranges", M_RAM_OVERLAP, KX_E_SYSTEM,
	  "RAM ranges 0x100000-0x80000000 and 0x40000000-0x80001000 overlap" },
	{ "empty RAM range", M_RAM_EMPTY_RANGE, KX_E_SYSTEM, "RAM range 0x5000-0x5000 is empty" },
	{ "no RAM left after the exclusions", M_RAM_NONE_LEFT, KX_E_SYSTEM,
	  "no RAM left to dump after excluding 1 range(s)" },
	{ "no RAM at all", M_RAM_NONE, KX_E_SYSTEM, "no RAM left to dump" },
	{ "inverted exclusion", M_EXCLUDE_INVERTED, KX_E_PLAN,
	  "crash header: range to exclude 0x30000000-0x20000000 is inverted" },
	{ "empty kernel text", M_TEXT_EMPTY, KX_E_SYSTEM, "size 0x0 is empty or wraps around" },
	{ "kernel text wrapping around", M_TEXT_WRAPS, KX_E_SYSTEM, "is empty or wraps around" },
	{ "no RAM map", M_NULL_RAM, KX_E_USAGE, "no RAM map" },
};

KX_TEST(refusals_name_the_rule)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *c = &refusals[i];
		printf("#   case: %s\n", c->name);
		/* pass 0 builds, pass 1 only asks for the size: same refusal */
		for (int pass = 0; pass < 2; pass++) {
			struct kx_memmap *ram = map_of(ram3, 3), *exclude = map_of(crash1, 1);
			struct kx_crash_info info = base_info(ram, exclude);
			struct kx_crash_note notes[4];
			struct kx_crash_text text = text_x86;
			struct kx_error err = { 0 };
			uint8_t *buf = NULL;
			size_t size = 0;

			memcpy(notes, four_cpus, sizeof(notes));
			info.cpu_notes = notes;
			info.kernel_text = &text;
			switch (c->m) {
			case M_NO_CPUS: info.nr_cpu_notes = 0; break;
			case M_NOTE_SIZE_0: notes[2].size = 0; break;
			case M_NOTE_ADDR_0: notes[1].addr = 0; break;
			case M_NOTE_WRAPS: notes[3].addr = 0xffffffffffffff00ULL; break;
			case M_VMCOREINFO_0: info.vmcoreinfo.size = 0; break;
			case M_MACHINE: info.e_machine = EM_386; break;
			case M_RAM_OVERLAP: ram->ranges[0] = (struct kx_range){ GiB, 2 * GiB + 0x1000, 1 }; break;
			case M_RAM_EMPTY_RANGE: ram->ranges[1] = (struct kx_range){ 0x5000, 0x5000, 1 }; break;
			case M_RAM_NONE_LEFT: exclude->ranges[0] = (struct kx_range){ 0, 8 * GiB, 100 }; break;
			case M_RAM_NONE: ram->count = 0; break;
			case M_EXCLUDE_INVERTED:
				exclude->ranges[0] = (struct kx_range){ 768 * MiB, 512 * MiB, 0 };
				break;
			case M_TEXT_EMPTY: text.size = 0; break;
			case M_TEXT_WRAPS: text.vaddr = 0xfffffffffff00000ULL; break;
			case M_NULL_RAM: info.ram = NULL; break;
			}
			int r = pass ? kx_crash_elfcorehdr_size(&info, &size, &err)
				     : kx_crash_elfcorehdr(&info, &buf, &size, &err);
			free(ram);
			free(exclude);
			CHECK(r < 0);
			CHECK(!buf);
			CHECK(err.status == c->status);
			CHECK_CONTAINS(err.message, c->error);
		}
	}
}

/* ---- facts from the captured fixture and from broken trees ---- */

static void fixture_root(char *buf, size_t size, const char *box)
{
	snprintf(buf, size, "%s/tests/fixtures/%s", kx_test_env("KX_SRCDIR", "."), box);
}

KX_TEST(crash_facts_from_qemu_fixture)
{
	static struct kx_crash_facts f;
	struct kx_error err = { 0 };
	char root[1024];
	fixture_root(root, sizeof(root), "crash-box");
	CHECK(kx_crash_facts_read(&f, root, &err) == 0);
	/* -smp 2,maxcpus=4: four possible CPUs, two with a sysfs folder */
	CHECK_EQ_U64(f.nr_possible, 4);
	CHECK_EQ_U64(f.nr_cpu_notes, 2);
	CHECK_EQ_U64(f.cpu_ids[0], 0);
	CHECK_EQ_U64(f.cpu_ids[1], 1);
	CHECK_EQ_U64(f.cpu_notes[0].addr, 0x3fc3a400);
	CHECK_EQ_U64(f.cpu_notes[0].size, 368);   /* crash_notes_size is decimal */
	CHECK_EQ_U64(f.cpu_notes[1].addr, 0x3fcba400);
	CHECK_EQ_U64(f.vmcoreinfo.addr, 0x11f2000);
	CHECK_EQ_U64(f.vmcoreinfo.size, 0x1024);  /* "%x": hex without 0x */
	/* /proc/kcore's RAM headers (KASLR'd direct map) and text header */
	CHECK(f.have_linear_base);
	CHECK_EQ_U64(f.linear_base, 0xffff8d1740000000ULL);
	CHECK(f.have_kernel_text);
	CHECK_EQ_U64(f.kernel_text.vaddr, 0xffffffffad600000ULL);
	CHECK_EQ_U64(f.kernel_text.paddr, 0x1c200000);  /* "Kernel code" in /proc/iomem */
	CHECK_EQ_U64(f.kernel_text.size, 0x3430000);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static int put(const char *root, const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (!text)
		return mkdir(path, 0755);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

struct facts_case {
	const char *name;
	const char *files[8][2];       /* path, content (NULL content: a folder) */
	const char *error;             /* NULL: must succeed */
	unsigned int nr_notes;
};

#define CPU0 { "sys/devices/system/cpu/cpu0/crash_notes", "7fc1a400\n" }, \
	     { "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n" }
#define VMCI { "sys/kernel/vmcoreinfo", "0x0000000002d5f000 1024\n" }

static const struct facts_case facts_cases[] = {
	{ "one CPU, no possible list, no kcore", { CPU0, VMCI }, NULL, 1 },
	{ "possible CPU without a folder is skipped",
	  { CPU0, VMCI, { "sys/devices/system/cpu/possible", "0-1\n" } }, NULL, 1 },
	{ "folder without crash_notes",
	  { CPU0, VMCI, { "sys/devices/system/cpu/cpu1", NULL } },
	  "/sys/devices/system/cpu/cpu1/crash_notes: unreadable or not a hex address", 0 },
	{ "crash_notes not hex",
	  { { "sys/devices/system/cpu/cpu0/crash_notes", "0xzz\n" },
	    { "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n" }, VMCI },
	  "cpu0/crash_notes: unreadable or not a hex address", 0 },
	{ "crash_notes_size not decimal",
	  { { "sys/devices/system/cpu/cpu0/crash_notes", "7fc1a400\n" },
	    { "sys/devices/system/cpu/cpu0/crash_notes_size", "0x170\n" }, VMCI },
	  "cpu0/crash_notes_size: unreadable or not a decimal size", 0 },
	{ "no CPU folder", { VMCI }, "/sys/devices/system/cpu: no CPU folders", 0 },
	{ "malformed possible list",
	  { CPU0, VMCI, { "sys/devices/system/cpu/possible", "3-1\n" } },
	  "/sys/devices/system/cpu/possible: not a CPU list", 0 },
	/* KX_CRASH_CPUS_MAX: CPUs 0 to 8191, at the cap and one over */
	{ "possible list up to CPU 8191",
	  { CPU0, VMCI, { "sys/devices/system/cpu/possible", "0-8191\n" } }, NULL, 1 },
	{ "CPU 8191 has its note",
	  { CPU0, VMCI, { "sys/devices/system/cpu/possible", "0,8191\n" },
	    { "sys/devices/system/cpu/cpu8191/crash_notes", "7fc1a800\n" },
	    { "sys/devices/system/cpu/cpu8191/crash_notes_size", "368\n" } }, NULL, 2 },
	{ "possible list beyond CPU 8191",
	  { CPU0, VMCI, { "sys/devices/system/cpu/possible", "0-8192\n" } },
	  "/sys/devices/system/cpu/possible: a CPU numbered 8192 or more: kexec-ng describes CPUs 0 to 8191", 0 },
	{ "no possible list, folder cpu8191",
	  { CPU0, VMCI, { "sys/devices/system/cpu/cpu8191/crash_notes", "7fc1a800\n" },
	    { "sys/devices/system/cpu/cpu8191/crash_notes_size", "368\n" } }, NULL, 2 },
	{ "no possible list, folder cpu8192",
	  { CPU0, VMCI, { "sys/devices/system/cpu/cpu8192", NULL } },
	  "/sys/devices/system/cpu: a CPU numbered 8192 or more: kexec-ng describes CPUs 0 to 8191", 0 },
	{ "no vmcoreinfo", { CPU0 }, "/sys/kernel/vmcoreinfo: unreadable", 0 },
	{ "vmcoreinfo without a size",
	  { CPU0, { "sys/kernel/vmcoreinfo", "0x0000000002d5f000\n" } },
	  "/sys/kernel/vmcoreinfo: expected \"ADDR SIZE\" in hex", 0 },
	{ "kcore that is not ELF is ignored", { CPU0, VMCI, { "proc/kcore", "not an ELF file" } },
	  NULL, 1 },
};

KX_TEST(crash_facts_from_broken_trees)
{
	for (size_t i = 0; i < sizeof(facts_cases) / sizeof(facts_cases[0]); i++) {
		const struct facts_case *c = &facts_cases[i];
		static struct kx_crash_facts f;
		struct kx_error err = { 0 };
		char root[] = "/tmp/kx-crash-facts-XXXXXX";
		printf("#   case: %s\n", c->name);
		CHECK(mkdtemp(root));
		for (unsigned int k = 0; k < 8 && c->files[k][0]; k++)
			CHECK(put(root, c->files[k][0], c->files[k][1]) == 0);
		int r = kx_crash_facts_read(&f, root, &err);
		nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		if (c->error) {
			CHECK(r < 0);
			CHECK(err.status == KX_E_SYSTEM);
			CHECK_CONTAINS(err.message, root);
			CHECK_CONTAINS(err.message, c->error);
		} else {
			CHECK(r == 0);
			CHECK_EQ_U64(f.nr_cpu_notes, c->nr_notes);
			CHECK_EQ_U64(f.vmcoreinfo.size, 0x1024);
			CHECK(!f.have_linear_base && !f.have_kernel_text);
		}
	}
}

/* A possible list that does not fit the 4 KiB read is refused, not cut
 * (the cut could drop CPUs or shorten a number). */
KX_TEST(possible_list_too_long)
{
	static struct kx_crash_facts f;
	static char list[8192];
	struct kx_error err = { 0 };
	char root[] = "/tmp/kx-crash-facts-XXXXXX";
	size_t len = 0;
	for (unsigned int cpu = 0; cpu < 8192 && len < 4200; cpu += 2)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%u,", cpu);
	list[len - 1] = '\n';
	CHECK(mkdtemp(root));
	CHECK(put(root, "sys/devices/system/cpu/possible", list) == 0);
	CHECK(put(root, "sys/devices/system/cpu/cpu0/crash_notes", "7fc1a400\n") == 0);
	CHECK(put(root, "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n") == 0);
	CHECK(put(root, "sys/kernel/vmcoreinfo", "0x0000000002d5f000 1024\n") == 0);
	int r = kx_crash_facts_read(&f, root, &err);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	CHECK(r < 0);
	CHECK_CONTAINS(err.message, "/sys/devices/system/cpu/possible: longer than 4095 bytes");
}

/* `n` entries 0..n-1 of the numbered folder `rel` under `root`, each with
 * the files `names` holding `values` ("%u" is the entry's number times
 * 0x2000). */
static int numbered_folders(const char *root, const char *rel, unsigned int n, const char *const *names,
			    const char *const *values, unsigned int nr_files)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < nr_files; k++) {
			char path[256], text[64];
			snprintf(path, sizeof(path), "%s/%u/%s", rel, i, names[k]);
			snprintf(text, sizeof(text), values[k], i * 0x2000u);
			if (put(root, path, text) < 0)
				return -1;
		}
	return 0;
}

/*
 * The tables of the facts, each at its cap and one over: KX_MEMMAP_MAX
 * entries of /sys/firmware/memmap and System RAM lines of /proc/iomem,
 * KX_EFI_RUNTIME_MAX entries of the EFI runtime map; and reserved ranges
 * that would split the RAM table past KX_MEMMAP_MAX (they used to be left
 * in the RAM handed out, silently).
 */
KX_TEST(facts_table_caps)
{
	static struct kx_facts facts;
	static struct kx_memmap usable;
	struct kx_error err = { 0 };
	char root[] = "/tmp/kx-facts-caps-XXXXXX";
	static const char *const mm_names[] = { "start", "end", "type" };
	static const char *const mm_values[] = { "0x%x", "0x%x", "System RAM" };
	static const char *const efi_names[] = { "type", "phys_addr", "num_pages", "virt_addr", "attribute" };
	static const char *const efi_values[] = { "5", "0x%x", "1", "0", "0x800000000000000f" };

	CHECK(mkdtemp(root));
	CHECK(put(root, "kexec-ng-random", "0123456789012345678901234567890123456789012345678901234567890123") == 0);
	CHECK(numbered_folders(root, "sys/firmware/memmap", KX_MEMMAP_MAX, mm_names, mm_values, 3) == 0);
	CHECK(put(root, "sys/firmware/efi/fw_platform_size", "64\n") == 0);
	CHECK(numbered_folders(root, "sys/firmware/efi/runtime-map", KX_EFI_RUNTIME_MAX, efi_names, efi_values,
			       5) == 0);
	int r = kx_facts_read_fixture(&facts, root, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(facts.firmware_map.count, KX_MEMMAP_MAX);
	CHECK(facts.efi);
	CHECK_EQ_U64(facts.efi_runtime_count, KX_EFI_RUNTIME_MAX);
	CHECK_EQ_U64(facts.efi_runtime_map[KX_EFI_RUNTIME_MAX - 1].phys_addr, (KX_EFI_RUNTIME_MAX - 1) * 0x2000u);

	CHECK(put(root, "sys/firmware/efi/runtime-map/256/type", "5") == 0);
	r = kx_facts_read_fixture(&facts, root, &err);
	CHECK(r < 0);
	CHECK_EQ_U64(err.status, KX_E_SYSTEM);
	CHECK_CONTAINS(err.message, "/sys/firmware/efi/runtime-map has more than 256 entries, the most kexec-ng "
		       "hands on");
	CHECK(put(root, "sys/firmware/memmap/1024/type", "System RAM") == 0);
	r = kx_facts_read_fixture(&facts, root, &err);
	CHECK(r < 0);
	CHECK_EQ_U64(err.status, KX_E_SYSTEM);
	CHECK_CONTAINS(err.message, "/sys/firmware/memmap has more than 1024 entries, the most kexec-ng reads");
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	/* /proc/iomem: 1024 System RAM lines, then 1025 */
	static char iomem[1100 * 40];
	size_t len = 0;
	for (unsigned int i = 0; i < KX_MEMMAP_MAX; i++)
		len += (size_t)snprintf(iomem + len, sizeof(iomem) - len, "%08x-%08x : System RAM\n",
					i * 0x2000u, i * 0x2000u + 0xfffu);
	char root2[] = "/tmp/kx-facts-caps-XXXXXX";
	CHECK(mkdtemp(root2));
	CHECK(put(root2, "kexec-ng-random", "0123456789012345678901234567890123456789012345678901234567890123") == 0);
	CHECK(put(root2, "proc/iomem", iomem) == 0);
	r = kx_facts_read_fixture(&facts, root2, &err);
	CHECK(r == 0);
	CHECK_EQ_U64(facts.iomem_ram.count, KX_MEMMAP_MAX);
	CHECK(kx_facts_usable_ram(&facts, &usable, &err) == 0);
	CHECK_EQ_U64(usable.count, KX_MEMMAP_MAX);
	/* a reserved range inside one of them: the split has no room */
	CHECK(kx_memmap_add(&facts.iomem_reserved, 0x2400, 0x2800, KX_MEM_RESERVED, &err) == 0);
	CHECK(kx_facts_usable_ram(&facts, &usable, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_SYSTEM);
	CHECK_CONTAINS(err.message, "excluding 0x2400-0x2800 would need more than 1024 memory ranges");

	snprintf(iomem + len, sizeof(iomem) - len, "%08x-%08x : System RAM\n", 0x10000000u, 0x10000fffu);
	CHECK(put(root2, "proc/iomem", iomem) == 0);
	r = kx_facts_read_fixture(&facts, root2, &err);
	nftw(root2, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	CHECK(r < 0);
	CHECK_EQ_U64(err.status, KX_E_SYSTEM);
	CHECK_CONTAINS(err.message, "more than 1024 memory ranges; refusing to drop any");
}

/*
 * A /proc/kcore with more program headers than the first 64 KiB of the file
 * hold (a machine with many vmalloc areas or memory sections): the RAM and
 * text headers come last. The note is a pre-4.19 kernel's, without
 * VMCOREINFO, and runs past the end of the file: only the headers are read.
 */
static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_kcore_phdr(uint8_t *p, uint32_t type, uint64_t offset, uint64_t vaddr,
			   uint64_t paddr, uint64_t size)
{
	put_le(p + 0, type, 4);
	put_le(p + 4, type == PT_LOAD ? 7 : 0, 4);
	put_le(p + 8, offset, 8);
	put_le(p + 16, vaddr, 8);
	put_le(p + 24, paddr, 8);
	put_le(p + 32, size, 8);
	put_le(p + 40, size, 8);
	put_le(p + 48, type == PT_LOAD ? 0x1000 : 0, 8);
}

KX_TEST(crash_facts_from_kcore_with_many_headers)
{
	enum { VMALLOC = 1300, PHNUM = 1 + VMALLOC + 3 };
	const uint64_t page_offset = 0xffff888000000000ULL, data = 0x100000;
	size_t size = 64 + (size_t)PHNUM * 56;
	uint8_t *k = calloc(1, size);
	static struct kx_crash_facts f;
	struct kx_error err = { 0 };
	char root[] = "/tmp/kx-crash-kcore-XXXXXX", path[64];

	CHECK(k && size > 65536);
	memcpy(k, ELFMAG, SELFMAG);
	k[EI_CLASS] = ELFCLASS64;
	k[EI_DATA] = ELFDATA2LSB;
	k[EI_VERSION] = EV_CURRENT;
	put_le(k + 16, ET_CORE, 2);
	put_le(k + 18, EM_X86_64, 2);
	put_le(k + 20, EV_CURRENT, 4);
	put_le(k + 32, 64, 8);        /* e_phoff */
	put_le(k + 52, 64, 2);
	put_le(k + 54, 56, 2);
	put_le(k + 56, PHNUM, 2);
	uint8_t *ph = k + 64;
	put_kcore_phdr(ph, PT_NOTE, size, 0, 0, 0x2000);
	for (unsigned int i = 0; i < VMALLOC; i++) {   /* KCORE_VMALLOC: p_paddr -1 */
		uint64_t v = 0xffffc90000000000ULL + i * 0x10000ULL;
		put_kcore_phdr(ph += 56, PT_LOAD, v - page_offset + data, v, UINT64_MAX, 0x4000);
	}
	put_kcore_phdr(ph += 56, PT_LOAD, 0x7fff81000000ULL + data, 0xffffffff81000000ULL,
		       0x2c00000, 0x2400000);                         /* text */
	put_kcore_phdr(ph += 56, PT_LOAD, 0x100000 + data, page_offset + 0x100000, 0x100000,
		       0x7fee0000);                                   /* RAM */
	put_kcore_phdr(ph += 56, PT_LOAD, 0x1000 + data, page_offset + 0x1000, 0x1000,
		       0x9e000);                                      /* RAM, lowest */

	CHECK(mkdtemp(root));
	CHECK(put(root, "sys/devices/system/cpu/cpu0/crash_notes", "7fc1a400\n") == 0);
	CHECK(put(root, "sys/devices/system/cpu/cpu0/crash_notes_size", "368\n") == 0);
	CHECK(put(root, "sys/kernel/vmcoreinfo", "0x0000000002d5f000 1024\n") == 0);
	CHECK(put(root, "proc", NULL) == 0);
	snprintf(path, sizeof(path), "%s/proc/kcore", root);
	FILE *out = fopen(path, "wb");
	CHECK(out && fwrite(k, 1, size, out) == size && fclose(out) == 0);
	free(k);
	int r = kx_crash_facts_read(&f, root, &err);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	CHECK(r == 0);
	CHECK(f.have_linear_base);
	CHECK_EQ_U64(f.linear_base, page_offset);
	CHECK(f.have_kernel_text);
	CHECK_EQ_U64(f.kernel_text.vaddr, 0xffffffff81000000ULL);
	CHECK_EQ_U64(f.kernel_text.paddr, 0x2c00000);
	CHECK_EQ_U64(f.kernel_text.size, 0x2400000);
}

/* ---- golden: the header built from the captured fixture ---- */

static const char *type_name(uint32_t t)
{
	return t == PT_NOTE ? "NOTE" : t == PT_LOAD ? "LOAD" : "?";
}

/* What the independent reader sees, then the bytes up to the padding. */
static char *describe(const uint8_t *buf, size_t size)
{
	struct rd_elf e;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (rd_parse(buf, size, &e) < 0) {
		fprintf(f, "unparsable\n");
		fclose(f);
		return out;
	}
	fprintf(f, "size 0x%zx, e_type %u, e_machine %u, e_phnum %u\n", size, e.type, e.machine,
		e.phnum);
	fprintf(f, "%-4s %-5s %-4s %-18s %-18s %-18s %s\n", "#", "type", "flg", "offset",
		"vaddr", "paddr", "size");
	for (unsigned int i = 0; i < e.phnum; i++) {
		const struct rd_phdr *p = &e.ph[i];
		fprintf(f, "%-4u %-5s %-4x 0x%016llx 0x%016llx 0x%016llx 0x%08llx%s\n", i,
			type_name(p->type), p->flags, (unsigned long long)p->offset,
			(unsigned long long)p->vaddr, (unsigned long long)p->paddr,
			(unsigned long long)p->filesz, p->filesz == p->memsz ? "" : " (memsz differs)");
	}
	size_t used = 64 + 56 * (size_t)e.phnum;
	fprintf(f, "bytes 0x0-0x%zx (zero after):\n", used);
	for (size_t k = 0; k < used; k += 16) {
		fprintf(f, "%06zx ", k);
		for (size_t j = k; j < k + 16 && j < used; j++)
			fprintf(f, " %02x", buf[j]);
		fprintf(f, "\n");
	}
	free(e.ph);
	fclose(f);
	return out;
}

KX_TEST(golden_crash_box)
{
	static struct kx_facts facts;
	static struct kx_crash_facts cf;
	static struct kx_memmap ram;
	struct kx_error err = { 0 };
	char root[1024];
	uint8_t *buf = NULL;
	size_t size = 0;

	fixture_root(root, sizeof(root), "crash-box");
	CHECK(kx_facts_read_fixture(&facts, root, &err) == 0);
	CHECK(kx_crash_facts_read(&cf, root, &err) == 0);
	kx_memmap_select(&facts.iomem_ram, KX_MEM_RAM, &ram);
	CHECK_EQ_U64(facts.crash_regions.count, 1);
	struct kx_crash_info info = kx_crash_info_of(&facts, &cf, EM_X86_64, &ram);
	CHECK(kx_crash_elfcorehdr(&info, &buf, &size, &err) == 0);
	char *printed = describe(buf, size);
	free(buf);
	int same = kx_test_golden("crash-box.elfcorehdr", printed);
	free(printed);
	CHECK(same);
}

KX_TEST_MAIN(KX_CASE(subtract_table), KX_CASE(subtract_full_table_is_an_error),
	     KX_CASE(header_fields_parsed_back), KX_CASE(arm64_and_riscv64_without_text_or_linear_map),
	     KX_CASE(linear_base_wraps_like_arm64), KX_CASE(header_itself_excluded_when_asked),
	     KX_CASE(size_is_a_page_multiple), KX_CASE(phnum_limit_without_pn_xnum),
	     KX_CASE(refusals_name_the_rule), KX_CASE(crash_facts_from_qemu_fixture),
	     KX_CASE(crash_facts_from_broken_trees),
	     KX_CASE(crash_facts_from_kcore_with_many_headers), KX_CASE(golden_crash_box),
	     KX_CASE(possible_list_too_long), KX_CASE(facts_table_caps))
