// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kexec: the command line. Parses options once, runs one command, and is
 * the only place that prints errors and chooses exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "../arch/arch.h"
#include "commands.h"
#include "options.h"

#ifndef KX_VERSION
#define KX_VERSION "unknown"
#endif

/* kexec-tools' exit codes, plus 252 for an input file that is broken. */
enum {
	EXIT_FATAL = 1,
	EXIT_BAD_INPUT = 252,
	EXIT_NO_FILE_SYSCALL = 253,
	EXIT_NO_CRASH_REGION = 254,
	EXIT_LOAD_FAILED = 255,
};

static int exit_code(enum kx_status s)
{
	switch (s) {
	case KX_OK: return 0;
	case KX_E_INPUT: case KX_E_FORMAT: return EXIT_BAD_INPUT;
	case KX_E_PLAN: case KX_E_SYSCALL: return EXIT_LOAD_FAILED;
	case KX_E_NO_CRASH_REGION: return EXIT_NO_CRASH_REGION;
	case KX_E_NO_FILE_SYSCALL: return EXIT_NO_FILE_SYSCALL;
	/* a refused kexec-tools option or image format: 1, as kexec-tools'
	 * own refusals of what it does not support */
	case KX_E_REFUSED: return EXIT_FATAL;
	default: return EXIT_FATAL;
	}
}

static void usage(FILE *out)
{
	const struct kx_arch_ops *arch = kx_arch_native();
	fprintf(out,
	"kexec-ng " KX_VERSION ": load a kernel and boot it without the firmware (kexec-tools compatible)\n"
	"Usage: kexec [OPTION]... [kernel]\n"
	"  -h, --help                 print this help and exit\n"
	"  -v, --version              print the version and exit\n"
	"  -f, --force                load and execute at once, without shutdown(8)\n"
	"  -x, --no-ifdown            do not take network interfaces down before -e\n"
	"  -y, --no-sync              do not sync file systems before -e\n"
	"  -l, --load                 load the kernel only\n"
	"  -p, --load-panic           load a crash (kdump) kernel\n"
	"  -u, --unload               unload the current kernel (-p -u: the crash kernel)\n"
	"  -e, --exec                 boot the loaded kernel now\n"
	"  -S, --status               exit 1 when the crash kernel (-l -S: the normal one) is\n"
	"                             loaded, 0 when not; does nothing else\n"
	"  -t, --type=TYPE            force the image type: a format (bzImage, elf, Image) or a\n"
	"                             wrapper the file must be (uki, zboot, gzip, xz, zstd, ...)\n"
	"  -s, --kexec-file-syscall   use kexec_file_load only\n"
	"  -c, --kexec-syscall        use kexec_load only\n"
	"  -a, --kexec-syscall-auto   kexec_file_load, then kexec_load when the kernel cannot (default)\n"
	"  -i, --no-checks            purgatory does not verify segment digests\n"
	"      --digest=KIND          the purgatory's segment digest: crc32c (default) or sha256\n"
	"  -d, --debug                print debugging information\n"
	"      --append=STRING        kernel command line\n"
	"      --reuse-cmdline        start from the current command line (/proc/cmdline)\n"
	"      --reuseinitrd          the initrd the running kernel kept (retain_initrd; /sys/firmware/initrd)\n"
	"      --initrd=FILE, --ramdisk=FILE\n"
	"                             initial ramdisk\n"
	"      --mem-min=ADDR, --mem-max=ADDR\n"
	"                             place segments only between these physical addresses\n"
	"      --entry=ADDR           enter the new kernel at ADDR instead of its entry point\n"
	"      --print-ckr-size       print the size of the crash kernel region\n"
	"      --dry-run              print the whole load plan; load nothing (any user)\n"
	"      --json                 with --dry-run or -S: the answer as JSON (kexec(8))\n"
	"      --uki-profile=N        boot profile N of a multi-profile UKI (also @N; default 0)\n"
	"      --hotplug              with -p: the kernel keeps the crash kernel's core header current\n"
	"                             when CPUs or memory are hot-added or removed (CONFIG_CRASH_HOTPLUG)\n"
	"      --no-cma, --force-dtb  kexec_file_load flags KEXEC_FILE_NO_CMA, KEXEC_FILE_FORCE_DTB\n"
	"      --load-preserve-context  load (kexec_load) a kernel that may jump back to this one\n"
	"                             (kexec jump, x86_64); needs --mem-max: the new kernel gets\n"
	"                             only the RAM up to it, which kexec keeps for this kernel\n"
	"      --load-jump-back-helper  in the kernel jumped to: load the image that returns to\n"
	"                             the one it came from (--entry=ADDR, by default the\n"
	"                             kexec_jump_back_entry= of /proc/cmdline); then kexec -e\n"
	"  Refused with the reason: --load-live-update, --exec-live-update (Xen)\n"
	"\n");
	if (arch && arch->help)
		fputs(arch->help, out);
	fputs("\nExit status: 0 success; 1 usage or fatal error; 252 invalid input file;\n"
	      "253 kexec_file_load unavailable (-s); 254 no crash kernel region; 255 load failed.\n"
	      "-S exits 1 when the crash kernel (-l -S: the normal one) is loaded.\n", out);
}

int main(int argc, char **argv)
{
	struct kx_options opts;
	struct kx_error err = { 0 };
	int r = 0;

	if (kx_options_parse(argc, argv, &opts, &err) < 0) {
		fprintf(stderr, "kexec: %s\n", err.message);
		return exit_code(err.status);
	}
	switch (opts.action) {
	case KX_ACT_HELP:
		usage(stdout);
		return 0;
	case KX_ACT_VERSION:
		printf("kexec-ng %s (kexec-tools 2.0.32 compatible)\n", KX_VERSION);
		return 0;
	case KX_ACT_STATUS:
		return kx_cmd_status(&opts);
	case KX_ACT_PRINT_CKR:
		r = kx_cmd_print_ckr_size(&opts, stdout, &err);
		break;
	case KX_ACT_UNLOAD:
		r = kx_cmd_unload(&opts, stderr, &err);
		break;
	case KX_ACT_EXEC:
		r = kx_cmd_exec(&opts, stderr, &err);
		break;
	case KX_ACT_LOAD:
		r = kx_cmd_load(&opts, stderr, &err);
		break;
	case KX_ACT_JUMP_BACK:
		r = kx_cmd_jump_back_helper(&opts, stderr, &err);
		break;
	case KX_ACT_FORCE:
		r = kx_cmd_load(&opts, stderr, &err);
		kx_cmd_release_signals();
		if (r == 0 && !opts.dry_run)
			r = kx_cmd_exec(&opts, stderr, &err);
		break;
	case KX_ACT_DEFAULT:
		r = kx_cmd_load(&opts, stderr, &err);
		kx_cmd_release_signals();
		if (r == 0 && !opts.dry_run)
			r = kx_cmd_shutdown_reboot(&err);
		break;
	}
	if (r < 0)
		fprintf(stderr, "kexec: %s\n", err.message);
	/* a signal held through a load (kx_cmd_load) ends kexec here, reported */
	kx_cmd_release_signals();
	return r < 0 ? exit_code(err.status) : 0;
}
