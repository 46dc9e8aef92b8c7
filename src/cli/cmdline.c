// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <errno.h>
#include <stdlib.h>
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

int kx_parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*ret = v;
	return 0;
}

static const uint16_t com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

int kx_serial_port(const char *serial_opt, const char *cmdline, uint16_t *ret, struct kx_error *err)
{
	*ret = 0;
	if (serial_opt) {
		char *end;
		if (!strncmp(serial_opt, "ttyS", 4) && serial_opt[4] >= '0' && serial_opt[4] <= '3' &&
		    !serial_opt[5]) {
			*ret = com_ports[serial_opt[4] - '0'];
			return 0;
		}
		unsigned long v = strtoul(serial_opt, &end, 0);
		if (end == serial_opt || *end || v == 0 || v > 0xffff)
			return kx_fail(err, KX_E_USAGE,
				       "--serial=%s: expected ttyS0..ttyS3 or an I/O port number", serial_opt);
		*ret = (uint16_t)v;
		return 0;
	}
	/* The console the user will watch: the last console=ttySN wins, as in the kernel. */
	for (const char *p = cmdline; (p = strstr(p, "console=ttyS")); p += 12) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		char c = p[12];
		if (c >= '0' && c <= '3')
			*ret = com_ports[c - '0'];
	}
	return 0;
}
