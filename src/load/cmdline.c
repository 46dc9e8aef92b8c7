// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <string.h>

static bool drop_word(const char *word, size_t len, bool crash)
{
	if (len >= 11 && !strncmp(word, "BOOT_IMAGE=", 11))
		return true;
	return crash && len >= 12 && !strncmp(word, "crashkernel=", 12);
}

int kx_cmdline_compose(const char *reused, const char *append, bool crash,
		       char *out, size_t size, struct kx_error *err)
{
	size_t used = 0;

	out[0] = 0;
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
		if (used + len + 2 > size)
			goto too_long;
		if (used)
			out[used++] = ' ';
		memcpy(out + used, w, len);
		used += len;
		out[used] = 0;
	}
	if (append && *append) {
		size_t len = strlen(append);
		if (used + len + 2 > size)
			goto too_long;
		if (used)
			out[used++] = ' ';
		memcpy(out + used, append, len + 1);
	}
	return 0;
too_long:
	return kx_fail(err, KX_E_USAGE, "command line longer than %zu bytes", size - 1);
}
