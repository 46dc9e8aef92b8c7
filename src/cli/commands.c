// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The commands behind the actions: load (with the syscall choice and
 * fallback of the kexec-tools contract), unload, exec, status.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../arch/arch.h"
#include "../arch/crash_plan.h"
#include "../dtb/dtb.h"
#include "../crash/crash.h"
#include "../formats/uki.h"
#include "../formats/unwrap.h"
#include "../system/facts.h"
#include "../system/syscalls.h"
#include "cmdline.h"
#include "../core/units.h"

static bool is_locked_down(const struct kx_facts *f)
{
	return f->lockdown[0] && strcmp(f->lockdown, "none");
}

/* errnos with which the file syscall says "I cannot do this one": fall back. */
static bool file_errno_falls_back(int e)
{
	return e == ENOSYS || e == EOPNOTSUPP || e == ENOEXEC || e == EINVAL;
}

static bool is_signature_errno(int e)
{
	return e == EKEYREJECTED || e == ENOKEY || e == EBADMSG || e == ENODATA ||
	       e == ELIBBAD || e == ENOPKG || e == EMSGSIZE;
}

static const char *file_syscall_why(int e)
{
	switch (e) {
	case ENOSYS: return "this kernel has no kexec_file_load";
	case EOPNOTSUPP: return "kexec_file_load is not supported for this image";
	case ENOEXEC: return "the kernel's own loaders do not recognise this image";
	case EINVAL: return "the kernel's own loaders rejected this image";
	default: return "";
	}
}

#define SEATBELT "KEXEC_NG_FORBID_SYSCALLS is set (the test suite's seatbelt): no system call was made"

/* Fill err with the reason for a kexec_file_load failure, explained. */
static int explain_file_failure(const struct kx_facts *f, const char *kernel, int e,
				struct kx_error *err)
{
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "kexec_file_load of %s refused: " SEATBELT, kernel);
	if (e == EPERM && is_locked_down(f))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s refused: the kernel is locked down (%s): only a kernel "
				     "signed with a key the running kernel trusts can be loaded, and kexec_load (-c) "
				     "is always refused under lockdown", kernel, f->lockdown);
	if (e == EPERM)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s refused: loading needs CAP_SYS_BOOT (run as root), and "
				     "kexec may be disabled (kernel.kexec_load_disabled)", kernel);
	if (is_signature_errno(e))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s: the kernel refused the image's signature (a kernel "
				     "built with KEXEC_SIG_FORCE or locked down loads only kernels signed with a "
				     "trusted key); not falling back to kexec_load, this is policy", kernel);
	if (e == ETXTBSY)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s: the file is open for writing", kernel);
	return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_file_load of %s failed", kernel);
}

static int explain_load_failure(const struct kx_facts *f, int e, struct kx_error *err)
{
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "kexec_load refused: " SEATBELT);
	if (e == EPERM && is_locked_down(f))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_load refused: the kernel is locked down (%s), which forbids kexec_load "
				     "always; only a signed kernel through kexec_file_load (-s) can be loaded",
				     f->lockdown);
	if (e == EPERM)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_load refused: it needs CAP_SYS_BOOT (run as root), and kexec may be "
				     "disabled (kernel.kexec_load_disabled)");
	if (e == EBUSY)
		return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_load: another kexec operation is in progress");
	return kx_fail_errno(err, KX_E_SYSCALL, e,
			     "kexec_load refused the plan (run with --dry-run to see every segment)");
}

struct load_state {
	struct kx_facts facts;
	struct kx_crash_facts *crash;    /* -p only */
	struct kx_file kernel, unwrapped, initrd;
	/* A UKI: its parts, and the .linux as a view into `kernel` (copied into
	 * a sealed memfd only for kexec_file_load, which needs an fd). */
	bool is_uki;
	struct kx_uki uki;
	struct kx_file uki_linux;
	const char *cmdline_from;        /* where the command line came from, for the plan */
	bool cmdline_from_uki;
	char chain[128];
	char cmdline[4096];
	struct kx_plan plan;
};

static void load_state_free(struct load_state *s)
{
	kx_plan_free(&s->plan);
	free(s->crash);
	kx_file_close(&s->kernel);
	kx_file_close(&s->unwrapped);
	kx_file_close(&s->uki_linux);
	kx_file_close(&s->initrd);
	free(s);
}

static const struct kx_file *kernel_file(const struct load_state *s)
{
	if (s->unwrapped.fd >= 0)
		return &s->unwrapped;
	return s->is_uki ? &s->uki_linux : &s->kernel;
}

static bool have_initrd(const struct load_state *s)
{
	return s->initrd.bytes.size != 0;
}

static int build_plan(struct load_state *s, const struct kx_options *o,
		      const struct kx_arch_ops *arch, const struct kx_format_ops *fmt,
		      bool crash, FILE *log, struct kx_error *err)
{
	struct kx_load_options lo = {
		.cmdline = s->cmdline,
		.mem_min = o->mem_min, .mem_max = o->mem_max,
		.have_entry = o->have_entry, .entry = o->entry,
		.no_checks = o->no_checks, .test_wrong_digest = o->test_wrong_digest,
		.crash = crash, .no_efi = o->no_efi,
	};
	struct kx_load_ctx ctx = {
		.arch = arch, .facts = &s->facts, .opts = &lo,
		.kernel = kernel_file(s), .initrd = have_initrd(s) ? &s->initrd : NULL,
		.crash = crash ? s->crash : NULL,
	};
	struct kx_kernel_desc desc;
	struct kx_dtb dtb = { 0 };
	int r = -1;

	if (arch->needs_dtb) {
		/* MMIO address of the purgatory's UART; 0 lets the back end
		 * find the console the command line names in the tree. */
		if (o->serial && kx_parse_u64(o->serial, &lo.serial) < 0)
			return kx_fail(err, KX_E_USAGE, "--serial=%s: expected the UART's MMIO address",
				       o->serial);
	} else {
		uint16_t port;
		if (kx_serial_port(o->serial, s->cmdline, &port, err) < 0)
			return -1;
		lo.serial = port;
	}
	memset(&desc, 0, sizeof(desc));
	if (fmt->describe(&ctx, &desc, err) < 0)
		return -1;
	if (desc.note[0])
		fprintf(log, "kexec: note: %s\n", desc.note);
	if (arch->needs_dtb) {
		/* The planner edits a copy; this one is only read. */
		if (kx_dtb_read(o->root, o->dtb, &dtb, err) < 0)
			return -1;
		ctx.dtb = &dtb;
	} else if (o->dtb) {
		fprintf(log, "kexec: note: --dtb has no effect on %s\n", arch->name);
	}
	kx_plan_init(&s->plan);
	snprintf(s->plan.format, sizeof(s->plan.format), "%s%s%s", s->chain, s->chain[0] ? " > " : "",
		 desc.format);
	r = arch->build_plan(&ctx, &desc, &s->plan, err);
	kx_dtb_free(&dtb);
	return r;
}


/*
 * -p: the crash facts, or, when no region is reserved, an error that says
 * what to put on the command line: a size computed from the plan this
 * kernel and initrd would need (segments, plus room for the initrd to be
 * unpacked and the capture kernel to run), not a guess.
 */
static int prepare_crash(struct load_state *s, const struct kx_options *o,
			 const struct kx_arch_ops *arch, const struct kx_format_ops *fmt,
			 FILE *log, struct kx_error *err)
{
	if (s->facts.crash_regions.count == 0) {
		struct kx_error plan_err = { 0 };
		uint64_t segments = 0;
		if (fmt && build_plan(s, o, arch, fmt, false, log, &plan_err) == 0) {
			for (unsigned int i = 0; i < s->plan.nr_segments; i++)
				segments += s->plan.segments[i].memsz;
			uint64_t initrd = s->initrd.bytes.size;
			uint64_t need = kx_align_up(segments + 3 * initrd + 96 * MiB, 32 * MiB);
			kx_plan_free(&s->plan);
			return kx_fail(err, KX_E_NO_CRASH_REGION,
				       "no crash kernel region: /proc/iomem has no \"Crash kernel\" entry. Boot with "
				       "crashkernel=%lluM: this kernel and initrd need %llu MiB of segments, plus "
				       "room to unpack the initrd and run the capture kernel",
				       (unsigned long long)(need / MiB),
				       (unsigned long long)kx_align_up(segments, MiB) / MiB);
		}
		return kx_fail(err, KX_E_NO_CRASH_REGION,
			       "no crash kernel region: /proc/iomem has no \"Crash kernel\" entry; boot with "
			       "crashkernel=256M (or larger) on the kernel command line to reserve one");
	}
	s->crash = calloc(1, sizeof(*s->crash));
	if (!s->crash)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	return kx_crash_facts_read(s->crash, o->root, err);
}

static void print_file_plan(const struct load_state *s, const struct kx_options *o,
			    unsigned long flags, FILE *out)
{
	/* A view into the UKI gets its own sealed memfd for the system call. */
	static const char memfd[] = " (copied into a sealed memfd)";
	const char *kmem = kernel_file(s)->fd < 0 && kernel_file(s) != &s->kernel ? memfd : "";
	const char *imem = have_initrd(s) && s->initrd.fd < 0 ? memfd : "";
	fprintf(out, "kexec_file_load: kernel fd of %s%s, initrd %s%s, command line \"%s\", flags 0x%lx\n",
		kernel_file(s)->path, kmem, have_initrd(s) ? s->initrd.path : "none (KEXEC_FILE_NO_INITRAMFS)",
		imem, s->cmdline, flags);
	if (o->mode == KX_MODE_AUTO)
		fprintf(out, "  then, if the kernel cannot load it itself: kexec_load with this plan:\n");
}

/* Options the file syscall cannot honour: say so instead of ignoring them. */
static void note_ignored_by_file_syscall(const struct kx_options *o, FILE *log)
{
	const char *ignored[6];
	int n = 0;
	if (o->type) ignored[n++] = "-t";
	if (o->no_checks) ignored[n++] = "--no-checks";
	if (o->have_entry) ignored[n++] = "--entry";
	if (o->mem_min || o->mem_max) ignored[n++] = "--mem-min/--mem-max";
	if (o->dtb) ignored[n++] = "--dtb";
	for (int i = 0; i < n; i++)
		fprintf(log, "kexec: note: %s has no effect with kexec_file_load (the kernel places the image); "
			"use -c to apply it\n", ignored[i]);
}

/*
 * The command line: --reuse-cmdline and/or --append when given; else a
 * UKI's .cmdline. kexec-tools (2.0.28 to 2.0.32) never reads .cmdline;
 * kexec-ng uses it only when the user gave no command line, so every
 * command line kexec-tools would pass is passed unchanged.
 */
static int compose_cmdline(struct load_state *s, const struct kx_options *o, FILE *log,
			   struct kx_error *err)
{
	const char *append = o->append;
	char uki_cmdline[sizeof(s->cmdline)];

	s->cmdline_from = o->append || o->reuse_cmdline ? "the command line options" : "none given";
	if (s->is_uki && s->uki.cmdline.present) {
		if (o->append || o->reuse_cmdline) {
			fprintf(log, "kexec: note: %s replaces %s's .cmdline section\n",
				o->append ? "--append/--command-line" : "--reuse-cmdline", o->kernel);
		} else {
			if (kx_uki_cmdline(&s->uki, o->kernel, uki_cmdline, sizeof(uki_cmdline), err) < 0)
				return -1;
			append = uki_cmdline;
			s->cmdline_from = "the UKI's .cmdline section";
			s->cmdline_from_uki = true;
		}
	}
	return kx_cmdline_compose(o->reuse_cmdline ? s->facts.cmdline : NULL, append, o->panic,
				  s->cmdline, sizeof(s->cmdline), err);
}

/*
 * A UKI's .linux as a view (no copy), and its .initrd unless --initrd was
 * given: the user's initrd replaces it, as in kexec-tools
 * (kexec/arch/x86_64/kexec-bzImage64.c: the UKI's initrd only when no
 * --initrd), on both system calls.
 */
static int uki_parts(struct load_state *s, const struct kx_options *o, const struct kx_arch_ops *arch,
		     FILE *log, struct kx_error *err)
{
	char name[512];

	snprintf(name, sizeof(name), "%s (UKI .linux section)", o->kernel);
	if (kx_file_view(&s->uki_linux, s->uki.linux_image.bytes, name, err) < 0)
		return -1;
	if (s->uki.initrd.present && s->uki.initrd.bytes.size) {
		if (o->initrd) {
			fprintf(log, "kexec: note: --initrd replaces %s's .initrd section\n", o->kernel);
		} else {
			snprintf(name, sizeof(name), "%s (UKI .initrd section)", o->kernel);
			if (kx_file_view(&s->initrd, s->uki.initrd.bytes, name, err) < 0)
				return -1;
		}
	}
	if (s->uki.dtb.present && arch->needs_dtb)
		fprintf(log, "kexec: note: %s's .dtb section is not used: the new kernel gets %s\n", o->kernel,
			o->dtb ? "--dtb" : "the running device tree");
	else if (s->uki.dtb.present)
		fprintf(log, "kexec: note: %s's .dtb section is not used on %s\n", o->kernel, arch->name);
	return 0;
}

/* kexec_file_load needs files: the UKI's parts in sealed memfds (no temporary file). */
static int uki_memfds(struct load_state *s, struct kx_error *err)
{
	struct kx_file copy;

	if (s->unwrapped.fd < 0) {
		/* .linux was not compressed: kernel_file() is the view */
		if (kx_file_memfd_copy(&copy, s->uki_linux.bytes, s->uki_linux.path, err) < 0)
			return -1;
		s->unwrapped = copy;
	}
	if (have_initrd(s) && s->initrd.fd < 0) {
		if (kx_file_memfd_copy(&copy, s->initrd.bytes, s->initrd.path, err) < 0)
			return -1;
		kx_file_close(&s->initrd);
		s->initrd = copy;
	}
	return 0;
}

static void print_uki(const struct load_state *s, const struct kx_options *o, FILE *out)
{
	const struct kx_uki_section *secs[] = { &s->uki.linux_image, &s->uki.initrd, &s->uki.cmdline,
						&s->uki.dtb };
	static const char *const names[] = { ".linux", ".initrd", ".cmdline", ".dtb" };
	const char *use[] = {
		"the kernel",
		o->initrd ? "replaced by --initrd" : "the initrd",
		s->cmdline_from_uki ? "the command line" : "replaced by the command line options",
		"not used",
	};

	fprintf(out, "UKI %s (PE/COFF, Machine 0x%04x):\n", o->kernel, s->uki.machine);
	for (int i = 0; i < 4; i++) {
		if (!secs[i]->present)
			continue;
		fprintf(out, "  %-8s at 0x%08x, 0x%08zx bytes: %s\n", names[i], secs[i]->offset,
			secs[i]->bytes.size, use[i]);
	}
	fprintf(out, "command line from %s\n", s->cmdline_from);
}

int kx_cmd_load(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	const struct kx_arch_ops *arch = o->arch ? kx_arch_by_name(o->arch) : kx_arch_native();
	const struct kx_format_ops *fmt = NULL;
	struct load_state *s = calloc(1, sizeof(*s));
	int r = -1;

	if (!s)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	s->kernel.fd = s->unwrapped.fd = s->initrd.fd = -1;
	if (!arch) {
		kx_fail(err, KX_E_USAGE, "no back end for architecture %s", o->arch ? o->arch : "of this machine");
		goto out;
	}
	if (kx_facts_read(&s->facts, o->root, err) < 0)
		goto out;
	if (kx_file_map(&s->kernel, o->kernel, err) < 0)
		goto out;
	int uki = kx_uki_parse(s->kernel.bytes, o->kernel, arch->pe_machine, arch->name, &s->uki, err);
	if (uki < 0)
		goto out;
	s->is_uki = uki == 1;
	if (compose_cmdline(s, o, log, err) < 0)
		goto out;
	if (o->initrd && kx_file_map(&s->initrd, o->initrd, err) < 0)
		goto out;
	if (s->is_uki && uki_parts(s, o, arch, log, err) < 0)
		goto out;
	if (kx_unwrap_kernel(s->is_uki ? &s->uki_linux : &s->kernel, KX_KERNEL_DECOMPRESSED_MAX,
			     &s->unwrapped, s->chain, sizeof(s->chain), err) < 0)
		goto out;
	if (s->is_uki) {
		/* the inner chain is short ("gzip", "EFI zboot zstd") */
		char inner[sizeof(s->chain)];
		memcpy(inner, s->chain, sizeof(inner));
		snprintf(s->chain, sizeof(s->chain), "UKI%s%.100s", inner[0] ? " > " : "", inner);
	}

	/* Probe even for -s: a file we cannot parse gets our message, not an errno. */
	struct kx_error probe_err = { 0 };
	/* (a UKI's kernel is named as its section) */
	int probed = kx_format_select(arch, kernel_file(s)->bytes, s->is_uki ? s->uki_linux.path : o->kernel,
				      o->type, &fmt, &probe_err);
	if (probed < 0 && (o->mode != KX_MODE_FILE || probe_err.status != KX_E_FORMAT)) {
		*err = probe_err;
		goto out;
	}

	if (o->panic && prepare_crash(s, o, arch, fmt, log, err) < 0)
		goto out;

	unsigned long file_flags = (o->debug ? KX_KEXEC_FILE_DEBUG : 0) |
				   (!have_initrd(s) ? KX_KEXEC_FILE_NO_INITRAMFS : 0) |
				   (o->panic ? KX_KEXEC_FILE_ON_CRASH : 0);
	if (o->dry_run) {
		fprintf(stdout, "kexec-ng dry run: nothing is loaded\n");
		if (s->is_uki)
			print_uki(s, o, stdout);
		if (o->mode != KX_MODE_LOAD)
			print_file_plan(s, o, file_flags, stdout);
		if (o->mode != KX_MODE_FILE) {
			if (build_plan(s, o, arch, fmt, o->panic, log, err) < 0)
				goto out;
			kx_plan_print(&s->plan, stdout);
		}
		r = 0;
		goto out;
	}

	if (o->mode != KX_MODE_LOAD && strstr(s->chain, "EFI zboot"))
		/* The kernel will verify (or not) the unwrapped Image; the
		 * zboot wrapper's own signature is out of the picture. */
		fprintf(log, "kexec: note: %s is an EFI zboot image; kexec_file_load gets the Image unwrapped "
			"in memory, so a signature on the zboot wrapper is not what the kernel checks\n",
			o->kernel);
	if (o->mode != KX_MODE_LOAD && s->is_uki)
		/* The kernel verifies (or not) the kernel in .linux; a signature
		 * on the UKI as a whole, which would cover .initrd and .cmdline,
		 * is not what kexec_file_load checks. */
		fprintf(log, "kexec: note: %s is a UKI; kexec_file_load gets its .linux section, so the kernel "
			"checks the signature of the kernel inside, not the UKI's\n", o->kernel);
	if (o->mode != KX_MODE_LOAD) {
		if (s->is_uki && uki_memfds(s, err) < 0)
			goto out;
		int e = -kx_sys_kexec_file_load(kernel_file(s)->fd, s->initrd.fd, s->cmdline, file_flags);
		if (e == 0) {
			note_ignored_by_file_syscall(o, log);
			r = 0;
			goto out;
		}
		if (o->mode == KX_MODE_FILE) {
			if (e == ENOSYS) {
				kx_fail_errno(err, KX_E_NO_FILE_SYSCALL, e,
					      "-s: this kernel has no kexec_file_load (CONFIG_KEXEC_FILE); use -c");
				goto out;
			}
			explain_file_failure(&s->facts, o->kernel, e, err);
			goto out;
		}
		if (!file_errno_falls_back(e)) {
			explain_file_failure(&s->facts, o->kernel, e, err);
			goto out;
		}
		fprintf(log, "kexec: kexec_file_load of %s failed (%s: %s); falling back to kexec_load\n",
			o->kernel, strerror(e), file_syscall_why(e));
	}
	if (build_plan(s, o, arch, fmt, o->panic, log, err) < 0)
		goto out;
	if (o->debug)
		kx_plan_print(&s->plan, log);
	int e = -kx_sys_kexec_load(&s->plan);
	if (e) {
		explain_load_failure(&s->facts, e, err);
		goto out;
	}
	r = 0;
out:
	load_state_free(s);
	return r;
}

int kx_cmd_unload(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	struct kx_facts *f = calloc(1, sizeof(*f));
	int r = -1, e = 0;

	if (!f)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_facts_read(f, o->root, err) < 0)
		goto out;
	if (o->mode != KX_MODE_LOAD) {
		/* The file syscall unloads either kind of image, and is the only
		 * one that works under lockdown. */
		e = -kx_sys_kexec_file_load(-1, -1, NULL, KX_KEXEC_FILE_UNLOAD |
					    (o->panic ? KX_KEXEC_FILE_ON_CRASH : 0));
		if (e == 0 || o->mode == KX_MODE_FILE || !file_errno_falls_back(e)) {
			if (e == ENOSYS && o->mode == KX_MODE_FILE) {
				kx_fail_errno(err, KX_E_NO_FILE_SYSCALL, e, "-s -u: no kexec_file_load in this kernel");
				goto out;
			}
			if (e) {
				explain_file_failure(f, "(unload)", e, err);
				goto out;
			}
			r = 0;
			goto out;
		}
		if (o->debug)
			fprintf(log, "kexec: unload through kexec_file_load failed (%s); trying kexec_load\n",
				strerror(e));
	}
	e = -kx_sys_kexec_unload(o->panic ? KEXEC_ON_CRASH : 0);
	if (e) {
		explain_load_failure(f, e, err);
		goto out;
	}
	r = 0;
out:
	free(f);
	return r;
}

int kx_cmd_status(const struct kx_options *o)
{
	char buf[16];
	const char *rel = o->panic ? "sys/kernel/kexec_crash_loaded" : "sys/kernel/kexec_loaded";
	if (kx_read_text(o->root, rel, buf, sizeof(buf)) <= 0)
		return 0;
	return atoi(buf) ? 1 : 0;
}

int kx_cmd_print_ckr_size(const struct kx_options *o, FILE *out, struct kx_error *err)
{
	struct kx_facts *f = calloc(1, sizeof(*f));
	if (!f)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_facts_read(f, o->root, err) < 0) {
		free(f);
		return -1;
	}
	/* crashk_res, the region loads go into, as kexec-tools prints it (with
	 * crashkernel=X,high the high one, not the sum with the low one) */
	struct kx_range main_region = { 0 };
	kx_crash_main_region(&f->crash_regions, &main_region);
	fprintf(out, "%" PRIu64 "\n", main_region.end - main_region.start);
	free(f);
	return 0;
}

int kx_cmd_exec(const struct kx_options *o, struct kx_error *err)
{
	if (o->dry_run) {
		printf("kexec-ng dry run: would sync%s, take interfaces down%s and reboot into the loaded kernel\n",
		       o->no_sync ? " (skipped: -y)" : "", o->no_ifdown ? " (skipped: -x)" : "");
		return 0;
	}
	if (kx_cmd_status(&(struct kx_options){ .root = o->root }) == 0)
		return kx_fail(err, KX_E_SYSCALL, "nothing has been loaded: load a kernel with -l first");
	if (!o->no_sync)
		sync();
	if (!o->no_ifdown)
		kx_sys_ifdown();
	int e = -kx_sys_reboot_kexec();
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "reboot(LINUX_REBOOT_CMD_KEXEC) refused: " SEATBELT);
	return kx_fail_errno(err, KX_E_SYSCALL, e, "reboot(LINUX_REBOOT_CMD_KEXEC) returned");
}

int kx_cmd_shutdown_reboot(struct kx_error *err)
{
	/* Like kexec-tools: let init shut down cleanly; its scripts run kexec -e. */
	static const char *const paths[] = { "/sbin/shutdown", "/etc/shutdown", "/bin/shutdown",
					     "/usr/sbin/shutdown", NULL };
	for (const char *const *p = paths; *p; p++)
		execl(*p, "shutdown", "-r", "now", (char *)NULL);
	return kx_fail_errno(err, KX_E_SYSCALL, errno,
			     "the kernel is loaded, but shutdown(8) could not be run; use kexec -e");
}
