/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architecture back ends. Every back end is compiled on every host so its
 * planner runs in the unit tests; kx_arch_native() names the one for the
 * machine we run on.
 */
#ifndef KX_ARCH_H
#define KX_ARCH_H

#include <stdint.h>

#include "../formats/format.h"

struct kx_dtb;
struct kx_notes;

/* include/uapi/linux/kexec.h */
#define KX_KEXEC_UPDATE_ELFCOREHDR     0x4
#define KX_KEXEC_CRASH_HOTPLUG_SUPPORT 0x8

struct kx_arch_ops {
	const char *name;                 /* "x86_64" */
	/* The purgatory drives a PC's consoles: a 16550 at an I/O port whose
	 * speed it sets (--serial-baud) and the VGA text buffer (--console-vga,
	 * --reset-vga). */
	bool pc_console;
	uint16_t elf_machine;             /* EM_X86_64 */
	uint16_t pe_machine;              /* PE/COFF Machine: 0x8664 (a UKI's must match) */
	unsigned long kexec_arch_flag;    /* KEXEC_ARCH_X86_64 (62 << 16) */
	/* kexec_load's "the ELF core header may be rewritten on hotplug" flag:
	 * x86 has taken KEXEC_UPDATE_ELFCOREHDR since 6.6 and the generic
	 * KEXEC_CRASH_HOTPLUG_SUPPORT only since 6.10 (EINVAL before); the
	 * others know only the generic one (kexec-tools chooses the same). */
	unsigned long crash_hotplug_flag;
	/* COMMAND_LINE_SIZE (arch/.../asm/setup.h): the longest command line
	 * the new kernel keeps, with its NUL; it drops the rest silently. */
	unsigned int command_line_size;
	/* kexec jump (KEXEC_PRESERVE_CONTEXT): the kernel has CONFIG_KEXEC_JUMP
	 * on x86 only, and only the x86_64 purgatory hands the return address on */
	bool kexec_jump;
	/* A capture kernel told its memory on its command line (memmap=exactmap,
	 * then memmap=SIZE@START...: x86's e820 rewritten; kexec-tools'
	 * --pass-memmap-cmdline exists only there) */
	bool memmap_cmdline;
	const struct kx_format_ops *const *formats; /* NULL-terminated */
	/* Turn a described kernel into segments, entry and flags. */
	int (*build_plan)(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *kernel,
			  struct kx_plan *plan, struct kx_error *err);
	/*
	 * The purgatory's console: what --serial means here (`serial_opt`, NULL
	 * when not given) and, without it, which console the new command line
	 * names. x86_64: a 16550's I/O port; device-tree machines: a UART's
	 * MMIO address, 0 to let the planner find it in the tree.
	 * Errors: KX_E_USAGE (a --serial this architecture cannot read).
	 */
	int (*purgatory_console)(const char *serial_opt, const char *cmdline, uint64_t *ret,
				 struct kx_error *err);
	/*
	 * The device tree the new kernel gets (--dtb `dtb_path`, else the
	 * running one under `root`), into *ret; an architecture that hands
	 * none leaves *ret empty and says what it does with --dtb in `notes`.
	 */
	int (*boot_tree)(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_notes *notes,
			 struct kx_error *err);
	/* Where the new kernel's tree comes from, in words ("--dtb", "the
	 * running device tree"), or NULL when it gets none: for what a
	 * wrapper's own tree (a UKI's .dtb) is replaced by. */
	const char *(*tree_source)(const char *dtb_path);
	const char *help;                 /* architecture-specific options for --help */
};

/* The device-tree machines' hooks (dtb_boot.c). */
int kx_dtb_boot_console(const char *serial_opt, const char *cmdline, uint64_t *ret, struct kx_error *err);
int kx_dtb_boot_tree(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_notes *notes,
		     struct kx_error *err);
const char *kx_dtb_boot_tree_source(const char *dtb_path);

extern const struct kx_arch_ops kx_arch_x86_64;
extern const struct kx_arch_ops kx_arch_arm64;
extern const struct kx_arch_ops kx_arch_riscv64;

const struct kx_arch_ops *kx_arch_native(void);
const struct kx_arch_ops *kx_arch_by_name(const char *name);

#endif
