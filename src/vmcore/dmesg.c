// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The log as text. The default is what the kernel itself prints for
 * syslog(2) and the console (record_print_text() in kernel/printk/printk.c),
 * and so what dmesg(1) shows: "[%5lu.%06lu] " before every line, a record's
 * embedded newlines starting new lines with the same timestamp.
 */
#include "vmcore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom || n == 0)
		return;
	if (n > o->cap - o->len) {
		size_t cap = o->cap ? o->cap : 4096;
		while (n > cap - o->len) {
			if (cap > SIZE_MAX / 2) {
				o->oom = true;
				return;
			}
			cap *= 2;
		}
		char *p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_prefix(struct out *o, const struct kx_printk_record *r)
{
	char buf[48];
	int n = snprintf(buf, sizeof(buf), "[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / 1000000000u,
			 r->ts_nsec % 1000000000u / 1000u);
	put(o, buf, (size_t)n);
}

static void put_text(struct out *o, const struct kx_printk_record *r, bool raw)
{
	const unsigned char *t = (const unsigned char *)r->text;

	if (raw) {
		put(o, r->text, r->text_len);
		return;
	}
	for (size_t i = 0; i < r->text_len; i++) {
		size_t run = i;
		while (run < r->text_len && t[run] >= 0x20 && t[run] != 0x7f)
			run++;
		put(o, r->text + i, run - i);
		if (run == r->text_len)
			break;
		i = run;
		if (t[i] == '\n') {
			put(o, "\n", 1);
			put_prefix(o, r);
		} else if (t[i] == '\t') {
			put(o, "\t", 1);
		} else {
			char esc[5];
			snprintf(esc, sizeof(esc), "\\x%02x", t[i]);
			put(o, esc, 4);
		}
	}
}

int kx_dmesg_format(const struct kx_printk_log *log, const struct kx_dmesg_options *opt,
		    char **ret_text, size_t *ret_len, struct kx_error *err)
{
	struct out o = { 0 };
	bool open_line = false;

	for (size_t i = 0; i < log->nr_records; i++) {
		const struct kx_printk_record *r = &log->records[i], *prev = i ? r - 1 : NULL;
		bool join = log->have_flags && prev && open_line && (r->flags & KX_LOG_CONT) &&
			    !(prev->flags & KX_LOG_NEWLINE) && prev->seq + 1 == r->seq &&
			    prev->caller_id == r->caller_id;

		if (!join) {
			if (open_line)
				put(&o, "\n", 1);
			if (!opt->raw)
				put_prefix(&o, r);
		}
		put_text(&o, r, opt->raw);
		open_line = true;
	}
	if (open_line)
		put(&o, "\n", 1);
	put(&o, "", 1);   /* NUL, not counted */
	if (o.oom) {
		free(o.p);
		return kx_fail(err, KX_E_NOMEM, "out of memory formatting %zu records", log->nr_records);
	}
	*ret_text = o.p;
	*ret_len = o.len - 1;
	return 0;
}
