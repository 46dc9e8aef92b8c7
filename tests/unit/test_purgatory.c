// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The embedded purgatory blob (header, parameter block) and the loader's
 * fill function; the purgatory's digest check (verify.c, compiled into this
 * test as is) run on host buffers; and, on x86_64, the same check as
 * compiled into the blob, run in user space from a copy of the blob at an
 * address it was not linked for.
 */
#include "harness.h"

#include <stdint.h>

#include "core/bytes.h"
#include "core/sha256.h"
#include "purgatory/purgatory.h"
#include "purgatory/verify.h"

#if defined(__x86_64__)
#define HAVE_X86_64_BLOB 1
#include <sys/mman.h>
#include "purgatory/blobs.h"
#else
#define HAVE_X86_64_BLOB 0
#endif

/* Set by a case that cannot run here; main() reports it as a TAP skip. */
static const char *skip_reason;

static const size_t PARAMS_SIZE = sizeof(struct kx_purgatory_params);

KX_TEST(x86_64_blob_header)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	uint64_t magic;
	uint32_t params_offset, memsz;

	if (!HAVE_X86_64_BLOB) {
		CHECK(kx_purgatory_blob("x86_64", &blob, &err) < 0);
		CHECK(err.status == KX_E_PLAN);
		CHECK_CONTAINS(err.message, "x86_64");
		return;
	}
	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	CHECK(blob.data && blob.size > 32);
	/* Entry at offset 0: a short (EB) or near (E9) jump over the header. */
	CHECK(blob.data[0] == 0xeb || blob.data[0] == 0xe9);
	if (blob.data[0] == 0xeb)
		CHECK((size_t)2 + blob.data[1] >= 32 && blob.data[1] < 0x80);

	struct kx_bytes b = { blob.data, blob.size };
	CHECK(kx_le64(b, KX_PURGATORY_HEADER_OFFSET, &magic));
	CHECK_EQ_U64(magic, KX_PURGATORY_MAGIC);
	CHECK(memcmp(blob.data + KX_PURGATORY_HEADER_OFFSET, "XXPURG01", 8) == 0);
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 8, &params_offset));
	CHECK(kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 12, &memsz));
	CHECK_EQ_U64(blob.params_offset, params_offset);
	CHECK_EQ_U64(blob.memsz, memsz);

	/* The parameter block lies inside the file image, after the header. */
	CHECK(params_offset >= 32 && params_offset % 8 == 0);
	CHECK(params_offset + PARAMS_SIZE <= blob.size);
	/* memsz covers the image plus bss with a 16 KiB stack. */
	CHECK(memsz >= blob.size + 16384);
	CHECK(memsz < 1024 * 1024);
	/* As built, the parameter block is all zero: nothing to boot. */
	for (size_t i = 0; i < PARAMS_SIZE; i++)
		CHECK(blob.data[params_offset + i] == 0);
}

KX_TEST(unknown_arch_is_named)
{
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };

	CHECK(kx_purgatory_blob("sparc64", &blob, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "sparc64");
}

static void sample_params(struct kx_purgatory_params *p)
{
	memset(p, 0, sizeof(*p));
	p->entry = 0x1000200;
	p->regs[0] = 0x8c000;
	p->regs[1] = 0x1111111122222222ULL;
	p->regs[3] = 0xfedcba9876543210ULL;
	p->flags = KX_PURGATORY_VERIFY;
	p->nr_regions = 2;
	p->serial_port = 0x3f8;
	p->regions[0].start = 0x1000000;
	p->regions[0].len = 0x12345;
	for (int i = 0; i < 32; i++)
		p->regions[0].sha256[i] = (uint8_t)(i + 1);
	p->regions[1].start = 0x7f000000;
	p->regions[1].len = 0x800000;
	for (int i = 0; i < 32; i++)
		p->regions[1].sha256[i] = (uint8_t)(0xa0 + i);
}

/* Fill a fake blob, so this runs on every host, not only x86_64. */
KX_TEST(fill_writes_params_little_endian)
{
	static uint8_t image[2048], buf[4096];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };
	struct kx_bytes b = { buf, sizeof(buf) };
	uint64_t v64;
	uint32_t v32;

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 3);
	memset(buf, 0x55, sizeof(buf));
	sample_params(&p);
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) == 0);

	/* Code before and after the parameter block untouched, the rest of
	 * the buffer zeroed. */
	CHECK(memcmp(buf, image, 0x200) == 0);
	CHECK(memcmp(buf + 0x200 + PARAMS_SIZE, image + 0x200 + PARAMS_SIZE,
		     sizeof(image) - 0x200 - PARAMS_SIZE) == 0);
	for (size_t i = sizeof(image); i < sizeof(buf); i++)
		CHECK(buf[i] == 0);

	CHECK(kx_le64(b, 0x200 + 0, &v64));
	CHECK_EQ_U64(v64, 0x1000200);
	CHECK(kx_le64(b, 0x200 + 8, &v64));
	CHECK_EQ_U64(v64, 0x8c000);
	CHECK(kx_le64(b, 0x200 + 16, &v64));
	CHECK_EQ_U64(v64, 0x1111111122222222ULL);
	CHECK(kx_le64(b, 0x200 + 32, &v64));
	CHECK_EQ_U64(v64, 0xfedcba9876543210ULL);
	CHECK(kx_le32(b, 0x200 + 40, &v32));
	CHECK_EQ_U64(v32, KX_PURGATORY_VERIFY);
	CHECK(kx_le32(b, 0x200 + 44, &v32));
	CHECK_EQ_U64(v32, 2);
	CHECK(kx_le64(b, 0x200 + 48, &v64));
	CHECK_EQ_U64(v64, 0x3f8);
	CHECK(kx_le64(b, 0x200 + 56, &v64));
	CHECK_EQ_U64(v64, 0x1000000);
	CHECK(kx_le64(b, 0x200 + 64, &v64));
	CHECK_EQ_U64(v64, 0x12345);
	CHECK(memcmp(buf + 0x200 + 72, p.regions[0].sha256, 32) == 0);
	CHECK(kx_le64(b, 0x200 + 104, &v64));
	CHECK_EQ_U64(v64, 0x7f000000);
	CHECK(memcmp(buf + 0x200 + 120, p.regions[1].sha256, 32) == 0);
	/* Unused regions are zero, not left over from the blob. */
	for (size_t i = 56 + 2 * 48; i < PARAMS_SIZE; i++)
		CHECK(buf[0x200 + i] == 0);
}

KX_TEST(fill_into_real_blob)
{
	struct kx_purgatory_blob blob;
	struct kx_purgatory_params p, back;
	struct kx_error err = { 0 };
	uint8_t *buf;

	if (!HAVE_X86_64_BLOB)
		return;
	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	buf = malloc(blob.memsz);
	CHECK(buf);
	sample_params(&p);
	if (kx_purgatory_fill(&blob, buf, blob.memsz, &p, &err)) {
		free(buf);
		CHECK(0);
	}
	/* The purgatory reads the block natively; on a little-endian host
	 * that is the same struct. */
	memcpy(&back, buf + blob.params_offset, sizeof(back));
	int same_code = memcmp(buf, blob.data, blob.params_offset) == 0;
	free(buf);
	CHECK(same_code);
	CHECK_EQ_U64(back.entry, p.entry);
	CHECK_EQ_U64(back.regs[0], p.regs[0]);
	CHECK_EQ_U64(back.nr_regions, 2);
	CHECK(memcmp(back.regions, p.regions, sizeof(p.regions)) == 0);
}

KX_TEST(fill_rejects_small_buffer)
{
	static uint8_t image[2048], buf[2048];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	memset(buf, 0x55, sizeof(buf));
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf) - 1, &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "2047");
	/* Nothing written on failure. */
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0x55);
}

KX_TEST(fill_rejects_too_many_regions)
{
	static uint8_t image[2048], buf[2048];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	p.nr_regions = KX_PURGATORY_REGIONS_MAX + 1;
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "17 regions");
}

KX_TEST(fill_rejects_params_outside_blob)
{
	static uint8_t image[1024], buf[1024];
	struct kx_purgatory_blob blob = { image, sizeof(image), 8192, 0x200 };
	struct kx_purgatory_params p;
	struct kx_error err = { 0 };

	sample_params(&p);
	CHECK(kx_purgatory_fill(&blob, buf, sizeof(buf), &p, &err) < 0);
	CHECK(err.status == KX_E_PLAN);
	CHECK_CONTAINS(err.message, "params_offset");
}

/* Three host buffers as regions, with their true digests. */
struct verify_fixture {
	uint8_t a[1000], b[4096], c[1];
	struct kx_purgatory_params p;
};

static void make_fixture(struct verify_fixture *f)
{
	uint8_t *bufs[3] = { f->a, f->b, f->c };
	size_t lens[3] = { sizeof(f->a), sizeof(f->b), sizeof(f->c) };

	memset(&f->p, 0, sizeof(f->p));
	for (size_t i = 0; i < sizeof(f->a); i++)
		f->a[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(f->b); i++)
		f->b[i] = (uint8_t)(i * 31);
	f->c[0] = 0x42;
	f->p.flags = KX_PURGATORY_VERIFY;
	f->p.nr_regions = 3;
	for (int i = 0; i < 3; i++) {
		f->p.regions[i].start = (uint64_t)(uintptr_t)bufs[i];
		f->p.regions[i].len = lens[i];
		kx_sha256(bufs[i], lens[i], f->p.regions[i].sha256);
	}
}

KX_TEST(verify_good)
{
	static struct verify_fixture f;

	make_fixture(&f);
	CHECK(kx_purgatory_verify(&f.p) == -1);
}

KX_TEST(verify_one_corrupted_byte)
{
	static struct verify_fixture f;

	make_fixture(&f);
	f.b[2049] ^= 0x01;
	CHECK(kx_purgatory_verify(&f.p) == 1);
	f.b[2049] ^= 0x01;
	f.c[0] ^= 0x80;
	CHECK(kx_purgatory_verify(&f.p) == 2);
	f.a[0] ^= 0x80;  /* the first bad region is reported */
	CHECK(kx_purgatory_verify(&f.p) == 0);
}

KX_TEST(verify_wrong_stored_digest)
{
	static struct verify_fixture f;

	make_fixture(&f);
	f.p.regions[0].sha256[31] ^= 0xff;
	CHECK(kx_purgatory_verify(&f.p) == 0);
}

KX_TEST(verify_zero_regions)
{
	static struct verify_fixture f;

	make_fixture(&f);
	f.p.nr_regions = 0;
	f.a[0] ^= 0xff;  /* not looked at */
	CHECK(kx_purgatory_verify(&f.p) == -1);
}

KX_TEST(verify_empty_region)
{
	static struct verify_fixture f;

	make_fixture(&f);
	f.p.regions[1].len = 0;
	kx_sha256("", 0, f.p.regions[1].sha256);
	CHECK(kx_purgatory_verify(&f.p) == -1);
	f.p.regions[1].start = UINT64_MAX; /* never dereferenced when empty */
	CHECK(kx_purgatory_verify(&f.p) == -1);
}

KX_TEST(verify_rejects_bad_params)
{
	static struct verify_fixture f;

	make_fixture(&f);
	f.p.nr_regions = KX_PURGATORY_REGIONS_MAX + 1;
	CHECK(kx_purgatory_verify(&f.p) == KX_PURGATORY_REGIONS_MAX);
	/* A region wrapping around the address space is bad, not hashed. */
	make_fixture(&f);
	f.p.regions[2].start = UINT64_MAX - 10;
	f.p.regions[2].len = 100;
	CHECK(kx_purgatory_verify(&f.p) == 2);
}

#if HAVE_X86_64_BLOB
typedef int verify_fn(const struct kx_purgatory_params *);

/*
 * The blob's kx_purgatory_verify() is ordinary SysV code (it is only the
 * entry that needs ring 0), so call it where it is: this runs the
 * freestanding build of the check, SHA-NI path included when the CPU has
 * it, at an address that is not the link address (0) — a relocation that
 * slipped through would crash or misbehave here.
 */
KX_TEST(blob_verify_runs_anywhere)
{
	static struct verify_fixture f;
	const struct kx_purgatory_embedded *e = kx_purgatory_embedded;
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	size_t map_size;
	uint8_t *map, *mem;
	verify_fn *verify;
	void *fn_addr;
	int good, bad_b, bad_c, none;

	CHECK(kx_purgatory_blob("x86_64", &blob, &err) == 0);
	while (e->arch && strcmp(e->arch, "x86_64"))
		e++;
	CHECK(e->arch && e->verify_offset > 32 && e->verify_offset < blob.size);

	/* Three pages in, so the blob sits at neither 0 nor a mapping start. */
	map_size = 3 * 4096 + kx_align_up(blob.memsz, 4096);
	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		skip_reason = "cannot map executable memory here";
		return;
	}
	mem = map + 3 * 4096;
	memcpy(mem, blob.data, blob.size);
	fn_addr = mem + e->verify_offset;
	memcpy(&verify, &fn_addr, sizeof(verify));

	make_fixture(&f);
	good = verify(&f.p);
	f.b[100] ^= 0x10;
	bad_b = verify(&f.p);
	f.b[100] ^= 0x10;
	f.c[0] ^= 0x01;
	bad_c = verify(&f.p);
	f.p.nr_regions = 0;
	none = verify(&f.p);
	munmap(map, map_size);

	CHECK(good == -1);
	CHECK(bad_b == 1);
	CHECK(bad_c == 2);
	CHECK(none == -1);
}
#endif

int main(void)
{
	static const struct kx_test_case cases[] = {
		KX_CASE(x86_64_blob_header),
		KX_CASE(unknown_arch_is_named),
		KX_CASE(fill_writes_params_little_endian),
		KX_CASE(fill_into_real_blob),
		KX_CASE(fill_rejects_small_buffer),
		KX_CASE(fill_rejects_too_many_regions),
		KX_CASE(fill_rejects_params_outside_blob),
		KX_CASE(verify_good),
		KX_CASE(verify_one_corrupted_byte),
		KX_CASE(verify_wrong_stored_digest),
		KX_CASE(verify_zero_regions),
		KX_CASE(verify_empty_region),
		KX_CASE(verify_rejects_bad_params),
#if HAVE_X86_64_BLOB
		KX_CASE(blob_verify_runs_anywhere),
#endif
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	int failures = 0;

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		int failed = 0;

		skip_reason = NULL;
		cases[i].fn(&failed);
		if (skip_reason && !failed) {
			printf("ok %zu - %s # SKIP %s\n", i + 1, cases[i].name, skip_reason);
			continue;
		}
		printf("%sok %zu - %s\n", failed ? "not " : "", i + 1, cases[i].name);
		failures += failed;
	}
	return failures ? 1 : 0;
}
