// SPDX-License-Identifier: GPL-2.0-or-later
#include "file.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int map_fd(struct kx_file *f, struct kx_error *err)
{
	struct stat st;

	if (fstat(f->fd, &st) < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot stat", f->path);
	if (!S_ISREG(st.st_mode))
		return kx_fail(err, KX_E_IO, "%s: not a regular file", f->path);
	if (st.st_size == 0)
		return kx_fail(err, KX_E_INPUT, "%s: file is empty", f->path);
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (p == MAP_FAILED)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot map", f->path);
	f->bytes.data = p;
	f->bytes.size = (size_t)st.st_size;
	f->map_size = (size_t)st.st_size;
	return 0;
}

int kx_file_map(struct kx_file *ret, const char *path, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	ret->path = strdup(path);
	if (!ret->path)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	ret->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ret->fd < 0) {
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", path);
		kx_file_close(ret);
		return -1;
	}
	if (map_fd(ret, err) < 0) {
		kx_file_close(ret);
		return -1;
	}
	return 0;
}

int kx_memfd_create(const char *name, struct kx_error *err)
{
	/* The memfd's own name only shows in /proc and memfd_create() refuses
	 * more than 249 bytes: keep the end of a long path. */
	size_t len = strlen(name);
	if (len > 200)
		name += len - 200;
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "memfd_create(%s)", name);
	return fd;
}

int kx_file_from_memfd(struct kx_file *ret, int fd, const char *name, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->fd = fd;
	ret->is_memfd = 1;
	ret->path = strdup(name);
	if (!ret->path) {
		kx_file_close(ret);
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	}
	/* kexec_file_load refuses a file that is open for writing (ETXTBSY);
	 * sealing also guarantees the bytes we hashed are the bytes loaded. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot seal memfd", name);
		kx_file_close(ret);
		return -1;
	}
	if (map_fd(ret, err) < 0) {
		kx_file_close(ret);
		return -1;
	}
	return 0;
}

static int write_all(int fd, struct kx_bytes bytes, const char *name, struct kx_error *err)
{
	for (size_t done = 0; done < bytes.size;) {
		ssize_t r = write(fd, bytes.data + done, bytes.size - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return kx_fail_errno(err, KX_E_IO, r < 0 ? errno : EIO, "%s: cannot write to the memfd", name);
		done += (size_t)r;
	}
	return 0;
}

int kx_file_memfd_copy(struct kx_file *ret, struct kx_bytes bytes, const char *name,
		       struct kx_error *err)
{
	return kx_file_memfd_join(ret, &bytes, 1, 1, name, err);
}

int kx_file_memfd_join(struct kx_file *ret, const struct kx_bytes *parts, unsigned int n, size_t align,
		       const char *name, struct kx_error *err)
{
	static const uint8_t zeros[16];
	size_t total = 0;

	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	int fd = kx_memfd_create(name, err);
	if (fd < 0)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		size_t pad = i && align > 1 ? (align - total % align) % align : 0;
		if (pad > sizeof(zeros) || write_all(fd, (struct kx_bytes){ zeros, pad }, name, err) < 0 ||
		    write_all(fd, parts[i], name, err) < 0) {
			if (pad > sizeof(zeros))
				kx_fail(err, KX_E_IO, "%s: alignment %zu too large", name, align);
			close(fd);
			return -1;
		}
		total += pad + parts[i].size;
	}
	return kx_file_from_memfd(ret, fd, name, err);
}

int kx_file_read_to_memfd(struct kx_file *ret, const char *path, uint64_t cap, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return kx_fail_errno(err, KX_E_IO, errno, "%s: cannot open", path);
	int fd = kx_memfd_create(path, err);
	if (fd < 0) {
		close(in);
		return -1;
	}
	size_t chunk_size = 1 << 20;
	uint8_t *chunk = malloc(chunk_size);
	uint64_t total = 0;
	if (!chunk) {
		kx_fail(err, KX_E_NOMEM, "out of memory");
		close(in);
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t n = read(in, chunk, chunk_size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kx_fail_errno(err, KX_E_IO, errno, "%s: cannot read", path);
			break;
		}
		if (n == 0) {
			close(in);
			free(chunk);
			if (total == 0) {
				close(fd);
				return kx_fail(err, KX_E_INPUT, "%s: file is empty", path);
			}
			return kx_file_from_memfd(ret, fd, path, err);
		}
		total += (uint64_t)n;
		if (total > cap) {
			kx_fail(err, KX_E_INPUT, "%s: larger than %" PRIu64 " bytes", path, cap);
			break;
		}
		if (write_all(fd, (struct kx_bytes){ chunk, (size_t)n }, path, err) < 0)
			break;
	}
	free(chunk);
	close(in);
	close(fd);
	return -1;
}

int kx_file_view(struct kx_file *ret, struct kx_bytes bytes, const char *name, struct kx_error *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	ret->path = strdup(name);
	if (!ret->path)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	ret->bytes = bytes;
	return 0;
}

void kx_file_close(struct kx_file *f)
{
	if (f->bytes.data && f->map_size)
		munmap((void *)f->bytes.data, f->map_size);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

int kx_outfile_create(struct kx_outfile *ret, const char *path, struct kx_error *err)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;
	char *dir = NULL;

	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	if (!*base)
		return kx_fail_errno(err, KX_E_IO, EISDIR, "%s: cannot create", path);
	if (lstat(path, &st) == 0)
		return kx_fail_errno(err, KX_E_IO, EEXIST, "%s: cannot create", path);
	ret->path = strdup(path);
	dir = !slash ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	if (!ret->path || !dir)
		goto nomem;
	ret->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (ret->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* no O_TMPFILE here: a hidden name, with the mode open() would give */
		if (asprintf(&ret->tmp_path, "%s/.%s.XXXXXX", dir, base) < 0) {
			ret->tmp_path = NULL;
			goto nomem;
		}
		ret->fd = mkostemp(ret->tmp_path, O_CLOEXEC);
		mode_t mask = umask(0);
		umask(mask);
		if (ret->fd >= 0 && fchmod(ret->fd, 0666 & ~mask) < 0) {
			kx_fail_errno(err, KX_E_IO, errno, "%s: cannot create", path);
			goto fail;
		}
	}
	if (ret->fd < 0) {
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot create", path);
		goto fail;
	}
	free(dir);
	return 0;
nomem:
	kx_fail(err, KX_E_NOMEM, "out of memory");
fail:
	free(dir);
	kx_outfile_abandon(ret);
	return -1;
}

int kx_outfile_write(struct kx_outfile *f, struct kx_bytes bytes, struct kx_error *err)
{
	for (size_t done = 0; done < bytes.size;) {
		ssize_t r = write(f->fd, bytes.data + done, bytes.size - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return kx_fail_errno(err, KX_E_IO, r < 0 ? errno : EIO, "%s: cannot write", f->path);
		done += (size_t)r;
	}
	return 0;
}

/* The O_TMPFILE file's name: through /proc (any user), else by its fd
 * (AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH: root without /proc). */
static int link_tmpfile(int fd, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	return linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH);
}

int kx_outfile_commit(struct kx_outfile *f, struct kx_error *err)
{
	int r;

	/* the bytes are on the disk before the name is */
	if (fsync(f->fd) < 0 && errno != EINVAL && errno != EROFS) {
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot write", f->path);
		goto fail;
	}
	if (!f->tmp_path) {
		r = link_tmpfile(f->fd, f->path);
	} else {
		r = renameat2(AT_FDCWD, f->tmp_path, AT_FDCWD, f->path, RENAME_NOREPLACE);
		if (r == 0) {
			free(f->tmp_path);  /* it is the name now */
			f->tmp_path = NULL;
		} else if (errno == EINVAL) {  /* a file system without RENAME_NOREPLACE */
			r = link(f->tmp_path, f->path);
		}
	}
	if (r < 0) {
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot create", f->path);
		goto fail;
	}
	if (close(f->fd) < 0) {
		f->fd = -1;
		kx_fail_errno(err, KX_E_IO, errno, "%s: cannot write", f->path);
		unlink(f->path);
		goto fail;
	}
	f->fd = -1;
	kx_outfile_abandon(f);  /* the fallback's hidden name, when link() gave the name */
	return 0;
fail:
	kx_outfile_abandon(f);
	return -1;
}

void kx_outfile_abandon(struct kx_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp_path)
		unlink(f->tmp_path);
	free(f->tmp_path);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
