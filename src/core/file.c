// SPDX-License-Identifier: GPL-2.0-or-later
#include "file.h"

#include <errno.h>
#include <fcntl.h>
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
