// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The commands behind the actions: load (the syscall choice and fallback of
 * the kexec-tools contract, around the load pipeline of src/load), unload,
 * exec, status.
 */
#include "commands.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../arch/arch.h"
#include "../arch/crash_plan.h"
#include "../arch/x86_64/jump_back.h"
#include "../core/number.h"
#include "../load/load.h"
#include "../system/facts.h"
#include "../system/syscalls.h"
#include "explain.h"
#include "json.h"

/* The facts of this machine, or of the fixture folder of --x-test-root. */
static int options_facts(const struct kx_options *o, struct kx_facts *f, struct kx_error *err)
{
	return o->test.root ? kx_facts_read_fixture(f, o->test.root, err) : kx_facts_read(f, "/", err);
}

/*
 * The signals that end a process by default, held from the first system
 * call of a load until the command line has reported its outcome
 * (kx_cmd_release_signals): a Ctrl-C, a SIGTERM or a closed pipe then ends
 * kexec only once the kernel has answered, never between the two calls of
 * one load (-a: kexec_file_load refused, then kexec_load). Before the first
 * call they act at once: nothing has been asked of the kernel yet.
 */
static sigset_t held_from;
static bool holding;

static void hold_signals(void)
{
	sigset_t set;

	if (holding)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	holding = sigprocmask(SIG_BLOCK, &set, &held_from) == 0;
}

void kx_cmd_release_signals(void)
{
	if (holding)
		sigprocmask(SIG_SETMASK, &held_from, NULL);
	holding = false;
}

/* 1 loaded, 0 not, -1 the kernel does not say (no such file under root). */
static int loaded(const char *root, const char *rel)
{
	char buf[16];
	if (kx_read_text(root, rel, buf, sizeof(buf)) <= 0)
		return -1;
	return atoi(buf) ? 1 : 0;
}

/* Print the notes not printed yet (they come in order, some after a system call). */
static void flush_notes(const struct kx_load *ld, unsigned int *shown, FILE *log)
{
	for (; *shown < ld->notes.count; (*shown)++)
		fprintf(log, "kexec: note: %s\n", ld->notes.text[*shown]);
}

static struct kx_load_request request_of(const struct kx_options *o, const struct kx_arch_ops *arch)
{
	return (struct kx_load_request){
		.arch = arch, .kernel = o->kernel, .initrd = o->initrd, .append = o->append,
		.modules = o->modules, .nr_modules = o->nr_modules,
		.reuse_cmdline = o->reuse_cmdline, .reuse_initrd = o->reuse_initrd, .type = o->type, .dtb = o->dtb,
		/* --console-serial: kexec-tools' purgatory reports on --serial, by default ttyS0 */
		.serial = o->serial ? o->serial : o->console_serial ? "ttyS0" : NULL,
		.serial_baud = o->serial_baud, .console_vga = o->console_vga, .reset_vga = o->reset_vga,
		.entry_32bit = o->entry_32bit, .args = o->args, .pass_memmap_cmdline = o->pass_memmap_cmdline,
		.crash = o->panic, .crash_hotplug = o->hotplug, .mem_min = o->mem_min, .mem_max = o->mem_max,
		.have_entry = o->have_entry, .entry = o->entry, .no_checks = o->no_checks,
		.digest_kind = o->digest, .digest_given = o->digest_given,
		.no_efi = o->no_efi, .no_cma = o->no_cma, .force_dtb = o->force_dtb, .uki_profile = o->uki_profile,
		.uki_profile_given = o->uki_profile_given,
		.file_syscall_only = o->mode == KX_MODE_FILE, .preserve_context = o->preserve_context,
		.test = o->test,
	};
}

/* A wrapper's parts (a UKI's sections) and what became of each. */
static void print_parts(const struct kx_load *ld, FILE *out)
{
	const struct kx_layer *layer = ld->parts[KX_PART_KERNEL].layer;

	if (!layer)
		return;
	fprintf(out, "%s %s (%s):\n", layer->wrapper->name, ld->rq.kernel, layer->detail);
	for (int i = 0; i < KX_PART_COUNT; i++) {
		const struct kx_wrapped_part *part = &layer->parts[i];
		if (!part->name)
			continue;
		fprintf(out, "  %-8s at 0x%08" PRIx64 ", 0x%08zx bytes: %s\n", part->name, part->offset,
			part->bytes.size, ld->parts[i].use);
	}
	fprintf(out, "command line from %s\n", ld->cmdline_from);
}

static void print_file_call(const struct kx_file_call *c, const struct kx_options *o, FILE *out)
{
	static const char memfd[] = " (copied into a sealed memfd)";
	fprintf(out, "kexec_file_load: kernel fd of %s%s, initrd %s%s, command line \"%s\", flags 0x%lx\n",
		c->kernel->path, c->kernel_copied ? memfd : "",
		c->initrd ? c->initrd->path : "none (KEXEC_FILE_NO_INITRAMFS)", c->initrd_copied ? memfd : "",
		c->cmdline, c->flags);
	if (o->mode == KX_MODE_AUTO)
		fprintf(out, "  then, if the kernel cannot load it itself: kexec_load with this plan:\n");
}

/* Options the file syscall cannot honour: say so instead of ignoring them.
 * (-t naming a wrapper was honoured: the file was checked to be one.) */
static void note_ignored_by_file_syscall(const struct kx_load *ld, const struct kx_options *o, FILE *log)
{
	static const char places[] = "the kernel places the image";
	struct ignored { const char *option, *why; } ignored[8];
	int n = 0;
	if (ld->forced_format) ignored[n++] = (struct ignored){ "-t", places };
	if (o->no_checks) ignored[n++] = (struct ignored){ "--no-checks", places };
	if (o->have_entry) ignored[n++] = (struct ignored){ "--entry", places };
	if (o->mem_min || o->mem_max) ignored[n++] = (struct ignored){ "--mem-min/--mem-max", places };
	if (o->dtb) ignored[n++] = (struct ignored){ "--dtb", places };
	if (o->console_vga || o->reset_vga || o->serial_baud)
		ignored[n++] = (struct ignored){ o->console_vga ? "--console-vga" : o->reset_vga ? "--reset-vga" :
						 "--serial-baud", "the kernel's own purgatory has no console" };
	if (o->digest_given)
		ignored[n++] = (struct ignored){ "--digest", "the kernel's own purgatory, where it has one, "
						 "checks its own SHA-256 digests" };
	for (int i = 0; i < n; i++)
		fprintf(log, "kexec: note: %s has no effect with kexec_file_load (%s); use -c to apply it\n",
			ignored[i].option, ignored[i].why);
}

/* --dry-run --json: one JSON object (schema kexec-ng/plan/2, kexec(8)). */
static void json_parts(struct kx_json *j, const struct kx_load *ld)
{
	const struct kx_layer *layer = ld->parts[KX_PART_KERNEL].layer;
	if (!layer) {
		kx_json_str(j, "wrapper", NULL);
		return;
	}
	kx_json_open(j, "wrapper", '{');
	kx_json_str(j, "name", layer->wrapper->name);
	kx_json_str(j, "detail", layer->detail);
	kx_json_open(j, "parts", '[');
	for (int i = 0; i < KX_PART_COUNT; i++) {
		if (!layer->parts[i].name)
			continue;
		kx_json_open(j, NULL, '{');
		kx_json_str(j, "name", layer->parts[i].name);
		kx_json_u64(j, "offset", layer->parts[i].offset);
		kx_json_u64(j, "size", layer->parts[i].bytes.size);
		kx_json_str(j, "use", ld->parts[i].use);
		kx_json_close(j, '}');
	}
	kx_json_close(j, ']');
	kx_json_str(j, "cmdline_from", ld->cmdline_from);
	kx_json_close(j, '}');
}

static void json_file_call(struct kx_json *j, const struct kx_file_call *c)
{
	kx_json_open(j, "kexec_file_load", '{');
	kx_json_str(j, "kernel", c->kernel->path);
	kx_json_bool(j, "kernel_copied_to_memfd", c->kernel_copied);
	kx_json_str(j, "initrd", c->initrd ? c->initrd->path : NULL);
	kx_json_bool(j, "initrd_copied_to_memfd", c->initrd_copied);
	kx_json_str(j, "cmdline", c->cmdline);
	kx_json_u64(j, "flags", c->flags);
	kx_json_close(j, '}');
}

static void json_plan(struct kx_json *j, const struct kx_plan *plan)
{
	kx_json_open(j, "kexec_load", '{');
	kx_json_str(j, "format", plan->format);
	kx_json_str(j, "cmdline", plan->cmdline);
	kx_json_open(j, "segments", '[');
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		const struct kx_segment *s = &plan->segments[i];
		kx_json_open(j, NULL, '{');
		kx_json_str(j, "role", s->name);
		kx_json_str(j, "source", s->source);
		kx_json_u64(j, "mem", s->mem);
		kx_json_hex(j, "mem_hex", s->mem);
		kx_json_u64(j, "memsz", s->memsz);
		kx_json_u64(j, "bufsz", s->bufsz);
		char h[65];
		bool digest = plan->hashed && !s->preserved; /* not with --no-checks: null */
		if (digest)
			kx_plan_segment_digest_hex(plan, s, h);
		kx_json_str(j, "digest", digest ? h : NULL);
		kx_json_bool(j, "kernel_rewrites", s->kernel_rewrites);
		kx_json_bool(j, "preserved", s->preserved);
		kx_json_close(j, '}');
	}
	kx_json_close(j, ']');
	if (plan->kernel_room_size) {
		kx_json_open(j, "kernel_room", '{');
		kx_json_u64(j, "mem", plan->kernel_room_start);
		kx_json_hex(j, "mem_hex", plan->kernel_room_start);
		kx_json_u64(j, "size", plan->kernel_room_size);
		kx_json_close(j, '}');
	} else {
		kx_json_str(j, "kernel_room", NULL);
	}
	kx_json_u64(j, "entry", plan->entry);
	kx_json_hex(j, "entry_hex", plan->entry);
	kx_json_u64(j, "kernel_entry", plan->kernel_entry);
	kx_json_hex(j, "kernel_entry_hex", plan->kernel_entry);
	kx_json_u64(j, "flags", plan->flags);
	kx_json_bool(j, "purgatory_check", plan->verify);
	kx_json_str(j, "digest_kind", plan->hashed ? kx_digest_name(plan->digest_kind) : NULL);
	if (plan->hashed)
		kx_json_bytes_hex(j, "digest", plan->digest, sizeof(plan->digest));
	else
		kx_json_str(j, "digest", NULL);
	kx_json_close(j, '}');
}

static void print_json(const struct kx_load *ld, const struct kx_options *o, const struct kx_file_call *call,
		       const struct kx_plan *plan)
{
	struct kx_json j = { .out = stdout };

	kx_json_open(&j, NULL, '{');
	kx_json_str(&j, "schema", "kexec-ng/plan/2");
	kx_json_str(&j, "architecture", ld->rq.arch->name);
	kx_json_str(&j, "kernel", ld->rq.kernel);
	kx_json_str(&j, "chain", ld->unwrapped.chain);
	kx_json_str(&j, "format", ld->format ? ld->format->name : NULL);
	kx_json_bool(&j, "crash", ld->rq.crash);
	json_parts(&j, ld);
	if (call)
		json_file_call(&j, call);
	else
		kx_json_str(&j, "kexec_file_load", NULL);
	kx_json_bool(&j, "fallback_to_kexec_load", o->mode == KX_MODE_AUTO);
	if (plan)
		json_plan(&j, plan);
	else
		kx_json_str(&j, "kexec_load", NULL);
	kx_json_open(&j, "notes", '[');
	for (unsigned int i = 0; i < ld->notes.count; i++)
		kx_json_str(&j, NULL, ld->notes.text[i]);
	kx_json_close(&j, ']');
	kx_json_close(&j, '}');
}

/*
 * --dry-run: the kexec_file_load call (-s, -a) and the kexec_load plan (-c,
 * -a), made as for a load and printed on stdout, as text or (--json) as one
 * JSON object. A plan that cannot be made is the error; the text still
 * shows what was decided before it.
 */
static int dry_run(struct kx_load *ld, const struct kx_options *o, unsigned int *shown, FILE *log,
		   struct kx_error *err)
{
	struct kx_file_call call;
	struct kx_plan plan;
	/* (--load-preserve-context: kexec_load only, check_jump refused -s) */
	bool with_call = o->mode != KX_MODE_LOAD && !o->preserve_context, with_plan = o->mode != KX_MODE_FILE;

	kx_plan_init(&plan);
	if (with_call && kx_load_file_call(ld, false, o->debug, &call, err) < 0)
		return -1;
	int r = with_plan ? kx_load_build_plan(ld, &plan, err) : 0;
	flush_notes(ld, shown, log);
	if (o->json && r == 0) {
		print_json(ld, o, with_call ? &call : NULL, with_plan ? &plan : NULL);
	} else if (!o->json) {
		printf("kexec-ng dry run: nothing is loaded\n");
		print_parts(ld, stdout);
		if (with_call)
			print_file_call(&call, o, stdout);
		if (with_plan && r == 0)
			kx_plan_print(&plan, stdout);
	}
	kx_plan_free(&plan);
	return r;
}

/* kexec_file_load: 0 loaded, 1 fall back to kexec_load (said on `log`), -1 failed.
 * *asked: the kernel was called (not only the seatbelt). */
static int load_by_file(struct kx_load *ld, const struct kx_options *o, unsigned int *shown, FILE *log,
			bool *asked, struct kx_error *err)
{
	struct kx_file_call call;

	char what[600];
	snprintf(what, sizeof(what), "kexec_file_load of %s", o->kernel);
	if (kx_refuse_under_xen(ld->facts.xen_control_domain, what, err) < 0)
		return -1;
	int r = kx_load_file_call(ld, true, o->debug, &call, err);
	flush_notes(ld, shown, log);
	if (r < 0)
		return -1;
	hold_signals();
	int e = -kx_sys_kexec_file_load(call.kernel->fd, call.initrd ? call.initrd->fd : -1, call.cmdline,
					call.flags);
	*asked = *asked || e != ECANCELED;
	if (e == EINVAL && (call.flags & KX_KEXEC_FILE_NO_CMA)) {
		/* KEXEC_FILE_NO_CMA: 6.17 put segments in CMA and defined the flag,
		 * but the kernel accepts it only from 6.18 (with KEXEC_FILE_FORCE_DTB,
		 * whose series made it legal); before 6.17 no segment is in CMA */
		fprintf(log, "kexec: note: kexec_file_load said EINVAL with KEXEC_FILE_NO_CMA (--no-cma), which "
			"kernels before 6.18 do not accept (before 6.17 none places segments in CMA); trying again "
			"without it\n");
		call.flags &= ~(unsigned long)KX_KEXEC_FILE_NO_CMA;
		e = -kx_sys_kexec_file_load(call.kernel->fd, call.initrd ? call.initrd->fd : -1, call.cmdline,
					    call.flags);
	}
	if (e == EINVAL && (call.flags & KX_KEXEC_FILE_DEBUG)) {
		/* KEXEC_FILE_DEBUG is 6.8's: an older kernel refuses the flag, not the image */
		fprintf(log, "kexec: note: kexec_file_load said EINVAL with KEXEC_FILE_DEBUG (-d), which kernels "
			"before 6.8 do not know; trying again without it\n");
		e = -kx_sys_kexec_file_load(call.kernel->fd, call.initrd ? call.initrd->fd : -1, call.cmdline,
					    call.flags & ~(unsigned long)KX_KEXEC_FILE_DEBUG);
	}
	if (e == EINVAL && (call.flags & KX_KEXEC_FILE_FORCE_DTB) && o->mode == KX_MODE_FILE)
		return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_file_load of %s with KEXEC_FILE_FORCE_DTB "
				     "(--force-dtb) said EINVAL: the kernel's loaders rejected the image, or the "
				     "kernel is older than 6.18 and does not know that flag (nor hand the running "
				     "device tree on); try without --force-dtb", o->kernel);
	if (e == 0) {
		note_ignored_by_file_syscall(ld, o, log);
		return 0;
	}
	if (o->mode == KX_MODE_FILE && e == ENOSYS)
		return kx_fail_errno(err, KX_E_NO_FILE_SYSCALL, e,
				     "-s: this kernel has no kexec_file_load (CONFIG_KEXEC_FILE); use -c");
	if (o->mode == KX_MODE_FILE || !kx_file_errno_falls_back(e))
		return kx_explain_file_failure(&ld->facts, o->kernel, e, err);
	fprintf(log, "kexec: kexec_file_load of %s failed (%s: %s); falling back to kexec_load\n",
		o->kernel, strerror(e), kx_file_syscall_why(e));
	if (o->no_cma || o->force_dtb)
		fprintf(log, "kexec: note: %s has no effect with kexec_load\n", o->no_cma ? "--no-cma" : "--force-dtb");
	return 1;
}

/* kexec_load with our plan: 0 loaded, -1 failed; *asked as for load_by_file. */
static int load_by_plan(struct kx_load *ld, const struct kx_options *o, unsigned int *shown, FILE *log,
			bool *asked, struct kx_error *err)
{
	struct kx_plan plan;

	if (kx_refuse_under_xen(ld->facts.xen_control_domain, "kexec_load", err) < 0)
		return -1;
	int r = kx_load_build_plan(ld, &plan, err);
	flush_notes(ld, shown, log);
	if (r == 0 && o->debug)
		kx_plan_print(&plan, log);
	/* -d: kexec-tools (after 2.0.32) asks the kernel to log the load too
	 * (KEXEC_DEBUG); a kernel that does not know the flag says EINVAL */
	if (r == 0 && o->debug)
		plan.flags |= KX_KEXEC_DEBUG;
	/* --x-test-misaligned-segment: the last segment's end off a page
	 * boundary, which the kernel refuses (EADDRNOTAVAIL) after its first
	 * checks, where a crash load has already freed the loaded crash kernel */
	if (r == 0 && o->test.misaligned_segment)
		plan.segments[plan.nr_segments - 1].memsz += 1;
	if (r == 0)
		hold_signals();
	int e = r == 0 ? -kx_sys_kexec_load(&plan) : 0;
	*asked = *asked || (r == 0 && e != ECANCELED);
	if (e == EINVAL && (plan.flags & KX_KEXEC_DEBUG)) {
		fprintf(log, "kexec: note: kexec_load said EINVAL with KEXEC_DEBUG (-d), which this kernel may not "
			"know; trying again without it\n");
		plan.flags &= ~(unsigned long)KX_KEXEC_DEBUG;
		e = -kx_sys_kexec_load(&plan);
	}
	if (e)
		r = kx_explain_load_failure(&ld->facts, e, err);
	kx_plan_free(&plan);
	return r;
}

int kx_cmd_load(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	const struct kx_arch_ops *arch = o->test.arch ? kx_arch_by_name(o->test.arch) : kx_arch_native();
	unsigned int shown = 0;

	if (!arch)
		return kx_fail(err, KX_E_USAGE, "no back end for architecture %s",
			       o->test.arch ? o->test.arch : "of this machine");
	struct kx_load *ld = kx_load_new();
	if (!ld)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	struct kx_load_request rq = request_of(o, arch);
	bool asked = false;
	int r = kx_load_prepare(ld, &rq, err);
	flush_notes(ld, &shown, log);
	/* An image only kexec_load can load as asked: -a does not ask the
	 * kernel's loaders first, -s is refused with the reason. */
	struct kx_options eff = *o;
	char why[256];
	if (r == 0 && o->mode != KX_MODE_LOAD && kx_load_needs_kexec_load(ld, why, sizeof(why))) {
		if (o->mode == KX_MODE_FILE) {
			r = kx_fail(err, KX_E_USAGE, "-s: %s: %s: load it with kexec_load (-c, or -a)", o->kernel, why);
		} else {
			fprintf(log, "kexec: note: %s: %s: loading with kexec_load\n", o->kernel, why);
			eff.mode = KX_MODE_LOAD;
		}
	}
	o = &eff;
	if (r == 0 && o->dry_run) {
		r = dry_run(ld, o, &shown, log, err);
	} else if (r == 0) {
		/* -s and -a: kexec_file_load first; -c, and -a when the kernel
		 * cannot load the image itself: kexec_load with our plan */
		r = o->mode == KX_MODE_LOAD || o->preserve_context ? 1 :
		    load_by_file(ld, o, &shown, log, &asked, err);
		if (r == 1)
			r = load_by_plan(ld, o, &shown, log, &asked, err);
	}
	/* Every failure found here was found before the kernel was asked, and
	 * left what was loaded as it was; once asked, say what is loaded now. */
	if (r < 0 && asked)
		kx_explain_what_stays(o->panic, o->panic ? ld->facts.kexec_crash_loaded : ld->facts.kexec_loaded,
				      loaded(kx_options_root(o), o->panic ? "sys/kernel/kexec_crash_loaded" :
									    "sys/kernel/kexec_loaded"),
				      err);
	kx_load_free(ld);
	return r;
}

int kx_cmd_unload(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	struct kx_facts *f = calloc(1, sizeof(*f));
	int r = -1, e = 0;

	if (!f)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (options_facts(o, f, err) < 0 || kx_refuse_under_xen(f->xen_control_domain, "unloading", err) < 0)
		goto out;
	if (o->mode != KX_MODE_LOAD) {
		/* The file syscall unloads either kind of image, and is the only
		 * one that works under lockdown. */
		e = -kx_sys_kexec_file_load(-1, -1, NULL, KX_KEXEC_FILE_UNLOAD |
					    (o->panic ? KX_KEXEC_FILE_ON_CRASH : 0));
		if (e == 0 || o->mode == KX_MODE_FILE || !kx_file_errno_falls_back(e)) {
			if (e == ENOSYS && o->mode == KX_MODE_FILE) {
				kx_fail_errno(err, KX_E_NO_FILE_SYSCALL, e, "-s -u: no kexec_file_load in this kernel");
				goto out;
			}
			if (e) {
				kx_explain_file_failure(f, "(unload)", e, err);
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
		kx_explain_load_failure(f, e, err);
		goto out;
	}
	r = 0;
out:
	free(f);
	return r;
}

/* -S --json: what is loaded, the crash regions, hotplug support
 * (schema kexec-ng/status/1, kexec(8)). */
static void status_json(const struct kx_options *o, int answer)
{
	const char *root = kx_options_root(o);
	struct kx_json j = { .out = stdout };
	struct kx_facts *f = calloc(1, sizeof(*f));
	struct kx_error err = { 0 };

	kx_json_open(&j, NULL, '{');
	kx_json_str(&j, "schema", "kexec-ng/status/1");
	kx_json_str(&j, "asked_about", o->status_crash ? "crash" : "normal");
	kx_json_u64(&j, "exit_status", (uint64_t)answer);
	kx_json_open(&j, "loaded", '{');
	kx_json_bool(&j, "normal", loaded(root, "sys/kernel/kexec_loaded"));
	kx_json_bool(&j, "crash", loaded(root, "sys/kernel/kexec_crash_loaded"));
	kx_json_close(&j, '}');
	kx_json_open(&j, "crash_regions", '[');
	if (f && options_facts(o, f, &err) == 0) {
		for (unsigned int i = 0; i < f->crash_regions.count; i++) {
			kx_json_open(&j, NULL, '{');
			kx_json_u64(&j, "start", f->crash_regions.ranges[i].start);
			kx_json_u64(&j, "size", f->crash_regions.ranges[i].end - f->crash_regions.ranges[i].start);
			kx_json_close(&j, '}');
		}
	}
	kx_json_close(&j, ']');
	kx_json_open(&j, "crash_hotplug", '{');
	kx_json_bool(&j, "cpu", loaded(root, "sys/devices/system/cpu/crash_hotplug"));
	kx_json_bool(&j, "memory", loaded(root, "sys/devices/system/memory/crash_hotplug"));
	kx_json_close(&j, '}');
	kx_json_close(&j, '}');
	free(f);
}

int kx_cmd_status(const struct kx_options *o)
{
	int r = loaded(kx_options_root(o), o->status_crash ? "sys/kernel/kexec_crash_loaded" :
								"sys/kernel/kexec_loaded");
	/* kexec-tools: -1 (exit 255) when the kernel does not say */
	int answer = r < 0 ? 255 : r;
	if (o->json)
		status_json(o, answer);
	return answer;
}

int kx_cmd_print_ckr_size(const struct kx_options *o, FILE *out, struct kx_error *err)
{
	struct kx_facts *f = calloc(1, sizeof(*f));
	if (!f)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (options_facts(o, f, err) < 0) {
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

int kx_cmd_exec(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	if (o->dry_run) {
		printf("kexec-ng dry run: would sync%s, take interfaces down%s and reboot into the loaded kernel\n",
		       o->no_sync ? " (skipped: -y)" : "", o->no_ifdown ? " (skipped: -x)" : "");
		return 0;
	}
	if (kx_xen_control_domain(kx_options_root(o)))
		return kx_refuse_under_xen(true, "kexec -e", err);
	if (kx_cmd_status(&(struct kx_options){ .test.root = o->test.root }) == 0)
		return kx_fail(err, KX_E_SYSCALL, "nothing has been loaded: load a kernel with -l first");
	if (!o->no_sync)
		sync();
	if (!o->no_ifdown)
		kx_sys_ifdown();
	int e = -kx_sys_reboot_kexec();
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "reboot(LINUX_REBOOT_CMD_KEXEC) refused: " KX_SEATBELT);
	if (e == 0) {
		/* kernel_kexec() returns only for an image loaded with
		 * KEXEC_PRESERVE_CONTEXT, once the kernel it entered jumped back */
		fprintf(log, "kexec: back in this kernel: the kernel it jumped to (kexec jump) returned\n");
		return 0;
	}
	return kx_fail_errno(err, KX_E_SYSCALL, e, "reboot(LINUX_REBOOT_CMD_KEXEC) returned");
}

/* kexec_jump_back_entry=0x... on a command line (the purgatory of the
 * kernel that jumped here wrote it): 0 when there is none or it is no number. */
static uint64_t jump_back_entry_of(const char *cmdline)
{
	static const char key[] = "kexec_jump_back_entry=";
	uint64_t v = 0;

	for (const char *p = cmdline; (p = strstr(p, key)); p += sizeof(key) - 1) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		char word[32];
		size_t n = strcspn(p + sizeof(key) - 1, " \n");
		if (n == 0 || n >= sizeof(word))
			return 0;
		memcpy(word, p + sizeof(key) - 1, n);
		word[n] = 0;
		if (kx_parse_u64(word, &v) < 0)
			return 0;
	}
	return v;
}

int kx_cmd_jump_back_helper(const struct kx_options *o, FILE *log, struct kx_error *err)
{
	const struct kx_arch_ops *arch = o->test.arch ? kx_arch_by_name(o->test.arch) : kx_arch_native();
	struct kx_facts *f = calloc(1, sizeof(*f));
	struct kx_plan plan;
	int r = -1;

	if (!f)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	kx_plan_init(&plan);
	if (options_facts(o, f, err) < 0)
		goto out;
	if (!arch || !arch->kexec_jump) {
		kx_fail(err, KX_E_USAGE, "--load-jump-back-helper: kexec jump exists on x86_64 only (the kernel's "
			"CONFIG_KEXEC_JUMP), not on %s", arch ? arch->name : "this machine");
		goto out;
	}
	/* kexec-tools: "There is kexec kernel loaded, make sure you are in
	 * kexeced kernel." The helper would replace it. */
	if (f->kexec_loaded == 1) {
		kx_fail(err, KX_E_USAGE, "--load-jump-back-helper: a kernel is loaded already; the helper belongs in "
			"the kernel that was jumped to, with nothing loaded (unload it with -u first)");
		goto out;
	}
	uint64_t entry = o->have_entry ? o->entry : jump_back_entry_of(f->cmdline);
	if (!entry) {
		kx_fail(err, KX_E_USAGE, "--load-jump-back-helper needs the address to jump back to: --entry=ADDR, "
			"or kexec_jump_back_entry= on this kernel's command line (/proc/cmdline has none: was this "
			"kernel loaded with --load-preserve-context?)");
		goto out;
	}
	if (!o->have_entry)
		fprintf(log, "kexec: note: jumping back to 0x%" PRIx64 ", the kexec_jump_back_entry= of "
			"/proc/cmdline\n", entry);
	/* kexec-tools' image is one empty segment entered at the return
	 * address, which the kernel cannot reach (jump_back.c): a trampoline
	 * with its own page tables instead */
	struct kx_memmap ram;
	plan.arch = arch->name;
	snprintf(plan.format, sizeof(plan.format), "kexec jump back helper");
	if (kx_facts_usable_ram(f, &ram, err) < 0 || kx_x86_jump_back_helper(&ram, entry, &plan, err) < 0)
		goto out;
	if (o->dry_run) {
		printf("kexec-ng dry run: nothing is loaded\n");
		printf("kexec_load: the jump back helper: a trampoline to 0x%" PRIx64 " (kexec_jump_back_entry), "
		       "flags 0x%lx (KEXEC_PRESERVE_CONTEXT)\n", entry, plan.flags);
		printf("  segment 0x%09" PRIx64 "-0x%09" PRIx64 ": %s, entered at 0x%" PRIx64 "\n",
		       plan.segments[0].mem, plan.segments[0].mem + plan.segments[0].memsz - 1,
		       plan.segments[0].source, plan.entry);
		r = 0;
		goto out;
	}
	if (!o->no_sync)
		sync();
	int e = -kx_sys_kexec_load(&plan);
	if (e == ECANCELED) {
		kx_fail(err, KX_E_SYSCALL, "kexec_load of the jump back helper refused: " KX_SEATBELT);
		goto out;
	}
	if (e) {
		kx_explain_load_failure(f, e, err);
		kx_error_append(err, e == EINVAL ? " (loading the jump back helper: a kernel without "
				"CONFIG_KEXEC_JUMP refuses KEXEC_PRESERVE_CONTEXT with EINVAL)" :
				" (loading the jump back helper)");
		goto out;
	}
	r = 0;
out:
	kx_plan_free(&plan);
	free(f);
	return r;
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
