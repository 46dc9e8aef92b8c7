// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * beoboot and NBI images on x86_64: recognised by their magic and refused
 * by name (KX_E_REFUSED, the CLI's exit 1), not "cannot determine the file
 * type"; a header cut short, or sizes that run past the file, are broken
 * input (KX_E_INPUT, exit 252) naming the field. Synthetic headers only:
 * no maker of either format is packaged anywhere any more.
 */
#include "harness.h"
#include "arch/arch.h"
#include "core/bytes.h"
#include "formats/format.h"

/* "BeoB", arch, flags, cmdline_size, kernel_size, initrd_size, then the
 * parts (contents irrelevant: nothing past the header is parsed). */
static size_t make_beoboot(uint8_t *buf, size_t cap, uint8_t arch, uint8_t flags, uint16_t cmdline_size,
			   uint32_t kernel_size, uint32_t initrd_size)
{
	size_t size = 16 + (size_t)cmdline_size + kernel_size + ((flags & 1) ? initrd_size : 0);
	if (size > cap)
		size = cap;
	memset(buf, 0x5a, size);
	memcpy(buf, "BeoB", 4);
	buf[4] = arch;
	buf[5] = flags;
	kx_put_le16(buf + 6, cmdline_size);
	kx_put_le32(buf + 8, kernel_size);
	kx_put_le32(buf + 12, initrd_size);
	return size;
}

static int select_x86(const uint8_t *buf, size_t size, const char *type, struct kx_error *err)
{
	const struct kx_format_ops *fmt = NULL;
	memset(err, 0, sizeof(*err));
	return kx_format_select(&kx_arch_x86_64, (struct kx_bytes){ buf, size }, "img", type, &fmt, err);
}

static uint8_t buf[8192];

KX_TEST(beoboot_refused_by_name)
{
	struct kx_error err;
	size_t size = make_beoboot(buf, sizeof(buf), 1, 1, 32, 4096, 1024);
	CHECK(select_x86(buf, size, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	CHECK(!strcmp(err.message,
		      "img: beoboot images are not supported: an obsolete format (Scyld Beowulf) that only bundles "
		      "a command line, a bzImage and an initrd; its bzImage is the 0x1000 bytes at 0x30, its initrd "
		      "follows it: load the parts themselves (--initrd, --append)"));
	/* no initrd flag: initrd_size is not counted, nor mentioned */
	size = make_beoboot(buf, sizeof(buf), 1, 0, 0, 100, 0xffffffff);
	CHECK(select_x86(buf, size, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	CHECK_CONTAINS(err.message, "its bzImage is the 0x64 bytes at 0x10: load the parts");
	/* kexec-tools' -t name, and ours */
	size = make_beoboot(buf, sizeof(buf), 1, 1, 32, 4096, 1024);
	CHECK(select_x86(buf, size, "beoboot-x86", &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	CHECK_CONTAINS(err.message, "img: beoboot images are not supported");
	CHECK(select_x86(buf, size, "beoboot", &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	/* another architecture's beoboot image: still refused by name */
	size = make_beoboot(buf, sizeof(buf), 3, 0, 8, 64, 0);
	CHECK(select_x86(buf, size, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	CHECK(!strcmp(err.message, "img: beoboot images are not supported: an obsolete format (Scyld Beowulf), "
		      "and this one is not even for x86 (arch 3 at 0x4, x86 is 1)"));
}

KX_TEST(beoboot_broken)
{
	struct kx_error err;
	size_t size = make_beoboot(buf, sizeof(buf), 1, 1, 32, 4096, 1024);
	/* every cut inside the header */
	for (size_t cut = 4; cut < 16; cut++) {
		char want[80];
		CHECK(select_x86(buf, cut, NULL, &err) < 0);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		snprintf(want, sizeof(want), "img: truncated beoboot image: %zu bytes, its header is 16", cut);
		CHECK(!strcmp(err.message, want));
	}
	/* fewer bytes than the magic: not recognised */
	CHECK(select_x86(buf, 3, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	/* the initrd cut short by one byte */
	CHECK(select_x86(buf, size - 1, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK(!strcmp(err.message, "img: beoboot image: cmdline_size 0x20 (at 0x6), kernel_size 0x1000 (at 0x8) "
		      "and initrd_size 0x400 (at 0xc) run past the end of the file (0x142f bytes)"));
	/* sizes that would wrap 32 bits: checked in 64 */
	size = make_beoboot(buf, sizeof(buf), 1, 1, 0xffff, 0xffffffff, 0xffffffff);
	CHECK(select_x86(buf, size, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "kernel_size 0xffffffff (at 0x8)");
	/* the command line alone past the end */
	size = make_beoboot(buf, sizeof(buf), 1, 0, 0xffff, 0, 0);
	CHECK(select_x86(buf, 64, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "cmdline_size 0xffff (at 0x6)");
}

KX_TEST(nbi_refused_by_name)
{
	struct kx_error err;
	memset(buf, 0, 512);
	memcpy(buf, "\x36\x13\x03\x1b", 4);
	CHECK(select_x86(buf, 512, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	CHECK(!strcmp(err.message, "img: NBI images are not supported: an obsolete network boot format "
		      "(Etherboot/Netboot's mknbi) that wraps a kernel and an initrd: load the kernel and initrd "
		      "it was made from"));
	CHECK(select_x86(buf, 512, "nbi-x86", &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_REFUSED);
	/* the header block cut short; fewer bytes than the magic */
	CHECK(select_x86(buf, 511, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK(!strcmp(err.message, "img: truncated NBI image: 511 bytes, its header block is 512"));
	CHECK(select_x86(buf, 3, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	/* one magic byte off: nothing recognises it */
	buf[3] = 0x1c;
	CHECK(select_x86(buf, 512, NULL, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	CHECK_CONTAINS(err.message, "img: cannot determine the file type");
}

KX_TEST(refused_formats_not_offered_by_t)
{
	struct kx_error err;
	static const uint8_t text[] = "not a kernel";
	CHECK(select_x86(text, sizeof(text), "uImage", &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_USAGE);
	CHECK(!strcmp(err.message, "-t uImage: no such image type on x86_64; known: bzImage multiboot2-x86 multiboot-x86 elf-x86 elf"));
	/* not x86's: arm64 does not know them */
	CHECK(kx_format_by_type(&kx_arch_arm64, "beoboot") == NULL);
	CHECK(kx_format_by_type(&kx_arch_x86_64, "nbi-x86") == &kx_format_nbi);
}

KX_TEST_MAIN(KX_CASE(beoboot_refused_by_name), KX_CASE(beoboot_broken), KX_CASE(nbi_refused_by_name),
	     KX_CASE(refused_formats_not_offered_by_t))
