// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ELF core file: header, program headers, the VMCOREINFO note, and
 * reads of the crashed kernel's memory by physical or virtual address.
 */
#include "vmcore.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/bytes.h"

#define VMCOREINFO_NOTE_NAME "VMCOREINFO"
#define VMCOREINFO_MAX (1u << 20)   /* the kernel's is one page */

/* --- readers --------------------------------------------------------------- */

static int mem_read(void *ctx, uint64_t offset, void *buf, size_t len, struct kx_error *err)
{
	const struct kx_vmcore_mem *m = ctx;
	if (!kx_span_ok(m->size, offset, len))
		return kx_fail(err, KX_E_INPUT,
			       "0x%zx bytes at file offset 0x%" PRIx64 " run past the end of the file "
			       "(0x%zx bytes)", len, offset, m->size);
	memcpy(buf, m->data + offset, len);
	return 0;
}

struct kx_vmcore_reader kx_vmcore_mem_reader(struct kx_vmcore_mem *mem)
{
	struct kx_vmcore_reader rd = { mem_read, mem };
	return rd;
}

static int fd_read(void *ctx, uint64_t offset, void *buf, size_t len, struct kx_error *err)
{
	int fd = *(const int *)ctx;
	size_t done = 0;

	if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - offset)
		return kx_fail(err, KX_E_INPUT, "file offset 0x%" PRIx64 " + 0x%zx is beyond what "
			       "a file can hold", offset, len);
	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, (off_t)(offset + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kx_fail_errno(err, KX_E_IO, errno, "cannot read 0x%zx bytes at file "
					     "offset 0x%" PRIx64, len - done, offset + done);
		}
		if (n == 0)
			return kx_fail(err, KX_E_INPUT, "0x%zx bytes at file offset 0x%" PRIx64
				       " run past the end of the file (it ends at 0x%" PRIx64 ")",
				       len, offset, offset + done);
		done += (size_t)n;
	}
	return 0;
}

struct kx_vmcore_reader kx_vmcore_fd_reader(int *fd)
{
	struct kx_vmcore_reader rd = { fd_read, fd };
	return rd;
}

/* --- ELF header and program headers ---------------------------------------- */

static int read_at(const struct kx_vmcore *vc, uint64_t off, void *buf, size_t len,
		   struct kx_error *err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int read_at(const struct kx_vmcore *vc, uint64_t off, void *buf, size_t len,
		   struct kx_error *err, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (vc->rd.read(vc->rd.ctx, off, buf, len, err) == 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kx_error_prefix(err, "%s: %s: ", vc->name, what);
	return -1;
}

/*
 * Walk the notes of one PT_NOTE segment (already in memory) and keep the
 * VMCOREINFO one. Each note: namesz, descsz, type (4 bytes each), the name
 * padded to 4, the descriptor padded to 4 (the ELF gABI's layout that
 * fs/proc/vmcore.c and kcore.c write).
 */
static int scan_notes(struct kx_vmcore *vc, struct kx_bytes seg, unsigned int ph,
		      struct kx_error *err)
{
	uint64_t off = 0;

	while (off < seg.size) {
		uint32_t namesz, descsz, type;
		uint64_t name_off = off + 12, desc_off, next;

		if (!kx_le32(seg, off, &namesz) || !kx_le32(seg, off + 4, &descsz) ||
		    !kx_le32(seg, off + 8, &type))
			return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: note header at 0x%" PRIx64
				       " runs past p_filesz 0x%zx", vc->name, ph, off, seg.size);
		if (namesz == 0 && descsz == 0 && type == 0)
			break;   /* zero padding after the last note */
		desc_off = name_off + kx_align_up(namesz, 4);
		next = desc_off + kx_align_up(descsz, 4);
		if (!kx_span_ok(seg.size, name_off, namesz) || !kx_span_ok(seg.size, desc_off, descsz))
			return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: note at 0x%" PRIx64
				       " (namesz %u, descsz %u) runs past p_filesz 0x%zx",
				       vc->name, ph, off, namesz, descsz, seg.size);
		if (namesz == sizeof(VMCOREINFO_NOTE_NAME) &&
		    !memcmp(seg.data + name_off, VMCOREINFO_NOTE_NAME, namesz)) {
			if (vc->info)
				return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: a second VMCOREINFO note",
					       vc->name, ph);
			if (descsz > VMCOREINFO_MAX)
				return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO note of %u bytes (more "
					       "than %u)", vc->name, descsz, VMCOREINFO_MAX);
			vc->info = malloc((size_t)descsz + 1);
			if (!vc->info)
				return kx_fail(err, KX_E_NOMEM, "out of memory");
			memcpy(vc->info, seg.data + desc_off, descsz);
			vc->info[descsz] = 0;
			/* The kernel's note is NUL-padded text: stop at the first NUL. */
			vc->info_size = strlen(vc->info);
		}
		off = next;
	}
	return 0;
}

static int read_program_headers(struct kx_vmcore *vc, uint64_t phoff, uint16_t phnum,
				struct kx_error *err)
{
	size_t table_size = (size_t)phnum * sizeof(Elf64_Phdr);
	uint64_t notes_total = 0;
	uint8_t *table;
	int r = -1;

	table = malloc(table_size);
	vc->loads = calloc(phnum, sizeof(*vc->loads));
	if (!table || !vc->loads) {
		free(table);
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	}
	if (read_at(vc, phoff, table, table_size, err, "program headers (e_phoff 0x%" PRIx64
		    ", %u entries)", phoff, phnum) < 0)
		goto out;

	struct kx_bytes t = { table, table_size };
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t ph = (uint64_t)i * sizeof(Elf64_Phdr), end;
		uint32_t type = 0;
		struct kx_vmcore_load l = { 0 };

		kx_le32(t, ph + offsetof(Elf64_Phdr, p_type), &type);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_offset), &l.offset);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_vaddr), &l.vaddr);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_paddr), &l.paddr);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_filesz), &l.filesz);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_memsz), &l.memsz);
		if (type == PT_NOTE) {
			if (kx_add_overflows(l.offset, l.filesz, &end)) {
				kx_fail(err, KX_E_INPUT, "%s: program header %u: PT_NOTE p_offset 0x%" PRIx64
					" + p_filesz 0x%" PRIx64 " overflows", vc->name, i, l.offset, l.filesz);
				goto out;
			}
			uint8_t *seg;
			if (l.filesz == 0)
				continue;
			if (l.filesz > KX_VMCORE_NOTES_MAX - notes_total) {
				kx_fail(err, KX_E_INPUT, "%s: program header %u: PT_NOTE p_filesz 0x%"
					PRIx64 ": more than %u bytes of notes", vc->name, i, l.filesz,
					KX_VMCORE_NOTES_MAX);
				goto out;
			}
			notes_total += l.filesz;
			seg = malloc(l.filesz);
			if (!seg) {
				kx_fail(err, KX_E_NOMEM, "out of memory");
				goto out;
			}
			if (read_at(vc, l.offset, seg, l.filesz, err, "PT_NOTE %u (p_offset 0x%" PRIx64
				    ", p_filesz 0x%" PRIx64 ")", i, l.offset, l.filesz) < 0 ||
			    scan_notes(vc, (struct kx_bytes){ seg, l.filesz }, i, err) < 0) {
				free(seg);
				goto out;
			}
			free(seg);
			continue;
		}
		if (type != PT_LOAD || l.memsz == 0)
			continue;
		/* riscv64's /proc/kcore computes p_offset as vaddr - PAGE_OFFSET,
		 * which wraps for the regions below the linear map: such a
		 * header can never be read. Skip it; a read that needs it then
		 * says the memory is not in the core file. */
		if (kx_add_overflows(l.offset, l.filesz, &end) || end > (uint64_t)INT64_MAX) {
			vc->nr_unreadable++;
			continue;
		}
		if (l.filesz > l.memsz) {
			kx_fail(err, KX_E_INPUT, "%s: program header %u: p_filesz 0x%" PRIx64
				" exceeds p_memsz 0x%" PRIx64, vc->name, i, l.filesz, l.memsz);
			goto out;
		}
		/* kcore gives p_paddr -1 for what has no physical address. */
		l.has_paddr = !kx_add_overflows(l.paddr, l.memsz, &end);
		if (kx_add_overflows(l.vaddr, l.memsz, &end) && end != 0) {
			kx_fail(err, KX_E_INPUT, "%s: program header %u: p_vaddr 0x%" PRIx64
				" + p_memsz 0x%" PRIx64 " overflows", vc->name, i, l.vaddr, l.memsz);
			goto out;
		}
		vc->loads[vc->nr_loads++] = l;
	}
	r = 0;
out:
	free(table);
	return r;
}

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

static bool info_opt(const struct kx_vmcore *vc, const char *kind, const char *name, uint64_t *ret)
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
	uint64_t v, va_bits, phys_offset, page_offset, link, kpa, ram_base, modules;

	switch (vc->machine) {
	case EM_X86_64:
		/* arch/x86/kernel/crash_core_64.c: NUMBER(phys_base),
		 * SYMBOL(init_top_pgt), NUMBER(pgtable_l5_enabled),
		 * NUMBER(KERNEL_IMAGE_SIZE), NUMBER(sme_mask). */
		x->have_phys_base = info_opt(vc, "NUMBER", "phys_base", &x->phys_base);
		if (!info_opt(vc, "NUMBER", "KERNEL_IMAGE_SIZE", &x->kernel_image_size) ||
		    x->kernel_image_size == 0 || x->kernel_image_size > (1ull << 31))
			x->kernel_image_size = 1ull << 30;   /* KERNEL_IMAGE_SIZE with KASLR */
		x->have_pgt = x->have_phys_base && info_opt(vc, "SYMBOL", "init_top_pgt", &x->init_top_pgt);
		x->l5 = info_opt(vc, "NUMBER", "pgtable_l5_enabled", &v) && v;
		if (!info_opt(vc, "NUMBER", "sme_mask", &x->sme_mask))
			x->sme_mask = 0;
		break;
	case EM_AARCH64:
		/* arch/arm64/kernel/vmcore_info.c: NUMBER(VA_BITS),
		 * NUMBER(kimage_voffset), NUMBER(PHYS_OFFSET). Since 5.4 the
		 * linear map starts at PAGE_OFFSET = -(1 << VA_BITS) and ends at
		 * PAGE_END = -(1 << (VA_BITS_MIN - 1)), VA_BITS_MIN = min(VA_BITS,
		 * 48); __lm_to_phys(a) = a - PAGE_OFFSET + PHYS_OFFSET, and the
		 * kernel image is a - kimage_voffset. */
		if (info_opt(vc, "NUMBER", "VA_BITS", &va_bits) && va_bits >= 36 && va_bits <= 52 &&
		    info_opt(vc, "NUMBER", "PHYS_OFFSET", &phys_offset)) {
			uint64_t va_min = va_bits > 48 ? 48 : va_bits;
			x->have_linear = true;
			x->linear_start = (uint64_t)0 - (1ull << va_bits);
			x->linear_end = (uint64_t)0 - (1ull << (va_min - 1));
			x->linear_phys = phys_offset;
		}
		if (info_opt(vc, "NUMBER", "kimage_voffset", &x->kimage_offset)) {
			x->have_kimage = true;
			x->kimage_start = x->have_linear ? x->linear_end : 0;
		}
		break;
	case EM_RISCV:
		/* arch/riscv/kernel/vmcore_info.c: NUMBER(PAGE_OFFSET),
		 * NUMBER(phys_ram_base), NUMBER(KERNEL_LINK_ADDR),
		 * NUMBER(va_kernel_pa_offset), NUMBER(MODULES_VADDR). The kernel
		 * image and modules sit above the linear map. */
		if (info_opt(vc, "NUMBER", "PAGE_OFFSET", &page_offset) &&
		    info_opt(vc, "NUMBER", "phys_ram_base", &ram_base)) {
			x->have_linear = true;
			x->linear_start = page_offset;
			x->linear_end = UINT64_MAX;
			x->linear_phys = ram_base;
		}
		if (info_opt(vc, "NUMBER", "KERNEL_LINK_ADDR", &link) &&
		    info_opt(vc, "NUMBER", "va_kernel_pa_offset", &kpa)) {
			x->have_kimage = true;
			x->kimage_start = link;
			x->kimage_offset = kpa;
			if (x->have_linear && link > x->linear_start)
				x->linear_end = link;
		}
		if (x->have_linear && info_opt(vc, "NUMBER", "MODULES_VADDR", &modules) &&
		    modules > x->linear_start && modules < x->linear_end)
			x->linear_end = modules;
		break;
	default:
		break;
	}
}

static int x86_walk(const struct kx_vmcore *vc, uint64_t vaddr, uint64_t *ret_paddr,
		    uint64_t *ret_run, struct kx_error *err)
{
	const struct kx_vmcore_xlate *x = &vc->xlate;
	static const char *const level_name[] = { "PML5", "PGD", "PUD", "PMD", "PTE" };
	uint64_t table = x->init_top_pgt - X86_START_KERNEL_MAP + x->phys_base;
	uint64_t mask = X86_PTE_ADDR & ~x->sme_mask;
	int first = x->l5 ? 0 : 1;

	for (int level = first; level < 5; level++) {
		unsigned int shift = 12 + 9 * (unsigned int)(4 - level);
		uint64_t index = (vaddr >> shift) & 511, entry;
		uint8_t raw[8];

		if (read_phys(vc, table + index * 8, 0, raw, 8, "page table", err) < 0) {
			/* The core's name goes first, once: drop it from the inner message. */
			char inner[sizeof(err->message)];
			size_t nlen = strlen(vc->name);
			const char *m = err->message;
			if (!strncmp(m, vc->name, nlen) && !strncmp(m + nlen, ": ", 2))
				m += nlen + 2;
			snprintf(inner, sizeof(inner), "%s", m);
			kx_fail(err, err->status, "virtual address 0x%" PRIx64 ": %s entry %" PRIu64
				": %s", vaddr, level_name[level], index, inner);
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
 * Read physical memory. `vaddr` (or 0) is the virtual address it stands
 * for, only for messages.
 */
static int read_phys(const struct kx_vmcore *vc, uint64_t paddr, uint64_t vaddr, uint8_t *out,
		     size_t len, const char *what, struct kx_error *err)
{
	char where[64];

	while (len > 0) {
		const struct kx_vmcore_load *hit = NULL;
		for (unsigned int i = 0; i < vc->nr_loads && !hit; i++) {
			const struct kx_vmcore_load *l = &vc->loads[i];
			if (l->has_paddr && paddr >= l->paddr && paddr - l->paddr < l->filesz)
				hit = l;
		}
		if (vaddr)
			snprintf(where, sizeof(where), "0x%" PRIx64 " (physical 0x%" PRIx64 ")", vaddr, paddr);
		else
			snprintf(where, sizeof(where), "physical address 0x%" PRIx64, paddr);
		if (!hit)
			return kx_fail(err, KX_E_INPUT, "%s: %s at %s: 0x%zx bytes not in the core file "
				       "(no PT_LOAD holds them)", vc->name, what, where, len);
		uint64_t in = paddr - hit->paddr;
		size_t chunk = hit->filesz - in < len ? (size_t)(hit->filesz - in) : len;
		if (read_at(vc, hit->offset + in, out, chunk, err, "%s at %s", what, where) < 0)
			return -1;
		out += chunk;
		len -= chunk;
		paddr += chunk;
		if (vaddr)
			vaddr += chunk;
	}
	return 0;
}

int kx_vmcore_read_vaddr(const struct kx_vmcore *vc, uint64_t vaddr, void *buf, size_t len,
			 const char *what, struct kx_error *err)
{
	uint8_t *out = buf;

	while (len > 0) {
		const struct kx_vmcore_load *hit = NULL;
		size_t chunk;

		/* p_vaddr 0 means "no virtual address" (makedumpfile's NOT_KV_ADDR). */
		for (unsigned int i = 0; i < vc->nr_loads && !hit && !vc->physical_only; i++) {
			const struct kx_vmcore_load *l = &vc->loads[i];
			if (l->vaddr && vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz)
				hit = l;
		}
		if (hit) {
			uint64_t in = vaddr - hit->vaddr;
			chunk = hit->filesz - in < len ? (size_t)(hit->filesz - in) : len;
			if (read_at(vc, hit->offset + in, out, chunk, err, "%s at 0x%" PRIx64, what,
				    vaddr) < 0)
				return -1;
		} else {
			uint64_t paddr, run;
			if (kx_vmcore_vtop(vc, vaddr, &paddr, &run, err) < 0) {
				kx_error_prefix(err, "%s: %s: ", vc->name, what);
				return -1;
			}
			/* Up to the next PT_LOAD in virtual space: it may map the rest. */
			chunk = run < len ? (size_t)run : len;
			for (unsigned int i = 0; i < vc->nr_loads && !vc->physical_only; i++) {
				const struct kx_vmcore_load *l = &vc->loads[i];
				if (l->vaddr > vaddr && l->vaddr - vaddr < chunk)
					chunk = (size_t)(l->vaddr - vaddr);
			}
			if (read_phys(vc, paddr, vaddr, out, chunk, what, err) < 0)
				return -1;
		}
		out += chunk;
		len -= chunk;
		vaddr += chunk;
	}
	return 0;
}

/* --- open ------------------------------------------------------------------- */

int kx_vmcore_open(struct kx_vmcore *ret, const char *name, struct kx_vmcore_reader rd,
		   struct kx_error *err)
{
	struct kx_vmcore vc = { 0 };
	uint8_t eh[sizeof(Elf64_Ehdr)];
	struct kx_bytes h = { eh, sizeof(eh) };
	uint16_t type = 0, phentsize = 0, phnum = 0;
	uint64_t phoff = 0;

	memset(ret, 0, sizeof(*ret));
	vc.rd = rd;
	vc.name = strdup(name);
	if (!vc.name)
		return kx_fail(err, KX_E_NOMEM, "out of memory");

	/* "Not ELF" (format) and "ELF, but cut short" (input) differ: read the
	 * identification first. */
	if (rd.read(rd.ctx, 0, eh, EI_NIDENT, err) < 0) {
		if (err->status == KX_E_INPUT)
			kx_fail(err, KX_E_FORMAT, "%s: not an ELF core file (shorter than an ELF "
				"identification)", name);
		else
			kx_error_prefix(err, "%s: ELF header: ", name);
		goto fail;
	}
	if (memcmp(eh, ELFMAG, SELFMAG)) {
		/* makedumpfile's own formats: "KDUMP   " (compressed, -c/-l/-p)
		 * and "makedumpfile" (flattened, -F). */
		if (!memcmp(eh, "KDUMP   ", 8) || !memcmp(eh, "makedumpf", 9))
			kx_fail(err, KX_E_FORMAT, "%s: a makedumpfile %s dump, not an ELF core file: "
				"read its log with makedumpfile --dump-dmesg or crash", name,
				eh[0] == 'K' ? "compressed (kdump)" : "flattened");
		else
			kx_fail(err, KX_E_FORMAT, "%s: not an ELF core file (no ELF magic)", name);
		goto fail;
	}
	if (eh[EI_CLASS] != ELFCLASS64) {
		kx_fail(err, KX_E_FORMAT, "%s: EI_CLASS %u: only 64-bit cores are supported", name,
			eh[EI_CLASS]);
		goto fail;
	}
	if (eh[EI_DATA] != ELFDATA2LSB) {
		kx_fail(err, KX_E_FORMAT, "%s: EI_DATA %u: only little-endian cores are supported",
			name, eh[EI_DATA]);
		goto fail;
	}
	if (read_at(&vc, 0, eh, sizeof(eh), err, "ELF header") < 0)
		goto fail;
	kx_le16(h, offsetof(Elf64_Ehdr, e_type), &type);
	kx_le16(h, offsetof(Elf64_Ehdr, e_machine), &vc.machine);
	kx_le64(h, offsetof(Elf64_Ehdr, e_phoff), &phoff);
	kx_le16(h, offsetof(Elf64_Ehdr, e_phentsize), &phentsize);
	kx_le16(h, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	if (type != ET_CORE) {
		kx_fail(err, KX_E_FORMAT, "%s: e_type %u: not a core file (ET_CORE is 4)", name, type);
		goto fail;
	}
	if (phentsize != sizeof(Elf64_Phdr)) {
		kx_fail(err, KX_E_INPUT, "%s: e_phentsize %u, expected %zu", name, phentsize,
			sizeof(Elf64_Phdr));
		goto fail;
	}
	if (phnum == 0 || phnum == PN_XNUM) {
		kx_fail(err, KX_E_INPUT, "%s: e_phnum %u: %s", name, phnum,
			phnum ? "extended numbering (PN_XNUM) is not supported" : "no program headers");
		goto fail;
	}
	if (read_program_headers(&vc, phoff, phnum, err) < 0)
		goto fail;
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
	memset(vc, 0, sizeof(*vc));
}
