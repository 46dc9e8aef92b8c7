// SPDX-License-Identifier: GPL-2.0-or-later
#include "console.h"

void kx_console_puts(kx_putc_fn *putc, uint64_t uart, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc(uart, '\r');
		putc(uart, *s);
	}
}

void kx_console_put_u64(kx_putc_fn *putc, uint64_t uart, uint64_t v, unsigned int radix)
{
	char buf[24];
	int n = 0;

	do {
		unsigned int d = (unsigned int)(v % radix);

		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= radix;
	} while (v);
	if (radix == 16)
		kx_console_puts(putc, uart, "0x");
	while (n)
		putc(uart, buf[--n]);
}

void kx_console_refusal(kx_putc_fn *putc, uint64_t uart, const struct kx_purgatory_params *p, int bad)
{
	if (bad >= KX_PURGATORY_REGIONS_MAX) {
		kx_console_puts(putc, uart, "kexec-ng purgatory: bad parameter block (nr_regions ");
		kx_console_put_u64(putc, uart, p->nr_regions, 10);
		kx_console_puts(putc, uart, ", digest kind ");
		kx_console_put_u64(putc, uart, p->digest_kind, 10);
		kx_console_puts(putc, uart, "): refusing to boot\n");
		return;
	}
	const struct kx_purgatory_region *r = &p->regions[bad];
	kx_console_puts(putc, uart, "kexec-ng purgatory: digest mismatch in region ");
	kx_console_put_u64(putc, uart, (uint64_t)bad, 10);
	kx_console_puts(putc, uart, " (start ");
	kx_console_put_u64(putc, uart, r->start, 16);
	kx_console_puts(putc, uart, ", len ");
	kx_console_put_u64(putc, uart, r->len, 16);
	kx_console_puts(putc, uart, "): refusing to boot\n");
}

void kx_console_verified(kx_putc_fn *putc, uint64_t uart, const struct kx_purgatory_params *p)
{
	kx_console_puts(putc, uart, "kexec-ng purgatory: ");
	kx_console_put_u64(putc, uart, p->nr_regions, 10);
	kx_console_puts(putc, uart, " regions verified\n");
}
