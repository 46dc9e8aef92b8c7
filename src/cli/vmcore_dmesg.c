// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-dmesg: print the kernel log kept in an ELF core file (/proc/vmcore
 * in a capture kernel, a saved copy of it, or /proc/kcore of the running
 * kernel). The only part of vmcore-dmesg that prints and chooses exit
 * codes; the library part (the core, VMCOREINFO, the ring buffer, the text)
 * is src/vmcore/.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/file.h"
#include "../dump/kdump_read.h"
#include "../vmcore/vmcore.h"
#include "core_exit.h"

#ifndef KX_VERSION
#define KX_VERSION "unknown"
#endif

struct options {
	const char *core;
	bool raw;
	bool verbose;
	bool physical;
	const char *extract;
};

static void usage(FILE *out)
{
	fputs("vmcore-dmesg (kexec-ng " KX_VERSION "): print the kernel log kept in an ELF core file\n"
	      "Usage: vmcore-dmesg [OPTION]... [CORE]\n"
	      "  CORE                /proc/vmcore (the default), a saved copy of it, or /proc/kcore\n"
	      "  -r, --raw           the records' text only, as stored: no timestamps, no escaping\n"
	      "  -v, --verbose       describe the ring buffer on standard error\n"
	      "  -p, --physical      ignore the core's virtual addresses and translate them through\n"
	      "                      VMCOREINFO, as for a /proc/vmcore without them\n"
	      "  -x, --extract=FILE  also write FILE, a new file: a minimal core with only the\n"
	      "                      VMCOREINFO note and the memory read (-p: p_vaddr 0)\n"
	      "  -h, --help          print this help and exit\n"
	      "  -V, --version       print the version and exit\n"
	      "Reads the lockless printk ring buffer of Linux 5.10 and later through the core's\n"
	      "VMCOREINFO note. Exit status: 0 success, 1 out of memory or write error, 2 usage,\n"
	      "3 the core cannot be read, 4 the core is broken or truncated, 5 not a kernel core\n"
	      "or a printk buffer format it does not read (Linux before 5.10).\n", out);
}

static int parse(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "physical", no_argument, NULL, 'p' },
		{ "extract", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opt->core = "/proc/vmcore";
	while ((c = getopt_long(argc, argv, "rvpx:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opt->raw = true; break;
		case 'v': opt->verbose = true; break;
		case 'p': opt->physical = true; break;
		case 'x': opt->extract = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts("vmcore-dmesg (kexec-ng) " KX_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc)
		opt->core = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "vmcore-dmesg: one core file, not also '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Everything one run holds, in one place so that finish() frees it
 * whichever step failed. */
struct run {
	struct options opt;
	struct kx_error err;
	struct kx_vmcore vc;
	struct kx_printk_log log;
	struct kx_vmcore_recorder rec;
	struct kx_outfile extract; /* --extract's file, created (nameless) before the core is read */
	char *text;           /* the formatted log */
	size_t len;
	uint8_t *min;         /* the minimal core for --extract */
	size_t min_size;
	int fd;               /* the core */
	struct kx_kdump_view dump; /* a kdump-compressed file, read as an ELF core */
	bool is_dump;
};

/* Created first (never over an existing file), so that a run that cannot
 * write it fails before printing anything; it gets its name only once
 * written whole (kx_outfile), so that a run that fails or is killed leaves
 * no partial core under it. */
static int create_extract(struct run *r)
{
	if (!r->opt.extract)
		return 0;
	if (kx_outfile_create(&r->extract, r->opt.extract, &r->err) < 0) {
		fprintf(stderr, "vmcore-dmesg: %s\n", r->err.message);
		return -1;
	}
	return 0;
}

/* Open the core and read its ring buffer. With --extract the reads go
 * through the recorder, which keeps every byte read for the minimal core. */
static int read_log(struct run *r)
{
	r->fd = open(r->opt.core, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return kx_fail_errno(&r->err, KX_E_IO, errno, "%s: cannot open", r->opt.core);
	r->rec.inner = kx_elfcore_fd_reader(&r->fd);
	/* a kdump-compressed file (makedumpfile's, vmcore-save's) or a
	 * flattened stream: read through the dump's ELF view */
	uint8_t head[16];
	if (pread(r->fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    (kx_kdump_signature(head, sizeof(head)) || !memcmp(head, "makedumpfile", 12))) {
		if (kx_kdump_view_open(&r->dump, r->opt.core, r->rec.inner, &r->err) < 0)
			return -1;
		r->is_dump = true;
		r->rec.inner = kx_kdump_view_reader(&r->dump);
	}
	if (kx_vmcore_open(&r->vc, r->opt.core,
			   r->opt.extract ? kx_vmcore_recording_reader(&r->rec) : r->rec.inner, &r->err) < 0)
		return -1;
	r->vc.physical_only = r->opt.physical;
	return kx_printk_read(&r->vc, &r->log, &r->err);
}

/* -v: what the core and its ring buffer hold, on standard error. */
static void describe(const struct run *r)
{
	const char *machine = kx_elfcore_machine_name(r->vc.machine);
	const struct kx_printk_log *log = &r->log;

	fprintf(stderr, "vmcore-dmesg: %s: %s, %u program headers with memory (%u beyond any "
		"file offset, skipped); %s ring buffer at 0x%" PRIx64 ": 2^%u descriptors, "
		"2^%u bytes of text; %zu records (%" PRIu64 " lost, %" PRIu64 " incomplete, %"
		PRIu64 " inconsistent)\n",
		r->opt.core, machine ? machine : "unknown machine", r->vc.nr_loads, r->vc.nr_unreadable,
		log->dynamic ? "printk_rb_dynamic" : "printk_rb_static", log->rb_addr,
		log->count_bits, log->size_bits, log->nr_records, log->lost, log->incomplete,
		log->invalid);
}

/* The error in r->err, printed; its exit status. */
static int fail(const struct run *r)
{
	fprintf(stderr, "vmcore-dmesg: %s\n", r->err.message);
	return kx_core_exit_code(r->err.status);
}

/* Read the log, print it, then write the minimal core (after the log, so
 * that the log is out even when the minimal core cannot be written).
 * Returns the exit status, its message printed. */
static int run_dmesg(struct run *r)
{
	struct kx_dmesg_options fmt = { .raw = r->opt.raw };

	if (read_log(r) < 0)
		return fail(r);
	if (r->opt.verbose)
		describe(r);
	if (kx_dmesg_format(&r->log, &fmt, &r->text, &r->len, &r->err) < 0)
		return fail(r);
	if (fwrite(r->text, 1, r->len, stdout) != r->len || fflush(stdout) != 0) {
		fprintf(stderr, "vmcore-dmesg: cannot write the log: %s\n", strerror(errno));
		return EXIT_FATAL;
	}
	if (!r->opt.extract)
		return 0;
	if (kx_vmcore_write_minimal(&r->vc, &r->rec, !r->opt.physical, &r->min, &r->min_size, &r->err) < 0)
		return fail(r);
	if (kx_outfile_write(&r->extract, (struct kx_bytes){ r->min, r->min_size }, &r->err) < 0 ||
	    kx_outfile_commit(&r->extract, &r->err) < 0)
		return fail(r);
	return 0;
}

/* Close and free what the run holds. The --extract file has its name only
 * after a run that succeeded: a failed one leaves no partial core behind. */
static int finish(struct run *r, int rc)
{
	kx_outfile_abandon(&r->extract);
	free(r->min);
	free(r->text);
	kx_printk_log_free(&r->log);
	kx_vmcore_close(&r->vc);
	kx_vmcore_recorder_free(&r->rec);
	if (r->is_dump)
		kx_kdump_view_close(&r->dump);
	if (r->fd >= 0)
		close(r->fd);
	return rc;
}

int main(int argc, char **argv)
{
	struct run r = { .fd = -1, .extract = { .fd = -1 } };

	if (parse(argc, argv, &r.opt) < 0)
		return EXIT_USAGE;
	if (create_extract(&r) < 0)
		return kx_core_exit_code(r.err.status);
	return finish(&r, run_dmesg(&r));
}
