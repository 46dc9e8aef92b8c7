/* readpath: how should a loader read a kernel and an initrd it hashes and
 * then hands to kexec_load?  Times four ways on the given files (in the page
 * cache, as they are when a load follows their installation), each ending as
 * a load does: the bytes hashed (CRC32C, one thread) and then copied by the
 * kernel out of our memory (a write() into a memfd stands in for
 * kexec_load's copy_from_user):
 *
 *   map          mmap (what kexec-ng does), pages faulted in by the hash
 *   map-populate mmap with MAP_POPULATE: the page tables filled at mmap
 *   map-willneed mmap and madvise(MADV_WILLNEED): the kernel starts reading
 *                the whole file ahead of the hash
 *   read-whole   read() into one malloc'ed buffer (what kexec-tools does)
 *   read-chunks  1 MiB read()s hashed while hot in the cache, then the file
 *                mapped for the copy (reads the page cache twice)
 *
 *   readpath [-r ROUNDS] [-c] FILE...
 *
 * -c: cold, each file dropped from the page cache (posix_fadvise
 * POSIX_FADV_DONTNEED, that file only) before each way reads it; a file on
 * tmpfs (the guests' initramfs) cannot be dropped and stays warm.
 *
 * Prints, per way, the median wall time over ROUNDS (default 5, the ways
 * interleaved), the minor faults and the private bytes the way needs, and
 * checks that every way hashes the same.  Built statically by
 * scripts/bench.sh (--readpath) for the guests; runs on the host as is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crc32c.h"

#define CHUNK (1 << 20)
#define WAYS 5
#define MAX_ROUNDS 64

static const char *way_name[WAYS] = { "map", "map-populate", "read-whole", "read-chunks", "map-willneed" };

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int read_all(int fd, unsigned char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = pread(fd, buf + done, len - done > CHUNK ? CHUNK : len - done, (off_t)done);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

/* The kernel's copy out of our memory, as kexec_load's copy_from_user. */
static int kernel_copy(int sink, const unsigned char *buf, size_t len)
{
	if (ftruncate(sink, 0) < 0 || lseek(sink, 0, SEEK_SET) < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(sink, buf + done, len - done);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* One way over one file: its CRC32C in *crc, the private bytes it held in
 * *private_bytes; -1 on an error. */
static int one(int way, int fd, size_t len, int sink, uint32_t *crc, size_t *private_bytes)
{
	unsigned char *p = NULL;
	*private_bytes = 0;
	switch (way) {
	case 0:
	case 1:
	case 4:
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | (way == 1 ? MAP_POPULATE : 0), fd, 0);
		if (p == MAP_FAILED)
			return -1;
		if (way == 4)
			madvise(p, len, MADV_WILLNEED);
		*crc = kx_crc32c(p, len);
		break;
	case 2:
		p = malloc(len);
		if (!p || read_all(fd, p, len) < 0)
			return -1;
		*private_bytes = len;
		*crc = kx_crc32c(p, len);
		break;
	case 3: {
		unsigned char *chunk = malloc(CHUNK);
		uint32_t c = 0;
		if (!chunk)
			return -1;
		for (size_t off = 0; off < len; off += CHUNK) {
			size_t n = len - off > CHUNK ? CHUNK : len - off;
			if (pread(fd, chunk, n, (off_t)off) != (ssize_t)n) {
				free(chunk);
				return -1;
			}
			c = kx_crc32c_update(c, chunk, n);
		}
		free(chunk);
		*crc = c;
		*private_bytes = CHUNK;
		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			return -1;
		break;
	}
	}
	int r = kernel_copy(sink, p, len);
	if (way == 2)
		free(p);
	else
		munmap(p, len);
	return r;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = 5, argi = 1, cold = 0;
	for (;;) {
		if (argi + 1 < argc && !strcmp(argv[argi], "-r")) {
			rounds = atoi(argv[argi + 1]);
			argi += 2;
		} else if (argi < argc && !strcmp(argv[argi], "-c")) {
			cold = 1;
			argi++;
		} else {
			break;
		}
	}
	if (argi >= argc || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: readpath [-r ROUNDS (1-%d)] [-c] FILE...\n", MAX_ROUNDS);
		return 2;
	}
	int nfiles = argc - argi;
	int *fds = calloc((size_t)nfiles, sizeof(*fds));
	size_t *lens = calloc((size_t)nfiles, sizeof(*lens));
	uint32_t *want = calloc((size_t)nfiles, sizeof(*want));
	int sink = memfd_create("readpath-sink", MFD_CLOEXEC);
	if (!fds || !lens || !want || sink < 0) {
		perror("readpath");
		return 1;
	}
	size_t total = 0;
	for (int i = 0; i < nfiles; i++) {
		struct stat st;
		fds[i] = open(argv[argi + i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 || fstat(fds[i], &st) < 0 || st.st_size <= 0) {
			fprintf(stderr, "readpath: %s: cannot open or empty\n", argv[argi + i]);
			return 1;
		}
		lens[i] = (size_t)st.st_size;
		total += lens[i];
	}
	long long times[WAYS][MAX_ROUNDS];
	long faults[WAYS] = { 0 };
	size_t private_max[WAYS] = { 0 };
	for (int r = 0; r <= rounds; r++) { /* round 0 warms the page cache, not counted */
		for (int k = 0; k < WAYS; k++) {
			int way = (k + r) % WAYS; /* interleaved, a different way first each round */
			if (cold)
				for (int i = 0; i < nfiles; i++)
					posix_fadvise(fds[i], 0, 0, POSIX_FADV_DONTNEED);
			long f0 = minflt();
			long long t0 = now_us();
			for (int i = 0; i < nfiles; i++) {
				uint32_t crc;
				size_t priv;
				if (one(way, fds[i], lens[i], sink, &crc, &priv) < 0) {
					fprintf(stderr, "readpath: %s: %s: %s\n", way_name[way], argv[argi + i], strerror(errno));
					return 1;
				}
				if (r == 0 && way == 0)
					want[i] = crc;
				else if (crc != want[i]) {
					fprintf(stderr, "readpath: %s: %s hashes to %08x, map to %08x\n", way_name[way],
						argv[argi + i], crc, want[i]);
					return 1;
				}
				if (priv > private_max[way])
					private_max[way] = priv;
			}
			if (r > 0) {
				times[way][r - 1] = now_us() - t0;
				faults[way] += minflt() - f0;
			}
		}
	}
	printf("readpath: %d file(s), %zu bytes, CRC32C %s, %d rounds (medians), page cache %s\n", nfiles,
	       total, kx_crc32c_impl_name(kx_crc32c_impl_best()), rounds, cold ? "dropped before each" : "warm");
	for (int way = 0; way < WAYS; way++) {
		qsort(times[way], (size_t)rounds, sizeof(times[way][0]), cmp_ll);
		printf("readpath way=%s wall_ms=%.1f minflt=%ld private_kib=%zu\n", way_name[way],
		       times[way][rounds / 2] / 1000.0, faults[way] / rounds,
		       (way == 2 ? total : private_max[way]) / 1024); /* read-whole holds every file at once */
	}
	return 0;
}
