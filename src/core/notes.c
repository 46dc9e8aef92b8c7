// SPDX-License-Identifier: GPL-2.0-or-later
#include "notes.h"

#include <stdarg.h>
#include <stdio.h>

void kx_note(struct kx_notes *notes, const char *fmt, ...)
{
	va_list ap;

	if (notes->count == KX_NOTES_MAX) {
		notes->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(notes->text[notes->count++], sizeof(notes->text[0]), fmt, ap);
	va_end(ap);
}
