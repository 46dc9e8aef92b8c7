// SPDX-License-Identifier: GPL-2.0-or-later
#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/number.h"

enum {
	OPT_APPEND = 256, OPT_INITRD, OPT_REUSE_CMDLINE, OPT_MEM_MIN, OPT_MEM_MAX, OPT_ENTRY,
	OPT_PRINT_CKR, OPT_DTB, OPT_DRY_RUN, OPT_JSON, OPT_UKI_PROFILE, OPT_SERIAL, OPT_NOEFI, OPT_PRESERVE, OPT_JUMP_BACK,
	OPT_HOTPLUG, OPT_NO_CMA, OPT_FORCE_DTB, OPT_SERIAL_BAUD, OPT_CONSOLE_SERIAL, OPT_CONSOLE_VGA, OPT_RESET_VGA, OPT_ALWAYS, OPT_DIGEST,
	OPT_TEST_WRONG_DIGEST, OPT_TEST_ROOT, OPT_TEST_ARCH, OPT_TEST_MISALIGNED,
	OPT_ENTRY_32BIT, OPT_ARGS_LINUX, OPT_ARGS_ELF, OPT_ARGS_NONE,
	OPT_MODULE, OPT_REUSE_INITRD, OPT_PASS_MEMMAP_CMDLINE,
	OPT_REFUSED = 512,           /* + the index in refusals[] */
};

/*
 * kexec-tools options kexec-ng does not implement: refused (exit 1), never
 * accepted and ignored. Each message says what the option does in
 * kexec-tools and what to do instead.
 */
static const struct { const char *option, *why; } refusals[] = {
	{ "--real-mode", "kexec-tools enters a bzImage through its 16-bit real-mode setup code, which asks "
	  "the BIOS (int 0x15, int 0x10) for the memory map and the video mode. That needs the purgatory to "
	  "drop to real mode and a BIOS that still answers: a UEFI machine has none, and on a BIOS machine "
	  "the running kernel has reprogrammed the interrupt controllers and timers the BIOS relies on. "
	  "kexec-ng hands the same facts over in boot_params: use the 32-bit entry (--entry-32bit) or the "
	  "default 64-bit one" },
	{ "--elf32-core-headers", "32-bit ELF core headers cannot describe memory above 4 GiB, nor a 64-bit "
	  "kernel's virtual addresses (x86_64's text at 0xffffffff80000000 and up): kexec-tools cuts them "
	  "to 32 bits without a word, and the capture kernel's /proc/vmcore then shows the kernel's text "
	  "at a wrong address. kexec-ng writes 64-bit ones (what --elf64-core-headers asks for), which "
	  "every capture kernel reads" },
	{ "--load-live-update", "Xen live update is the Xen hypervisor's kexec, which kexec-ng does not "
	  "drive: use kexec-tools under Xen" },
	{ "--exec-live-update", "Xen live update is the Xen hypervisor's kexec, which kexec-ng does not "
	  "drive: use kexec-tools under Xen" },
};
#define NR_REFUSALS (sizeof(refusals) / sizeof(refusals[0]))

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
	{ "json", no_argument, NULL, OPT_JSON },
	{ "uki-profile", required_argument, NULL, OPT_UKI_PROFILE },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "noefi", no_argument, NULL, OPT_NOEFI },
	{ "load-preserve-context", no_argument, NULL, OPT_PRESERVE },
	{ "load-jump-back-helper", no_argument, NULL, OPT_JUMP_BACK },
	{ "hotplug", no_argument, NULL, OPT_HOTPLUG },
	{ "no-cma", no_argument, NULL, OPT_NO_CMA },
	{ "force-dtb", no_argument, NULL, OPT_FORCE_DTB },
	{ "serial-baud", required_argument, NULL, OPT_SERIAL_BAUD },
	{ "console-serial", no_argument, NULL, OPT_CONSOLE_SERIAL },
	{ "console-vga", no_argument, NULL, OPT_CONSOLE_VGA },
	{ "reset-vga", no_argument, NULL, OPT_RESET_VGA },
	/* kexec-ng's own */
	{ "digest", required_argument, NULL, OPT_DIGEST },
	/* what kexec-ng already does always: real, nothing to switch on */
	{ "reuse-video-type", no_argument, NULL, OPT_ALWAYS },
	{ "elf64-core-headers", no_argument, NULL, OPT_ALWAYS },
	/* kexec-tools options kexec-ng refuses, each with its reason (refusals[]) */
	{ "real-mode", no_argument, NULL, OPT_REFUSED + 0 },
	{ "entry-32bit", no_argument, NULL, OPT_ENTRY_32BIT },
	/* kexec-tools' x86 ELF loaders: what the entry gets (the last one
	 * given wins). kdump-tools adds --args-linux whenever its kernel is an
	 * ELF file. The bzImage loaders ignore them in kexec-tools, as here. */
	{ "args-linux", no_argument, NULL, OPT_ARGS_LINUX },
	{ "args-elf", no_argument, NULL, OPT_ARGS_ELF },
	{ "args-none", no_argument, NULL, OPT_ARGS_NONE },
	/* multiboot kernels' modules: "FILE ARGS", repeatable (kexec-tools') */
	{ "module", required_argument, NULL, OPT_MODULE },
	/* x86 crash loads (kexec_load): the capture kernel's memory as
	 * memmap=exactmap memmap=... on its command line */
	{ "pass-memmap-cmdline", no_argument, NULL, OPT_PASS_MEMMAP_CMDLINE },
	{ "elf32-core-headers", no_argument, NULL, OPT_REFUSED + 1 },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSE_INITRD },
	{ "load-live-update", no_argument, NULL, OPT_REFUSED + 2 },
	{ "exec-live-update", no_argument, NULL, OPT_REFUSED + 3 },
	/* test-only */
	{ "x-test-wrong-digest", no_argument, NULL, OPT_TEST_WRONG_DIGEST },
	{ "x-test-root", required_argument, NULL, OPT_TEST_ROOT },
	{ "x-test-arch", required_argument, NULL, OPT_TEST_ARCH },
	{ "x-test-misaligned-segment", no_argument, NULL, OPT_TEST_MISALIGNED },
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

/* --uki-profile=N, or systemd-boot's spelling "@N" (what it passes the stub) */
static int parse_profile(const char *arg, unsigned int *ret, struct kx_error *err)
{
	uint64_t v;
	if (kx_parse_u64(arg[0] == '@' ? arg + 1 : arg, &v) < 0 || v > 255)
		return kx_fail(err, KX_E_USAGE, "--uki-profile=%s: expected a profile number (0-255, or @N)", arg);
	*ret = (unsigned int)v;
	return 0;
}

/* --digest=KIND: the purgatory's digest, by its name only. */
static int parse_digest(const char *arg, struct kx_options *o, struct kx_error *err)
{
	if (!kx_digest_parse(arg, &o->digest))
		return kx_fail(err, KX_E_USAGE, "--digest=%s: no such digest (known: crc32c, the default; sha256)",
			       arg);
	o->digest_given = true;
	return 0;
}

/* Keep the first refused option; reported after parsing (-S supersedes). */
static void refuse(struct kx_error *refused, const char *option, const char *why)
{
	if (refused->status == KX_OK)
		kx_fail(refused, KX_E_REFUSED, "%s is not supported: %s", option, why);
}

/* --serial-baud: the x86 purgatory programs its 16550 with divisor
 * 115200 / BAUD, so a speed must divide 115200; kexec-tools takes those
 * from 9600 up, and so does kexec-ng. */
static int parse_baud(const char *arg, uint32_t *ret, struct kx_error *err)
{
	uint64_t baud;
	if (kx_parse_u64(arg, &baud) < 0)
		return kx_fail(err, KX_E_USAGE, "--serial-baud=%s: not a number", arg);
	if (baud < 9600 || baud > 115200 || 115200 % baud)
		return kx_fail(err, KX_E_USAGE, "--serial-baud=%s: the purgatory's 16550 runs at 115200 divided "
			       "by a whole number: 115200, 57600, 38400, 28800, 19200, 14400, 12800 or 9600", arg);
	*ret = (uint32_t)baud;
	return 0;
}

/*
 * kexec jump (kexec-tools' --load-preserve-context, --load-jump-back-helper):
 * KEXEC_PRESERVE_CONTEXT is a kexec_load flag; kexec_file_load has none
 * (kernel/kexec_file.c takes KEXEC_FILE_* flags only), and a crash image
 * never returns.
 */
static int check_jump(const struct kx_options *o, struct kx_error *err)
{
	const char *what = o->action == KX_ACT_JUMP_BACK ? "--load-jump-back-helper" :
			   o->preserve_context ? "--load-preserve-context" : NULL;

	if (!what)
		return 0;
	if (o->panic)
		return kx_fail(err, KX_E_USAGE, "-p and %s cannot be combined: a crash kernel never returns to the "
			       "kernel that loaded it (kexec jump is for normal images)", what);
	if (o->mode == KX_MODE_FILE)
		return kx_fail(err, KX_E_USAGE, "%s is not supported with kexec_file_load (-s): KEXEC_PRESERVE_CONTEXT "
			       "is a kexec_load flag; leave -s out (or give -c)", what);
	if (o->preserve_context && !o->mem_max)
		return kx_fail(err, KX_E_USAGE, "--load-preserve-context needs --mem-max=ADDR: the new kernel gets "
			       "only the RAM from --mem-min (default 0) to ADDR, which kexec keeps aside for this "
			       "kernel to come back to (kexec-tools asks for it too)");
	return 0;
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
	if (o->json && !o->dry_run && o->action != KX_ACT_HELP && o->action != KX_ACT_VERSION)
		return kx_fail(err, KX_E_USAGE, "--json shows an answer as JSON: give it with --dry-run or -S");
	/* (kexec-tools takes it with -l, -u, -e too, where the kernel ignores it) */
	bool crash_load = o->panic && o->action == KX_ACT_LOAD;
	if (o->hotplug && !crash_load && o->action != KX_ACT_STATUS && o->action != KX_ACT_HELP &&
	    o->action != KX_ACT_VERSION)
		return kx_fail(err, KX_E_USAGE, "--hotplug lets the kernel keep a crash kernel's ELF core header "
			       "current on CPU and memory hotplug: it goes with loading one (-p), not with %s",
			       o->panic ? o->action_flag : o->action == KX_ACT_DEFAULT ? "a normal image" : o->action_flag);
	if ((o->no_cma || o->force_dtb) && o->mode == KX_MODE_LOAD)
		return kx_fail(err, KX_E_USAGE, "%s is a kexec_file_load flag (%s); it means nothing to kexec_load (-c): "
			       "use -s or -a", o->no_cma ? "--no-cma" : "--force-dtb",
			       o->no_cma ? "KEXEC_FILE_NO_CMA: no CMA pages for the segments" :
			       "KEXEC_FILE_FORCE_DTB: hand the running device tree on");
	if (check_jump(o, err) < 0)
		return -1;
	if (o->reuse_initrd && o->initrd)
		return kx_fail(err, KX_E_USAGE, "--reuseinitrd loads the initrd the running kernel kept: not with "
			       "--initrd (one initrd only)");
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

/* What parsing keeps besides the options: decided only after the last one,
 * because -S, --print-ckr-size and the deferred errors depend on them all. */
struct parse_state {
	struct kx_error conflict, refused;
	bool status, has_opt_load, print_ckr;
	int flags_crash;             /* the load flags' last setter: 1 crash, 0 normal, -1 none */
};

/* The actions and what decides which image -S asks about: 1 when `c` was one. */
static int action_option(struct kx_options *o, int c, struct parse_state *st)
{
	switch (c) {
	case OPT_PRINT_CKR: st->print_ckr = true; return 1;
	case 'f': set_action(o, KX_ACT_FORCE, "-f", &st->conflict); return 1;
	case 'l': set_action(o, KX_ACT_LOAD, "-l", &st->conflict); st->has_opt_load = true; return 1;
	case 'e': set_action(o, KX_ACT_EXEC, "-e", &st->conflict); return 1;
	case 'u': set_action(o, KX_ACT_UNLOAD, "-u", &st->conflict); return 1;
	case 'S': st->status = true; return 1;
	case 'p': o->panic = true; st->flags_crash = 1; return 1;
	case OPT_PRESERVE:
		/* kexec-tools: a load, never followed by shutdown(8) */
		set_action(o, KX_ACT_LOAD, "--load-preserve-context", &st->conflict);
		o->preserve_context = true;
		st->flags_crash = 0;
		return 1;
	case OPT_JUMP_BACK:
		set_action(o, KX_ACT_JUMP_BACK, "--load-jump-back-helper", &st->conflict);
		st->flags_crash = 0;
		return 1;
	default:
		if (c >= OPT_REFUSED && c < OPT_REFUSED + (int)NR_REFUSALS) {
			refuse(&st->refused, refusals[c - OPT_REFUSED].option, refusals[c - OPT_REFUSED].why);
			return 1;
		}
		return 0;
	}
}

/* Every other option: 0 taken, 1 not an option of ours, -1 a bad value. */
static int setting_option(struct kx_options *o, int c, struct kx_error *err)
{
	switch (c) {
	case 'x': o->no_ifdown = true; return 0;
	case 'y': o->no_sync = true; return 0;
	case 't': o->type = optarg; return 0;
	case 'd': o->debug = true; return 0;
	case 'i': o->no_checks = true; return 0;
	case 's': o->mode = KX_MODE_FILE; return 0;
	case 'c': o->mode = KX_MODE_LOAD; return 0;
	case 'a': o->mode = KX_MODE_AUTO; return 0;
	case OPT_APPEND: o->append = optarg; return 0;
	case OPT_INITRD: o->initrd = optarg; return 0;
	case OPT_REUSE_INITRD: o->reuse_initrd = true; return 0;
	case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; return 0;
	case OPT_MEM_MIN: return parse_address("--mem-min", optarg, &o->mem_min, err);
	case OPT_MEM_MAX: return parse_address("--mem-max", optarg, &o->mem_max, err);
	case OPT_ENTRY: o->have_entry = true; return parse_address("--entry", optarg, &o->entry, err);
	case OPT_DTB: o->dtb = optarg; return 0;
	case OPT_DRY_RUN: o->dry_run = true; return 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_UKI_PROFILE: o->uki_profile_given = true; return parse_profile(optarg, &o->uki_profile, err);
	case OPT_SERIAL: o->serial = optarg; return 0;
	case OPT_NOEFI: o->no_efi = true; return 0;
	case OPT_HOTPLUG: o->hotplug = true; return 0;
	case OPT_NO_CMA: o->no_cma = true; return 0;
	case OPT_FORCE_DTB: o->force_dtb = true; return 0;
	case OPT_SERIAL_BAUD: return parse_baud(optarg, &o->serial_baud, err);
	case OPT_CONSOLE_SERIAL: o->console_serial = true; return 0;
	case OPT_CONSOLE_VGA: o->console_vga = true; return 0;
	case OPT_RESET_VGA: o->reset_vga = true; return 0;
	case OPT_DIGEST: return parse_digest(optarg, o, err);
	case OPT_ALWAYS: return 0;
	case OPT_ENTRY_32BIT: o->entry_32bit = true; return 0;
	case OPT_ARGS_LINUX: o->args = KX_ARGS_LINUX; return 0;
	case OPT_ARGS_ELF: o->args = KX_ARGS_ELF; return 0;
	case OPT_ARGS_NONE: o->args = KX_ARGS_NONE; return 0;
	case OPT_PASS_MEMMAP_CMDLINE: o->pass_memmap_cmdline = true; return 0;
	case OPT_MODULE:
		if (!optarg[0] || optarg[0] == ' ')
			return kx_fail(err, KX_E_USAGE, "--module=\"%s\": give FILE, then its arguments after a space",
				       optarg);
		if (o->nr_modules == KX_MODULES_MAX)
			return kx_fail(err, KX_E_USAGE, "--module: more than %d modules (each is a kexec segment, "
				       "16 at most in all)", KX_MODULES_MAX);
		o->modules[o->nr_modules++] = optarg;
		return 0;
	case OPT_TEST_WRONG_DIGEST: o->test.wrong_digest = true; return 0;
	case OPT_TEST_ROOT: o->test.root = optarg; return 0;
	case OPT_TEST_ARCH: o->test.arch = optarg; return 0;
	case OPT_TEST_MISALIGNED: o->test.misaligned_segment = true; return 0;
	default: return 1;
	}
}

/* After the last option: what supersedes what (kexec-tools' order), then
 * the deferred errors, the kernel file and the combinations. */
static int finish(struct kx_options *o, struct parse_state *st, int argc, char **argv, struct kx_error *err)
{
	if (st->print_ckr) {
		o->action = KX_ACT_PRINT_CKR;
		return 0;
	}
	if (st->status) {
		resolve_status(o, st->has_opt_load, st->flags_crash);
		return 0;
	}
	if (st->refused.status != KX_OK || st->conflict.status != KX_OK) {
		*err = st->refused.status != KX_OK ? st->refused : st->conflict;
		return -1;
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc)
		return kx_fail(err, KX_E_USAGE, "unexpected argument \"%s\": one kernel file only",
			       argv[optind]);
	return check_combinations(o, err);
}

int kx_options_parse(int argc, char **argv, struct kx_options *o, struct kx_error *err)
{
	struct parse_state st = { .flags_crash = -1 };
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvfxylpuet:dSisca", long_options, NULL)) != -1) {
		/* kexec-tools answers these at once, whatever else is given */
		if (c == 'h' || c == 'v') {
			o->action = c == 'h' ? KX_ACT_HELP : KX_ACT_VERSION;
			return 0;
		}
		if (c == ':')
			return kx_fail(err, KX_E_USAGE, "option %s needs an argument", argv[optind - 1]);
		if (action_option(o, c, &st))
			continue;
		int r = setting_option(o, c, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return kx_fail(err, KX_E_USAGE, "unknown option %s (see kexec --help)", argv[optind - 1]);
	}
	return finish(o, &st, argc, argv, err);
}
