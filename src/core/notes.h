/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Notes: what the user should hear about a load that goes on (an option
 * without effect, a section replaced, an assumption made), collected as
 * values in order; only the command line prints them ("kexec: note: ...").
 */
#ifndef KX_NOTES_H
#define KX_NOTES_H

#define KX_NOTES_MAX 16

struct kx_notes {
	char text[KX_NOTES_MAX][320];
	unsigned int count;
	unsigned int dropped;        /* notes past KX_NOTES_MAX (none expected) */
};

/* Append a note; past KX_NOTES_MAX it is counted in `dropped`. */
void kx_note(struct kx_notes *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
