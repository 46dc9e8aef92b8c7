// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /chosen edits for the new kernel (kx_dtb_set_chosen), the way the
 * kernel's kexec_file does them (drivers/of/kexec.c), with the memory
 * reservation block kept consistent.
 */
#include "dtb_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "../core/bytes.h"

/* One edit of the tree. Edits that need more room than the buffer has fail
 * with -FDT_ERR_NOSPACE before touching the tree; apply() then grows the
 * buffer with fdt_open_into and tries again. Node offsets survive the move
 * (they count from the start of the structure block), but the chosen node
 * is looked up again anyway so no edit relies on that. */
enum edit_kind {
	EDIT_SET,          /* setprop name = value[len] */
	EDIT_DEL,          /* delprop name, absent is fine */
	EDIT_APPEND_RANGE, /* appendprop_addrrange name, <addr size> with the root's cells */
	EDIT_ADD_RSV,      /* add_mem_rsv addr size */
};

struct edit {
	enum edit_kind kind;
	const char *name;
	const void *value;
	int len;
	uint64_t addr, size;
};

/* A larger buffer for an edit that did not fit: double, or what the edit
 * needs (`need`, an estimate) if more, but never beyond DTB_MAX_BYTES. The
 * edit is then tried again: if it does not fit a buffer of the cap, the
 * edited tree would be larger than the cap. */
static int grow(struct kx_dtb *dtb, size_t need, struct kx_error *err)
{
	size_t size = dtb->size * 2;
	if (size < dtb->size + need + DTB_ROOM)
		size = dtb->size + need + DTB_ROOM;
	if (size > DTB_MAX_BYTES)
		size = DTB_MAX_BYTES;
	if (size <= dtb->size)
		return kx_fail(err, KX_E_PLAN, "%s: the edited device tree would be more than %llu bytes "
			       "(%llu MiB), the most kexec-ng builds", dtb->source, DTB_MAX_BYTES,
			       DTB_MAX_BYTES / MiB);
	uint8_t *buf = malloc(size);
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "%s: out of memory for %zu bytes", dtb->source, size);
	int rc = fdt_open_into(dtb->blob, buf, (int)size);
	if (rc < 0) {
		free(buf);
		return dtb_fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot move the tree to a larger buffer");
	}
	free(dtb->blob);
	dtb->blob = buf;
	dtb->size = size;
	return 0;
}

static int chosen_offset(const struct kx_dtb *dtb, struct kx_error *err)
{
	int off = fdt_path_offset(dtb->blob, "/chosen");
	if (off < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, off, dtb->source, "/chosen");
	return off;
}

static int apply(struct kx_dtb *dtb, const struct edit *e, struct kx_error *err)
{
	char what[sizeof(dtb->source) + 128];

	for (;;) {
		int rc, chosen = 0;
		if (e->kind != EDIT_ADD_RSV && (chosen = chosen_offset(dtb, err)) < 0)
			return -1;
		switch (e->kind) {
		case EDIT_SET:
			rc = fdt_setprop(dtb->blob, chosen, e->name, e->value, e->len);
			break;
		case EDIT_DEL:
			rc = fdt_delprop(dtb->blob, chosen, e->name);
			if (rc == -FDT_ERR_NOTFOUND)
				rc = 0;
			break;
		case EDIT_APPEND_RANGE:
			rc = fdt_appendprop_addrrange(dtb->blob, 0, chosen, e->name, e->addr, e->size);
			break;
		case EDIT_ADD_RSV:
			rc = fdt_add_mem_rsv(dtb->blob, e->addr, e->size);
			break;
		default:
			rc = -FDT_ERR_INTERNAL;
			break;
		}
		if (rc == 0)
			return 0;
		if (rc == -FDT_ERR_NOSPACE) {
			size_t need = (size_t)(e->len > 0 ? e->len : 0) + (e->name ? strlen(e->name) : 0) + 64;
			if (grow(dtb, need, err) < 0)
				return -1;
			continue;
		}
		if (e->kind == EDIT_ADD_RSV) {
			snprintf(what, sizeof(what), "%s: memory reservation 0x%" PRIx64 "+0x%" PRIx64,
				 dtb->source, e->addr, e->size);
			return dtb_fdt_fail(err, KX_E_INPUT, rc, what, NULL);
		}
		snprintf(what, sizeof(what), "%s: /chosen/%s", dtb->source, e->name);
		if (rc == -FDT_ERR_BADVALUE && e->kind == EDIT_APPEND_RANGE) {
			char detail[160];
			snprintf(detail, sizeof(detail),
				 "0x%" PRIx64 "+0x%" PRIx64 " does not fit #address-cells = %d, #size-cells = %d",
				 e->addr, e->size, fdt_address_cells(dtb->blob, 0), fdt_size_cells(dtb->blob, 0));
			return dtb_fdt_fail(err, KX_E_PLAN, rc, what, detail);
		}
		return dtb_fdt_fail(err, KX_E_INPUT, rc, what, NULL);
	}
}

static int set(struct kx_dtb *dtb, const char *name, const void *value, size_t len, struct kx_error *err)
{
	if (len > DTB_MAX_BYTES)
		return kx_fail(err, KX_E_PLAN, "%s: /chosen/%s: %zu bytes is more than a device tree may hold",
			       dtb->source, name, len);
	struct edit e = { .kind = EDIT_SET, .name = name, .value = value, .len = (int)len };
	return apply(dtb, &e, err);
}

static int del(struct kx_dtb *dtb, const char *name, struct kx_error *err)
{
	struct edit e = { .kind = EDIT_DEL, .name = name };
	return apply(dtb, &e, err);
}

static int add_range(struct kx_dtb *dtb, const char *name, uint64_t addr, uint64_t size,
		     struct kx_error *err)
{
	struct edit e = { .kind = EDIT_APPEND_RANGE, .name = name, .addr = addr, .size = size };
	return apply(dtb, &e, err);
}

static int add_rsv(struct kx_dtb *dtb, uint64_t addr, uint64_t size, struct kx_error *err)
{
	struct edit e = { .kind = EDIT_ADD_RSV, .addr = addr, .size = size };
	return apply(dtb, &e, err);
}

/* <addr size> as encoded with the root's cells; false unless 1 or 2 each. */
static bool read_range(const void *fdt, const uint8_t *p, int len, uint64_t *ret_addr, uint64_t *ret_size)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len != 4 * (ac + sc))
		return false;
	return dtb_read_cells_number(p, 4 * ac, ret_addr) &&
	       dtb_read_cells_number(p + 4 * ac, 4 * sc, ret_size);
}

/* Delete the reservation entry [addr, addr+size) exactly, or one of `size`
 * rounded up to a page (4, 16 or 64 KiB), as firmware may have reserved
 * whole pages (drivers/of/kexec.c checks exact and PAGE_SIZE-rounded).
 * Returns 1 when an entry went, 0 when none matched. */
static int del_rsv_covering(struct kx_dtb *dtb, uint64_t addr, uint64_t size, struct kx_error *err)
{
	static const uint64_t pages[] = { 1, 4 * KiB, 16 * KiB, 64 * KiB };
	int n = fdt_num_mem_rsv(dtb->blob);

	if (n < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, n, dtb->source, "memory reservation block");
	for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		uint64_t want = kx_align_up(size, pages[p]);
		for (int i = 0; i < n; i++) {
			uint64_t a, s;
			if (fdt_get_mem_rsv(dtb->blob, i, &a, &s) < 0 || a != addr || s != want)
				continue;
			int rc = fdt_del_mem_rsv(dtb->blob, i);
			if (rc < 0)
				return dtb_fdt_fail(err, KX_E_INPUT, rc, dtb->source, "memory reservation block");
			return 1;
		}
	}
	return 0;
}

/*
 * Reservations that belonged to the running kernel's hand-over and must not
 * outlive it: the old initrd (what drivers/of/kexec.c removes), and the old
 * elfcorehdr and IMA buffer when the running kernel was itself started by
 * kexec (their properties go below; their reservations go here with them).
 */
static int drop_stale_reservations(struct kx_dtb *dtb, struct kx_error *err)
{
	int chosen = fdt_path_offset(dtb->blob, "/chosen");
	int len, end_len;

	if (chosen < 0)
		return 0;
	const uint8_t *start_p = fdt_getprop(dtb->blob, chosen, "linux,initrd-start", &len);
	if (start_p) {
		const uint8_t *end_p = fdt_getprop(dtb->blob, chosen, "linux,initrd-end", &end_len);
		uint64_t start, end;
		if (!end_p)
			return kx_fail(err, KX_E_INPUT, "%s: /chosen has linux,initrd-start but no linux,initrd-end",
				       dtb->source);
		if (!dtb_read_cells_number(start_p, len, &start) ||
		    !dtb_read_cells_number(end_p, end_len, &end) || end < start)
			return kx_fail(err, KX_E_INPUT, "%s: /chosen/linux,initrd-start and -end are not a "
				       "range of 1- or 2-cell numbers (%d and %d bytes)", dtb->source, len, end_len);
		if (del_rsv_covering(dtb, start, end - start, err) < 0)
			return -1;
	}
	static const char *const ranges[] = { "linux,elfcorehdr", "linux,ima-kexec-buffer" };
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		/* offsets may have moved: look /chosen up again */
		chosen = fdt_path_offset(dtb->blob, "/chosen");
		const uint8_t *p = chosen >= 0 ? fdt_getprop(dtb->blob, chosen, ranges[i], &len) : NULL;
		uint64_t a, s;
		if (p && read_range(dtb->blob, p, len, &a, &s) && del_rsv_covering(dtb, a, s, err) < 0)
			return -1;
	}
	return 0;
}

/* What the caller asks for, checked before the tree is touched. */
static int check_request(const struct kx_dtb_chosen *c, struct kx_error *err)
{
	if (c->initrd_end < c->initrd_start)
		return kx_fail(err, KX_E_PLAN, "initrd ends (0x%" PRIx64 ") before it starts (0x%" PRIx64 ")",
			       c->initrd_end, c->initrd_start);
	if (c->crash) {
		if (!c->usable || c->usable->count == 0)
			return kx_fail(err, KX_E_NO_CRASH_REGION,
				       "crash kernel: no crash region for /chosen/linux,usable-memory-range");
		if (c->elfcorehdr_size == 0)
			return kx_fail(err, KX_E_PLAN, "crash kernel: the elfcorehdr is empty");
	}
	return 0;
}

/* A tree without /chosen gets an empty one, for the edits to go in. */
static int add_chosen_if_missing(struct kx_dtb *dtb, struct kx_error *err)
{
	int rc;

	if (fdt_path_offset(dtb->blob, "/chosen") != -FDT_ERR_NOTFOUND)
		return 0;
	for (;;) {
		rc = fdt_add_subnode(dtb->blob, 0, "chosen");
		if (rc != -FDT_ERR_NOSPACE)
			break;
		if (grow(dtb, 64, err) < 0)
			return -1;
	}
	if (rc < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot add /chosen");
	return 0;
}

/* linux,initrd-start/-end and the initrd's reservation, or no initrd
 * properties at all. */
static int set_initrd(struct kx_dtb *dtb, const struct kx_dtb_chosen *c, struct kx_error *err)
{
	if (c->initrd_start == c->initrd_end) {
		if (del(dtb, "linux,initrd-start", err) < 0 || del(dtb, "linux,initrd-end", err) < 0)
			return -1;
		return 0;
	}
	uint8_t start[8], end[8];
	kx_put_be64(start, c->initrd_start);
	kx_put_be64(end, c->initrd_end);
	/* u64, as the kernel writes them for kexec_file; the
	 * reservation entry matches what it adds too. */
	if (set(dtb, "linux,initrd-start", start, 8, err) < 0 ||
	    set(dtb, "linux,initrd-end", end, 8, err) < 0 ||
	    add_rsv(dtb, c->initrd_start, c->initrd_end - c->initrd_start, err) < 0)
		return -1;
	return 0;
}

/* A crash kernel's linux,elfcorehdr and linux,usable-memory-range. */
static int set_crash_ranges(struct kx_dtb *dtb, const struct kx_dtb_chosen *c, struct kx_error *err)
{
	/* Cells from the root's #address-cells/#size-cells (2 and 1 when
	 * absent, the DT spec's defaults). The reservation keeps the
	 * crash kernel from reusing the elfcorehdr's memory. */
	if (add_range(dtb, "linux,elfcorehdr", c->elfcorehdr_addr, c->elfcorehdr_size, err) < 0 ||
	    add_rsv(dtb, c->elfcorehdr_addr, c->elfcorehdr_size, err) < 0)
		return -1;
	for (unsigned int i = 0; i < c->usable->count; i++) {
		const struct kx_range *r = &c->usable->ranges[i];
		if (r->end <= r->start)
			return kx_fail(err, KX_E_PLAN, "crash region %u is empty (0x%" PRIx64 "-0x%" PRIx64 ")",
				       i, r->start, r->end);
		if (add_range(dtb, "linux,usable-memory-range", r->start, r->end - r->start, err) < 0)
			return -1;
	}
	return 0;
}

/* bootargs, kaslr-seed and rng-seed: the caller's when given, else removed
 * (never the running kernel's). */
static int set_bootargs_and_seeds(struct kx_dtb *dtb, const struct kx_dtb_chosen *c,
				  struct kx_error *err)
{
	int rc;

	if (c->bootargs && *c->bootargs)
		rc = set(dtb, "bootargs", c->bootargs, strlen(c->bootargs) + 1, err);
	else
		rc = del(dtb, "bootargs", err);
	if (rc < 0)
		return -1;

	if (del(dtb, "kaslr-seed", err) < 0 ||
	    (c->kaslr_seed && set(dtb, "kaslr-seed", c->kaslr_seed, 8, err) < 0))
		return -1;
	if (del(dtb, "rng-seed", err) < 0 ||
	    (c->rng_seed && c->rng_seed_len && set(dtb, "rng-seed", c->rng_seed, c->rng_seed_len, err) < 0))
		return -1;
	return 0;
}

int kx_dtb_set_chosen(struct kx_dtb *dtb, const struct kx_dtb_chosen *c, struct kx_error *err)
{
	int rc;

	if (!dtb || !dtb->blob)
		return kx_fail(err, KX_E_INPUT, "no device tree to edit");
	/* Spread the free space to the end of the buffer, where libfdt's
	 * read-write functions want it. */
	rc = fdt_open_into(dtb->blob, dtb->blob, (int)dtb->size);
	if (rc < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot open the tree for editing");

	if (check_request(c, err) < 0 || drop_stale_reservations(dtb, err) < 0 ||
	    add_chosen_if_missing(dtb, err) < 0)
		return -1;

	/* Whatever a previous kexec (or kdump) set up is stale. */
	if (del(dtb, "linux,elfcorehdr", err) < 0 || del(dtb, "linux,usable-memory-range", err) < 0 ||
	    del(dtb, "linux,ima-kexec-buffer", err) < 0)
		return -1;

	if (set_initrd(dtb, c, err) < 0 || (c->crash && set_crash_ranges(dtb, c, err) < 0) ||
	    set_bootargs_and_seeds(dtb, c, err) < 0)
		return -1;

	rc = fdt_pack(dtb->blob);
	if (rc < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, rc, dtb->source, "cannot pack the edited tree");
	return 0;
}
