// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-dmesg's library on synthetic ELF cores built here: a VMCOREINFO
 * note (the layout of Debian's 6.1/6.12 kernels: the offsets and sizes
 * log_buf_vmcoreinfo_setup() prints on x86_64, arm64 and riscv64) and one
 * PT_LOAD holding a hand-built lockless ring buffer — 8 descriptors whose
 * ids wrap around 2^62, a 128-byte text ring in its sixth wrap with a block
 * that wraps, a multi-line record, a continuation fragment, an empty line,
 * a record whose text was lost and one still reserved.
 *
 * The same ring is reached as /proc/kcore shows memory (PT_LOAD p_vaddr),
 * and as /proc/vmcore does (p_vaddr 0): through x86_64's phys_base and a
 * page-table walk, arm64's linear map and kimage_voffset, riscv64's
 * PAGE_OFFSET and va_kernel_pa_offset. Then broken copies, each with its
 * exact error, truncations at every length, and mangled bytes. Last, minimal
 * cores of real Debian 6.1 and 6.12 kernels (x86_64, arm64, riscv64) captured in QEMU
 * (tests/fixtures/vmcore/README.md).
 */
#include <elf.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "compress/compress.h"
#include "core/bytes.h"
#include "core/file.h"
#include "core/units.h"
#include "elfcore/elfcore.h"
#include "vmcore/vmcore.h"

/* --- the synthetic kernel memory ------------------------------------------ */

#define MEM_SIZE 0x8000u
#define OFF_PRB 0x000u        /* struct printk_ringbuffer *prb */
#define OFF_RB 0x100u         /* struct printk_ringbuffer */
#define OFF_DESCS 0x200u      /* 8 x prb_desc (24 bytes) */
#define OFF_INFOS 0x400u      /* 8 x printk_info (88 bytes) */
#define OFF_DATA 0xfc0u       /* 128 bytes: straddles a page boundary */
#define OFF_PGT 0x4000u       /* x86_64 page tables: PGD, PUD, PMD, PTE */

#define COUNT_BITS 3u
#define SIZE_BITS 7u
#define DATA_SIZE (1u << SIZE_BITS)
#define ID_MASK ((1ull << 62) - 1)
#define WRAP5 (5ull * DATA_SIZE)   /* lpos of index 0 in the sixth wrap */

/* printk_ringbuffer.h's layout on 64-bit Linux 6.1 and 6.12 */
#define LAYOUT_INFO \
	"SIZE(printk_ringbuffer)=88\n" \
	"OFFSET(printk_ringbuffer.desc_ring)=0\n" \
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n" \
	"OFFSET(printk_ringbuffer.fail)=80\n" \
	"SIZE(prb_desc_ring)=48\n" \
	"OFFSET(prb_desc_ring.count_bits)=0\n" \
	"OFFSET(prb_desc_ring.descs)=8\n" \
	"OFFSET(prb_desc_ring.infos)=16\n" \
	"OFFSET(prb_desc_ring.head_id)=24\n" \
	"OFFSET(prb_desc_ring.tail_id)=32\n" \
	"SIZE(prb_desc)=24\n" \
	"OFFSET(prb_desc.state_var)=0\n" \
	"OFFSET(prb_desc.text_blk_lpos)=8\n" \
	"SIZE(prb_data_blk_lpos)=16\n" \
	"OFFSET(prb_data_blk_lpos.begin)=0\n" \
	"OFFSET(prb_data_blk_lpos.next)=8\n" \
	"SIZE(printk_info)=88\n" \
	"OFFSET(printk_info.seq)=0\n" \
	"OFFSET(printk_info.ts_nsec)=8\n" \
	"OFFSET(printk_info.text_len)=16\n" \
	"OFFSET(printk_info.caller_id)=20\n" \
	"OFFSET(printk_info.dev_info)=24\n" \
	"SIZE(dev_printk_info)=64\n" \
	"OFFSET(dev_printk_info.subsystem)=0\n" \
	"LENGTH(printk_info_subsystem)=16\n" \
	"OFFSET(dev_printk_info.device)=16\n" \
	"LENGTH(printk_info_device)=48\n" \
	"SIZE(prb_data_ring)=32\n" \
	"OFFSET(prb_data_ring.size_bits)=0\n" \
	"OFFSET(prb_data_ring.data)=8\n" \
	"OFFSET(prb_data_ring.head_lpos)=16\n" \
	"OFFSET(prb_data_ring.tail_lpos)=24\n" \
	"SIZE(atomic_long_t)=8\n" \
	"OFFSET(atomic_long_t.counter)=0\n" \
	"SIZE(latched_seq)=24\n" \
	"OFFSET(latched_seq.val)=8\n"

enum { ST_RESERVED = 0, ST_COMMITTED = 1, ST_FINALIZED = 2, ST_REUSABLE = 3 };

struct rec {
	uint64_t seq, ts;
	const char *text;
	uint64_t begin, next;     /* lpos */
	int state;
	uint8_t flags;
	uint32_t caller;
};

/* ids of seq 0 start at DESC0_ID + 1 = 2^62 - 8 (count 8): seq 8 has id 0 */
static uint64_t id_of(uint64_t seq) { return (seq + (1ull << 62) - 8) & ID_MASK; }

static const struct rec records[] = {
	{ 6, 0, "Linux version 6.1", WRAP5 + 24, WRAP5 + 56, ST_FINALIZED, 2, 0x1 },
	{ 7, 1500000000, "two\nl\tn\x01", WRAP5 + 56, WRAP5 + 80, ST_FINALIZED, 2, 0x1 },
	{ 8, 2000001000, "foo", WRAP5 + 80, WRAP5 + 96, ST_FINALIZED, 0, 0x10 },
	{ 9, 2500000000, "bar", WRAP5 + 96, WRAP5 + 112, ST_COMMITTED, 8 | 2, 0x10 },
	{ 10, 3000000000, "", 3, 3, ST_FINALIZED, 2, 0x1 },                 /* EMPTY_LINE_LPOS */
	{ 11, 3500000000, "gone", 1, 1, ST_FINALIZED, 2, 0x1 },             /* FAILED_LPOS */
	/* 112 + 16 reaches the wrap: the block moves to index 0 of the next */
	{ 12, 4000000000, "wrapped!", WRAP5 + 112, WRAP5 + DATA_SIZE + 16, ST_FINALIZED, 2, 0x2 },
	{ 13, 4500000000, "half", WRAP5 + DATA_SIZE + 16, WRAP5 + DATA_SIZE + 32, ST_RESERVED, 0, 0x2 },
};
#define NR_RECORDS (sizeof(records) / sizeof(records[0]))

static const char expected_dmesg[] =
	"[    0.000000] Linux version 6.1\n"
	"[    1.500000] two\n"
	"[    1.500000] l\tn\\x01\n"
	"[    2.000001] foobar\n"
	"[    3.000000] \n"
	"[    4.000000] wrapped!\n";
static const char expected_raw[] = "Linux version 6.1\ntwo\nl\tn\x01\nfoobar\n\nwrapped!\n";

/* How one test core is laid out. */
struct cfg {
	uint16_t machine;
	uint64_t paddr;        /* physical address of the memory */
	uint64_t load_vaddr;   /* PT_LOAD p_vaddr (0: none, as /proc/vmcore may have) */
	uint64_t kvirt;        /* offset 0 through the kernel image mapping */
	uint64_t lvirt;        /* offset 0 through the linear map: the ring's arrays */
	bool dynamic;          /* prb -> the ring through the linear map */
	bool x86_pgt;          /* build init_top_pgt mapping lvirt in 4 KiB pages */
	const char *arch_info; /* more VMCOREINFO lines */
};

struct core {
	uint8_t *bytes;
	size_t size;
	size_t note_ph, load_ph;           /* file offsets of the two program headers */
	size_t note_off, note_size, mem_off;
	char info[8192];
};

static void put_data_block(uint8_t *data, const struct rec *r)
{
	uint64_t id = id_of(r->seq);
	uint64_t b = r->begin % DATA_SIZE;
	size_t len = strlen(r->text);

	if ((r->begin & 1) && (r->next & 1))
		return;
	kx_put_le64(data + b, id);
	if (r->begin / DATA_SIZE == r->next / DATA_SIZE) {
		memcpy(data + b + 8, r->text, len);
	} else {
		kx_put_le64(data, id);     /* wrapped: the data at index 0 */
		memcpy(data + 8, r->text, len);
	}
}

static void fill_ring(uint8_t *mem, const struct cfg *c)
{
	uint8_t *rb = mem + OFF_RB;
	uint64_t rb_addr = c->dynamic ? c->lvirt + OFF_RB : c->kvirt + OFF_RB;

	kx_put_le64(mem + OFF_PRB, rb_addr);
	kx_put_le32(rb + 0, COUNT_BITS);
	kx_put_le64(rb + 8, c->lvirt + OFF_DESCS);
	kx_put_le64(rb + 16, c->lvirt + OFF_INFOS);
	kx_put_le64(rb + 24, id_of(13));   /* head_id */
	kx_put_le64(rb + 32, id_of(6));    /* tail_id */
	kx_put_le32(rb + 48, SIZE_BITS);
	kx_put_le64(rb + 56, c->lvirt + OFF_DATA);
	kx_put_le64(rb + 64, WRAP5 + DATA_SIZE + 32);   /* head_lpos */
	kx_put_le64(rb + 72, WRAP5 + 24);               /* tail_lpos */
	memset(mem + OFF_DATA, 0xee, DATA_SIZE);
	for (size_t i = 0; i < NR_RECORDS; i++) {
		const struct rec *r = &records[i];
		unsigned int idx = (unsigned int)(r->seq & 7);
		uint8_t *d = mem + OFF_DESCS + idx * 24, *in = mem + OFF_INFOS + idx * 88;
		kx_put_le64(d, (uint64_t)r->state << 62 | id_of(r->seq));
		kx_put_le64(d + 8, r->begin);
		kx_put_le64(d + 16, r->next);
		kx_put_le64(in + 0, r->seq);
		kx_put_le64(in + 8, r->ts);
		kx_put_le16(in + 16, (uint16_t)strlen(r->text));
		in[18] = 0;                                  /* facility */
		in[19] = (uint8_t)(r->flags | 6 << 5);       /* flags:5, level:3 (KERN_INFO) */
		kx_put_le32(in + 20, r->caller);
		put_data_block(mem + OFF_DATA, r);
	}
}

/* x86_64: PGD -> PUD -> PMD -> PTE mapping lvirt's first four pages. */
static void fill_x86_pgt(uint8_t *mem, const struct cfg *c)
{
	uint64_t v = c->lvirt, p = c->paddr + OFF_PGT;
	kx_put_le64(mem + OFF_PGT + 0x0000 + ((v >> 39) & 511) * 8, (p + 0x1000) | 0x63);
	kx_put_le64(mem + OFF_PGT + 0x1000 + ((v >> 30) & 511) * 8, (p + 0x2000) | 0x63);
	kx_put_le64(mem + OFF_PGT + 0x2000 + ((v >> 21) & 511) * 8, (p + 0x3000) | 0x63);
	for (unsigned int i = 0; i < 4; i++)
		kx_put_le64(mem + OFF_PGT + 0x3000 + (((v >> 12) + i) & 511) * 8,
			    (c->paddr + i * 0x1000ull) | 0x63);
}

static void put_phdr(uint8_t *p, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr,
		     uint64_t size)
{
	kx_put_le32(p + offsetof(Elf64_Phdr, p_type), type);
	kx_put_le32(p + offsetof(Elf64_Phdr, p_flags), type == PT_LOAD ? 7 : 0);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_offset), off);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_vaddr), vaddr);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_paddr), paddr);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_filesz), size);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_memsz), size);
}

/* Build the core; `info_edit` (may be NULL) edits the VMCOREINFO text. */
static int build(struct core *k, const struct cfg *c, void (*info_edit)(char *info))
{
	char sym[512];
	size_t info_len, name_pad = 12;

	memset(k, 0, sizeof(*k));
	snprintf(sym, sizeof(sym),
		 "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\n"
		 "SYMBOL(prb)=%" PRIx64 "\nSYMBOL(printk_rb_static)=%" PRIx64 "\n"
		 "SYMBOL(clear_seq)=%" PRIx64 "\n",
		 c->kvirt + OFF_PRB, c->kvirt + OFF_RB, c->kvirt + 0x80);
	snprintf(k->info, sizeof(k->info), "%s%s%s", sym, LAYOUT_INFO, c->arch_info ? c->arch_info : "");
	if (info_edit)
		info_edit(k->info);
	info_len = strlen(k->info);

	k->note_ph = 64;
	k->load_ph = 64 + 56;
	k->note_off = 0x100;
	k->note_size = 12 + name_pad + kx_align_up(info_len, 4);
	k->mem_off = kx_align_up(k->note_off + k->note_size, 0x1000);
	k->size = k->mem_off + MEM_SIZE;
	k->bytes = calloc(1, k->size);
	if (!k->bytes)
		return -1;

	uint8_t *e = k->bytes;
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = ELFCLASS64;
	e[EI_DATA] = ELFDATA2LSB;
	e[EI_VERSION] = EV_CURRENT;
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_machine), c->machine);
	kx_put_le32(e + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	kx_put_le64(e + offsetof(Elf64_Ehdr, e_phoff), 64);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_ehsize), 64);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_phentsize), 56);
	kx_put_le16(e + offsetof(Elf64_Ehdr, e_phnum), 2);
	put_phdr(e + k->note_ph, PT_NOTE, k->note_off, 0, 0, k->note_size);
	put_phdr(e + k->load_ph, PT_LOAD, k->mem_off, c->load_vaddr, c->paddr, MEM_SIZE);

	uint8_t *n = e + k->note_off;
	kx_put_le32(n, 11);
	kx_put_le32(n + 4, (uint32_t)info_len);
	kx_put_le32(n + 8, 0);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 12 + name_pad, k->info, info_len);

	fill_ring(e + k->mem_off, c);
	if (c->x86_pgt)
		fill_x86_pgt(e + k->mem_off, c);
	return 0;
}

/* Run the whole library: open, read the log, format it. */
struct result {
	int rc;
	struct kx_error err;
	char *text;
	size_t len;
	struct kx_printk_log log;    /* counters only (storage freed) */
};

static struct result run_bytes(const uint8_t *bytes, size_t size, bool raw)
{
	struct result res = { 0 };
	struct kx_elfcore_mem mem = { bytes, size };
	struct kx_vmcore vc;
	struct kx_printk_log log;
	struct kx_dmesg_options opt = { .raw = raw };

	res.rc = kx_vmcore_open(&vc, "core", kx_elfcore_mem_reader(&mem), &res.err);
	if (res.rc < 0)
		return res;
	res.rc = kx_printk_read(&vc, &log, &res.err);
	if (res.rc == 0) {
		res.rc = kx_dmesg_format(&log, &opt, &res.text, &res.len, &res.err);
		res.log = log;
		res.log.records = NULL;
		res.log.storage = NULL;
		kx_printk_log_free(&log);
	}
	kx_vmcore_close(&vc);
	return res;
}

static struct result run(const struct core *k, bool raw)
{
	return run_bytes(k->bytes, k->size, raw);
}

#define CHECK_STR(a, b) do { \
	const char *kx_sa_ = (a), *kx_sb_ = (b); \
	if (!kx_sa_ || strcmp(kx_sa_, kx_sb_)) { \
		printf("#   %s:%d: got\n#     \"%s\"\n#   expected\n#     \"%s\"\n", __FILE__, \
		       __LINE__, kx_sa_ ? kx_sa_ : "(null)", kx_sb_); \
		*kx_failed_ = 1; \
		return; \
	} } while (0)

/* --- the configurations ------------------------------------------------------ */

/* x86_64 /proc/kcore: everything through PT_LOAD p_vaddr */
static const struct cfg kcore_x86 = {
	.machine = EM_X86_64, .paddr = 0x12000000, .load_vaddr = 0xffffffff82000000,
	.kvirt = 0xffffffff82000000, .lvirt = 0xffffffff82000000,
	.arch_info = "NUMBER(phys_base)=268435456\nSYMBOL(init_top_pgt)=ffffffff82004000\n"
		     "NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=1000000\n"
		     "NUMBER(KERNEL_IMAGE_SIZE)=1073741824\nNUMBER(sme_mask)=0\n",
};

/* x86_64 /proc/vmcore with p_vaddr 0: the static ring through phys_base */
static const struct cfg vmcore_x86_static = {
	.machine = EM_X86_64, .paddr = 0x12000000,
	.kvirt = 0xffffffff82000000, .lvirt = 0xffffffff82000000,
	.arch_info = "NUMBER(phys_base)=268435456\nSYMBOL(init_top_pgt)=ffffffff82004000\n"
		     "NUMBER(pgtable_l5_enabled)=0\n",
};

/* x86_64 /proc/vmcore, p_vaddr 0, a dynamic ring in the direct map
 * (page_offset_base 0xffff888000000000): the page tables are walked. */
static const struct cfg vmcore_x86_dynamic = {
	.machine = EM_X86_64, .paddr = 0x12000000,
	.kvirt = 0xffffffff82000000, .lvirt = 0xffff888012000000, .dynamic = true, .x86_pgt = true,
	.arch_info = "NUMBER(phys_base)=268435456\nSYMBOL(init_top_pgt)=ffffffff82004000\n"
		     "NUMBER(pgtable_l5_enabled)=0\nNUMBER(sme_mask)=0\n",
};

/* arm64 (VA_BITS 48): the kernel image at kimage_voffset, the ring's
 * arrays in the linear map from PAGE_OFFSET 0xffff000000000000 */
static const struct cfg vmcore_arm64 = {
	.machine = EM_AARCH64, .paddr = 0x41000000,
	.kvirt = 0xffff800081000000, .lvirt = 0xffff000001000000, .dynamic = true,
	.arch_info = "NUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff800040000000\n"
		     "NUMBER(PHYS_OFFSET)=0x40000000\nNUMBER(TCR_EL1_T1SZ)=0x10\n"
		     "KERNELOFFSET=0\nKERNELPACMASK=0x0\n",
};

/* riscv64 (sv57 PAGE_OFFSET, RAM at 0x80000000, kernel at 0x80200000) */
static const struct cfg vmcore_riscv64 = {
	.machine = EM_RISCV, .paddr = 0x82000000,
	.kvirt = 0xffffffff81e00000, .lvirt = 0xff60000002000000, .dynamic = true,
	.arch_info = "NUMBER(phys_ram_base)=2147483648\nNUMBER(PAGE_OFFSET)=0xff60000000000000\n"
		     "NUMBER(VMALLOC_START)=0xff20000000000000\nNUMBER(VMALLOC_END)=0xff5fffffffffffff\n"
		     "NUMBER(VA_BITS)=57\nNUMBER(MODULES_VADDR)=0xffffffff01e00000\n"
		     "NUMBER(MODULES_END)=0xffffffff80000000\n"
		     "NUMBER(KERNEL_LINK_ADDR)=0xffffffff80000000\n"
		     "NUMBER(va_kernel_pa_offset)=0xfffffffeffe00000\n",
};

static void check_good(int *kx_failed_, const struct cfg *c, bool want_dynamic)
{
	struct core k;
	CHECK(build(&k, c, NULL) == 0);
	struct result r = run(&k, false);
	if (r.rc < 0)
		printf("#   %s\n", r.err.message);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_dmesg);
	CHECK_EQ_U64(r.len, strlen(expected_dmesg));
	CHECK_EQ_U64(r.log.lost, 1);
	CHECK_EQ_U64(r.log.incomplete, 1);
	CHECK_EQ_U64(r.log.invalid, 0);
	CHECK(r.log.dynamic == want_dynamic);
	CHECK_EQ_U64(r.log.count_bits, COUNT_BITS);
	CHECK_EQ_U64(r.log.size_bits, SIZE_BITS);
	free(r.text);
	r = run(&k, true);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_raw);
	free(r.text);
	free(k.bytes);
}

KX_TEST(kcore_x86_64) { check_good(kx_failed_, &kcore_x86, false); }
KX_TEST(vmcore_x86_64_phys_base) { check_good(kx_failed_, &vmcore_x86_static, false); }
KX_TEST(vmcore_x86_64_page_walk) { check_good(kx_failed_, &vmcore_x86_dynamic, true); }
KX_TEST(vmcore_arm64_linear_map) { check_good(kx_failed_, &vmcore_arm64, true); }
KX_TEST(vmcore_riscv64_linear_map) { check_good(kx_failed_, &vmcore_riscv64, true); }

/* The translations themselves, address by address. */
KX_TEST(translations)
{
	static const struct {
		const struct cfg *c;
		uint64_t vaddr, paddr;
	} cases[] = {
		{ &vmcore_x86_static, 0xffffffff82000100, 0x12000100 },
		{ &vmcore_x86_static, 0xffffffff80000000, 0x10000000 },
		{ &vmcore_x86_dynamic, 0xffff888012000fc0, 0x12000fc0 },
		{ &vmcore_x86_dynamic, 0xffff888012001008, 0x12001008 },
		{ &vmcore_arm64, 0xffff000001000200, 0x41000200 },
		{ &vmcore_arm64, 0xffff800081000000, 0x41000000 },
		{ &vmcore_riscv64, 0xff60000002000400, 0x82000400 },
		{ &vmcore_riscv64, 0xffffffff81e00000, 0x82000000 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct core k;
		struct kx_vmcore vc;
		struct kx_error err = { 0 };
		struct kx_elfcore_mem mem;
		uint64_t paddr = 0, run_len = 0;
		CHECK(build(&k, cases[i].c, NULL) == 0);
		mem = (struct kx_elfcore_mem){ k.bytes, k.size };
		CHECK(kx_vmcore_open(&vc, "core", kx_elfcore_mem_reader(&mem), &err) == 0);
		if (kx_vmcore_vtop(&vc, cases[i].vaddr, &paddr, &run_len, &err) < 0)
			printf("#   case %zu: %s\n", i, err.message);
		CHECK_EQ_U64(paddr, cases[i].paddr);
		CHECK(run_len > 0);
		kx_vmcore_close(&vc);
		free(k.bytes);
	}
}

/* A page that is not mapped, by the walk. */
KX_TEST(x86_64_unmapped_page)
{
	struct core k;
	struct kx_vmcore vc;
	struct kx_error err = { 0 };
	struct kx_elfcore_mem mem;
	uint64_t paddr, run_len;
	CHECK(build(&k, &vmcore_x86_dynamic, NULL) == 0);
	mem = (struct kx_elfcore_mem){ k.bytes, k.size };
	CHECK(kx_vmcore_open(&vc, "core", kx_elfcore_mem_reader(&mem), &err) == 0);
	CHECK(kx_vmcore_vtop(&vc, 0xffff888012004000, &paddr, &run_len, &err) < 0);
	CHECK_STR(err.message, "virtual address 0xffff888012004000 is not mapped (PTE entry 4 at "
		  "physical 0x12007020 is 0x0)");
	kx_vmcore_close(&vc);
	free(k.bytes);
}

/* --- VMCOREINFO values ---------------------------------------------------- */

KX_TEST(vmcoreinfo_numbers)
{
	char info[] = "SYMBOL(a)=ffffffff81000000\nNUMBER(neg)=-4096\nNUMBER(hex)=0x1000\n"
		      "NUMBER(dec)=12\nOFFSET(s.f)=24\nKERNELOFFSET=1e000000\nNUMBER(bad)=12x\n"
		      "SYMBOL(ab)=10";
	struct kx_vmcore vc = { .name = (char *)"core", .info = info, .info_size = sizeof(info) - 1 };
	struct kx_error err = { 0 };
	uint64_t v;
	CHECK(kx_vmcoreinfo_get(&vc, "SYMBOL", "a", &v, &err) == 0);
	CHECK_EQ_U64(v, 0xffffffff81000000);
	CHECK(kx_vmcoreinfo_get(&vc, "NUMBER", "neg", &v, &err) == 0);
	CHECK_EQ_U64(v, (uint64_t)-4096);
	CHECK(kx_vmcoreinfo_get(&vc, "NUMBER", "hex", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x1000);
	CHECK(kx_vmcoreinfo_get(&vc, "NUMBER", "dec", &v, &err) == 0);
	CHECK_EQ_U64(v, 12);
	CHECK(kx_vmcoreinfo_get(&vc, "OFFSET", "s.f", &v, &err) == 0);
	CHECK_EQ_U64(v, 24);
	CHECK(kx_vmcoreinfo_get(&vc, "", "KERNELOFFSET", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x1e000000);
	/* the last line has no newline; "SYMBOL(a)" is not "SYMBOL(ab)" */
	CHECK(kx_vmcoreinfo_get(&vc, "SYMBOL", "ab", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x10);
	CHECK(kx_vmcoreinfo_get(&vc, "NUMBER", "bad", &v, &err) < 0);
	CHECK_STR(err.message, "core: VMCOREINFO NUMBER(bad)=12x is not a number");
	CHECK(kx_vmcoreinfo_get(&vc, "SYMBOL", "nope", &v, &err) < 0);
	CHECK_STR(err.message, "core: VMCOREINFO has no SYMBOL(nope)");
	CHECK(!kx_vmcoreinfo_has(&vc, "SYMBOL", "b"));
}

/* --- broken cores: one field each, the exact error -------------------------- */

static void expect_error(int *kx_failed_, const struct core *k, enum kx_status status,
			 const char *message)
{
	struct result r = run(k, false);
	CHECK(r.rc < 0);
	CHECK_EQ_U64(r.err.status, status);
	CHECK_STR(r.err.message, message);
}

static void drop_line(char *info, const char *prefix)
{
	char *p = strstr(info, prefix);
	if (p) {
		char *nl = strchr(p, '\n');
		memmove(p, nl + 1, strlen(nl + 1) + 1);
	}
}
static void no_prb(char *info) { drop_line(info, "SYMBOL(prb)="); }
static void legacy(char *info)
{
	drop_line(info, "SYMBOL(prb)=");
	strcat(info, "SYMBOL(log_buf)=ffffffff82000000\nSIZE(printk_log)=16\n");
}
static void no_state_var(char *info) { drop_line(info, "OFFSET(prb_desc.state_var)="); }
static void bad_offset(char *info)
{
	char *p = strstr(info, "OFFSET(printk_info.caller_id)=20");
	memcpy(p + strlen("OFFSET(printk_info.caller_id)="), "88", 2);
}

KX_TEST(broken_note_truncated)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	/* the segment ends 10 bytes into the VMCOREINFO text */
	kx_put_le64(k.bytes + k.note_ph + offsetof(Elf64_Phdr, p_filesz), 12 + 12 + 10);
	char want[256];
	snprintf(want, sizeof(want), "core: PT_NOTE 0: note at 0x0 (namesz 11, descsz %zu) runs past "
		 "p_filesz 0x22", strlen(k.info));
	expect_error(kx_failed_, &k, KX_E_INPUT, want);
	free(k.bytes);
}

KX_TEST(broken_file_ends_in_note)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	char want[256];
	snprintf(want, sizeof(want), "core: PT_NOTE 0 (p_offset 0x100, p_filesz 0x%zx): 0x%zx bytes at "
		 "file offset 0x100 run past the end of the file (0x200 bytes)", k.note_size, k.note_size);
	k.size = 0x200;
	expect_error(kx_failed_, &k, KX_E_INPUT, want);
	free(k.bytes);
}

KX_TEST(broken_symbol_missing)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, no_prb) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: VMCOREINFO has no SYMBOL(prb) (nor "
		     "SYMBOL(log_buf)): it does not say where the kernel log is");
	free(k.bytes);
	CHECK(build(&k, &kcore_x86, no_state_var) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: VMCOREINFO has no OFFSET(prb_desc.state_var)");
	free(k.bytes);
}

KX_TEST(unsupported_structured_buffer)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, legacy) == 0);
	expect_error(kx_failed_, &k, KX_E_FORMAT, "core: the kernel keeps its log in the structured "
		     "printk buffer of Linux 3.5 to 5.9 (VMCOREINFO has SYMBOL(log_buf), no SYMBOL(prb)); "
		     "only the lockless ring buffer of Linux 5.10 and later is read");
	free(k.bytes);
}

KX_TEST(broken_field_offset)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, bad_offset) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT,
		     "core: VMCOREINFO puts printk_info.caller_id at offset 88, beyond SIZE(printk_info)=88");
	free(k.bytes);
}

KX_TEST(broken_descriptors_out_of_range)
{
	struct core k;
	uint8_t *rb;
	/* descs points past the end of the memory */
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	rb = k.bytes + k.mem_off + OFF_RB;
	kx_put_le64(rb + 8, kcore_x86.lvirt + MEM_SIZE - 0x40);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: desc_ring.descs (prb_desc array) at "
		     "0xffffffff82008000 (physical 0x12008000): 0x80 bytes not in the core file "
		     "(no PT_LOAD holds them)");
	free(k.bytes);
	/* tail_id .. head_id covers more descriptors than the ring has */
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	rb = k.bytes + k.mem_off + OFF_RB;
	kx_put_le64(rb + 32, id_of(5));
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: "
		     "desc_ring tail_id 0x3ffffffffffffffd to head_id 0x5 is 9 descriptors, but the "
		     "ring has 8");
	free(k.bytes);
	/* count_bits absurd */
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	rb = k.bytes + k.mem_off + OFF_RB;
	kx_put_le32(rb + 0, 40);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: "
		     "desc_ring.count_bits 40: more than 2^26 descriptors (a 2 GiB log_buf_len, the kernel's "
		     "largest, has 2^26)");
	free(k.bytes);
	/* a vmcore without p_vaddr: infos outside the linear map (arm64) */
	CHECK(build(&k, &vmcore_arm64, NULL) == 0);
	rb = k.bytes + k.mem_off + OFF_RB;
	kx_put_le64(rb + 16, 0x0000000000001000);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: desc_ring.infos (printk_info array): virtual "
		     "address 0x1000 is in no PT_LOAD and outside the linear map and kernel image that "
		     "VMCOREINFO describes");
	free(k.bytes);
}

KX_TEST(broken_data_past_load)
{
	struct core k;
	uint8_t *rb;
	/* the text ring's last 0x40 bytes lie beyond the PT_LOAD */
	CHECK(build(&k, &vmcore_x86_static, NULL) == 0);
	rb = k.bytes + k.mem_off + OFF_RB;
	kx_put_le64(rb + 56, vmcore_x86_static.lvirt + MEM_SIZE - 0x40);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: text_data_ring.data at 0xffffffff82008000 "
		     "(physical 0x12008000): 0x40 bytes not in the core file (no PT_LOAD holds them)");
	free(k.bytes);
	/* the PT_LOAD itself runs past the end of a truncated file */
	CHECK(build(&k, &vmcore_x86_static, NULL) == 0);
	k.size = k.mem_off + OFF_DATA + 0x10;
	char want[320];
	/* (found before anything is allocated for it: the last byte is probed) */
	snprintf(want, sizeof(want), "core: text_data_ring.data at 0xffffffff82000fc0 (physical "
		 "0x12000fc0): 0x80 bytes at file offset 0x%zx run past the end of the file",
		 k.mem_off + OFF_DATA);
	expect_error(kx_failed_, &k, KX_E_INPUT, want);
	free(k.bytes);
}

/*
 * A text ring of 2^31 bytes (size_bits 31, the most the kernel allows) in a
 * core of a few KiB: refused because the core does not hold it, before
 * anything is allocated for it (vmcore-dmesg used to malloc 2 GiB first).
 * Outside ASan the child runs with 1 GiB of address space, so an allocation
 * first would say "out of memory" instead.
 */
KX_TEST(ring_size_checked_before_allocation)
{
	struct core k;
	CHECK(build(&k, &vmcore_x86_static, NULL) == 0);
	kx_put_le32(k.bytes + k.mem_off + OFF_RB + 48, 31);
	const char *want = "core: text_data_ring.data at 0xffffffff82008000 (physical 0x12008000): "
			   "0x3dff8000 bytes not in the core file (no PT_LOAD holds them)";
#ifndef __SANITIZE_ADDRESS__
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 1ull << 30, 1ull << 30 };
		if (setrlimit(RLIMIT_AS, &lim) < 0)
			_exit(2);
		struct result r = run(&k, false);
		if (r.rc < 0 && !strcmp(r.err.message, want))
			_exit(0);
		printf("#   in 1 GiB: %s\n", r.rc < 0 ? r.err.message : "read");
		fflush(stdout);
		_exit(1);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#endif
	expect_error(kx_failed_, &k, KX_E_INPUT, want);
	free(k.bytes);
}

KX_TEST(not_a_kernel_core)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	k.bytes[0] = 'X';
	expect_error(kx_failed_, &k, KX_E_FORMAT, "core: not an ELF core file (no ELF magic)");
	memcpy(k.bytes, "KDUMP   ", 8);
	expect_error(kx_failed_, &k, KX_E_FORMAT, "core: a makedumpfile compressed (kdump) dump, not an "
		     "ELF core file: read its log with makedumpfile --dump-dmesg or crash");
	memcpy(k.bytes, ELFMAG, SELFMAG);
	k.bytes[EI_CLASS] = ELFCLASS64;
	k.bytes[EI_DATA] = ELFDATA2LSB;
	k.bytes[EI_VERSION] = EV_CURRENT;
	kx_put_le16(k.bytes + offsetof(Elf64_Ehdr, e_type), ET_EXEC);
	expect_error(kx_failed_, &k, KX_E_FORMAT, "core: e_type 2: not a core file (ET_CORE is 4)");
	kx_put_le16(k.bytes + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	memcpy(k.bytes + k.note_off + 12, "CORE\0\0\0\0\0\0\0", 11);
	expect_error(kx_failed_, &k, KX_E_FORMAT, "core: no VMCOREINFO note: not a kernel core file "
		     "this tool reads (/proc/kcore has one since Linux 4.19)");
	free(k.bytes);
}

/* A PT_LOAD whose p_offset + p_filesz wraps (riscv64's /proc/kcore has them
 * for the regions below PAGE_OFFSET) is skipped, not fatal. */
KX_TEST(unreadable_load_is_skipped)
{
	struct core k;
	struct kx_vmcore vc;
	struct kx_error err = { 0 };
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	kx_put_le16(k.bytes + offsetof(Elf64_Ehdr, e_phnum), 3);
	put_phdr(k.bytes + 64 + 2 * 56, PT_LOAD, 0xffc0000000002000, 0xff20000000000000, UINT64_MAX,
		 0x40000000000000);
	struct kx_elfcore_mem mem = { k.bytes, k.size };
	CHECK(kx_vmcore_open(&vc, "core", kx_elfcore_mem_reader(&mem), &err) == 0);
	CHECK_EQ_U64(vc.nr_loads, 1);
	CHECK_EQ_U64(vc.nr_unreadable, 1);
	kx_vmcore_close(&vc);
	struct result r = run(&k, false);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_dmesg);
	free(r.text);
	free(k.bytes);
}

/* One record's descriptor broken: skipped and counted, the rest printed. */
KX_TEST(bad_record_is_skipped)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	uint8_t *d = k.bytes + k.mem_off + OFF_DESCS + (12 & 7) * 24;
	kx_put_le64(d + 16, WRAP5 + 3 * DATA_SIZE);   /* next two wraps ahead: illegal */
	struct result r = run(&k, false);
	CHECK(r.rc == 0);
	CHECK_EQ_U64(r.log.invalid, 1);
	CHECK(strstr(r.text, "wrapped!") == NULL);
	CHECK(strstr(r.text, "[    3.000000] \n") != NULL);
	free(r.text);
	free(k.bytes);
}

/* A minimal core: only the memory read, by physical address; it reads the
 * same. From a kcore-like core, translating through VMCOREINFO. */
KX_TEST(minimal_core)
{
	const struct cfg *cfgs[] = { &kcore_x86, &vmcore_x86_dynamic, &vmcore_arm64 };
	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		struct core k;
		struct kx_vmcore vc;
		struct kx_printk_log log;
		struct kx_error err = { 0 };
		struct kx_elfcore_mem mem;
		struct kx_vmcore_recorder rec = { 0 };
		uint8_t *min = NULL;
		size_t min_size = 0;

		CHECK(build(&k, cfgs[c], NULL) == 0);
		mem = (struct kx_elfcore_mem){ k.bytes, k.size };
		rec.inner = kx_elfcore_mem_reader(&mem);
		CHECK(kx_vmcore_open(&vc, "core", kx_vmcore_recording_reader(&rec), &err) == 0);
		vc.physical_only = true;
		CHECK(kx_printk_read(&vc, &log, &err) == 0);
		kx_printk_log_free(&log);
		CHECK(kx_vmcore_write_minimal(&vc, &rec, false, &min, &min_size, &err) == 0);
		kx_vmcore_close(&vc);
		kx_vmcore_recorder_free(&rec);
		/* the ring's pieces (and page-table entries), not the 32 KiB */
		CHECK(min_size < 0x1000 + strlen(k.info) + 0xc00);
		struct result r = run_bytes(min, min_size, false);
		if (r.rc < 0)
			printf("#   config %zu: %s\n", c, r.err.message);
		CHECK(r.rc == 0);
		CHECK_STR(r.text, expected_dmesg);
		uint16_t phnum = 0;
		kx_le16((struct kx_bytes){ min, min_size }, offsetof(Elf64_Ehdr, e_phnum), &phnum);
		CHECK(phnum > 3);
		free(r.text);
		free(min);
		free(k.bytes);
	}
}

/* --- real kernels: minimal cores from Debian 6.1 and 6.12 ------------------- */

static int load_xz(const char *name, struct kx_file *ret)
{
	char path[1024];
	struct kx_file f;
	struct kx_error err = { 0 };
	snprintf(path, sizeof(path), "%s/tests/fixtures/vmcore/%s", kx_test_env("KX_SRCDIR", "."), name);
	if (kx_file_map(&f, path, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	int r = kx_decompress_to_file(f.bytes, KX_COMP_XZ, name, 64 * MiB, ret, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	kx_file_close(&f);
	return r;
}

/* tests/fixtures/vmcore/README.md: what the real kernels' cores hold. */
KX_TEST(real_kernel_cores)
{
	static const struct {
		const char *name;
		uint16_t machine;
		bool dynamic;
	} fixtures[] = {
		{ "x86_64-6.1-static", EM_X86_64, false },
		{ "x86_64-6.12-dynamic", EM_X86_64, true },
		{ "arm64-6.1-static", EM_AARCH64, false },
		{ "arm64-6.12-dynamic", EM_AARCH64, true },
		{ "riscv64-6.12-dynamic", EM_RISCV, true },
	};
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char name[128];
		struct kx_file core, want;
		snprintf(name, sizeof(name), "%s.core.xz", fixtures[i].name);
		CHECK(load_xz(name, &core) == 0);
		snprintf(name, sizeof(name), "%s.dmesg.xz", fixtures[i].name);
		CHECK(load_xz(name, &want) == 0);

		struct result r = run_bytes(core.bytes.data, core.bytes.size, false);
		if (r.rc < 0)
			printf("#   %s: %s\n", fixtures[i].name, r.err.message);
		CHECK(r.rc == 0);
		CHECK_EQ_U64(r.len, want.bytes.size);
		CHECK(!memcmp(r.text, want.bytes.data, r.len));
		CHECK(r.log.dynamic == fixtures[i].dynamic);
		CHECK_EQ_U64(r.log.invalid + r.log.lost + r.log.incomplete, 0);
		CHECK(r.log.have_flags);
		CHECK(r.log.nr_records > 200);
		free(r.text);

		/* The layout this file's synthetic cores use is the real one. */
		struct kx_elfcore_mem mem = { core.bytes.data, core.bytes.size };
		struct kx_vmcore vc;
		struct kx_error err = { 0 };
		CHECK(kx_vmcore_open(&vc, fixtures[i].name, kx_elfcore_mem_reader(&mem), &err) == 0);
		CHECK_EQ_U64(vc.machine, fixtures[i].machine);
		for (const char *line = LAYOUT_INFO; *line; line = strchr(line, '\n') + 1) {
			size_t len = (size_t)(strchr(line, '\n') - line);
			const char *hit = strstr(vc.info, line);
			if (!hit || hit[len] != '\n')
				printf("#   %s: VMCOREINFO lacks \"%.*s\"\n", fixtures[i].name, (int)len, line);
			CHECK(hit && hit[len] == '\n');
		}
		for (unsigned int l = 0; l < vc.nr_loads; l++)
			CHECK_EQ_U64(vc.loads[l].vaddr, 0);
		kx_vmcore_close(&vc);
		kx_file_close(&core);
		kx_file_close(&want);
	}
}

/* --- robustness: every truncation, then mangled bytes --------------------- */

static bool acceptable(const struct result *r)
{
	if (r->rc == 0)
		return r->text != NULL;
	return (r->err.status == KX_E_INPUT || r->err.status == KX_E_FORMAT ||
		r->err.status == KX_E_NOMEM) && r->err.message[0];
}

KX_TEST(every_truncation)
{
	struct core k;
	CHECK(build(&k, &vmcore_x86_dynamic, NULL) == 0);
	for (size_t len = 0; len < k.size; len += (len < k.mem_off + 0x1100 ? 1 : 61)) {
		struct result r = run_bytes(k.bytes, len, false);
		if (!acceptable(&r))
			printf("#   length %zu: rc %d status %d\n", len, r.rc, r.err.status);
		CHECK(acceptable(&r));
		/* Whatever is read is read right: the bytes that are there are the same. */
		if (r.rc == 0)
			CHECK_STR(r.text, expected_dmesg);
		else
			CHECK(len < k.mem_off + OFF_PGT + 0x3020);
		free(r.text);
	}
	free(k.bytes);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

KX_TEST(mangled_bytes)
{
	const struct cfg *cfgs[] = { &kcore_x86, &vmcore_x86_dynamic, &vmcore_arm64 };
	unsigned int ok = 0, failed = 0;
	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		struct core k;
		CHECK(build(&k, cfgs[c], NULL) == 0);
		uint8_t *copy = malloc(k.size);
		CHECK(copy);
		/* Where bytes matter: headers, note, the ring's structures. */
		const size_t hot[][2] = {
			{ 0, 0x100 }, { k.note_off, k.note_size }, { k.mem_off, 0x1040 },
			{ k.mem_off + OFF_PGT, 0x4000 },
		};
		for (unsigned int iter = 0; iter < 6000; iter++) {
			memcpy(copy, k.bytes, k.size);
			unsigned int flips = 1 + (unsigned int)(rng() % 4);
			for (unsigned int f = 0; f < flips; f++) {
				const size_t *h = hot[rng() % 4];
				size_t at = h[0] + (size_t)(rng() % h[1]);
				switch (rng() % 4) {
				case 0: copy[at] ^= (uint8_t)(1u << (rng() % 8)); break;
				case 1: copy[at] = (uint8_t)rng(); break;
				case 2: copy[at] = 0xff; break;
				default: copy[at] = 0; break;
				}
			}
			struct result r = run_bytes(copy, k.size, (iter & 1) != 0);
			if (!acceptable(&r))
				printf("#   config %zu iteration %u: rc %d status %d\n", c, iter, r.rc,
				       r.err.status);
			CHECK(acceptable(&r));
			if (r.rc == 0)
				ok++;
			else
				failed++;
			free(r.text);
		}
		free(copy);
		free(k.bytes);
	}
	printf("# mangled cores: %u read, %u refused with a named error\n", ok, failed);
	CHECK(ok > 0 && failed > 0);
}

/* Mangled real cores: bytes changed in place (the core is 4.5 MiB) and put back. */
KX_TEST(mangled_real_core)
{
	struct kx_file f;
	CHECK(load_xz("x86_64-6.12-dynamic.core.xz", &f) == 0);
	size_t size = f.bytes.size;
	uint8_t *b = malloc(size);      /* the decompressed file is mapped read-only */
	CHECK(b);
	memcpy(b, f.bytes.data, size);
	kx_file_close(&f);
	struct kx_bytes whole = { b, size };
	uint16_t phnum = 0;
	kx_le16(whole, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	uint64_t notes_end = 0, off0 = 0;
	kx_le64(whole, 64 + offsetof(Elf64_Phdr, p_offset), &off0);
	kx_le64(whole, 64 + offsetof(Elf64_Phdr, p_filesz), &notes_end);
	notes_end += off0;
	unsigned int ok = 0, failed = 0;
	for (unsigned int iter = 0; iter < 1500; iter++) {
		size_t at[4];
		uint8_t old[4];
		unsigned int flips = 1 + (unsigned int)(rng() % 4);
		for (unsigned int i = 0; i < flips; i++) {
			unsigned int where = (unsigned int)(rng() % 10);
			if (where < 4) {
				at[i] = (size_t)(rng() % notes_end);
			} else if (where < 7) {   /* the first bytes of a PT_LOAD */
				uint64_t o = 0;
				kx_le64(whole, 64 + 56 * (1 + rng() % (phnum - 1u)) + offsetof(Elf64_Phdr, p_offset), &o);
				at[i] = (size_t)((o + rng() % 256) % size);
			} else {
				at[i] = (size_t)(rng() % size);
			}
			old[i] = b[at[i]];
			b[at[i]] = (uint8_t)(rng() % 3 ? rng() : old[i] ^ (1u << (rng() % 8)));
		}
		struct result r = run_bytes(b, size, false);
		if (!acceptable(&r))
			printf("#   iteration %u: rc %d status %d\n", iter, r.rc, r.err.status);
		CHECK(acceptable(&r));
		if (r.rc == 0)
			ok++;
		else
			failed++;
		free(r.text);
		for (unsigned int i = flips; i-- > 0;)
			b[at[i]] = old[i];
	}
	printf("# mangled real core: %u read, %u refused with a named error\n", ok, failed);
	CHECK(ok > 0 && failed > 0);
	free(b);
}

/* --- the caps, each at its value and one over ------------------------------ */

/*
 * The core `k` again with its VMCOREINFO note's descsz set to `descsz` (the
 * text, then NULs) and `extra` zero bytes after the note in its PT_NOTE:
 * the memory moves after them. The new buffer is calloc'd, so the zeros
 * cost nothing until they are read.
 */
static int renote(struct core *k, size_t descsz, size_t extra)
{
	size_t info_len = strlen(k->info);
	size_t note_size = 24 + kx_align_up(descsz, 4) + extra;
	size_t mem_off = kx_align_up(k->note_off + note_size, 0x1000);
	uint8_t *b = calloc(1, mem_off + MEM_SIZE);
	if (!b || descsz < info_len || descsz > UINT32_MAX)
		return free(b), -1;
	memcpy(b, k->bytes, k->note_off + 24);      /* headers, the note's header and name */
	kx_put_le32(b + k->note_off + 4, (uint32_t)descsz);
	memcpy(b + k->note_off + 24, k->info, info_len);
	memcpy(b + mem_off, k->bytes + k->mem_off, MEM_SIZE);
	kx_put_le64(b + k->note_ph + offsetof(Elf64_Phdr, p_filesz), note_size);
	kx_put_le64(b + k->load_ph + offsetof(Elf64_Phdr, p_offset), mem_off);
	free(k->bytes);
	k->bytes = b;
	k->size = mem_off + MEM_SIZE;
	k->note_size = note_size;
	k->mem_off = mem_off;
	return 0;
}

/* KX_ELFCORE_VMCOREINFO_MAX: a VMCOREINFO note of 1 MiB (the text, then
 * NULs) is read; one byte more is refused. */
KX_TEST(vmcoreinfo_size_cap)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	CHECK(renote(&k, KX_ELFCORE_VMCOREINFO_MAX, 0) == 0);
	struct result r = run(&k, false);
	if (r.rc < 0)
		printf("#   %s\n", r.err.message);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_dmesg);
	free(r.text);
	CHECK(renote(&k, KX_ELFCORE_VMCOREINFO_MAX + 1, 0) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: VMCOREINFO note of 1048577 bytes, more than 1048576, "
		     "the most vmcore-dmesg reads (the kernel's is a page)");
	free(k.bytes);
}

/* KX_ELFCORE_NOTES_MAX: a PT_NOTE of exactly 64 MiB (VMCOREINFO, then
 * zeros: the end of the notes) is read; one byte more is refused. */
KX_TEST(notes_size_cap)
{
	struct core k;
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	size_t info = kx_align_up(strlen(k.info), 4);
	CHECK(renote(&k, strlen(k.info), KX_ELFCORE_NOTES_MAX - 24 - info) == 0);
	CHECK_EQ_U64(k.note_size, KX_ELFCORE_NOTES_MAX);
	struct result r = run(&k, false);
	if (r.rc < 0)
		printf("#   %s\n", r.err.message);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_dmesg);
	free(r.text);
	CHECK(renote(&k, strlen(k.info), KX_ELFCORE_NOTES_MAX - 24 - info + 1) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: program header 0: PT_NOTE p_filesz 0x4000001: more "
		     "than 67108864 bytes of notes in all, the most vmcore-dmesg reads");
	free(k.bytes);
}

/*
 * KX_ELFCORE_PHNUM_MAX, read and written: a minimal core of 65533 ranges
 * has 65534 program headers (with its PT_NOTE) and is read back; 65534
 * ranges would need 65535 = PN_XNUM and are refused. A core whose e_phnum
 * is PN_XNUM is refused when read.
 */
KX_TEST(program_header_cap)
{
	struct core k;
	struct kx_vmcore vc;
	struct kx_error err = { 0 };
	const size_t most = KX_ELFCORE_PHNUM_MAX - 1, mem = 2 * (most + 1);
	CHECK(build(&k, &kcore_x86, NULL) == 0);
	/* a PT_LOAD large enough for `most` + 1 separate one-byte ranges */
	uint8_t *b = realloc(k.bytes, k.mem_off + mem);
	CHECK(b);
	memset(b + k.size, 0, k.mem_off + mem - k.size);
	k.bytes = b;
	k.size = k.mem_off + mem;
	kx_put_le64(b + k.load_ph + offsetof(Elf64_Phdr, p_filesz), mem);
	kx_put_le64(b + k.load_ph + offsetof(Elf64_Phdr, p_memsz), mem);

	for (size_t ranges = most; ranges <= most + 1; ranges++) {
		struct kx_vmcore_recorder rec = { 0 };
		struct kx_elfcore_mem m = { k.bytes, k.size };
		uint8_t byte, *min = NULL;
		size_t min_size = 0;
		rec.inner = kx_elfcore_mem_reader(&m);
		struct kx_elfcore_reader rd = kx_vmcore_recording_reader(&rec);
		CHECK(kx_vmcore_open(&vc, "core", rd, &err) == 0);
		for (size_t i = 0; i < ranges; i++)
			CHECK(rd.read(rd.ctx, k.mem_off + 2 * i, &byte, 1, &err) == 0);
		int rc = kx_vmcore_write_minimal(&vc, &rec, true, &min, &min_size, &err);
		kx_vmcore_close(&vc);
		kx_vmcore_recorder_free(&rec);
		if (ranges == most) {
			CHECK(rc == 0);
			uint16_t phnum = 0;
			kx_le16((struct kx_bytes){ min, min_size }, offsetof(Elf64_Ehdr, e_phnum), &phnum);
			CHECK_EQ_U64(phnum, KX_ELFCORE_PHNUM_MAX);
			struct kx_elfcore_mem mm = { min, min_size };
			CHECK(kx_vmcore_open(&vc, "minimal", kx_elfcore_mem_reader(&mm), &err) == 0);
			CHECK_EQ_U64(vc.nr_loads, most);
			kx_vmcore_close(&vc);
			/* the same file claiming one header more: PN_XNUM */
			kx_put_le16(min + offsetof(Elf64_Ehdr, e_phnum), KX_ELFCORE_PHNUM_MAX + 1);
			CHECK(kx_vmcore_open(&vc, "minimal", kx_elfcore_mem_reader(&mm), &err) < 0);
			CHECK_EQ_U64(err.status, KX_E_INPUT);
			CHECK_STR(err.message, "minimal: e_phnum 65535: extended numbering (PN_XNUM) is not supported: "
				  "at most 65534 program headers");
			free(min);
		} else {
			CHECK(rc < 0);
			CHECK_EQ_U64(err.status, KX_E_INPUT);
			CHECK_STR(err.message, "core: 65534 ranges read: more than 65533, the most PT_LOADs a core "
				  "file has beside its PT_NOTE without extended numbering");
		}
	}
	free(k.bytes);
}

/* VMCOREINFO edits for the ring-buffer caps */
static void replace(char *info, const char *from, const char *to)
{
	char *p = strstr(info, from);
	if (p) {
		memmove(p + strlen(to), p + strlen(from), strlen(p + strlen(from)) + 1);
		memcpy(p, to, strlen(to));
	}
}
static void rb_size_4096(char *info) { replace(info, "SIZE(printk_ringbuffer)=88", "SIZE(printk_ringbuffer)=4096"); }
static void rb_size_4097(char *info) { replace(info, "SIZE(printk_ringbuffer)=88", "SIZE(printk_ringbuffer)=4097"); }
/* printk_info's exported fields end at 24: the smallest it can say */
static void info_24(char *info) { replace(info, "SIZE(printk_info)=88", "SIZE(printk_info)=24"); }
static void info_24_desc_32(char *info)
{
	info_24(info);
	replace(info, "SIZE(prb_desc)=24", "SIZE(prb_desc)=32");
}
static void info_24_desc_33(char *info)
{
	info_24(info);
	replace(info, "SIZE(prb_desc)=24", "SIZE(prb_desc)=33");
}

/* The ring buffer at OFF_RB with count_bits or size_bits set. */
static int build_ring(struct core *k, void (*edit)(char *info), uint32_t count_bits, uint32_t size_bits)
{
	if (build(k, &kcore_x86, edit) < 0)
		return -1;
	kx_put_le32(k->bytes + k->mem_off + OFF_RB + 0, count_bits);
	kx_put_le32(k->bytes + k->mem_off + OFF_RB + 48, size_bits);
	return 0;
}

/*
 * The ring-buffer caps (printk.c). Arrays as large as the caps allow (2^26
 * descriptors, a 2 GiB text ring) cannot be in a test's core: at the cap
 * the value passes its check and the read stops at the next rule, that the
 * core holds the array (the first byte missing is at the end of the test's
 * memory, and the run after it is unmapped up to the end of the kernel
 * image mapping); one over is refused by the cap, naming it.
 * STRUCT_SIZE_MAX at its value reads the whole log.
 */
KX_TEST(ring_buffer_caps)
{
	struct core k;
	/* SIZE(printk_ringbuffer) 4096 (STRUCT_SIZE_MAX): the structure is
	 * read whole (its fields where they are), the log printed */
	CHECK(build(&k, &kcore_x86, rb_size_4096) == 0);
	struct result r = run(&k, false);
	if (r.rc < 0)
		printf("#   %s\n", r.err.message);
	CHECK(r.rc == 0);
	CHECK_STR(r.text, expected_dmesg);
	free(r.text);
	free(k.bytes);
	CHECK(build(&k, &kcore_x86, rb_size_4097) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: VMCOREINFO SIZE(printk_ringbuffer)=4097, SIZE(prb_desc)=24, "
		     "SIZE(printk_info)=88: each must be 1 to 4096");
	free(k.bytes);

	/* count_bits 26 (COUNT_BITS_MAX): 2^26 descriptors of 24 bytes */
	CHECK(build_ring(&k, info_24, 26, SIZE_BITS) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: desc_ring.descs (prb_desc array) at 0xffffffff82008000 "
		     "(physical 0x12008000): 0x3dff8000 bytes not in the core file (no PT_LOAD holds them)");
	free(k.bytes);
	CHECK(build_ring(&k, info_24, 27, SIZE_BITS) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: desc_ring."
		     "count_bits 27: more than 2^26 descriptors (a 2 GiB log_buf_len, the kernel's largest, "
		     "has 2^26)");
	free(k.bytes);

	/* ARRAY_BYTES_MAX: 2^26 descriptors of 32 bytes are 2 GiB exactly */
	CHECK(build_ring(&k, info_24_desc_32, 26, SIZE_BITS) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: desc_ring.descs (prb_desc array) at 0xffffffff82008000 "
		     "(physical 0x12008000): 0x3dff8000 bytes not in the core file (no PT_LOAD holds them)");
	free(k.bytes);
	CHECK(build_ring(&k, info_24_desc_33, 26, SIZE_BITS) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: 2^26 "
		     "descriptors of 33 + 24 bytes: more than 2147483648 bytes in one array, the most "
		     "vmcore-dmesg copies");
	free(k.bytes);

	/* size_bits 4 to 31 (SIZE_BITS_MAX, the kernel's LOG_BUF_LEN_MAX): 31
	 * is ring_size_checked_before_allocation's; 32 and 3 are refused, 4
	 * is read (its records' blocks lie outside a 16-byte ring: skipped) */
	CHECK(build_ring(&k, NULL, COUNT_BITS, 32) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: "
		     "text_data_ring.size_bits 32: the text ring must be 2^4 to 2^31 bytes");
	free(k.bytes);
	CHECK(build_ring(&k, NULL, COUNT_BITS, 3) == 0);
	expect_error(kx_failed_, &k, KX_E_INPUT, "core: printk ring buffer at 0xffffffff82000100: "
		     "text_data_ring.size_bits 3: the text ring must be 2^4 to 2^31 bytes");
	free(k.bytes);
	CHECK(build_ring(&k, NULL, COUNT_BITS, 4) == 0);
	r = run(&k, false);
	if (r.rc < 0)
		printf("#   %s\n", r.err.message);
	CHECK(r.rc == 0);
	CHECK(r.log.invalid > 0);
	free(r.text);
	free(k.bytes);
}

KX_TEST_MAIN(
	KX_CASE(kcore_x86_64),
	KX_CASE(vmcore_x86_64_phys_base),
	KX_CASE(vmcore_x86_64_page_walk),
	KX_CASE(vmcore_arm64_linear_map),
	KX_CASE(vmcore_riscv64_linear_map),
	KX_CASE(translations),
	KX_CASE(x86_64_unmapped_page),
	KX_CASE(vmcoreinfo_numbers),
	KX_CASE(broken_note_truncated),
	KX_CASE(broken_file_ends_in_note),
	KX_CASE(broken_symbol_missing),
	KX_CASE(unsupported_structured_buffer),
	KX_CASE(broken_field_offset),
	KX_CASE(broken_descriptors_out_of_range),
	KX_CASE(broken_data_past_load), KX_CASE(ring_size_checked_before_allocation),
	KX_CASE(not_a_kernel_core),
	KX_CASE(unreadable_load_is_skipped),
	KX_CASE(bad_record_is_skipped),
	KX_CASE(minimal_core),
	KX_CASE(real_kernel_cores),
	KX_CASE(every_truncation),
	KX_CASE(mangled_bytes),
	KX_CASE(mangled_real_core),
	KX_CASE(vmcoreinfo_size_cap), KX_CASE(notes_size_cap), KX_CASE(program_header_cap),
	KX_CASE(ring_buffer_caps)
)
