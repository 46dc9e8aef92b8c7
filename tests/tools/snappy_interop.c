// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Our snappy codec (src/compress/snappy.c) against Debian's libsnappy.so.1
 * (the library crash reads -p dumps with), loaded with dlopen so that
 * nothing we ship links it. TAP. For every page of the inputs (synthetic
 * pages of several kinds and sizes, then every 4 KiB page of each FILE):
 *  - our stream is valid for libsnappy and gives the page back;
 *  - libsnappy's stream gives the page back through our decoder;
 *  - mutated streams (bytes changed, cut short, grown): both decoders agree
 *    on which are valid, and give the same bytes when valid.
 * The sizes of both compressors' output are reported (a comment line).
 *   snappy-interop [FILE...]     exit 0 all passed, 1 a failure, 2 no libsnappy
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compress/snappy.h"

/* snappy-c.h's C interface: 0 is SNAPPY_OK */
typedef int (*compress_fn)(const char *in, size_t in_len, char *out, size_t *out_len);
typedef int (*uncompress_fn)(const char *in, size_t in_len, char *out, size_t *out_len);
typedef int (*length_fn)(const char *in, size_t in_len, size_t *result);
typedef size_t (*bound_fn)(size_t source_length);

static compress_fn lib_compress;
static uncompress_fn lib_uncompress;
static length_fn lib_length;
static bound_fn lib_bound;

static int tests, failures;
static uint64_t pages, ours_bytes, lib_bytes, mutants, mutants_valid;
static uint16_t table[KX_SNAPPY_TABLE_ENTRIES];

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void result(bool ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
}

/* libsnappy's reading of `s`: true and `out` filled when it is a valid
 * stream of exactly `n` bytes. */
static bool lib_reads(const uint8_t *s, size_t len, uint8_t *out, size_t n)
{
	size_t declared, got = n;
	if (lib_length((const char *)s, len, &declared) != 0 || declared != n)
		return false;
	return lib_uncompress((const char *)s, len, (char *)out, &got) == 0 && got == n;
}

/* Check one page both ways and with mutants; a message on the first
 * failure (per input) goes to `why`. */
static bool check_page(const uint8_t *page, size_t n, char *why, size_t why_len)
{
	static uint8_t ours[2 * 65536 + 64], lib[2 * 65536 + 64], back[65536], back2[65536], mutant[2 * 65536 + 64];
	struct kx_error err = { 0 };
	size_t our_len = kx_snappy_compress(page, n, ours, table);
	size_t lib_len = lib_bound(n);
	if (lib_compress((const char *)page, n, (char *)lib, &lib_len) != 0) {
		snprintf(why, why_len, "libsnappy cannot compress a %zu-byte page", n);
		return false;
	}
	pages++;
	ours_bytes += our_len;
	lib_bytes += lib_len;
	if (!lib_reads(ours, our_len, back, n) || memcmp(back, page, n)) {
		snprintf(why, why_len, "libsnappy does not read our %zu-byte stream of a %zu-byte page back", our_len, n);
		return false;
	}
	if (kx_snappy_decompress(lib, lib_len, back, n, "libsnappy's stream", &err) < 0 || memcmp(back, page, n)) {
		snprintf(why, why_len, "we do not read libsnappy's stream back: %.300s", err.message);
		return false;
	}
	for (int m = 0; m < 8; m++) {
		const uint8_t *from = m & 1 ? lib : ours;
		size_t len = m & 1 ? lib_len : our_len;
		memcpy(mutant, from, len);
		switch (m / 2) {
		case 0: /* one byte changed */
			mutant[next_random() % len] ^= (uint8_t)(1u << (next_random() % 8));
			break;
		case 1: /* cut short */
			len = next_random() % len;
			break;
		case 2: /* a random byte appended */
			mutant[len++] = (uint8_t)next_random();
			break;
		default: /* three bytes replaced */
			for (int k = 0; k < 3; k++)
				mutant[next_random() % len] = (uint8_t)next_random();
			break;
		}
		bool lib_ok = lib_reads(mutant, len, back2, n);
		bool our_ok = kx_snappy_decompress(mutant, len, back, n, "mutant", &err) == 0;
		mutants++;
		mutants_valid += lib_ok;
		if (lib_ok != our_ok || (lib_ok && memcmp(back, back2, n))) {
			snprintf(why, why_len, "a mutant (kind %d, %zu bytes) of a %zu-byte page: libsnappy %s, we %s (%.300s)",
				 m / 2, len, n, lib_ok ? "reads it" : "refuses it", our_ok ? "read it" : "refuse it",
				 our_ok ? (lib_ok ? "different bytes" : "") : err.message);
			return false;
		}
	}
	return true;
}

static void synthetic(void)
{
	static const size_t sizes[] = { 4096, 16384, 65536, 100, 17 };
	static uint8_t page[65536];
	static const char text[] = "kexec-ng vmcore-save -p: snappy pages for crash; struct page, mapping ";
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int kind = 0; kind < 6; kind++) {
			size_t n = sizes[s];
			for (size_t i = 0; i < n; i++) {
				switch (kind) {
				case 0: page[i] = 0; break;
				case 1: page[i] = (uint8_t)text[i % (sizeof(text) - 1)]; break;
				case 2: page[i] = (uint8_t)(i / 3); break;
				case 3: page[i] = (uint8_t)next_random(); break;
				case 4: page[i] = next_random() % 8 ? 0 : (uint8_t)next_random(); break;
				default: page[i] = (uint8_t)text[(i * 7 + next_random() % 3) % (sizeof(text) - 1)]; break;
				}
			}
			char why[512] = "", name[96];
			bool ok = true;
			for (int round = 0; round < 20 && ok; round++)
				ok = check_page(page, n, why, sizeof(why));
			snprintf(name, sizeof(name), "synthetic pages, kind %d, %zu bytes", kind, n);
			result(ok, name);
			if (!ok)
				printf("#   %s\n", why);
		}
	}
}

static void file_pages(const char *path)
{
	char name[512], why[512] = "";
	snprintf(name, sizeof(name), "every 4 KiB page of %s", path);
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 4096) {
		result(false, name);
		printf("#   cannot open or too short\n");
		return;
	}
	size_t size = (size_t)st.st_size;
	const uint8_t *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		result(false, name);
		return;
	}
	bool ok = true;
	for (size_t off = 0; off + 4096 <= size && ok; off += 4096)
		ok = check_page(map + off, 4096, why, sizeof(why));
	munmap((void *)map, size);
	result(ok, name);
	if (!ok)
		printf("#   %s\n", why);
}

int main(int argc, char **argv)
{
	void *lib = dlopen("libsnappy.so.1", RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "snappy-interop: %s (Debian's libsnappy1v5; scripts/setup-deps.sh installs it)\n", dlerror());
		return 2;
	}
	lib_compress = (compress_fn)dlsym(lib, "snappy_compress");
	lib_uncompress = (uncompress_fn)dlsym(lib, "snappy_uncompress");
	lib_length = (length_fn)dlsym(lib, "snappy_uncompressed_length");
	lib_bound = (bound_fn)dlsym(lib, "snappy_max_compressed_length");
	if (!lib_compress || !lib_uncompress || !lib_length || !lib_bound) {
		fprintf(stderr, "snappy-interop: libsnappy.so.1 lacks the snappy-c.h functions\n");
		return 2;
	}
	printf("1..%d\n", 30 + argc - 1);
	synthetic();
	for (int i = 1; i < argc; i++)
		file_pages(argv[i]);
	printf("# %llu pages: our streams %llu bytes, libsnappy's %llu (%.3f); %llu mutants, %llu of them valid\n",
	       (unsigned long long)pages, (unsigned long long)ours_bytes, (unsigned long long)lib_bytes,
	       lib_bytes ? (double)ours_bytes / (double)lib_bytes : 0.0, (unsigned long long)mutants,
	       (unsigned long long)mutants_valid);
	dlclose(lib);
	return failures ? 1 : 0;
}
