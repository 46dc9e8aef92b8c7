/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values. Every function that can fail takes a `struct kx_error *`
 * and fills it with a category (which the command line maps to an exit code)
 * and a message that names the file, the field and the rule. Nothing below
 * src/cli prints or exits.
 */
#ifndef KX_ERROR_H
#define KX_ERROR_H

#include <stdarg.h>

enum kx_status {
	KX_OK = 0,
	KX_E_USAGE,          /* bad command line */
	KX_E_IO,             /* a file could not be opened, read or mapped */
	KX_E_INPUT,          /* an input file is of a known format but broken */
	KX_E_FORMAT,         /* no loader recognises the file */
	KX_E_SYSTEM,         /* the running system's facts could not be read */
	KX_E_PLAN,           /* no valid placement / a rule of the kernel would be broken */
	KX_E_SYSCALL,        /* the kernel refused the load */
	KX_E_NO_CRASH_REGION,
	KX_E_NO_FILE_SYSCALL,/* -s but the kernel lacks kexec_file_load */
	KX_E_NOMEM,
	KX_E_REFUSED,        /* recognised (a kexec-tools option or image format) and
			      * refused on purpose; the message says why */
};

struct kx_error {
	enum kx_status status;
	int sys_errno;       /* errno of the failed call, 0 when none */
	char message[1024];
};

/* Record an error; returns -1 so callers can `return kx_fail(...)`. */
int kx_fail(struct kx_error *err, enum kx_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, also recording errno and appending strerror(errno). */
int kx_fail_errno(struct kx_error *err, enum kx_status status, int errnum,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Prefix context ("kernel vmlinuz: ") to an already recorded message. */
void kx_error_prefix(struct kx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append more to an already recorded message (what the failure left behind);
 * truncation keeps the message's start. */
void kx_error_append(struct kx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
