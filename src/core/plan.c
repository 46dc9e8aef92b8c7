// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../memmap/memmap.h"
#include "sha256.h"
#include "units.h"


void kx_plan_init(struct kx_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
}

void kx_plan_free(struct kx_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_owned; i++)
		free(plan->owned[i]);
	plan->nr_owned = 0;
}

void *kx_plan_own(struct kx_plan *plan, void *buf)
{
	if (!buf || plan->nr_owned >= KX_SEGMENT_MAX) {
		free(buf);
		return NULL;
	}
	plan->owned[plan->nr_owned++] = buf;
	return buf;
}

int kx_plan_add(struct kx_plan *plan, const char *name, const char *source,
		const uint8_t *buf, uint64_t bufsz, uint64_t mem, uint64_t memsz,
		struct kx_error *err)
{
	if (plan->nr_segments >= KX_SEGMENT_MAX)
		return kx_fail(err, KX_E_PLAN,
			       "segment %s: more than %d segments (KEXEC_SEGMENT_MAX)",
			       name, KX_SEGMENT_MAX);
	struct kx_segment *seg = &plan->segments[plan->nr_segments++];
	memset(seg, 0, sizeof(*seg));
	snprintf(seg->name, sizeof(seg->name), "%s", name);
	snprintf(seg->source, sizeof(seg->source), "%s", source);
	seg->buf = buf;
	seg->bufsz = bufsz;
	seg->mem = mem;
	seg->memsz = memsz;
	return 0;
}

int kx_plan_check(const struct kx_plan *plan, const struct kx_memmap *ram,
		  uint64_t total_ram, struct kx_error *err)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		const struct kx_segment *s = &plan->segments[i];
		uint64_t end;

		if (s->mem % KX_PAGE_SIZE || s->memsz % KX_PAGE_SIZE)
			return kx_fail(err, KX_E_PLAN,
				       "segment %u (%s): destination 0x%" PRIx64 " size 0x%" PRIx64
				       " is not page aligned (the kernel requires both)",
				       i, s->name, s->mem, s->memsz);
		if (s->bufsz > s->memsz)
			return kx_fail(err, KX_E_PLAN,
				       "segment %u (%s): 0x%" PRIx64 " bytes of data exceed its memory size 0x%" PRIx64,
				       i, s->name, s->bufsz, s->memsz);
		if (kx_add_overflows(s->mem, s->memsz, &end))
			return kx_fail(err, KX_E_PLAN, "segment %u (%s): end address overflows", i, s->name);
		if (ram && !kx_memmap_contains(ram, s->mem, end))
			return kx_fail(err, KX_E_PLAN,
				       "segment %u (%s): 0x%" PRIx64 "-0x%" PRIx64
				       " is not inside one range of usable RAM",
				       i, s->name, s->mem, end - 1);
		for (unsigned int j = 0; j < i; j++) {
			const struct kx_segment *o = &plan->segments[j];
			if (s->mem < o->mem + o->memsz && o->mem < end)
				return kx_fail(err, KX_E_PLAN,
					       "segment %u (%s) overlaps segment %u (%s)",
					       i, s->name, j, o->name);
		}
		/* the kernel's room is the kernel's: no other segment in it */
		uint64_t room_end = plan->kernel_room_start + plan->kernel_room_size;
		if (plan->kernel_room_size && strcmp(s->name, "kernel") != 0 && !s->preserved &&
		    s->mem < room_end && plan->kernel_room_start < end)
			return kx_fail(err, KX_E_PLAN,
				       "segment %u (%s) is inside the kernel's room 0x%" PRIx64 "-0x%" PRIx64
				       " (the memory it needs free to unpack itself)",
				       i, s->name, plan->kernel_room_start, room_end - 1);
		total += s->memsz;
	}
	/* kexec_core.c refuses images using more than half of RAM. */
	if (total_ram && total > total_ram / 2)
		return kx_fail(err, KX_E_PLAN,
			       "segments need 0x%" PRIx64 " bytes, more than half of RAM (0x%" PRIx64
			       "): the kernel refuses that", total, total_ram);
	return 0;
}

void kx_plan_hash_segments(struct kx_plan *plan, unsigned int first, unsigned int count)
{
	struct kx_digest_item items[KX_SEGMENT_MAX];

	if (first >= plan->nr_segments)
		return;
	if (count > plan->nr_segments - first)
		count = plan->nr_segments - first;
	for (unsigned int i = 0; i < count; i++) {
		const struct kx_segment *s = &plan->segments[first + i];
		items[i] = (struct kx_digest_item){ .data = s->buf, .len = s->bufsz };
	}
	kx_digest_many(plan->digest_kind, items, count, NULL);
	for (unsigned int i = 0; i < count; i++)
		memcpy(plan->segments[first + i].digest, items[i].digest, KX_DIGEST_FIELD_SIZE);
}

void kx_plan_hash(struct kx_plan *plan)
{
	struct kx_sha256 ctx;
	kx_sha256_init(&ctx);
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		kx_sha256_update(&ctx, plan->segments[i].digest, KX_DIGEST_FIELD_SIZE);
	kx_sha256_final(&ctx, plan->digest);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

void kx_plan_segment_digest_hex(const struct kx_plan *plan, const struct kx_segment *s, char out[65])
{
	if (plan->digest_kind == KX_DIGEST_CRC32C)
		/* the number, as CRC32C check values are written */
		snprintf(out, 65, "%08" PRIx32, (uint32_t)s->digest[0] | (uint32_t)s->digest[1] << 8 |
			 (uint32_t)s->digest[2] << 16 | (uint32_t)s->digest[3] << 24);
	else
		hex(s->digest, 32, out);
}

/* "crc32c 1a2b3c4d", "sha256 <the first 16 bytes>...", or "digest not computed". */
static void segment_digest_text(const struct kx_plan *plan, const struct kx_segment *s, char out[80])
{
	char h[65];

	if (s->preserved) {
		strcpy(out, "no data");
		return;
	}
	if (!plan->hashed) {
		strcpy(out, "digest not computed");
		return;
	}
	kx_plan_segment_digest_hex(plan, s, h);
	if (plan->digest_kind == KX_DIGEST_SHA256)
		strcpy(h + 32, "...");
	snprintf(out, 80, "%s %s", kx_digest_name(plan->digest_kind), h);
}

uint64_t kx_plan_kernel_bytes(const struct kx_plan *plan)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (!strcmp(plan->segments[i].name, "kernel"))
			sum += plan->segments[i].memsz;
	return sum;
}

uint64_t kx_plan_footprint(const struct kx_plan *plan)
{
	uint64_t sum = 0, kernel = kx_plan_kernel_bytes(plan);
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		sum += plan->segments[i].memsz;
	return plan->kernel_room_size > kernel ? sum - kernel + plan->kernel_room_size : sum;
}

void kx_plan_print(const struct kx_plan *plan, FILE *out)
{
	char h[80];

	fprintf(out, "architecture: %s\n", plan->arch);
	fprintf(out, "format: %s\n", plan->format);
	fprintf(out, "command line: \"%s\"\n", plan->cmdline);
	fprintf(out, "segments: %u\n", plan->nr_segments);
	for (unsigned int i = 0; i < plan->nr_segments; i++) {
		const struct kx_segment *s = &plan->segments[i];
		segment_digest_text(plan, s, h);
		fprintf(out, "  %u %-12s mem 0x%09" PRIx64 "-0x%09" PRIx64 " memsz 0x%08" PRIx64
			" bufsz 0x%08" PRIx64 " %s from %s%s\n",
			i, s->name, s->mem, s->mem + s->memsz - 1, s->memsz, s->bufsz, h, s->source,
			s->kernel_rewrites ? " (not checked by the purgatory: the kernel rewrites it on hotplug)" :
			s->preserved ? " (kexec jump: the kernel keeps this memory for the way back)" : "");
	}
	if (plan->kernel_room_size > kx_plan_kernel_bytes(plan))
		fprintf(out, "kernel room: 0x%09" PRIx64 "-0x%09" PRIx64 " (free for the kernel to unpack "
			"itself; no other segment in it)\n",
			plan->kernel_room_start, plan->kernel_room_start + plan->kernel_room_size - 1);
	fprintf(out, "entry: 0x%" PRIx64 "%s\n", plan->entry,
		plan->kernel_entry && plan->kernel_entry != plan->entry ? " (purgatory)" : "");
	if (plan->kernel_entry)
		fprintf(out, "kernel entry: 0x%" PRIx64 "\n", plan->kernel_entry);
	fprintf(out, "flags: 0x%lx\n", plan->flags);
	if (plan->verify)
		fprintf(out, "purgatory digest check: on (%s)\n", kx_digest_name(plan->digest_kind));
	else
		fprintf(out, "purgatory digest check: off (--no-checks)\n");
	if (plan->hashed) {
		hex(plan->digest, 32, h);
		fprintf(out, "plan digest: %s\n", h);
	} else {
		fprintf(out, "plan digest: not computed (--no-checks)\n");
	}
}
