// SPDX-License-Identifier: GPL-2.0-or-later
/* What a refused load says it left loaded (src/cli/explain.c), every case,
 * and the error message it is appended to. */
#include <errno.h>

#include "harness.h"
#include "cli/explain.h"

/* The message after a refusal, given what was loaded before and after. */
static const char *after_refusal(bool crash, int before, int after, struct kx_error *err)
{
	kx_fail(err, KX_E_SYSCALL, "kexec_load refused the plan");
	kx_explain_what_stays(crash, before, after, err);
	return err->message;
}

KX_TEST(crash_kernel_freed_by_the_kernel_is_said)
{
	struct kx_error err = { 0 };
	CHECK(!strcmp(after_refusal(true, 1, 0, &err),
		      "kexec_load refused the plan; the kernel unloaded the previous crash kernel before refusing "
		      "this one (it frees the loaded crash kernel at the start of every crash load): nothing is "
		      "loaded for a crash now"));
	CHECK_EQ_U64(err.status, KX_E_SYSCALL);
}

KX_TEST(crash_kernel_kept_is_said)
{
	struct kx_error err = { 0 };
	CHECK(!strcmp(after_refusal(true, 1, 1, &err),
		      "kexec_load refused the plan; the crash kernel loaded before is still loaded"));
}

KX_TEST(normal_kernel_kept_is_said)
{
	struct kx_error err = { 0 };
	CHECK(!strcmp(after_refusal(false, 1, 1, &err),
		      "kexec_load refused the plan; the kernel loaded before is still loaded"));
	CHECK(!strcmp(after_refusal(false, 1, 0, &err), "kexec_load refused the plan; nothing is loaded now"));
}

KX_TEST(nothing_said_without_a_previous_image_or_an_answer)
{
	struct kx_error err = { 0 };
	for (int crash = 0; crash < 2; crash++) {
		CHECK(!strcmp(after_refusal(crash, 0, 0, &err), "kexec_load refused the plan"));
		CHECK(!strcmp(after_refusal(crash, -1, 1, &err), "kexec_load refused the plan"));
		CHECK(!strcmp(after_refusal(crash, 1, -1, &err), "kexec_load refused the plan"));
	}
}

KX_TEST(a_full_message_keeps_its_start)
{
	struct kx_error err = { 0 };
	char fill[sizeof(err.message)];
	memset(fill, 'x', sizeof(fill) - 1);
	fill[sizeof(fill) - 1] = 0;
	kx_fail(&err, KX_E_SYSCALL, "%s", fill);
	kx_explain_what_stays(true, 1, 0, &err);
	CHECK(!strcmp(err.message, fill));
	kx_fail(&err, KX_E_SYSCALL, "%.*s", (int)sizeof(fill) - 10, fill);
	kx_explain_what_stays(true, 1, 1, &err);
	CHECK_EQ_U64(strlen(err.message), sizeof(err.message) - 1);
	CHECK(!strncmp(err.message + sizeof(fill) - 10, "; the cr", 8));
}

KX_TEST(disabled_kexec_is_named)
{
	static struct kx_facts f;
	struct kx_error err = { 0 };
	f.kexec_load_disabled = 1;
	kx_explain_load_failure(&f, EPERM, &err);
	CHECK(!strcmp(err.message, "kexec_load refused: kexec is disabled (kernel.kexec_load_disabled is 1, which "
		      "only a reboot undoes): Operation not permitted"));
	kx_explain_file_failure(&f, "vmlinuz", EPERM, &err);
	CHECK_CONTAINS(err.message, "kexec_file_load of vmlinuz refused: kexec is disabled (kernel.kexec_load_disabled");
	/* not known to be disabled: both reasons stay possible */
	f.kexec_load_disabled = -1;
	kx_explain_load_failure(&f, EPERM, &err);
	CHECK_CONTAINS(err.message, "it needs CAP_SYS_BOOT (run as root), and kexec may be disabled");
}

KX_TEST_MAIN(KX_CASE(crash_kernel_freed_by_the_kernel_is_said), KX_CASE(crash_kernel_kept_is_said),
	     KX_CASE(normal_kernel_kept_is_said), KX_CASE(nothing_said_without_a_previous_image_or_an_answer),
	     KX_CASE(a_full_message_keeps_its_start), KX_CASE(disabled_kexec_is_named))
