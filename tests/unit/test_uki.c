// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UKI parser: a synthetic UKI (built here, laid out as objcopy and ukify
 * do) around a bzImage, an initrd and a command line; the kernel found in
 * .linux goes through the usual format probe. Then copies with one field
 * broken, each asserting the exact error, and PE images that are not UKIs
 * (Debian's kernels themselves, no MZ) answered "not a UKI". Each runs on
 * synthetic kernels (tests/unit/synth.h), and again on the real Debian ones
 * where those add something (a PE image inside the UKI's).
 */
#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "wrappers/uki.h"
#include "wrappers/wrapper.h"

#define NAME "uki.efi"
static const char initrd_bytes[] = "070701 a pretend initrd, as bytes";
static const char cmdline_text[] = "console=ttyS0\tstage=2 token=0123abcd\n";

/* Section headers of a UKI built by build(): .osrel, .cmdline, .linux, .initrd. */
enum { SEC_OSREL, SEC_CMDLINE, SEC_LINUX, SEC_INITRD, NSEC };

static uint8_t *build(struct kx_bytes kernel, uint16_t machine, size_t *size)
{
	static const char osrel[] = "ID=debian\nVERSION_ID=12\n";
	struct kx_synth_section s[NSEC] = {
		{ ".osrel", osrel, sizeof(osrel) - 1 },
		{ ".cmdline", cmdline_text, sizeof(cmdline_text) - 1 },
		{ ".linux", kernel.data, kernel.size },
		{ ".initrd", initrd_bytes, sizeof(initrd_bytes) - 1 },
	};
	return kx_synth_uki(machine, s, NSEC, size);
}

static uint8_t *section(uint8_t *uki, int i)
{
	return uki + SYNTH_PE_TABLE + 40 * i;
}

static int parse(const uint8_t *p, size_t size, struct kx_uki *u, struct kx_error *err)
{
	return kx_uki_parse((struct kx_bytes){ p, size }, NAME, kx_arch_x86_64.pe_machine,
			    kx_arch_x86_64.name, u, err);
}

/* A UKI around the bzImage `kernel` (with an initrd and a command line):
 * its parts found, the kernel inside probed as a bzImage, not for arm64. */
static void uki_around(struct kx_bytes kernel, int *kx_failed_)
{
	struct kx_uki u;
	struct kx_error err = { 0 };
	size_t size;
	char cl[256];

	uint8_t *p = build(kernel, 0x8664, &size);
	CHECK(p);
	int r = parse(p, size, &u, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 1);
	CHECK_EQ_U64(u.machine, 0x8664);
	/* .linux is exactly the kernel, a view into the UKI (no copy) */
	CHECK(u.linux_image.present);
	CHECK_EQ_U64(u.linux_image.bytes.size, kernel.size);
	CHECK(u.linux_image.bytes.data >= p && u.linux_image.bytes.data < p + size);
	CHECK(!memcmp(u.linux_image.bytes.data, kernel.data, kernel.size));
	CHECK(u.initrd.present);
	CHECK_EQ_U64(u.initrd.bytes.size, sizeof(initrd_bytes) - 1);
	CHECK(!memcmp(u.initrd.bytes.data, initrd_bytes, sizeof(initrd_bytes) - 1));
	CHECK(!u.dtb.present);
	/* the command line: the tab a space, the trailing newline gone */
	CHECK(kx_uki_cmdline(&u, NAME, cl, sizeof(cl), &err) == 0);
	CHECK(!strcmp(cl, "console=ttyS0 stage=2 token=0123abcd"));
	CHECK(kx_uki_cmdline(&u, NAME, cl, 10, &err) < 0);
	CHECK(!strcmp(err.message, "uki.efi: UKI .cmdline (36 bytes) is longer than 9 bytes"));
	/* the kernel inside is a bzImage to the usual probe */
	const struct kx_format_ops *fmt;
	CHECK(kx_format_select(&kx_arch_x86_64, u.linux_image.bytes, NAME, NULL, &fmt, &err) == 0);
	CHECK(fmt == &kx_format_bzimage);
	/* the same UKI is not for arm64 */
	r = kx_uki_parse((struct kx_bytes){ p, size }, NAME, kx_arch_arm64.pe_machine, kx_arch_arm64.name, &u,
			 &err);
	CHECK(r < 0);
	CHECK(!strcmp(err.message, "uki.efi: UKI for x86_64: COFF Machine 0x8664 (at 0x84), this loader is for "
		      "arm64 (0xaa64)"));
	free(p);
}

KX_TEST(uki_around_bzimage)
{
	size_t size;
	uint8_t *k = kx_synth_bzimage(&size);
	CHECK(k);
	uki_around((struct kx_bytes){ k, size }, kx_failed_);
	free(k);
}

/* Debian's bzImage is itself a PE image (EFI stub) inside the UKI's */
KX_TEST(uki_around_real_bzimage)
{
	struct kx_file k;
	CHECK(kx_test_map_kernel("bookworm-amd64", "vmlinuz", &k) == 0);
	uki_around(k.bytes, kx_failed_);
	kx_file_close(&k);
}

/* arm64 and riscv64: a UKI of their Machine around Debian's Image goes to their Image loader. */
KX_TEST(uki_around_arm64_and_riscv64_images)
{
	static const struct { const char *kernel; const struct kx_arch_ops *arch; const struct kx_format_ops *fmt; }
		cases[] = {
		{ "bookworm-arm64", &kx_arch_arm64, &kx_format_arm64_image },
		{ "trixie-riscv64", &kx_arch_riscv64, &kx_format_riscv64_image },
	};
	for (size_t i = 0; i < 2; i++) {
		struct kx_file k;
		struct kx_uki u;
		struct kx_error err = { 0 };
		size_t size;
		CHECK(kx_test_map_kernel(cases[i].kernel, "vmlinuz", &k) == 0);
		uint8_t *p = build(k.bytes, cases[i].arch->pe_machine, &size);
		CHECK(p);
		struct kx_bytes b = { p, size };
		int r = kx_uki_parse(b, NAME, cases[i].arch->pe_machine, cases[i].arch->name, &u, &err);
		if (r < 0)
			printf("#   %s\n", err.message);
		CHECK(r == 1);
		CHECK(!memcmp(u.linux_image.bytes.data, k.bytes.data, k.bytes.size));
		const struct kx_format_ops *fmt;
		CHECK(kx_format_select(cases[i].arch, u.linux_image.bytes, NAME, NULL, &fmt, &err) == 0);
		CHECK(fmt == cases[i].fmt);
		/* and not for x86_64 */
		CHECK(parse(p, size, &u, &err) < 0);
		CHECK_CONTAINS(err.message, "this loader is for x86_64 (0x8664)");
		free(p);
		kx_file_close(&k);
	}
}

/* A gzip'ed kernel in .linux: the UKI is peeled, then the unwrap chain. */
KX_TEST(uki_with_compressed_linux)
{
	size_t ksize, size;
	uint8_t *bz = kx_synth_bzimage(&ksize);
	CHECK(bz);
	size_t cap = ksize + 4096;
	uint8_t *gz = malloc(cap);
	CHECK(gz);
	size_t gzsize = kx_synth_gzip(bz, ksize, gz, cap, 9);
	CHECK(gzsize > 0);
	struct kx_synth_section s[] = { { ".linux", gz, gzsize } };
	uint8_t *p = kx_synth_uki(0x8664, s, 1, &size);
	CHECK(p);
	struct kx_uki u;
	struct kx_error err = { 0 };
	CHECK(parse(p, size, &u, &err) == 1);
	CHECK(!u.initrd.present && !u.cmdline.present);
	struct kx_file view, out;
	char chain[64];
	CHECK(kx_file_view(&view, u.linux_image.bytes, NAME " (UKI .linux section)", &err) == 0);
	CHECK(kx_unwrap_kernel(&view, KX_KERNEL_DECOMPRESSED_MAX, &out, chain, sizeof(chain), &err) == 0);
	CHECK(!strcmp(chain, "gzip"));
	CHECK(out.fd >= 0);
	CHECK_EQ_U64(out.bytes.size, ksize);
	CHECK(!memcmp(out.bytes.data, bz, ksize));
	kx_file_close(&out);
	kx_file_close(&view);
	free(p);
	free(gz);
	free(bz);
}

/* kexec_file_load gets .linux as a sealed memfd with exactly its bytes. */
KX_TEST(memfd_copy_is_sealed)
{
	static const uint8_t data[] = "kernel bytes";
	struct kx_file f;
	struct kx_error err = { 0 };
	CHECK(kx_file_memfd_copy(&f, (struct kx_bytes){ data, sizeof(data) }, "x (UKI .linux section)", &err) == 0);
	CHECK(f.fd >= 0 && f.is_memfd);
	CHECK_EQ_U64(f.bytes.size, sizeof(data));
	CHECK(!memcmp(f.bytes.data, data, sizeof(data)));
	CHECK(write(f.fd, "x", 1) < 0);   /* F_SEAL_WRITE */
	CHECK(!strcmp(f.path, "x (UKI .linux section)"));
	kx_file_close(&f);
}

/* PE images that are not UKIs, and files that are not PE: "not a UKI". */
KX_TEST(not_ukis)
{
	struct kx_uki u;
	struct kx_error err = { 0 };
	size_t size;
	uint8_t *bz = kx_synth_bzimage(&size);
	CHECK(bz);
	CHECK(parse(bz, size, &u, &err) == 0);       /* no "MZ" */
	memcpy(bz, "MZ", 2);                          /* MZ, e_lfanew 0: "MZ\0\0" is no PE signature */
	CHECK(parse(bz, size, &u, &err) == 0);
	CHECK(parse(bz, 0x30, &u, &err) == 0);        /* MZ, too short for e_lfanew */
	free(bz);
	/* a PE image with sections but none of a UKI's */
	static const char text[] = "code";
	struct kx_synth_section s[] = { { ".text", text, 4 }, { ".reloc", text, 4 } };
	uint8_t *p = kx_synth_uki(0x8664, s, 2, &size);
	CHECK(p);
	CHECK(parse(p, size, &u, &err) == 0);
	free(p);
}

/* Debian's kernels are PE images (EFI stub) with sections, but no .linux. */
KX_TEST(debian_kernels_are_not_ukis)
{
	struct kx_file k;
	struct kx_uki u;
	struct kx_error err = { 0 };
	for (int i = 0; i < 2; i++) {
		CHECK(kx_test_map_kernel(i ? "trixie-amd64" : "bookworm-amd64", "vmlinuz", &k) == 0);
		CHECK(parse(k.bytes.data, k.bytes.size, &u, &err) == 0);
		kx_file_close(&k);
	}
	/* Debian's arm64 and riscv64 Images are PE images too (EFI stub) */
	static const struct { const char *kernel; const struct kx_arch_ops *arch; } images[] = {
		{ "bookworm-arm64", &kx_arch_arm64 }, { "trixie-arm64", &kx_arch_arm64 },
		{ "trixie-riscv64", &kx_arch_riscv64 },
	};
	for (size_t i = 0; i < 3; i++) {
		CHECK(kx_test_map_kernel(images[i].kernel, "vmlinuz", &k) == 0);
		CHECK(kx_uki_parse(k.bytes, NAME, images[i].arch->pe_machine, images[i].arch->name, &u, &err) == 0);
		kx_file_close(&k);
	}
}

/* One field broken at a time; each has its exact message. */
struct mangle {
	const char *name;
	void (*apply)(uint8_t *p, size_t *size);
	const char *message;
};

static void lfanew_past_end(uint8_t *p, size_t *size) { kx_put_le32(p + 0x3c, (uint32_t)*size - 2); }
static void coff_truncated(uint8_t *p, size_t *size) { (void)p; *size = SYNTH_PE_OFFSET + 10; }
static void opt_header_past_end(uint8_t *p, size_t *size)
{
	*size = SYNTH_PE_TABLE + 40 * NSEC;
	kx_put_le16(p + SYNTH_PE_OFFSET + 20, 0xfff0);
}
/* 65535 x 40 bytes at 0x188, and the file cut to 1 MiB (whatever kernel .linux holds) */
static void table_past_end(uint8_t *p, size_t *size)
{
	kx_put_le16(p + SYNTH_PE_OFFSET + 6, 0xffff);
	*size = 0x100000;
}
static void table_cut(uint8_t *p, size_t *size) { (void)p; *size = SYNTH_PE_TABLE + 40 * 3 + 8; }
/* 0xfffffe00 + 0x400 wraps in 32 bits: the check must not */
static void raw_wraps(uint8_t *p, size_t *size)
{
	(void)size;
	kx_put_le32(section(p, SEC_INITRD) + 20, 0xfffffe00);
	kx_put_le32(section(p, SEC_INITRD) + 16, 0x400);
}
static void raw_past_end(uint8_t *p, size_t *size) { *size -= 0x200; (void)p; }
static void no_linux(uint8_t *p, size_t *size) { (void)size; memcpy(section(p, SEC_LINUX), ".linuz", 6); }
static void empty_linux(uint8_t *p, size_t *size)
{
	(void)size;
	kx_put_le32(section(p, SEC_LINUX) + 8, 0);
	kx_put_le32(section(p, SEC_LINUX) + 16, 0);
}
static void arm64_machine(uint8_t *p, size_t *size) { (void)size; kx_put_le16(p + SYNTH_PE_OFFSET + 4, 0xaa64); }
static void cmdline_nul(uint8_t *p, size_t *size)
{
	(void)size;
	uint32_t off = (uint32_t)p[SYNTH_PE_TABLE + 40 * SEC_CMDLINE + 20] |
		       (uint32_t)p[SYNTH_PE_TABLE + 40 * SEC_CMDLINE + 21] << 8;
	p[off + 7] = 0;   /* "console\0ttyS0..." */
}
static void cmdline_control(uint8_t *p, size_t *size)
{
	(void)size;
	uint32_t off = (uint32_t)p[SYNTH_PE_TABLE + 40 * SEC_CMDLINE + 20] |
		       (uint32_t)p[SYNTH_PE_TABLE + 40 * SEC_CMDLINE + 21] << 8;
	p[off + 2] = 0x1b;
}
static void vsize_over_raw(uint8_t *p, size_t *size) { (void)size; kx_put_le32(section(p, SEC_INITRD) + 8, 0x201); }
static void two_linux(uint8_t *p, size_t *size) { (void)size; memcpy(section(p, SEC_OSREL), ".linux\0", 8); }

static const struct mangle mangles[] = {
	{ "e_lfanew past the end", lfanew_past_end,
	  "uki.efi: PE e_lfanew 0x%zx (at 0x3c) points past the end of the file (0x%zx bytes)" },
	{ "COFF header truncated", coff_truncated,
	  "uki.efi: PE header truncated: the COFF header at 0x80 needs 24 bytes, the file has 0x8a" },
	{ "optional header past the end", opt_header_past_end,
	  "uki.efi: PE header truncated: SizeOfOptionalHeader 0xfff0 (at 0x94) runs past the end of the file "
	  "(0x228 bytes)" },
	{ "section table past the end", table_past_end,
	  "uki.efi: PE section table (NumberOfSections 65535 x 40 bytes at 0x188) runs past the end of the file "
	  "(0x100000 bytes)" },
	{ "section table cut", table_cut,
	  "uki.efi: PE section table (NumberOfSections 4 x 40 bytes at 0x188) runs past the end of the file "
	  "(0x208 bytes)" },
	{ "raw data offset + size wraps around 32 bits", raw_wraps,
	  "uki.efi: PE section 3 (.initrd): PointerToRawData 0xfffffe00 + SizeOfRawData 0x400 runs past the "
	  "end of the file (0x%zx bytes)" },
	{ "raw data past the end (file cut)", raw_past_end,
	  "uki.efi: PE section 3 (.initrd): PointerToRawData 0x%zx + SizeOfRawData 0x200 runs past the end of "
	  "the file (0x%zx bytes)" },
	{ "no .linux section", no_linux,
	  "uki.efi: UKI without a kernel: the PE image has a .osrel section but no .linux section" },
	{ "empty .linux", empty_linux,
	  "uki.efi: UKI .linux section is empty (VirtualSize and SizeOfRawData 0): no kernel" },
	{ "machine is not the architecture's", arm64_machine,
	  "uki.efi: UKI for arm64: COFF Machine 0xaa64 (at 0x84), this loader is for x86_64 (0x8664)" },
	{ ".cmdline with a NUL inside", cmdline_nul,
	  "uki.efi: UKI .cmdline is not text: byte 0x00 at offset 7 of the section (only trailing NULs may "
	  "follow a command line)" },
	{ ".cmdline with an escape byte", cmdline_control,
	  "uki.efi: UKI .cmdline is not text: byte 0x1b at offset 2 of the section (only trailing NULs may "
	  "follow a command line)" },
	{ "VirtualSize over SizeOfRawData", vsize_over_raw,
	  "uki.efi: UKI .initrd section: VirtualSize 0x201 is larger than SizeOfRawData 0x200 (the file "
	  "holds only part of it)" },
	{ "two .linux sections", two_linux,
	  "uki.efi: UKI has two .linux sections in its base (before any .profile)" },
};

/* Each of `mangles` applied to a copy of a UKI around `kernel` (more than
 * 1 MiB: table_past_end cuts the file there): the exact error. */
static void broken_ukis_around(struct kx_bytes kernel, int *kx_failed_)
{
	size_t good_size;
	uint8_t *good = build(kernel, 0x8664, &good_size);
	CHECK(good);
	if (good_size <= 0x100000)
		free(good);
	CHECK(good_size > 0x100000);
	uint32_t initrd_off = (uint32_t)good[SYNTH_PE_TABLE + 40 * SEC_INITRD + 20] |
			      (uint32_t)good[SYNTH_PE_TABLE + 40 * SEC_INITRD + 21] << 8 |
			      (uint32_t)good[SYNTH_PE_TABLE + 40 * SEC_INITRD + 22] << 16 |
			      (uint32_t)good[SYNTH_PE_TABLE + 40 * SEC_INITRD + 23] << 24;
	int bad = 0;
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		uint8_t *p = malloc(good_size);
		if (!p)
			free(good);
		CHECK(p);
		memcpy(p, good, good_size);
		size_t size = good_size;
		mangles[i].apply(p, &size);
		char want[512];
		/* the messages with %zx name the file's size (and the e_lfanew or offset that depends on it) */
		if (mangles[i].apply == lfanew_past_end)
			snprintf(want, sizeof(want), mangles[i].message, size - 2, size);
		else if (mangles[i].apply == raw_past_end)
			snprintf(want, sizeof(want), mangles[i].message, (size_t)initrd_off, size);
		else
			snprintf(want, sizeof(want), mangles[i].message, size);
		struct kx_uki u;
		struct kx_error err = { 0 };
		int r = parse(p, size, &u, &err);
		if (r != -1 || err.status != KX_E_INPUT || strcmp(err.message, want)) {
			printf("#   %s: got %d \"%s\"\n#   want \"%s\"\n", mangles[i].name, r, err.message, want);
			bad = 1;
		}
		free(p);
	}
	free(good);
	CHECK(!bad);
}

/* Around a synthetic kernel: the UKI rules need no real one. The small
 * bzImage of synth.h, then patterned bytes up to 2 MiB. */
KX_TEST(broken_ukis)
{
	size_t bz_size, size = 2u << 20;
	uint8_t *bz = kx_synth_bzimage(&bz_size), *k = malloc(size);
	if (bz && k) {
		memcpy(k, bz, bz_size);
		for (size_t i = bz_size; i < size; i++)
			k[i] = (uint8_t)(i * 11 + (i >> 12));
	}
	free(bz);
	CHECK(bz && k);
	broken_ukis_around((struct kx_bytes){ k, size }, kx_failed_);
	free(k);
}

KX_TEST(broken_ukis_around_debian_kernel)
{
	struct kx_file k;
	CHECK(kx_test_map_kernel("bookworm-amd64", "vmlinuz", &k) == 0);
	broken_ukis_around(k.bytes, kx_failed_);
	kx_file_close(&k);
}

/* Multi-profile UKI: profile 0's sections replace the base ones; later profiles do not count. */
KX_TEST(profiles)
{
	static const char base_cl[] = "base", p0_cl[] = "profile0", p1_cl[] = "profile1", k[] = "kernel";
	static const char prof[] = "ID=x";
	struct kx_synth_section s[] = {
		{ ".linux", k, sizeof(k) }, { ".cmdline", base_cl, 4 },
		{ ".profile", prof, 4 }, { ".cmdline", p0_cl, 8 },
		{ ".profile", prof, 4 }, { ".cmdline", p1_cl, 8 }, { ".cmdline", p1_cl, 8 },
	};
	size_t size;
	uint8_t *p = kx_synth_uki(0x8664, s, 7, &size);
	CHECK(p);
	struct kx_uki u;
	struct kx_error err = { 0 };
	char cl[64];
	int r = parse(p, size, &u, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 1);
	CHECK(kx_uki_cmdline(&u, NAME, cl, sizeof(cl), &err) == 0);
	CHECK(!strcmp(cl, "profile0"));
	CHECK_EQ_U64(u.linux_image.bytes.size, sizeof(k));
	CHECK_EQ_U64(u.nr_profiles, 2);
	/* profile 1 (--uki-profile=1) has two .cmdline sections: broken, named */
	r = kx_uki_parse_profile((struct kx_bytes){ p, size }, NAME, 0x8664, "x86_64", 1, &u, &err);
	CHECK(r < 0 && err.status == KX_E_INPUT);
	CHECK_CONTAINS(err.message, "UKI has two .cmdline sections in its profile 1");
	free(p);

	/* a good profile 1, and a profile the UKI does not have */
	s[6] = (struct kx_synth_section){ ".ucode", "mc", 2 };
	p = kx_synth_uki(0x8664, s, 7, &size);
	CHECK(p);
	r = kx_uki_parse_profile((struct kx_bytes){ p, size }, NAME, 0x8664, "x86_64", 1, &u, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 1);
	CHECK(kx_uki_cmdline(&u, NAME, cl, sizeof(cl), &err) == 0);
	CHECK(!strcmp(cl, "profile1"));
	CHECK(u.ucode.present && u.ucode.bytes.size == 2);   /* profile 1's own .ucode */
	CHECK_EQ_U64(u.profile, 1);
	r = kx_uki_parse_profile((struct kx_bytes){ p, size }, NAME, 0x8664, "x86_64", 2, &u, &err);
	CHECK(r < 0 && err.status == KX_E_USAGE);
	CHECK_CONTAINS(err.message, "--uki-profile=2: the UKI has 2 profiles (0 to 1)");
	/* profile 0 does not see profile 1's .ucode */
	CHECK(kx_uki_parse_profile((struct kx_bytes){ p, size }, NAME, 0x8664, "x86_64", 0, &u, &err) == 1);
	CHECK(!u.ucode.present);
	free(p);
}

KX_TEST_MAIN(KX_CASE(uki_around_bzimage), KX_CASE(uki_around_real_bzimage),
	     KX_CASE(uki_around_arm64_and_riscv64_images), KX_CASE(uki_with_compressed_linux),
	     KX_CASE(memfd_copy_is_sealed), KX_CASE(not_ukis), KX_CASE(debian_kernels_are_not_ukis),
	     KX_CASE(broken_ukis), KX_CASE(broken_ukis_around_debian_kernel), KX_CASE(profiles))
