// SPDX-License-Identifier: GPL-2.0-or-later
/* The load pipeline (see load.h). */
#include "load.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/crash_plan.h"
#include "../core/units.h"
#include "../dtb/dtb.h"
#include "../system/syscalls.h"
#include "cmdline.h"

struct kx_load *kx_load_new(void)
{
	struct kx_load *ld = calloc(1, sizeof(*ld));
	if (ld) {
		ld->file.fd = ld->initrd.fd = ld->file_kernel.fd = ld->file_initrd.fd = -1;
		for (unsigned int i = 0; i < KX_MODULES_MAX; i++)
			ld->module_files[i].fd = -1;
	}
	return ld;
}

void kx_load_free(struct kx_load *ld)
{
	if (!ld)
		return;
	free(ld->crash);
	kx_file_close(&ld->file_kernel);
	kx_file_close(&ld->file_initrd);
	kx_file_close(&ld->initrd);
	for (unsigned int i = 0; i < KX_MODULES_MAX; i++)
		kx_file_close(&ld->module_files[i]);
	kx_unwrapped_free(&ld->unwrapped);
	kx_file_close(&ld->file);
	free(ld);
}

/* The file a layer was peeled from. */
static const struct kx_file *outer_of(const struct kx_load *ld, const struct kx_layer *layer)
{
	const struct kx_layer *first = &ld->unwrapped.layers[0];
	return layer == first ? &ld->file : &layer[-1].inner;
}

/* A wrapper's part named for messages and the plan: "uki.efi (UKI .initrd section)". */
static void part_name(const struct kx_load *ld, const struct kx_layer *layer, enum kx_part part, const char *what,
		      char *buf, size_t size)
{
	snprintf(buf, size, "%s (%s %s%s)", outer_of(ld, layer)->path, layer->wrapper->name,
		 layer->parts[part].name, what);
}

/* -t: a wrapper the file must be (its outermost layer) or a format the
 * kernel inside must be; anything else is named with what is known. */
static int resolve_type(struct kx_load *ld, const struct kx_wrapper_ops **ret_wrapper, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;
	char names[256] = "";

	*ret_wrapper = NULL;
	if (!rq->type)
		return 0;
	*ret_wrapper = kx_wrapper_by_type(rq->type);
	ld->forced_format = kx_format_by_type(rq->arch, rq->type);
	if (*ret_wrapper || ld->forced_format)
		return 0;
	for (const struct kx_format_ops *const *f = rq->arch->formats; *f; f++)
		if (!(*f)->refused)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s", (*f)->name);
	for (const struct kx_wrapper_ops *const *w = kx_wrappers; *w; w++)
		if (w == kx_wrappers || strcmp(w[-1]->type, (*w)->type))  /* lz4 has two entries */
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s", (*w)->type);
	return kx_fail(err, KX_E_USAGE, "-t %s: no such image type on %s; known:%s", rq->type, rq->arch->name,
		       names);
}

/*
 * The command line: --reuse-cmdline and/or --append when given; else a
 * wrapper's (a UKI's .cmdline). kexec-tools (2.0.28 to 2.0.32) never reads
 * .cmdline; kexec-ng uses it only when the user gave no command line, so
 * every command line kexec-tools would pass is passed unchanged.
 */
static int choose_cmdline(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;
	const struct kx_layer *layer = kx_unwrapped_part(&ld->unwrapped, KX_PART_CMDLINE);
	const char *append = rq->append;
	char carried[sizeof(ld->cmdline)], what[600];
	bool given = rq->append || rq->reuse_cmdline;

	snprintf(ld->cmdline_from, sizeof(ld->cmdline_from), "%s", given ? "the command line options" : "none given");
	if (layer) {
		const struct kx_wrapped_part *part = &layer->parts[KX_PART_CMDLINE];
		ld->parts[KX_PART_CMDLINE] = (struct kx_part_use){ layer, "replaced by the command line options" };
		if (given) {
			kx_note(&ld->notes, "%s replaces %s's %s section",
				rq->append ? "--append/--command-line" : "--reuse-cmdline", outer_of(ld, layer)->path,
				part->name);
		} else {
			snprintf(what, sizeof(what), "%s: %s %s", outer_of(ld, layer)->path, layer->wrapper->name,
				 part->name);
			if (kx_part_cmdline(part->bytes, what, carried, sizeof(carried), err) < 0)
				return -1;
			append = carried;
			snprintf(ld->cmdline_from, sizeof(ld->cmdline_from), "the %s's %s section",
				 layer->wrapper->name, part->name);
			ld->parts[KX_PART_CMDLINE].use = "the command line";
		}
	}
	/* The new kernel copies its command line into COMMAND_LINE_SIZE bytes
	 * with the NUL and drops the rest without a word (x86: boot_params'
	 * cmd_line_ptr; arm64, riscv64: /chosen/bootargs): refuse what it
	 * would cut, for both system calls. */
	size_t limit = rq->arch->command_line_size, len;
	if (limit > sizeof(ld->cmdline))
		limit = sizeof(ld->cmdline);
	if (kx_cmdline_compose(rq->reuse_cmdline ? ld->facts.cmdline : NULL, append, rq->crash, ld->cmdline,
			       limit, &len, err) < 0)
		return kx_fail(err, KX_E_USAGE, "the command line (from %s) is %zu bytes, more than %zu: %s kernels "
			       "keep COMMAND_LINE_SIZE (%u) bytes with the NUL and drop the rest", ld->cmdline_from,
			       len, limit - 1, rq->arch->name, rq->arch->command_line_size);
	return 0;
}

/* The option that gave the user's own initrd (--initrd, --reuseinitrd), or
 * NULL: it replaces a wrapper's initrd and the microcode put before it. */
static const char *user_initrd_option(const struct kx_load_request *rq)
{
	return rq->initrd ? "--initrd" : rq->reuse_initrd ? "--reuseinitrd" : NULL;
}

/*
 * A wrapper's microcode (a UKI's .ucode) goes before the wrapper's initrd,
 * in one sealed memfd, as systemd-stub hands them to the kernel: the early
 * microcode cpio first. With --initrd the user's initrd is used as given
 * (kexec-tools knows no .ucode) and a note says the microcode is not.
 */
static int add_ucode(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_layer *layer = kx_unwrapped_part(&ld->unwrapped, KX_PART_UCODE);
	char name[600];

	if (!layer)
		return 0;
	const struct kx_wrapped_part *ucode = &layer->parts[KX_PART_UCODE];
	if (!ucode->bytes.size) {
		ld->parts[KX_PART_UCODE] = (struct kx_part_use){ layer, "empty: not used" };
		return 0;
	}
	const char *given = user_initrd_option(&ld->rq);
	if (given) {
		ld->parts[KX_PART_UCODE] = (struct kx_part_use){ layer, ld->rq.initrd ? "not used: --initrd is used as given" :
								 "not used: --reuseinitrd is used as given" };
		kx_note(&ld->notes, "%s's %s section is not used: %s replaces the initrd it goes before",
			outer_of(ld, layer)->path, ucode->name, given);
		return 0;
	}
	ld->parts[KX_PART_UCODE] = (struct kx_part_use){ layer, "put before the initrd" };
	struct kx_bytes parts[2] = { ucode->bytes, ld->initrd.bytes };
	struct kx_file joined;
	part_name(ld, layer, KX_PART_UCODE, ld->initrd.bytes.size ? " + .initrd sections" : " sections", name,
		  sizeof(name));
	/* cpio archives start 4-byte aligned (the kernel's initramfs unpacker);
	 * the one copy of the initrd a UKI with microcode costs */
	if (kx_file_memfd_join(&joined, parts, ld->initrd.bytes.size ? 2 : 1, 4, name, err) < 0)
		return -1;
	kx_file_close(&ld->initrd);
	ld->initrd = joined;
	return 0;
}

/* --initrd, else a wrapper's (as a view: no copy). The user's replaces the
 * wrapper's, as in kexec-tools (kexec/arch/x86_64/kexec-bzImage64.c: the
 * UKI's initrd only when no --initrd), on both system calls. */
static int choose_initrd(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;
	const struct kx_layer *layer = kx_unwrapped_part(&ld->unwrapped, KX_PART_INITRD);
	char name[600];

	if (rq->initrd && kx_file_map(&ld->initrd, rq->initrd, err) < 0)
		return -1;
	if (rq->reuse_initrd && kx_retained_initrd(&ld->facts, &ld->initrd, err) < 0)
		return -1;
	const char *given = user_initrd_option(rq);
	if (!layer)
		return 0;
	const struct kx_wrapped_part *part = &layer->parts[KX_PART_INITRD];
	ld->parts[KX_PART_INITRD] = (struct kx_part_use){ layer, rq->initrd ? "replaced by --initrd" :
							   rq->reuse_initrd ? "replaced by --reuseinitrd" : "the initrd" };
	if (!part->bytes.size)  /* an empty section is no initrd */
		return 0;
	if (given) {
		kx_note(&ld->notes, "%s replaces %s's %s section", given, outer_of(ld, layer)->path, part->name);
		return 0;
	}
	part_name(ld, layer, KX_PART_INITRD, " section", name, sizeof(name));
	return kx_file_view(&ld->initrd, part->bytes, name, err);
}

/*
 * A wrapper's device tree (a UKI's .dtb) is the new kernel's tree unless
 * --dtb names another, on the architectures that hand one on; where none is
 * handed on (x86_64) the file is refused, naming the section.
 */
static int choose_wrapper_tree(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_layer *layer = kx_unwrapped_part(&ld->unwrapped, KX_PART_DTB);
	if (!layer)
		return 0;
	const char *path = outer_of(ld, layer)->path, *part = layer->parts[KX_PART_DTB].name;
	if (!ld->rq.arch->tree_source(NULL))
		return kx_fail(err, KX_E_INPUT, "%s: the %s carries a %s section, but an %s kernel takes no device "
			       "tree from kexec-ng (a tree in setup_data, SETUP_DTB, is not implemented): use a UKI "
			       "without %s", path, layer->wrapper->name, part, ld->rq.arch->name, part);
	if (ld->rq.dtb) {
		ld->parts[KX_PART_DTB] = (struct kx_part_use){ layer, "replaced by --dtb" };
		kx_note(&ld->notes, "%s's %s section is not used: the new kernel gets --dtb", path, part);
		return 0;
	}
	ld->parts[KX_PART_DTB] = (struct kx_part_use){ layer, "the device tree" };
	ld->tree_layer = layer;
	return 0;
}

/* The tree the plan hands on: a wrapper's, or what the architecture reads
 * (--dtb, the running one). */
static int boot_tree(struct kx_load *ld, struct kx_dtb *ret, struct kx_error *err)
{
	char name[600];

	if (!ld->tree_layer)
		return ld->rq.arch->boot_tree(ld->facts.root, ld->rq.dtb, ret, &ld->notes, err);
	const struct kx_wrapped_part *part = &ld->tree_layer->parts[KX_PART_DTB];
	part_name(ld, ld->tree_layer, KX_PART_DTB, " section", name, sizeof(name));
	return kx_dtb_from_bytes(part->bytes.data, part->bytes.size, name, ret, err);
}

/* The name a loader's errors use for the kernel: the file the user can
 * open, or the section of it that holds the kernel (a decompressed copy is
 * nothing they can look at). */
static const char *kernel_name(const struct kx_load *ld)
{
	for (unsigned int i = ld->unwrapped.nr_layers; i-- > 0;)
		if (ld->unwrapped.layers[i].inner.fd < 0)
			return ld->unwrapped.layers[i].inner.path;
	return ld->rq.kernel;
}

/* Probe even for -s: a file we cannot parse gets our message, not an errno. */
static int probe_format(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;
	int r = kx_format_select(rq->arch, ld->unwrapped.kernel->bytes, kernel_name(ld),
				 ld->forced_format ? rq->type : NULL, &ld->format, &ld->format_err);
	if (r == 0)
		return 0;
	ld->format = NULL;
	*err = ld->format_err;
	if (!rq->file_syscall_only || ld->format_err.status != KX_E_FORMAT)
		return -1;
	/* -s: the kernel's own loaders will judge it; but a crash load frees
	 * the loaded crash kernel before they do (kernel/kexec_file.c) */
	if (!rq->crash || ld->facts.kexec_crash_loaded != 1)
		return 0;
	kx_error_append(err, "; with -s such a file is left to the kernel's own loaders, but the kernel unloads "
			"the loaded crash kernel before it judges a new one: refused here, so that the crash kernel "
			"loaded now stays (unload it first, kexec -p -u, to let the kernel try this file)");
	return -1;
}

static int build_plan(struct kx_load *ld, bool crash, struct kx_plan *plan, struct kx_error *err);

/* --module="FILE ARGS": FILE (up to the first space) mapped as given, for
 * a format that takes modules (multiboot) only. */
static int map_modules(struct kx_load *ld, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;

	if (!rq->nr_modules)
		return 0;
	if (rq->nr_modules > KX_MODULES_MAX)
		return kx_fail(err, KX_E_USAGE, "--module: more than %d modules", KX_MODULES_MAX);
	if (!ld->format || !ld->format->takes_modules)
		return kx_fail(err, KX_E_USAGE, "--module: %s is %s%s kernel, which takes no modules (multiboot "
			       "kernels do); give an initrd with --initrd", rq->kernel, ld->format ? "a " : "no known",
			       ld->format ? ld->format->name : "");
	for (unsigned int i = 0; i < rq->nr_modules; i++) {
		const char *arg = rq->modules[i], *sp = strchr(arg, ' ');
		char *path = sp ? strndup(arg, (size_t)(sp - arg)) : strdup(arg);
		if (!path)
			return kx_fail(err, KX_E_NOMEM, "out of memory");
		int r = kx_file_map(&ld->module_files[i], path, err);
		free(path);
		if (r < 0) {
			kx_error_append(err, " (--module=\"%s\")", arg);
			return -1;
		}
		ld->modules[i] = (struct kx_module){ .file = &ld->module_files[i], .cmdline = arg };
	}
	return 0;
}

/*
 * -p: the crash facts, or, when no region is reserved, an error that says
 * what to put on the command line: a size computed from the plan this
 * kernel and initrd would need (segments, plus room for the initrd to be
 * unpacked and the capture kernel to run), not a guess.
 */
static int prepare_crash(struct kx_load *ld, struct kx_error *err)
{
	if (ld->facts.crash_regions.count == 0) {
		struct kx_error plan_err = { 0 };
		struct kx_plan plan;
		uint64_t segments = 0;
		kx_plan_init(&plan);
		if (ld->format && build_plan(ld, false, &plan, &plan_err) == 0) {
			segments = kx_plan_footprint(&plan);
			uint64_t initrd = ld->initrd.bytes.size;
			uint64_t need = kx_align_up(segments + 3 * initrd + 96 * MiB, 32 * MiB);
			kx_plan_free(&plan);
			return kx_fail(err, KX_E_NO_CRASH_REGION,
				       "no crash kernel region: /proc/iomem has no \"Crash kernel\" entry. Boot with "
				       "crashkernel=%lluM: this kernel and initrd need %llu MiB of segments, plus "
				       "room to unpack the initrd and run the capture kernel",
				       (unsigned long long)(need / MiB),
				       (unsigned long long)kx_align_up(segments, MiB) / MiB);
		}
		kx_plan_free(&plan);
		return kx_fail(err, KX_E_NO_CRASH_REGION,
			       "no crash kernel region: /proc/iomem has no \"Crash kernel\" entry; boot with "
			       "crashkernel=256M (or larger) on the kernel command line to reserve one");
	}
	ld->crash = calloc(1, sizeof(*ld->crash));
	if (!ld->crash)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_crash_facts_read(ld->crash, ld->facts.root, err) < 0)
		return -1;
	/* both system calls: kexec_file_load's kernel keeps its own header
	 * current only where it can (kexec-tools refuses the same way) */
	return ld->rq.crash_hotplug ? kx_crash_hotplug_check(ld->crash, err) : 0;
}

int kx_load_prepare(struct kx_load *ld, const struct kx_load_request *rq, struct kx_error *err)
{
	const struct kx_wrapper_ops *forced_wrapper;

	ld->rq = *rq;
	if (rq->preserve_context && !rq->arch->kexec_jump)
		return kx_fail(err, KX_E_USAGE, "--load-preserve-context: kexec jump exists on x86_64 only (the "
			       "kernel's CONFIG_KEXEC_JUMP), not on %s", rq->arch->name);
	if (rq->preserve_context)
		kx_note(&ld->notes, "--load-preserve-context: kexec_load only (kexec_file_load has no "
			"KEXEC_PRESERVE_CONTEXT)");
	if (rq->pass_memmap_cmdline && !rq->arch->memmap_cmdline)
		return kx_fail(err, KX_E_USAGE, "--pass-memmap-cmdline is an x86 option (memmap= rewrites the e820 "
			       "table); on %s a capture kernel learns its memory from the device tree", rq->arch->name);
	if (rq->pass_memmap_cmdline && !rq->crash)
		kx_note(&ld->notes, "--pass-memmap-cmdline has no effect without -p: it tells a capture kernel its "
			"memory (kexec-tools ignores it too)");
	if (rq->dtb && !rq->arch->tree_source(rq->dtb))
		return kx_fail(err, KX_E_USAGE, "--dtb is not supported on %s: its kernels learn the machine from "
			       "ACPI and boot_params, and a device tree in setup_data (SETUP_DTB) is not implemented",
			       rq->arch->name);
	if ((rq->test.root ? kx_facts_read_fixture(&ld->facts, rq->test.root, err) :
			     kx_facts_read(&ld->facts, "/", err)) < 0)
		return -1;
	if (resolve_type(ld, &forced_wrapper, err) < 0 || kx_file_map(&ld->file, rq->kernel, err) < 0)
		return -1;
	struct kx_unwrap_options uo = { .forced = forced_wrapper, .cap = KX_KERNEL_DECOMPRESSED_MAX,
					.uki_profile = rq->uki_profile };
	if (kx_unwrap(&ld->file, rq->arch, &uo, &ld->unwrapped, err) < 0)
		return -1;
	/* a UKI is the only wrapper whose kernel is a section, and only outermost */
	if (ld->unwrapped.nr_layers && ld->unwrapped.layers[0].parts[KX_PART_KERNEL].name)
		ld->parts[KX_PART_KERNEL] = (struct kx_part_use){ &ld->unwrapped.layers[0], "the kernel" };
	if (rq->uki_profile_given && !ld->parts[KX_PART_KERNEL].layer)
		return kx_fail(err, KX_E_USAGE, "--uki-profile=%u: %s is not a UKI (no profiles to choose from)",
			       rq->uki_profile, rq->kernel);
	if (choose_cmdline(ld, err) < 0 || choose_initrd(ld, err) < 0 || add_ucode(ld, err) < 0)
		return -1;
	if (choose_wrapper_tree(ld, err) < 0 || probe_format(ld, err) < 0 || map_modules(ld, err) < 0)
		return -1;
	return rq->crash ? prepare_crash(ld, err) : 0;
}

static int build_plan(struct kx_load *ld, bool crash, struct kx_plan *plan, struct kx_error *err)
{
	const struct kx_load_request *rq = &ld->rq;
	const struct kx_arch_ops *arch = rq->arch;
	struct kx_plan_options lo = {
		.cmdline = ld->cmdline,
		.mem_min = rq->mem_min, .mem_max = rq->mem_max,
		.have_entry = rq->have_entry, .entry = rq->entry,
		.no_checks = rq->no_checks, .digest_kind = rq->digest_kind,
		.test_wrong_digest = rq->test.wrong_digest,
		.crash = crash, .crash_hotplug = crash && rq->crash_hotplug, .no_efi = rq->no_efi,
		.pass_memmap_cmdline = crash && rq->pass_memmap_cmdline,
		.preserve_context = rq->preserve_context,
		.serial_baud = rq->serial_baud, .console_vga = rq->console_vga, .reset_vga = rq->reset_vga,
		.entry_32bit = rq->entry_32bit, .args = rq->args,
		.image_path = rq->kernel, .modules = ld->modules, .nr_modules = rq->nr_modules,
	};
	struct kx_plan_ctx ctx = {
		.arch = arch, .facts = &ld->facts, .opts = &lo, .kernel = ld->unwrapped.kernel,
		.initrd = ld->initrd.bytes.size ? &ld->initrd : NULL, .crash = crash ? ld->crash : NULL,
	};
	struct kx_kernel_desc desc;
	struct kx_dtb tree = { 0 };

	if (!ld->format) {
		*err = ld->format_err;
		return -1;
	}
	if (rq->no_checks && rq->digest_given)
		kx_note(&ld->notes, "--digest=%s has no effect with --no-checks: the purgatory checks nothing, "
			"and no digest is computed", kx_digest_name(rq->digest_kind));
	if (!arch->pc_console && (rq->console_vga || rq->reset_vga))
		return kx_fail(err, KX_E_USAGE, "%s is an x86 option (the PC's VGA text console); %s has none",
			       rq->console_vga ? "--console-vga" : "--reset-vga", arch->name);
	if (!arch->pc_console && rq->serial_baud && rq->serial_baud != 115200)
		return kx_fail(err, KX_E_USAGE, "--serial-baud=%u: the %s purgatory leaves its UART at the speed "
			       "the old kernel set; give 115200 or leave it out", rq->serial_baud, arch->name);
	if (arch->purgatory_console(rq->serial, ld->cmdline, &lo.serial, err) < 0)
		return -1;
	memset(&desc, 0, sizeof(desc));
	if (ld->format->describe(&ctx, &desc, err) < 0)
		return -1;
	if (desc.note[0])
		kx_note(&ld->notes, "%s", desc.note);
	/* The planner edits a copy; this one is only read. */
	if (boot_tree(ld, &tree, err) < 0)
		return -1;
	ctx.dtb = tree.blob ? &tree : NULL;
	snprintf(plan->format, sizeof(plan->format), "%s%s%s", ld->unwrapped.chain,
		 ld->unwrapped.chain[0] ? " > " : "", desc.format);
	int r = arch->build_plan(&ctx, &desc, plan, err);
	kx_dtb_free(&tree);
	return r;
}

bool kx_load_needs_kexec_load(const struct kx_load *ld, char *why, size_t len)
{
	struct kx_plan_options lo = { .entry_32bit = ld->rq.entry_32bit, .args = ld->rq.args };

	if (ld->rq.crash && ld->rq.pass_memmap_cmdline) {
		snprintf(why, len, "--pass-memmap-cmdline: kexec_file_load builds the capture kernel's e820 "
			 "itself and adds no memmap= options");
		return true;
	}
	return ld->format && ld->format->needs_kexec_load &&
	       ld->format->needs_kexec_load(ld->unwrapped.kernel->bytes, &lo, why, len);
}

int kx_load_build_plan(struct kx_load *ld, struct kx_plan *plan, struct kx_error *err)
{
	kx_plan_init(plan);
	return build_plan(ld, ld->rq.crash, plan, err);
}

/*
 * What kexec_file_load would refuse only after reading every byte (and, for
 * a crash load, after freeing the loaded crash kernel), refused before: an
 * initrd larger than the crash region it must go into (crashk_res), or than
 * half of RAM (the kernel's rule for any image; the total of /proc/iomem's
 * System RAM is larger than the kernel's count of pages, so nothing it
 * would take is refused).
 */
static int check_initrd_size(const struct kx_load *ld, const struct kx_file *initrd, struct kx_error *err)
{
	uint64_t size = initrd ? initrd->bytes.size : 0;
	struct kx_range region = { 0 };

	if (ld->rq.crash && kx_crash_main_region(&ld->facts.crash_regions, &region) &&
	    size > region.end - region.start)
		return kx_fail(err, KX_E_PLAN, "initrd %s: %" PRIu64 " MiB, larger than the crash kernel region "
			       "(%" PRIu64 " MiB at 0x%" PRIx64 ") it must be loaded into: boot with a larger "
			       "crashkernel=, or use a smaller initrd", initrd->path, size >> 20,
			       (region.end - region.start) >> 20, region.start);
	uint64_t ram = kx_memmap_total(&ld->facts.iomem_ram);
	if (!ld->rq.crash && ram && size > ram / 2)
		return kx_fail(err, KX_E_PLAN, "initrd %s: %" PRIu64 " MiB, more than half of RAM (%" PRIu64
			       " MiB): the kernel refuses images that large", initrd->path, size >> 20, ram >> 20);
	return 0;
}

int kx_load_file_call(struct kx_load *ld, bool make_fds, bool debug, struct kx_file_call *ret,
		      struct kx_error *err)
{
	const struct kx_file *kernel = ld->unwrapped.kernel, *initrd = ld->initrd.bytes.size ? &ld->initrd : NULL;

	memset(ret, 0, sizeof(*ret));
	ret->kernel_copied = kernel->fd < 0 && kernel != &ld->file;
	ret->initrd_copied = initrd && initrd->fd < 0;
	ret->cmdline = ld->cmdline;
	if (check_initrd_size(ld, initrd, err) < 0)
		return -1;
	ret->flags = (debug ? KX_KEXEC_FILE_DEBUG : 0) | (!initrd ? KX_KEXEC_FILE_NO_INITRAMFS : 0) |
		     (ld->rq.crash ? KX_KEXEC_FILE_ON_CRASH : 0) | (ld->rq.no_cma ? KX_KEXEC_FILE_NO_CMA : 0) |
		     (ld->rq.force_dtb ? KX_KEXEC_FILE_FORCE_DTB : 0);
	if (make_fds) {
		if (ld->tree_layer)
			kx_note(&ld->notes, "%s's %s section is not used by kexec_file_load: the kernel hands on its "
				"own device tree", outer_of(ld, ld->tree_layer)->path,
				ld->tree_layer->parts[KX_PART_DTB].name);
		/* innermost first: what the kernel gets is checked, not what it was wrapped in */
		for (unsigned int i = ld->unwrapped.nr_layers; i-- > 0;)
			if (ld->unwrapped.layers[i].wrapper->file_syscall_note)
				kx_note(&ld->notes, ld->unwrapped.layers[i].wrapper->file_syscall_note, ld->rq.kernel);
		/* the system call needs files: a view into a wrapper gets its own sealed memfd */
		if (ret->kernel_copied) {
			if (!ld->file_kernel.bytes.data &&
			    kx_file_memfd_copy(&ld->file_kernel, kernel->bytes, kernel->path, err) < 0)
				return -1;
			kernel = &ld->file_kernel;
		}
		if (ret->initrd_copied) {
			if (!ld->file_initrd.bytes.data &&
			    kx_file_memfd_copy(&ld->file_initrd, initrd->bytes, initrd->path, err) < 0)
				return -1;
			initrd = &ld->file_initrd;
		}
	}
	ret->kernel = kernel;
	ret->initrd = initrd;
	return 0;
}
