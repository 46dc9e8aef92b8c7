// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <strings.h>

#include "../arch/arch.h"
#include "format.h"

/* kexec-tools' -t names, mapped to ours. */
static const struct { const char *alias, *name; } type_aliases[] = {
	{ "bzImage64", "bzImage" },
	{ "elf-x86_64", "elf" },
	{ "elf64", "elf" },
	{ "beoboot-x86", "beoboot" },
	{ "nbi-x86", "nbi" },
};

static const char *canonical_type(const char *type)
{
	for (size_t i = 0; i < sizeof(type_aliases) / sizeof(type_aliases[0]); i++)
		if (!strcasecmp(type, type_aliases[i].alias))
			return type_aliases[i].name;
	return type;
}

const struct kx_format_ops *kx_format_by_type(const struct kx_arch_ops *arch, const char *type)
{
	const char *want = canonical_type(type);
	for (const struct kx_format_ops *const *f = arch->formats; *f; f++)
		if (!strcasecmp(want, (*f)->name))
			return *f;
	return NULL;
}

int kx_format_select(const struct kx_arch_ops *arch, struct kx_bytes image,
		     const char *image_name, const char *type,
		     const struct kx_format_ops **ret, struct kx_error *err)
{
	const char *want = type ? canonical_type(type) : NULL;
	bool type_known = false;

	for (const struct kx_format_ops *const *f = arch->formats; *f; f++) {
		if (want && strcasecmp(want, (*f)->name))
			continue;
		type_known = true;
		enum kx_probe p = (*f)->probe(image, arch, err);
		if (p == KX_PROBE_BROKEN || p == KX_PROBE_REFUSED) {
			kx_error_prefix(err, "%s: ", image_name);
			return -1;
		}
		if (p == KX_PROBE_YES) {
			*ret = *f;
			return 0;
		}
		if (want)
			return kx_fail(err, KX_E_FORMAT, "%s: is not a %s image (-t %s)",
				       image_name, (*f)->name, type);
	}
	if (want && !type_known) {
		char names[256] = "";
		for (const struct kx_format_ops *const *f = arch->formats; *f; f++) {
			if ((*f)->refused)
				continue;
			strncat(names, " ", sizeof(names) - strlen(names) - 1);
			strncat(names, (*f)->name, sizeof(names) - strlen(names) - 1);
		}
		return kx_fail(err, KX_E_USAGE, "-t %s: no such image type on %s; known:%s",
			       type, arch->name, names);
	}
	return kx_fail(err, KX_E_FORMAT,
		       "%s: cannot determine the file type: not a format this %s loader knows",
		       image_name, arch->name);
}
