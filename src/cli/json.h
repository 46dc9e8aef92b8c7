/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal JSON writer for --json (json.c). `name` NULL: an array element. */
#ifndef KX_JSON_H
#define KX_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KX_JSON_DEPTH 8

struct kx_json {
	FILE *out;
	unsigned int depth;
	bool need_comma[KX_JSON_DEPTH];
};

void kx_json_open(struct kx_json *j, const char *name, char bracket);   /* '{' or '[' */
void kx_json_close(struct kx_json *j, char bracket);                     /* '}' or ']' */
void kx_json_str(struct kx_json *j, const char *name, const char *value);  /* NULL: null */
void kx_json_u64(struct kx_json *j, const char *name, uint64_t value);
void kx_json_hex(struct kx_json *j, const char *name, uint64_t value);     /* "0x..." */
void kx_json_bool(struct kx_json *j, const char *name, int value);        /* <0: null */
void kx_json_bytes_hex(struct kx_json *j, const char *name, const uint8_t *data, size_t n);

#endif
