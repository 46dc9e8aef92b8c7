/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a failed system call means here, in words (lockdown, permissions,
 * a signature policy, the test suite's seatbelt), and whether kexec_file_load's
 * errno lets the default mode fall back to kexec_load.
 */
#ifndef KX_EXPLAIN_H
#define KX_EXPLAIN_H

#include <stdbool.h>

#include "../core/error.h"
#include "../system/facts.h"

#define KX_SEATBELT "KEXEC_NG_FORBID_SYSCALLS is set (the test suite's seatbelt): no system call was made"

/* errnos with which the file syscall says "I cannot do this one": fall back. */
bool kx_file_errno_falls_back(int e);
/* Why kexec_file_load said `e`, for the "falling back" line. */
const char *kx_file_syscall_why(int e);
/* Fill err with the reason for a kexec_file_load / kexec_load failure. */
int kx_explain_file_failure(const struct kx_facts *f, const char *kernel, int e, struct kx_error *err);
int kx_explain_load_failure(const struct kx_facts *f, int e, struct kx_error *err);

/*
 * After the kernel refused a load (or was asked and then a fallback
 * failed): say what is loaded now, appended to err's message. `before` is
 * what /sys/kernel/kexec_loaded (crash: kexec_crash_loaded) said before the
 * load, `after` what it says now (1, 0, -1 unknown). Nothing is said when
 * nothing was loaded before or the kernel does not tell. For a crash load
 * the kernel frees the loaded crash kernel before it checks the new one
 * (kernel/kexec.c do_kexec_load, kernel/kexec_file.c kexec_file_load), so a
 * refusal past its first checks leaves none: that is said as such.
 */
void kx_explain_what_stays(bool crash, int before, int after, struct kx_error *err);

/* Xen's dom0: the hypervisor owns kexec; `what` ("kexec_load of vmlinuz")
 * is refused with that reason instead of the kernel's raw errno. */
int kx_refuse_under_xen(bool control_domain, const char *what, struct kx_error *err);

#endif
