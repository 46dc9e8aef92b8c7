/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The load pipeline, below the command line: a load request (the options
 * that matter, as data) and the system facts in; out, everything a system
 * call needs — the plan for kexec_load, the files, command line and flags
 * for kexec_file_load — and the notes the user should hear, as values.
 * Nothing here prints, chooses the system call or makes one.
 *
 *   kernel file ─ map ─> peel wrappers (UKI, EFI zboot, codecs: src/wrappers)
 *     ─> the parts (initrd, command line: given ones win) ─> probe the format
 *     ─> [-p: crash facts] ─> kx_load_file_call()   (kexec_file_load)
 *                           ─> kx_load_build_plan() (kexec_load: describe,
 *                              the arch's console and tree, the arch's plan)
 */
#ifndef KX_LOAD_H
#define KX_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/error.h"
#include "../core/file.h"
#include "../core/notes.h"
#include "../core/plan.h"
#include "../formats/format.h"
#include "../system/facts.h"
#include "../wrappers/wrapper.h"

/*
 * The test-only switches (kexec(8), TESTING), kept together: each is set
 * only by its --x-test-* option, never by the environment or by a file on a
 * live system.
 */
struct kx_test_switches {
	const char *root;            /* --x-test-root: facts from this fixture folder, whose
				      * kexec-ng-random and kexec-ng-page-size are read too */
	const char *arch;            /* --x-test-arch: plan for another architecture */
	bool wrong_digest;           /* --x-test-wrong-digest: the purgatory must refuse */
	bool misaligned_segment;     /* --x-test-misaligned-segment: kexec_load gets a segment
				      * whose end is off a page boundary: the kernel must refuse */
};

struct kx_load_request {
	const struct kx_arch_ops *arch;
	const char *kernel;          /* the file as the user named it */
	const char *initrd;          /* --initrd, or NULL */
	bool reuse_initrd;           /* --reuseinitrd: the running kernel's retained initrd */
	const char *const *modules;  /* --module="FILE ARGS" (multiboot), in order */
	unsigned int nr_modules;
	const char *append;          /* --append/--command-line, or NULL (none given) */
	bool reuse_cmdline;          /* --reuse-cmdline */
	const char *type;            /* -t: a format's or a wrapper's name, or NULL */
	const char *dtb;             /* --dtb, or NULL */
	const char *serial;          /* --serial as given, or NULL */
	uint32_t serial_baud;        /* --serial-baud (a divisor of 115200), 0 when not given */
	bool console_vga, reset_vga; /* --console-vga, --reset-vga (x86) */
	bool entry_32bit;            /* --entry-32bit (x86) */
	enum kx_boot_args args;      /* --args-linux/--args-elf/--args-none (x86) */
	unsigned int uki_profile;    /* --uki-profile: a multi-profile UKI's profile (0 the default) */
	bool uki_profile_given;      /* given for a file that is no UKI: refused */
	bool crash;                  /* -p */
	bool crash_hotplug;          /* --hotplug (with -p): the kernel keeps the core header current */
	bool pass_memmap_cmdline;    /* --pass-memmap-cmdline (x86, with -p): the capture kernel learns
				      * its memory from memmap= options (kexec_load only) */
	uint64_t mem_min, mem_max;
	bool have_entry;
	uint64_t entry;
	bool no_checks, no_efi;
	enum kx_digest_kind digest_kind; /* --digest (the default when not given) */
	bool digest_given;           /* --digest was given: a note when it has no effect */
	bool no_cma, force_dtb;      /* kexec_file_load flags: --no-cma, --force-dtb */
	bool preserve_context;       /* --load-preserve-context: kexec jump (kexec_load only) */
	bool file_syscall_only;      /* -s: a kernel no loader here knows is left for the
				      * kernel's own loaders to judge, not refused */
	struct kx_test_switches test;
};

/* What a wrapper's part became, for the dry run's listing. */
struct kx_part_use {
	const struct kx_layer *layer;    /* the layer carrying it */
	const char *use;                 /* "the initrd", "replaced by --initrd", "not used" */
};

struct kx_load {
	struct kx_load_request rq;
	struct kx_facts facts;
	struct kx_crash_facts *crash;        /* -p only */
	struct kx_file file;                 /* the kernel file as given, mapped */
	struct kx_unwrapped unwrapped;       /* its layers; .kernel is what the loaders see */
	struct kx_file initrd;               /* --initrd, or a view of a wrapper's; empty: none */
	const struct kx_format_ops *format;  /* NULL: no loader knows the kernel ... */
	struct kx_error format_err;          /* ... and why (kexec_file_load may still take it) */
	const struct kx_format_ops *forced_format;    /* -t naming a format */
	char cmdline[4096];
	char cmdline_from[96];               /* "the command line options", "none given", ... */
	struct kx_part_use parts[KX_PART_COUNT];
	const struct kx_layer *tree_layer;   /* a wrapper whose device tree the plan hands on */
	struct kx_notes notes;               /* in order; the caller prints them, even on failure */
	struct kx_file file_kernel, file_initrd; /* sealed memfd copies for kexec_file_load */
	struct kx_file module_files[KX_MODULES_MAX]; /* --module's FILEs, mapped as given */
	struct kx_module modules[KX_MODULES_MAX];
};

/* Allocate an empty load (NULL when out of memory); kx_load_free() it. */
struct kx_load *kx_load_new(void);
void kx_load_free(struct kx_load *ld);

/*
 * Everything both system calls share: the facts, the kernel peeled, the
 * initrd and command line chosen, the format probed, the crash facts.
 * A file no loader knows is not an error here (ld->format NULL,
 * ld->format_err says why): kexec_file_load may still take it; a broken
 * one is. Errors: any of the parts', named; KX_E_NO_CRASH_REGION (-p on a
 * system with no region: the message gives the crashkernel= size the plan
 * would need).
 */
int kx_load_prepare(struct kx_load *ld, const struct kx_load_request *rq, struct kx_error *err);

/*
 * The kexec_load plan into *plan (kx_plan_free() it): the format describes
 * the kernel, the architecture picks the console and the device tree and
 * places everything. Fails with ld->format_err when no loader knew the
 * kernel. Notes (an assumption of the format, an option without effect
 * here) are appended to ld->notes.
 */
/* The image, as asked, is one only kexec_load can load (the format, or an
 * option only kexec_load honours, says why, in `why`): -a then skips
 * kexec_file_load, -s refuses. */
bool kx_load_needs_kexec_load(const struct kx_load *ld, char *why, size_t len);
int kx_load_build_plan(struct kx_load *ld, struct kx_plan *plan, struct kx_error *err);

/* What kexec_file_load gets. */
struct kx_file_call {
	const struct kx_file *kernel;
	const struct kx_file *initrd;    /* NULL: none (KEXEC_FILE_NO_INITRAMFS) */
	bool kernel_copied, initrd_copied; /* a view into a wrapper: needs its own memfd */
	const char *cmdline;
	unsigned long flags;             /* KEXEC_FILE_* */
};

/*
 * The kexec_file_load call. With `make_fds` the views into a wrapper are
 * copied into sealed memfds (the system call needs files), and the notes
 * say what the kernel then checks (a wrapper's signature is not it);
 * without, only the description (a dry run). `debug` asks the kernel to
 * log (KEXEC_FILE_DEBUG).
 */
int kx_load_file_call(struct kx_load *ld, bool make_fds, bool debug, struct kx_file_call *ret,
		      struct kx_error *err);

#endif
