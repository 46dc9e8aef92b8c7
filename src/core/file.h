/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input files are mapped read-only, never copied. A file built in memory
 * (a decompressed kernel) lives in a sealed memfd so that it can be passed
 * to kexec_file_load exactly like a file on disk, with no temporary file.
 */
#ifndef KX_FILE_H
#define KX_FILE_H

#include "bytes.h"
#include "error.h"

struct kx_file {
	char *path;          /* name used in messages ("vmlinuz", "vmlinuz (gzip payload)") */
	int fd;              /* -1 when not open */
	struct kx_bytes bytes; /* whole contents, mapped */
	size_t map_size;     /* what to munmap */
	int is_memfd;
};

/* Open and map `path` read-only. */
int kx_file_map(struct kx_file *ret_file, const char *path, struct kx_error *err);
/* Wrap a memfd (already written) as a sealed, mapped kx_file; takes ownership of fd. */
int kx_file_from_memfd(struct kx_file *ret_file, int fd, const char *name, struct kx_error *err);
/* Create a memfd for `name` (its last 200 bytes: memfd names are short); the
 * caller writes to it, then kx_file_from_memfd(). */
int kx_memfd_create(const char *name, struct kx_error *err);
/* A sealed memfd holding what reading the file at `path` gives, for a file
 * that cannot be mapped (a sysfs binary attribute); at most `cap` bytes,
 * more is KX_E_INPUT naming the file. */
int kx_file_read_to_memfd(struct kx_file *ret_file, const char *path, uint64_t cap, struct kx_error *err);
/* A sealed memfd holding a copy of `bytes` (a piece of a mapped file that a
 * system call needs as a file of its own, such as a UKI's .linux). */
int kx_file_memfd_copy(struct kx_file *ret_file, struct kx_bytes bytes, const char *name,
		       struct kx_error *err);
/* A sealed memfd holding `parts` one after the other, each after the first
 * starting `align`-aligned (zero padding, align <= 16): an initrd made of
 * cpio archives (a UKI's .ucode, then its .initrd). */
int kx_file_memfd_join(struct kx_file *ret_file, const struct kx_bytes *parts, unsigned int n, size_t align,
		       const char *name, struct kx_error *err);
/* A read-only view of part of another kx_file: no fd, nothing to unmap;
 * closing it frees only the name. */
int kx_file_view(struct kx_file *ret_file, struct kx_bytes bytes, const char *name,
		 struct kx_error *err);
void kx_file_close(struct kx_file *file);

/*
 * A new output file that gets its name only when complete: written under no
 * name (O_TMPFILE in the name's directory) and linked to the name by
 * kx_outfile_commit; where the file system has no O_TMPFILE, written under
 * a hidden name beside it (".NAME.XXXXXX") and renamed without replacing.
 * Whatever ends the writer before the commit, SIGKILL included, leaves
 * nothing under the name (the fallback may leave its hidden name). An
 * existing file is never replaced: create and commit fail with EEXIST.
 */
struct kx_outfile {
	char *path;
	char *tmp_path;      /* the fallback's hidden name; NULL with O_TMPFILE */
	int fd;              /* -1 when not open */
};

int kx_outfile_create(struct kx_outfile *ret_file, const char *path, struct kx_error *err);
int kx_outfile_write(struct kx_outfile *file, struct kx_bytes bytes, struct kx_error *err);
/* fsync, give the file its name, close. On failure the file is abandoned. */
int kx_outfile_commit(struct kx_outfile *file, struct kx_error *err);
/* Close and drop an uncommitted file (nothing stays); safe after a commit. */
void kx_outfile_abandon(struct kx_outfile *file);

#endif
