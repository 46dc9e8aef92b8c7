// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bzImage parser on real Debian kernels, and copies with one field broken
 * (the libfdt mangle-and-expect pattern), each asserting the exact refusal:
 * of the synthetic bzImage (tests/unit/synth.h: the header rules need no
 * real kernel) and of the real bookworm one.
 */
#include "harness.h"
#include "kernels.h"
#include "synth.h"
#include "arch/arch.h"
#include "formats/x86_setup.h"

static const char *const releases[] = { "bookworm-amd64", "trixie-amd64" };

KX_TEST(real_kernels_parse)
{
	for (size_t i = 0; i < 2; i++) {
		struct kx_file f;
		struct kx_bzimage bz;
		struct kx_error err = { 0 };
		CHECK(kx_test_map_kernel(releases[i], "vmlinuz", &f) == 0);
		CHECK(kx_bzimage_probe_bytes(f.bytes) == KX_PROBE_YES);
		int r = kx_bzimage_parse(f.bytes, "vmlinuz", &bz, &err);
		if (r < 0)
			printf("#   %s\n", err.message);
		CHECK(r == 0);
		CHECK(bz.version >= 0x020f);
		CHECK(bz.xloadflags & XLF_KERNEL_64);
		CHECK(bz.xloadflags & XLF_EFI_KEXEC);
		CHECK(bz.relocatable);
		CHECK_EQ_U64(bz.kernel_alignment, 0x200000);
		CHECK(bz.init_size > bz.pm_size);
		CHECK_EQ_U64(bz.cmdline_size, 2047);
		const struct kx_format_ops *fmt;
		CHECK(kx_format_select(&kx_arch_x86_64, f.bytes, "vmlinuz", NULL, &fmt, &err) == 0);
		CHECK(fmt == &kx_format_bzimage);
		kx_file_close(&f);
	}
}

struct mangle {
	const char *name;
	uint64_t offset;
	int width;        /* 1, 2 or 4; 0 = truncate the file to `value` bytes */
	uint32_t value;
	int probe_no;     /* expect "not a bzImage" rather than a named refusal */
	const char *error;
};

static const struct mangle mangles[] = {
	{ "wrong boot flag", BZ_BOOT_FLAG, 2, 0x1234, 1, NULL },
	{ "wrong HdrS magic", BZ_HEADER_MAGIC, 4, 0x53726449, 1, NULL },
	{ "truncated before the magic", 0, 0, 0x200, 1, NULL },
	{ "truncated inside the header", 0, 0, 0x220, 0, "truncated: 544 bytes, a bzImage needs at least 0x268" },
	{ "truncated after the magic", 0, 0, 0x240, 0, "truncated: 576 bytes" },
	{ "protocol too old", BZ_VERSION, 2, 0x020b, 0, "version 2.11 (field version at 0x206) is older than 2.12" },
	{ "32-bit only", BZ_XLOADFLAGS, 2, 0x0002, 0, "32-bit only kernel: xloadflags (at 0x236) lacks XLF_KERNEL_64" },
	{ "not loaded high", BZ_LOADFLAGS, 1, 0x00, 0, "loadflags (at 0x211) lacks LOADED_HIGH" },
	{ "not relocatable", BZ_RELOCATABLE, 1, 0, 0, "relocatable_kernel (at 0x234) is 0" },
	{ "alignment not a power of two", BZ_KERNEL_ALIGNMENT, 4, 0x300000, 0,
	  "kernel_alignment 0x300000 (at 0x230) is not a power of two" },
	{ "init_size too small", BZ_INIT_SIZE, 4, 0x1000, 0, "init_size 0x1000 (at 0x260) is smaller than" },
	{ "zero cmdline_size", BZ_CMDLINE_SIZE, 4, 0, 0, "cmdline_size (at 0x238) is 0" },
	{ "payload past the end", BZ_PAYLOAD_LENGTH, 4, 0x7fffffff, 0,
	  "payload_length 0x7fffffff (at 0x248) run past" },
	{ "setup header length too short", 0x201, 1, 0x10, 0, "setup header length 0x21" },
};

/* Each of `mangles` applied to a copy of `base`: the exact refusal. */
static void broken_copies_of(struct kx_bytes base, int *kx_failed_)
{
	struct kx_bzimage bz;
	struct kx_error err = { 0 };
	/* control: unbroken, it parses */
	CHECK(kx_bzimage_parse(base, "vmlinuz", &bz, &err) == 0);
	CHECK(kx_bzimage_check_entry64(&bz, "vmlinuz", &err) == 0);
	for (size_t i = 0; i < sizeof(mangles) / sizeof(mangles[0]); i++) {
		const struct mangle *m = &mangles[i];
		uint8_t *copy = malloc(base.size);
		CHECK(copy);
		memcpy(copy, base.data, base.size);
		struct kx_bytes b = { copy, base.size };

		printf("#   case: %s\n", m->name);
		if (m->width == 0)
			b.size = m->value;
		else if (m->width == 1)
			copy[m->offset] = (uint8_t)m->value;
		else if (m->width == 2)
			kx_put_le16(copy + m->offset, (uint16_t)m->value);
		else
			kx_put_le32(copy + m->offset, m->value);
		int probe = kx_bzimage_probe_bytes(b), r = 0;
		memset(&err, 0, sizeof(err));
		if (!m->probe_no)
			r = kx_bzimage_parse(b, "vmlinuz", &bz, &err);
		/* the 64-bit entry's own rules (the 32-bit entry has none more) */
		if (!m->probe_no && r == 0)
			r = kx_bzimage_check_entry64(&bz, "vmlinuz", &err);
		free(copy);
		if (m->probe_no) {
			CHECK(probe == KX_PROBE_NO);
		} else {
			CHECK(probe == KX_PROBE_YES);
			CHECK(r < 0);
			CHECK(err.status == KX_E_INPUT);
			CHECK_CONTAINS(err.message, "vmlinuz: ");
			CHECK_CONTAINS(err.message, m->error);
		}
	}
}

KX_TEST(broken_copies)
{
	size_t size;
	uint8_t *k = kx_synth_bzimage(&size);
	CHECK(k);
	broken_copies_of((struct kx_bytes){ k, size }, kx_failed_);
	free(k);
}

KX_TEST(broken_copies_of_debian_kernel)
{
	struct kx_file f;
	CHECK(kx_test_map_kernel("bookworm-amd64", "vmlinuz", &f) == 0);
	broken_copies_of(f.bytes, kx_failed_);
	kx_file_close(&f);
}

KX_TEST(setup_sects_past_the_end)
{
	struct kx_error err = { 0 };
	struct kx_bzimage bz;
	size_t size;
	uint8_t *copy = kx_synth_bzimage(&size);
	CHECK(copy);
	copy[BZ_SETUP_SECTS] = 0x40;   /* protected mode at 0x8200 ... */
	struct kx_bytes b = { copy, 0x8000 }; /* ... in a file of 0x8000 bytes */
	int r = kx_bzimage_parse(b, "vmlinuz", &bz, &err);
	if (r == 0)
		free(copy);
	CHECK(r < 0);
	CHECK_CONTAINS(err.message, "setup_sects 64 (at 0x1f1) puts the protected-mode kernel at 0x8200, "
		       "at or past the end of the file (0x8000 bytes)");
	/* setup_sects 0 means 4 (boot.rst) */
	copy[BZ_SETUP_SECTS] = 0;
	b.size = size;
	r = kx_bzimage_parse(b, "vmlinuz", &bz, &err);
	free(copy);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(bz.setup_size, 5 * 512);
}

KX_TEST(unknown_file_is_not_a_kernel)
{
	static const uint8_t text[] = "#!/bin/sh\necho this is not a kernel\n";
	struct kx_bytes b = { text, sizeof(text) };
	struct kx_error err = { 0 };
	const struct kx_format_ops *fmt;
	CHECK(kx_format_select(&kx_arch_x86_64, b, "notes.txt", NULL, &fmt, &err) < 0);
	CHECK(err.status == KX_E_FORMAT);
	CHECK_CONTAINS(err.message, "notes.txt: cannot determine the file type");
	CHECK(kx_format_select(&kx_arch_x86_64, b, "notes.txt", "bzImage64", &fmt, &err) < 0);
	CHECK_CONTAINS(err.message, "notes.txt: is not a bzImage image (-t bzImage64)");
	CHECK(kx_format_select(&kx_arch_x86_64, b, "notes.txt", "uImage", &fmt, &err) < 0);
	CHECK(err.status == KX_E_USAGE);
	CHECK_CONTAINS(err.message, "-t uImage: no such image type on x86_64; known: bzImage multiboot2-x86 multiboot-x86 elf");
	struct kx_bytes empty = { text, 0 };
	CHECK(kx_format_select(&kx_arch_x86_64, empty, "empty", NULL, &fmt, &err) < 0);
}

KX_TEST_MAIN(KX_CASE(real_kernels_parse), KX_CASE(broken_copies), KX_CASE(broken_copies_of_debian_kernel),
	     KX_CASE(setup_sects_past_the_end),
	     KX_CASE(unknown_file_is_not_a_kernel))
