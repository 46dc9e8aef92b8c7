// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device tree handed to an arm64 or riscv64 kernel: read the running
 * system's tree, rewrite /chosen the way the kernel's kexec_file does
 * (drivers/of/kexec.c), read the memory nodes. All tree work goes through the
 * system libfdt; every libfdt error is reported with fdt_strerror()'s text and
 * the file, node and property it concerns.
 */
#include "dtb.h"

#include "../core/bytes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

/* Free space a tree gets when it is read, for the usual /chosen edits
 * (seeds, initrd, a command line of ordinary length); larger edits grow
 * the buffer. */
#define DTB_ROOM 1024
/* Cap on any tree we read, build or grow. booting.rst allows 2 MiB for
 * arm64; this is only a guard against absurd inputs. */
#define DTB_MAX_BYTES (64u << 20)
/* Cap on the nesting of /proc/device-tree folders. */
#define DTB_MAX_DEPTH 64

static int fdt_fail(struct kx_error *err, enum kx_status status, int fdt_err,
		    const char *what, const char *detail)
{
	return kx_fail(err, status, "%s: %s%s%s", what, fdt_strerror(fdt_err),
		       detail && *detail ? ": " : "", detail ? detail : "");
}

static void root_path(char *buf, size_t size, const char *root, const char *rel)
{
	if (!root || !*root || !strcmp(root, "/"))
		snprintf(buf, size, "/%s", rel);
	else
		snprintf(buf, size, "%s/%s", root, rel);
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
		return kx_fail(err, KX_E_INPUT, "%s: %zu bytes, more than the %u MiB a device tree may have",
			       src, size, DTB_MAX_BYTES >> 20);
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

/* Read all of an open file (sysfs files report sizes that may be wrong, so
 * read until EOF rather than trusting st_size). */
static int read_fd(int fd, const char *path, uint8_t **ret, size_t *ret_len, struct kx_error *err)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory", path);
	for (;;) {
		if (len == cap) {
			if (cap >= DTB_MAX_BYTES) {
				free(buf);
				return kx_fail(err, KX_E_INPUT, "%s: more than %u MiB", path, DTB_MAX_BYTES >> 20);
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
	int rc = read_fd(fd, path, &data, &len, err);
	close(fd);
	if (rc < 0)
		return -1;
	rc = kx_dtb_from_bytes(data, len, source, ret, err);
	free(data);
	return rc;
}

/* ---- flattening /proc/device-tree --------------------------------------- */

struct fs_prop {
	char *name;
	uint8_t *value;
	size_t len;
};

struct fs_node {
	char *name;                 /* "" for the root */
	struct fs_prop *props;
	size_t nprops;
	struct fs_node *kids;
	size_t nkids;
};

static void fs_node_free(struct fs_node *n)
{
	for (size_t i = 0; i < n->nprops; i++) {
		free(n->props[i].name);
		free(n->props[i].value);
	}
	for (size_t i = 0; i < n->nkids; i++)
		fs_node_free(&n->kids[i]);
	free(n->props);
	free(n->kids);
	free(n->name);
	memset(n, 0, sizeof(*n));
}

static int cmp_prop(const void *a, const void *b)
{
	return strcmp(((const struct fs_prop *)a)->name, ((const struct fs_prop *)b)->name);
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp(((const struct fs_node *)a)->name, ((const struct fs_node *)b)->name);
}

/*
 * The kernel gives every node a "name" property: the node name without its
 * unit address, NUL-terminated (drivers/of/fdt.c makes one up when the blob,
 * version 16 or later, has none). A flattened tree of version 16+ carries
 * names in the nodes, so a "name" that says exactly that is redundant and is
 * dropped, as `dtc -I fs` does (its name_properties check); any other "name"
 * (an old-style tree's) is kept as a property.
 */
static bool redundant_name(const struct fs_node *node, const struct fs_prop *p)
{
	size_t base = strcspn(node->name, "@");
	return !strcmp(p->name, "name") && p->len == base + 1 &&
	       !memcmp(p->value, node->name, base) && p->value[base] == 0;
}

static int fs_read_dir(int dir_fd, const char *path, struct fs_node *node, int depth,
		       size_t *bytes, struct kx_error *err)
{
	char sub[4096];
	size_t cap_props = 0, cap_kids = 0;
	struct dirent *de;

	if (depth > DTB_MAX_DEPTH) {
		close(dir_fd);
		return kx_fail(err, KX_E_INPUT, "%s: nested deeper than %d nodes", path, DTB_MAX_DEPTH);
	}
	DIR *dir = fdopendir(dir_fd);
	if (!dir) {
		int e = errno;
		close(dir_fd);
		return kx_fail_errno(err, KX_E_IO, e, "%s: cannot list", path);
	}
	int rc = 0;
	while (rc == 0) {
		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				rc = kx_fail_errno(err, KX_E_IO, errno, "%s: cannot list", path);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int n = snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(sub)) {
			rc = kx_fail(err, KX_E_IO, "%s/%s: path longer than %zu bytes", path, de->d_name,
				     sizeof(sub) - 1);
			break;
		}
		struct stat st;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = kx_fail_errno(err, KX_E_IO, errno, "%s: cannot stat", sub);
			break;
		}
		/* Only folders (nodes) and files (properties) make up the tree;
		 * the kernel puts nothing else there. */
		if (S_ISDIR(st.st_mode)) {
			if (node->nkids == cap_kids) {
				size_t ncap = cap_kids ? cap_kids * 2 : 8;
				struct fs_node *k = realloc(node->kids, ncap * sizeof(*k));
				if (!k) {
					rc = kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
					break;
				}
				node->kids = k;
				cap_kids = ncap;
			}
			struct fs_node *kid = &node->kids[node->nkids];
			memset(kid, 0, sizeof(*kid));
			kid->name = strdup(de->d_name);
			if (!kid->name) {
				rc = kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
				break;
			}
			node->nkids++;
			*bytes += strlen(de->d_name) + 16;
			int fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				rc = kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", sub);
				break;
			}
			rc = fs_read_dir(fd, sub, kid, depth + 1, bytes, err);
		} else if (S_ISREG(st.st_mode)) {
			if (node->nprops == cap_props) {
				size_t ncap = cap_props ? cap_props * 2 : 16;
				struct fs_prop *p = realloc(node->props, ncap * sizeof(*p));
				if (!p) {
					rc = kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
					break;
				}
				node->props = p;
				cap_props = ncap;
			}
			struct fs_prop *prop = &node->props[node->nprops];
			memset(prop, 0, sizeof(*prop));
			prop->name = strdup(de->d_name);
			if (!prop->name) {
				rc = kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
				break;
			}
			node->nprops++;
			int fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				rc = kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", sub);
				break;
			}
			rc = read_fd(fd, sub, &prop->value, &prop->len, err);
			close(fd);
			if (rc < 0)
				break;
			*bytes += prop->len + strlen(de->d_name) + 16;
			if (*bytes > DTB_MAX_BYTES)
				rc = kx_fail(err, KX_E_INPUT, "%s: the tree holds more than %u MiB", path,
					     DTB_MAX_BYTES >> 20);
		}
	}
	closedir(dir);
	if (rc < 0)
		return -1;

	/* readdir's order is the file system's: sort for a result that does
	 * not depend on it. */
	if (node->nprops)
		qsort(node->props, node->nprops, sizeof(*node->props), cmp_prop);
	if (node->nkids)
		qsort(node->kids, node->nkids, sizeof(*node->kids), cmp_node);
	size_t keep = 0;
	for (size_t i = 0; i < node->nprops; i++) {
		if (redundant_name(node, &node->props[i])) {
			free(node->props[i].name);
			free(node->props[i].value);
			continue;
		}
		node->props[keep++] = node->props[i];
	}
	node->nprops = keep;
	return 0;
}

static int fs_emit(void *fdt, const struct fs_node *node)
{
	int rc = fdt_begin_node(fdt, node->name);
	for (size_t i = 0; rc == 0 && i < node->nprops; i++)
		rc = fdt_property(fdt, node->props[i].name, node->props[i].value, (int)node->props[i].len);
	for (size_t i = 0; rc == 0 && i < node->nkids; i++)
		rc = fs_emit(fdt, &node->kids[i]);
	return rc ? rc : fdt_end_node(fdt);
}

static int flatten(const char *path, const char *source, struct kx_dtb *ret, struct kx_error *err)
{
	struct fs_node top = { 0 };
	size_t bytes = 1024;
	int rc;

	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", path);
	top.name = strdup("");
	if (!top.name) {
		close(fd);
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	}
	if (fs_read_dir(fd, path, &top, 0, &bytes, err) < 0) {
		fs_node_free(&top);
		return -1;
	}

	/* /proc/device-tree shows nodes and properties only: the memory
	 * reservation block (/memreserve/) and boot_cpuid_phys of the boot
	 * blob are not exposed, so the flattened tree has an empty
	 * reservation block and boot_cpuid_phys 0. */
	size_t size = bytes * 2;
	uint8_t *buf = NULL;
	for (;;) {
		uint8_t *bigger = realloc(buf, size);
		if (!bigger) {
			free(buf);
			fs_node_free(&top);
			return kx_fail(err, KX_E_NOMEM, "%s: out of memory", path);
		}
		buf = bigger;
		rc = fdt_create(buf, (int)size);
		if (rc == 0)
			rc = fdt_finish_reservemap(buf);
		if (rc == 0)
			rc = fs_emit(buf, &top);
		if (rc == 0)
			rc = fdt_finish(buf);
		if (rc != -FDT_ERR_NOSPACE || size >= DTB_MAX_BYTES)
			break;
		size *= 2;
	}
	fs_node_free(&top);
	if (rc < 0) {
		free(buf);
		return fdt_fail(err, KX_E_INPUT, rc, path, "cannot build a flattened tree from it");
	}
	rc = kx_dtb_from_bytes(buf, fdt_totalsize(buf), source, ret, err);
	free(buf);
	return rc;
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
		return flatten(path, source, ret, err);
	}
	if (errno != ENOENT)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot stat", path);
	char fdt_path[4096];
	root_path(fdt_path, sizeof(fdt_path), root, "sys/firmware/fdt");
	return kx_fail(err, KX_E_SYSTEM,
		       "no device tree: neither %s nor %s exists (give one with --dtb)", fdt_path, path);
}

/* ---- editing /chosen ------------------------------------------------------ */

/* One edit of the tree. Edits that need more room than the buffer has fail
 * with -FDT_ERR_NOSPACE before touching the tree; apply() then grows the
 * buffer with fdt_open_into and tries again. Node offsets survive the move
 * (they count from the start of the structure block), but the chosen node
 * is looked up again anyway so no edit relies on that. */
enum edit_kind {
	EDIT_SET,          /* setprop name = value[len] */
	EDIT_DEL,          /* delprop name, absent is fine */
	EDIT_APPEND_RANGE, /* appendprop_addrrange name, <addr size> with the root's cells */
	EDIT_ADD_RSV,      /* add_mem_rsv addr size */
};

struct edit {
	enum edit_kind kind;
	const char *name;
	const void *value;
	int len;
	uint64_t addr, size;
};

static int grow(struct kx_dtb *dtb, size_t need, struct kx_error *err)
{
	size_t size = dtb->size * 2;
	if (size < dtb->size + need + DTB_ROOM)
		size = dtb->size + need + DTB_ROOM;
	if (size > DTB_MAX_BYTES)
		return kx_fail(err, KX_E_PLAN, "%s: the edited device tree would exceed %u MiB",
			       dtb->source, DTB_MAX_BYTES >> 20);
	uint8_t *buf = malloc(size);
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory for %zu bytes", dtb->source, size);
	int rc = fdt_open_into(dtb->blob, buf, (int)size);
	if (rc < 0) {
		free(buf);
		return fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot move the tree to a larger buffer");
	}
	free(dtb->blob);
	dtb->blob = buf;
	dtb->size = size;
	return 0;
}

static int chosen_offset(const struct kx_dtb *dtb, struct kx_error *err)
{
	int off = fdt_path_offset(dtb->blob, "/chosen");
	if (off < 0)
		return fdt_fail(err, KX_E_INPUT, off, dtb->source, "/chosen");
	return off;
}

static int apply(struct kx_dtb *dtb, const struct edit *e, struct kx_error *err)
{
	char what[sizeof(dtb->source) + 128];

	for (;;) {
		int rc, chosen = 0;
		if (e->kind != EDIT_ADD_RSV && (chosen = chosen_offset(dtb, err)) < 0)
			return -1;
		switch (e->kind) {
		case EDIT_SET:
			rc = fdt_setprop(dtb->blob, chosen, e->name, e->value, e->len);
			break;
		case EDIT_DEL:
			rc = fdt_delprop(dtb->blob, chosen, e->name);
			if (rc == -FDT_ERR_NOTFOUND)
				rc = 0;
			break;
		case EDIT_APPEND_RANGE:
			rc = fdt_appendprop_addrrange(dtb->blob, 0, chosen, e->name, e->addr, e->size);
			break;
		case EDIT_ADD_RSV:
			rc = fdt_add_mem_rsv(dtb->blob, e->addr, e->size);
			break;
		default:
			rc = -FDT_ERR_INTERNAL;
			break;
		}
		if (rc == 0)
			return 0;
		if (rc == -FDT_ERR_NOSPACE) {
			size_t need = (size_t)(e->len > 0 ? e->len : 0) + (e->name ? strlen(e->name) : 0) + 64;
			if (grow(dtb, need, err) < 0)
				return -1;
			continue;
		}
		if (e->kind == EDIT_ADD_RSV) {
			snprintf(what, sizeof(what), "%s: memory reservation 0x%" PRIx64 "+0x%" PRIx64,
				 dtb->source, e->addr, e->size);
			return fdt_fail(err, KX_E_INPUT, rc, what, NULL);
		}
		snprintf(what, sizeof(what), "%s: /chosen/%s", dtb->source, e->name);
		if (rc == -FDT_ERR_BADVALUE && e->kind == EDIT_APPEND_RANGE) {
			char detail[160];
			snprintf(detail, sizeof(detail),
				 "0x%" PRIx64 "+0x%" PRIx64 " does not fit #address-cells = %d, #size-cells = %d",
				 e->addr, e->size, fdt_address_cells(dtb->blob, 0), fdt_size_cells(dtb->blob, 0));
			return fdt_fail(err, KX_E_PLAN, rc, what, detail);
		}
		return fdt_fail(err, KX_E_INPUT, rc, what, NULL);
	}
}

static int set(struct kx_dtb *dtb, const char *name, const void *value, size_t len, struct kx_error *err)
{
	if (len > DTB_MAX_BYTES)
		return kx_fail(err, KX_E_PLAN, "%s: /chosen/%s: %zu bytes is more than a device tree may hold",
			       dtb->source, name, len);
	struct edit e = { .kind = EDIT_SET, .name = name, .value = value, .len = (int)len };
	return apply(dtb, &e, err);
}

static int del(struct kx_dtb *dtb, const char *name, struct kx_error *err)
{
	struct edit e = { .kind = EDIT_DEL, .name = name };
	return apply(dtb, &e, err);
}

static int add_range(struct kx_dtb *dtb, const char *name, uint64_t addr, uint64_t size,
		     struct kx_error *err)
{
	struct edit e = { .kind = EDIT_APPEND_RANGE, .name = name, .addr = addr, .size = size };
	return apply(dtb, &e, err);
}

static int add_rsv(struct kx_dtb *dtb, uint64_t addr, uint64_t size, struct kx_error *err)
{
	struct edit e = { .kind = EDIT_ADD_RSV, .addr = addr, .size = size };
	return apply(dtb, &e, err);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* A number of 1 or 2 cells (what of_read_number() reads for initrd-start). */
static bool read_cells_number(const uint8_t *p, int len, uint64_t *ret)
{
	if (len == 4) {
		*ret = fdt32_ld((const fdt32_t *)p);
		return true;
	}
	if (len == 8) {
		*ret = fdt64_ld((const fdt64_t *)p);
		return true;
	}
	return false;
}

/* <addr size> as encoded with the root's cells; false unless 1 or 2 each. */
static bool read_range(const void *fdt, const uint8_t *p, int len, uint64_t *ret_addr, uint64_t *ret_size)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len != 4 * (ac + sc))
		return false;
	return read_cells_number(p, 4 * ac, ret_addr) && read_cells_number(p + 4 * ac, 4 * sc, ret_size);
}

/* Delete the reservation entry [addr, addr+size) exactly, or one of `size`
 * rounded up to a page (4, 16 or 64 KiB), as firmware may have reserved
 * whole pages (drivers/of/kexec.c checks exact and PAGE_SIZE-rounded).
 * Returns 1 when an entry went, 0 when none matched. */
static int del_rsv_covering(struct kx_dtb *dtb, uint64_t addr, uint64_t size, struct kx_error *err)
{
	static const uint64_t pages[] = { 1, 4096, 16384, 65536 };
	int n = fdt_num_mem_rsv(dtb->blob);

	if (n < 0)
		return fdt_fail(err, KX_E_INPUT, n, dtb->source, "memory reservation block");
	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		uint64_t want = kx_align_up(size, pages[p]);
		for (int i = 0; i < n; i++) {
			uint64_t a, s;
			if (fdt_get_mem_rsv(dtb->blob, i, &a, &s) < 0 || a != addr || s != want)
				continue;
			int rc = fdt_del_mem_rsv(dtb->blob, i);
			if (rc < 0)
				return fdt_fail(err, KX_E_INPUT, rc, dtb->source, "memory reservation block");
			return 1;
		}
	}
	return 0;
}

/*
 * Reservations that belonged to the running kernel's hand-over and must not
 * outlive it: the old initrd (what drivers/of/kexec.c removes), and the old
 * elfcorehdr and IMA buffer when the running kernel was itself started by
 * kexec (their properties go below; their reservations go here with them).
 */
static int drop_stale_reservations(struct kx_dtb *dtb, struct kx_error *err)
{
	int chosen = fdt_path_offset(dtb->blob, "/chosen");
	int len, end_len;

	if (chosen < 0)
		return 0;
	const uint8_t *start_p = fdt_getprop(dtb->blob, chosen, "linux,initrd-start", &len);
	if (start_p) {
		const uint8_t *end_p = fdt_getprop(dtb->blob, chosen, "linux,initrd-end", &end_len);
		uint64_t start, end;
		if (!end_p)
			return kx_fail(err, KX_E_INPUT, "%s: /chosen has linux,initrd-start but no linux,initrd-end",
				       dtb->source);
		if (!read_cells_number(start_p, len, &start) || !read_cells_number(end_p, end_len, &end) ||
		    end < start)
			return kx_fail(err, KX_E_INPUT, "%s: /chosen/linux,initrd-start and -end are not a "
				       "range of 1- or 2-cell numbers (%d and %d bytes)", dtb->source, len, end_len);
		if (del_rsv_covering(dtb, start, end - start, err) < 0)
			return -1;
	}
	static const char *const ranges[] = { "linux,elfcorehdr", "linux,ima-kexec-buffer" };
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		/* offsets may have moved: look /chosen up again */
		chosen = fdt_path_offset(dtb->blob, "/chosen");
		const uint8_t *p = chosen >= 0 ? fdt_getprop(dtb->blob, chosen, ranges[i], &len) : NULL;
		uint64_t a, s;
		if (p && read_range(dtb->blob, p, len, &a, &s) && del_rsv_covering(dtb, a, s, err) < 0)
			return -1;
	}
	return 0;
}

int kx_dtb_set_chosen(struct kx_dtb *dtb, const struct kx_dtb_chosen *c, struct kx_error *err)
{
	int rc;

	if (!dtb || !dtb->blob)
		return kx_fail(err, KX_E_INPUT, "no device tree to edit");
	/* Spread the free space to the end of the buffer, where libfdt's
	 * read-write functions want it. */
	rc = fdt_open_into(dtb->blob, dtb->blob, (int)dtb->size);
	if (rc < 0)
		return fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot open the tree for editing");

	if (c->initrd_end < c->initrd_start)
		return kx_fail(err, KX_E_PLAN, "initrd ends (0x%" PRIx64 ") before it starts (0x%" PRIx64 ")",
			       c->initrd_end, c->initrd_start);
	if (c->crash) {
		if (!c->usable || c->usable->count == 0)
			return kx_fail(err, KX_E_NO_CRASH_REGION,
				       "crash kernel: no crash region for /chosen/linux,usable-memory-range");
		if (c->elfcorehdr_size == 0)
			return kx_fail(err, KX_E_PLAN, "crash kernel: the elfcorehdr is empty");
	}

	if (drop_stale_reservations(dtb, err) < 0)
		return -1;

	if (fdt_path_offset(dtb->blob, "/chosen") == -FDT_ERR_NOTFOUND) {
		for (;;) {
			rc = fdt_add_subnode(dtb->blob, 0, "chosen");
			if (rc != -FDT_ERR_NOSPACE)
				break;
			if (grow(dtb, 64, err) < 0)
				return -1;
		}
		if (rc < 0)
			return fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot add /chosen");
	}

	/* Whatever a previous kexec (or kdump) set up is stale. */
	if (del(dtb, "linux,elfcorehdr", err) < 0 || del(dtb, "linux,usable-memory-range", err) < 0 ||
	    del(dtb, "linux,ima-kexec-buffer", err) < 0)
		return -1;

	if (c->initrd_start != c->initrd_end) {
		uint8_t start[8], end[8];
		put_be64(start, c->initrd_start);
		put_be64(end, c->initrd_end);
		/* u64, as the kernel writes them for kexec_file; the
		 * reservation entry matches what it adds too. */
		if (set(dtb, "linux,initrd-start", start, 8, err) < 0 ||
		    set(dtb, "linux,initrd-end", end, 8, err) < 0 ||
		    add_rsv(dtb, c->initrd_start, c->initrd_end - c->initrd_start, err) < 0)
			return -1;
	} else if (del(dtb, "linux,initrd-start", err) < 0 || del(dtb, "linux,initrd-end", err) < 0) {
		return -1;
	}

	if (c->crash) {
		/* Cells from the root's #address-cells/#size-cells (2 and 1 when
		 * absent, the DT spec's defaults). The reservation keeps the
		 * crash kernel from reusing the elfcorehdr's memory. */
		if (add_range(dtb, "linux,elfcorehdr", c->elfcorehdr_addr, c->elfcorehdr_size, err) < 0 ||
		    add_rsv(dtb, c->elfcorehdr_addr, c->elfcorehdr_size, err) < 0)
			return -1;
		for (unsigned int i = 0; i < c->usable->count; i++) {
			const struct kx_range *r = &c->usable->ranges[i];
			if (r->end <= r->start)
				return kx_fail(err, KX_E_PLAN, "crash region %u is empty (0x%" PRIx64 "-0x%" PRIx64 ")",
					       i, r->start, r->end);
			if (add_range(dtb, "linux,usable-memory-range", r->start, r->end - r->start, err) < 0)
				return -1;
		}
	}

	if (c->bootargs && *c->bootargs)
		rc = set(dtb, "bootargs", c->bootargs, strlen(c->bootargs) + 1, err);
	else
		rc = del(dtb, "bootargs", err);
	if (rc < 0)
		return -1;

	if (del(dtb, "kaslr-seed", err) < 0 ||
	    (c->kaslr_seed && set(dtb, "kaslr-seed", c->kaslr_seed, 8, err) < 0))
		return -1;
	if (del(dtb, "rng-seed", err) < 0 ||
	    (c->rng_seed && c->rng_seed_len && set(dtb, "rng-seed", c->rng_seed, c->rng_seed_len, err) < 0))
		return -1;

	rc = fdt_pack(dtb->blob);
	if (rc < 0)
		return fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot pack the edited tree");
	return 0;
}

/* ---- facts ---------------------------------------------------------------- */

/* of_fdt_device_is_available(): no status, or "ok" / "okay" */
static bool node_available(const void *fdt, int node)
{
	int len;
	const char *status = fdt_getprop(fdt, node, "status", &len);
	return !status || (len == 5 && !memcmp(status, "okay", 5)) || (len == 3 && !memcmp(status, "ok", 3));
}

int kx_dtb_memory(const struct kx_dtb *dtb, struct kx_memmap *ret, struct kx_error *err)
{
	const void *fdt = dtb->blob;
	char path[256];
	int node;

	ret->count = 0;
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 0)
		return fdt_fail(err, KX_E_INPUT, ac, dtb->source, "/#address-cells");
	if (sc < 0)
		return fdt_fail(err, KX_E_INPUT, sc, dtb->source, "/#size-cells");
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return kx_fail(err, KX_E_INPUT, "%s: / has #address-cells = %d, #size-cells = %d; memory "
			       "nodes need 1 or 2 of each", dtb->source, ac, sc);

	/* Like the kernel's early_init_dt_scan_memory(): the root's children
	 * whose device_type is "memory" and that are not disabled; their
	 * linux,usable-memory when present, else reg. */
	fdt_for_each_subnode(node, fdt, 0) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len < 7 || strncmp(type, "memory", (size_t)len))
			continue;
		if (!node_available(fdt, node))
			continue;
		const uint8_t *reg = fdt_getprop(fdt, node, "linux,usable-memory", &len);
		const char *prop = "linux,usable-memory";
		if (!reg || len <= 0) {
			reg = fdt_getprop(fdt, node, "reg", &len);
			prop = "reg";
		}
		if (!reg)
			continue;
		if (fdt_get_path(fdt, node, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", fdt_get_name(fdt, node, NULL));
		int cell_bytes = 4 * (ac + sc);
		if (len % cell_bytes)
			return kx_fail(err, KX_E_INPUT, "%s: %s/%s is %d bytes, not a multiple of %d "
				       "(#address-cells = %d, #size-cells = %d)",
				       dtb->source, path, prop, len, cell_bytes, ac, sc);
		for (int off = 0; off < len; off += cell_bytes) {
			uint64_t base, size, end;
			read_cells_number(reg + off, 4 * ac, &base);
			read_cells_number(reg + off + 4 * ac, 4 * sc, &size);
			if (size == 0)
				continue;
			if (kx_add_overflows(base, size, &end))
				return kx_fail(err, KX_E_INPUT, "%s: %s/%s: 0x%" PRIx64 "+0x%" PRIx64
					       " wraps around", dtb->source, path, prop, base, size);
			if (kx_memmap_add(ret, base, end, KX_MEM_RAM, err) < 0) {
				kx_error_prefix(err, "%s: %s/%s: ", dtb->source, path, prop);
				return -1;
			}
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return fdt_fail(err, KX_E_INPUT, node, dtb->source, "walking the root's nodes");
	kx_memmap_sort(ret);
	return 0;
}

int kx_dtb_reserved(const struct kx_dtb *dtb, enum kx_dtb_reserved_kind kind, struct kx_memmap *ret,
		    struct kx_error *err)
{
	const void *fdt = dtb->blob;
	int len, node;

	ret->count = 0;
	if (kind == KX_DTB_RESERVED_ALL) {
		int n = fdt_num_mem_rsv(fdt);
		for (int i = 0; i < n; i++) {
			uint64_t base, size, end;
			if (fdt_get_mem_rsv(fdt, i, &base, &size) < 0 || size == 0 ||
			    kx_add_overflows(base, size, &end))
				continue;
			if (kx_memmap_add(ret, base, end, KX_MEM_RESERVED, err) < 0) {
				kx_error_prefix(err, "%s: /memreserve/: ", dtb->source);
				return -1;
			}
		}
	}
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm < 0) {
		kx_memmap_sort(ret);
		return 0;
	}
	/* The kernel ignores the whole node unless it states #address-cells
	 * and #size-cells equal to the root's and has "ranges"
	 * (of_reserved_mem.c, __reserved_mem_check_root). */
	int ac = fdt_address_cells(fdt, rm), sc = fdt_size_cells(fdt, rm);
	if (!fdt_getprop(fdt, rm, "#address-cells", NULL) || !fdt_getprop(fdt, rm, "#size-cells", NULL) ||
	    !fdt_getprop(fdt, rm, "ranges", NULL) || ac != fdt_address_cells(fdt, 0) ||
	    sc != fdt_size_cells(fdt, 0) || ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		kx_memmap_sort(ret);
		return 0;
	}
	fdt_for_each_subnode(node, fdt, rm) {
		if (!node_available(fdt, node))
			continue;
		if (kind == KX_DTB_RESERVED_NOT_REUSABLE && fdt_getprop(fdt, node, "reusable", NULL))
			continue;
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int cell_bytes = 4 * (ac + sc);
		if (!reg || len <= 0 || len % cell_bytes)
			continue;
		for (int off = 0; off < len; off += cell_bytes) {
			uint64_t base, size, end;
			read_cells_number(reg + off, 4 * ac, &base);
			read_cells_number(reg + off + 4 * ac, 4 * sc, &size);
			if (size == 0 || kx_add_overflows(base, size, &end))
				continue;
			if (kx_memmap_add(ret, base, end, KX_MEM_RESERVED, err) < 0) {
				kx_error_prefix(err, "%s: /reserved-memory/%s: ", dtb->source,
						fdt_get_name(fdt, node, NULL));
				return -1;
			}
		}
	}
	kx_memmap_sort(ret);
	return 0;
}
