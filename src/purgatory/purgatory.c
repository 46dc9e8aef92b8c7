// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding and filling the embedded purgatory blobs. The blob's header was
 * checked when it was built (mkblob.py); it is checked again here because
 * this is where a wrong offset would turn into writing params over code.
 */
#include "purgatory/purgatory.h"

#include <string.h>

#include "core/bytes.h"
#include "purgatory/blobs.h"

#define PARAMS_SIZE sizeof(struct kx_purgatory_params)

/* Bytes of the header the loader reads, from offset 0. */
#define HEADER_END (KX_PURGATORY_HEADER_OFFSET + sizeof(struct kx_purgatory_header))

static int check_header(const char *arch, struct kx_bytes b,
			struct kx_purgatory_blob *ret, struct kx_error *err)
{
	uint64_t magic;
	uint32_t params_offset, memsz;
	uint8_t op;

	if (!kx_u8(b, 0, &op) ||
	    !kx_le64(b, KX_PURGATORY_HEADER_OFFSET, &magic) ||
	    !kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 8, &params_offset) ||
	    !kx_le32(b, KX_PURGATORY_HEADER_OFFSET + 12, &memsz))
		return kx_fail(err, KX_E_PLAN,
			       "embedded %s purgatory: %zu bytes, too short for its header",
			       arch, b.size);
	if (magic != (uint64_t)KX_PURGATORY_MAGIC)
		return kx_fail(err, KX_E_PLAN,
			       "embedded %s purgatory: magic 0x%016llx at offset %d, expected 0x%016llx",
			       arch, (unsigned long long)magic, KX_PURGATORY_HEADER_OFFSET,
			       (unsigned long long)KX_PURGATORY_MAGIC);
	if (params_offset < HEADER_END || params_offset % 8 ||
	    !kx_span_ok(b.size, params_offset, PARAMS_SIZE))
		return kx_fail(err, KX_E_PLAN,
			       "embedded %s purgatory: params_offset 0x%x does not leave %zu bytes of parameters inside the %zu-byte blob",
			       arch, params_offset, PARAMS_SIZE, b.size);
	if (memsz < b.size)
		return kx_fail(err, KX_E_PLAN,
			       "embedded %s purgatory: memsz 0x%x is smaller than the blob (0x%zx bytes)",
			       arch, memsz, b.size);
	ret->data = b.data;
	ret->size = b.size;
	ret->memsz = memsz;
	ret->params_offset = params_offset;
	return 0;
}

int kx_purgatory_blob(const char *arch, struct kx_purgatory_blob *ret,
		      struct kx_error *err)
{
	for (const struct kx_purgatory_embedded *e = kx_purgatory_embedded; e->arch; e++) {
		if (strcmp(e->arch, arch))
			continue;
		return check_header(arch, (struct kx_bytes){ e->data, e->size }, ret, err);
	}
	return kx_fail(err, KX_E_PLAN,
		       "no %s purgatory is built into this kexec (it is only built when compiling on that architecture, or with its cross compiler installed)",
		       arch);
}

int kx_purgatory_fill(const struct kx_purgatory_blob *blob, uint8_t *buf,
		      size_t buf_size, const struct kx_purgatory_params *params,
		      struct kx_error *err)
{
	uint8_t *p;

	if (buf_size < blob->size)
		return kx_fail(err, KX_E_PLAN,
			       "purgatory: buffer of %zu bytes, the blob needs %zu",
			       buf_size, blob->size);
	if (!kx_span_ok(blob->size, blob->params_offset, PARAMS_SIZE))
		return kx_fail(err, KX_E_PLAN,
			       "purgatory: params_offset 0x%x outside the %zu-byte blob",
			       blob->params_offset, blob->size);
	if (params->nr_regions > KX_PURGATORY_REGIONS_MAX)
		return kx_fail(err, KX_E_PLAN,
			       "purgatory: %u regions to verify, it can check at most %d",
			       params->nr_regions, KX_PURGATORY_REGIONS_MAX);
	if (params->digest_kind != KX_PURGATORY_DIGEST_SHA256 &&
	    params->digest_kind != KX_PURGATORY_DIGEST_CRC32C)
		return kx_fail(err, KX_E_PLAN, "purgatory: digest kind %u is none it knows",
			       params->digest_kind);

	memcpy(buf, blob->data, blob->size);
	memset(buf + blob->size, 0, buf_size - blob->size);

	/* Field by field, little-endian: the purgatory's byte order, not
	 * necessarily the loader's. */
	p = buf + blob->params_offset;
	memset(p, 0, PARAMS_SIZE);
	kx_put_le64(p + offsetof(struct kx_purgatory_params, entry), params->entry);
	for (int i = 0; i < 4; i++)
		kx_put_le64(p + offsetof(struct kx_purgatory_params, regs) + 8 * i,
			    params->regs[i]);
	kx_put_le32(p + offsetof(struct kx_purgatory_params, flags), params->flags);
	kx_put_le32(p + offsetof(struct kx_purgatory_params, nr_regions), params->nr_regions);
	kx_put_le64(p + offsetof(struct kx_purgatory_params, serial_port), params->serial_port);
	for (uint32_t i = 0; i < params->nr_regions; i++) {
		const struct kx_purgatory_region *r = &params->regions[i];
		uint8_t *q = p + offsetof(struct kx_purgatory_params, regions) +
			     i * sizeof(struct kx_purgatory_region);

		kx_put_le64(q + offsetof(struct kx_purgatory_region, start), r->start);
		kx_put_le64(q + offsetof(struct kx_purgatory_region, len), r->len);
		memcpy(q + offsetof(struct kx_purgatory_region, digest), r->digest,
		       sizeof(r->digest));
	}
	kx_put_le32(p + offsetof(struct kx_purgatory_params, digest_kind), params->digest_kind);
	kx_put_le32(p + offsetof(struct kx_purgatory_params, serial_baud), params->serial_baud);
	return 0;
}
