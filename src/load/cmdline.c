// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <string.h>

static bool drop_word(const char *word, size_t len, bool crash)
{
	if (len >= 11 && !strncmp(word, "BOOT_IMAGE=", 11))
		return true;
	return crash && len >= 12 && !strncmp(word, "crashkernel=", 12);
}

/* Append `len` bytes of `s` at *used, as much as fits `size` with a NUL;
 * *used counts them all, so the caller learns the full length. */
static void put(char *out, size_t size, size_t *used, const char *s, size_t len)
{
	if (*used < size - 1) {
		size_t room = size - 1 - *used;
		memcpy(out + *used, s, len < room ? len : room);
	}
	*used += len;
}

int kx_cmdline_compose(const char *reused, const char *append, bool crash,
		       char *out, size_t size, size_t *ret_len, struct kx_error *err)
{
	size_t used = 0;

	for (const char *p = reused ? reused : ""; *p;) {
		while (*p == ' ')
			p++;
		const char *w = p;
		bool quoted = false;
		while (*p && (quoted || *p != ' ')) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		size_t len = (size_t)(p - w);
		if (!len || drop_word(w, len, crash))
			continue;
		if (used)
			put(out, size, &used, " ", 1);
		put(out, size, &used, w, len);
	}
	if (append && *append) {
		if (used)
			put(out, size, &used, " ", 1);
		put(out, size, &used, append, strlen(append));
	}
	out[used < size ? used : size - 1] = 0;
	*ret_len = used;
	if (used >= size)
		return kx_fail(err, KX_E_USAGE, "the command line is %zu bytes, more than %zu", used, size - 1);
	return 0;
}
