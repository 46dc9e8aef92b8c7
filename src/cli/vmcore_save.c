// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmcore-save: save the crashed kernel's memory (/proc/vmcore in a capture
 * kernel, or a copy of it) as a kdump-compressed dump, the format crash and
 * makedumpfile read; makedumpfile's command line for what kdump scripts
 * pass. The only part that prints and chooses exit codes; the library part
 * is src/dump/.
 *
 * This version filters zero pages only (dump level bit 1); the struct page
 * classes of levels 2 to 16 are refused by name until they are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/file.h"
#include "../dump/elf_dump.h"
#include "../dump/kdump_read.h"
#include "../dump/save.h"
#include "../dump/sink.h"
#include "../vmcore/vmcore.h"
#include "core_exit.h"

#ifndef KX_VERSION
#define KX_VERSION "unknown"
#endif

struct options {
	const char *core;
	const char *dump;          /* NULL with -F: standard output */
	const char *rearrange;     /* -R FILE */
	struct kx_save_options save;
	bool flat;
	bool elf;                  /* -E */
	bool threads_given;        /* --num-threads */
	bool codec_given;          /* -c, -l, -p or -z */
	bool level_given;          /* -d */
	bool dump_dmesg;           /* --dump-dmesg: the log instead of a dump */
	int message_level;
};

static void usage(FILE *out)
{
	fputs("vmcore-save (kexec-ng " KX_VERSION "): save a crashed kernel's memory as a kdump-compressed dump\n"
	      "Usage: vmcore-save [OPTION]... VMCORE DUMPFILE\n"
	      "       vmcore-save [OPTION]... -F VMCORE > STREAM\n"
	      "       vmcore-save -R DUMPFILE < STREAM\n"
	      "  VMCORE              /proc/vmcore in a capture kernel, a copy of it (an ELF core), or a\n"
	      "                      kdump-compressed dump file to filter or compress again\n"
	      "  -c, -l, -p, -z      compress each page with zlib, LZO, snappy or zstd (default: none)\n"
	      "  -E                  write an ELF core (as makedumpfile -E) instead: not compressed\n"
	      "  -d LEVEL            dump level, the sum of makedumpfile's bits: 1 zero pages,\n"
	      "                      2 cache without private data, 4 all cache, 8 user data,\n"
	      "                      16 free pages\n"
	      "  --allow-lower-level where VMCOREINFO lacks what a class of LEVEL needs, keep that\n"
	      "                      class (a warning names what is missing) instead of refusing\n"
	      "  -F                  write makedumpfile's flattened stream on standard output\n"
	      "  --dump-dmesg        write the crashed kernel's log to DUMPFILE instead (as\n"
	      "                      makedumpfile --dump-dmesg; vmcore-dmesg prints it)\n"
	      "  -R DUMPFILE         put a flattened stream read from standard input back into DUMPFILE\n"
	      "  --num-threads N     compress on N threads (default: one per online CPU)\n"
	      "  --message-level N   with bit 16 (e.g. 31), print makedumpfile's report of the pages\n"
	      "  -h, --help          print this help and exit\n"
	      "  -v, --version       print the version and exit\n"
	      "DUMPFILE is a new file: it gets its name only when complete. Exit status: 0 success,\n"
	      "1 out of memory or write error, 2 usage, 3 the core cannot be read, 4 the core is\n"
	      "broken or truncated, 5 not a kernel core.\n", out);
}

static int parse_uint(const char *s, const char *what, int max, int *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max) {
		fprintf(stderr, "vmcore-save: %s '%s': a number from 0 to %d\n", what, s, max);
		return -1;
	}
	*ret = (int)v;
	return 0;
}

enum { OPT_NUM_THREADS = 256, OPT_MESSAGE_LEVEL, OPT_DUMP_DMESG, OPT_ALLOW_LOWER };

static int parse(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
		{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
		{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
		{ "allow-lower-level", no_argument, NULL, OPT_ALLOW_LOWER },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c, n;

	opt->save.dump_level = 0;
	opt->save.codec = KX_DUMP_RAW;
	opt->message_level = 7;
	while ((c = getopt_long(argc, argv, "clzpd:FR:Ehv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt->save.codec = KX_DUMP_ZLIB; opt->codec_given = true; break;
		case 'l': opt->save.codec = KX_DUMP_LZO; opt->codec_given = true; break;
		case 'z': opt->save.codec = KX_DUMP_ZSTD; opt->codec_given = true; break;
		case 'p': opt->save.codec = KX_DUMP_SNAPPY; opt->codec_given = true; break;
		case 'E': opt->elf = true; break;
		case 'd':
			if (parse_uint(optarg, "dump level", 31, &n) < 0)
				return -1;
			opt->save.dump_level = n;
			opt->level_given = true;
			break;
		case 'F': opt->flat = true; break;
		case 'R': opt->rearrange = optarg; break;
		case OPT_NUM_THREADS:
			if (parse_uint(optarg, "--num-threads", KX_SAVE_THREADS_MAX, &n) < 0)
				return -1;
			opt->save.threads = (unsigned int)n;
			opt->threads_given = true;
			break;
		case OPT_MESSAGE_LEVEL:
			if (parse_uint(optarg, "--message-level", 31, &opt->message_level) < 0)
				return -1;
			break;
		case OPT_ALLOW_LOWER: opt->save.lower_level_ok = true; break;
		case OPT_DUMP_DMESG: opt->dump_dmesg = true; break;
		case 'h': usage(stdout); exit(0);
		case 'v': puts("vmcore-save (kexec-ng) " KX_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	int left = argc - optind;
	/* makedumpfile's rules for -E: an ELF dump is written as it is, by
	 * one thread */
	if (opt->elf && opt->codec_given) {
		fprintf(stderr, "vmcore-save: -E writes pages as they are: not with -c, -l, -p or -z\n");
		return -1;
	}
	if (opt->elf && opt->threads_given) {
		fprintf(stderr, "vmcore-save: --num-threads cannot be used with -E (an ELF dump is copied by one thread)\n");
		return -1;
	}
	if (opt->dump_dmesg && (opt->codec_given || opt->elf || opt->flat || opt->rearrange || opt->level_given ||
				opt->threads_given || opt->save.lower_level_ok)) {
		fprintf(stderr, "vmcore-save: --dump-dmesg writes the log only: not with -c, -l, -p, -z, -E, -F, -R, -d, "
			"--num-threads or --allow-lower-level\n");
		return -1;
	}
	if (opt->rearrange) {
		if (left != 0 || opt->flat) {
			fprintf(stderr, "vmcore-save: -R DUMPFILE takes the stream on standard input and nothing else\n");
			return -1;
		}
		return 0;
	}
	if (left != (opt->flat ? 1 : 2)) {
		fprintf(stderr, opt->flat ? "vmcore-save: -F takes one VMCORE (the stream goes to standard output)\n"
					 : "vmcore-save: VMCORE and DUMPFILE, both\n");
		return -1;
	}
	opt->core = argv[optind];
	opt->dump = opt->flat ? NULL : argv[optind + 1];
	return 0;
}

/* --message-level bit 16: makedumpfile's report, its labels and counts (the
 * classes this version does not filter count 0); on standard output, or
 * standard error with -F. */
static void report(const struct options *opt, const struct kx_save_stats *st, const struct kx_dump_sink *sink)
{
	FILE *f = opt->flat ? stderr : stdout;
	uint64_t excluded = st->zero_pages;
	for (int c = 0; c < KX_PAGE_NR_CLASSES; c++)
		excluded += st->excluded[c];
	uint64_t written = opt->flat ? KX_FLAT_HEADER_SIZE + 16 * (sink->pieces + 1) + sink->bytes : st->file_size;

	fprintf(f, "\nOriginal pages  : 0x%016" PRIx64 "\n", st->ram_pages);
	fprintf(f, "  Excluded pages   : 0x%016" PRIx64 "\n", excluded);
	fprintf(f, "    Pages filled with zero  : 0x%016" PRIx64 "\n", st->zero_pages);
	fprintf(f, "    Non-private cache pages : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_CACHE]);
	fprintf(f, "    Private cache pages     : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_CACHE_PRIVATE]);
	fprintf(f, "    User process data pages : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_USER]);
	fprintf(f, "    Free pages              : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_FREE]);
	fprintf(f, "    Hwpoison pages          : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_HWPOISON]);
	fprintf(f, "    Offline pages           : 0x%016" PRIx64 "\n", st->excluded[KX_PAGE_OFFLINE]);
	fprintf(f, "    Extension filter pages  : 0x%016" PRIx64 "\n", (uint64_t)0);
	fprintf(f, "  Remaining pages  : 0x%016" PRIx64 "\n", st->ram_pages - excluded);
	if (st->ram_pages)
		fprintf(f, "  (The number of pages is reduced to %" PRIu64 "%%.)\n",
			(st->ram_pages - excluded) * 100 / st->ram_pages);
	fprintf(f, "Memory Hole     : 0x%016" PRIx64 "\n", st->max_mapnr - st->ram_pages);
	fprintf(f, "--------------------------------------------------\n");
	fprintf(f, "Total pages     : 0x%016" PRIx64 "\n", st->max_mapnr);
	fprintf(f, "Write bytes     : %" PRIu64 "\n\n", written);
	if (opt->elf)
		fprintf(f, "vmcore-save: ELF, dump level %d, %" PRIu64 " pages kept\n", st->dump_level,
			st->dumped_pages);
	else
		fprintf(f, "vmcore-save: %u threads, dump level %d, %s, %" PRIu64 " of %" PRIu64 " pages compressed\n",
			st->threads, st->dump_level, kx_dump_codec_name(opt->save.codec), st->compressed_pages,
			st->dumped_pages - st->zero_pages);
}

/* --dump-dmesg: the log, as vmcore-dmesg prints it, into the new file. */
static int write_log(const struct kx_vmcore *vc, struct kx_outfile *out, bool *output_failed, struct kx_error *err)
{
	struct kx_printk_log log;
	struct kx_dmesg_options fmt = { .raw = false };
	char *text = NULL;
	size_t len = 0;
	int r = -1;

	if (kx_printk_read(vc, &log, err) < 0)
		return -1;
	if (kx_dmesg_format(&log, &fmt, &text, &len, err) == 0) {
		r = kx_outfile_write(out, (struct kx_bytes){ (const uint8_t *)text, len }, err);
		*output_failed = r < 0;
	}
	free(text);
	kx_printk_log_free(&log);
	return r;
}

/* On a terminal: the share of the pages (bytes with -E) written, at most
 * five times a second, makedumpfile's "Copying data" line. */
struct progress {
	bool on;
	struct timespec last;
	bool shown;
};

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (done < total && p->shown && ms < 200)
		return;
	p->last = now;
	p->shown = true;
	fprintf(stderr, "\rCopying data                      : [%5.1f %%]", total ? 100.0 * (double)done / (double)total : 100.0);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int rearrange(const struct options *opt)
{
	struct kx_outfile out;
	struct kx_error err = { 0 };
	if (kx_outfile_create(&out, opt->rearrange, &err) < 0) {
		fprintf(stderr, "vmcore-save: %s\n", err.message);
		return EXIT_FATAL;
	}
	if (kx_dump_unflatten(STDIN_FILENO, "standard input", out.fd, opt->rearrange, 0, &err) < 0 ||
	    kx_outfile_commit(&out, &err) < 0) {
		fprintf(stderr, "vmcore-save: %s\n", err.message);
		kx_outfile_abandon(&out);
		/* a broken stream is the input's fault (4); a write, the output's (1) */
		return err.status == KX_E_INPUT ? EXIT_BROKEN : EXIT_FATAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct kx_error err = { 0 };
	struct kx_vmcore vc;
	struct kx_outfile out = { .fd = -1 };
	struct kx_dump_sink sink = { .failed = false };
	struct kx_save_stats st;
	int fd = -1, status;
	struct kx_kdump_view view;
	bool is_dump = false;
	bool output_failed = false;   /* the dump, not the core: exit 1 */

	if (parse(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	if (opt.rearrange)
		return rearrange(&opt);
	if (opt.flat && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmcore-save: -F writes a binary stream: redirect standard output to a file or a pipe\n");
		return EXIT_USAGE;
	}
	/* the dump file first: a run that cannot write it fails before reading anything */
	if (opt.dump && kx_outfile_create(&out, opt.dump, &err) < 0) {
		output_failed = true;
		goto fail;
	}
	fd = open(opt.core, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kx_fail_errno(&err, KX_E_IO, errno, "%s: cannot open", opt.core);
		goto fail;
	}
	/* a dump file (makedumpfile's or ours) is filtered again, as
	 * makedumpfile does: read through its ELF view, its bitmaps kept */
	struct kx_elfcore_reader rd = kx_elfcore_fd_reader(&fd);
	uint8_t head[16];
	if (pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
	    (kx_kdump_signature(head, sizeof(head)) || !memcmp(head, "makedumpfile", 12))) {
		if (kx_kdump_view_open(&view, opt.core, rd, &err) < 0)
			goto fail;
		is_dump = true;
		rd = kx_kdump_view_reader(&view);
		opt.save.input_exist = view.bitmap1;
		opt.save.input_dumped = view.bitmap2;
		opt.save.input_max_pfn = view.max_mapnr;
	} else {
		struct stat core_stat;
		if (fstat(fd, &core_stat) == 0 && S_ISREG(core_stat.st_mode)) {
			opt.save.map_core = true;
			opt.save.map_fd = fd;
			opt.save.map_size = (uint64_t)core_stat.st_size;
		}
	}
	if (kx_vmcore_open(&vc, opt.core, rd, &err) < 0)
		goto fail;
	if (opt.dump_dmesg) {
		int r = write_log(&vc, &out, &output_failed, &err);
		kx_vmcore_close(&vc);
		if (r < 0 || kx_outfile_commit(&out, &err) < 0) {
			output_failed = output_failed || r == 0;
			goto fail;
		}
		if (is_dump)
			kx_kdump_view_close(&view);
		close(fd);
		return 0;
	}
	struct progress progress = { .on = isatty(STDERR_FILENO) };
	if (progress.on) {
		opt.save.progress = show_progress;
		opt.save.progress_ctx = &progress;
	}
	if (kx_dump_sink_init(&sink, opt.dump ? out.fd : STDOUT_FILENO, opt.flat, opt.dump ? opt.dump : "standard output",
			      &err) < 0 ||
	    (opt.elf ? kx_save_elf(&vc, &opt.save, &sink, &st, &err)
		     : kx_save_kdump(&vc, &opt.save, &sink, &st, &err)) < 0) {
		output_failed = sink.failed;
		kx_vmcore_close(&vc);
		goto fail;
	}
	kx_vmcore_close(&vc);
	if (is_dump)
		kx_kdump_view_close(&view);
	is_dump = false;
	close(fd);
	fd = -1;
	if (st.warning.status)
		fprintf(stderr, "vmcore-save: warning: %s\n", st.warning.message);
	if (opt.dump && kx_outfile_commit(&out, &err) < 0) {
		output_failed = true;
		goto fail;
	}
	if (opt.message_level & 16)
		report(&opt, &st, &sink);
	return 0;
fail:
	fprintf(stderr, "vmcore-save: %s\n", err.message);
	status = output_failed ? EXIT_FATAL : kx_core_exit_code(err.status);
	if (is_dump)
		kx_kdump_view_close(&view);
	if (fd >= 0)
		close(fd);
	if (opt.dump)
		kx_outfile_abandon(&out);
	return status;
}
