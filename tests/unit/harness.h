/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny table-driven test harness. Each test binary lists its cases with
 * KX_TEST(); main() runs them all and prints TAP ("ok N - name" /
 * "not ok N - name") so meson and the top-level runner can count them.
 */
#ifndef KX_HARNESS_H
#define KX_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kx_test_case {
	const char *name;
	void (*fn)(int *failed);
};

#define KX_TEST(name) static void name(int *kx_failed_)

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		*kx_failed_ = 1; \
		return; \
	} } while (0)

#define CHECK_EQ_U64(a, b) do { \
	unsigned long long kx_a_ = (unsigned long long)(a), kx_b_ = (unsigned long long)(b); \
	if (kx_a_ != kx_b_) { \
		printf("#   %s:%d: %s == 0x%llx, expected %s == 0x%llx\n", __FILE__, __LINE__, \
		       #a, kx_a_, #b, kx_b_); \
		*kx_failed_ = 1; \
		return; \
	} } while (0)

#define CHECK_CONTAINS(haystack, needle) do { \
	const char *kx_h_ = (haystack), *kx_n_ = (needle); \
	if (!kx_h_ || !strstr(kx_h_, kx_n_)) { \
		printf("#   %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
		       kx_h_ ? kx_h_ : "(null)", kx_n_); \
		*kx_failed_ = 1; \
		return; \
	} } while (0)

/*
 * The TAP plan, on a line-buffered stdout: the TAP lines printed before a
 * crash or a sanitizer's report are not lost in a pipe's buffer.
 */
static inline void kx_test_begin(size_t n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%zu\n", n);
}

/*
 * main()'s exit status after `failures` of `n` cases failed. A failed CHECK
 * returns early and leaves what its case allocated: when a case failed, the
 * run ends here with _exit(1), before LeakSanitizer's exit-time report of
 * those leftovers could bury the failures' own messages.
 */
static inline int kx_test_end(int failures, size_t n)
{
	if (failures) {
		printf("# %d of %zu cases failed\n", failures, n);
		fflush(stdout);
		_exit(1);
	}
	return 0;
}

/* Set by a case that cannot run here (KX_SKIP): reported as a TAP skip. */
static const char *kx_skip_reason;
#define KX_SKIP(reason) do { kx_skip_reason = (reason); return; } while (0)

static inline int kx_run_tests(const struct kx_test_case *cases, size_t n)
{
	int failures = 0;
	kx_test_begin(n);
	for (size_t i = 0; i < n; i++) {
		int failed = 0;
		kx_skip_reason = NULL;
		cases[i].fn(&failed);
		if (!failed && kx_skip_reason)
			printf("ok %zu - %s # SKIP %s\n", i + 1, cases[i].name, kx_skip_reason);
		else
			printf("%sok %zu - %s\n", failed ? "not " : "", i + 1, cases[i].name);
		failures += failed;
	}
	return kx_test_end(failures, n);
}

#define KX_TEST_MAIN(...) \
	int main(void) { \
		static const struct kx_test_case kx_cases_[] = { __VA_ARGS__ }; \
		return kx_run_tests(kx_cases_, sizeof(kx_cases_) / sizeof(kx_cases_[0])); \
	}
#define KX_CASE(fn) { #fn, fn }

/* Where tests find fixtures and downloaded kernels (set by meson). */
static inline const char *kx_test_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/*
 * Does `printed` equal tests/golden/NAME? With KX_UPDATE_GOLDEN=1 the file
 * is rewritten first (after a reviewed change). On a difference the text
 * is shown as TAP comments.
 */
static inline int kx_test_golden(const char *name, const char *printed)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/golden/%s", kx_test_env("KX_SRCDIR", "."), name);
	if (getenv("KX_UPDATE_GOLDEN")) {
		FILE *out = fopen(path, "w");
		if (!out || fputs(printed, out) < 0 || fclose(out) != 0) {
			printf("#   cannot write %s\n", path);
			return 0;
		}
	}
	FILE *in = fopen(path, "r");
	if (!in) {
		printf("#   cannot read %s\n", path);
		return 0;
	}
	size_t len = strlen(printed), n;
	char *expected = malloc(len + 2);
	n = expected ? fread(expected, 1, len + 1, in) : 0;
	fclose(in);
	int same = expected && n == len && !memcmp(expected, printed, len);
	free(expected);
	if (!same)
		printf("#   %s differs; got:\n%s", path, printed);
	return same;
}

#endif
