// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The whole load path on fuzzed kernel files: unwrap (UKI, EFI zboot, every
 * codec), probe the format, prepare (command line, initrd from a wrapper,
 * device tree) and build the kexec_load plan, for x86_64, arm64 and riscv64
 * on fixture facts, normal and crash loads. The first byte chooses the
 * architecture and the options (bit 7: x86's --entry-32bit, with bits 4
 * and 5 choosing an --args-* style too); the rest is the kernel file.
 */
#include "fuzz_common.h"

#include <sys/stat.h>

#include "arch/arch.h"
#include "core/file.h"
#include "load/load.h"

static char roots[3][4096];

static int write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
	FILE *f = fopen(from, "rb");
	if (!f)
		return -1;
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return write_file(to, buf, n);
}

/* A fixture root for arm64 and riscv64: RAM in /proc/iomem, the machine's
 * tree as /sys/firmware/fdt, a fixed kexec-ng-random (the x86_64 one is the
 * repository's bios-box). Made once, under $TMPDIR. */
static int make_root(char *root, size_t size, const char *name, const char *iomem, const char *dtb)
{
	char path[4096], src[4096];
	const char *tmp = getenv("TMPDIR");
	static const uint8_t random_bytes[64];

	snprintf(root, size, "%s/kx-fuzz-%s-%d", tmp && *tmp ? tmp : "/tmp", name, (int)getpid());
	snprintf(path, sizeof(path), "%s/proc", root);
	if (mkdir(root, 0700) < 0 || mkdir(path, 0700) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/proc/iomem", root);
	if (write_file(path, iomem, strlen(iomem)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/kexec-ng-random", root);
	if (write_file(path, random_bytes, sizeof(random_bytes)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sys", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/firmware", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/firmware/fdt", root);
	snprintf(src, sizeof(src), "%s/tests/fixtures/dtb/%s", kx_fuzz_srcdir(), dtb);
	return copy_file(src, path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(roots[0], sizeof(roots[0]), "%s/tests/fixtures/crash-box", kx_fuzz_srcdir());
	if (make_root(roots[1], sizeof(roots[1]), "arm64",
		      "40000000-bfffffff : System RAM\n  50000000-5fffffff : Crash kernel\n", "virt.dtb") < 0 ||
	    make_root(roots[2], sizeof(roots[2]), "riscv64",
		      "80000000-17fffffff : System RAM\n  a0000000-afffffff : Crash kernel\n", "riscv-virt.dtb") < 0) {
		fprintf(stderr, "fuzz_load: cannot make the fixture roots\n");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kx_arch_ops *const arches[3] = { &kx_arch_x86_64, &kx_arch_arm64, &kx_arch_riscv64 };
	char path[64];

	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	/* the kernel file as the loaders open it by name: a sealed memfd */
	struct kx_file input;
	struct kx_error err = { 0 };
	if (kx_file_memfd_copy(&input, (struct kx_bytes){ data + 1, size - 1 }, "fuzz-kernel", &err) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", input.fd);
	struct kx_load_request rq = {
		.arch = arches[(sel & 3) % 3],
		.kernel = path,
		.append = (sel & 4) ? "console=ttyS0 fuzz" : NULL,
		.crash = (sel & 8) != 0,
		.uki_profile = (sel >> 4) & 1,
		.uki_profile_given = (sel >> 4) & 1,
		.no_checks = (sel & 32) != 0,
		.file_syscall_only = (sel & 64) != 0,
		.test.root = roots[(sel & 3) % 3],
		.entry_32bit = (sel & 128) != 0,
		.args = (sel & 128) ? (enum kx_boot_args)(KX_ARGS_LINUX + ((sel >> 4) & 1) + ((sel >> 5) & 1)) :
			KX_ARGS_DEFAULT,
	};
	struct kx_load *ld = kx_load_new();
	if (ld && kx_load_prepare(ld, &rq, &err) == 0) {
		/* As the command line does: the plan is freed whatever the outcome
		 * (a failed plan may own buffers already). */
		struct kx_plan plan;
		kx_load_build_plan(ld, &plan, &err);
		kx_plan_free(&plan);
	}
	kx_load_free(ld);
	kx_file_close(&input);
	return 0;
}
