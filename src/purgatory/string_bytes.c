// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The four functions a freestanding C program must provide because the
 * compiler may call them on its own (struct copies, zeroed arrays), for the
 * arm64 and riscv64 purgatories. Byte loops: on arm64 they may run with the
 * MMU off, where every access is to Device memory and must be aligned
 * (-mstrict-align keeps the compiler from widening them); both build them
 * with -fno-tree-loop-distribute-patterns so that the compiler cannot turn
 * them back into calls to themselves. (x86_64 has its own, with string
 * instructions.)
 */
#include <stddef.h>

#pragma GCC visibility push(hidden)
void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#pragma GCC visibility pop

void *memcpy(void *dest, const void *src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dest, src, n);
	while (n--)
		d[n] = s[n];
	return dest;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *d = s;

	while (n--)
		*d++ = (unsigned char)c;
	return s;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
