// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * multiboot2-x86 and multiboot-x86: kernels a Multiboot boot loader starts
 * (Xen, GNU Mach, test kernels; see multiboot.h for the headers). The
 * image is loaded where its ELF program headers (p_paddr) or its address
 * fields say, below 4 GiB, and entered in 32-bit protected mode with EAX =
 * the boot loader's magic and EBX = the boot information, which the x86_64
 * back end builds (arch/x86_64/multiboot_info.c) with the modules
 * (--module="FILE ARGS") and the command line. Multiboot2 before v1: an
 * image with both headers (Xen) gets Multiboot2, as with kexec-tools.
 *
 * Multiboot2 header tags, what this loader does with each:
 *   information request: every type it asks for that a BIOS boot can give
 *     (command line, boot loader name, modules, basic memory information,
 *     memory map, framebuffer, load base address) is given; a required
 *     request for another (EFI, ACPI, VBE, APM, SMBIOS, network, ELF
 *     sections, boot device) is refused by name;
 *   address, entry address: honoured (the entry address tag wins over
 *     e_entry, as the specification says; kexec-tools ignores it);
 *   console flags: "a console required" is honoured only with the EGA text
 *     screen (--console-vga/--reset-vga), else refused;
 *   framebuffer: the running console's linear framebuffer (boot_params'
 *     screen_info), or EGA text with --console-vga/--reset-vga, else none;
 *   module alignment: modules are always page aligned;
 *   EFI boot services, EFI i386/amd64 entry: refused when required; when
 *     optional (Xen) ignored: the old kernel has left boot services, so the
 *     image is started through its i386 entry, as from a BIOS;
 *   relocatable: loaded at its link address (allowed), and the load base
 *     address tag says so (kexec-tools relocates it; both are valid).
 */
#include "multiboot.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../core/units.h"
#include "elf.h"
#include "format.h"

#define EM_486_OLD 6
#define PAGE 4096u

static const char *const mb2_request_names[] = {
	[KX_MB2_TAG_BOOTDEV] = "boot device", [KX_MB2_TAG_VBE] = "VBE",
	[KX_MB2_TAG_ELF_SECTIONS] = "ELF sections", [KX_MB2_TAG_APM] = "APM",
	[KX_MB2_TAG_EFI32] = "EFI 32-bit system table", [KX_MB2_TAG_EFI64] = "EFI 64-bit system table",
	[KX_MB2_TAG_SMBIOS] = "SMBIOS", [KX_MB2_TAG_ACPI_OLD] = "ACPI old RSDP",
	[KX_MB2_TAG_ACPI_NEW] = "ACPI new RSDP", [KX_MB2_TAG_NETWORK] = "network",
	[KX_MB2_TAG_EFI_MMAP] = "EFI memory map", [KX_MB2_TAG_EFI_BS] = "EFI boot services not terminated",
	[KX_MB2_TAG_EFI32_IH] = "EFI 32-bit image handle", [KX_MB2_TAG_EFI64_IH] = "EFI 64-bit image handle",
};

/* What the boot information builder can give (multiboot_info.c). */
static bool mb2_request_given(uint32_t type)
{
	switch (type) {
	case KX_MB2_TAG_END: case KX_MB2_TAG_CMDLINE: case KX_MB2_TAG_BOOT_LOADER_NAME:
	case KX_MB2_TAG_MODULE: case KX_MB2_TAG_BASIC_MEMINFO: case KX_MB2_TAG_MMAP:
	case KX_MB2_TAG_FRAMEBUFFER: case KX_MB2_TAG_LOAD_BASE_ADDR:
		return true;
	default:
		return false;
	}
}

static int mb1_parse(struct kx_bytes image, uint64_t off, struct kx_multiboot_header *h, struct kx_error *err)
{
	uint32_t v[12] = { 0 };

	for (unsigned int i = 0; i < 12; i++)
		kx_le32(image, off + 4 * i, &v[i]);   /* fields past the file read 0: checked below */
	h->version = 1;
	h->offset = off;
	h->length = 48;
	h->flags = v[1];
	uint32_t unknown = h->flags & 0xffffu & ~KX_MB1_KNOWN_REQUIRED;
	if (unknown)
		return kx_fail(err, KX_E_INPUT, "multiboot header at 0x%" PRIx64 ": flags 0x%x require bit %d, which "
			       "this loader does not know (bits 0-15 are requirements; 0-2 are defined)",
			       off, h->flags, __builtin_ctz(unknown));
	if (h->flags & KX_MB1_AOUT_KLUDGE) {
		if (off + 32 > image.size)
			return kx_fail(err, KX_E_INPUT, "multiboot header at 0x%" PRIx64 ": flags bit 16 (address "
				       "fields) but the file ends inside them", off);
		h->addr_fields = true;
		h->header_addr = v[3];
		h->load_addr = v[4];
		h->load_end_addr = v[5];
		h->bss_end_addr = v[6];
		h->have_entry = true;
		h->entry_addr = v[7];
	}
	if (h->flags & KX_MB1_VIDEO_MODE) {
		h->video = true;
		h->mode_type = v[8];
		h->width = v[9];
		h->height = v[10];
		h->depth = v[11];
	}
	return 0;
}

static int mb2_tag(struct kx_multiboot_header *h, uint64_t at, uint16_t type, uint16_t flags, uint32_t size,
		   struct kx_bytes t, struct kx_error *err)
{
	bool optional = flags & KX_MB2_TAG_OPTIONAL;
	uint32_t need;

	switch (type) {
	case KX_MB2_HTAG_INFORMATION_REQUEST: need = 8; break;
	case KX_MB2_HTAG_ADDRESS: need = 24; break;
	case KX_MB2_HTAG_ENTRY_ADDRESS: case KX_MB2_HTAG_ENTRY_ADDRESS_EFI32:
	case KX_MB2_HTAG_ENTRY_ADDRESS_EFI64: case KX_MB2_HTAG_CONSOLE_FLAGS: need = 12; break;
	case KX_MB2_HTAG_FRAMEBUFFER: need = 20; break;
	case KX_MB2_HTAG_RELOCATABLE: need = 24; break;
	default: need = 8; break;
	}
	if (size < need)
		return kx_fail(err, KX_E_INPUT, "multiboot2 header tag %u at 0x%" PRIx64 ": size %u, less than its %u "
			       "bytes", type, at, size, need);
	uint32_t a = 0, b = 0, c = 0, d = 0;
	kx_le32(t, 8, &a);
	kx_le32(t, 12, &b);
	kx_le32(t, 16, &c);
	kx_le32(t, 20, &d);
	switch (type) {
	case KX_MB2_HTAG_INFORMATION_REQUEST:
		h->requests_optional = optional;
		for (uint32_t o = 8; o + 4 <= size; o += 4) {
			uint32_t r = 0;
			kx_le32(t, o, &r);
			if (h->nr_requests == KX_MB2_REQUESTS_MAX)
				return kx_fail(err, KX_E_INPUT, "multiboot2 information request tag at 0x%" PRIx64
					       ": more than %d types", at, KX_MB2_REQUESTS_MAX);
			h->requests[h->nr_requests++] = r;
			if (!optional && !mb2_request_given(r)) {
				const char *n = r < sizeof(mb2_request_names) / sizeof(mb2_request_names[0]) &&
						mb2_request_names[r] ? mb2_request_names[r] : "unknown";
				return kx_fail(err, KX_E_INPUT, "multiboot2 information request tag at 0x%" PRIx64
					       ": requires tag type %u (%s), which kexec-ng does not give (it gives "
					       "the command line, boot loader name, modules, memory information and "
					       "map, framebuffer and load base address)", at, r, n);
			}
		}
		return 0;
	case KX_MB2_HTAG_ADDRESS:
		h->addr_fields = true;
		h->header_addr = a;
		h->load_addr = b;
		h->load_end_addr = c;
		h->bss_end_addr = d;
		return 0;
	case KX_MB2_HTAG_ENTRY_ADDRESS:
		h->have_entry = true;
		h->entry_addr = a;
		return 0;
	case KX_MB2_HTAG_CONSOLE_FLAGS:
		h->console_required = a & 1;
		h->console_ega = a & 2;
		return 0;
	case KX_MB2_HTAG_FRAMEBUFFER:
		h->video = true;
		h->width = a;
		h->height = b;
		h->depth = c;
		return 0;
	case KX_MB2_HTAG_MODULE_ALIGN:
		h->module_align = true;
		return 0;
	case KX_MB2_HTAG_RELOCATABLE:
		h->relocatable = true;
		h->rel_min = a;
		h->rel_max = b;
		h->rel_align = c;
		h->rel_preference = d;
		if (a > b)
			return kx_fail(err, KX_E_INPUT, "multiboot2 relocatable tag at 0x%" PRIx64 ": min_addr 0x%x "
				       "above max_addr 0x%x", at, a, b);
		return 0;
	case KX_MB2_HTAG_EFI_BS:
	case KX_MB2_HTAG_ENTRY_ADDRESS_EFI32:
	case KX_MB2_HTAG_ENTRY_ADDRESS_EFI64:
		if (type == KX_MB2_HTAG_EFI_BS)
			h->efi_bs = true;
		else if (type == KX_MB2_HTAG_ENTRY_ADDRESS_EFI32)
			h->efi32_entry = true;
		else
			h->efi64_entry = true;
		if (!optional)
			return kx_fail(err, KX_E_INPUT, "multiboot2 header tag %u at 0x%" PRIx64 " (%s) is required: "
				       "kexec-ng starts the image after the running kernel left the EFI boot "
				       "services, through its i386 entry", type, at,
				       type == KX_MB2_HTAG_EFI_BS ? "EFI boot services" :
				       type == KX_MB2_HTAG_ENTRY_ADDRESS_EFI32 ? "EFI i386 entry address" :
				       "EFI amd64 entry address");
		return 0;
	default:
		if (!optional)
			return kx_fail(err, KX_E_INPUT, "multiboot2 header tag %u at 0x%" PRIx64 " is required and "
				       "unknown to kexec-ng", type, at);
		return 0;
	}
}

static int mb2_parse(struct kx_bytes image, uint64_t off, uint32_t length, struct kx_multiboot_header *h,
		     struct kx_error *err)
{
	uint32_t arch = 0;

	kx_le32(image, off + 4, &arch);
	h->version = 2;
	h->offset = off;
	h->length = length;
	if (arch != 0)
		return kx_fail(err, KX_E_INPUT, "multiboot2 header at 0x%" PRIx64 ": architecture %u is not 0 (i386 "
			       "protected mode)", off, arch);
	if (length < 16 + 8 || length > image.size - off)
		return kx_fail(err, KX_E_INPUT, "multiboot2 header at 0x%" PRIx64 ": header_length %u is not between "
			       "24 and the %" PRIu64 " bytes left in the file", off, length, (uint64_t)(image.size - off));
	for (uint32_t o = 16;;) {
		uint32_t w0 = 0, size = 0;
		uint64_t at = off + o;
		if (o + 8 > length)
			return kx_fail(err, KX_E_INPUT, "multiboot2 header at 0x%" PRIx64 ": no end tag (type 0) within "
				       "header_length %u", off, length);
		kx_le32(image, at, &w0);
		kx_le32(image, at + 4, &size);
		uint16_t type = w0 & 0xffff, flags = w0 >> 16;
		if (size < 8 || size > length - o)
			return kx_fail(err, KX_E_INPUT, "multiboot2 header tag %u at 0x%" PRIx64 ": size %u is not "
				       "between 8 and the %u bytes left in header_length", type, at, size, length - o);
		if (type == KX_MB2_HTAG_END)
			return 0;
		if (mb2_tag(h, at, type, flags, size, kx_bytes_sub(image, at, size), err) < 0)
			return -1;
		o += (size + 7) & ~7u;
	}
}

int kx_multiboot_find(struct kx_bytes image, unsigned int version, struct kx_multiboot_header *ret,
		      struct kx_error *err)
{
	uint64_t search = version == 1 ? KX_MB1_SEARCH : KX_MB2_SEARCH;
	unsigned int step = version == 1 ? 4 : 8, words = version == 1 ? 3 : 4;
	uint32_t magic = version == 1 ? KX_MB1_HEADER_MAGIC : KX_MB2_HEADER_MAGIC;
	uint64_t bad = UINT64_MAX;

	if (search > image.size)
		search = image.size;
	memset(ret, 0, sizeof(*ret));
	for (uint64_t off = 0; off + 4 * words <= search; off += step) {
		uint32_t v[4] = { 0 }, sum = 0;
		for (unsigned int i = 0; i < words; i++) {
			kx_le32(image, off + 4 * i, &v[i]);
			sum += v[i];
		}
		if (v[0] != magic)
			continue;
		if (sum != 0) {
			if (bad == UINT64_MAX)
				bad = off;
			continue;
		}
		int r = version == 1 ? mb1_parse(image, off, ret, err) : mb2_parse(image, off, v[2], ret, err);
		return r < 0 ? -1 : 1;
	}
	if (bad != UINT64_MAX) {
		kx_fail(err, KX_E_INPUT, "multiboot%s header at 0x%" PRIx64 ": checksum: magic + %s + checksum "
			"is not 0", version == 1 ? "" : "2", bad,
			version == 1 ? "flags" : "architecture + header_length");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

static enum kx_probe probe(unsigned int version, struct kx_bytes image, struct kx_error *err)
{
	struct kx_multiboot_header h;
	int r = kx_multiboot_find(image, version, &h, err);

	return r > 0 ? KX_PROBE_YES : r == 0 ? KX_PROBE_NO : KX_PROBE_BROKEN;
}

static enum kx_probe mb1_probe(struct kx_bytes image, const struct kx_arch_ops *arch, struct kx_error *err)
{
	(void)arch;
	return probe(1, image, err);
}

static enum kx_probe mb2_probe(struct kx_bytes image, const struct kx_arch_ops *arch, struct kx_error *err)
{
	(void)arch;
	return probe(2, image, err);
}

/* The image by its address fields (v1 flags bit 16, v2 address tag): one
 * piece from the file at load_addr. */
static int addr_pieces(const struct kx_multiboot_header *h, struct kx_bytes file, const char *name,
		       struct kx_kernel_desc *k, struct kx_error *err)
{
	uint64_t load = h->load_addr, end = h->load_end_addr, bss = h->bss_end_addr;

	if (load > h->header_addr)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot load_addr 0x%" PRIx64 " above header_addr 0x%x",
			       name, load, h->header_addr);
	if (h->header_addr - load > h->offset)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot header_addr 0x%x - load_addr 0x%" PRIx64 " is more "
			       "than the header's offset 0x%" PRIx64 " in the file", name, h->header_addr, load, h->offset);
	if (load & (PAGE - 1))
		return kx_fail(err, KX_E_INPUT, "%s: multiboot load_addr 0x%" PRIx64 " is not page aligned "
			       "(kexec segments start on pages; kexec-tools refuses it too)", name, load);
	uint64_t foff = h->offset - (h->header_addr - load);
	if (end == 0)
		end = load + (file.size - foff);
	if (end < load)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot load_end_addr 0x%" PRIx64 " below load_addr 0x%" PRIx64,
			       name, end, load);
	if (end - load > file.size - foff)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot load_end_addr 0x%" PRIx64 ": %" PRIu64 " bytes from "
			       "offset 0x%" PRIx64 ", past the end of the file (%zu bytes)", name, end, end - load,
			       foff, file.size);
	if (bss == 0)
		bss = end;
	if (bss < end)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot bss_end_addr 0x%" PRIx64 " below load_end_addr 0x%"
			       PRIx64, name, bss, end);
	if (bss > 4 * GiB)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot bss_end_addr 0x%" PRIx64 " above 4 GiB", name, bss);
	k->pieces[0] = (struct kx_kernel_piece){ .bytes = kx_bytes_sub(file, foff, end - load),
						 .memsz = bss - load, .paddr = load };
	k->nr_pieces = 1;
	if (!h->have_entry)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot2 address tag without an entry address tag", name);
	if (h->entry_addr < load || h->entry_addr >= bss)
		return kx_fail(err, KX_E_INPUT, "%s: multiboot entry_addr 0x%x outside the image (0x%" PRIx64
			       "-0x%" PRIx64 ")", name, h->entry_addr, load, bss);
	k->entry = h->entry_addr;
	return 0;
}

/* The image by its ELF program headers (32-bit, or 64-bit as GRUB
 * allows): each PT_LOAD at p_paddr, below 4 GiB. A piece must start on a
 * page: p_paddr page aligned (Xen: p_offset 0x80 at 0x200000), or sharing
 * its page offset with p_offset (then taken from the page's start). */
static int elf_pieces(struct kx_bytes file, const char *name, struct kx_kernel_desc *k, struct kx_error *err)
{
	struct kx_elf elf;

	if (!kx_elf_is_elf(file))
		return kx_fail(err, KX_E_INPUT, "%s: a multiboot image without the address fields (v1 flags bit 16, "
			       "v2 address tag) must be an ELF file, and this one is not", name);
	if (file.size > EI_CLASS && file.data[EI_CLASS] == ELFCLASS64) {
		if (kx_elf_parse(file, name, EM_X86_64, &elf, err) < 0)
			return -1;
	} else if (kx_elf32_parse(file, name, EM_386, EM_486_OLD, &elf, err) < 0) {
		return -1;
	}
	if (!elf.nr_loads)
		return kx_fail(err, KX_E_INPUT, "%s: no PT_LOAD program header", name);
	k->nr_pieces = 0;
	uint64_t entry = elf.entry;
	bool entry_phys = false;
	for (unsigned int i = 0; i < elf.nr_loads; i++) {
		const struct kx_elf_load *l = &elf.loads[i];
		uint64_t paddr = l->paddr, off = l->offset, filesz = l->filesz, memsz = l->memsz;
		if (paddr % PAGE) {
			if ((paddr - off) % PAGE)
				return kx_fail(err, KX_E_INPUT, "%s: PT_LOAD %u: p_paddr 0x%" PRIx64 " is not page aligned "
					       "and p_offset 0x%" PRIx64 " is not at the same offset in its page: "
					       "kexec segments start on pages", name, i, paddr, off);
			uint64_t lead = paddr % PAGE;
			paddr -= lead;
			off -= lead;
			filesz += lead;
			memsz += lead;
		}
		if (paddr + memsz > 4 * GiB)
			return kx_fail(err, KX_E_INPUT, "%s: PT_LOAD %u: p_paddr 0x%" PRIx64 " + p_memsz 0x%" PRIx64
				       " ends above 4 GiB: a multiboot image runs in 32-bit mode", name, i,
				       l->paddr, l->memsz);
		if (entry >= l->paddr && entry < l->paddr + l->memsz)
			entry_phys = true;
		k->pieces[k->nr_pieces++] = (struct kx_kernel_piece){
			.bytes = kx_bytes_sub(file, off, filesz), .memsz = memsz, .paddr = paddr };
	}
	if (!entry_phys) {
		for (unsigned int i = 0; i < elf.nr_loads && !entry_phys; i++) {
			const struct kx_elf_load *l = &elf.loads[i];
			if (entry >= l->vaddr && entry < l->vaddr + l->memsz) {
				entry = entry - l->vaddr + l->paddr;
				entry_phys = true;
			}
		}
		if (!entry_phys)
			return kx_fail(err, KX_E_INPUT, "%s: e_entry 0x%" PRIx64 " is in no PT_LOAD", name, elf.entry);
	}
	k->entry = entry;
	return 0;
}

static int describe(unsigned int version, const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k,
		    struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	struct kx_bytes file = ctx->kernel->bytes;
	struct kx_multiboot_header h;

	if (kx_multiboot_find(file, version, &h, err) <= 0)
		return -1;
	if (ctx->opts->crash)
		return kx_fail(err, KX_E_USAGE, "%s: a multiboot kernel runs where its headers say, not in the crash "
			       "kernel region: it cannot be a crash kernel", name);
	if (ctx->initrd)
		return kx_fail(err, KX_E_USAGE, "--initrd: a multiboot kernel takes no initrd; give it as a module "
			       "(--module=\"FILE ARGS\"), as Xen's dom0 initrd is");
	k->format = version == 1 ? "multiboot" : "multiboot2";
	k->fixed = true;
	k->entry32 = true;
	k->args = KX_ARGS_NONE;
	k->multiboot = version;
	k->protocol_header = kx_bytes_sub(file, h.offset, h.length);
	if (h.addr_fields) {
		if (addr_pieces(&h, file, name, k, err) < 0)
			return -1;
	} else if (elf_pieces(file, name, k, err) < 0) {
		return -1;
	}
	/* the entry address tag wins over e_entry (the specification) */
	if (h.have_entry)
		k->entry = h.entry_addr;
	if (h.version == 2 && (h.efi_bs || h.efi64_entry || h.efi32_entry))
		snprintf(k->note, sizeof(k->note), "%s: its EFI tags (optional) are not used: started through its "
			 "i386 entry with a BIOS-style memory map, as kexec-tools does", name);
	return 0;
}

static int mb1_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k, struct kx_error *err)
{
	return describe(1, ctx, k, err);
}

static int mb2_describe(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *k, struct kx_error *err)
{
	return describe(2, ctx, k, err);
}

static bool needs_kexec_load(struct kx_bytes image, const struct kx_plan_options *opts, char *why, size_t len)
{
	(void)image;
	(void)opts;
	snprintf(why, len, "a multiboot kernel, which no kexec_file_load loader takes");
	return true;
}

const struct kx_format_ops kx_format_multiboot2 = {
	.name = "multiboot2-x86",
	.takes_modules = true,
	.probe = mb2_probe,
	.describe = mb2_describe,
	.needs_kexec_load = needs_kexec_load,
};

const struct kx_format_ops kx_format_multiboot = {
	.name = "multiboot-x86",
	.takes_modules = true,
	.probe = mb1_probe,
	.describe = mb1_describe,
	.needs_kexec_load = needs_kexec_load,
};
