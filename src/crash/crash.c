// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash header builder (see crash.h for the layout and the rules).
 * Validation and the range algebra run first, into a plan of the RAM
 * PT_LOADs; the bytes are written only when everything is known to fit.
 */
#include "crash.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bytes.h"
#include "../elfcore/elfcore.h"

_Static_assert(KX_ELFCORE_EHDR_SIZE == KX_CRASH_EHDR_SIZE, "ELF64 header size");
_Static_assert(KX_ELFCORE_PHDR_SIZE == KX_CRASH_PHDR_SIZE, "ELF64 program header size");
_Static_assert(KX_CRASH_PHNUM_MAX == PN_XNUM - 1, "largest e_phnum without extended numbering");

static int check_note(const struct kx_crash_note *n, const char *what, unsigned int index,
		      struct kx_error *err)
{
	uint64_t end;
	if (!n->addr)
		return kx_fail(err, KX_E_SYSTEM, "%s %u: note at physical address 0", what, index);
	if (!n->size)
		return kx_fail(err, KX_E_SYSTEM, "%s %u: note of size 0 at 0x%llx", what, index,
			       (unsigned long long)n->addr);
	if (kx_add_overflows(n->addr, n->size, &end))
		return kx_fail(err, KX_E_SYSTEM, "%s %u: note 0x%llx + 0x%llx wraps around",
			       what, index, (unsigned long long)n->addr, (unsigned long long)n->size);
	return 0;
}

/*
 * Validate `info` and compute the RAM to dump (sorted, exclusions applied)
 * into `ram`, and the number of program headers.
 */
static int plan(const struct kx_crash_info *info, struct kx_memmap *ram,
		unsigned int *ret_phnum, struct kx_error *err)
{
	if (!kx_elfcore_machine_name(info->e_machine))
		return kx_fail(err, KX_E_USAGE,
			       "crash header: e_machine %u is not x86_64 (%u), arm64 (%u) or riscv64 (%u)",
			       info->e_machine, EM_X86_64, EM_AARCH64, EM_RISCV);
	if (!info->ram || (info->nr_cpu_notes && !info->cpu_notes))
		return kx_fail(err, KX_E_USAGE, "crash header: no RAM map or no CPU note array");
	if (!info->nr_cpu_notes)
		return kx_fail(err, KX_E_SYSTEM,
			       "crash header: no per-CPU crash notes (cpuN/crash_notes); the dump "
			       "would have no registers");
	for (unsigned int i = 0; i < info->nr_cpu_notes; i++)
		if (check_note(&info->cpu_notes[i], "crash header: CPU note", i, err) < 0)
			return -1;
	if (check_note(&info->vmcoreinfo, "crash header: VMCOREINFO", 0, err) < 0)
		return -1;
	if (info->kernel_text) {
		const struct kx_crash_text *t = info->kernel_text;
		uint64_t end;
		if (!t->size || kx_add_overflows(t->paddr, t->size, &end) ||
		    kx_add_overflows(t->vaddr, t->size - 1, &end))
			return kx_fail(err, KX_E_SYSTEM,
				       "crash header: kernel text 0x%llx (phys 0x%llx) size 0x%llx is "
				       "empty or wraps around", (unsigned long long)t->vaddr,
				       (unsigned long long)t->paddr, (unsigned long long)t->size);
	}

	*ram = *info->ram;
	kx_memmap_sort(ram);
	for (unsigned int i = 0; i < ram->count; i++) {
		const struct kx_range *r = &ram->ranges[i];
		if (r->end <= r->start)
			return kx_fail(err, KX_E_SYSTEM, "crash header: RAM range 0x%llx-0x%llx is "
				       "empty or inverted", (unsigned long long)r->start,
				       (unsigned long long)r->end);
		/* Overlapping RAM would be dumped twice, and which copy a
		 * tool reads is unspecified: refused rather than merged,
		 * because it means the caller's map is wrong. */
		if (i && r->start < ram->ranges[i - 1].end)
			return kx_fail(err, KX_E_SYSTEM, "crash header: RAM ranges 0x%llx-0x%llx and "
				       "0x%llx-0x%llx overlap",
				       (unsigned long long)ram->ranges[i - 1].start,
				       (unsigned long long)ram->ranges[i - 1].end,
				       (unsigned long long)r->start, (unsigned long long)r->end);
	}
	if (kx_memmap_subtract(ram, info->exclude, ram, err) < 0) {
		kx_error_prefix(err, "crash header: ");
		return -1;
	}
	if (!ram->count)
		return kx_fail(err, KX_E_SYSTEM, "crash header: no RAM left to dump after "
			       "excluding %u range(s)", info->exclude ? info->exclude->count : 0);

	uint64_t phnum = (uint64_t)info->nr_cpu_notes + 1 + (info->kernel_text ? 1 : 0) +
			 ram->count;
	if (phnum > KX_CRASH_PHNUM_MAX)
		return kx_fail(err, KX_E_PLAN,
			       "crash header: %llu program headers (%u CPU notes, %u RAM ranges) "
			       "exceed %u; the capture kernel reads e_phnum without ELF extended "
			       "numbering (PN_XNUM)", (unsigned long long)phnum,
			       info->nr_cpu_notes, ram->count, KX_CRASH_PHNUM_MAX);
	*ret_phnum = (unsigned int)phnum;
	return 0;
}

static size_t header_size(unsigned int phnum)
{
	/* At most 64 + 0xfffe * 56 bytes: no overflow. */
	return (size_t)kx_align_up(KX_CRASH_EHDR_SIZE + (uint64_t)phnum * KX_CRASH_PHDR_SIZE,
				   KX_CRASH_HDR_ALIGN);
}

int kx_crash_elfcorehdr_size(const struct kx_crash_info *info, size_t *ret_size,
			     struct kx_error *err)
{
	struct kx_memmap *ram = malloc(sizeof(*ram));
	unsigned int phnum;
	if (!ram)
		return kx_fail(err, KX_E_NOMEM, "crash header: out of memory");
	int r = plan(info, ram, &phnum, err);
	free(ram);
	if (r < 0)
		return -1;
	*ret_size = header_size(phnum);
	return 0;
}

int kx_crash_elfcorehdr(const struct kx_crash_info *info, uint8_t **ret_buf,
			size_t *ret_size, struct kx_error *err)
{
	struct kx_memmap *ram = malloc(sizeof(*ram));
	unsigned int phnum;
	if (!ram)
		return kx_fail(err, KX_E_NOMEM, "crash header: out of memory");
	if (plan(info, ram, &phnum, err) < 0) {
		free(ram);
		return -1;
	}
	size_t size = header_size(phnum);
	uint8_t *buf = calloc(1, size);
	if (!buf) {
		free(ram);
		return kx_fail(err, KX_E_NOMEM, "crash header: out of memory (%zu bytes)", size);
	}

	kx_elfcore_put_ehdr(buf, info->e_machine, (uint16_t)phnum);
	uint8_t *p = buf + KX_CRASH_EHDR_SIZE;
	for (unsigned int i = 0; i < info->nr_cpu_notes; i++) {
		const struct kx_crash_note *n = &info->cpu_notes[i];
		p = kx_elfcore_put_phdr(p, PT_NOTE, 0, n->addr, 0, n->addr, n->size);
	}
	p = kx_elfcore_put_phdr(p, PT_NOTE, 0, info->vmcoreinfo.addr, 0, info->vmcoreinfo.addr,
				info->vmcoreinfo.size);
	if (info->kernel_text) {
		const struct kx_crash_text *t = info->kernel_text;
		p = kx_elfcore_put_phdr(p, PT_LOAD, PF_R | PF_W | PF_X, t->paddr, t->vaddr, t->paddr,
					t->size);
	}
	for (unsigned int i = 0; i < ram->count; i++) {
		const struct kx_range *r = &ram->ranges[i];
		uint64_t vaddr = info->have_linear_base ? r->start + info->linear_base : 0;
		p = kx_elfcore_put_phdr(p, PT_LOAD, PF_R | PF_W | PF_X, r->start, vaddr, r->start,
					r->end - r->start);
	}
	free(ram);
	*ret_buf = buf;
	*ret_size = size;
	return 0;
}
