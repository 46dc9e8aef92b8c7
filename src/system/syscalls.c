// SPDX-License-Identifier: GPL-2.0-or-later
#include "syscalls.h"

#include <errno.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct kexec_segment_abi {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

static bool forbidden(void)
{
	const char *v = getenv("KEXEC_NG_FORBID_SYSCALLS");
	return v && *v && strcmp(v, "0");
}

int kx_sys_kexec_load(const struct kx_plan *plan)
{
	struct kexec_segment_abi segs[KX_SEGMENT_MAX];

	if (forbidden())
		return -ECANCELED;
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		segs[i].buf = plan->segments[i].buf;
		segs[i].bufsz = plan->segments[i].bufsz;
		segs[i].mem = (const void *)(uintptr_t)plan->segments[i].mem;
		segs[i].memsz = plan->segments[i].memsz;
	}
	long r = syscall(SYS_kexec_load, plan->entry, (unsigned long)plan->nr_segments, segs, plan->flags);
	return r < 0 ? -errno : 0;
}

int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
#ifdef SYS_kexec_file_load
	if (forbidden())
		return -ECANCELED;
	/* cmdline_len counts the terminating NUL; 0 with a NULL pointer for none. */
	unsigned long len = cmdline && *cmdline ? strlen(cmdline) + 1 : 0;
	long r = syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, len ? cmdline : NULL, flags);
	return r < 0 ? -errno : 0;
#else
	(void)kernel_fd, (void)initrd_fd, (void)cmdline, (void)flags;
	return -ENOSYS;
#endif
}

int kx_sys_kexec_unload(unsigned long kexec_flags)
{
	if (forbidden())
		return -ECANCELED;
	long r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, kexec_flags);
	return r < 0 ? -errno : 0;
}

int kx_sys_reboot_kexec(void)
{
	if (forbidden())
		return -ECANCELED;
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			 LINUX_REBOOT_CMD_KEXEC, NULL);
	return r < 0 ? -errno : 0;
}

void kx_sys_ifdown(void)
{
	struct if_nameindex *ifs = if_nameindex();
	int sock;

	if (!ifs)
		return;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0) {
		for (struct if_nameindex *i = ifs; i->if_index; i++) {
			struct ifreq req;
			if (!strcmp(i->if_name, "lo"))
				continue;
			memset(&req, 0, sizeof(req));
			strncpy(req.ifr_name, i->if_name, IFNAMSIZ - 1);
			if (ioctl(sock, SIOCGIFFLAGS, &req) < 0 || !(req.ifr_flags & IFF_UP))
				continue;
			req.ifr_flags &= ~IFF_UP;
			ioctl(sock, SIOCSIFFLAGS, &req);
		}
		close(sock);
	}
	if_freenameindex(ifs);
}
