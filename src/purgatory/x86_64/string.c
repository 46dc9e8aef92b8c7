// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The four functions a freestanding C program must provide because the
 * compiler may call them on its own (struct copies, zeroed arrays). Written
 * with string instructions so that the compiler cannot turn their loops
 * back into calls to themselves.
 */
#include <stddef.h>

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dest, const void *src, size_t n)
{
	void *d = dest;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dest;
}

void *memmove(void *dest, const void *src, size_t n)
{
	const unsigned char *s = src;
	unsigned char *d = dest;

	if (d <= s || d >= s + n)
		return memcpy(dest, src, n);
	/* Overlapping with dest above src: copy from the end, then put the
	 * direction flag back, as the ABI wants it clear. */
	if (n) {
		d += n - 1;
		s += n - 1;
		__asm__ volatile("std; rep movsb; cld"
				 : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	}
	return dest;
}

void *memset(void *s, int c, size_t n)
{
	void *d = s;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
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
