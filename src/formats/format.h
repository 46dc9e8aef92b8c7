/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Image formats. Each format is one file exposing a `struct kx_format_ops`;
 * an architecture lists the formats it accepts in a NULL-terminated array and
 * the generic loop picks the first whose probe accepts. "Not this format"
 * (KX_PROBE_NO) and "this format, but broken" (KX_PROBE_BROKEN, with the
 * field and rule in the error) are different answers; "this format, which
 * kexec-ng refuses on purpose" (KX_PROBE_REFUSED, KX_E_REFUSED with the
 * reason) a third.
 */
#ifndef KX_FORMAT_H
#define KX_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/bytes.h"
#include "../core/digest.h"
#include "../core/error.h"
#include "../core/file.h"
#include "../core/plan.h"

struct kx_facts;
struct kx_arch_ops;

enum kx_probe {
	KX_PROBE_NO = 0,
	KX_PROBE_YES = 1,
	KX_PROBE_BROKEN = -1,
	KX_PROBE_REFUSED = -2,       /* recognised, and not loaded by design */
};

/* --args-linux, --args-elf, --args-none: what an x86 ELF kernel is handed
 * (kexec-tools' elf-x86 and elf-x86_64 loaders). */
enum kx_boot_args {
	KX_ARGS_DEFAULT = 0,         /* none given: the format's own default */
	KX_ARGS_LINUX,               /* boot_params (ESI/RSI), as a Linux kernel */
	KX_ARGS_ELF,                 /* ELF boot notes (32-bit: [ESP+4]) */
	KX_ARGS_NONE,                /* nothing at all */
};

/* What the user asked for, as far as planning is concerned. */
struct kx_plan_options {
	const char *cmdline;         /* final command line, "" when none */
	uint64_t mem_min, mem_max;   /* placement bounds; mem_max 0 = no bound */
	bool have_entry;
	uint64_t entry;              /* --entry override */
	bool no_checks;              /* purgatory skips the digest check */
	enum kx_digest_kind digest_kind; /* --digest: what the purgatory checks */
	bool test_wrong_digest;      /* test-only: patch a wrong digest into purgatory */
	uint64_t serial;             /* purgatory console: x86 I/O port, arm64/riscv64 MMIO; 0 = auto/none */
	uint32_t serial_baud;        /* x86: --serial-baud, a divisor of 115200; 0 = 115200 */
	bool console_vga;            /* x86: --console-vga, the purgatory also writes to VGA text */
	bool reset_vga;              /* x86: --reset-vga, the purgatory sets VGA text mode 3 first */
	bool crash;                  /* -p */
	bool crash_hotplug;          /* --hotplug: the kernel may rewrite the ELF core header */
	bool pass_memmap_cmdline;    /* x86 -p: the crash memory map as memmap= options, boot_params'
				      * e820 the full one (kexec-tools' --pass-memmap-cmdline) */
	bool no_efi;                 /* --noefi */
	bool entry_32bit;            /* x86: --entry-32bit, a bzImage through its 32-bit entry */
	enum kx_boot_args args;      /* x86: --args-linux/--args-elf/--args-none, last given */
	bool preserve_context;       /* --load-preserve-context: the image may jump back (kexec jump) */
	/* x86 multiboot (--module): the image as the user named it (the boot
	 * information's command line starts with it, as kexec-tools'), and
	 * the modules in order. */
	const char *image_path;
	const struct kx_module *modules;
	unsigned int nr_modules;
};

/* A multiboot module: --module="FILE ARGS" (kexec-tools' form). */
#define KX_MODULES_MAX 12
struct kx_module {
	const struct kx_file *file;  /* FILE, mapped as given (not decompressed, as GRUB) */
	const char *cmdline;         /* "FILE ARGS" as given: the module's command line */
};

struct kx_dtb;
struct kx_crash_facts;

struct kx_plan_ctx {
	const struct kx_arch_ops *arch;
	const struct kx_dtb *dtb;        /* arm64/riscv64: the tree to hand on (copied, then edited) */
	const struct kx_facts *facts;
	const struct kx_plan_options *opts;
	const struct kx_file *kernel;    /* after unwrapping compression */
	const struct kx_file *initrd;    /* NULL when none */
	const struct kx_crash_facts *crash; /* -p: CPU notes, VMCOREINFO, kcore facts */
};

/*
 * A loaded kernel, described without addresses chosen: the format says what
 * the pieces are and how they may be placed; the architecture back end picks
 * holes, builds boot data and purgatory.
 */
#define KX_KERNEL_PIECES_MAX 8

struct kx_kernel_piece {
	struct kx_bytes bytes;       /* file contents of this piece */
	uint64_t memsz;              /* bytes to reserve (>= bytes.size) */
	uint64_t paddr;              /* fixed: physical address; relocatable: offset from the base */
};

struct kx_kernel_desc {
	const char *format;          /* "bzImage", "ELF vmlinux" */
	/*
	 * Fixed pieces sit at their physical addresses. Relocatable pieces sit
	 * at offsets from a base the back end chooses: `span` bytes from the
	 * base are reserved, the base is `align`-aligned and >= min_addr.
	 * A fixed kernel with one piece may set `span` too: that many bytes
	 * from the piece's address are kept free (a bzImage's init_size).
	 */
	bool fixed;
	struct kx_kernel_piece pieces[KX_KERNEL_PIECES_MAX];
	unsigned int nr_pieces;
	uint64_t span;               /* relocatable: bytes reserved from the base */
	uint64_t align;              /* relocatable: alignment of the base */
	uint64_t min_addr;           /* relocatable: lowest base */
	uint64_t entry;              /* relocatable: offset from the base; fixed: absolute */
	/* x86: entered in 32-bit protected mode (boot.rst's 32-bit protocol,
	 * or a 32-bit ELF), so the whole plan goes below 4 GiB; `args` says
	 * what the entry gets (KX_ARGS_DEFAULT: boot_params, as today). */
	bool entry32;
	enum kx_boot_args args;
	/* x86: 1 or 2 for a Multiboot or Multiboot2 kernel (protocol_header
	 * then holds its multiboot header): the back end builds the boot
	 * information and enters with EAX = the magic, EBX = the information. */
	unsigned int multiboot;
	char note[256];              /* an assumption the user should hear about, or "" */

	/* The boot protocol's header for the back end that speaks it, or
	 * empty: x86_64's setup header from 0x1f1 (copied into boot_params,
	 * its fields read through x86_setup.h; an ELF vmlinux has none, and
	 * boot_params gets a synthesized one). */
	struct kx_bytes protocol_header;
};

struct kx_format_ops {
	const char *name;            /* for -t and messages */
	bool takes_modules;          /* --module is for this format (multiboot) */
	bool refused;                /* probed only to be refused by name: not
				      * offered in -t's list of known types */
	enum kx_probe (*probe)(struct kx_bytes image, const struct kx_arch_ops *arch,
			       struct kx_error *err);
	/* Describe the kernel; called only after probe said YES. */
	int (*describe)(const struct kx_plan_ctx *ctx, struct kx_kernel_desc *ret,
			struct kx_error *err);
	/* Optional: why kexec_file_load cannot load this image as asked
	 * (written to `why`, true), so that -a goes to kexec_load without
	 * asking the kernel and -s refuses with the reason. */
	bool (*needs_kexec_load)(struct kx_bytes image, const struct kx_plan_options *opts,
				 char *why, size_t len);
};

extern const struct kx_format_ops kx_format_bzimage;
extern const struct kx_format_ops kx_format_elf_vmlinux;
extern const struct kx_format_ops kx_format_elf_x86;
extern const struct kx_format_ops kx_format_multiboot;
extern const struct kx_format_ops kx_format_multiboot2;
extern const struct kx_format_ops kx_format_arm64_image;
extern const struct kx_format_ops kx_format_elf_arm64;
extern const struct kx_format_ops kx_format_riscv64_image;
extern const struct kx_format_ops kx_format_elf_riscv64;
/* x86 formats recognised only to be refused by name (obsolete_x86.c) */
extern const struct kx_format_ops kx_format_beoboot;
extern const struct kx_format_ops kx_format_nbi;

/*
 * Pick the format for `image`: the forced one (`type`, may be NULL) or the
 * first of arch->formats whose probe accepts.
 */
int kx_format_select(const struct kx_arch_ops *arch, struct kx_bytes image,
		     const char *image_name, const char *type,
		     const struct kx_format_ops **ret, struct kx_error *err);

/* The format of `arch` that -t `type` names (kexec-tools' names too), or NULL. */
const struct kx_format_ops *kx_format_by_type(const struct kx_arch_ops *arch, const char *type);

#endif
