// SPDX-License-Identifier: GPL-2.0-or-later
#include "number.h"

#include <errno.h>
#include <stdlib.h>

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
