// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running system's device tree when it shows no blob: /proc/device-tree
 * (folders are nodes, files are properties) flattened into one, as
 * `dtc -I fs` does. kx_dtb_read() (dtb.c) falls back on it.
 */
#include "dtb_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

/* Cap on the nesting of /proc/device-tree folders below the root: the
 * kernel's own FDT_MAX_DEPTH (drivers/of/fdt.c), deeper than any node it
 * keeps, so a live tree never reaches it; a guard for the recursion. */
#define DTB_MAX_DEPTH 64

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

/* The arrays of one node while its folder is read: how much each holds. */
struct fs_caps {
	size_t props, kids;
};

static int fs_read_dir(int dir_fd, const char *path, struct fs_node *node, int depth,
		       size_t *bytes, struct kx_error *err);

/* A new child of `node` named `name`, counted at once so that
 * fs_node_free() frees it whatever happens to it next. `sub` is its path,
 * for messages. */
static struct fs_node *fs_add_kid(struct fs_node *node, size_t *cap, const char *name,
				  const char *sub, struct kx_error *err)
{
	if (node->nkids == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct fs_node *k = realloc(node->kids, ncap * sizeof(*k));
		if (!k) {
			kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
			return NULL;
		}
		node->kids = k;
		*cap = ncap;
	}
	struct fs_node *kid = &node->kids[node->nkids];
	memset(kid, 0, sizeof(*kid));
	kid->name = strdup(name);
	if (!kid->name) {
		kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
		return NULL;
	}
	node->nkids++;
	return kid;
}

/* A new property of `node` named `name`, no value yet; counted at once, as
 * fs_add_kid() counts a child. */
static struct fs_prop *fs_add_prop(struct fs_node *node, size_t *cap, const char *name,
				   const char *sub, struct kx_error *err)
{
	if (node->nprops == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct fs_prop *p = realloc(node->props, ncap * sizeof(*p));
		if (!p) {
			kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
			return NULL;
		}
		node->props = p;
		*cap = ncap;
	}
	struct fs_prop *prop = &node->props[node->nprops];
	memset(prop, 0, sizeof(*prop));
	prop->name = strdup(name);
	if (!prop->name) {
		kx_fail(err, KX_E_NOMEM, "%s: out of memory", sub);
		return NULL;
	}
	node->nprops++;
	return prop;
}

/* The subfolder `name` of `dir`: a child node, read with its own
 * subfolders. `bytes` counts what the flattened tree takes at least (the
 * begin and end tokens and the name). */
static int fs_read_kid(DIR *dir, const char *name, const char *sub, struct fs_node *node,
		       struct fs_caps *caps, int depth, size_t *bytes, struct kx_error *err)
{
	struct fs_node *kid = fs_add_kid(node, &caps->kids, name, sub, err);
	if (!kid)
		return -1;
	*bytes += strlen(name) + 9;
	int fd = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", sub);
	return fs_read_dir(fd, sub, kid, depth + 1, bytes, err);
}

/* The file `name` of `dir` (the folder `path`): a property holding the
 * file's bytes. `bytes` counts what the flattened tree takes at least (the
 * values and their 12-byte property headers), so that a folder far beyond
 * the cap is refused while it is read; the exact cap is checked on the
 * flattened tree. */
static int fs_read_prop(DIR *dir, const char *path, const char *name, const char *sub,
			struct fs_node *node, struct fs_caps *caps, size_t *bytes,
			struct kx_error *err)
{
	struct fs_prop *prop = fs_add_prop(node, &caps->props, name, sub, err);
	if (!prop)
		return -1;
	int fd = openat(dirfd(dir), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", sub);
	int rc = dtb_read_fd(fd, sub, &prop->value, &prop->len, err);
	close(fd);
	if (rc < 0)
		return -1;
	*bytes += prop->len + 12;
	if (*bytes > DTB_MAX_BYTES)
		return kx_fail(err, KX_E_INPUT, "%s: the flattened tree would be more than %llu bytes "
			       "(%llu MiB), the most kexec-ng reads of a device tree", path, DTB_MAX_BYTES,
			       DTB_MAX_BYTES / MiB);
	return 0;
}

/* One entry `name` of the folder `path` (open as `dir`). */
static int fs_read_entry(DIR *dir, const char *path, const char *name, struct fs_node *node,
			 struct fs_caps *caps, int depth, size_t *bytes, struct kx_error *err)
{
	char sub[4096];
	struct stat st;

	int n = snprintf(sub, sizeof(sub), "%s/%s", path, name);
	if (n < 0 || (size_t)n >= sizeof(sub))
		return kx_fail(err, KX_E_IO, "%s/%s: path longer than %zu bytes", path, name,
			       sizeof(sub) - 1);
	if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot stat", sub);
	/* Only folders (nodes) and files (properties) make up the tree;
	 * the kernel puts nothing else there. */
	if (S_ISDIR(st.st_mode))
		return fs_read_kid(dir, name, sub, node, caps, depth, bytes, err);
	if (S_ISREG(st.st_mode))
		return fs_read_prop(dir, path, name, sub, node, caps, bytes, err);
	return 0;
}

/* readdir's order is the file system's: sort for a result that does not
 * depend on it. Then drop the "name" properties the kernel made up. */
static void fs_sort_and_drop_names(struct fs_node *node)
{
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
}

/* Read the folder open as `dir_fd` (closed here) into `node`: subfolders
 * become children, files properties. */
static int fs_read_dir(int dir_fd, const char *path, struct fs_node *node, int depth,
		       size_t *bytes, struct kx_error *err)
{
	struct fs_caps caps = { 0, 0 };
	struct dirent *de;

	if (depth > DTB_MAX_DEPTH) {
		close(dir_fd);
		return kx_fail(err, KX_E_INPUT, "%s: nested deeper than %d levels below the root, the "
			       "kernel's FDT_MAX_DEPTH", path, DTB_MAX_DEPTH);
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
		rc = fs_read_entry(dir, path, de->d_name, node, &caps, depth, bytes, err);
	}
	closedir(dir);
	if (rc < 0)
		return -1;
	fs_sort_and_drop_names(node);
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

int dtb_flatten(const char *path, const char *source, struct kx_dtb *ret, struct kx_error *err)
{
	struct fs_node top = { 0 };
	size_t bytes = 0;
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
	/* A buffer of twice the estimate, doubled while it is too small, up
	 * to the cap: a tree that does not fit DTB_MAX_BYTES is too large. */
	size_t size = bytes < DTB_MAX_BYTES / 2 - 1024 ? bytes * 2 + 2048 : DTB_MAX_BYTES;
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
		if (rc != -FDT_ERR_NOSPACE || size == DTB_MAX_BYTES)
			break;
		size = size < DTB_MAX_BYTES / 2 ? size * 2 : DTB_MAX_BYTES;
	}
	fs_node_free(&top);
	if (rc == -FDT_ERR_NOSPACE) {
		free(buf);
		return kx_fail(err, KX_E_INPUT, "%s: the flattened tree would be more than %llu bytes "
			       "(%llu MiB), the most kexec-ng reads of a device tree", path, DTB_MAX_BYTES,
			       DTB_MAX_BYTES / MiB);
	}
	if (rc < 0) {
		free(buf);
		return dtb_fdt_fail(err, KX_E_INPUT, rc, path, "cannot build a flattened tree from it");
	}
	rc = kx_dtb_from_bytes(buf, fdt_totalsize(buf), source, ret, err);
	free(buf);
	return rc;
}
