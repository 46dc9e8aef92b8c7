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

/* A human hint for the header-level errors, next to libfdt's code. */
static void header_detail(const uint8_t *data, size_t size, int rc, char *buf, size_t len)
{
	buf[0] = 0;
	if (size < sizeof(struct fdt_header)) {
		snprintf(buf, len, "%zu bytes, a header alone is %zu", size, sizeof(struct fdt_header));
		return;
	}
	const struct fdt_header *h = (const void *)data;
	if (rc == -FDT_ERR_BADMAGIC)
		snprintf(buf, len, "magic 0x%08" PRIx32 ", expected 0x%08x", fdt32_to_cpu(h->magic), FDT_MAGIC);
	else if (rc == -FDT_ERR_BADVERSION)
		snprintf(buf, len, "version %" PRIu32 ", last compatible version %" PRIu32,
			 fdt32_to_cpu(h->version), fdt32_to_cpu(h->last_comp_version));
	else if (rc == -FDT_ERR_TRUNCATED && fdt32_to_cpu(h->totalsize) > size)
		snprintf(buf, len, "totalsize %" PRIu32 " but only %zu bytes", fdt32_to_cpu(h->totalsize), size);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * fdt_check_full() (libfdt 1.6.1) checks the structure and strings blocks
 * but not where the memory reservation block ends: one that runs into the
 * structure block passes, and fdt_open_into() then fails. The spec wants it
 * 8-byte aligned and apart from the other blocks.
 */
static int check_reservations(const void *fdt, char *detail, size_t len)
{
	uint64_t off = fdt_off_mem_rsvmap(fdt);
	int n = fdt_num_mem_rsv(fdt);

	if (off % 8) {
		snprintf(detail, len, "memory reservation block at 0x%" PRIx64 " is not 8-byte aligned", off);
		return -FDT_ERR_BADLAYOUT;
	}
	if (n < 0)
		return n;
	uint64_t size = ((uint64_t)n + 1) * sizeof(struct fdt_reserve_entry);
	if (overlaps(off, size, fdt_off_dt_struct(fdt), fdt_size_dt_struct(fdt)) ||
	    overlaps(off, size, fdt_off_dt_strings(fdt), fdt_size_dt_strings(fdt))) {
		snprintf(detail, len, "memory reservation block at 0x%" PRIx64 " (%d entries) overlaps "
			 "the structure or strings block", off, n);
		return -FDT_ERR_BADLAYOUT;
	}
	return 0;
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
		return kx_fail(err, KX_E_INPUT, "%s: %zu bytes, more than the %llu MiB a device tree may have",
			       src, size, DTB_MAX_BYTES / MiB);
	rc = fdt_check_full(data, size);
	if (rc < 0)
		header_detail(data, size, rc, detail, sizeof(detail));
	else
		rc = check_reservations(data, detail, sizeof(detail));
	if (rc < 0) {
		return kx_fail(err, KX_E_INPUT, "%s: not a valid flattened device tree: %s%s%s%s", src,
			       fdt_strerror(rc), *detail ? " (" : "", detail, *detail ? ")" : "");
	}
	/* Room for the tree as laid out by fdt_open_into (header, reservation
	 * block, structure, strings; no gaps), plus DTB_ROOM. */
	size_t total = fdt_totalsize(data);
	size_t alloc = total + DTB_ROOM;
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
		if (len == cap) {
			if (cap >= DTB_MAX_BYTES) {
				free(buf);
				return kx_fail(err, KX_E_INPUT, "%s: more than %llu MiB", path, DTB_MAX_BYTES / MiB);
			}
			uint8_t *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return kx_fail(err, KX_E_NOMEM, "%s: out of memory", path);
			}
			buf = bigger;
			cap *= 2;
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
