// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The facts the planners read from a tree: its RAM (the memory nodes) and
 * what it sets aside (/reserved-memory and the /memreserve/ block).
 */
#include "dtb_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "../core/bytes.h"

/* A number of 1 or 2 cells (what of_read_number() reads for initrd-start). */
bool dtb_read_cells_number(const uint8_t *p, int len, uint64_t *ret)
{
	if (len == 4) {
		*ret = fdt32_ld((const fdt32_t *)p);
		return true;
	}
	if (len == 8) {
		*ret = fdt64_ld((const fdt64_t *)p);
		return true;
	}
	return false;
}

/* of_fdt_device_is_available(): no status, or "ok" / "okay" */
static bool node_available(const void *fdt, int node)
{
	int len;
	const char *status = fdt_getprop(fdt, node, "status", &len);
	return !status || (len == 5 && !memcmp(status, "okay", 5)) || (len == 3 && !memcmp(status, "ok", 3));
}

int kx_dtb_memory(const struct kx_dtb *dtb, struct kx_memmap *ret, struct kx_error *err)
{
	const void *fdt = dtb->blob;
	char path[256];
	int node;

	ret->count = 0;
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	if (ac < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, ac, dtb->source, "/#address-cells");
	if (sc < 0)
		return dtb_fdt_fail(err, KX_E_INPUT, sc, dtb->source, "/#size-cells");
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return kx_fail(err, KX_E_INPUT, "%s: / has #address-cells = %d, #size-cells = %d; memory "
			       "nodes need 1 or 2 of each", dtb->source, ac, sc);

	/* Like the kernel's early_init_dt_scan_memory(): the root's children
	 * whose device_type is "memory" and that are not disabled; their
	 * linux,usable-memory when present, else reg. */
	fdt_for_each_subnode(node, fdt, 0) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len < 7 || strncmp(type, "memory", (size_t)len))
			continue;
		if (!node_available(fdt, node))
			continue;
		const uint8_t *reg = fdt_getprop(fdt, node, "linux,usable-memory", &len);
		const char *prop = "linux,usable-memory";
		if (!reg || len <= 0) {
			reg = fdt_getprop(fdt, node, "reg", &len);
			prop = "reg";
		}
		if (!reg)
			continue;
		if (fdt_get_path(fdt, node, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", fdt_get_name(fdt, node, NULL));
		int cell_bytes = 4 * (ac + sc);
		if (len % cell_bytes)
			return kx_fail(err, KX_E_INPUT, "%s: %s/%s is %d bytes, not a multiple of %d "
				       "(#address-cells = %d, #size-cells = %d)",
				       dtb->source, path, prop, len, cell_bytes, ac, sc);
		for (int off = 0; off < len; off += cell_bytes) {
			uint64_t base, size, end;
			dtb_read_cells_number(reg + off, 4 * ac, &base);
			dtb_read_cells_number(reg + off + 4 * ac, 4 * sc, &size);
			if (size == 0)
				continue;
			if (kx_add_overflows(base, size, &end))
				return kx_fail(err, KX_E_INPUT, "%s: %s/%s: 0x%" PRIx64 "+0x%" PRIx64
					       " wraps around", dtb->source, path, prop, base, size);
			if (kx_memmap_add(ret, base, end, KX_MEM_RAM, err) < 0) {
				kx_error_prefix(err, "%s: %s/%s: ", dtb->source, path, prop);
				return -1;
			}
		}
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		return dtb_fdt_fail(err, KX_E_INPUT, node, dtb->source, "walking the root's nodes");
	kx_memmap_sort(ret);
	return 0;
}

int kx_dtb_reserved(const struct kx_dtb *dtb, enum kx_dtb_reserved_kind kind, struct kx_memmap *ret,
		    struct kx_error *err)
{
	const void *fdt = dtb->blob;
	int len, node;

	ret->count = 0;
	if (kind == KX_DTB_RESERVED_ALL) {
		int n = fdt_num_mem_rsv(fdt);
		for (int i = 0; i < n; i++) {
			uint64_t base, size, end;
			if (fdt_get_mem_rsv(fdt, i, &base, &size) < 0 || size == 0 ||
			    kx_add_overflows(base, size, &end))
				continue;
			if (kx_memmap_add(ret, base, end, KX_MEM_RESERVED, err) < 0) {
				kx_error_prefix(err, "%s: /memreserve/: ", dtb->source);
				return -1;
			}
		}
	}
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm < 0) {
		kx_memmap_sort(ret);
		return 0;
	}
	/* The kernel ignores the whole node unless it states #address-cells
	 * and #size-cells equal to the root's and has "ranges"
	 * (of_reserved_mem.c, __reserved_mem_check_root). */
	int ac = fdt_address_cells(fdt, rm), sc = fdt_size_cells(fdt, rm);
	if (!fdt_getprop(fdt, rm, "#address-cells", NULL) || !fdt_getprop(fdt, rm, "#size-cells", NULL) ||
	    !fdt_getprop(fdt, rm, "ranges", NULL) || ac != fdt_address_cells(fdt, 0) ||
	    sc != fdt_size_cells(fdt, 0) || ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		kx_memmap_sort(ret);
		return 0;
	}
	fdt_for_each_subnode(node, fdt, rm) {
		if (!node_available(fdt, node))
			continue;
		if (kind == KX_DTB_RESERVED_NOT_REUSABLE && fdt_getprop(fdt, node, "reusable", NULL))
			continue;
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int cell_bytes = 4 * (ac + sc);
		if (!reg || len <= 0 || len % cell_bytes)
			continue;
		for (int off = 0; off < len; off += cell_bytes) {
			uint64_t base, size, end;
			dtb_read_cells_number(reg + off, 4 * ac, &base);
			dtb_read_cells_number(reg + off + 4 * ac, 4 * sc, &size);
			if (size == 0 || kx_add_overflows(base, size, &end))
				continue;
			if (kx_memmap_add(ret, base, end, KX_MEM_RESERVED, err) < 0) {
				kx_error_prefix(err, "%s: /reserved-memory/%s: ", dtb->source,
						fdt_get_name(fdt, node, NULL));
				return -1;
			}
		}
	}
	kx_memmap_sort(ret);
	return 0;
}
