// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device tree handed to an arm64 or riscv64 kernel, as a blob: read a
 * file or take bytes, check them, keep them in a buffer with room for
 * edits. The other concerns have their own files: flattening
 * /proc/device-tree (dtb_fs.c), the /chosen edits (dtb_chosen.c), the
 * memory facts (dtb_memory.c). All tree work goes through the system
 * libfdt; every libfdt error is reported with fdt_strerror()'s text and the
 * file, node and property it concerns.
 */
#include "dtb.h"
#include "dtb_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

int dtb_fdt_fail(struct kx_error *err, enum kx_status status, int fdt_err,
		 const char *what, const char *detail)
{
	return kx_fail(err, status, "%s: %s%s%s", what, fdt_strerror(fdt_err),
		       detail && *detail ? ": " : "", detail ? detail : "");
}

/* ---- reading and checking a blob --------------------------------------- */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* A header field (fdt32_ld: an unaligned big-endian load, no tree read). */
static uint32_t be32_at(const uint8_t *p)
{
	return fdt32_ld((const fdt32_t *)p);
}

/*
 * The structure block's tokens, walked by us before libfdt's: every token
 * inside the block, a node's name NUL-terminated in it, a property's header
 * and value inside it (its length compared in 64 bits: libfdt 1.6.1 adds
 * a length near 2^32 as a negative int, steps backwards and spends tens of
 * seconds in fdt_check_full on a 4 KiB tree), its name offset inside the
 * strings block with a NUL there, nodes closed as opened, an FDT_END at
 * depth 0 before the block ends. Linear in the block's size.
 */
static int check_structure(const uint8_t *data, uint32_t off_struct, uint32_t size_struct, uint32_t off_strings,
			   uint32_t size_strings, char *detail, size_t len)
{
	uint64_t at = off_struct, end = (uint64_t)off_struct + size_struct, depth = 0;

	while (at + 4 <= end) {
		uint32_t tag = be32_at(data + at);
		uint64_t tok = at;
		at += 4;
		switch (tag) {
		case FDT_BEGIN_NODE: {
			const uint8_t *nul = memchr(data + at, 0, end - at);
			if (!nul) {
				snprintf(detail, len, "node at 0x%" PRIx64 ": its name runs past the structure block", tok);
				return -FDT_ERR_TRUNCATED;
			}
			at += ((uint64_t)(nul - (data + at)) + 1 + 3) & ~(uint64_t)3;
			depth++;
			break;
		}
		case FDT_END_NODE:
			if (depth == 0) {
				snprintf(detail, len, "FDT_END_NODE at 0x%" PRIx64 " closes no node", tok);
				return -FDT_ERR_BADSTRUCTURE;
			}
			depth--;
			break;
		case FDT_PROP: {
			if (at + 8 > end) {
				snprintf(detail, len, "property at 0x%" PRIx64 ": its header runs past the structure block", tok);
				return -FDT_ERR_TRUNCATED;
			}
			uint64_t vlen = be32_at(data + at), nameoff = be32_at(data + at + 4);
			at += 8;
			if (vlen > end - at) {
				snprintf(detail, len, "property at 0x%" PRIx64 ": length 0x%" PRIx64 " runs past the structure "
					 "block (0x%" PRIx64 " bytes left)", tok, vlen, end - at);
				return -FDT_ERR_TRUNCATED;
			}
			if (depth == 0) {
				snprintf(detail, len, "property at 0x%" PRIx64 " is outside every node", tok);
				return -FDT_ERR_BADSTRUCTURE;
			}
			if (nameoff >= size_strings || !memchr(data + off_strings + nameoff, 0, size_strings - nameoff)) {
				snprintf(detail, len, "property at 0x%" PRIx64 ": name offset 0x%" PRIx64 " has no "
					 "NUL-terminated name in the strings block (0x%" PRIx32 " bytes)", tok, nameoff, size_strings);
				return -FDT_ERR_BADOFFSET;
			}
			at += (vlen + 3) & ~(uint64_t)3;
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0) {
				snprintf(detail, len, "FDT_END at 0x%" PRIx64 " with %" PRIu64 " node(s) still open", tok, depth);
				return -FDT_ERR_BADSTRUCTURE;
			}
			return 0;
		default:
			snprintf(detail, len, "token 0x%08" PRIx32 " at 0x%" PRIx64 " is none of the five", tag, tok);
			return -FDT_ERR_BADSTRUCTURE;
		}
	}
	snprintf(detail, len, "the structure block (0x%" PRIx32 "+0x%" PRIx32 ") ends without FDT_END", off_struct,
		 size_struct);
	return -FDT_ERR_TRUNCATED;
}

/*
 * The header's rules, checked by us before any libfdt function reads the
 * blob: libfdt trusts parts of a header it accepts. 1.6.1's fdt_check_full()
 * takes trees of version 2 and later, and on a version 2 or 3 tree
 * dereferences the NULL name fdt_get_name() gives (SIGSEGV); other versions
 * have had other gaps. So: version 17 (compatible back to 16, as dtc, QEMU
 * and firmware write), every block inside totalsize with its offset and size
 * added in 64 bits, aligned, and apart from the others; the memory
 * reservation block's end (an entry of size 0) comes before totalsize and
 * before any other block.
 * Returns 0, or a libfdt error code with `detail` saying which rule.
 */
static int check_header(const uint8_t *data, size_t size, char *detail, size_t len)
{
	const uint64_t header = sizeof(struct fdt_header);

	if (size < header) {
		snprintf(detail, len, "%zu bytes, a header alone is %zu", size, sizeof(struct fdt_header));
		return -FDT_ERR_TRUNCATED;
	}
	uint32_t magic = be32_at(data), total = be32_at(data + 4);
	uint32_t off_struct = be32_at(data + 8), off_strings = be32_at(data + 12);
	uint32_t off_rsv = be32_at(data + 16), version = be32_at(data + 20);
	uint32_t last_comp = be32_at(data + 24), size_strings = be32_at(data + 32);
	uint32_t size_struct = be32_at(data + 36);

	if (magic != FDT_MAGIC) {
		snprintf(detail, len, "magic 0x%08" PRIx32 ", expected 0x%08x", magic, FDT_MAGIC);
		return -FDT_ERR_BADMAGIC;
	}
	if (version < 17 || last_comp > 17 || last_comp > version) {
		snprintf(detail, len, "version %" PRIu32 ", last compatible version %" PRIu32 "; kexec-ng "
			 "reads version 17 trees (last compatible 16 or 17)", version, last_comp);
		return -FDT_ERR_BADVERSION;
	}
	if (total > size) {
		snprintf(detail, len, "totalsize %" PRIu32 " but only %zu bytes", total, size);
		return -FDT_ERR_TRUNCATED;
	}
	const struct { const char *name; uint64_t off, size; } blocks[] = {
		{ "structure", off_struct, size_struct },
		{ "strings", off_strings, size_strings },
	};
	for (size_t i = 0; i < 2; i++) {
		if (blocks[i].off < header || blocks[i].off + blocks[i].size > total) {
			snprintf(detail, len, "%s block at 0x%" PRIx64 ", 0x%" PRIx64 " bytes, is not between the "
				 "header and totalsize 0x%" PRIx32, blocks[i].name, blocks[i].off, blocks[i].size, total);
			return -FDT_ERR_TRUNCATED;
		}
	}
	if (off_struct % 4 || size_struct % 4) {
		snprintf(detail, len, "structure block at 0x%" PRIx32 ", 0x%" PRIx32 " bytes, is not made of "
			 "4-byte tokens", off_struct, size_struct);
		return -FDT_ERR_BADLAYOUT;
	}
	if (overlaps(off_struct, size_struct, off_strings, size_strings)) {
		snprintf(detail, len, "structure block 0x%" PRIx32 "+0x%" PRIx32 " and strings block 0x%" PRIx32
			 "+0x%" PRIx32 " overlap", off_struct, size_struct, off_strings, size_strings);
		return -FDT_ERR_BADLAYOUT;
	}
	if (off_rsv % 8 || off_rsv < header || off_rsv >= total) {
		snprintf(detail, len, "memory reservation block at 0x%" PRIx32 " is %s", off_rsv,
			 off_rsv % 8 ? "not 8-byte aligned" : "not between the header and totalsize");
		return -FDT_ERR_BADLAYOUT;
	}
	/* Its entries (address, size: 16 bytes) up to the one of size 0, where
	 * libfdt and the kernel stop reading (the spec writes (0, 0)). */
	uint64_t entries = 0, at = off_rsv;
	for (;; entries++, at += 16) {
		if (at + 16 > total) {
			snprintf(detail, len, "memory reservation block at 0x%" PRIx32 " has no entry of size 0 "
				 "(its end) before totalsize 0x%" PRIx32, off_rsv, total);
			return -FDT_ERR_TRUNCATED;
		}
		if (!memcmp(data + at + 8, (const uint8_t[8]){ 0 }, 8))
			break;
	}
	uint64_t rsv_size = (entries + 1) * 16;
	if (overlaps(off_rsv, rsv_size, off_struct, size_struct) ||
	    overlaps(off_rsv, rsv_size, off_strings, size_strings)) {
		snprintf(detail, len, "memory reservation block at 0x%" PRIx32 " (%" PRIu64 " entries) overlaps "
			 "the structure or strings block", off_rsv, entries);
		return -FDT_ERR_BADLAYOUT;
	}
	return check_structure(data, off_struct, size_struct, off_strings, size_strings, detail, len);
}

int kx_dtb_from_bytes(const uint8_t *data, size_t size, const char *source,
		      struct kx_dtb *ret, struct kx_error *err)
{
	char src[sizeof(ret->source)], detail[128] = "";
	int rc;

	/* `source` may be ret->source of another tree, or of this one. */
	snprintf(src, sizeof(src), "%s", source ? source : "device tree");
	memset(ret, 0, sizeof(*ret));
	if (size > DTB_MAX_BYTES)
		return kx_fail(err, KX_E_INPUT, "%s: %zu bytes, more than %llu (%llu MiB), the most "
			       "kexec-ng reads of a device tree", src, size, DTB_MAX_BYTES, DTB_MAX_BYTES / MiB);
	rc = check_header(data, size, detail, sizeof(detail));
	if (rc == 0)
		rc = fdt_check_full(data, size);   /* the blocks' contents */
	if (rc < 0) {
		return kx_fail(err, KX_E_INPUT, "%s: not a valid flattened device tree: %s%s%s%s", src,
			       fdt_strerror(rc), *detail ? " (" : "", detail, *detail ? ")" : "");
	}
	/* Room for the tree as laid out by fdt_open_into (header, reservation
	 * block, structure, strings; no gaps), plus DTB_ROOM: edits within it
	 * do not grow the buffer, so it stops at the cap too. */
	size_t total = fdt_totalsize(data);
	size_t alloc = total + DTB_ROOM < DTB_MAX_BYTES ? total + DTB_ROOM : DTB_MAX_BYTES;
	uint8_t *buf = malloc(alloc);
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory for %zu bytes", src, alloc);
	rc = fdt_open_into(data, buf, (int)alloc);
	if (rc == 0)
		rc = fdt_pack(buf);
	if (rc < 0) {
		free(buf);
		return kx_fail(err, KX_E_INPUT, "%s: not a valid flattened device tree: %s (its blocks "
			       "do not fit in %zu bytes when laid out again)", src, fdt_strerror(rc), alloc);
	}
	/* A blob with a large free area (QEMU's dumpdtb writes 1 MiB) shrinks
	 * to what it uses. */
	size_t packed = fdt_totalsize(buf) + DTB_ROOM;
	if (packed > DTB_MAX_BYTES)
		packed = DTB_MAX_BYTES;
	if (packed < alloc) {
		uint8_t *smaller = realloc(buf, packed);
		if (smaller) {
			buf = smaller;
			alloc = packed;
		}
	}
	ret->blob = buf;
	ret->size = alloc;
	snprintf(ret->source, sizeof(ret->source), "%s", src);
	return 0;
}

void kx_dtb_free(struct kx_dtb *dtb)
{
	if (!dtb)
		return;
	free(dtb->blob);
	dtb->blob = NULL;
	dtb->size = 0;
}

size_t kx_dtb_size(const struct kx_dtb *dtb)
{
	return dtb && dtb->blob ? fdt_totalsize(dtb->blob) : 0;
}

/* ---- reading a file: --dtb, /sys/firmware/fdt ---------------------------- */

/* Read all of an open file (sysfs files report sizes that may be wrong, so
 * read until EOF rather than trusting st_size). */
int dtb_read_fd(int fd, const char *path, uint8_t **ret, size_t *ret_len, struct kx_error *err)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory", path);
	for (;;) {
		uint8_t extra;
		if (len == cap && cap >= DTB_MAX_BYTES) {
			/* Full at the cap: a file of exactly DTB_MAX_BYTES is
			 * fine, one more byte is not. */
			ssize_t n = read(fd, &extra, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				break;
			free(buf);
			if (n < 0)
				return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot read", path);
			return kx_fail(err, KX_E_INPUT, "%s: more than %llu bytes (%llu MiB), the most "
				       "kexec-ng reads of a device tree", path, DTB_MAX_BYTES, DTB_MAX_BYTES / MiB);
		}
		if (len == cap) {
			size_t bigger_cap = cap * 2 < DTB_MAX_BYTES ? cap * 2 : DTB_MAX_BYTES;
			uint8_t *bigger = realloc(buf, bigger_cap);
			if (!bigger) {
				free(buf);
				return kx_fail(err, KX_E_NOMEM, "%s: out of memory", path);
			}
			buf = bigger;
			cap = bigger_cap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return kx_fail_errno(err, KX_E_IO, e, "%s: cannot read", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

static int read_blob_file(const char *path, const char *source, struct kx_dtb *ret, struct kx_error *err)
{
	uint8_t *data;
	size_t len;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return kx_fail_errno(err, KX_E_IO, e, "%s: cannot stat", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return kx_fail(err, KX_E_IO, "%s: not a regular file", path);
	}
	int rc = dtb_read_fd(fd, path, &data, &len, err);
	close(fd);
	if (rc < 0)
		return -1;
	rc = kx_dtb_from_bytes(data, len, source, ret, err);
	free(data);
	return rc;
}

static void root_path(char *buf, size_t size, const char *root, const char *rel)
{
	if (!root || !*root || !strcmp(root, "/"))
		snprintf(buf, size, "/%s", rel);
	else
		snprintf(buf, size, "%s/%s", root, rel);
}

int kx_dtb_read(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_error *err)
{
	char path[4096], source[sizeof(ret->source)];
	struct stat st;

	memset(ret, 0, sizeof(*ret));
	if (dtb_path) {
		snprintf(source, sizeof(source), "--dtb %s", dtb_path);
		return read_blob_file(dtb_path, source, ret, err);
	}
	/* The blob the running kernel was booted with, as it was handed over
	 * (the kernel keeps a copy, including the reservation block). */
	root_path(path, sizeof(path), root, "sys/firmware/fdt");
	if (stat(path, &st) == 0 || errno != ENOENT)
		return read_blob_file(path, path, ret, err);
	root_path(path, sizeof(path), root, "proc/device-tree");
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return kx_fail(err, KX_E_SYSTEM, "%s: not a folder", path);
		snprintf(source, sizeof(source), "%.240s (flattened)", path);
		return dtb_flatten(path, source, ret, err);
	}
	if (errno != ENOENT)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot stat", path);
	char fdt_path[4096];
	root_path(fdt_path, sizeof(fdt_path), root, "sys/firmware/fdt");
	return kx_fail(err, KX_E_SYSTEM,
		       "no device tree: neither %s nor %s exists (give one with --dtb)", fdt_path, path);
}
