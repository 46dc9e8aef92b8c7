/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the unit tests of whole loads share: a fixture file written into
 * the test's own folder, and a request prepared and planned in one call.
 */
#ifndef KX_TEST_PLAN_HELPERS_H
#define KX_TEST_PLAN_HELPERS_H

#include <stdio.h>
#include <string.h>

#include "core/plan.h"
#include "load/load.h"

/* `data` into dir/name; its path in ret_path. 0, or -1 on any error. */
static inline int kx_test_write_file(const char *dir, const char *name, const void *data, size_t size,
				     char *ret_path, size_t path_size)
{
	snprintf(ret_path, path_size, "%s/%s", dir, name);
	FILE *f = fopen(ret_path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, size, f);
	return fclose(f) == 0 && n == size ? 0 : -1;
}

/* Prepare and plan; 0 when both worked (*ret_ld then owned by the caller). */
static inline int kx_test_plan_of(const struct kx_load_request *rq, struct kx_load **ret_ld, struct kx_plan *plan,
				  struct kx_error *err)
{
	struct kx_load *ld = kx_load_new();
	memset(err, 0, sizeof(*err));
	kx_plan_init(plan);
	if (!ld || kx_load_prepare(ld, rq, err) < 0 || kx_load_build_plan(ld, plan, err) < 0) {
		kx_plan_free(plan);
		kx_load_free(ld);
		return -1;
	}
	*ret_ld = ld;
	return 0;
}

#endif
