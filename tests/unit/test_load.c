// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load pipeline (src/load) called directly, as the command line calls
 * it: a request and a fixture folder in; the chosen parts, notes, the
 * kexec_file_load call and the kexec_load plan out. Synthetic kernels and
 * UKIs written to a temporary folder; no real Debian kernel needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "harness.h"
#include "plan_helpers.h"
#include "synth.h"
#include "arch/arch.h"
#include "arch/x86_64/console.h"
#include "core/units.h"
#include "formats/elf.h"
#include "load/cmdline.h"
#include "load/load.h"
#include "purgatory/purgatory.h"
#include "system/syscalls.h"

static char dir[64];
static char bios_box[1024];

/* Synthetic inputs: a bzImage, its gzip, four nested gzips, a UKI with
 * every part, a text file. */
static char kernel_path[256], gzip_path[256], gzip3_path[256], gzip4_path[256], uki_path[256], text_path[256],
	initrd_path[256], ucode_uki_path[256], ucode_only_path[256];
static const char uki_cmdline[] = "console=ttyS0\tuki-token=1\n";

static int make_inputs(void)
{
	size_t size, gz_size = 0;
	uint8_t *bz = kx_synth_bzimage(&size);
	uint8_t *gz[2] = { malloc(size + 4096), malloc(size + 8192) };
	static const uint8_t initrd[3000] = { 1 };
	int r = -1;

	snprintf(dir, sizeof(dir), "/tmp/kx-test-load-XXXXXX");
	snprintf(bios_box, sizeof(bios_box), "%s/tests/fixtures/bios-box", kx_test_env("KX_SRCDIR", "."));
	if (!bz || !gz[0] || !gz[1] || !mkdtemp(dir) ||
	    kx_test_write_file(dir, "vmlinuz", bz, size, kernel_path, sizeof(kernel_path)) < 0 ||
	    kx_test_write_file(dir, "initrd.img", initrd, sizeof(initrd), initrd_path, sizeof(initrd_path)) < 0 ||
	    kx_test_write_file(dir, "notes.txt", "not a kernel\n", 13, text_path, sizeof(text_path)) < 0)
		goto out;
	gz_size = kx_synth_gzip(bz, size, gz[0], size + 4096, 9);
	if (!gz_size || kx_test_write_file(dir, "vmlinuz.gz", gz[0], gz_size, gzip_path, sizeof(gzip_path)) < 0)
		goto out;
	/* gzip of gzip ...: three layers (the cap), then four */
	for (int i = 0; i < 3; i++) {
		size_t n = kx_synth_gzip(gz[i % 2], gz_size, gz[(i + 1) % 2], size + 8192, 1);
		if (!n)
			goto out;
		gz_size = n;
		if (i == 1 && kx_test_write_file(dir, "vmlinuz.gz3", gz[0], gz_size, gzip3_path, sizeof(gzip3_path)) < 0)
			goto out;
	}
	if (kx_test_write_file(dir, "vmlinuz.gz4", gz[1], gz_size, gzip4_path, sizeof(gzip4_path)) < 0)
		goto out;
	const struct kx_synth_section secs[] = {
		{ ".osrel", "ID=test\n", 8 }, { ".cmdline", uki_cmdline, sizeof(uki_cmdline) },
		{ ".linux", bz, size }, { ".initrd", initrd, 2000 }, { ".dtb", "\xd0\x0d\xfe\xed", 4 },
	};
	size_t uki_size;
	/* the first four sections: an x86_64 UKI carries no .dtb (refused, see below) */
	uint8_t *uki = kx_synth_uki(0x8664, secs, 4, &uki_size);
	r = uki ? kx_test_write_file(dir, "uki.efi", uki, uki_size, uki_path, sizeof(uki_path)) : -1;
	free(uki);
	/* .ucode (7 bytes: the initrd after it starts 4-aligned) before .initrd; and alone */
	const struct kx_synth_section ucode_secs[] = {
		{ ".linux", bz, size }, { ".ucode", "MC12345", 7 }, { ".initrd", initrd, 2000 },
	};
	uki = r == 0 ? kx_synth_uki(0x8664, ucode_secs, 3, &uki_size) : NULL;
	r = uki ? kx_test_write_file(dir, "uki-ucode.efi", uki, uki_size, ucode_uki_path, sizeof(ucode_uki_path)) : -1;
	free(uki);
	uki = r == 0 ? kx_synth_uki(0x8664, ucode_secs, 2, &uki_size) : NULL;
	r = uki ? kx_test_write_file(dir, "uki-ucode-only.efi", uki, uki_size, ucode_only_path, sizeof(ucode_only_path)) : -1;
	free(uki);
out:
	free(bz);
	free(gz[0]);
	free(gz[1]);
	return r;
}

static struct kx_load_request request(const char *kernel)
{
	return (struct kx_load_request){ .arch = &kx_arch_x86_64, .kernel = kernel, .test.root = bios_box };
}

/* prepare; on failure *err says why and the load is freed */
static struct kx_load *prepare(const struct kx_load_request *rq, struct kx_error *err)
{
	struct kx_load *ld = kx_load_new();
	memset(err, 0, sizeof(*err));
	if (ld && kx_load_prepare(ld, rq, err) == 0)
		return ld;
	if (ld && err->status == KX_OK)
		printf("#   no error recorded\n");
	kx_load_free(ld);
	return NULL;
}

KX_TEST(plain_bzimage)
{
	struct kx_error err;
	struct kx_load_request rq = request(kernel_path);
	rq.append = "root=/dev/vda";
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(ld->format == &kx_format_bzimage);
	CHECK_EQ_U64(ld->unwrapped.nr_layers, 0);
	CHECK(!strcmp(ld->cmdline, "root=/dev/vda"));
	CHECK(!strcmp(ld->cmdline_from, "the command line options"));
	CHECK_EQ_U64(ld->notes.count, 0);

	struct kx_file_call call;
	CHECK(kx_load_file_call(ld, true, false, &call, &err) == 0);
	CHECK(call.kernel == &ld->file && !call.kernel_copied && call.kernel->fd >= 0);
	CHECK(!call.initrd);
	CHECK_EQ_U64(call.flags, KX_KEXEC_FILE_NO_INITRAMFS);

	struct kx_plan plan;
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(!strcmp(plan.format, "bzImage"));
	CHECK_EQ_U64(plan.nr_segments, 3);          /* kernel, boot_params, purgatory */
	CHECK(!strcmp(plan.cmdline, "root=/dev/vda"));
	kx_plan_free(&plan);
	kx_load_free(ld);
}

/* The purgatory's parameter block as the plan carries it (x86_64 blob). */
static int plan_purgatory_params(const struct kx_plan *plan, struct kx_purgatory_params *ret)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	if (kx_purgatory_blob("x86_64", &blob, &err) < 0)
		return -1;
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (!strcmp(plan->segments[i].name, "purgatory") &&
		    plan->segments[i].bufsz >= blob.params_offset + sizeof(*ret)) {
			memcpy(ret, plan->segments[i].buf + blob.params_offset, sizeof(*ret));
			return 0;
		}
	return -1;
}

/* --console-vga, --reset-vga, --serial-baud reach the x86_64 purgatory's
 * flags and speed, with and without the check. */
KX_TEST(purgatory_console_options)
{
	struct kx_error err;
	struct kx_purgatory_params params;
	struct kx_plan plan;
	struct kx_load_request rq = request(kernel_path);
	struct kx_purgatory_blob blob;
	if (kx_purgatory_blob("x86_64", &blob, &err) < 0)
		KX_SKIP("no x86_64 purgatory in this build");
	rq.serial = "ttyS1";
	rq.serial_baud = 9600;
	rq.console_vga = true;
	rq.reset_vga = true;
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(plan_purgatory_params(&plan, &params) == 0);
	kx_plan_free(&plan);
	kx_load_free(ld);
	CHECK_EQ_U64(params.flags, KX_PURGATORY_VERIFY | KX_PURGATORY_CONSOLE_VGA | KX_PURGATORY_RESET_VGA);
	CHECK_EQ_U64(params.serial_port, 0x2f8);
	CHECK_EQ_U64(params.serial_baud, 9600);

	/* -i: no check, the reset still asked for; nothing given: all off */
	rq.no_checks = true;
	rq.console_vga = false;
	rq.serial_baud = 0;
	ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(plan_purgatory_params(&plan, &params) == 0);
	kx_plan_free(&plan);
	kx_load_free(ld);
	CHECK_EQ_U64(params.flags, KX_PURGATORY_RESET_VGA);
	CHECK_EQ_U64(params.serial_baud, 0);
	rq = request(kernel_path);
	ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(plan_purgatory_params(&plan, &params) == 0);
	kx_plan_free(&plan);
	kx_load_free(ld);
	CHECK_EQ_U64(params.flags, KX_PURGATORY_VERIFY);
	CHECK_EQ_U64(params.serial_port, 0);
}

KX_TEST(uki_parts_when_nothing_is_given)
{
	struct kx_error err;
	struct kx_load_request rq = request(uki_path);
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(!strcmp(ld->unwrapped.chain, "UKI"));
	/* .cmdline as the kernel gets it: the tab a space, the newline gone */
	CHECK(!strcmp(ld->cmdline, "console=ttyS0 uki-token=1"));
	CHECK(!strcmp(ld->cmdline_from, "the UKI's .cmdline section"));
	CHECK_EQ_U64(ld->initrd.bytes.size, 2000);
	CHECK_CONTAINS(ld->initrd.path, "uki.efi (UKI .initrd section)");
	CHECK(!strcmp(ld->parts[KX_PART_INITRD].use, "the initrd"));
	CHECK(!strcmp(ld->parts[KX_PART_CMDLINE].use, "the command line"));
	CHECK(!ld->parts[KX_PART_DTB].layer);
	CHECK_EQ_U64(ld->notes.count, 0);

	/* the system call gets sealed copies of the sections, and is told so */
	struct kx_file_call call;
	CHECK(kx_load_file_call(ld, false, false, &call, &err) == 0);
	CHECK(call.kernel_copied && call.initrd_copied && call.kernel->fd < 0);
	CHECK(kx_load_file_call(ld, true, false, &call, &err) == 0);
	CHECK(call.kernel->fd >= 0 && call.initrd->fd >= 0);
	CHECK_EQ_U64(call.kernel->bytes.size, SYNTH_SIZE);
	CHECK_EQ_U64(call.flags, 0);
	CHECK_EQ_U64(ld->notes.count, 1);
	CHECK_CONTAINS(ld->notes.text[0], "is a UKI; kexec_file_load gets its .linux section");

	struct kx_plan plan;
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(!strcmp(plan.format, "UKI > bzImage"));
	CHECK_EQ_U64(plan.nr_segments, 4);
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(given_parts_replace_the_ukis)
{
	struct kx_error err;
	struct kx_load_request rq = request(uki_path);
	rq.initrd = initrd_path;
	rq.append = "mine=1";
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(!strcmp(ld->cmdline, "mine=1"));
	CHECK_EQ_U64(ld->initrd.bytes.size, 3000);
	CHECK(!strcmp(ld->parts[KX_PART_INITRD].use, "replaced by --initrd"));
	CHECK(!strcmp(ld->parts[KX_PART_CMDLINE].use, "replaced by the command line options"));
	CHECK_EQ_U64(ld->notes.count, 2);
	CHECK_CONTAINS(ld->notes.text[0], "--append/--command-line replaces ");
	CHECK_CONTAINS(ld->notes.text[0], "uki.efi's .cmdline section");
	CHECK_CONTAINS(ld->notes.text[1], "--initrd replaces ");
	kx_load_free(ld);
}

/* A UKI's .ucode goes before its .initrd in one sealed memfd, as
 * systemd-stub hands them on; --initrd is used as given (a note says so). */
KX_TEST(ucode_before_the_initrd)
{
	struct kx_error err;
	struct kx_load_request rq = request(ucode_uki_path);
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(ld->initrd.fd >= 0);
	CHECK_EQ_U64(ld->initrd.bytes.size, 8 + 2000);
	CHECK(!memcmp(ld->initrd.bytes.data, "MC12345\0", 8));
	CHECK_EQ_U64(ld->initrd.bytes.data[8], 1);       /* the .initrd's first byte */
	CHECK_CONTAINS(ld->initrd.path, "uki-ucode.efi (UKI .ucode + .initrd sections)");
	CHECK(!strcmp(ld->parts[KX_PART_UCODE].use, "put before the initrd"));
	struct kx_file_call call;
	CHECK(kx_load_file_call(ld, false, false, &call, &err) == 0);
	CHECK(call.initrd == &ld->initrd && !call.initrd_copied);
	kx_load_free(ld);

	rq.initrd = initrd_path;
	ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK_EQ_U64(ld->initrd.bytes.size, 3000);
	CHECK_EQ_U64(ld->notes.count, 2);
	CHECK_CONTAINS(ld->notes.text[1], "uki-ucode.efi's .ucode section is not used: --initrd replaces");
	kx_load_free(ld);

	rq = request(ucode_only_path);
	ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK_EQ_U64(ld->initrd.bytes.size, 7);
	CHECK_CONTAINS(ld->initrd.path, "(UKI .ucode sections)");
	kx_load_free(ld);

	/* --uki-profile for a file that is no UKI */
	rq = request(kernel_path);
	rq.uki_profile_given = true;
	CHECK(!prepare(&rq, &err));
	CHECK_CONTAINS(err.message, "--uki-profile=0: ");
	CHECK_CONTAINS(err.message, "vmlinuz is not a UKI");
}

KX_TEST(compressed_layers)
{
	struct kx_error err;
	struct kx_load_request rq = request(gzip_path);
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(!strcmp(ld->unwrapped.chain, "gzip"));
	CHECK(ld->unwrapped.kernel->fd >= 0);         /* a sealed memfd */
	CHECK_EQ_U64(ld->unwrapped.kernel->bytes.size, SYNTH_SIZE);
	struct kx_plan plan;
	CHECK(kx_load_build_plan(ld, &plan, &err) == 0);
	CHECK(!strcmp(plan.format, "gzip > bzImage"));
	kx_plan_free(&plan);
	kx_load_free(ld);

	/* KX_DECOMPRESS_LAYERS_MAX: three layers are peeled, a fourth is refused */
	rq = request(gzip3_path);
	ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(!strcmp(ld->unwrapped.chain, "gzip > gzip > gzip"));
	CHECK(ld->format == &kx_format_bzimage);
	kx_load_free(ld);
	rq = request(gzip4_path);
	CHECK(!prepare(&rq, &err));
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "vmlinuz.gz4: more than 3 nested compression layers");

	/* a UKI around them: the same cap (KX_WRAP_LAYERS_MAX is one more) */
	const char *const inner[2] = { gzip3_path, gzip4_path };
	for (int i = 0; i < 2; i++) {
		char path[256];
		size_t len = 0, size;
		static uint8_t linux_section[SYNTH_SIZE + 8192];
		FILE *f = fopen(inner[i], "rb");
		CHECK(f);
		len = fread(linux_section, 1, sizeof(linux_section), f);
		fclose(f);
		const struct kx_synth_section secs[] = { { ".linux", linux_section, len } };
		uint8_t *uki = kx_synth_uki(0x8664, secs, 1, &size);
		CHECK(uki);
		int w = kx_test_write_file(dir, "uki-gz.efi", uki, size, path, sizeof(path));
		free(uki);
		CHECK(w == 0);
		rq = request(path);
		ld = prepare(&rq, &err);
		unlink(path);
		if (i == 0) {
			CHECK(ld);
			CHECK(!strcmp(ld->unwrapped.chain, "UKI > gzip > gzip > gzip"));
			CHECK(ld->format == &kx_format_bzimage);
			kx_load_free(ld);
		} else {
			CHECK(!ld);
			CHECK_EQ_U64(err.status, KX_E_INPUT);
			CHECK_CONTAINS(err.message, "uki-gz.efi: more than 3 nested compression layers");
		}
	}
}

/*
 * zstd frames (concatenated, as zstd -d reads them) that decompress to the
 * synthetic bzImage followed by zeros, `size` bytes in all. The zeros are
 * copies of one compressed MiB: 512 MiB cost a few KiB to build, and the
 * decompressor leaves chunks of zeros as holes in its memfd, so neither
 * end needs the memory.
 */
static int write_zstd_padded_bzimage(const char *name, uint64_t size, char *ret_path, size_t path_size)
{
	size_t bz_size, bound = ZSTD_compressBound(MiB), len = 0;
	uint64_t zero_chunks = size >= MiB ? size / MiB - 1 : 0, tail = size % MiB;
	uint8_t *bz = kx_synth_bzimage(&bz_size), *chunk = calloc(1, MiB);
	uint8_t *out = malloc(3 * bound + zero_chunks * 64);
	int r = -1;

	if (!bz || !chunk || !out || size < MiB)   /* the bzImage's MiB comes first */
		goto out;
	/* the payload counts into the protected-mode kernel: init_size covers it */
	kx_put_le32(bz + BZ_INIT_SIZE, (uint32_t)(size + MiB));
	memcpy(chunk, bz, bz_size);
	size_t head = ZSTD_compress(out, bound, chunk, MiB, 1);
	memset(chunk, 0, bz_size);
	size_t zero = ZSTD_compress(out + head, bound, chunk, MiB, 1);
	if (ZSTD_isError(head) || ZSTD_isError(zero) || zero > 64)
		goto out;
	len = head;
	for (uint64_t i = 0; i < zero_chunks; i++, len += zero)
		memmove(out + len, out + head, zero);
	if (tail) {
		size_t t = ZSTD_compress(out + len, bound, chunk, tail, 1);
		if (ZSTD_isError(t))
			goto out;
		len += t;
	}
	r = kx_test_write_file(dir, name, out, len, ret_path, path_size);
out:
	free(bz);
	free(chunk);
	free(out);
	return r;
}

/*
 * KX_KERNEL_DECOMPRESSED_MAX: a kernel that decompresses to exactly the
 * cap is loaded (the product's path: kx_load_prepare peels it with the cap
 * it passes); one byte more is refused, naming the cap.
 */
KX_TEST(decompressed_kernel_at_the_cap)
{
	struct kx_error err;
	char path[256];
	struct stat st;
	CHECK(write_zstd_padded_bzimage("vmlinuz-512m.zst", KX_KERNEL_DECOMPRESSED_MAX, path, sizeof(path)) == 0);
	struct kx_load_request rq = request(path);
	struct kx_load *ld = prepare(&rq, &err);
	unlink(path);
	if (!ld)
		printf("#   %s\n", err.message);
	CHECK(ld);
	CHECK(!strcmp(ld->unwrapped.chain, "zstd"));
	CHECK(ld->format == &kx_format_bzimage);
	CHECK_EQ_U64(ld->unwrapped.kernel->bytes.size, KX_KERNEL_DECOMPRESSED_MAX);
	/* the zeros are holes: the memfd holds about the one MiB with the bzImage */
	CHECK(fstat(ld->unwrapped.kernel->fd, &st) == 0);
	CHECK((uint64_t)st.st_blocks * 512 <= 4 * MiB);
	kx_load_free(ld);

	CHECK(write_zstd_padded_bzimage("vmlinuz-512m1.zst", KX_KERNEL_DECOMPRESSED_MAX + 1, path,
					sizeof(path)) == 0);
	rq = request(path);
	CHECK(!prepare(&rq, &err));
	unlink(path);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "decompressed zstd data exceeds the cap of 536870912 bytes");
}

/* x86_64 takes --dtb (a SETUP_DTB node, test_boot_params); a file that
 * is no tree is refused when the plan reads it. */
KX_TEST(dtb_on_x86_64)
{
	struct kx_error err;
	struct kx_plan plan;
	struct kx_load_request rq = request(kernel_path);
	rq.dtb = kernel_path;
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	CHECK(kx_load_build_plan(ld, &plan, &err) < 0);
	kx_plan_free(&plan);
	kx_load_free(ld);
	CHECK_CONTAINS(err.message, "--dtb");
}

/* --no-cma and --force-dtb are kexec_file_load flags. */
KX_TEST(file_flags)
{
	struct kx_error err;
	struct kx_load_request rq = request(kernel_path);
	rq.no_cma = rq.force_dtb = true;
	rq.crash = false;
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld);
	struct kx_file_call call;
	CHECK(kx_load_file_call(ld, false, true, &call, &err) == 0);
	CHECK_EQ_U64(call.flags, KX_KEXEC_FILE_NO_CMA | KX_KEXEC_FILE_FORCE_DTB | KX_KEXEC_FILE_DEBUG |
				 KX_KEXEC_FILE_NO_INITRAMFS);
	kx_load_free(ld);
}

KX_TEST(type_names_a_format_or_a_wrapper)
{
	struct kx_error err;
	struct kx_load_request rq = request(kernel_path);
	rq.type = "uki";
	CHECK(!prepare(&rq, &err));
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	CHECK_CONTAINS(err.message, "vmlinuz: is not a UKI image (-t uki)");

	rq.type = "uImage";
	CHECK(!prepare(&rq, &err));
	CHECK_EQ_U64(err.status, KX_E_USAGE);
	CHECK_CONTAINS(err.message, "-t uImage: no such image type on x86_64; known: bzImage multiboot2-x86 multiboot-x86 elf-x86 elf uki zboot gzip");

	rq = request(gzip_path);
	rq.type = "gzip";
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld && ld->format == &kx_format_bzimage);
	kx_load_free(ld);
	rq.type = "bzImage64";                  /* kexec-tools' name, after the wrapper is peeled */
	ld = prepare(&rq, &err);
	CHECK(ld && ld->format == &kx_format_bzimage);
	kx_load_free(ld);
}

KX_TEST(unknown_kernel_is_left_to_the_file_syscall_only)
{
	struct kx_error err;
	struct kx_load_request rq = request(text_path);
	CHECK(!prepare(&rq, &err));
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	CHECK_CONTAINS(err.message, "notes.txt: cannot determine the file type");

	rq.file_syscall_only = true;
	struct kx_load *ld = prepare(&rq, &err);
	CHECK(ld && !ld->format);
	struct kx_plan plan;
	CHECK(kx_load_build_plan(ld, &plan, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_FORMAT);
	kx_plan_free(&plan);
	kx_load_free(ld);
}

KX_TEST(crash_without_a_region_names_the_size)
{
	struct kx_error err;
	struct kx_load_request rq = request(kernel_path);
	rq.crash = true;
	rq.initrd = initrd_path;
	CHECK(!prepare(&rq, &err));
	CHECK_EQ_U64(err.status, KX_E_NO_CRASH_REGION);
	CHECK_CONTAINS(err.message, "Boot with crashkernel=128M: this kernel and initrd need 5 MiB of segments");
}

/* A file named kexec-ng-random in a root is read only for a fixture
 * (--x-test-root), never by the live reader. */
KX_TEST(fixture_seed_only_under_a_test_root)
{
	struct kx_facts *live = calloc(2, sizeof(*live)), *fixture = live + 1;
	struct kx_error err = { 0 };
	uint8_t file[64];
	char path[1100];
	snprintf(path, sizeof(path), "%s/kexec-ng-random", bios_box);
	FILE *f = fopen(path, "rb");
	CHECK(live && f);
	CHECK_EQ_U64(fread(file, 1, sizeof(file), f), sizeof(file));
	fclose(f);
	CHECK(kx_facts_read(live, bios_box, &err) == 0);
	CHECK(kx_facts_read_fixture(fixture, bios_box, &err) == 0);
	CHECK(!memcmp(fixture->random, file, sizeof(file)));
	CHECK(memcmp(live->random, file, sizeof(file)));   /* getrandom(): equal with p = 2^-512 */
	free(live);
}

KX_TEST(arch_hooks)
{
	struct kx_error err = { 0 };
	struct kx_notes notes = { 0 };
	uint64_t v;
	CHECK(kx_arch_x86_64.purgatory_console("ttyS1", "", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x2f8);
	CHECK(kx_arch_x86_64.purgatory_console(NULL, "console=ttyS3 console=ttyS2,115200", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x3e8);
	CHECK(kx_arch_x86_64.purgatory_console(NULL, "xconsole=ttyS1", &v, &err) == 0);
	CHECK_EQ_U64(v, 0);
	CHECK(kx_arch_x86_64.purgatory_console("ttyS9", "", &v, &err) < 0);
	CHECK_CONTAINS(err.message, "--serial=ttyS9: expected ttyS0..ttyS3 or an I/O port number");
	CHECK(kx_arch_arm64.purgatory_console("0x9000000", "console=ttyAMA0", &v, &err) == 0);
	CHECK_EQ_U64(v, 0x9000000);
	CHECK(kx_arch_riscv64.purgatory_console(NULL, "console=ttyS0", &v, &err) == 0);
	CHECK_EQ_U64(v, 0);                       /* found in the tree by the planner */
	CHECK(kx_arch_riscv64.purgatory_console("ttyS0", "", &v, &err) < 0);
	CHECK_CONTAINS(err.message, "--serial=ttyS0: expected the UART's MMIO address");

	CHECK(kx_arch_x86_64.boot_tree("/", NULL, NULL, &notes, &err) == 0);
	CHECK_EQ_U64(notes.count, 0);
	CHECK(!strcmp(kx_arch_x86_64.tree_source("x.dtb"), "--dtb"));
	CHECK(!kx_arch_x86_64.tree_source(NULL));      /* no running tree on x86_64 */
	CHECK(!strcmp(kx_arch_arm64.tree_source("x.dtb"), "--dtb"));
	CHECK(!strcmp(kx_arch_riscv64.tree_source(NULL), "the running device tree"));
}

static void cleanup(void)
{
	const char *const names[] = { "vmlinuz", "vmlinuz.gz", "vmlinuz.gz3", "vmlinuz.gz4", "uki.efi", "notes.txt", "initrd.img",
				      "uki-ucode.efi", "uki-ucode-only.efi" };
	char path[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* KX_SEGMENT_MAX (the kernel's KEXEC_SEGMENT_MAX): a plan holds 16
 * segments, a 17th is refused. */
KX_TEST(segment_count_cap)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	static const uint8_t page[4096];
	kx_plan_init(&plan);
	for (unsigned int i = 0; i < KX_SEGMENT_MAX; i++)
		CHECK(kx_plan_add(&plan, "piece", "test", page, sizeof(page), (i + 1) * 0x100000ULL,
				  sizeof(page), &err) == 0);
	CHECK_EQ_U64(plan.nr_segments, 16);
	CHECK(kx_plan_check(&plan, NULL, 0, &err) == 0);
	CHECK(kx_plan_add(&plan, "purgatory", "test", page, sizeof(page), 0x2000000, sizeof(page), &err) < 0);
	CHECK_EQ_U64(plan.nr_segments, 16);
	kx_plan_free(&plan);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK_CONTAINS(err.message, "segment purgatory: more than 16 segments (KEXEC_SEGMENT_MAX)");
}

/* The kernel's room (bzImage init_size) is kept free: a plan with another
 * segment inside it is refused, one next to it passes; the footprint counts
 * the room whole. */
KX_TEST(kernel_room_is_kept_free)
{
	struct kx_plan plan;
	struct kx_error err = { 0 };
	static const uint8_t page[4096];
	kx_plan_init(&plan);
	CHECK(kx_plan_add(&plan, "kernel", "test", page, sizeof(page), 0x1000000, sizeof(page), &err) == 0);
	plan.kernel_room_start = 0x1000000;
	plan.kernel_room_size = 0x400000;
	CHECK(kx_plan_add(&plan, "initrd", "test", page, sizeof(page), 0x1400000, sizeof(page), &err) == 0);
	CHECK(kx_plan_check(&plan, NULL, 0, &err) == 0);
	CHECK_EQ_U64(kx_plan_kernel_bytes(&plan), 4096);
	CHECK_EQ_U64(kx_plan_footprint(&plan), 0x400000 + 4096);
	plan.segments[1].mem = 0x13ff000; /* the room's last page */
	CHECK(kx_plan_check(&plan, NULL, 0, &err) < 0);
	kx_plan_free(&plan);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK_CONTAINS(err.message, "segment 1 (initrd) is inside the kernel's room 0x1000000-0x13fffff");
}

/* An x86_64 ELF vmlinux with KX_ELF_LOADS_MAX PT_LOADs and an initrd: each
 * PT_LOAD a segment, and the plan still fits KX_SEGMENT_MAX. */
KX_TEST(elf_with_the_most_pt_loads_is_planned)
{
	struct kx_error err;
	char path[256];
	size_t size;
	uint8_t *elf = kx_synth_elf64_loads(EM_X86_64, KX_ELF_LOADS_MAX, &size);
	CHECK(elf);
	int w = kx_test_write_file(dir, "vmlinux-8", elf, size, path, sizeof(path));
	free(elf);
	CHECK(w == 0);
	struct kx_load_request rq = request(path);
	rq.initrd = initrd_path;
	struct kx_load *ld = prepare(&rq, &err);
	unlink(path);
	CHECK(ld);
	CHECK(ld->format == &kx_format_elf_vmlinux);
	struct kx_plan plan;
	int r = kx_load_build_plan(ld, &plan, &err);
	if (r < 0)
		printf("#   %s\n", err.message);
	CHECK(r == 0);
	CHECK_EQ_U64(plan.nr_segments, KX_ELF_LOADS_MAX + 3);   /* + initrd, boot_params, purgatory */
	kx_plan_free(&plan);
	kx_load_free(ld);
}

/*
 * COMMAND_LINE_SIZE: each architecture's new kernel keeps that many bytes
 * with the NUL, and kexec-ng refuses what it would cut, for both system
 * calls (the check is made before either is chosen). At the cap the line
 * is taken whole; one byte more is refused, naming the rule.
 */
KX_TEST(command_line_cap)
{
	static const struct {
		const struct kx_arch_ops *arch;
		uint16_t machine;
		unsigned int size;       /* the kernel's COMMAND_LINE_SIZE */
	} arches[] = {
		{ &kx_arch_x86_64, EM_X86_64, 2048 },
		{ &kx_arch_arm64, EM_AARCH64, 2048 },
		{ &kx_arch_riscv64, EM_RISCV, 1024 },
	};
	static char line[2049];
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		struct kx_error err;
		char path[256], want[200];
		size_t size;
		printf("#   case: %s\n", arches[i].arch->name);
		CHECK_EQ_U64(arches[i].arch->command_line_size, arches[i].size);
		uint8_t *elf = kx_synth_elf64_loads(arches[i].machine, 1, &size);
		CHECK(elf);
		int w = kx_test_write_file(dir, "vmlinux-cmdline", elf, size, path, sizeof(path));
		free(elf);
		CHECK(w == 0);
		memset(line, 'a', arches[i].size - 1);
		line[arches[i].size - 1] = 0;
		struct kx_load_request rq = request(path);
		rq.arch = arches[i].arch;
		rq.append = line;
		struct kx_load *ld = prepare(&rq, &err);
		if (!ld)
			printf("#   %s\n", err.message);
		CHECK(ld);
		CHECK_EQ_U64(strlen(ld->cmdline), arches[i].size - 1);
		kx_load_free(ld);

		line[arches[i].size - 1] = 'a';
		line[arches[i].size] = 0;
		CHECK(!prepare(&rq, &err));
		unlink(path);
		CHECK_EQ_U64(err.status, KX_E_USAGE);
		snprintf(want, sizeof(want), "the command line (from the command line options) is %u bytes, more "
			 "than %u: %s kernels keep COMMAND_LINE_SIZE (%u) bytes with the NUL and drop the rest",
			 arches[i].size, arches[i].size - 1, arches[i].arch->name, arches[i].size);
		CHECK_CONTAINS(err.message, want);
	}
}

/* The composed line's length is known also when it does not fit: the
 * running kernel's words (BOOT_IMAGE= dropped), a space, the appended. */
KX_TEST(command_line_compose_counts_what_does_not_fit)
{
	struct kx_error err = { 0 };
	char out[8];
	size_t len;
	CHECK(kx_cmdline_compose("BOOT_IMAGE=/vmlinuz ro  q", "ab", false, out, sizeof(out), &len, &err) == 0);
	CHECK(!strcmp(out, "ro q ab"));
	CHECK_EQ_U64(len, 7);
	CHECK(kx_cmdline_compose("ro q", "abc", false, out, sizeof(out), &len, &err) < 0);
	CHECK_EQ_U64(len, 8);
	CHECK(!strcmp(out, "ro q ab"));
	CHECK_CONTAINS(err.message, "the command line is 8 bytes, more than 7");
}

static const struct kx_test_case cases[] = {
	KX_CASE(plain_bzimage), KX_CASE(purgatory_console_options), KX_CASE(uki_parts_when_nothing_is_given), KX_CASE(given_parts_replace_the_ukis),
	KX_CASE(compressed_layers), KX_CASE(type_names_a_format_or_a_wrapper),
	KX_CASE(unknown_kernel_is_left_to_the_file_syscall_only), KX_CASE(crash_without_a_region_names_the_size),
	KX_CASE(fixture_seed_only_under_a_test_root), KX_CASE(arch_hooks),
	KX_CASE(dtb_on_x86_64), KX_CASE(file_flags), KX_CASE(ucode_before_the_initrd),
	KX_CASE(decompressed_kernel_at_the_cap), KX_CASE(segment_count_cap), KX_CASE(kernel_room_is_kept_free),
	KX_CASE(elf_with_the_most_pt_loads_is_planned), KX_CASE(command_line_cap),
	KX_CASE(command_line_compose_counts_what_does_not_fit),
};

int main(void)
{
	if (make_inputs() < 0) {
		printf("1..1\nnot ok 1 - cannot write the synthetic inputs to %s\n", dir);
		return 1;
	}
	int r = kx_run_tests(cases, sizeof(cases) / sizeof(cases[0]));
	cleanup();
	return r;
}
