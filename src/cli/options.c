// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/number.h"

enum {
	OPT_APPEND = 256, OPT_INITRD, OPT_REUSE_CMDLINE, OPT_MEM_MIN, OPT_MEM_MAX, OPT_ENTRY,
	OPT_PRINT_CKR, OPT_DTB, OPT_DRY_RUN, OPT_SERIAL, OPT_NOEFI, OPT_COMPAT_NOARG,
	OPT_COMPAT_ARG, OPT_PRESERVE, OPT_JUMP_BACK, OPT_HOTPLUG, OPT_TEST_WRONG_DIGEST,
	OPT_TEST_ROOT, OPT_TEST_ARCH,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "type", required_argument, NULL, 't' },
	{ "debug", no_argument, NULL, 'd' },
	{ "status", no_argument, NULL, 'S' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_APPEND },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "noefi", no_argument, NULL, OPT_NOEFI },
	{ "load-preserve-context", no_argument, NULL, OPT_PRESERVE },
	{ "load-jump-back-helper", no_argument, NULL, OPT_JUMP_BACK },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	/* x86_64 options of kexec-tools that change nothing for a 64-bit
	 * kexec; accepted so callers keep working. */
	{ "serial-baud", required_argument, NULL, OPT_COMPAT_ARG },
	{ "console-vga", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "console-serial", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "reset-vga", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "pass-memmap-cmdline", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "reuse-video-type", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "elf32-core-headers", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "elf64-core-headers", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "args-linux", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "args-elf", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "args-none", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "real-mode", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "entry-32bit", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "module", required_argument, NULL, OPT_COMPAT_ARG },
	{ "no-cma", no_argument, NULL, OPT_COMPAT_NOARG },
	{ "force-dtb", no_argument, NULL, OPT_COMPAT_NOARG },
	/* test-only */
	{ "x-test-wrong-digest", no_argument, NULL, OPT_TEST_WRONG_DIGEST },
	{ "x-test-root", required_argument, NULL, OPT_TEST_ROOT },
	{ "x-test-arch", required_argument, NULL, OPT_TEST_ARCH },
	{ NULL, 0, NULL, 0 },
};

static int parse_address(const char *flag, const char *arg, uint64_t *ret, struct kx_error *err)
{
	if (kx_parse_u64(arg, ret) < 0)
		return kx_fail(err, KX_E_USAGE, "%s=%s: not a number (decimal or 0x hex)", flag, arg);
	return 0;
}

const char *kx_options_root(const struct kx_options *o)
{
	return o->test.root ? o->test.root : "/";
}

/*
 * Two different actions are an error, whatever their order; the first
 * conflict is kept in `conflict` and reported after parsing, because -S
 * supersedes every action (kexec-tools checks nothing else then).
 */
static void set_action(struct kx_options *o, enum kx_action a, const char *flag, struct kx_error *conflict)
{
	if (o->action != KX_ACT_DEFAULT && o->action != a) {
		if (conflict->status == KX_OK)
			kx_fail(conflict, KX_E_USAGE, "%s and %s cannot be combined", o->action_flag, flag);
		return;
	}
	o->action = a;
	o->action_flag = flag;
}

/*
 * -S as kexec-tools answers it (kexec/kexec.c: "if (kexec_flags == 0 &&
 * !has_opt_load) kexec_flags = KEXEC_ON_CRASH"): the crash image unless -l
 * was given or an option set the load flags; of those the last wins (-p:
 * the crash image; --load-preserve-context, --load-jump-back-helper: the
 * normal one). kexec-tools master also counts -d there (KEXEC_DEBUG, after
 * 2.0.32); the released versions do not, and neither does kexec-ng.
 */
static void resolve_status(struct kx_options *o, bool has_opt_load, int flags_crash)
{
	o->action = KX_ACT_STATUS;
	o->action_flag = "-S";
	o->status_crash = flags_crash < 0 ? !has_opt_load : flags_crash;
}

/* What the options say together: conflicts, and what an action needs. */
static int check_combinations(struct kx_options *o, struct kx_error *err)
{
	if (o->panic && (o->action == KX_ACT_EXEC || o->action == KX_ACT_FORCE))
		return kx_fail(err, KX_E_USAGE,
			       "-p loads a crash kernel, which runs on panic; it cannot be combined with %s",
			       o->action_flag);
	if (o->panic && o->action == KX_ACT_DEFAULT)
		o->action = KX_ACT_LOAD, o->action_flag = "-p";
	if (o->preserve_context && !o->mem_max)
		return kx_fail(err, KX_E_USAGE, "--load-preserve-context needs --mem-max");
	if (o->mem_max && o->mem_min > o->mem_max)
		return kx_fail(err, KX_E_USAGE, "--mem-min 0x%llx is above --mem-max 0x%llx",
			       (unsigned long long)o->mem_min, (unsigned long long)o->mem_max);
	bool loads = o->action == KX_ACT_DEFAULT || o->action == KX_ACT_LOAD ||
		     o->action == KX_ACT_FORCE;
	if (loads && !o->kernel)
		return kx_fail(err, KX_E_USAGE, o->action == KX_ACT_DEFAULT ?
			       "nothing to do: give a kernel to load, or an action (see kexec --help)" :
			       "no kernel specified");
	if (!loads && o->kernel && o->action != KX_ACT_HELP && o->action != KX_ACT_VERSION)
		return kx_fail(err, KX_E_USAGE, "%s takes no kernel file (got \"%s\")",
			       o->action_flag, o->kernel);
	return 0;
}

int kx_options_parse(int argc, char **argv, struct kx_options *o, struct kx_error *err)
{
	struct kx_error conflict = { 0 };
	bool status = false, has_opt_load = false, print_ckr = false;
	int flags_crash = -1;        /* the load flags' last setter: 1 crash, 0 normal, -1 none */
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvfxylpuet:dSisca", long_options, NULL)) != -1) {
		int r = 0;
		switch (c) {
		/* kexec-tools answers these at once, whatever else is given */
		case 'h': o->action = KX_ACT_HELP; return 0;
		case 'v': o->action = KX_ACT_VERSION; return 0;
		case OPT_PRINT_CKR: print_ckr = true; break;
		case 'f': set_action(o, KX_ACT_FORCE, "-f", &conflict); break;
		case 'l': set_action(o, KX_ACT_LOAD, "-l", &conflict); has_opt_load = true; break;
		case 'e': set_action(o, KX_ACT_EXEC, "-e", &conflict); break;
		case 'u': set_action(o, KX_ACT_UNLOAD, "-u", &conflict); break;
		case 'S': status = true; break;
		case 'p': o->panic = true; flags_crash = 1; break;
		case 'x': o->no_ifdown = true; break;
		case 'y': o->no_sync = true; break;
		case 't': o->type = optarg; break;
		case 'd': o->debug = true; break;
		case 'i': o->no_checks = true; break;
		case 's': o->mode = KX_MODE_FILE; break;
		case 'c': o->mode = KX_MODE_LOAD; break;
		case 'a': o->mode = KX_MODE_AUTO; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; break;
		case OPT_MEM_MIN: r = parse_address("--mem-min", optarg, &o->mem_min, err); break;
		case OPT_MEM_MAX: r = parse_address("--mem-max", optarg, &o->mem_max, err); break;
		case OPT_ENTRY:
			r = parse_address("--entry", optarg, &o->entry, err);
			o->have_entry = true;
			break;
		case OPT_DTB: o->dtb = optarg; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_SERIAL: o->serial = optarg; break;
		case OPT_NOEFI: o->no_efi = true; break;
		case OPT_PRESERVE:
		case OPT_JUMP_BACK: o->preserve_context = true; flags_crash = 0; break;
		case OPT_HOTPLUG: case OPT_COMPAT_NOARG: case OPT_COMPAT_ARG: break;
		case OPT_TEST_WRONG_DIGEST: o->test.wrong_digest = true; break;
		case OPT_TEST_ROOT: o->test.root = optarg; break;
		case OPT_TEST_ARCH: o->test.arch = optarg; break;
		case ':':
			return kx_fail(err, KX_E_USAGE, "option %s needs an argument", argv[optind - 1]);
		default:
			return kx_fail(err, KX_E_USAGE, "unknown option %s (see kexec --help)",
				       argv[optind - 1]);
		}
		if (r < 0)
			return -1;
	}
	if (print_ckr) {
		o->action = KX_ACT_PRINT_CKR;
		return 0;
	}
	if (status) {
		resolve_status(o, has_opt_load, flags_crash);
		return 0;
	}
	if (conflict.status != KX_OK) {
		*err = conflict;
		return -1;
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc)
		return kx_fail(err, KX_E_USAGE, "unexpected argument \"%s\": one kernel file only",
			       argv[optind]);
	return check_combinations(o, err);
}
