// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include <stdio.h>
#include <string.h>

static void record(struct kx_error *err, enum kx_status status, int errnum,
		   const char *fmt, va_list ap)
{
	if (!err)
		return;
	err->status = status;
	err->sys_errno = errnum;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	if (errnum) {
		size_t used = strlen(err->message);
		snprintf(err->message + used, sizeof(err->message) - used,
			 ": %s", strerror(errnum));
	}
}

int kx_fail(struct kx_error *err, enum kx_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(err, status, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int kx_fail_errno(struct kx_error *err, enum kx_status status, int errnum,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(err, status, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

void kx_error_prefix(struct kx_error *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->message)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	/* Truncation keeps the start of the message, which names the file. */
	size_t plen = strnlen(prefix, sizeof(err->message) - 1);
	memcpy(err->message, prefix, plen);
	size_t rest = sizeof(err->message) - 1 - plen;
	size_t olen = strnlen(old, rest);
	memcpy(err->message + plen, old, olen);
	err->message[plen + olen] = 0;
}

void kx_error_append(struct kx_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	size_t used = strnlen(err->message, sizeof(err->message) - 1);
	va_start(ap, fmt);
	vsnprintf(err->message + used, sizeof(err->message) - used, fmt, ap);
	va_end(ap);
}
