/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only code that calls kexec_load, kexec_file_load and reboot. When the
 * environment variable KEXEC_NG_FORBID_SYSCALLS is set (the test suite sets
 * it on development and CI machines), every call fails with ECANCELED before
 * reaching the kernel: a seatbelt against loading into the host itself.
 */
#ifndef KX_SYSCALLS_H
#define KX_SYSCALLS_H

#include <stdbool.h>

#include "../core/plan.h"

#ifndef KEXEC_ON_CRASH
#define KEXEC_ON_CRASH 0x00000001
#endif
/* kexec_load: the image may return (kexec jump, CONFIG_KEXEC_JUMP; x86 only) */
#define KX_KEXEC_PRESERVE_CONTEXT  0x2
/* kexec_load: ask the kernel to log the load (kexec-tools master; kernels
 * that do not know it say EINVAL) */
#define KX_KEXEC_DEBUG             0x10
#define KX_KEXEC_FILE_UNLOAD       0x1
#define KX_KEXEC_FILE_ON_CRASH     0x2
#define KX_KEXEC_FILE_NO_INITRAMFS 0x4
#define KX_KEXEC_FILE_DEBUG        0x8
#define KX_KEXEC_FILE_NO_CMA       0x10  /* accepted from 6.18: no CMA pages for the segments */
#define KX_KEXEC_FILE_FORCE_DTB    0x20  /* 6.18+: hand the running device tree on */

/* Return 0 or -errno. */
int kx_sys_kexec_load(const struct kx_plan *plan);
int kx_sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int kx_sys_kexec_unload(unsigned long kexec_flags);
int kx_sys_reboot_kexec(void);
/* Take every network interface but loopback down, as kexec-tools' -e does. */
void kx_sys_ifdown(void);

#endif
