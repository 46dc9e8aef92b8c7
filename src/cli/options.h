/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line, parsed once into one struct (no global option state). */
#ifndef KX_OPTIONS_H
#define KX_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "../load/load.h"

enum kx_action {
	KX_ACT_DEFAULT = 0,   /* `kexec K`: load, then shutdown -r now */
	KX_ACT_LOAD,          /* -l (or -p alone) */
	KX_ACT_EXEC,          /* -e */
	KX_ACT_FORCE,         /* -f: load and exec at once */
	KX_ACT_UNLOAD,        /* -u */
	KX_ACT_STATUS,        /* -S: supersedes every other action */
	KX_ACT_PRINT_CKR,     /* --print-ckr-size */
	KX_ACT_JUMP_BACK,     /* --load-jump-back-helper: load the image that returns to the kernel
			       * this one was jumped to from (kexec jump) */
	KX_ACT_HELP,
	KX_ACT_VERSION,
};

enum kx_syscall_mode {
	KX_MODE_AUTO = 0,     /* -a: kexec_file_load, then kexec_load when the kernel cannot */
	KX_MODE_FILE,         /* -s */
	KX_MODE_LOAD,         /* -c */
};

struct kx_options {
	enum kx_action action;
	const char *action_flag;   /* the flag that chose the action, for messages */
	bool panic;                /* -p: crash kernel */
	bool status_crash;         /* -S: about the crash image (else the normal one) */
	enum kx_syscall_mode mode;
	const char *kernel;
	const char *initrd;
	const char *append;        /* --append / --command-line */
	bool reuse_cmdline;
	bool reuse_initrd;         /* --reuseinitrd */
	const char *type;          /* -t */
	const char *dtb;
	bool debug, no_checks, no_ifdown, no_sync, no_efi;
	enum kx_digest_kind digest;  /* --digest=crc32c|sha256 (kexec-ng's own) ... */
	bool digest_given;         /* ... when given */
	uint64_t mem_min, mem_max;
	bool have_entry;
	uint64_t entry;
	bool dry_run;
	bool json;
	unsigned int uki_profile;  /* --uki-profile=N: a multi-profile UKI's profile ... */
	bool uki_profile_given;    /* ... when given */                 /* --json: --dry-run's plan, -S's status as JSON */
	const char *serial;        /* --serial: ttyS0..3 or an I/O port */
	bool hotplug;              /* --hotplug (-p): the kernel keeps the crash core header current */
	bool no_cma, force_dtb;    /* kexec_file_load flags KEXEC_FILE_NO_CMA, _FORCE_DTB */
	bool console_serial;       /* --console-serial: the purgatory reports on ttyS0 by default */
	uint32_t serial_baud;      /* --serial-baud: the purgatory's speed, 0 = 115200 */
	bool console_vga;          /* --console-vga: the purgatory also reports on the VGA text screen */
	bool reset_vga;            /* --reset-vga: the purgatory sets VGA text mode 3 first */
	bool entry_32bit;          /* --entry-32bit: a bzImage through its 32-bit entry */
	enum kx_boot_args args;    /* --args-linux/--args-elf/--args-none: the last one given */
	bool preserve_context;     /* --load-preserve-context: KEXEC_PRESERVE_CONTEXT (kexec jump) */
	bool pass_memmap_cmdline;  /* --pass-memmap-cmdline (x86 -p): memmap= options, not boot_params' e820 */
	const char *modules[KX_MODULES_MAX]; /* --module="FILE ARGS", in order */
	unsigned int nr_modules;
	struct kx_test_switches test;  /* --x-test-*: kexec(8), TESTING */
};

/* Where the facts come from: "/", or the fixture folder of --x-test-root. */
const char *kx_options_root(const struct kx_options *o);

int kx_options_parse(int argc, char **argv, struct kx_options *ret, struct kx_error *err);

#endif
