/* peakrss: run a command and report its wall time, CPU time, page faults,
 * peak resident set and peak private memory.
 *
 *   peakrss [-o FILE] [-g CGROUP_DIR] CMD [ARG...]
 *
 * Forks, execs CMD, waits for it with wait4() and prints one line
 *
 *   wall_us=<us> user_us=<us> sys_us=<us> minflt=<n> majflt=<n>
 *   maxrss_kb=<ru_maxrss> [private_kb=<memory.peak>] status=<exit status>
 *
 * to FILE (default: stderr).  The wall time comes from CLOCK_MONOTONIC around
 * fork..wait4; maxrss is the child's own peak RSS in KiB as the kernel
 * accounts it: every page mapped, including the page cache of the files the
 * command maps, which costs the system nothing more.  With -g, the child runs
 * in a new cgroup v2 below CGROUP_DIR (its memory controller enabled) and
 * private_kb is that cgroup's memory.peak: the memory the command made the
 * system give it (its anonymous pages, memfds, page tables, kernel objects
 * charged to it; not the page cache of files already cached).  status is
 * the exit status, or 128 + signal number.  peakrss exits with the same
 * status (127 when CMD cannot be executed).
 *
 * Built statically by scripts/bench.sh for use inside QEMU guests, where
 * busybox has no GNU time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		fprintf(stderr, "peakrss: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* The cgroup's memory.peak in KiB, or -1. */
static long long read_peak_kb(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/memory.peak", dir);
	FILE *f = fopen(path, "r");
	long long bytes = -1;
	if (!f || fscanf(f, "%lld", &bytes) != 1)
		bytes = -1;
	if (f)
		fclose(f);
	return bytes < 0 ? -1 : bytes / 1024;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	int argi = 1;

	const char *cgroup_parent = NULL;
	while (argi + 1 < argc && (strcmp(argv[argi], "-o") == 0 || strcmp(argv[argi], "-g") == 0)) {
		if (argv[argi][1] == 'o')
			out_path = argv[argi + 1];
		else
			cgroup_parent = argv[argi + 1];
		argi += 2;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: peakrss [-o FILE] [-g CGROUP_DIR] CMD [ARG...]\n");
		return 2;
	}
	char cgroup[4096] = "";
	if (cgroup_parent) {
		snprintf(cgroup, sizeof(cgroup), "%s/peakrss.%d", cgroup_parent, (int)getpid());
		if (mkdir(cgroup, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "peakrss: mkdir %s: %s\n", cgroup, strerror(errno));
			return 126;
		}
	}

	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 126;
	}
	if (pid == 0) {
		if (cgroup[0] && write_file(cgroup, "cgroup.procs", "0") < 0)
			_exit(126);
		execvp(argv[argi], &argv[argi]);
		fprintf(stderr, "peakrss: cannot execute %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}

	int wstatus;
	struct rusage ru;
	pid_t r;
	do {
		r = wait4(pid, &wstatus, 0, &ru);
	} while (r < 0 && errno == EINTR);
	long long t1 = now_us();
	if (r < 0) {
		perror("peakrss: wait4");
		return 126;
	}

	int status;
	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		status = 128 + WTERMSIG(wstatus);
	else
		status = 126;

	FILE *out = stderr;
	if (out_path) {
		out = fopen(out_path, "w");
		if (!out) {
			perror("peakrss: output file");
			out = stderr;
		}
	}
	fprintf(out, "wall_us=%lld user_us=%lld sys_us=%lld minflt=%ld majflt=%ld maxrss_kb=%ld",
		t1 - t0, tv_us(ru.ru_utime), tv_us(ru.ru_stime), ru.ru_minflt, ru.ru_majflt, ru.ru_maxrss);
	if (cgroup[0]) {
		fprintf(out, " private_kb=%lld", read_peak_kb(cgroup));
		if (rmdir(cgroup) < 0)
			fprintf(stderr, "peakrss: rmdir %s: %s\n", cgroup, strerror(errno));
	}
	fprintf(out, " status=%d\n", status);
	if (out != stderr)
		fclose(out);
	return status;
}
