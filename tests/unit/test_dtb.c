// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device tree code on trees captured from QEMU (tests/fixtures/dtb, see
 * capture.sh there): reading blobs and /proc/device-tree, /chosen edits read
 * back byte for byte with libfdt, memory nodes, reserved memory (both kinds of
 * kx_dtb_reserved on edited trees), corrupt headers (one field of
 * a good blob mangled, exact error text), and golden printouts of an edited
 * UEFI tree and an edited QEMU riscv virt tree. Set KX_UPDATE_GOLDEN=1 to
 * rewrite the golden files after a reviewed change.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "harness.h"
#include "dtb/dtb.h"
#include "dtb/dtb_internal.h"   /* DTB_MAX_BYTES, the cap the product uses */

#define FIXTURES "tests/fixtures/dtb"

static void fixture(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/" FIXTURES "/%s", kx_test_env("KX_SRCDIR", "."), name);
}

/* The whole file, malloc'd; NULL when unreadable. */
static uint8_t *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		uint8_t *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	fclose(f);
	*ret_len = len;
	return buf;
}

static int load(const char *name, struct kx_dtb *ret)
{
	char path[1024];
	struct kx_error err = { 0 };
	fixture(path, sizeof(path), name);
	if (kx_dtb_read(NULL, path, ret, &err) < 0) {
		printf("#   %s\n", err.message);
		return -1;
	}
	return 0;
}

/* ---- temporary roots ------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

static int mkdirs(const char *root, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* A root with proc/device-tree -> the captured folder, as on a live system
 * where /proc/device-tree is a symlink to /sys/firmware/devicetree/base. */
static int make_root(char *root, size_t size, bool with_fdt)
{
	char path[1024], target[1024];
	snprintf(root, size, "/tmp/kx-dtb-test.XXXXXX");
	if (!mkdtemp(root) || mkdirs(root, "proc") < 0)
		return -1;
	fixture(target, sizeof(target), "proc-device-tree");
	char *abs = realpath(target, NULL);
	snprintf(path, sizeof(path), "%s/proc/device-tree", root);
	int linked = abs ? symlink(abs, path) : -1;
	free(abs);
	if (linked < 0)
		return -1;
	if (with_fdt) {
		size_t len;
		fixture(target, sizeof(target), "uefi.dtb");
		uint8_t *data = slurp(target, &len);
		if (!data || mkdirs(root, "sys/firmware") < 0)
			return free(data), -1;
		snprintf(path, sizeof(path), "%s/sys/firmware/fdt", root);
		int rc = write_file(path, data, len);
		free(data);
		return rc;
	}
	return 0;
}

/* ---- comparing and printing trees ----------------------------------------- */

/* Same properties (name and bytes) and same children by name, in any order.
 * Writes the first difference to `why`. */
static bool same_node(const void *a, int na, const void *b, int nb, const char *path,
		      char *why, size_t why_len)
{
	int pa, count_a = 0, count_b = 0;
	fdt_for_each_property_offset(pa, a, na) {
		const char *name;
		int la, lb;
		const void *va = fdt_getprop_by_offset(a, pa, &name, &la);
		const void *vb = fdt_getprop(b, nb, name, &lb);
		count_a++;
		if (!vb || la != lb || memcmp(va, vb, (size_t)la)) {
			snprintf(why, why_len, "%s/%s: %s", path, name, vb ? "differs" : "missing on the right");
			return false;
		}
	}
	fdt_for_each_property_offset(pa, b, nb)
		count_b++;
	if (count_a != count_b) {
		snprintf(why, why_len, "%s: %d properties on the left, %d on the right", path, count_a, count_b);
		return false;
	}
	int ka;
	count_a = count_b = 0;
	fdt_for_each_subnode(ka, a, na) {
		const char *name = fdt_get_name(a, ka, NULL);
		int kb = fdt_subnode_offset(b, nb, name);
		char sub[512];
		count_a++;
		snprintf(sub, sizeof(sub), "%s/%s", path, name);
		if (kb < 0) {
			snprintf(why, why_len, "%.400s: missing on the right", sub);
			return false;
		}
		if (!same_node(a, ka, b, kb, sub, why, why_len))
			return false;
	}
	fdt_for_each_subnode(ka, b, nb)
		count_b++;
	if (count_a != count_b) {
		snprintf(why, why_len, "%s: %d children on the left, %d on the right", path, count_a, count_b);
		return false;
	}
	return true;
}

static bool same_tree(const void *a, const void *b)
{
	char why[512] = "";
	bool same = same_node(a, 0, b, 0, "", why, sizeof(why));
	if (!same)
		printf("#   trees differ: %s\n", why);
	return same;
}

static bool printable_strings(const uint8_t *v, int len)
{
	if (len == 0 || v[len - 1] != 0 || v[0] == 0)
		return false;
	for (int i = 0; i < len; i++) {
		if (v[i] == 0) {
			if (i + 1 < len && v[i + 1] == 0)
				return false;
		} else if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\') {
			return false;
		}
	}
	return true;
}

static void dump_node(FILE *out, const void *fdt, int node, int depth)
{
	int prop, kid;
	const char *name = fdt_get_name(fdt, node, NULL);
	fprintf(out, "%*s%s {\n", depth * 8, "", depth ? name : "/");
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *pname;
		int len;
		const uint8_t *v = fdt_getprop_by_offset(fdt, prop, &pname, &len);
		fprintf(out, "%*s%s", depth * 8 + 8, "", pname);
		if (len == 0) {
			fputs(";\n", out);
		} else if (printable_strings(v, len)) {
			fputs(" = \"", out);
			for (int i = 0; i < len - 1; i++) {
				if (v[i])
					fputc(v[i], out);
				else
					fputs("\", \"", out);
			}
			fputs("\";\n", out);
		} else if (len % 4 == 0) {
			fputs(" = <", out);
			for (int i = 0; i < len; i += 4)
				fprintf(out, "%s0x%08" PRIx32, i ? " " : "", fdt32_ld((const fdt32_t *)(v + i)));
			fputs(">;\n", out);
		} else {
			fputs(" = [", out);
			for (int i = 0; i < len; i++)
				fprintf(out, "%s%02x", i ? " " : "", v[i]);
			fputs("];\n", out);
		}
	}
	fdt_for_each_subnode(kid, fdt, node)
		dump_node(out, fdt, kid, depth + 1);
	fprintf(out, "%*s};\n", depth * 8, "");
}

/* A deterministic DTS-like printout: header facts, reservations, nodes and
 * properties in blob order. */
static char *dump(const void *fdt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	fprintf(out, "// version %" PRIu32 ", last_comp_version %" PRIu32 ", boot_cpuid_phys %" PRIu32 "\n",
		fdt_version(fdt), fdt_last_comp_version(fdt), fdt_boot_cpuid_phys(fdt));
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t a, s;
		fdt_get_mem_rsv(fdt, i, &a, &s);
		fprintf(out, "/memreserve/ 0x%016" PRIx64 " 0x%016" PRIx64 ";\n", a, s);
	}
	dump_node(out, fdt, 0, 0);
	fclose(out);
	return text;
}

/* ---- helpers for /chosen -------------------------------------------------- */

static const uint8_t kaslr[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
static uint8_t rng[32];

static void init_rng(void)
{
	for (int i = 0; i < 32; i++)
		rng[i] = (uint8_t)(0xa0 + i);
}

/* The bytes of /chosen/NAME, or NULL; *len = -1 when absent. */
static const uint8_t *chosen_prop(const struct kx_dtb *dtb, const char *name, int *len)
{
	int chosen = fdt_path_offset(dtb->blob, "/chosen");
	*len = -1;
	if (chosen < 0)
		return NULL;
	const uint8_t *v = fdt_getprop(dtb->blob, chosen, name, len);
	if (!v)
		*len = -1;
	return v;
}

static bool prop_is(const struct kx_dtb *dtb, const char *name, const void *want, int want_len)
{
	int len;
	const uint8_t *v = chosen_prop(dtb, name, &len);
	if (!v || len != want_len || memcmp(v, want, (size_t)want_len)) {
		printf("#   /chosen/%s: %d bytes, expected %d\n", name, len, want_len);
		return false;
	}
	return true;
}

static bool absent(const struct kx_dtb *dtb, const char *name)
{
	int len;
	if (chosen_prop(dtb, name, &len)) {
		printf("#   /chosen/%s still there\n", name);
		return false;
	}
	return true;
}

static void be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void be64(uint8_t *p, uint64_t v)
{
	be32(p, (uint32_t)(v >> 32));
	be32(p + 4, (uint32_t)v);
}

static bool has_rsv(const void *fdt, uint64_t addr, uint64_t size)
{
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		uint64_t a, s;
		if (fdt_get_mem_rsv(fdt, i, &a, &s) == 0 && a == addr && s == size)
			return true;
	}
	return false;
}

/* A copy of a fixture with libfdt edits of our own (an "incoming" tree). */
static int load_edited(const char *name, struct kx_dtb *ret, int (*edit)(void *fdt))
{
	struct kx_dtb raw;
	struct kx_error err = { 0 };
	if (load(name, &raw) < 0)
		return -1;
	size_t size = kx_dtb_size(&raw) + 4096;
	uint8_t *buf = malloc(size);
	int rc = buf ? fdt_open_into(raw.blob, buf, (int)size) : -1;
	kx_dtb_free(&raw);
	if (rc == 0)
		rc = edit(buf);
	if (rc == 0)
		rc = fdt_pack(buf);
	if (rc == 0 && kx_dtb_from_bytes(buf, fdt_totalsize(buf), name, ret, &err) < 0) {
		printf("#   %s\n", err.message);
		rc = -1;
	}
	if (rc)
		printf("#   editing %s: %s\n", name, rc < 0 ? fdt_strerror(rc) : "?");
	free(buf);
	return rc ? -1 : 0;
}

/* ---- reading -------------------------------------------------------------- */

KX_TEST(reads_each_fixture)
{
	static const char *const names[] = { "virt.dtb", "virt-gicv3.dtb", "uefi.dtb", "uefi-acpi.dtb" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[1024];
		size_t len;
		struct kx_dtb dtb;
		fixture(path, sizeof(path), names[i]);
		uint8_t *raw = slurp(path, &len);
		CHECK(raw);
		CHECK(load(names[i], &dtb) == 0);
		CHECK_CONTAINS(dtb.source, "--dtb ");
		CHECK_CONTAINS(dtb.source, names[i]);
		CHECK(fdt_check_full(dtb.blob, kx_dtb_size(&dtb)) == 0);
		CHECK(dtb.size >= kx_dtb_size(&dtb));
		/* packed: no free space kept from the file (QEMU's is 1 MiB) */
		CHECK(kx_dtb_size(&dtb) <= fdt_totalsize(raw));
		CHECK(kx_dtb_size(&dtb) < 16384);
		CHECK(same_tree(raw, dtb.blob));
		CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), fdt_num_mem_rsv(raw));
		free(raw);
		kx_dtb_free(&dtb);
		CHECK(dtb.blob == NULL);
	}
}

KX_TEST(uefi_fixture_is_what_the_stub_made)
{
	struct kx_dtb dtb;
	int len;
	CHECK(load("uefi.dtb", &dtb) == 0);
	CHECK(chosen_prop(&dtb, "linux,uefi-system-table", &len) && len == 8);
	CHECK(chosen_prop(&dtb, "linux,uefi-mmap-start", &len) && len == 8);
	CHECK(chosen_prop(&dtb, "linux,uefi-mmap-size", &len) && len == 4);
	CHECK(chosen_prop(&dtb, "linux,uefi-mmap-desc-size", &len) && len == 4);
	CHECK(chosen_prop(&dtb, "linux,uefi-mmap-desc-ver", &len) && len == 4);
	CHECK(chosen_prop(&dtb, "kaslr-seed", &len) && len == 8); /* zeroed by the kernel */
	CHECK(chosen_prop(&dtb, "bootargs", &len));
	kx_dtb_free(&dtb);
}

KX_TEST(read_order_sys_firmware_fdt_then_proc_device_tree)
{
	char root[256], path[1024];
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	CHECK(make_root(root, sizeof(root), true) == 0);
	CHECK(kx_dtb_read(root, NULL, &dtb, &err) == 0);
	snprintf(path, sizeof(path), "%s/sys/firmware/fdt", root);
	CHECK(!strcmp(dtb.source, path));
	kx_dtb_free(&dtb);

	CHECK(unlink(path) == 0);
	CHECK(kx_dtb_read(root, NULL, &dtb, &err) == 0);
	snprintf(path, sizeof(path), "%s/proc/device-tree (flattened)", root);
	CHECK(!strcmp(dtb.source, path));
	kx_dtb_free(&dtb);

	snprintf(path, sizeof(path), "%s/proc/device-tree", root);
	CHECK(unlink(path) == 0);
	CHECK(kx_dtb_read(root, NULL, &dtb, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_SYSTEM);
	char want[1200];
	snprintf(want, sizeof(want), "no device tree: neither %s/sys/firmware/fdt nor %s/proc/device-tree "
		 "exists (give one with --dtb)", root, root);
	CHECK(!strcmp(err.message, want));
	CHECK(dtb.blob == NULL);
	rm_tree(root);

	CHECK(kx_dtb_read("/nonexistent", "/nonexistent/x.dtb", &dtb, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_IO);
	CHECK(!strcmp(err.message, "/nonexistent/x.dtb: cannot open: No such file or directory"));
}

KX_TEST(flattened_proc_device_tree_equals_the_boot_fdt)
{
	char root[256], path[1024];
	struct kx_dtb flat, again, real;
	struct kx_error err = { 0 };

	CHECK(make_root(root, sizeof(root), false) == 0);
	CHECK(kx_dtb_read(root, NULL, &flat, &err) == 0);
	CHECK(kx_dtb_read(root, NULL, &again, &err) == 0);
	rm_tree(root);
	CHECK(load("uefi.dtb", &real) == 0);
	/* same nodes and properties; the kernel's made-up "name" properties
	 * are not among them */
	CHECK(same_tree(flat.blob, real.blob));
	CHECK(same_tree(real.blob, flat.blob));
	CHECK(fdt_getprop(flat.blob, fdt_path_offset(flat.blob, "/chosen"), "name", NULL) == NULL);
	/* /proc/device-tree has no reservation block */
	CHECK_EQ_U64(fdt_num_mem_rsv(flat.blob), 0);
	/* deterministic: sorted, whatever readdir says */
	CHECK_EQ_U64(kx_dtb_size(&flat), kx_dtb_size(&again));
	CHECK(!memcmp(flat.blob, again.blob, kx_dtb_size(&flat)));
	int first = fdt_first_subnode(flat.blob, 0);
	CHECK(first >= 0);
	CHECK(!strcmp(fdt_get_name(flat.blob, first, NULL), "apb-pclk"));
	fixture(path, sizeof(path), "proc-device-tree");
	CHECK(fdt_check_full(flat.blob, kx_dtb_size(&flat)) == 0);
	kx_dtb_free(&flat);
	kx_dtb_free(&again);
	kx_dtb_free(&real);
}

KX_TEST(flattening_keeps_a_name_that_differs)
{
	char root[256], path[1024];
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	snprintf(root, sizeof(root), "/tmp/kx-dtb-test.XXXXXX");
	CHECK(mkdtemp(root));
	CHECK(mkdirs(root, "proc/device-tree/soc/uart@1000") == 0);
	CHECK(mkdirs(root, "proc/device-tree/old") == 0);
	snprintf(path, sizeof(path), "%s/proc/device-tree/name", root);
	CHECK(write_file(path, "", 1) == 0);
	snprintf(path, sizeof(path), "%s/proc/device-tree/soc/uart@1000/name", root);
	CHECK(write_file(path, "uart", 5) == 0);                 /* redundant: dropped */
	snprintf(path, sizeof(path), "%s/proc/device-tree/soc/uart@1000/reg", root);
	CHECK(write_file(path, "\0\0\x10\0\0\0\0\x10", 8) == 0);
	snprintf(path, sizeof(path), "%s/proc/device-tree/old/name", root);
	CHECK(write_file(path, "serial", 7) == 0);               /* says more: kept */
	snprintf(path, sizeof(path), "%s/proc/device-tree/old/dma-coherent", root);
	CHECK(write_file(path, "", 0) == 0);
	CHECK(kx_dtb_read(root, NULL, &dtb, &err) == 0);
	rm_tree(root);
	char *text = dump(dtb.blob);
	CHECK(text);
	static const char want[] =
		"// version 17, last_comp_version 16, boot_cpuid_phys 0\n"
		"/ {\n"
		"        old {\n"
		"                dma-coherent;\n"
		"                name = \"serial\";\n"
		"        };\n"
		"        soc {\n"
		"                uart@1000 {\n"
		"                        reg = <0x00001000 0x00000010>;\n"
		"                };\n"
		"        };\n"
		"};\n";
	if (strcmp(text, want))
		printf("#   got:\n%s", text);
	CHECK(!strcmp(text, want));
	free(text);
	kx_dtb_free(&dtb);
}

/* ---- /chosen -------------------------------------------------------------- */

#define INITRD_START 0x48000000ULL
#define INITRD_END   0x48123456ULL

KX_TEST(set_chosen_reads_back_exactly)
{
	struct kx_dtb before, dtb;
	struct kx_error err = { 0 };
	uint8_t start[8], end[8];
	static const char *const uefi[] = { "linux,uefi-system-table", "linux,uefi-mmap-start",
		"linux,uefi-mmap-size", "linux,uefi-mmap-desc-size", "linux,uefi-mmap-desc-ver",
		"linux,uefi-secure-boot", "stdout-path" };

	init_rng();
	CHECK(load("uefi.dtb", &before) == 0);
	CHECK(load("uefi.dtb", &dtb) == 0);
	struct kx_dtb_chosen c = { .bootargs = "console=ttyAMA0 root=/dev/vda rw",
				   .initrd_start = INITRD_START, .initrd_end = INITRD_END,
				   .kaslr_seed = kaslr, .rng_seed = rng, .rng_seed_len = sizeof(rng) };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	CHECK(fdt_check_full(dtb.blob, kx_dtb_size(&dtb)) == 0);
	CHECK(prop_is(&dtb, "bootargs", "console=ttyAMA0 root=/dev/vda rw", 33));
	be64(start, INITRD_START);
	be64(end, INITRD_END);
	CHECK(prop_is(&dtb, "linux,initrd-start", start, 8));
	CHECK(prop_is(&dtb, "linux,initrd-end", end, 8));
	CHECK(prop_is(&dtb, "kaslr-seed", kaslr, 8));
	CHECK(prop_is(&dtb, "rng-seed", rng, 32));
	CHECK(has_rsv(dtb.blob, INITRD_START, INITRD_END - INITRD_START));
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 1);
	CHECK(absent(&dtb, "linux,elfcorehdr") && absent(&dtb, "linux,usable-memory-range"));
	/* the EFI stub's properties stay as they were */
	for (size_t i = 0; i < sizeof(uefi) / sizeof(uefi[0]); i++) {
		int len;
		const uint8_t *was = chosen_prop(&before, uefi[i], &len);
		CHECK(was);
		CHECK(prop_is(&dtb, uefi[i], was, len));
	}
	/* nothing outside /chosen changed */
	int chosen = fdt_path_offset(before.blob, "/chosen");
	CHECK(fdt_del_node(before.blob, chosen) == 0);
	CHECK(fdt_del_node(dtb.blob, fdt_path_offset(dtb.blob, "/chosen")) == 0);
	CHECK(same_tree(before.blob, dtb.blob));
	kx_dtb_free(&before);
	kx_dtb_free(&dtb);
}

KX_TEST(no_initrd_bootargs_or_seeds_removes_them)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	init_rng();
	CHECK(load("uefi.dtb", &dtb) == 0);
	struct kx_dtb_chosen c = { .bootargs = "quiet", .initrd_start = INITRD_START,
				   .initrd_end = INITRD_END, .kaslr_seed = kaslr,
				   .rng_seed = rng, .rng_seed_len = 32 };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	/* the next load (as from the kernel started with that tree) has none */
	struct kx_dtb_chosen none = { .bootargs = "" };
	CHECK(kx_dtb_set_chosen(&dtb, &none, &err) == 0);
	CHECK(absent(&dtb, "linux,initrd-start") && absent(&dtb, "linux,initrd-end"));
	CHECK(absent(&dtb, "bootargs") && absent(&dtb, "kaslr-seed") && absent(&dtb, "rng-seed"));
	/* and the old initrd's reservation went with it */
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 0);
	CHECK(chosen_prop(&dtb, "linux,uefi-system-table", &(int){ 0 }));
	kx_dtb_free(&dtb);
}

/* An incoming tree whose firmware put the initrd in 32-bit cells and
 * reserved it in whole pages, next to an unrelated reservation. */
static int old_initrd(void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int rc = fdt_setprop_u32(fdt, chosen, "linux,initrd-start", 0x44000000);
	if (!rc)
		rc = fdt_setprop_u32(fdt, chosen, "linux,initrd-end", 0x44000801);
	if (!rc)
		rc = fdt_add_mem_rsv(fdt, 0x44000000, 0x1000);
	if (!rc)
		rc = fdt_add_mem_rsv(fdt, 0x7f000000, 0x1000);
	return rc;
}

KX_TEST(old_initrd_reservation_is_dropped)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	CHECK(load_edited("uefi.dtb", &dtb, old_initrd) == 0);
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 2);
	struct kx_dtb_chosen c = { .bootargs = "x" };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 1);
	CHECK(has_rsv(dtb.blob, 0x7f000000, 0x1000));
	CHECK(absent(&dtb, "linux,initrd-start"));
	kx_dtb_free(&dtb);
}

static int lone_initrd_start(void *fdt)
{
	return fdt_setprop_u64(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start", 0x44000000);
}

KX_TEST(initrd_start_without_end_is_refused)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	CHECK(load_edited("uefi.dtb", &dtb, lone_initrd_start) == 0);
	struct kx_dtb_chosen c = { 0 };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK(!strcmp(err.message, "uefi.dtb: /chosen has linux,initrd-start but no linux,initrd-end"));
	kx_dtb_free(&dtb);
}

static void crash_map(struct kx_memmap *m)
{
	struct kx_error err = { 0 };
	m->count = 0;
	kx_memmap_add(m, 0x60000000, 0x70000000, KX_MEM_CRASH, &err);     /* 256 MiB */
	kx_memmap_add(m, 0x44000000, 0x44800000, KX_MEM_CRASH, &err);     /* a low one */
}

#define ELFCOREHDR 0x6ff00000ULL
#define ELFCOREHDR_SIZE 0x10400ULL

KX_TEST(crash_load_sets_ranges_with_the_roots_cells)
{
	static struct kx_memmap usable;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	uint8_t want[32];

	crash_map(&usable);
	CHECK(load("uefi.dtb", &dtb) == 0);     /* #address-cells = 2, #size-cells = 2 */
	struct kx_dtb_chosen c = { .bootargs = "console=ttyAMA0", .crash = true,
				   .elfcorehdr_addr = ELFCOREHDR, .elfcorehdr_size = ELFCOREHDR_SIZE,
				   .usable = &usable };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	be64(want, ELFCOREHDR);
	be64(want + 8, ELFCOREHDR_SIZE);
	CHECK(prop_is(&dtb, "linux,elfcorehdr", want, 16));
	be64(want, 0x60000000);
	be64(want + 8, 0x10000000);
	be64(want + 16, 0x44000000);
	be64(want + 24, 0x800000);
	CHECK(prop_is(&dtb, "linux,usable-memory-range", want, 32));
	CHECK(has_rsv(dtb.blob, ELFCOREHDR, ELFCOREHDR_SIZE));
	CHECK(prop_is(&dtb, "linux,uefi-mmap-start",
		      chosen_prop(&dtb, "linux,uefi-mmap-start", &(int){ 0 }), 8));

	/* a normal load from the kdump kernel's tree: all of it is stale */
	struct kx_dtb_chosen normal = { .bootargs = "console=ttyAMA0" };
	CHECK(kx_dtb_set_chosen(&dtb, &normal, &err) == 0);
	CHECK(absent(&dtb, "linux,elfcorehdr") && absent(&dtb, "linux,usable-memory-range"));
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 0);
	kx_dtb_free(&dtb);
}

static int cells_1_1(void *fdt)
{
	int rc = fdt_setprop_u32(fdt, 0, "#address-cells", 1);
	return rc ? rc : fdt_setprop_u32(fdt, 0, "#size-cells", 1);
}

static int cells_absent(void *fdt)
{
	int rc = fdt_delprop(fdt, 0, "#address-cells");
	return rc ? rc : fdt_delprop(fdt, 0, "#size-cells");
}

KX_TEST(crash_cells_follow_the_root)
{
	static struct kx_memmap usable;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	uint8_t want[24];

	crash_map(&usable);
	struct kx_dtb_chosen c = { .crash = true, .elfcorehdr_addr = ELFCOREHDR,
				   .elfcorehdr_size = ELFCOREHDR_SIZE, .usable = &usable };
	CHECK(load_edited("uefi.dtb", &dtb, cells_1_1) == 0);
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	be32(want, ELFCOREHDR);
	be32(want + 4, ELFCOREHDR_SIZE);
	CHECK(prop_is(&dtb, "linux,elfcorehdr", want, 8));
	be32(want, 0x60000000);
	be32(want + 4, 0x10000000);
	be32(want + 8, 0x44000000);
	be32(want + 12, 0x800000);
	CHECK(prop_is(&dtb, "linux,usable-memory-range", want, 16));
	kx_dtb_free(&dtb);

	/* without the properties: the spec's defaults, 2 and 1 */
	CHECK(load_edited("uefi.dtb", &dtb, cells_absent) == 0);
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	be64(want, ELFCOREHDR);
	be32(want + 8, ELFCOREHDR_SIZE);
	CHECK(prop_is(&dtb, "linux,elfcorehdr", want, 12));
	be64(want, 0x60000000);
	be32(want + 8, 0x10000000);
	be64(want + 12, 0x44000000);
	be32(want + 20, 0x800000);
	CHECK(prop_is(&dtb, "linux,usable-memory-range", want, 24));
	kx_dtb_free(&dtb);

	/* a crash region above 4 GiB cannot be said in one cell */
	CHECK(load_edited("uefi.dtb", &dtb, cells_1_1) == 0);
	usable.count = 0;
	kx_memmap_add(&usable, 0x100000000ULL, 0x110000000ULL, KX_MEM_CRASH, &err);
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK(!strcmp(err.message, "uefi.dtb: /chosen/linux,usable-memory-range: FDT_ERR_BADVALUE: "
		      "0x100000000+0x10000000 does not fit #address-cells = 1, #size-cells = 1"));
	/* the tree is still whole and can be freed */
	CHECK(fdt_check_full(dtb.blob, dtb.size) == 0 || fdt_check_header(dtb.blob) == 0);
	kx_dtb_free(&dtb);

	/* a crash load needs a crash region */
	CHECK(load("uefi.dtb", &dtb) == 0);
	usable.count = 0;
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_NO_CRASH_REGION);
	kx_dtb_free(&dtb);
}

KX_TEST(grows_beyond_the_original_size)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	char bootargs[3001];

	CHECK(load("uefi.dtb", &dtb) == 0);
	/* no free room at all: every edit must grow the buffer */
	size_t was = kx_dtb_size(&dtb);
	uint8_t *tight = realloc(dtb.blob, was);
	CHECK(tight);
	dtb.blob = tight;
	dtb.size = was;
	for (int i = 0; i < 3000; i++)
		bootargs[i] = (char)('a' + i % 26);
	bootargs[3000] = 0;
	init_rng();
	struct kx_dtb_chosen c = { .bootargs = bootargs, .kaslr_seed = kaslr, .rng_seed = rng,
				   .rng_seed_len = 32, .initrd_start = INITRD_START, .initrd_end = INITRD_END };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	CHECK(kx_dtb_size(&dtb) > was + 3000 - 64);
	CHECK(dtb.size >= kx_dtb_size(&dtb));
	CHECK(prop_is(&dtb, "bootargs", bootargs, 3001));
	CHECK(prop_is(&dtb, "rng-seed", rng, 32));
	CHECK(fdt_check_full(dtb.blob, kx_dtb_size(&dtb)) == 0);
	kx_dtb_free(&dtb);
}

static int no_chosen(void *fdt)
{
	return fdt_del_node(fdt, fdt_path_offset(fdt, "/chosen"));
}

KX_TEST(missing_chosen_is_created)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	CHECK(load_edited("virt.dtb", &dtb, no_chosen) == 0);
	CHECK(fdt_path_offset(dtb.blob, "/chosen") == -FDT_ERR_NOTFOUND);
	struct kx_dtb_chosen c = { .bootargs = "root=/dev/vda", .kaslr_seed = kaslr };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	CHECK(prop_is(&dtb, "bootargs", "root=/dev/vda", 14));
	CHECK(prop_is(&dtb, "kaslr-seed", kaslr, 8));
	kx_dtb_free(&dtb);

	/* and the ACPI boot's tree, which is nothing but /chosen */
	CHECK(load("uefi-acpi.dtb", &dtb) == 0);
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	CHECK(prop_is(&dtb, "bootargs", "root=/dev/vda", 14));
	CHECK(chosen_prop(&dtb, "linux,uefi-system-table", &(int){ 0 }));
	kx_dtb_free(&dtb);
}

/* ---- memory --------------------------------------------------------------- */

static int extra_memory(void *fdt)
{
	int a = fdt_add_subnode(fdt, 0, "memory@100000000");
	int rc = a < 0 ? a : fdt_setprop_string(fdt, a, "device_type", "memory");
	if (!rc) {
		rc = fdt_appendprop_addrrange(fdt, 0, a, "reg", 0x100000000ULL, 0x40000000);
		if (!rc)
			rc = fdt_appendprop_addrrange(fdt, 0, a, "reg", 0x180000000ULL, 0);   /* empty: skipped */
	}
	int b = rc ? rc : fdt_add_subnode(fdt, 0, "memory@200000000");
	rc = b < 0 ? b : fdt_setprop_string(fdt, b, "device_type", "memory");
	if (!rc)
		rc = fdt_appendprop_addrrange(fdt, 0, b, "reg", 0x200000000ULL, 0x40000000);
	if (!rc)
		rc = fdt_setprop_string(fdt, b, "status", "disabled");
	return rc;
}

static int bad_reg(void *fdt)
{
	return fdt_setprop_u32(fdt, fdt_path_offset(fdt, "/memory@40000000"), "reg", 0x40000000);
}

KX_TEST(memory_nodes)
{
	static struct kx_memmap m;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	CHECK(load("virt.dtb", &dtb) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 1);
	CHECK_EQ_U64(m.ranges[0].start, 0x40000000);
	CHECK_EQ_U64(m.ranges[0].end, 0x80000000);
	CHECK_EQ_U64(m.ranges[0].type, KX_MEM_RAM);
	kx_dtb_free(&dtb);

	CHECK(load("virt-gicv3.dtb", &dtb) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 1);
	CHECK_EQ_U64(m.ranges[0].end, 0xc0000000);
	kx_dtb_free(&dtb);

	/* the EFI stub keeps the memory node (the kernel uses the UEFI map) */
	CHECK(load("uefi.dtb", &dtb) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 1);
	kx_dtb_free(&dtb);

	/* an ACPI boot's tree has none: an empty answer, not an error */
	CHECK(load("uefi-acpi.dtb", &dtb) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);

	CHECK(load_edited("virt.dtb", &dtb, extra_memory) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 2);
	CHECK_EQ_U64(m.ranges[1].start, 0x100000000ULL);
	CHECK_EQ_U64(m.ranges[1].end, 0x140000000ULL);
	kx_dtb_free(&dtb);

	CHECK(load_edited("virt.dtb", &dtb, bad_reg) == 0);
	CHECK(kx_dtb_memory(&dtb, &m, &err) < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK(!strcmp(err.message, "virt.dtb: /memory@40000000/reg is 4 bytes, not a multiple of 16 "
		      "(#address-cells = 2, #size-cells = 2)"));
	kx_dtb_free(&dtb);
}

/* ---- reserved memory ------------------------------------------------------ */

/* A child of /reserved-memory: reg from `cells` (n 32-bit cells, none when
 * n < 0), and each of `props` ("name" or "name=value", string-valued). */
static int rsv_child(void *fdt, int rm, const char *name, const uint32_t *cells, int n,
		     const char *const *props)
{
	int node = fdt_add_subnode(fdt, rm, name);
	if (node < 0)
		return node;
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = fdt_appendprop_u32(fdt, node, "reg", cells[i]);
	if (rc == 0 && n == 0)
		rc = fdt_setprop(fdt, node, "reg", NULL, 0);
	for (; rc == 0 && props && *props; props++) {
		const char *eq = strchr(*props, '=');
		char prop[64];
		if (!eq) {
			rc = fdt_setprop(fdt, node, *props, NULL, 0);
			continue;
		}
		snprintf(prop, sizeof(prop), "%.*s", (int)(eq - *props), *props);
		rc = fdt_setprop_string(fdt, node, prop, eq + 1);
	}
	return rc;
}

static int reserved_memory_node(void *fdt, uint32_t ac, uint32_t sc)
{
	int rm = fdt_add_subnode(fdt, 0, "reserved-memory");
	int rc = rm < 0 ? rm : fdt_setprop_u32(fdt, rm, "#address-cells", ac);
	rc = rc ?: fdt_setprop_u32(fdt, rm, "#size-cells", sc);
	rc = rc ?: fdt_setprop(fdt, rm, "ranges", NULL, 0);
	return rc ? rc : rm;
}

/* Two /memreserve/ entries (only KX_DTB_RESERVED_ALL has them). */
static int two_memreserves(void *fdt)
{
	int rc = fdt_add_mem_rsv(fdt, 0xbfd00000, 0x100000);
	return rc ?: fdt_add_mem_rsv(fdt, 0x90000000, 0x1000);
}

/* #address-cells = #size-cells = 2, as on QEMU riscv virt: every kind of child */
static int reserved_2_2(void *fdt)
{
	static const char *const cma[] = { "compatible=shared-dma-pool", "reusable", "linux,cma-default", NULL };
	static const char *const nomap[] = { "no-map", NULL };
	static const char *const disabled[] = { "status=disabled", NULL };
	static const char *const okay[] = { "status=okay", NULL };
	static const char *const dynamic[] = { "compatible=shared-dma-pool", "reusable", NULL };
	int rc = two_memreserves(fdt);
	int rm = rc ? rc : reserved_memory_node(fdt, 2, 2);
	if (rm < 0)
		return rm;
	rc = rsv_child(fdt, rm, "mmode_resv0@80000000", (const uint32_t[]){ 0, 0x80000000, 0, 0x40000 }, 4, NULL);
	rc = rc ?: rsv_child(fdt, rm, "linux,cma", (const uint32_t[]){ 0, 0xa0000000, 0, 0x1000000 }, 4, cma);
	rc = rc ?: rsv_child(fdt, rm, "nomap@88000000", (const uint32_t[]){ 0, 0x88000000, 0, 0x100000 }, 4, nomap);
	rc = rc ?: rsv_child(fdt, rm, "off@89000000", (const uint32_t[]){ 0, 0x89000000, 0, 0x100000 }, 4, disabled);
	rc = rc ?: rsv_child(fdt, rm, "two@8a000000",
			     (const uint32_t[]){ 0, 0x8a000000, 0, 0x1000, 0, 0x8b000000, 0, 0x2000 }, 8, NULL);
	/* 12 bytes: not a whole entry of 16 */
	rc = rc ?: rsv_child(fdt, rm, "short@8c000000", (const uint32_t[]){ 0, 0x8c000000, 0x1000 }, 3, NULL);
	/* 20 bytes: one entry and a stray cell, all of it skipped */
	rc = rc ?: rsv_child(fdt, rm, "long@8c800000", (const uint32_t[]){ 0, 0x8c800000, 0, 0x1000, 0 }, 5, NULL);
	rc = rc ?: rsv_child(fdt, rm, "empty-reg", NULL, 0, NULL);
	rc = rc ?: rsv_child(fdt, rm, "dynamic", NULL, -1, dynamic);
	rc = rc ?: fdt_setprop(fdt, fdt_subnode_offset(fdt, rm, "dynamic"), "size",
			       (const fdt32_t[]){ cpu_to_fdt32(0), cpu_to_fdt32(0x400000) }, 8);
	rc = rc ?: rsv_child(fdt, rm, "zero@8d000000", (const uint32_t[]){ 0, 0x8d000000, 0, 0 }, 4, NULL);
	/* a zero-size entry among good ones: only it is skipped */
	rc = rc ?: rsv_child(fdt, rm, "mixed@8e000000",
			     (const uint32_t[]){ 0, 0x8e800000, 0, 0, 0, 0x8e000000, 0, 0x4000 }, 8, okay);
	/* above 4 GiB: both cells of the address count */
	rc = rc ?: rsv_child(fdt, rm, "high@100000000", (const uint32_t[]){ 1, 0, 0, 0x200000 }, 4, nomap);
	return rc;
}

/* #address-cells = #size-cells = 1, in a root with the same cells (the
 * kernel reads /reserved-memory only when its cells are the root's) */
static int reserved_1_1(void *fdt)
{
	static const char *const cma[] = { "compatible=shared-dma-pool", "reusable", NULL };
	static const char *const disabled[] = { "status=disabled", NULL };
	int rc = fdt_setprop_u32(fdt, 0, "#address-cells", 1);
	rc = rc ?: fdt_setprop_u32(fdt, 0, "#size-cells", 1);
	int rm = rc ? rc : reserved_memory_node(fdt, 1, 1);
	if (rm < 0)
		return rm;
	rc = rsv_child(fdt, rm, "mmode_resv0@80000000", (const uint32_t[]){ 0x80000000, 0x40000 }, 2, NULL);
	rc = rc ?: rsv_child(fdt, rm, "mmode_resv1@80040000", (const uint32_t[]){ 0x80040000, 0x20000 }, 2, NULL);
	rc = rc ?: rsv_child(fdt, rm, "cma@a0000000", (const uint32_t[]){ 0xa0000000, 0x1000000 }, 2, cma);
	rc = rc ?: rsv_child(fdt, rm, "off@89000000", (const uint32_t[]){ 0x89000000, 0x1000 }, 2, disabled);
	rc = rc ?: rsv_child(fdt, rm, "two@8a000000",
			     (const uint32_t[]){ 0x8a000000, 0x1000, 0x8b000000, 0x2000 }, 4, NULL);
	/* 12 bytes: one entry of 8 and a stray cell */
	rc = rc ?: rsv_child(fdt, rm, "short@8c000000", (const uint32_t[]){ 0x8c000000, 0x1000, 0 }, 3, NULL);
	rc = rc ?: rsv_child(fdt, rm, "zero@8d000000", (const uint32_t[]){ 0x8d000000, 0 }, 2, NULL);
	return rc;
}

/* #size-cells = 3: the kernel ignores the whole node */
static int reserved_size_cells_3(void *fdt)
{
	int rc = two_memreserves(fdt);
	int rm = rc ? rc : reserved_memory_node(fdt, 2, 3);
	if (rm < 0)
		return rm;
	return rsv_child(fdt, rm, "mmode_resv0@80000000",
			 (const uint32_t[]){ 0, 0x80000000, 0, 0, 0x40000 }, 5, NULL);
}

/* 1/1 cells under the 2/2 root: the kernel ignores the node (it reads
 * /reserved-memory only with the root's cells) */
static int reserved_cells_not_the_roots(void *fdt)
{
	int rm = reserved_memory_node(fdt, 1, 1);
	return rm < 0 ? rm : rsv_child(fdt, rm, "mmode_resv0@80000000", (const uint32_t[]){ 0x80000000, 0x40000 },
				       2, NULL);
}

/* no "ranges": ignored as well */
static int reserved_without_ranges(void *fdt)
{
	int rm = reserved_memory_node(fdt, 2, 2);
	int rc = rm < 0 ? rm : fdt_delprop(fdt, rm, "ranges");
	return rc ?: rsv_child(fdt, rm, "mmode_resv0@80000000", (const uint32_t[]){ 0, 0x80000000, 0, 0x40000 },
			       4, NULL);
}

/* an empty status is not "okay": that child is unavailable, its sibling not */
static int reserved_empty_status(void *fdt)
{
	static const char *const empty[] = { "status=", NULL };
	int rm = reserved_memory_node(fdt, 2, 2);
	int rc = rm < 0 ? rm : rsv_child(fdt, rm, "blank@81000000", (const uint32_t[]){ 0, 0x81000000, 0, 0x1000 },
					 4, empty);
	return rc ?: rsv_child(fdt, rm, "mmode_resv0@80000000", (const uint32_t[]){ 0, 0x80000000, 0, 0x40000 },
			       4, NULL);
}

/* `m` is exactly `want` (n [start, end) pairs, type KX_MEM_RESERVED, in order) */
static bool map_is(const struct kx_memmap *m, const uint64_t (*want)[2], unsigned int n)
{
	bool same = m->count == n;
	for (unsigned int i = 0; same && i < n; i++)
		same = m->ranges[i].start == want[i][0] && m->ranges[i].end == want[i][1] &&
		       m->ranges[i].type == KX_MEM_RESERVED;
	if (!same) {
		printf("#   got %u ranges:", m->count);
		for (unsigned int i = 0; i < m->count; i++)
			printf(" [0x%" PRIx64 ", 0x%" PRIx64 ") type %" PRIu32, m->ranges[i].start,
			       m->ranges[i].end, (uint32_t)m->ranges[i].type);
		printf("\n#   want %u ranges:", n);
		for (unsigned int i = 0; i < n; i++)
			printf(" [0x%" PRIx64 ", 0x%" PRIx64 ")", want[i][0], want[i][1]);
		printf("\n");
	}
	return same;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

KX_TEST(reserved_memory_kinds)
{
	static struct kx_memmap m;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	/* no /reserved-memory and no /memreserve/: empty, not an error */
	CHECK(load("riscv-virt.dtb", &dtb) == 0);
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 0);
	CHECK(fdt_path_offset(dtb.blob, "/reserved-memory") < 0);
	m.count = 99;
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	m.count = 99;
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);

	/* /memreserve/ alone: in ALL (sorted), not in NOT_REUSABLE */
	static const uint64_t memreserves[][2] = { { 0x90000000, 0x90001000 }, { 0xbfd00000, 0xbfe00000 } };
	CHECK(load_edited("riscv-virt.dtb", &dtb, two_memreserves) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK(map_is(&m, memreserves, N(memreserves)));
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);

	/* 2/2: the reusable CMA pool and the /memreserve/ entries only in ALL;
	 * no-map counts; disabled, malformed, reg-less, empty-reg and zero-size
	 * entries never */
	static const uint64_t all_2_2[][2] = {
		{ 0x80000000, 0x80040000 },    /* mmode_resv0 */
		{ 0x88000000, 0x88100000 },    /* no-map */
		{ 0x8a000000, 0x8a001000 },    /* two, first */
		{ 0x8b000000, 0x8b002000 },    /* two, second */
		{ 0x8e000000, 0x8e004000 },    /* mixed, its non-empty entry */
		{ 0x90000000, 0x90001000 },    /* /memreserve/ */
		{ 0xa0000000, 0xa1000000 },    /* linux,cma (reusable) */
		{ 0xbfd00000, 0xbfe00000 },    /* /memreserve/ */
		{ 0x100000000ULL, 0x100200000ULL },
	};
	static const uint64_t kept_2_2[][2] = {
		{ 0x80000000, 0x80040000 }, { 0x88000000, 0x88100000 }, { 0x8a000000, 0x8a001000 },
		{ 0x8b000000, 0x8b002000 }, { 0x8e000000, 0x8e004000 }, { 0x100000000ULL, 0x100200000ULL },
	};
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_2_2) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK(map_is(&m, all_2_2, N(all_2_2)));
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK(map_is(&m, kept_2_2, N(kept_2_2)));
	kx_dtb_free(&dtb);

	/* 1/1 */
	static const uint64_t all_1_1[][2] = {
		{ 0x80000000, 0x80040000 }, { 0x80040000, 0x80060000 }, { 0x8a000000, 0x8a001000 },
		{ 0x8b000000, 0x8b002000 }, { 0xa0000000, 0xa1000000 },
	};
	static const uint64_t kept_1_1[][2] = {
		{ 0x80000000, 0x80040000 }, { 0x80040000, 0x80060000 }, { 0x8a000000, 0x8a001000 },
		{ 0x8b000000, 0x8b002000 },
	};
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_1_1) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK(map_is(&m, all_1_1, N(all_1_1)));
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK(map_is(&m, kept_1_1, N(kept_1_1)));
	kx_dtb_free(&dtb);

	/* cells other than the root's, or no "ranges": the node is ignored */
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_cells_not_the_roots) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_without_ranges) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);
	/* status = "": unavailable (of_fdt_device_is_available) */
	static const uint64_t firmware_only[][2] = { { 0x80000000, 0x80040000 } };
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_empty_status) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK(map_is(&m, firmware_only, N(firmware_only)));
	kx_dtb_free(&dtb);

	/* #size-cells = 3: the node is ignored, the /memreserve/ block is not */
	CHECK(load_edited("riscv-virt.dtb", &dtb, reserved_size_cells_3) == 0);
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_ALL, &m, &err) == 0);
	CHECK(map_is(&m, memreserves, N(memreserves)));
	CHECK(kx_dtb_reserved(&dtb, KX_DTB_RESERVED_NOT_REUSABLE, &m, &err) == 0);
	CHECK_EQ_U64(m.count, 0);
	kx_dtb_free(&dtb);
}

/* ---- broken inputs -------------------------------------------------------- */

struct mangle {
	const char *name;
	size_t field;        /* offset of the u32 header field, or SIZE_MAX */
	uint32_t value;      /* new value; 0xffffffff: totalsize + 8 */
	size_t keep;         /* bytes of the file passed, 0: all */
	const char *error;   /* after "good.dtb: not a valid flattened device tree: ";
			      * a format with the file's size for each %zu */
};

KX_TEST(broken_inputs_name_the_rule)
{
	static const struct mangle cases[] = {
		{ "truncated to 20 bytes", SIZE_MAX, 0, 20,
		  "FDT_ERR_TRUNCATED (20 bytes, a header alone is 40)" },
		{ "truncated inside the structure block", SIZE_MAX, 0, 300,
		  "FDT_ERR_TRUNCATED (totalsize %zu but only 300 bytes)" },
		{ "bad magic", 0, 0x12345678, 0,
		  "FDT_ERR_BADMAGIC (magic 0x12345678, expected 0xd00dfeed)" },
		{ "totalsize larger than the file", 4, 0xffffffff, 0,
		  "FDT_ERR_TRUNCATED (totalsize %zu but only %zu bytes)" },
		{ "strings block past the end", 12, 0x10000, 0, "FDT_ERR_TRUNCATED (strings block at 0x10000, "
		  "0x263 bytes, is not between the header and totalsize 0x1ecb)" },
		{ "strings block inside the header", 12, 0x10, 0, "FDT_ERR_TRUNCATED (strings block at 0x10, "
		  "0x263 bytes, is not between the header and totalsize 0x1ecb)" },
		{ "structure block past the end", 36, 0x10000, 0, "FDT_ERR_TRUNCATED (structure block at 0x38, "
		  "0x10000 bytes, is not between the header and totalsize 0x1ecb)" },
		/* offset + size wraps in 32 bits: added in 64 */
		{ "structure block size huge", 36, 0xfffffff0, 0, "FDT_ERR_TRUNCATED (structure block at 0x38, "
		  "0xfffffff0 bytes, is not between the header and totalsize 0x1ecb)" },
		{ "structure block misaligned", 8, 0x3a, 0, "FDT_ERR_BADLAYOUT (structure block at 0x3a, "
		  "0x1c30 bytes, is not made of 4-byte tokens)" },
		{ "strings block inside the structure block", 12, 0x1c00, 0, "FDT_ERR_BADLAYOUT (structure block "
		  "0x38+0x1c30 and strings block 0x1c00+0x263 overlap)" },
		/* libfdt 1.6.1's fdt_check_full() takes these and then dereferences
		 * a NULL node name (SIGSEGV): they must never reach it. */
		{ "version 2", 20, 2, 0, "FDT_ERR_BADVERSION (version 2, last compatible version 2; kexec-ng "
		  "reads version 17 trees (last compatible 16 or 17))" },
		{ "version 3", 20, 3, 0, "FDT_ERR_BADVERSION (version 3, last compatible version 3; kexec-ng "
		  "reads version 17 trees (last compatible 16 or 17))" },
		{ "version 16", 20, 16, 0, "FDT_ERR_BADVERSION (version 16, last compatible version 16; kexec-ng "
		  "reads version 17 trees (last compatible 16 or 17))" },
		{ "version from the future", 20, 99, 0, "FDT_ERR_BADVERSION (version 99, last compatible version 99; "
		  "kexec-ng reads version 17 trees (last compatible 16 or 17))" },
		{ "reservation block misaligned", 16, 0x2c, 0,
		  "FDT_ERR_BADLAYOUT (memory reservation block at 0x2c is not 8-byte aligned)" },
		{ "reservation block running into the structure", 16, 0x80, 0,
		  "FDT_ERR_BADLAYOUT (memory reservation block at 0x80 (288 entries) overlaps the structure "
		  "or strings block)" },
		{ "reservation block without its end", 16, 0x1ec0, 0, "FDT_ERR_TRUNCATED (memory reservation "
		  "block at 0x1ec0 has no entry of size 0 (its end) before totalsize 0x1ecb)" },
		{ "reservation block inside the header", 16, 0x20, 0,
		  "FDT_ERR_BADLAYOUT (memory reservation block at 0x20 is not between the header and totalsize)" },
	};
	char path[1024], msg[512];
	size_t len;

	fixture(path, sizeof(path), "uefi.dtb");
	uint8_t *good = slurp(path, &len);
	CHECK(good);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mangle *m = &cases[i];
		struct kx_dtb dtb;
		struct kx_error err = { 0 };
		uint8_t *copy = malloc(len);
		CHECK(copy);
		memcpy(copy, good, len);
		if (m->field != SIZE_MAX) {
			uint32_t v = m->value == 0xffffffff ? (uint32_t)len + 8 : m->value;
			be32(copy + m->field, v);
			if (m->field == 20)
				be32(copy + 24, v);   /* last_comp_version too */
		}
		int rc = kx_dtb_from_bytes(copy, m->keep ? m->keep : len, "good.dtb", &dtb, &err);
		free(copy);
		char want[256];
		if (!strncmp(m->name, "totalsize", 9))
			snprintf(want, sizeof(want), m->error, len + 8, len);
		else
			snprintf(want, sizeof(want), m->error, len);
		snprintf(msg, sizeof(msg), "good.dtb: not a valid flattened device tree: %s", want);
		if (rc == 0 || strcmp(err.message, msg))
			printf("#   %s: got \"%s\"\n", m->name, rc == 0 ? "success" : err.message);
		CHECK(rc < 0);
		CHECK_EQ_U64(err.status, KX_E_INPUT);
		CHECK(!strcmp(err.message, msg));
		CHECK(dtb.blob == NULL);
	}

	/* a property whose name offset points past the strings block */
	uint8_t *copy = malloc(len);
	CHECK(copy);
	memcpy(copy, good, len);
	int prop = fdt_first_property_offset(copy, 0);
	CHECK(prop >= 0);
	uint32_t off_struct = fdt_off_dt_struct(copy);
	be32(copy + off_struct + (uint32_t)prop + 8, 0x7fff0000);   /* FDT_PROP, len, nameoff */
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	CHECK(kx_dtb_from_bytes(copy, len, "good.dtb", &dtb, &err) < 0);
	CHECK_CONTAINS(err.message, "good.dtb: not a valid flattened device tree: FDT_ERR_BADOFFSET (property at 0x");
	CHECK_CONTAINS(err.message, ": name offset 0x7fff0000 has no NUL-terminated name in the strings block");

	/* a property length near 2^32 (the fuzz campaign's slow tree: libfdt
	 * 1.6.1 took it as negative and spent 20 s in fdt_check_full) */
	memcpy(copy, good, len);
	be32(copy + off_struct + (uint32_t)prop + 4, 0xfffffff4);
	CHECK(kx_dtb_from_bytes(copy, len, "good.dtb", &dtb, &err) < 0);
	CHECK_CONTAINS(err.message, "FDT_ERR_TRUNCATED (property at 0x");
	CHECK_CONTAINS(err.message, ": length 0xfffffff4 runs past the structure block");
	/* an unknown token, an FDT_END_NODE too many, no FDT_END */
	memcpy(copy, good, len);
	be32(copy + off_struct + (uint32_t)prop, 7);
	CHECK(kx_dtb_from_bytes(copy, len, "good.dtb", &dtb, &err) < 0);
	CHECK_CONTAINS(err.message, "FDT_ERR_BADSTRUCTURE (token 0x00000007 at 0x");
	memcpy(copy, good, len);
	be32(copy + off_struct + (uint32_t)prop, FDT_END_NODE);
	be32(copy + off_struct + (uint32_t)prop + 4, FDT_END_NODE);
	CHECK(kx_dtb_from_bytes(copy, len, "good.dtb", &dtb, &err) < 0);
	CHECK_CONTAINS(err.message, "FDT_ERR_BADSTRUCTURE (FDT_END_NODE at 0x");
	memcpy(copy, good, len);
	uint32_t size_struct = fdt_size_dt_struct(copy);
	be32(copy + off_struct + size_struct - 4, FDT_NOP);
	CHECK(kx_dtb_from_bytes(copy, len, "good.dtb", &dtb, &err) < 0);
	CHECK_CONTAINS(err.message, "ends without FDT_END");
	free(copy);

	/* the --dtb file is named */
	char bad[] = "/tmp/kx-dtb-bad.XXXXXX";
	int fd = mkstemp(bad);
	CHECK(fd >= 0);
	CHECK(write(fd, "not a device tree, just text that is long enough", 49) == 49);
	close(fd);
	CHECK(kx_dtb_read(NULL, bad, &dtb, &err) < 0);
	unlink(bad);
	snprintf(msg, sizeof(msg), "--dtb %s: not a valid flattened device tree: FDT_ERR_BADMAGIC "
		 "(magic 0x6e6f7420, expected 0xd00dfeed)", bad);
	CHECK(!strcmp(err.message, msg));
	free(good);
}

/* Any byte of a good blob changed: either a clean refusal or a tree that
 * every function handles (ASan/UBSan builds make this a memory-safety test). */
KX_TEST(mangled_bytes_are_refused_or_handled)
{
	static struct kx_memmap m;
	char path[1024];
	size_t len;
	uint32_t lcg = 12345;

	fixture(path, sizeof(path), "uefi.dtb");
	uint8_t *good = slurp(path, &len);
	CHECK(good);
	uint8_t *copy = malloc(len);
	CHECK(copy);
	init_rng();
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, good, len);
		/* the header's 40 bytes one by one, then random places */
		size_t at = i < 40 * 4 ? (size_t)i / 4 : (lcg = lcg * 1103515245 + 12345) % len;
		static const uint8_t values[] = { 0x00, 0xff, 0x01, 0x80 };
		copy[at] = i < 40 * 4 ? values[i % 4] : (uint8_t)(lcg >> 16);
		struct kx_dtb dtb;
		struct kx_error err = { 0 };
		if (kx_dtb_from_bytes(copy, len, "m.dtb", &dtb, &err) < 0) {
			CHECK(err.status == KX_E_INPUT);
			CHECK_CONTAINS(err.message, "m.dtb: not a valid flattened device tree: FDT_ERR_");
			continue;
		}
		kx_dtb_memory(&dtb, &m, &err);
		struct kx_dtb_chosen c = { .bootargs = "x", .initrd_start = INITRD_START,
					   .initrd_end = INITRD_END, .rng_seed = rng, .rng_seed_len = 32 };
		if (kx_dtb_set_chosen(&dtb, &c, &err) == 0)
			CHECK(fdt_check_full(dtb.blob, kx_dtb_size(&dtb)) == 0);
		kx_dtb_free(&dtb);
	}
	free(copy);
	free(good);
}

/* ---- golden --------------------------------------------------------------- */

KX_TEST(golden_edited_uefi_tree)
{
	static struct kx_memmap usable;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	init_rng();
	CHECK(load("uefi.dtb", &dtb) == 0);
	struct kx_dtb_chosen c = { .bootargs = "console=ttyAMA0 root=/dev/vda rw",
				   .initrd_start = INITRD_START, .initrd_end = INITRD_END,
				   .kaslr_seed = kaslr, .rng_seed = rng, .rng_seed_len = 32 };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	char *text = dump(dtb.blob);
	CHECK(text);
	CHECK(kx_test_golden("dtb-uefi.dts", text));
	free(text);
	kx_dtb_free(&dtb);

	crash_map(&usable);
	CHECK(load("uefi.dtb", &dtb) == 0);
	struct kx_dtb_chosen k = { .bootargs = "console=ttyAMA0 reset_devices", .crash = true,
				   .elfcorehdr_addr = ELFCOREHDR, .elfcorehdr_size = ELFCOREHDR_SIZE,
				   .usable = &usable, .initrd_start = 0x6e000000, .initrd_end = 0x6e800000,
				   .kaslr_seed = kaslr, .rng_seed = rng, .rng_seed_len = 32 };
	CHECK(kx_dtb_set_chosen(&dtb, &k, &err) == 0);
	text = dump(dtb.blob);
	CHECK(text);
	CHECK(kx_test_golden("dtb-uefi-crash.dts", text));
	free(text);
	kx_dtb_free(&dtb);
}

/* QEMU riscv virt (1 GiB at 0x80000000, #address-cells = #size-cells = 2,
 * /chosen with QEMU's rng-seed and stdout-path, no /memreserve/) edited as
 * the riscv64 planner edits it: bootargs, the initrd, and fresh seeds
 * (test_riscv64.c checks that the planner's DTB is this very call's output,
 * with its own addresses and seeds). */
KX_TEST(golden_edited_riscv_virt_tree)
{
	static struct kx_memmap usable;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };

	init_rng();
	CHECK(load("riscv-virt.dtb", &dtb) == 0);
	CHECK_EQ_U64(fdt_num_mem_rsv(dtb.blob), 0);
	struct kx_dtb_chosen c = { .bootargs = "console=ttyS0 root=/dev/vda rw",
				   .initrd_start = 0x88000000, .initrd_end = 0x88123456,
				   .kaslr_seed = kaslr, .rng_seed = rng, .rng_seed_len = 32 };
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	char *text = dump(dtb.blob);
	CHECK(text);
	CHECK(kx_test_golden("dtb-riscv-virt.dts", text));
	free(text);
	kx_dtb_free(&dtb);

	/* a crash load into crashkernel=128M at 0xb0000000 plus a low region,
	 * in the kernel's order (crashk_res, then crashk_low_res) */
	usable.count = 0;
	kx_memmap_add(&usable, 0xb0000000, 0xb8000000, KX_MEM_CRASH, &err);
	kx_memmap_add(&usable, 0x8c000000, 0x8c800000, KX_MEM_CRASH, &err);
	CHECK(load("riscv-virt.dtb", &dtb) == 0);
	struct kx_dtb_chosen k = { .bootargs = "console=ttyS0 reset_devices", .crash = true,
				   .elfcorehdr_addr = 0xb7ff0000, .elfcorehdr_size = 0x10400,
				   .usable = &usable, .initrd_start = 0xb7000000, .initrd_end = 0xb7800000,
				   .kaslr_seed = kaslr, .rng_seed = rng, .rng_seed_len = 32 };
	CHECK(kx_dtb_set_chosen(&dtb, &k, &err) == 0);
	text = dump(dtb.blob);
	CHECK(text);
	CHECK(kx_test_golden("dtb-riscv-virt-crash.dts", text));
	free(text);
	kx_dtb_free(&dtb);
}

/* ---- the size cap (DTB_MAX_BYTES) and the nesting cap --------------------- */

/*
 * The root with one property `name` of `len` zero bytes, in a calloc'd
 * buffer of `bufsize`: only its two ends are ever written (the value's pages
 * stay untouched, so a 64 MiB tree costs almost nothing), and totalsize says
 * what the blocks use, as fdt_pack would. *ret_value: where the value is.
 */
static uint8_t *one_property_tree(const char *name, size_t len, size_t bufsize, void **ret_value)
{
	uint8_t empty[256];
	uint8_t *t = calloc(1, bufsize);
	if (!t || len > INT32_MAX || bufsize > INT32_MAX || fdt_create(empty, sizeof(empty)) ||
	    fdt_finish_reservemap(empty) || fdt_begin_node(empty, "") || fdt_end_node(empty) ||
	    fdt_finish(empty) || fdt_pack(empty) || fdt_open_into(empty, t, (int)bufsize) ||
	    fdt_setprop_placeholder(t, 0, name, (int)len, ret_value)) {
		free(t);
		return NULL;
	}
	fdt_set_totalsize(t, fdt_off_dt_strings(t) + fdt_size_dt_strings(t));
	return t;
}

/* How a tree of exactly `total` bytes is named and sized, when it is laid
 * out by `one_property_tree` (flat = false) or by the sequential-write
 * functions as /proc/device-tree is flattened (flat = true: its
 * reservation block is 16-byte aligned). The strings block is not padded,
 * so the name's length (1 to 4) sets what the 4-byte value padding cannot. */
static int one_property_layout(size_t total, bool flat, char *ret_name, size_t *ret_len)
{
	uint8_t small[512];
	void *value;
	for (size_t k = 1; k <= 4; k++) {
		memset(ret_name, 'p', k);
		ret_name[k] = 0;
		size_t empty;
		if (flat) {
			if (fdt_create(small, sizeof(small)) || fdt_finish_reservemap(small) ||
			    fdt_begin_node(small, "") || fdt_property(small, ret_name, NULL, 0) ||
			    fdt_end_node(small) || fdt_finish(small))
				return -1;
			empty = fdt_totalsize(small);
		} else {
			uint8_t *t = one_property_tree(ret_name, 0, 512, &value);
			if (!t)
				return -1;
			empty = fdt_totalsize(t);
			free(t);
		}
		if (total >= empty && (total - empty) % 4 == 0) {
			*ret_len = total - empty;
			return 0;
		}
	}
	return -1;
}

/* A valid tree of exactly `total` bytes (one_property_tree's). */
static uint8_t *tree_of_size(size_t total, void **ret_value)
{
	char name[8];
	size_t len;
	if (one_property_layout(total, false, name, &len) < 0)
		return NULL;
	uint8_t *t = one_property_tree(name, len, total, ret_value);
	if (t && fdt_totalsize(t) != total) {
		free(t);
		return NULL;
	}
	return t;
}

/* The tree of `total` bytes as a sparse file: the value is a hole. */
static int write_tree(const char *path, size_t total)
{
	uint8_t *value;
	uint8_t *t = tree_of_size(total, (void **)&value);
	FILE *f = fopen(path, "wb");
	size_t head = t ? (size_t)(value - t) : 0;
	int rc = t && f && fwrite(t, 1, head, f) == head ? 0 : -1;
	if (rc == 0) {
		size_t len = fdt32_ld((const fdt32_t *)(value - 8));   /* the property's len */
		size_t tail = total - head - len;
		rc = fseek(f, (long)len, SEEK_CUR) == 0 && fwrite(value + len, 1, tail, f) == tail ? 0 : -1;
	}
	if (f && fclose(f) != 0)
		rc = -1;
	free(t);
	return rc;
}

/* A blob file (--dtb, /sys/firmware/fdt) of exactly DTB_MAX_BYTES is read;
 * one byte more is refused while it is read, and by kx_dtb_from_bytes. */
KX_TEST(size_cap_of_a_blob)
{
	char dir[] = "/tmp/kx-dtb-cap.XXXXXX", path[64];
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/big.dtb", dir);

	CHECK(write_tree(path, DTB_MAX_BYTES) == 0);
	int rc = kx_dtb_read(NULL, path, &dtb, &err);
	if (rc < 0)
		printf("#   %s\n", err.message);
	CHECK(rc == 0);
	CHECK_EQ_U64(kx_dtb_size(&dtb), DTB_MAX_BYTES);
	kx_dtb_free(&dtb);

	CHECK(write_tree(path, DTB_MAX_BYTES + 1) == 0);
	CHECK(kx_dtb_read(NULL, path, &dtb, &err) < 0);
	unlink(path);
	rmdir(dir);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "big.dtb: more than 67108864 bytes (64 MiB), the most kexec-ng reads "
		       "of a device tree");

	void *value;
	uint8_t *t = tree_of_size(DTB_MAX_BYTES + 1, &value);
	CHECK(t);
	rc = kx_dtb_from_bytes(t, DTB_MAX_BYTES + 1, "blob", &dtb, &err);
	free(t);
	CHECK(rc < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "blob: 67108865 bytes, more than 67108864 (64 MiB)");
}

/* /proc/device-tree flattens to exactly DTB_MAX_BYTES: read; a name one
 * character longer makes it one byte more: refused. The property is a
 * sparse file. */
KX_TEST(size_cap_of_a_flattened_tree)
{
	char root[64], path[256], name[8];
	size_t len;
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	snprintf(root, sizeof(root), "/tmp/kx-dtb-cap.XXXXXX");
	CHECK(mkdtemp(root) && mkdirs(root, "proc/device-tree") == 0);
	CHECK(one_property_layout(DTB_MAX_BYTES, true, name, &len) == 0);

	snprintf(path, sizeof(path), "%s/proc/device-tree/%s", root, name);
	CHECK(write_file(path, "", 0) == 0 && truncate(path, (off_t)len) == 0);
	int rc = kx_dtb_read(root, NULL, &dtb, &err);
	if (rc < 0)
		printf("#   %s\n", err.message);
	CHECK(rc == 0);
	/* laid out again without the sequential-write functions' 16-byte
	 * alignment of the reservation block: 8 bytes less */
	CHECK(kx_dtb_size(&dtb) + 8 >= DTB_MAX_BYTES);
	kx_dtb_free(&dtb);

	char longer[300];
	snprintf(longer, sizeof(longer), "%sq", path);
	CHECK(rename(path, longer) == 0);
	rc = kx_dtb_read(root, NULL, &dtb, &err);
	rm_tree(root);
	CHECK(rc < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, "proc/device-tree: the flattened tree would be more than 67108864 bytes "
		       "(64 MiB), the most kexec-ng reads of a device tree");
}

/* /chosen edits that bring a tree to exactly DTB_MAX_BYTES are made; one
 * byte more is refused (the buffer grows up to the cap, not beyond). */
KX_TEST(size_cap_of_an_edited_tree)
{
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	const struct kx_dtb_chosen c = { .bootargs = "console=ttyAMA0" };

	/* what the edits add: measured on a small tree of the same shape */
	void *value;
	uint8_t *t = tree_of_size(4096, &value);
	CHECK(t && kx_dtb_from_bytes(t, 4096, "small", &dtb, &err) == 0);
	free(t);
	CHECK(kx_dtb_set_chosen(&dtb, &c, &err) == 0);
	size_t added = kx_dtb_size(&dtb) - 4096;
	kx_dtb_free(&dtb);
	CHECK(added > 0 && added < 1024);

	t = tree_of_size(DTB_MAX_BYTES - added, &value);
	CHECK(t && kx_dtb_from_bytes(t, DTB_MAX_BYTES - added, "at the cap", &dtb, &err) == 0);
	free(t);
	int rc = kx_dtb_set_chosen(&dtb, &c, &err);
	if (rc < 0)
		printf("#   %s\n", err.message);
	CHECK(rc == 0);
	CHECK_EQ_U64(kx_dtb_size(&dtb), DTB_MAX_BYTES);
	CHECK(prop_is(&dtb, "bootargs", "console=ttyAMA0", 16));
	kx_dtb_free(&dtb);

	t = tree_of_size(DTB_MAX_BYTES - added + 1, &value);
	CHECK(t && kx_dtb_from_bytes(t, DTB_MAX_BYTES - added + 1, "over the cap", &dtb, &err) == 0);
	free(t);
	rc = kx_dtb_set_chosen(&dtb, &c, &err);
	kx_dtb_free(&dtb);
	CHECK(rc < 0);
	CHECK_EQ_U64(err.status, KX_E_PLAN);
	CHECK_CONTAINS(err.message, "over the cap: the edited device tree would be more than 67108864 bytes "
		       "(64 MiB), the most kexec-ng builds");
}

/* /proc/device-tree nested 64 folders deep below the root (DTB_MAX_DEPTH,
 * dtb_fs.c) is flattened; 65 deep is refused. */
KX_TEST(depth_cap_of_proc_device_tree)
{
	char root[64], rel[256] = "proc/device-tree";
	struct kx_dtb dtb;
	struct kx_error err = { 0 };
	snprintf(root, sizeof(root), "/tmp/kx-dtb-depth.XXXXXX");
	CHECK(mkdtemp(root));
	for (int i = 0; i < 64; i++)
		strcat(rel, "/n");
	CHECK(mkdirs(root, rel) == 0);
	int rc = kx_dtb_read(root, NULL, &dtb, &err);
	if (rc < 0)
		printf("#   %s\n", err.message);
	CHECK(rc == 0);
	int node = fdt_path_offset(dtb.blob, rel + strlen("proc/device-tree"));
	kx_dtb_free(&dtb);
	CHECK(node > 0);

	strcat(rel, "/n");
	CHECK(mkdirs(root, rel) == 0);
	rc = kx_dtb_read(root, NULL, &dtb, &err);
	rm_tree(root);
	CHECK(rc < 0);
	CHECK_EQ_U64(err.status, KX_E_INPUT);
	CHECK_CONTAINS(err.message, ": nested deeper than 64 levels below the root, the kernel's FDT_MAX_DEPTH");
}

KX_TEST_MAIN(KX_CASE(reads_each_fixture), KX_CASE(uefi_fixture_is_what_the_stub_made),
	     KX_CASE(read_order_sys_firmware_fdt_then_proc_device_tree),
	     KX_CASE(flattened_proc_device_tree_equals_the_boot_fdt),
	     KX_CASE(flattening_keeps_a_name_that_differs),
	     KX_CASE(set_chosen_reads_back_exactly), KX_CASE(no_initrd_bootargs_or_seeds_removes_them),
	     KX_CASE(old_initrd_reservation_is_dropped), KX_CASE(initrd_start_without_end_is_refused),
	     KX_CASE(crash_load_sets_ranges_with_the_roots_cells), KX_CASE(crash_cells_follow_the_root),
	     KX_CASE(grows_beyond_the_original_size), KX_CASE(missing_chosen_is_created),
	     KX_CASE(memory_nodes), KX_CASE(reserved_memory_kinds), KX_CASE(broken_inputs_name_the_rule),
	     KX_CASE(mangled_bytes_are_refused_or_handled),
	     KX_CASE(golden_edited_uefi_tree), KX_CASE(golden_edited_riscv_virt_tree),
	     KX_CASE(size_cap_of_a_blob), KX_CASE(size_cap_of_a_flattened_tree),
	     KX_CASE(size_cap_of_an_edited_tree), KX_CASE(depth_cap_of_proc_device_tree))
