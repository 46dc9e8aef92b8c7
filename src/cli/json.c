// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --json: the dry run's plan and -S's status as JSON for tools (schema in
 * kexec(8), JSON OUTPUT). A small writer: objects and arrays nest, commas
 * are placed by the writer, strings are escaped per RFC 8259, numbers that
 * are addresses or sizes are written as integers (JSON numbers; a reader
 * that keeps 53 bits should read them as strings instead: the "_hex"
 * twins give every address as a string too).
 */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void sep(struct kx_json *j)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void key(struct kx_json *j, const char *name)
{
	sep(j);
	if (name) {
		put_string(j->out, name);
		fputc(':', j->out);
	}
}

void kx_json_open(struct kx_json *j, const char *name, char bracket)
{
	key(j, name);
	fputc(bracket, j->out);
	if (j->depth + 1 < KX_JSON_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void kx_json_close(struct kx_json *j, char bracket)
{
	if (j->depth)
		j->depth--;
	fputc(bracket, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void kx_json_str(struct kx_json *j, const char *name, const char *value)
{
	key(j, name);
	if (value)
		put_string(j->out, value);
	else
		fputs("null", j->out);
}

void kx_json_u64(struct kx_json *j, const char *name, uint64_t value)
{
	key(j, name);
	fprintf(j->out, "%" PRIu64, value);
}

void kx_json_hex(struct kx_json *j, const char *name, uint64_t value)
{
	char s[24];
	snprintf(s, sizeof(s), "0x%" PRIx64, value);
	kx_json_str(j, name, s);
}

void kx_json_bool(struct kx_json *j, const char *name, int value)
{
	key(j, name);
	fputs(value < 0 ? "null" : value ? "true" : "false", j->out);
}

void kx_json_bytes_hex(struct kx_json *j, const char *name, const uint8_t *data, size_t n)
{
	char s[129];
	size_t i;
	for (i = 0; i < n && 2 * i + 2 < sizeof(s); i++)
		snprintf(s + 2 * i, 3, "%02x", data[i]);
	s[2 * i] = 0;
	kx_json_str(j, name, s);
}
