// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host side of the purgatory harness: make the region images of layout.h
 * and the purgatory blob filled by the loader's own code
 * (kx_purgatory_blob(H_ARCH) + kx_purgatory_fill(), digests by
 * kx_digest_one(): CRC32C, or SHA-256 with --digest sha256), as kexec
 * would hand them to the old kernel. Built once per
 * architecture (mkpurgimage for arm64, mkpurgimage-riscv64) with that
 * architecture's directory, and so its layout.h, first on the include path.
 *
 *   mkimage OUTDIR KERNEL.BIN [--initrd-size BYTES] [--serial ADDR]
 *           [--digest crc32c|sha256] [--no-verify] [--corrupt REGION]
 *           [--bad-nr-regions] [--bad-digest-kind]
 *           x86_64, arm64: [--knobs N] [--regs]   riscv64: [--fault]
 *
 * Writes OUTDIR/{purgatory,kernel,initrd,dtb,tiny}.bin. The "DTB" is random
 * bytes on arm64, a real flattened device tree (libfdt), H_DTB_LEN bytes,
 * on riscv64, as the old kernel needs one among the segments. --corrupt
 * flips a byte of that region's data after its digest was taken (memory
 * that is not what the loader planned); --bad-nr-regions writes 17 into the
 * filled parameter block's nr_regions (more than it holds:
 * kx_purgatory_fill() itself refuses that), --bad-digest-kind 2 into its
 * digest_kind (likewise). arm64: --knobs sets the
 * blob's knobs word, --regs puts non-zero values in x1..x3 to show they
 * come from the parameter block. riscv64: --fault adds a sixth region in
 * the hole above RAM, which the purgatory cannot read.
 */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "purgatory/knobs.h"
#include "purgatory/purgatory.h"
#include "layout.h"

#ifndef H_REGS
#define H_REGS 0
#endif
#ifndef H_KNOBS
#define H_KNOBS 0
#endif
#ifndef H_DTB_FDT
#define H_DTB_FDT 0
#endif

static void die(const char *what)
{
	fprintf(stderr, "mkimage: %s\n", what);
	exit(1);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n = 0;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die(strerror(errno));
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read the kernel image");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die(strerror(errno));
}

/* xorshift64: the same bytes every run. */
static void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (uint8_t)(seed >> 24);
	}
}

/* A small valid FDT whose totalsize is the whole region (the rest is free
 * space in the blob), as the old kernel's fdt_check_header() wants. */
static void make_dtb(uint8_t *dtb)
{
	int node;

	if (fdt_create_empty_tree(dtb, (int)H_DTB_LEN) ||
	    fdt_setprop_string(dtb, 0, "compatible", "kexec-ng,purgatory-harness") ||
	    (node = fdt_add_subnode(dtb, 0, "chosen")) < 0 ||
	    fdt_setprop_string(dtb, node, "bootargs", "console=ttyS0 harness"))
		die("libfdt could not make the DTB");
	if (fdt_totalsize(dtb) != H_DTB_LEN)
		die("the DTB's totalsize is not the region's length");
}

int main(int argc, char **argv)
{
	struct kx_purgatory_params p;
	struct kx_purgatory_blob blob;
	struct kx_error err = { 0 };
	size_t initrd_size = 4u << 20, kernel_len;
	uint64_t serial = H_UART;
	uint32_t knobs = 0;
	int corrupt = -1, verify = 1, regs = 0, fault = 0, bad_nr = 0, bad_kind = 0, entry32 = 0;
	enum kx_digest_kind kind = KX_DIGEST_DEFAULT;
	uint8_t *kernel, *initrd, *dtb, tiny[1] = { 0x5a }, *buf;

	if (argc < 3)
		die("usage: mkimage OUTDIR KERNEL.BIN [--initrd-size N] [--serial ADDR] "
		    "[--digest crc32c|sha256] [--no-verify] [--corrupt REGION] [--bad-nr-regions] "
		    "[--bad-digest-kind] x86_64, arm64: [--knobs N] [--regs] x86_64: [--entry32] riscv64: [--fault]");
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--initrd-size") && i + 1 < argc)
			initrd_size = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--serial") && i + 1 < argc)
			serial = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--no-verify"))
			verify = 0;
		else if (!strcmp(argv[i], "--corrupt") && i + 1 < argc)
			corrupt = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--bad-nr-regions"))
			bad_nr = 1;
		else if (!strcmp(argv[i], "--bad-digest-kind"))
			bad_kind = 1;
		else if (!strcmp(argv[i], "--digest") && i + 1 < argc) {
			if (!kx_digest_parse(argv[++i], &kind))
				die("--digest: crc32c or sha256");
		}
		else if (H_KNOBS && !strcmp(argv[i], "--knobs") && i + 1 < argc)
			knobs = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (H_REGS && !strcmp(argv[i], "--regs"))
			regs = 1;
#ifdef H_FAULT
		else if (!strcmp(argv[i], "--fault"))
			fault = 1;
#endif
#ifdef H_ENTRY32_OFFSET
		else if (!strcmp(argv[i], "--entry32"))
			entry32 = 1;
#endif
		else
			die("unknown option");
	}
	(void)entry32;   /* (only x86_64 has a 32-bit entry) */
	if (H_INITRD + initrd_size > H_DTB)
		die("--initrd-size: the initrd would run into the DTB");

	kernel = read_file(argv[2], &kernel_len);
	if (H_KERNEL + kernel_len > H_KERNEL_STACK - 0x10000)
		die("kernel.bin too large for the layout");
	initrd = malloc(initrd_size ? initrd_size : 1);
	dtb = calloc(1, H_DTB_LEN);
	if (!initrd || !dtb)
		die("out of memory");
	fill_random(initrd, initrd_size, 0x9e3779b97f4a7c15ULL);
	if (H_DTB_FDT)
		make_dtb(dtb);
	else
		fill_random(dtb, H_DTB_LEN, 0xd1b54a32d192ed03ULL);

	memset(&p, 0, sizeof(p));
	p.entry = H_KERNEL;
	/* riscv64: regs unused (a0/a1 pass through); left zero. */
	if (H_REGS)
		p.regs[0] = H_DTB;
	if (regs) {
		p.regs[1] = 0x1111111111111111ULL;
		p.regs[2] = 0x2222222222222222ULL;
		p.regs[3] = 0x3333333333333333ULL;
	}
	p.flags = verify ? KX_PURGATORY_VERIFY : 0;
#ifdef H_ENTRY32_OFFSET
	if (entry32) {
		p.entry = H_KERNEL + H_ENTRY32_OFFSET;
		p.regs[1] = H_ARG32;
		p.regs[2] = H_EAX32;
		p.regs[3] = H_EBX32;
		p.flags |= KX_PURGATORY_ENTRY32;
	}
#endif
	p.serial_port = serial;
	p.nr_regions = H_NR_REGIONS;
	p.regions[0] = (struct kx_purgatory_region){ .start = H_KERNEL, .len = kernel_len };
	p.regions[1] = (struct kx_purgatory_region){ .start = H_INITRD, .len = initrd_size };
	p.regions[2] = (struct kx_purgatory_region){ .start = H_DTB, .len = H_DTB_LEN };
	p.regions[3] = (struct kx_purgatory_region){ .start = H_TINY, .len = sizeof(tiny) };
	p.regions[4] = (struct kx_purgatory_region){ .start = H_EMPTY, .len = 0 };
	p.digest_kind = kind == KX_DIGEST_SHA256 ? KX_PURGATORY_DIGEST_SHA256 : KX_PURGATORY_DIGEST_CRC32C;
	kx_digest_one(kind, kernel, kernel_len, p.regions[0].digest);
	kx_digest_one(kind, initrd, initrd_size, p.regions[1].digest);
	kx_digest_one(kind, dtb, H_DTB_LEN, p.regions[2].digest);
	kx_digest_one(kind, tiny, sizeof(tiny), p.regions[3].digest);
	kx_digest_one(kind, "", 0, p.regions[4].digest);
#ifdef H_FAULT
	if (fault) {
		/* Any digest: the read faults before it is compared. */
		p.regions[p.nr_regions++] = (struct kx_purgatory_region){ .start = H_FAULT,
									 .len = 64 };
	}
#else
	(void)fault;
#endif

	/* After the digests: the bytes in memory are not the planned ones. */
	switch (corrupt) {
	case -1:
		break;
	case 0:
		kernel[kernel_len - 1] ^= 0x01;
		break;
	case 1:
		initrd[initrd_size - 1] ^= 0x80;
		break;
	case 2:
		dtb[H_DTB_LEN / 2] ^= 0x10;
		break;
	case 3:
		tiny[0] ^= 0xff;
		break;
	default:
		die("--corrupt: regions 0..3 hold data");
	}

	if (kx_purgatory_blob(H_ARCH, &blob, &err) < 0)
		die(err.message);
	buf = calloc(1, blob.size);
	if (!buf || kx_purgatory_fill(&blob, buf, blob.size, &p, &err) < 0)
		die(err.message[0] ? err.message : "out of memory");
	if (H_KNOBS)
		kx_put_le32(buf + KX_KNOBS_OFFSET, knobs);
	if (bad_nr)
		kx_put_le32(buf + blob.params_offset +
			    offsetof(struct kx_purgatory_params, nr_regions),
			    KX_PURGATORY_REGIONS_MAX + 1);
	if (bad_kind)
		kx_put_le32(buf + blob.params_offset +
			    offsetof(struct kx_purgatory_params, digest_kind), 2);

	write_file(argv[1], "purgatory.bin", buf, blob.size);
	write_file(argv[1], "kernel.bin", kernel, kernel_len);
	write_file(argv[1], "initrd.bin", initrd, initrd_size);
	write_file(argv[1], "dtb.bin", dtb, H_DTB_LEN);
	write_file(argv[1], "tiny.bin", tiny, sizeof(tiny));
	free(buf);
	free(dtb);
	free(initrd);
	free(kernel);
	return 0;
}
