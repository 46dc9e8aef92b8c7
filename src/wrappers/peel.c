// SPDX-License-Identifier: GPL-2.0-or-later
/* The one loop that peels wrappers off a kernel file (see wrapper.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wrapper.h"

const struct kx_wrapper_ops *kx_wrapper_by_type(const char *type)
{
	for (const struct kx_wrapper_ops *const *w = kx_wrappers; *w; w++)
		if (!strcasecmp(type, (*w)->type))
			return *w;
	return NULL;
}

/*
 * The wrapper `file` is, among those allowed at this depth: 1 and *ret, 0
 * when none recognises it, -1 when one says it is broken. Outermost, with
 * opts->forced, every wrapper of its -t name is asked (lz4 has two) and
 * nothing else.
 */
static int probe_layer(const struct kx_file *file, const struct kx_arch_ops *arch, unsigned int depth,
		       const struct kx_unwrap_options *opts, const struct kx_wrapper_ops **ret,
		       struct kx_error *err)
{
	const struct kx_wrapper_ops *forced = depth == 0 ? opts->forced : NULL;

	for (const struct kx_wrapper_ops *const *w = kx_wrappers; *w; w++) {
		if ((*w)->outermost_only && depth > 0)
			continue;
		if (forced && strcasecmp((*w)->type, forced->type))
			continue;
		enum kx_probe p = (*w)->probe(*w, file->bytes, file->path, arch, opts, err);
		if (p == KX_PROBE_BROKEN)
			return -1;
		if (p == KX_PROBE_YES) {
			*ret = *w;
			return 1;
		}
	}
	return 0;
}

static void chain_append(struct kx_unwrapped *u, const char *label)
{
	size_t used = strlen(u->chain);
	snprintf(u->chain + used, sizeof(u->chain) - used, "%s%s", used ? " > " : "", label);
}

int kx_unwrap(const struct kx_file *file, const struct kx_arch_ops *arch, const struct kx_unwrap_options *opts,
	      struct kx_unwrapped *ret, struct kx_error *err)
{
	const struct kx_wrapper_ops *forced = opts->forced;
	unsigned int decompressed = 0;

	memset(ret, 0, sizeof(*ret));
	ret->kernel = file;
	for (unsigned int depth = 0;; depth++) {
		const struct kx_wrapper_ops *w = NULL;
		int found = probe_layer(ret->kernel, arch, depth, opts, &w, err);
		if (found < 0)
			return -1;
		if (!found && depth == 0 && forced)
			return kx_fail(err, KX_E_FORMAT, "%s: is not a %s image (-t %s)", file->path, forced->name,
				       forced->type);
		if (!found)
			return 0;
		if (w->decompresses && decompressed == KX_DECOMPRESS_LAYERS_MAX)
			return kx_fail(err, KX_E_INPUT, "%s: more than %d nested compression layers", file->path,
				       KX_DECOMPRESS_LAYERS_MAX);
		/* the layers[] bound; with today's table (one outermost UKI) the cap above comes first */
		if (depth == KX_WRAP_LAYERS_MAX)
			return kx_fail(err, KX_E_INPUT, "%s: more than %d nested wrappers", file->path,
				       KX_WRAP_LAYERS_MAX);
		struct kx_layer *layer = &ret->layers[ret->nr_layers];
		memset(layer, 0, sizeof(*layer));
		layer->inner.fd = -1;
		layer->wrapper = w;
		if (w->peel(w, ret->kernel, arch, opts, layer, err) < 0) {
			kx_file_close(&layer->inner);
			return -1;
		}
		ret->nr_layers++;
		decompressed += w->decompresses;
		ret->kernel = &layer->inner;
		chain_append(ret, layer->label);
	}
}

void kx_unwrapped_free(struct kx_unwrapped *u)
{
	/* innermost first: views point into their outer file */
	while (u->nr_layers)
		kx_file_close(&u->layers[--u->nr_layers].inner);
	u->kernel = NULL;
}

const struct kx_layer *kx_unwrapped_part(const struct kx_unwrapped *u, enum kx_part part)
{
	for (unsigned int i = u->nr_layers; i-- > 0;)
		if (u->layers[i].parts[part].name)
			return &u->layers[i];
	return NULL;
}

int kx_unwrap_kernel(const struct kx_file *in, uint64_t cap, struct kx_file *ret,
		     char *chain, size_t chain_size, struct kx_error *err)
{
	struct kx_unwrapped u;

	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	chain[0] = 0;
	/* no architecture: the wrappers that need one (a UKI's Machine) are
	 * not asked; a compressed file needs none */
	int r = kx_unwrap(in, NULL, &(struct kx_unwrap_options){ .cap = cap }, &u, err);
	if (r == 0 && u.nr_layers) {
		snprintf(chain, chain_size, "%s", u.chain);
		/* hand over the innermost memfd; the outer ones go */
		*ret = u.layers[u.nr_layers - 1].inner;
		u.layers[u.nr_layers - 1].inner = (struct kx_file){ .fd = -1 };
	}
	kx_unwrapped_free(&u);
	return r;
}

size_t kx_part_cmdline_len(struct kx_bytes b)
{
	size_t n = b.size;
	while (n && (b.data[n - 1] == 0 || b.data[n - 1] == ' ' || b.data[n - 1] == '\t' ||
		     b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
		n--;
	return n;
}

int kx_part_cmdline(struct kx_bytes text, const char *what, char *out, size_t size, struct kx_error *err)
{
	size_t n = kx_part_cmdline_len(text);
	if (n + 1 > size)
		return kx_fail(err, KX_E_INPUT, "%s (%zu bytes) is longer than %zu bytes", what, n, size - 1);
	for (size_t i = 0; i < n; i++)
		out[i] = text.data[i] == '\t' || text.data[i] == '\n' || text.data[i] == '\r' ? ' ' :
			 (char)text.data[i];
	out[n] = 0;
	return 0;
}
