// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A kernel core opened for reading (its headers come from src/elfcore): the
 * VMCOREINFO lookups, the address translation it describes, and reads of
 * the crashed kernel's memory by physical or virtual address.
 */
#include "vmcore.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"
#include "../core/units.h"

/* --- VMCOREINFO ------------------------------------------------------------- */

/* The value of line "key=value", or NULL. */
static const char *info_find(const struct kx_vmcore *vc, const char *key, size_t *ret_len)
{
	size_t klen = strlen(key);
	const char *p = vc->info, *end = vc->info + vc->info_size;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		if ((size_t)(line_end - p) > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			*ret_len = (size_t)(line_end - p) - klen - 1;
			return p + klen + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool parse_u64(const char *s, size_t len, unsigned int base, uint64_t *ret)
{
	uint64_t v = 0;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return false;
	}
	*ret = v;
	return true;
}

static void info_key(char *key, size_t size, const char *kind, const char *name)
{
	if (*kind)
		snprintf(key, size, "%s(%s)", kind, name);
	else
		snprintf(key, size, "%s", name);
}

bool kx_vmcoreinfo_has(const struct kx_vmcore *vc, const char *kind, const char *name)
{
	char key[128];
	size_t len;
	info_key(key, sizeof(key), kind, name);
	return info_find(vc, key, &len) != NULL;
}

int kx_vmcoreinfo_get(const struct kx_vmcore *vc, const char *kind, const char *name,
		      uint64_t *ret, struct kx_error *err)
{
	char key[128];
	size_t len;
	const char *v;
	bool ok;

	info_key(key, sizeof(key), kind, name);
	v = info_find(vc, key, &len);
	if (!v)
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO has no %s", vc->name, key);
	if (!strcmp(kind, "SYMBOL") || !strcmp(key, "KERNELOFFSET")) {
		ok = parse_u64(v, len, 16, ret);
	} else if (!strcmp(kind, "NUMBER")) {
		/* %ld or 0x%lx, by architecture and by number */
		if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
			ok = parse_u64(v + 2, len - 2, 16, ret);
		} else if (len > 1 && v[0] == '-') {
			ok = parse_u64(v + 1, len - 1, 10, ret);
			*ret = (uint64_t)0 - *ret;
		} else {
			ok = parse_u64(v, len, 10, ret);
		}
	} else {
		ok = parse_u64(v, len, 10, ret);
	}
	if (!ok)
		return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO %s=%.*s is not a number", vc->name,
			       key, (int)(len > 40 ? 40 : len), v);
	return 0;
}

bool kx_vmcoreinfo_opt(const struct kx_vmcore *vc, const char *kind, const char *name, uint64_t *ret)
{
	struct kx_error ignored;
	return kx_vmcoreinfo_has(vc, kind, name) && kx_vmcoreinfo_get(vc, kind, name, ret, &ignored) == 0;
}

static int read_phys(const struct kx_vmcore *vc, uint64_t paddr, uint64_t vaddr, uint8_t *out,
		     size_t len, const char *what, struct kx_error *err);

/* --- address translation ---------------------------------------------------- */

#define X86_START_KERNEL_MAP 0xffffffff80000000ull
#define X86_PTE_PRESENT 0x1ull
#define X86_PTE_PSE 0x80ull
#define X86_PTE_ADDR 0x000ffffffffff000ull

static void setup_xlate(struct kx_vmcore *vc)
{
	struct kx_vmcore_xlate *x = &vc->xlate;
	uint64_t v, va_bits, phys_offset, page_offset, link, kpa, ram_base, modules, page_size;

	switch (vc->machine) {
	case EM_X86_64:
		/* arch/x86/kernel/crash_core_64.c: NUMBER(phys_base),
		 * SYMBOL(init_top_pgt), NUMBER(pgtable_l5_enabled),
		 * NUMBER(KERNEL_IMAGE_SIZE), NUMBER(sme_mask). */
		x->have_phys_base = kx_vmcoreinfo_opt(vc, "NUMBER", "phys_base", &x->phys_base);
		if (!kx_vmcoreinfo_opt(vc, "NUMBER", "KERNEL_IMAGE_SIZE", &x->kernel_image_size) ||
		    x->kernel_image_size == 0 || x->kernel_image_size > 2 * GiB)
			x->kernel_image_size = GiB;   /* KERNEL_IMAGE_SIZE with KASLR */
		x->have_pgt = x->have_phys_base && kx_vmcoreinfo_opt(vc, "SYMBOL", "init_top_pgt", &x->init_top_pgt);
		x->l5 = kx_vmcoreinfo_opt(vc, "NUMBER", "pgtable_l5_enabled", &v) && v;
		if (!kx_vmcoreinfo_opt(vc, "NUMBER", "sme_mask", &x->sme_mask))
			x->sme_mask = 0;
		break;
	case EM_AARCH64:
		/* arch/arm64/kernel/vmcore_info.c: NUMBER(VA_BITS),
		 * NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET). Since 5.4 the
		 * linear map starts at PAGE_OFFSET = -(1 << VA_BITS) and ends at
		 * PAGE_END = -(1 << (VA_BITS_MIN - 1)), VA_BITS_MIN = min(VA_BITS,
		 * 48); __lm_to_phys(a) = a - PAGE_OFFSET + PHYS_OFFSET, and the
		 * kernel image is a - kimage_voffset. */
		if (kx_vmcoreinfo_opt(vc, "NUMBER", "VA_BITS", &va_bits) && va_bits >= 36 && va_bits <= 52 &&
		    kx_vmcoreinfo_opt(vc, "NUMBER", "PHYS_OFFSET", &phys_offset)) {
			uint64_t va_min = va_bits > 48 ? 48 : va_bits;
			x->have_linear = true;
			x->linear_start = (uint64_t)0 - (1ull << va_bits);
			x->linear_end = (uint64_t)0 - (1ull << (va_min - 1));
			x->linear_phys = phys_offset;
		}
		if (kx_vmcoreinfo_opt(vc, "NUMBER", "kimage_voffset", &x->kimage_offset)) {
			x->have_kimage = true;
			x->kimage_start = x->have_linear ? x->linear_end : 0;
		}
		/* The page tables: TCR_EL1.T1SZ gives the VA size the kernel
		 * runs with (a 52-bit build falls back to 48 bits on a CPU
		 * without LPA2); a 52-bit VA with 4K or 16K pages means LPA2's
		 * descriptors (output address bits 51:50 in bits 9:8). */
		if (x->have_kimage && kx_vmcoreinfo_opt(vc, "SYMBOL", "swapper_pg_dir", &v) && v >= x->kimage_offset &&
		    kx_vmcoreinfo_opt(vc, "", "PAGESIZE", &page_size) &&
		    (page_size == 4096 || page_size == 16384 || page_size == 65536)) {
			uint64_t t1sz, va = 0;
			if (kx_vmcoreinfo_opt(vc, "NUMBER", "TCR_EL1_T1SZ", &t1sz) && t1sz >= 12 && t1sz <= 39)
				va = 64 - t1sz;
			else if (kx_vmcoreinfo_opt(vc, "NUMBER", "VA_BITS", &va_bits) && va_bits >= 25 && va_bits <= 52)
				va = va_bits;
			if (va) {
				x->have_pgt = true;
				x->pgt_root = v - x->kimage_offset;
				x->pgt_va_bits = (unsigned int)va;
				x->pgt_page_shift = (unsigned int)__builtin_ctzll(page_size);
				x->pgt_lpa2 = va > 48 && page_size != 65536;
			}
			/* the vmemmap lies above the linear map like the image:
			 * its range must go to the walk, not the image's rule */
			if (!kx_vmcoreinfo_opt(vc, "NUMBER", "VMEMMAP_START", &x->vmemmap_start) ||
			    !kx_vmcoreinfo_opt(vc, "NUMBER", "VMEMMAP_END", &x->vmemmap_end) || x->vmemmap_end <= x->vmemmap_start)
				x->vmemmap_start = x->vmemmap_end = 0;
		}
		break;
	case EM_RISCV:
		/* arch/riscv/kernel/vmcore_info.c: NUMBER(PAGE_OFFSET),
		 * NUMBER(phys_ram_base), NUMBER(KERNEL_LINK_ADDR),
		 * NUMBER(va_kernel_pa_offset), NUMBER(MODULES_VADDR). The kernel
		 * image and modules sit above the linear map. */
		if (kx_vmcoreinfo_opt(vc, "NUMBER", "PAGE_OFFSET", &page_offset) &&
		    kx_vmcoreinfo_opt(vc, "NUMBER", "phys_ram_base", &ram_base)) {
			x->have_linear = true;
			x->linear_start = page_offset;
			x->linear_end = UINT64_MAX;
			x->linear_phys = ram_base;
		}
		if (kx_vmcoreinfo_opt(vc, "NUMBER", "KERNEL_LINK_ADDR", &link) &&
		    kx_vmcoreinfo_opt(vc, "NUMBER", "va_kernel_pa_offset", &kpa)) {
			x->have_kimage = true;
			x->kimage_start = link;
			x->kimage_offset = kpa;
			if (x->have_linear && link > x->linear_start)
				x->linear_end = link;
		}
		if (x->have_linear && kx_vmcoreinfo_opt(vc, "NUMBER", "MODULES_VADDR", &modules) &&
		    modules > x->linear_start && modules < x->linear_end)
			x->linear_end = modules;
		/* The page tables: VA_BITS is the mode the kernel runs in
		 * (39, 48 or 57: Sv39, Sv48, Sv57), set at boot. */
		if (x->have_kimage && kx_vmcoreinfo_opt(vc, "SYMBOL", "swapper_pg_dir", &v) && v >= x->kimage_start &&
		    kx_vmcoreinfo_opt(vc, "NUMBER", "VA_BITS", &va_bits) && (va_bits == 39 || va_bits == 48 || va_bits == 57)) {
			x->have_pgt = true;
			x->pgt_root = v - x->kimage_offset;
			x->pgt_va_bits = (unsigned int)va_bits;
			x->pgt_page_shift = 12;
		}
		break;
	default:
		break;
	}
}

/*
 * A walk's next table must not be one it has read already: the kernel's
 * tables form a tree, and a table that points back up (a broken or
 * hostile core) is named rather than followed. The walks have a fixed
 * depth, so a loop could not hang them: it would turn a table into data.
 */
static int next_table(uint64_t *seen, unsigned int *nr_seen, uint64_t table, uint64_t vaddr, const char *level,
		      struct kx_error *err)
{
	for (unsigned int i = 0; i < *nr_seen; i++)
		if (seen[i] == table)
			return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 ": page table loop: the %s entry "
				       "points back to the table at physical 0x%" PRIx64 ", read earlier in this walk",
				       vaddr, level, table);
	seen[(*nr_seen)++] = table;
	return 0;
}

static int x86_walk(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr,
		    uint64_t *ret_run, struct kx_error *err)
{
	const struct kx_vmcore_xlate *x = &vc->xlate;
	static const char *const level_name[] = { "PML5", "PGD", "PUD", "PMD", "PTE" };
	uint64_t table = x->init_top_pgt - X86_START_KERNEL_MAP + x->phys_base;
	uint64_t mask = X86_PTE_ADDR & ~x->sme_mask;
	int first = x->l5 ? 0 : 1;
	uint64_t seen[5] = { table };
	unsigned int nr_seen = 1;

	for (int level = first; level < 5; level++) {
		unsigned int shift = 12 + 9 * (unsigned int)(4 - level);
		uint64_t index = (vaddr >> shift) & 511, entry;
		uint8_t raw[8];

		if (read_phys(vc, table + index * 8, 0, raw, 8, "page table", err) < 0) {
			kx_error_prefix(err, "virtual address 0x%" PRIx64 ": %s entry %" PRIu64 ": ",
					vaddr, level_name[level], index);
			return -1;
		}
		kx_le64((struct kx_bytes){ raw, 8 }, 0, &entry);
		if (!(entry & X86_PTE_PRESENT))
			return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 " is not mapped "
				       "(%s entry %" PRIu64 " at physical 0x%" PRIx64 " is 0x%" PRIx64 ")",
				       vaddr, level_name[level], index, table + index * 8, entry);
		/* 1 GiB pages at the PUD, 2 MiB pages at the PMD */
		if (level == 4 || ((level == 2 || level == 3) && (entry & X86_PTE_PSE))) {
			uint64_t page = 1ull << shift;
			*ret_paddr = (entry & mask & ~(page - 1)) | (vaddr & (page - 1));
			*ret_run = page - (vaddr & (page - 1));
			return 0;
		}
		table = entry & mask;
		if (next_table(seen, &nr_seen, table, vaddr, level_name[level], err) < 0)
			return -1;
	}
	return -1;   /* not reached */
}

/* One table entry of an arm64 or riscv64 walk, read from the core; both
 * mark a valid entry with bit 0, so an invalid one fails here. */
static int read_valid_entry(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t table, uint64_t index, int level,
			    uint64_t *ret, struct kx_error *err)
{
	uint8_t raw[8];
	if (read_phys(vc, table + index * 8, 0, raw, 8, "page table", err) < 0) {
		kx_error_prefix(err, "virtual address 0x%" PRIx64 ": level %d entry %" PRIu64 ": ", vaddr, level,
				index);
		return -1;
	}
	kx_le64((struct kx_bytes){ raw, 8 }, 0, ret);
	if (!(*ret & 1))
		return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 " is not mapped (level %d entry %" PRIu64
			       " at physical 0x%" PRIx64 " is 0x%" PRIx64 ")",
			       vaddr, level, index, table + index * 8, *ret);
	return 0;
}

/*
 * arm64 (ARM ARM D8, VMSAv8-64 stage 1, TTBR1): levels of (page_shift - 3)
 * index bits each, the top one narrower; bits 1:0 of an entry: x1 valid,
 * 11 a table (a page at the last level), 01 a block. Output address:
 * bits 47:page_shift, plus 51:50 from bits 9:8 (LPA2) or 51:48 from bits
 * 15:12 (64K granule, LPA).
 */
static uint64_t arm64_output(const struct kx_vmcore_xlate *x, uint64_t entry)
{
	unsigned int s = x->pgt_page_shift;
	if (x->pgt_lpa2)
		return (entry & (((1ull << 50) - 1) & ~((1ull << s) - 1))) | ((entry >> 8) & 3) << 50;
	uint64_t pa = entry & (((1ull << 48) - 1) & ~((1ull << s) - 1));
	if (s == 16)
		pa |= ((entry >> 12) & 0xf) << 48;
	return pa;
}

static int arm64_walk(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_run,
		      struct kx_error *err)
{
	const struct kx_vmcore_xlate *x = &vc->xlate;
	unsigned int s = x->pgt_page_shift, b = s - 3, va = x->pgt_va_bits;
	unsigned int levels = (va - s + b - 1) / b;
	uint64_t table = x->pgt_root;
	uint64_t seen[6] = { table };
	unsigned int nr_seen = 1;
	char name[24];

	for (unsigned int i = 0; i < levels; i++) {
		unsigned int shift = s + b * (levels - 1 - i), width = i == 0 ? va - shift : b;
		uint64_t index = (vaddr >> shift) & ((1ull << width) - 1), entry;
		int level = (int)(4 - levels + i);   /* ARM's numbering: the last is 3 */
		if (read_valid_entry(vc, vaddr, table, index, level, &entry, err) < 0)
			return -1;
		bool last = i == levels - 1;
		if (last && (entry & 3) != 3)
			return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 ": level 3 entry 0x%" PRIx64
				       " is no page descriptor", vaddr, entry);
		if (last || (entry & 3) == 1) {
			uint64_t size = 1ull << shift;
			*ret_paddr = (arm64_output(x, entry) & ~(size - 1)) | (vaddr & (size - 1));
			*ret_run = size - (vaddr & (size - 1));
			return 0;
		}
		table = arm64_output(x, entry);
		snprintf(name, sizeof(name), "level %d", level);
		if (nr_seen < 6 && next_table(seen, &nr_seen, table, vaddr, name, err) < 0)
			return -1;
	}
	return -1;   /* not reached: the last level returns */
}

/*
 * riscv64 (the privileged spec's Sv39/Sv48/Sv57): 9 index bits a level;
 * bit 0 valid; R, W or X (bits 3:1) set: a leaf, at any level (a
 * superpage); PPN in bits 53:10.
 */
static int riscv_walk(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr, uint64_t *ret_run,
		      struct kx_error *err)
{
	const struct kx_vmcore_xlate *x = &vc->xlate;
	unsigned int levels = (x->pgt_va_bits - 12) / 9;
	uint64_t table = x->pgt_root;
	uint64_t seen[6] = { table };
	unsigned int nr_seen = 1;
	char name[24];

	for (unsigned int i = 0; i < levels; i++) {
		unsigned int shift = 12 + 9 * (levels - 1 - i);
		uint64_t index = (vaddr >> shift) & 511, entry;
		int level = (int)(levels - 1 - i);   /* the spec's numbering: the last is 0 */
		if (read_valid_entry(vc, vaddr, table, index, level, &entry, err) < 0)
			return -1;
		uint64_t pa = ((entry >> 10) & ((1ull << 44) - 1)) << 12;
		if (entry & 0xe) {
			uint64_t size = 1ull << shift;
			*ret_paddr = (pa & ~(size - 1)) | (vaddr & (size - 1));
			*ret_run = size - (vaddr & (size - 1));
			return 0;
		}
		if (i == levels - 1)
			return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 ": level 0 entry 0x%" PRIx64
				       " is no leaf", vaddr, entry);
		table = pa;
		snprintf(name, sizeof(name), "level %d", level);
		if (nr_seen < 6 && next_table(seen, &nr_seen, table, vaddr, name, err) < 0)
			return -1;
	}
	return -1;   /* not reached */
}

int kx_vmcore_vtop(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr,
		   uint64_t *ret_run, struct kx_error *err)
{
	const struct kx_vmcore_xlate *x = &vc->xlate;

	switch (vc->machine) {
	case EM_X86_64:
		if (x->have_phys_base && vaddr >= X86_START_KERNEL_MAP &&
		    vaddr - X86_START_KERNEL_MAP < x->kernel_image_size) {
			*ret_paddr = vaddr - X86_START_KERNEL_MAP + x->phys_base;
			*ret_run = X86_START_KERNEL_MAP + x->kernel_image_size - vaddr;
			return 0;
		}
		if (x->have_pgt)
			return x86_walk(vc, vaddr, ret_paddr, ret_run, err);
		return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 " is in no PT_LOAD, and "
			       "VMCOREINFO lacks NUMBER(phys_base) or SYMBOL(init_top_pgt) to translate it",
			       vaddr);
	case EM_AARCH64:
	case EM_RISCV:
		if (vc->machine == EM_AARCH64 && x->have_pgt && vaddr >= x->vmemmap_start && vaddr < x->vmemmap_end)
			return arm64_walk(vc, vaddr, ret_paddr, ret_run, err);
		if (x->have_kimage && vaddr >= x->kimage_start &&
		    (!x->have_linear || vaddr >= x->linear_end || vaddr < x->linear_start)) {
			*ret_paddr = vaddr - x->kimage_offset;
			*ret_run = UINT64_MAX - vaddr + 1;
			if (*ret_run == 0)
				*ret_run = UINT64_MAX;
			return 0;
		}
		if (x->have_linear && vaddr >= x->linear_start && vaddr < x->linear_end) {
			*ret_paddr = vaddr - x->linear_start + x->linear_phys;
			*ret_run = x->linear_end - vaddr;
			return 0;
		}
		if (x->have_pgt)
			return vc->machine == EM_AARCH64 ? arm64_walk(vc, vaddr, ret_paddr, ret_run, err)
							 : riscv_walk(vc, vaddr, ret_paddr, ret_run, err);
		return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 " is in no PT_LOAD and "
			       "outside the linear map and kernel image that VMCOREINFO describes",
			       vaddr);
	default:
		return kx_fail(err, KX_E_INPUT, "virtual address 0x%" PRIx64 " is in no PT_LOAD "
			       "(no address translation for e_machine %u)", vaddr, vc->machine);
	}
}

/* --- reads ---------------------------------------------------------------- */

/*
 * These name what was read and where, not the core (kx_elfcore_read_at with
 * no name): the public entry (kx_vmcore_read_vaddr) puts the core's name
 * first, once; kx_vmcore_vtop's page-table walk puts the virtual address
 * first.
 */
/*
 * `len` bytes of the file at `offset` into `out`; `out` NULL: only whether
 * the file holds them (its last byte read: a PT_LOAD may claim more than a
 * truncated file has).
 */
static int read_or_probe(const struct kx_vmcore *vc, uint64_t offset, uint8_t *out, size_t len,
			 struct kx_error *err, const char *what, const char *where)
{
	uint8_t last;

	if (out)
		return kx_elfcore_read_at(vc->rd, NULL, offset, out, len, err, "%s at %s", what, where);
	if (len == 0)
		return 0;
	struct kx_error probe = { 0 };
	if (kx_elfcore_read_at(vc->rd, NULL, offset + len - 1, &last, 1, &probe, "%s at %s", what, where) < 0) {
		if (probe.status != KX_E_INPUT) {
			*err = probe;   /* an I/O error: as it is */
			return -1;
		}
		return kx_fail(err, KX_E_INPUT, "%s at %s: 0x%zx bytes at file offset 0x%" PRIx64 " run past "
			       "the end of the file", what, where, len, offset);
	}
	return 0;
}

/*
 * `len` bytes at `in` into PT_LOAD `l`, as ELF has them: the file's up to
 * p_filesz, zeros from there to p_memsz (an ELF dump's pages left out, as
 * makedumpfile -E and crash take them). Returns the bytes done.
 */
static int64_t read_in_load(const struct kx_vmcore *vc, const struct kx_elfcore_load *l, uint64_t in, uint8_t *out,
			    size_t len, const char *what, const char *where, struct kx_error *err)
{
	if (in >= l->filesz) {
		size_t chunk = l->memsz - in < len ? (size_t)(l->memsz - in) : len;
		if (out)
			memset(out, 0, chunk);
		return (int64_t)chunk;
	}
	size_t chunk = l->filesz - in < len ? (size_t)(l->filesz - in) : len;
	if (read_or_probe(vc, l->offset + in, out, chunk, err, what, where) < 0)
		return -1;
	return (int64_t)chunk;
}

/*
 * Read physical memory. `vaddr` (or 0) is the virtual address it stands
 * for, only for messages. `out` NULL: only check that the core holds it.
 */
static int read_phys(const struct kx_vmcore *vc, uint64_t paddr, uint64_t vaddr, uint8_t *out,
		     size_t len, const char *what, struct kx_error *err)
{
	char where[64];

	while (len > 0) {
		const struct kx_elfcore_load *hit = NULL;
		for (unsigned int i = 0; i < vc->nr_loads && !hit; i++) {
			const struct kx_elfcore_load *l = &vc->loads[i];
			if (l->has_paddr && paddr >= l->paddr && paddr - l->paddr < l->memsz)
				hit = l;
		}
		if (vaddr)
			snprintf(where, sizeof(where), "0x%" PRIx64 " (physical 0x%" PRIx64 ")", vaddr, paddr);
		else
			snprintf(where, sizeof(where), "physical address 0x%" PRIx64, paddr);
		if (!hit)
			return kx_fail(err, KX_E_INPUT, "%s at %s: 0x%zx bytes not in the core file "
				       "(no PT_LOAD holds them)", what, where, len);
		int64_t done = read_in_load(vc, hit, paddr - hit->paddr, out, len, what, where, err);
		if (done < 0)
			return -1;
		size_t chunk = (size_t)done;
		if (out)
			out += chunk;
		len -= chunk;
		paddr += chunk;
		if (vaddr)
			vaddr += chunk;
	}
	return 0;
}

/* `out` NULL: only check that the core holds all `len` bytes. */
static int read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, uint8_t *out, size_t len,
		      const char *what, struct kx_error *err)
{
	while (len > 0) {
		const struct kx_elfcore_load *hit = NULL;
		size_t chunk;

		/* p_vaddr 0 means "no virtual address" (makedumpfile's NOT_KV_ADDR). */
		for (unsigned int i = 0; i < vc->nr_loads && !hit && !vc->physical_only; i++) {
			const struct kx_elfcore_load *l = &vc->loads[i];
			if (l->vaddr && vaddr >= l->vaddr && vaddr - l->vaddr < l->memsz)
				hit = l;
		}
		if (hit) {
			char where[32];
			snprintf(where, sizeof(where), "0x%" PRIx64, vaddr);
			int64_t done = read_in_load(vc, hit, vaddr - hit->vaddr, out, len, what, where, err);
			if (done < 0)
				return -1;
			chunk = (size_t)done;
		} else {
			uint64_t paddr, run;
			if (kx_vmcore_vtop(vc, vaddr, &paddr, &run, err) < 0) {
				kx_error_prefix(err, "%s: ", what);
				return -1;
			}
			/* Up to the next PT_LOAD in virtual space: it may map the rest. */
			chunk = run < len ? (size_t)run : len;
			for (unsigned int i = 0; i < vc->nr_loads && !vc->physical_only; i++) {
				const struct kx_elfcore_load *l = &vc->loads[i];
				if (l->vaddr > vaddr && l->vaddr - vaddr < chunk)
					chunk = (size_t)(l->vaddr - vaddr);
			}
			if (read_phys(vc, paddr, vaddr, out, chunk, what, err) < 0)
				return -1;
		}
		if (out)
			out += chunk;
		len -= chunk;
		vaddr += chunk;
	}
	return 0;
}

int kx_vmcore_read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, void *buf, size_t len,
			 const char *what, struct kx_error *err)
{
	if (read_vaddr(vc, vaddr, buf, len, what, err) < 0) {
		kx_error_prefix(err, "%s: ", vc->name);
		return -1;
	}
	return 0;
}

int kx_vmcore_check_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t len,
			  const char *what, struct kx_error *err)
{
	if (len > SIZE_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: %s at 0x%" PRIx64 ": 0x%" PRIx64 " bytes", vc->name,
			       what, vaddr, len);
	return kx_vmcore_read_vaddr(vc, vaddr, NULL, (size_t)len, what, err);
}

/* --- open ------------------------------------------------------------------- */

int kx_vmcore_open(struct kx_vmcore *ret, const char *name, struct kx_elfcore_reader rd,
		   struct kx_error *err)
{
	struct kx_vmcore vc = { 0 };
	struct kx_elfcore ec;

	memset(ret, 0, sizeof(*ret));
	vc.rd = rd;
	vc.name = strdup(name);
	if (!vc.name)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_elfcore_read(&ec, name, rd, true, err) < 0)
		goto fail;
	vc.machine = ec.machine;
	vc.loads = ec.loads;
	vc.info = ec.info;
	vc.info_size = ec.info_size;
	vc.notes = ec.notes;
	vc.notes_size = ec.notes_size;
	vc.info_desc_offset = ec.info_desc_offset;
	vc.info_desc_size = ec.info_desc_size;
	vc.nr_prstatus = ec.nr_prstatus;
	/* Only what can be read; the rest is counted. */
	for (unsigned int i = 0; i < ec.nr_loads; i++) {
		if (ec.loads[i].readable)
			vc.loads[vc.nr_loads++] = ec.loads[i];
		else
			vc.nr_unreadable++;
	}
	if (!vc.info) {
		kx_fail(err, KX_E_FORMAT, "%s: no VMCOREINFO note: not a kernel core file this tool "
			"reads (/proc/kcore has one since Linux 4.19)", name);
		goto fail;
	}
	if (vc.nr_loads == 0) {
		kx_fail(err, KX_E_INPUT, "%s: no PT_LOAD program header: the core holds no memory", name);
		goto fail;
	}
	setup_xlate(&vc);
	*ret = vc;
	return 0;
fail:
	kx_vmcore_close(&vc);
	return -1;
}

void kx_vmcore_close(struct kx_vmcore *vc)
{
	free(vc->name);
	free(vc->loads);
	free(vc->info);
	free(vc->notes);
	memset(vc, 0, sizeof(*vc));
}
