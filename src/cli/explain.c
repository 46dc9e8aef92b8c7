// SPDX-License-Identifier: GPL-2.0-or-later
/* System call failures explained (see explain.h). */
#include "explain.h"

#include <errno.h>
#include <string.h>

#define KX_LOAD_DISABLED "kexec is disabled (kernel.kexec_load_disabled is 1, which only a reboot undoes)"

static bool is_locked_down(const struct kx_facts *f)
{
	return f->lockdown[0] && strcmp(f->lockdown, "none");
}

bool kx_file_errno_falls_back(int e)
{
	return e == ENOSYS || e == EOPNOTSUPP || e == ENOEXEC || e == EINVAL;
}

static bool is_signature_errno(int e)
{
	return e == EKEYREJECTED || e == ENOKEY || e == EBADMSG || e == ENODATA ||
	       e == ELIBBAD || e == ENOPKG || e == EMSGSIZE;
}

const char *kx_file_syscall_why(int e)
{
	switch (e) {
	case ENOSYS: return "this kernel has no kexec_file_load";
	case EOPNOTSUPP: return "kexec_file_load is not supported for this image";
	case ENOEXEC: return "the kernel's own loaders do not recognise this image";
	case EINVAL: return "the kernel's own loaders rejected this image";
	default: return "";
	}
}

int kx_explain_file_failure(const struct kx_facts *f, const char *kernel, int e,
				struct kx_error *err)
{
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "kexec_file_load of %s refused: " KX_SEATBELT, kernel);
	if (e == EPERM && is_locked_down(f))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s refused: the kernel is locked down (%s): only a kernel "
				     "signed with a key the running kernel trusts can be loaded, and kexec_load (-c) "
				     "is always refused under lockdown", kernel, f->lockdown);
	if (e == EPERM && f->kexec_load_disabled == 1)
		return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_file_load of %s refused: " KX_LOAD_DISABLED, kernel);
	if (e == EPERM)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s refused: loading needs CAP_SYS_BOOT (run as root), and "
				     "kexec may be disabled (kernel.kexec_load_disabled)", kernel);
	if (is_signature_errno(e))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s: the kernel refused the image's signature (a kernel "
				     "built with KEXEC_SIG_FORCE or locked down loads only kernels signed with a "
				     "trusted key); not falling back to kexec_load, this is policy", kernel);
	if (e == ETXTBSY)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_file_load of %s: the file is open for writing", kernel);
	return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_file_load of %s failed", kernel);
}

int kx_explain_load_failure(const struct kx_facts *f, int e, struct kx_error *err)
{
	if (e == ECANCELED)
		return kx_fail(err, KX_E_SYSCALL, "kexec_load refused: " KX_SEATBELT);
	if (e == EPERM && is_locked_down(f))
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_load refused: the kernel is locked down (%s), which forbids kexec_load "
				     "always; only a signed kernel through kexec_file_load (-s) can be loaded",
				     f->lockdown);
	if (e == EPERM && f->kexec_load_disabled == 1)
		return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_load refused: " KX_LOAD_DISABLED);
	if (e == EPERM)
		return kx_fail_errno(err, KX_E_SYSCALL, e,
				     "kexec_load refused: it needs CAP_SYS_BOOT (run as root), and kexec may be "
				     "disabled (kernel.kexec_load_disabled)");
	if (e == EBUSY)
		return kx_fail_errno(err, KX_E_SYSCALL, e, "kexec_load: another kexec operation is in progress");
	return kx_fail_errno(err, KX_E_SYSCALL, e,
			     "kexec_load refused the plan (run with --dry-run to see every segment)");
}

void kx_explain_what_stays(bool crash, int before, int after, struct kx_error *err)
{
	if (before != 1 || after < 0)
		return;
	if (crash && after == 0)
		kx_error_append(err, "; the kernel unloaded the previous crash kernel before refusing this one (it "
				"frees the loaded crash kernel at the start of every crash load): nothing is loaded "
				"for a crash now");
	else if (crash)
		kx_error_append(err, "; the crash kernel loaded before is still loaded");
	else if (after == 1)
		kx_error_append(err, "; the kernel loaded before is still loaded");
	else
		kx_error_append(err, "; nothing is loaded now");
}

int kx_refuse_under_xen(bool control_domain, const char *what, struct kx_error *err)
{
	if (!control_domain)
		return 0;
	return kx_fail(err, KX_E_SYSCALL,
		       "%s refused: this system is Xen's control domain (dom0, /proc/xen/capabilities), where "
		       "the Xen hypervisor owns kexec (the crash kernel is Xen's, loaded through its "
		       "hypercalls); kexec-ng does not drive Xen's kexec: use kexec-tools built with Xen support",
		       what);
}
