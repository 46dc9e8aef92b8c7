// SPDX-License-Identifier: GPL-2.0-or-later
#include "uki.h"

#include "../arch/arch.h"
#include "wrapper.h"

#include <stdio.h>
#include <string.h>

/*
 * PE/COFF (Microsoft PE format specification): the DOS header's e_lfanew
 * (u32 at 0x3c) points at "PE\0\0", followed by the 20-byte COFF header
 * (Machine u16 at +4, NumberOfSections u16 at +6, SizeOfOptionalHeader u16
 * at +20), the optional header, then NumberOfSections 40-byte section
 * headers: Name[8], VirtualSize, VirtualAddress, SizeOfRawData,
 * PointerToRawData (u32 at 8, 12, 16, 20).
 */
#define DOS_E_LFANEW 0x3c
#define PE_SIGNATURE 0x00004550u /* "PE\0\0" */
#define COFF_MACHINE 4
#define COFF_NSECTIONS 6
#define COFF_OPTHDR_SIZE 20
#define COFF_END 24              /* signature + COFF header */
#define SECTION_SIZE 40
#define SEC_VIRTUAL_SIZE 8
#define SEC_RAW_SIZE 16
#define SEC_RAW_POINTER 20

/* The UKI spec's sections; any of them without .linux is a UKI missing its kernel. */
static const char *const uki_only_sections[] = {
	".osrel", ".cmdline", ".initrd", ".uname", ".splash", ".dtb", ".dtbauto", ".hwids",
	".pcrsig", ".pcrpkey", ".profile", ".ucode", ".efifw", ".sdmagic",
};

enum { S_LINUX, S_INITRD, S_CMDLINE, S_DTB, S_UCODE, S_COUNT };
static const char *const used_names[S_COUNT] = { ".linux", ".initrd", ".cmdline", ".dtb", ".ucode" };

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 0x8664: return "x86_64";
	case 0xaa64: return "arm64";
	case 0x5064: return "riscv64";
	case 0x014c: return "i386";
	case 0x01c2: case 0x01c4: return "arm";
	case 0x6264: return "loongarch64";
	default: return "an unknown machine";
	}
}

static bool section_is(const uint8_t *hdr, const char *want)
{
	char n[9];
	memcpy(n, hdr, 8);
	n[8] = 0;
	return !strcmp(n, want);
}

/* Tabs and line breaks are white space to the kernel; other control bytes and NULs are not text. */
static bool cmdline_byte_ok(uint8_t c)
{
	return c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
}

/* The PE section table of `file`: 1 and its place, 0 when `file` is not a
 * PE image, -1 when the headers run past the end of the file. */
static int pe_section_table(struct kx_bytes file, const char *name, uint32_t *ret_lfanew,
			    uint64_t *ret_table, uint16_t *ret_nsec, uint16_t *ret_machine,
			    struct kx_error *err)
{
	uint16_t mz, opt_size = 0;
	uint32_t lfanew, sig;

	/* Not "MZ" or no room for e_lfanew: not a PE image; other loaders judge it. */
	if (!kx_le16(file, 0, &mz) || mz != 0x5a4d || !kx_le32(file, DOS_E_LFANEW, &lfanew))
		return 0;
	if (!kx_span_ok(file.size, lfanew, 4))
		return kx_fail(err, KX_E_INPUT, "%s: PE e_lfanew 0x%x (at 0x3c) points past the end of the "
			       "file (0x%zx bytes)", name, lfanew, file.size);
	if (!kx_le32(file, lfanew, &sig) || sig != PE_SIGNATURE)
		return 0;  /* an MZ file without a PE header */
	if (!kx_span_ok(file.size, lfanew, COFF_END))
		return kx_fail(err, KX_E_INPUT, "%s: PE header truncated: the COFF header at 0x%x needs %d "
			       "bytes, the file has 0x%zx", name, lfanew, COFF_END, file.size);
	*ret_machine = *ret_nsec = 0;
	kx_le16(file, (uint64_t)lfanew + COFF_MACHINE, ret_machine);
	kx_le16(file, (uint64_t)lfanew + COFF_NSECTIONS, ret_nsec);
	kx_le16(file, (uint64_t)lfanew + COFF_OPTHDR_SIZE, &opt_size);
	uint64_t table = (uint64_t)lfanew + COFF_END + opt_size;
	if (!kx_span_ok(file.size, (uint64_t)lfanew + COFF_END, opt_size))
		return kx_fail(err, KX_E_INPUT, "%s: PE header truncated: SizeOfOptionalHeader 0x%x (at 0x%llx) "
			       "runs past the end of the file (0x%zx bytes)", name, opt_size,
			       (unsigned long long)lfanew + COFF_OPTHDR_SIZE, file.size);
	if (!kx_span_ok(file.size, table, (uint64_t)*ret_nsec * SECTION_SIZE))
		return kx_fail(err, KX_E_INPUT, "%s: PE section table (NumberOfSections %u x %d bytes at 0x%llx) "
			       "runs past the end of the file (0x%zx bytes)", name, *ret_nsec, SECTION_SIZE,
			       (unsigned long long)table, file.size);
	*ret_lfanew = lfanew;
	*ret_table = table;
	return 1;
}

/* Where a section of part `part` (0 the base, k the k-th .profile's) goes
 * when profile `profile` boots: slot 0 (base), 1 (the profile's, which
 * replace the base ones), or -1 (another profile's: not used). */
static int slot_of(unsigned int part, unsigned int profile)
{
	return part == 0 ? 0 : part == profile + 1 ? 1 : -1;
}

/* A section header's raw data must lie inside the file. */
static int check_raw(struct kx_bytes file, const char *name, unsigned int i, const uint8_t *h,
		     struct kx_error *err)
{
	struct kx_bytes hb = { h, SECTION_SIZE };
	uint32_t raw_size, raw_ptr;
	char sname[9];

	kx_le32(hb, SEC_RAW_SIZE, &raw_size);
	kx_le32(hb, SEC_RAW_POINTER, &raw_ptr);
	memcpy(sname, h, 8);
	sname[8] = 0;
	if (raw_size && !kx_span_ok(file.size, raw_ptr, raw_size))
		return kx_fail(err, KX_E_INPUT, "%s: PE section %u (%s): PointerToRawData 0x%x + "
			       "SizeOfRawData 0x%x runs past the end of the file (0x%zx bytes)",
			       name, i, sname, raw_ptr, raw_size, file.size);
	return 0;
}

/*
 * The section headers a boot of `profile` uses, in sec[] (NULL: absent),
 * the first UKI-only section seen in *ret_marker (NULL: none) and the
 * number of .profile sections in *ret_profiles. A profile's sections
 * replace the base ones (UKI spec, "Multi-Profile UKIs"); profile 0, the
 * first, is the default.
 */
static int find_sections(struct kx_bytes file, const char *name, uint64_t table, uint16_t nsec,
			 unsigned int profile, const uint8_t *sec[S_COUNT], const char **ret_marker,
			 unsigned int *ret_profiles, struct kx_error *err)
{
	const uint8_t *found[2][S_COUNT] = { { NULL } };
	unsigned int part = 0;

	*ret_marker = NULL;
	for (unsigned int i = 0; i < nsec; i++) {
		const uint8_t *h = file.data + table + (uint64_t)i * SECTION_SIZE;
		if (check_raw(file, name, i, h, err) < 0)
			return -1;
		for (size_t k = 0; !*ret_marker && k < sizeof(uki_only_sections) / sizeof(uki_only_sections[0]); k++)
			if (section_is(h, uki_only_sections[k]))
				*ret_marker = uki_only_sections[k];
		if (section_is(h, ".profile")) {
			part++;
			continue;
		}
		int slot = slot_of(part, profile);
		for (int s = 0; s < S_COUNT && slot >= 0; s++) {
			if (!section_is(h, used_names[s]))
				continue;
			if (found[slot][s] && slot && profile)
				return kx_fail(err, KX_E_INPUT, "%s: UKI has two %s sections in its profile %u", name,
					       used_names[s], profile);
			if (found[slot][s])
				return kx_fail(err, KX_E_INPUT, "%s: UKI has two %s sections in its %s", name,
					       used_names[s], slot ? "first profile" : "base (before any .profile)");
			found[slot][s] = h;
		}
	}
	for (int s = 0; s < S_COUNT; s++)
		sec[s] = found[1][s] ? found[1][s] : found[0][s];
	*ret_profiles = part;
	return 0;
}

/* The used sections' contents: VirtualSize bytes (the content's own size)
 * of the SizeOfRawData the file holds (padded to FileAlignment). */
static int section_contents(struct kx_bytes file, const char *name, const uint8_t *const sec[S_COUNT],
			    struct kx_uki *ret, struct kx_error *err)
{
	struct kx_uki_section *out[S_COUNT] = { &ret->linux_image, &ret->initrd, &ret->cmdline, &ret->dtb,
						&ret->ucode };

	for (int s = 0; s < S_COUNT; s++) {
		if (!sec[s])
			continue;
		struct kx_bytes hb = { sec[s], SECTION_SIZE };
		uint32_t vsize, raw_size, raw_ptr;
		kx_le32(hb, SEC_VIRTUAL_SIZE, &vsize);
		kx_le32(hb, SEC_RAW_SIZE, &raw_size);
		kx_le32(hb, SEC_RAW_POINTER, &raw_ptr);
		if (vsize > raw_size)
			return kx_fail(err, KX_E_INPUT, "%s: UKI %s section: VirtualSize 0x%x is larger than "
				       "SizeOfRawData 0x%x (the file holds only part of it)", name,
				       used_names[s], vsize, raw_size);
		uint32_t size = vsize ? vsize : raw_size;
		out[s]->present = true;
		out[s]->offset = raw_ptr;
		out[s]->bytes = kx_bytes_sub(file, raw_ptr, size);
	}
	return 0;
}

int kx_uki_parse(struct kx_bytes file, const char *name, uint16_t pe_machine,
		 const char *arch_name, struct kx_uki *ret, struct kx_error *err)
{
	return kx_uki_parse_profile(file, name, pe_machine, arch_name, 0, ret, err);
}

int kx_uki_parse_profile(struct kx_bytes file, const char *name, uint16_t pe_machine,
			 const char *arch_name, unsigned int profile, struct kx_uki *ret, struct kx_error *err)
{
	uint16_t machine = 0, nsec = 0;
	uint32_t lfanew = 0;
	uint64_t table = 0;
	/* Set by find_sections on success; initialised because trixie's GCC 14
	 * cannot see that and warns (-Werror=maybe-uninitialized). */
	const uint8_t *sec[S_COUNT] = { NULL };
	const char *uki_marker = NULL;

	memset(ret, 0, sizeof(*ret));
	int pe = pe_section_table(file, name, &lfanew, &table, &nsec, &machine, err);
	if (pe <= 0)
		return pe;
	if (find_sections(file, name, table, nsec, profile, sec, &uki_marker, &ret->nr_profiles, err) < 0)
		return -1;
	if (!sec[S_LINUX]) {
		if (uki_marker)
			return kx_fail(err, KX_E_INPUT, "%s: UKI without a kernel: the PE image has a %s section "
				       "but no .linux section", name, uki_marker);
		return 0;  /* a PE image that is no UKI: a bzImage or Image with its EFI stub, EFI zboot */
	}
	if (machine != pe_machine)
		return kx_fail(err, KX_E_INPUT, "%s: UKI for %s: COFF Machine 0x%04x (at 0x%llx), this loader "
			       "is for %s (0x%04x)", name, machine_name(machine), machine,
			       (unsigned long long)lfanew + COFF_MACHINE, arch_name, pe_machine);
	if (profile && profile >= ret->nr_profiles)
		return kx_fail(err, KX_E_USAGE, "%s: --uki-profile=%u: the UKI has %u profile%s (0 to %u)", name,
			       profile, ret->nr_profiles, ret->nr_profiles == 1 ? "" : "s",
			       ret->nr_profiles ? ret->nr_profiles - 1 : 0);
	ret->machine = machine;
	ret->profile = profile;
	if (section_contents(file, name, sec, ret, err) < 0)
		return -1;
	if (ret->linux_image.bytes.size == 0)
		return kx_fail(err, KX_E_INPUT, "%s: UKI .linux section is empty (VirtualSize and SizeOfRawData "
			       "0): no kernel", name);
	struct kx_bytes c = ret->cmdline.bytes;
	size_t n = kx_part_cmdline_len(c);
	for (size_t i = 0; i < n; i++)
		if (!cmdline_byte_ok(c.data[i]))
			return kx_fail(err, KX_E_INPUT, "%s: UKI .cmdline is not text: byte 0x%02x at offset %zu "
				       "of the section (only trailing NULs may follow a command line)", name,
				       c.data[i], i);
	return 1;
}

int kx_uki_cmdline(const struct kx_uki *uki, const char *name, char *out, size_t size,
		   struct kx_error *err)
{
	char what[600];
	snprintf(what, sizeof(what), "%s: UKI .cmdline", name);
	return kx_part_cmdline(uki->cmdline.bytes, what, out, size, err);
}

/* ---- the UKI as an entry of the wrapper table ------------------------------- */

static enum kx_probe uki_probe(const struct kx_wrapper_ops *self, struct kx_bytes file, const char *name,
			       const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
			       struct kx_error *err)
{
	struct kx_uki uki;
	(void)self;
	/* which UKI is loadable depends on the architecture (its Machine) */
	if (!arch)
		return KX_PROBE_NO;
	int r = kx_uki_parse_profile(file, name, arch->pe_machine, arch->name, opts->uki_profile, &uki, err);
	return r < 0 ? KX_PROBE_BROKEN : r ? KX_PROBE_YES : KX_PROBE_NO;
}

static void set_part(struct kx_wrapped_part *part, const char *name, const struct kx_uki_section *s)
{
	if (!s->present)
		return;
	part->name = name;
	part->offset = s->offset;
	part->bytes = s->bytes;
}

/* The kernel in .linux as a view (no copy); .initrd, .cmdline and .dtb as parts. */
static int uki_peel(const struct kx_wrapper_ops *self, const struct kx_file *outer,
		    const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
		      struct kx_layer *ret, struct kx_error *err)
{
	struct kx_uki uki;
	char name[512];
	(void)self;

	if (kx_uki_parse_profile(outer->bytes, outer->path, arch->pe_machine, arch->name, opts->uki_profile, &uki,
				 err) < 0)
		return -1;
	snprintf(ret->label, sizeof(ret->label), "UKI");
	snprintf(ret->detail, sizeof(ret->detail), "PE/COFF, Machine 0x%04x", uki.machine);
	set_part(&ret->parts[KX_PART_KERNEL], ".linux", &uki.linux_image);
	set_part(&ret->parts[KX_PART_INITRD], ".initrd", &uki.initrd);
	set_part(&ret->parts[KX_PART_CMDLINE], ".cmdline", &uki.cmdline);
	set_part(&ret->parts[KX_PART_DTB], ".dtb", &uki.dtb);
	set_part(&ret->parts[KX_PART_UCODE], ".ucode", &uki.ucode);
	if (uki.nr_profiles)
		snprintf(ret->detail, sizeof(ret->detail), "PE/COFF, Machine 0x%04x, profile %u of %u", uki.machine,
			 uki.profile, uki.nr_profiles);
	snprintf(name, sizeof(name), "%s (UKI .linux section)", outer->path);
	return kx_file_view(&ret->inner, uki.linux_image.bytes, name, err);
}

const struct kx_wrapper_ops kx_wrapper_uki = {
	.name = "UKI",
	.type = "uki",                /* kexec-tools' x86_64 -t name */
	.outermost_only = true,       /* a boot loader's file: never inside a compressed one */
	.probe = uki_probe,
	.peel = uki_peel,
	/* The kernel verifies (or not) the kernel in .linux; a signature on
	 * the UKI as a whole, which would cover .initrd and .cmdline, is not
	 * what kexec_file_load checks. */
	.file_syscall_note = "%s is a UKI; kexec_file_load gets its .linux section, so the kernel checks "
			     "the signature of the kernel inside, not the UKI's",
};
