// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ELF core file: readers, the ELF header, the program headers and the
 * VMCOREINFO note; and the writer of the header bytes (see elfcore.h).
 */
#include "elfcore.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/bytes.h"

_Static_assert(sizeof(Elf64_Ehdr) == KX_ELFCORE_EHDR_SIZE, "ELF64 header size");
_Static_assert(sizeof(Elf64_Phdr) == KX_ELFCORE_PHDR_SIZE, "ELF64 program header size");

#define VMCOREINFO_NOTE_NAME "VMCOREINFO"

_Static_assert(KX_ELFCORE_PHNUM_MAX == PN_XNUM - 1, "largest e_phnum without extended numbering");

/* --- readers --------------------------------------------------------------- */

static int mem_read(void *ctx, uint64_t offset, void *buf, size_t len, struct kx_error *err)
{
	const struct kx_elfcore_mem *m = ctx;
	if (!kx_span_ok(m->size, offset, len))
		return kx_fail(err, KX_E_INPUT,
			       "0x%zx bytes at file offset 0x%" PRIx64 " run past the end of the file "
			       "(0x%zx bytes)", len, offset, m->size);
	memcpy(buf, m->data + offset, len);
	return 0;
}

struct kx_elfcore_reader kx_elfcore_mem_reader(struct kx_elfcore_mem *mem)
{
	struct kx_elfcore_reader rd = { mem_read, mem };
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

struct kx_elfcore_reader kx_elfcore_fd_reader(int *fd)
{
	struct kx_elfcore_reader rd = { fd_read, fd };
	return rd;
}

/* --- reading the headers ---------------------------------------------------- */

struct src {
	struct kx_elfcore_reader rd;
	const char *name;
};

int kx_elfcore_read_at(struct kx_elfcore_reader rd, const char *name, uint64_t off, void *buf,
		       size_t len, struct kx_error *err, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (rd.read(rd.ctx, off, buf, len, err) == 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (name)
		kx_error_prefix(err, "%s: %s: ", name, what);
	else
		kx_error_prefix(err, "%s: ", what);
	return -1;
}

/*
 * Walk the notes of one PT_NOTE segment (already in memory) and keep the
 * VMCOREINFO one. Each note: namesz, descsz, type (4 bytes each), the name
 * padded to 4, the descriptor padded to 4 (the ELF gABI's layout that
 * fs/proc/vmcore.c and kcore.c write).
 */
static int scan_notes(struct kx_elfcore *ec, const struct src *s, struct kx_bytes seg,
		      unsigned int ph, struct kx_error *err)
{
	uint64_t off = 0;

	while (off < seg.size) {
		uint32_t namesz, descsz, type;
		uint64_t name_off = off + 12, desc_off, next;

		if (!kx_le32(seg, off, &namesz) || !kx_le32(seg, off + 4, &descsz) ||
		    !kx_le32(seg, off + 8, &type))
			return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: note header at 0x%" PRIx64
				       " runs past p_filesz 0x%zx", s->name, ph, off, seg.size);
		if (namesz == 0 && descsz == 0 && type == 0)
			break;   /* zero padding after the last note */
		desc_off = name_off + kx_align_up(namesz, 4);
		next = desc_off + kx_align_up(descsz, 4);
		if (!kx_span_ok(seg.size, name_off, namesz) || !kx_span_ok(seg.size, desc_off, descsz))
			return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: note at 0x%" PRIx64
				       " (namesz %u, descsz %u) runs past p_filesz 0x%zx",
				       s->name, ph, off, namesz, descsz, seg.size);
		if (namesz == sizeof(VMCOREINFO_NOTE_NAME) &&
		    !memcmp(seg.data + name_off, VMCOREINFO_NOTE_NAME, namesz)) {
			if (ec->info)
				return kx_fail(err, KX_E_INPUT, "%s: PT_NOTE %u: a second VMCOREINFO note",
					       s->name, ph);
			if (descsz > KX_ELFCORE_VMCOREINFO_MAX)
				return kx_fail(err, KX_E_INPUT, "%s: VMCOREINFO note of %u bytes, more "
					       "than %llu, the most vmcore-dmesg reads (the kernel's is a "
					       "page)", s->name, descsz, KX_ELFCORE_VMCOREINFO_MAX);
			ec->info = malloc((size_t)descsz + 1);
			if (!ec->info)
				return kx_fail(err, KX_E_NOMEM, "out of memory");
			memcpy(ec->info, seg.data + desc_off, descsz);
			ec->info_desc_offset = ec->notes_size + desc_off;
			ec->info_desc_size = descsz;
			ec->info[descsz] = 0;
			/* The kernel's note is NUL-padded text: stop at the first NUL. */
			ec->info_size = strlen(ec->info);
		}
		if (namesz == 5 && !memcmp(seg.data + name_off, "CORE", 5) && type == 1 /* NT_PRSTATUS */)
			ec->nr_prstatus++;
		off = next;
	}
	return 0;
}

/* Read one PT_NOTE segment and scan it; `notes_total` counts the bytes read. */
static int read_note_segment(struct kx_elfcore *ec, const struct src *s, unsigned int i,
			     uint64_t offset, uint64_t filesz, uint64_t *notes_total,
			     struct kx_error *err)
{
	uint64_t end;
	uint8_t *seg;
	int r;

	if (kx_add_overflows(offset, filesz, &end))
		return kx_fail(err, KX_E_INPUT, "%s: program header %u: PT_NOTE p_offset 0x%" PRIx64
			       " + p_filesz 0x%" PRIx64 " overflows", s->name, i, offset, filesz);
	if (filesz == 0)
		return 0;
	if (filesz > KX_ELFCORE_NOTES_MAX - *notes_total)
		return kx_fail(err, KX_E_INPUT, "%s: program header %u: PT_NOTE p_filesz 0x%"
			       PRIx64 ": more than %llu bytes of notes in all, the most vmcore-dmesg "
			       "reads", s->name, i, filesz, KX_ELFCORE_NOTES_MAX);
	*notes_total += filesz;
	seg = malloc(filesz);
	if (!seg)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	r = kx_elfcore_read_at(s->rd, s->name, offset, seg, filesz, err, "PT_NOTE %u (p_offset 0x%"
			       PRIx64 ", p_filesz 0x%" PRIx64 ")", i, offset, filesz);
	if (r == 0)
		r = scan_notes(ec, s, (struct kx_bytes){ seg, filesz }, i, err);
	if (r == 0) {
		/* kept, after the notes of earlier PT_NOTEs */
		uint8_t *all = realloc(ec->notes, ec->notes_size + filesz);
		if (!all) {
			free(seg);
			return kx_fail(err, KX_E_NOMEM, "out of memory");
		}
		memcpy(all + ec->notes_size, seg, filesz);
		ec->notes = all;
		ec->notes_size += filesz;
	}
	free(seg);
	return r;
}

static int read_program_headers(struct kx_elfcore *ec, const struct src *s, uint64_t phoff,
				uint16_t phnum, bool read_notes, struct kx_error *err)
{
	size_t table_size = (size_t)phnum * sizeof(Elf64_Phdr);
	uint64_t notes_total = 0;
	uint8_t *table;
	int r = -1;

	table = malloc(table_size);
	ec->loads = calloc(phnum, sizeof(*ec->loads));
	if (!table || !ec->loads) {
		free(table);
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	}
	if (kx_elfcore_read_at(s->rd, s->name, phoff, table, table_size, err, "program headers "
			       "(e_phoff 0x%" PRIx64 ", %u entries)", phoff, phnum) < 0)
		goto out;

	struct kx_bytes t = { table, table_size };
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t ph = (uint64_t)i * sizeof(Elf64_Phdr), end;
		uint32_t type = 0;
		struct kx_elfcore_load l = { 0 };

		kx_le32(t, ph + offsetof(Elf64_Phdr, p_type), &type);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_offset), &l.offset);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_vaddr), &l.vaddr);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_paddr), &l.paddr);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_filesz), &l.filesz);
		kx_le64(t, ph + offsetof(Elf64_Phdr, p_memsz), &l.memsz);
		if (type == PT_NOTE && read_notes) {
			if (read_note_segment(ec, s, i, l.offset, l.filesz, &notes_total, err) < 0)
				goto out;
			continue;
		}
		if (type != PT_LOAD || l.memsz == 0)
			continue;
		/* kcore gives p_paddr -1 for what has no physical address. */
		l.has_paddr = !kx_add_overflows(l.paddr, l.memsz, &end);
		/* Kept but marked (see elfcore.h): a read that needs it then
		 * says the memory is not in the core file. */
		l.readable = !kx_add_overflows(l.offset, l.filesz, &end) && end <= (uint64_t)INT64_MAX;
		if (l.readable && l.filesz > l.memsz) {
			kx_fail(err, KX_E_INPUT, "%s: program header %u: p_filesz 0x%" PRIx64
				" exceeds p_memsz 0x%" PRIx64, s->name, i, l.filesz, l.memsz);
			goto out;
		}
		if (l.readable && kx_add_overflows(l.vaddr, l.memsz, &end) && end != 0) {
			kx_fail(err, KX_E_INPUT, "%s: program header %u: p_vaddr 0x%" PRIx64
				" + p_memsz 0x%" PRIx64 " overflows", s->name, i, l.vaddr, l.memsz);
			goto out;
		}
		ec->loads[ec->nr_loads++] = l;
	}
	r = 0;
out:
	free(table);
	return r;
}

int kx_elfcore_read(struct kx_elfcore *ret, const char *name, struct kx_elfcore_reader rd,
		    bool read_notes, struct kx_error *err)
{
	struct kx_elfcore ec = { 0 };
	struct src s = { rd, name };
	uint8_t eh[sizeof(Elf64_Ehdr)];
	struct kx_bytes h = { eh, sizeof(eh) };
	uint16_t type = 0, phentsize = 0, phnum = 0;
	uint64_t phoff = 0;

	memset(ret, 0, sizeof(*ret));
	/* "Not ELF" (format) and "ELF, but cut short" (input) differ: read the
	 * identification first. */
	if (rd.read(rd.ctx, 0, eh, EI_NIDENT, err) < 0) {
		if (err->status == KX_E_INPUT)
			return kx_fail(err, KX_E_FORMAT, "%s: not an ELF core file (shorter than an "
				       "ELF identification)", name);
		kx_error_prefix(err, "%s: ELF header: ", name);
		return -1;
	}
	if (memcmp(eh, ELFMAG, SELFMAG)) {
		/* makedumpfile's own formats: "KDUMP   " (compressed, -c/-l/-p)
		 * and "makedumpfile" (flattened, -F). */
		if (!memcmp(eh, "KDUMP   ", 8) || !memcmp(eh, "makedumpf", 9))
			return kx_fail(err, KX_E_FORMAT, "%s: a makedumpfile %s dump, not an ELF core "
				       "file: read its log with makedumpfile --dump-dmesg or crash", name,
				       eh[0] == 'K' ? "compressed (kdump)" : "flattened");
		return kx_fail(err, KX_E_FORMAT, "%s: not an ELF core file (no ELF magic)", name);
	}
	if (eh[EI_CLASS] != ELFCLASS64)
		return kx_fail(err, KX_E_FORMAT, "%s: EI_CLASS %u: only 64-bit cores are supported",
			       name, eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2LSB)
		return kx_fail(err, KX_E_FORMAT, "%s: EI_DATA %u: only little-endian cores are "
			       "supported", name, eh[EI_DATA]);
	if (kx_elfcore_read_at(rd, name, 0, eh, sizeof(eh), err, "ELF header") < 0)
		return -1;
	kx_le16(h, offsetof(Elf64_Ehdr, e_type), &type);
	kx_le16(h, offsetof(Elf64_Ehdr, e_machine), &ec.machine);
	kx_le64(h, offsetof(Elf64_Ehdr, e_phoff), &phoff);
	kx_le16(h, offsetof(Elf64_Ehdr, e_phentsize), &phentsize);
	kx_le16(h, offsetof(Elf64_Ehdr, e_phnum), &phnum);
	if (type != ET_CORE)
		return kx_fail(err, KX_E_FORMAT, "%s: e_type %u: not a core file (ET_CORE is 4)",
			       name, type);
	if (phentsize != sizeof(Elf64_Phdr))
		return kx_fail(err, KX_E_INPUT, "%s: e_phentsize %u, expected %zu", name, phentsize,
			       sizeof(Elf64_Phdr));
	if (phnum == 0 || phnum > KX_ELFCORE_PHNUM_MAX)
		return kx_fail(err, KX_E_INPUT, "%s: e_phnum %u: %s", name, phnum,
			       phnum ? "extended numbering (PN_XNUM) is not supported: at most 65534 "
				       "program headers" : "no program headers");
	if (read_program_headers(&ec, &s, phoff, phnum, read_notes, err) < 0) {
		kx_elfcore_free(&ec);
		return -1;
	}
	*ret = ec;
	return 0;
}

void kx_elfcore_free(struct kx_elfcore *ec)
{
	free(ec->loads);
	free(ec->info);
	free(ec->notes);
	memset(ec, 0, sizeof(*ec));
}

/* --- writing the headers ---------------------------------------------------- */

void kx_elfcore_put_ehdr(uint8_t *p, uint16_t machine, uint16_t phnum)
{
	static const uint8_t ident[EI_NIDENT] = {
		ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
		ELFOSABI_NONE, /* EI_ABIVERSION and padding: 0 */
	};
	memset(p, 0, KX_ELFCORE_EHDR_SIZE);   /* e_entry, e_shoff, e_flags, sections: 0 */
	memcpy(p, ident, sizeof(ident));
	kx_put_le16(p + offsetof(Elf64_Ehdr, e_type), ET_CORE);
	kx_put_le16(p + offsetof(Elf64_Ehdr, e_machine), machine);
	kx_put_le32(p + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
	kx_put_le64(p + offsetof(Elf64_Ehdr, e_phoff), KX_ELFCORE_EHDR_SIZE);
	kx_put_le16(p + offsetof(Elf64_Ehdr, e_ehsize), KX_ELFCORE_EHDR_SIZE);
	kx_put_le16(p + offsetof(Elf64_Ehdr, e_phentsize), KX_ELFCORE_PHDR_SIZE);
	kx_put_le16(p + offsetof(Elf64_Ehdr, e_phnum), phnum);
}

uint8_t *kx_elfcore_put_phdr(uint8_t *p, uint32_t type, uint32_t flags, uint64_t offset,
			     uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	kx_put_le32(p + offsetof(Elf64_Phdr, p_type), type);
	kx_put_le32(p + offsetof(Elf64_Phdr, p_flags), flags);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_offset), offset);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_vaddr), vaddr);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_paddr), paddr);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_filesz), size);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_memsz), size);
	kx_put_le64(p + offsetof(Elf64_Phdr, p_align), 0);
	return p + KX_ELFCORE_PHDR_SIZE;
}

const char *kx_elfcore_machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64";
	case EM_AARCH64: return "arm64";
	case EM_RISCV: return "riscv64";
	default: return NULL;
	}
}
