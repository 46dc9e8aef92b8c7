/* peakrss: run a command and report its wall time and peak resident set.
 *
 *   peakrss [-o FILE] CMD [ARG...]
 *
 * Forks, execs CMD, waits for it with wait4() and prints one line
 *
 *   wall_us=<microseconds> maxrss_kb=<ru_maxrss> status=<exit status>
 *
 * to FILE (default: stderr).  The wall time comes from CLOCK_MONOTONIC around
 * fork..wait4; maxrss is the child's own peak RSS in KiB as the kernel
 * accounts it.  status is the exit status, or 128 + signal number.  peakrss
 * exits with the same status (127 when CMD cannot be executed).
 *
 * Built statically by scripts/bench.sh for use inside QEMU guests, where
 * busybox has no GNU time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

	if (argi + 1 < argc && strcmp(argv[argi], "-o") == 0) {
		out_path = argv[argi + 1];
		argi += 2;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: peakrss [-o FILE] CMD [ARG...]\n");
		return 2;
	}

	long long t0 = now_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 126;
	}
	if (pid == 0) {
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
	fprintf(out, "wall_us=%lld maxrss_kb=%ld status=%d\n", t1 - t0, ru.ru_maxrss, status);
	if (out != stderr)
		fclose(out);
	return status;
}
