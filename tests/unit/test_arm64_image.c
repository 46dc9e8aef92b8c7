// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 Image header rules, the ELF loader that shares them, and EFI zboot
 * unwrapping: a synthetic Image (and the real Debian one when fetched), with
 * one field broken at a time and the exact refusal asserted.
 */
#include <elf.h>
#include <unistd.h>

#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "formats/arm64_image.h"
#include "wrappers/wrapper.h"
#include "system/facts.h"
#include "core/units.h"

#define IMG_FILE 0x30000
#define IMG_SIZE 0x200000

static uint8_t *synth_image(void)
{
	uint8_t *p = calloc(1, IMG_FILE);
	kx_put_le64(p + 8, 0);              /* text_offset */
	kx_put_le64(p + 16, IMG_SIZE);      /* image_size */
	kx_put_le64(p + 24, 0xa);           /* LE, 4K pages, anywhere */
	kx_put_le32(p + 56, ARM64_IMAGE_MAGIC);
	for (size_t i = 64; i < IMG_FILE; i++)
		p[i] = (uint8_t)(i * 13);
	return p;
}

struct mangle {
	const char *name;
	size_t offset;
	uint64_t value;
	const char *error;    /* NULL: accepted, `note` checked instead */
	const char *note;
};

static const struct mangle mangles[] = {
	{ "unaligned text_offset", 8, 0x80010, "text_offset 0x80010 (at 8) is not page aligned", NULL },
	{ "text_offset past 2 MiB", 8, 0x200000, "text_offset 0x200000 (at 8) is not below 2 MiB", NULL },
	{ "image_size smaller than the file", 16, 0x1000, "image_size 0x1000 (at 16) is smaller than", NULL },
	{ "image_size overflowing", 16, UINT64_MAX - 0x1000, NULL, NULL },
	{ "reserved flag bits", 24, 0x1a, "flags 0x1a (at 24) set reserved bits 4-63", NULL },
	{ "big-endian", 24, 0x3, "flags bit 0 (at 24) says big-endian", NULL },
	{ "64K pages on a 4K kernel: a note, not a refusal", 24, 0x6, NULL,
	  "ask for 64 KiB pages, the running kernel uses 4 KiB" },
	{ "legacy image_size 0", 16, 0, NULL, "image_size is 0 (a kernel older than 3.17): assuming text_offset 0x80000" },
};

KX_TEST(header_rules)
{
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct mangle *m = &mangles[i];
		uint8_t *p = synth_image();
		struct kx_arm64_image h;
		struct kx_error err = { 0 };
		char note[256];
		printf("#   case: %s\n", m->name);
		kx_put_le64(p + m->offset, m->value);
		struct kx_bytes b = { p, IMG_FILE };
		int r = kx_arm64_image_parse(b, IMG_FILE, "Image", 4, &h, note, sizeof(note), &err);
		if (m->offset == 16 && m->value > (1ULL << 62)) {
			/* text_offset 0 + huge size does not overflow; with text_offset it must */
			kx_put_le64(p + 8, 0x80000);
			r = kx_arm64_image_parse(b, IMG_FILE, "Image", 4, &h, note, sizeof(note), &err);
			CHECK(r < 0);
			CHECK_CONTAINS(err.message, "Image: text_offset 0x80000 + image_size 0xffffffffffffefff (at 8, 16) overflows");
		} else if (m->error) {
			CHECK(r < 0);
			CHECK(err.status == KX_E_INPUT);
			CHECK_CONTAINS(err.message, m->error);
		} else {
			CHECK(r == 0);
			CHECK_CONTAINS(note, m->note);
		}
		free(p);
	}
	uint8_t *p = synth_image();
	struct kx_arm64_image h;
	struct kx_error err = { 0 };
	char note[256];
	struct kx_bytes shortb = { p, 40 };
	CHECK(kx_arm64_image_parse(shortb, 40, "Image", 4, &h, note, sizeof(note), &err) < 0);
	CHECK_CONTAINS(err.message, "Image: truncated: 40 bytes");
	p[56] = 'X';
	struct kx_bytes b = { p, IMG_FILE };
	CHECK(!kx_arm64_image_has_magic(b));
	CHECK(kx_arm64_image_parse(b, IMG_FILE, "Image", 4, &h, note, sizeof(note), &err) < 0);
	CHECK_CONTAINS(err.message, "magic at offset 56");
	free(p);
}

static struct kx_facts facts = { .page_size_kib = 4 };

static int describe(const struct kx_format_ops *fmt, const uint8_t *data, size_t size,
		    struct kx_kernel_desc *k, struct kx_error *err)
{
	struct kx_file f = { .path = (char *)"kernel", .fd = -1, .bytes = { data, size } };
	struct kx_plan_options o = { .cmdline = "" };
	struct kx_plan_ctx ctx = { .arch = &kx_arch_arm64, .facts = &facts, .opts = &o, .kernel = &f };
	memset(k, 0, sizeof(*k));
	return fmt->describe(&ctx, k, err);
}

KX_TEST(image_and_elf_describe_alike)
{
	uint8_t *img = synth_image();
	struct kx_kernel_desc a, b;
	struct kx_error err = { 0 };
	size_t esize;
	kx_put_le64(img + 8, 0x80000); /* a text_offset, to see it honoured */
	CHECK(describe(&kx_format_arm64_image, img, IMG_FILE, &a, &err) == 0);
	/* one PT_LOAD holding the Image, at e_entry */
	uint8_t *elf = kx_synth_elf64(EM_AARCH64, 0xffff800080000000ULL, 0xffff800080000000ULL,
				      img, IMG_FILE, IMG_SIZE, &esize);
	struct kx_bytes eb = { elf, esize };
	const struct kx_format_ops *fmt;
	CHECK(kx_format_select(&kx_arch_arm64, eb, "Image.elf", NULL, &fmt, &err) == 0);
	CHECK(fmt == &kx_format_elf_arm64);
	CHECK(describe(&kx_format_elf_arm64, elf, esize, &b, &err) == 0);
	CHECK_EQ_U64(a.entry, 0x80000);
	CHECK_EQ_U64(b.entry, a.entry);
	CHECK_EQ_U64(a.span, 0x80000 + IMG_SIZE);
	CHECK_EQ_U64(b.span, a.span);
	CHECK_EQ_U64(b.pieces[0].paddr, 0x80000);
	CHECK_EQ_U64(b.pieces[0].bytes.size, IMG_FILE);
	CHECK(!memcmp(b.pieces[0].bytes.data, img, IMG_FILE));
	CHECK_EQ_U64(a.align, 0x200000);
	/* the ELF's header problems are named as the Image's, through the ELF */
	kx_put_le64(elf + 0x10000 + 24, 0x3);
	CHECK(describe(&kx_format_elf_arm64, elf, esize, &b, &err) < 0);
	CHECK_CONTAINS(err.message, "kernel (Image header at e_entry): flags bit 0 (at 24) says big-endian");
	/* e_entry outside the first PT_LOAD */
	kx_put_le64(elf + 0x10000 + 24, 0xa);
	((Elf64_Ehdr *)elf)->e_entry = 0x1000;
	CHECK(describe(&kx_format_elf_arm64, elf, esize, &b, &err) < 0);
	CHECK_CONTAINS(err.message, "e_entry 0x1000 is not inside the file bytes of the first PT_LOAD");
	/* an x86_64 ELF offered to arm64 */
	((Elf64_Ehdr *)elf)->e_machine = EM_X86_64;
	CHECK(kx_format_select(&kx_arch_arm64, eb, "vmlinux", NULL, &fmt, &err) < 0);
	CHECK_CONTAINS(err.message, "vmlinux: ELF header: e_machine 62 is not the 183");
	free(elf);
	free(img);
}

static int unwrap(uint8_t *data, size_t size, struct kx_file *ret, char *chain, struct kx_error *err)
{
	struct kx_file f = { .path = (char *)"vmlinuz.efi", .fd = -1, .bytes = { data, size } };
	return kx_unwrap_kernel(&f, GiB, ret, chain, 128, err);
}

KX_TEST(zboot_unwraps_and_refuses_broken_headers)
{
	uint8_t *img = synth_image();
	uint8_t *z = calloc(1, 0x1000 + IMG_FILE * 2);
	size_t n = kx_synth_gzip(img, IMG_FILE, z + 0x1000, IMG_FILE * 2, 6);
	z[0] = 'M', z[1] = 'Z';
	memcpy(z + 4, "zimg", 4);
	kx_put_le32(z + 8, 0x1000);
	kx_put_le32(z + 12, (uint32_t)n);
	strcpy((char *)z + 24, "gzip");
	struct kx_file out;
	struct kx_error err = { 0 };
	char chain[128];
	CHECK(unwrap(z, 0x1000 + n, &out, chain, &err) == 0);
	CHECK(!strcmp(chain, "EFI zboot gzip"));
	CHECK_EQ_U64(out.bytes.size, IMG_FILE);
	CHECK(!memcmp(out.bytes.data, img, IMG_FILE));
	CHECK(out.is_memfd);
	CHECK_CONTAINS(out.path, "vmlinuz.efi (EFI zboot gzip payload)");
	kx_file_close(&out);

	kx_put_le32(z + 12, (uint32_t)n + 0x100000);
	CHECK(unwrap(z, 0x1000 + n, &out, chain, &err) < 0);
	CHECK_CONTAINS(err.message, "vmlinuz.efi: EFI zboot payload offset 0x1000 + size");
	CHECK_CONTAINS(err.message, "run past the end of the file");
	kx_put_le32(z + 12, (uint32_t)n);
	strcpy((char *)z + 24, "zstd");
	CHECK(unwrap(z, 0x1000 + n, &out, chain, &err) < 0);
	CHECK_CONTAINS(err.message, "EFI zboot header says \"zstd\" (at 24) but the payload at 0x1000 starts with gzip");
	memset(z + 24, 'x', 32);
	CHECK(unwrap(z, 0x1000 + n, &out, chain, &err) < 0);
	CHECK_CONTAINS(err.message, "compression name (at 24) is not NUL-terminated");
	CHECK(unwrap(z, 30, &out, chain, &err) < 0);
	CHECK_CONTAINS(err.message, "EFI zboot header truncated (30 bytes)");
	/* a plain PE ("MZ" without "zimg") is not zboot: nothing to unwrap */
	memcpy(z + 4, "abcd", 4);
	CHECK(unwrap(z, 0x1000 + n, &out, chain, &err) == 0);
	CHECK(out.fd < 0 && chain[0] == 0);
	free(z);
	free(img);
}

KX_TEST(real_debian_images)
{
	const char *const releases[] = { "bookworm-arm64", "trixie-arm64" };
	for (int i = 0; i < 2; i++) {
		struct kx_file f;
		struct kx_kernel_desc k;
		struct kx_error err = { 0 };
		CHECK(kx_test_map_kernel(releases[i], "vmlinuz", &f) == 0);
		CHECK(kx_arm64_image_has_magic(f.bytes));
		CHECK(describe(&kx_format_arm64_image, f.bytes.data, f.bytes.size, &k, &err) == 0);
		CHECK_EQ_U64(k.entry, 0);          /* text_offset 0 since 5.8 */
		CHECK(k.span > f.bytes.size);      /* BSS */
		struct kx_arm64_image h;
		char note[256];
		CHECK(kx_arm64_image_parse(f.bytes, f.bytes.size, releases[i], 0, &h, note, sizeof(note), &err) == 0);
		CHECK_EQ_U64((h.flags >> 1) & 3, 1); /* 4K pages */
		CHECK(k.note[0] == 0);
		kx_file_close(&f);
	}
}

KX_TEST_MAIN(KX_CASE(header_rules), KX_CASE(image_and_elf_describe_alike),
	     KX_CASE(zboot_unwraps_and_refuses_broken_headers), KX_CASE(real_debian_images))
