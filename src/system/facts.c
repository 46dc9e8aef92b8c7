// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reads the running system's facts from /proc and /sys under a root folder.
 * This file and syscalls.c are the only code that looks at the live system;
 * tests point `root` at a fixture folder that imitates /proc and /sys.
 */
#include "facts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/bytes.h"
#include "../core/units.h"
#include "../elfcore/elfcore.h"

static int open_under(const char *root, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", strcmp(root, "/") ? root : "", rel);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Read up to size-1 bytes, NUL-terminate; returns the length or -1. */
int kx_read_text(const char *root, const char *rel, char *buf, size_t size)
{
	int fd = open_under(root, rel);
	size_t used = 0;

	if (fd < 0)
		return -1;
	while (used + 1 < size) {
		ssize_t n = read(fd, buf + used, size - 1 - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = 0;
	return (int)used;
}

static int read_u64(const char *root, const char *rel, uint64_t *ret)
{
	char buf[64], *end;
	if (kx_read_text(root, rel, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	*ret = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -1;
	return 0;
}

static void strip_newline(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

/* e820 type for the names /sys/firmware/memmap and /proc/iomem use. */
static uint32_t e820_type_of(const char *name)
{
	static const struct { const char *name; uint32_t type; } names[] = {
		{ "System RAM", KX_MEM_RAM },
		{ "Reserved", KX_MEM_RESERVED },
		{ "reserved", KX_MEM_RESERVED },
		{ "ACPI Tables", KX_MEM_ACPI },
		{ "ACPI Non-volatile Storage", KX_MEM_NVS },
		{ "Unusable memory", KX_MEM_UNUSABLE },
		{ "Persistent Memory (legacy)", KX_MEM_PRAM },
		{ "Persistent Memory", KX_MEM_PMEM },
		{ "Soft Reserved", KX_MEM_RESERVED },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].type;
	return 0;
}

static int cmp_index(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Numbered children of a folder ("0", "1", ...), sorted; returns the count or -1. */
static int numbered_entries(const char *root, const char *rel, int *ret, int max)
{
	char path[1024];
	int n = 0;
	snprintf(path, sizeof(path), "%s/%s", strcmp(root, "/") ? root : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end || v < 0)
			continue;
		if (n >= max) {
			closedir(d);
			return -2;
		}
		ret[n++] = (int)v;
	}
	closedir(d);
	qsort(ret, (size_t)n, sizeof(int), cmp_index);
	return n;
}

static int read_firmware_memmap(struct kx_facts *f, struct kx_error *err)
{
	static int idx[KX_MEMMAP_MAX + 1];
	int n = numbered_entries(f->root, "sys/firmware/memmap", idx, KX_MEMMAP_MAX);
	if (n == -2)
		return kx_fail(err, KX_E_SYSTEM, "%s/sys/firmware/memmap has more than %d entries, the most "
			       "kexec-ng reads", strcmp(f->root, "/") ? f->root : "", KX_MEMMAP_MAX);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		char rel[128], type[64];
		uint64_t start, end;
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/start", idx[i]);
		if (read_u64(f->root, rel, &start) < 0)
			goto bad;
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/end", idx[i]);
		if (read_u64(f->root, rel, &end) < 0 || end == UINT64_MAX || end < start)
			goto bad;
		snprintf(rel, sizeof(rel), "sys/firmware/memmap/%d/type", idx[i]);
		if (kx_read_text(f->root, rel, type, sizeof(type)) < 0)
			goto bad;
		strip_newline(type);
		uint32_t t = e820_type_of(type);
		if (!t)
			t = KX_MEM_RESERVED; /* unknown names are never handed out as RAM */
		if (kx_memmap_add(&f->firmware_map, start, end + 1, t, err) < 0)
			return -1;
		continue;
bad:
		return kx_fail(err, KX_E_SYSTEM, "/sys/firmware/memmap/%d: unreadable or malformed entry",
			       idx[i]);
	}
	kx_memmap_sort(&f->firmware_map);
	return 0;
}

/*
 * /proc/iomem: "start-end : name", nesting by two-space indentation. Only
 * root sees real addresses; others read zeros, which we treat as absent.
 */
static int read_iomem(struct kx_facts *f, bool fill_firmware_map, struct kx_error *err)
{
	char path[1024], line[256];
	snprintf(path, sizeof(path), "%s/proc/iomem", strcmp(f->root, "/") ? f->root : "");
	FILE *fp = fopen(path, "re");
	bool any_nonzero = false;

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end;
		int name_at = 0;
		char *p = line;
		bool top = line[0] != ' ';
		while (*p == ' ')
			p++;
		if (sscanf(p, "%llx-%llx : %n", &start, &end, &name_at) < 2 || !name_at)
			continue;
		char *name = p + name_at;
		strip_newline(name);
		if (end || start)
			any_nonzero = true;
		if (end < start || end == UINT64_MAX)
			continue;
		if (!top && !strcmp(name, "reserved")) {
			if (kx_memmap_add(&f->iomem_reserved, start, end + 1, KX_MEM_RESERVED, err) < 0)
				goto fail;
		} else if (!strcmp(name, "Crash kernel")) {
			if (kx_memmap_add(&f->crash_regions, start, end + 1, KX_MEM_CRASH, err) < 0)
				goto fail;
		} else if (top && !strcmp(name, "System RAM")) {
			if (kx_memmap_add(&f->iomem_ram, start, end + 1, KX_MEM_RAM, err) < 0)
				goto fail;
		}
		if (top && fill_firmware_map) {
			uint32_t t = e820_type_of(name);
			if (t && kx_memmap_add(&f->firmware_map, start, end + 1, t, err) < 0)
				goto fail;
		}
	}
	fclose(fp);
	if (!any_nonzero) {
		/* unprivileged view: addresses hidden */
		f->iomem_ram.count = 0;
		f->crash_regions.count = 0;
		f->iomem_reserved.count = 0;
		if (fill_firmware_map)
			f->firmware_map.count = 0;
	}
	kx_memmap_sort(&f->iomem_ram);
	kx_memmap_sort(&f->crash_regions);
	kx_memmap_sort(&f->firmware_map);
	return 0;
fail:
	fclose(fp);
	return -1;
}

int kx_facts_usable_ram(const struct kx_facts *f, struct kx_memmap *ret, struct kx_error *err)
{
	if (f->iomem_ram.count)
		kx_memmap_select(&f->iomem_ram, KX_MEM_RAM, ret);
	else
		kx_memmap_select(&f->firmware_map, KX_MEM_RAM, ret);
	/* A reserved range that cannot be cut out (the table would overflow)
	 * is an error: left in, it would be handed out as RAM. */
	for (unsigned int i = 0; i < f->iomem_reserved.count; i++)
		if (kx_memmap_exclude(ret, f->iomem_reserved.ranges[i].start, f->iomem_reserved.ranges[i].end,
				      err) < 0)
			return -1;
	return 0;
}

static int read_efi(struct kx_facts *f, struct kx_error *err)
{
	char buf[4096];

	if (kx_read_text(f->root, "sys/firmware/efi/systab", buf, sizeof(buf)) < 0 &&
	    kx_read_text(f->root, "sys/firmware/efi/fw_platform_size", buf, sizeof(buf)) < 0)
		return 0;
	f->efi = true;
	read_u64(f->root, "sys/firmware/efi/fw_vendor", &f->efi_fw_vendor);
	read_u64(f->root, "sys/firmware/efi/runtime", &f->efi_runtime);
	read_u64(f->root, "sys/firmware/efi/config_table", &f->efi_config_table);
	/* systab: "ACPI20=0x...\nACPI=0x...\nSMBIOS=..." (root only on recent kernels) */
	if (kx_read_text(f->root, "sys/firmware/efi/systab", buf, sizeof(buf)) > 0) {
		char *acpi20 = strstr(buf, "ACPI20="), *acpi = strstr(buf, "ACPI=");
		char *use = acpi20 ? acpi20 + 7 : acpi ? acpi + 5 : NULL;
		if (use)
			f->acpi_rsdp = strtoull(use, NULL, 0);
	}

	static int idx[KX_EFI_RUNTIME_MAX + 1];
	int n = numbered_entries(f->root, "sys/firmware/efi/runtime-map", idx, KX_EFI_RUNTIME_MAX);
	/* All or an error: the new kernel maps its runtime services from
	 * this list, and one left out would fault when it is called. (An
	 * entry whose files cannot be read is skipped: so they all are
	 * without root, for --dry-run.) */
	if (n == -2)
		return kx_fail(err, KX_E_SYSTEM, "%s/sys/firmware/efi/runtime-map has more than %d entries, "
			       "the most kexec-ng hands on", strcmp(f->root, "/") ? f->root : "",
			       KX_EFI_RUNTIME_MAX);
	for (int i = 0; i < n; i++) {
		struct kx_efi_runtime_entry *e = &f->efi_runtime_map[f->efi_runtime_count];
		char rel[128];
		uint64_t type = 0;
		bool ok = true;
#define FIELD(name, dst) \
		snprintf(rel, sizeof(rel), "sys/firmware/efi/runtime-map/%d/" name, idx[i]); \
		ok = ok && read_u64(f->root, rel, dst) == 0;
		FIELD("type", &type)
		FIELD("phys_addr", &e->phys_addr)
		FIELD("num_pages", &e->num_pages)
		FIELD("virt_addr", &e->virt_addr)
		FIELD("attribute", &e->attribute)
#undef FIELD
		if (ok) {
			e->type = (uint32_t)type;
			f->efi_runtime_count++;
		}
	}
	return 0;
}

static void read_lockdown(struct kx_facts *f)
{
	char buf[128];
	f->lockdown[0] = 0;
	if (kx_read_text(f->root, "sys/kernel/security/lockdown", buf, sizeof(buf)) < 0)
		return;
	char *open_br = strchr(buf, '['), *close_br = open_br ? strchr(open_br, ']') : NULL;
	if (open_br && close_br && close_br - open_br - 1 < (long)sizeof(f->lockdown)) {
		memcpy(f->lockdown, open_br + 1, (size_t)(close_br - open_br - 1));
		f->lockdown[close_br - open_br - 1] = 0;
	}
}

/* Xen's control domain (dom0): the hypervisor, not this kernel, does kexec
 * there (kexec-tools drives it through libxenctrl's hypercalls). A guest
 * (domU, HVM or PVH) kexecs itself like any machine. */
bool kx_xen_control_domain(const char *root)
{
	char buf[256];
	return kx_read_text(root, "proc/xen/capabilities", buf, sizeof(buf)) > 0 && strstr(buf, "control_d");
}

/* Whether the command line has `word` as a whole word (or word=...). */
static bool cmdline_has_word(const char *cmdline, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(cmdline, word); p; p = strstr(p + 1, word)) {
		bool starts = p == cmdline || p[-1] == ' ';
		bool ends = p[n] == 0 || p[n] == ' ' || p[n] == '=' || p[n] == '\n';
		if (starts && ends)
			return true;
	}
	return false;
}

int kx_retained_initrd(const struct kx_facts *f, struct kx_file *ret, struct kx_error *err)
{
	char path[600];
	struct stat st;
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	if (!cmdline_has_word(f->cmdline, "retain_initrd"))
		return kx_fail(err, KX_E_SYSTEM, "--reuseinitrd: the running kernel was not booted with retain_initrd "
			       "(/proc/cmdline), so it freed its initrd: add retain_initrd to its command line, or "
			       "give the initrd with --initrd");
	snprintf(path, sizeof(path), "%s/sys/firmware/initrd", strcmp(f->root, "/") ? f->root : "");
	if (stat(path, &st) < 0)
		return kx_fail_errno(err, KX_E_SYSTEM, errno, "--reuseinitrd: the running kernel kept its initrd "
				     "(retain_initrd) but does not show it in %s (Linux 6.8 and later show it there "
				     "when they booted with one)", path);
	/* bounded by the size the kernel gives the file (the initrd it kept),
	 * not by a constant of ours: more than it said is refused */
	if (kx_file_read_to_memfd(ret, path, (uint64_t)st.st_size, err) < 0) {
		kx_error_prefix(err, "--reuseinitrd: ");
		return -1;
	}
	return 0;
}

static void read_xen(struct kx_facts *f)
{
	f->xen_control_domain = kx_xen_control_domain(f->root);
}

static void read_spcr(struct kx_facts *f)
{
	char table[4096];   /* an SPCR table is 80-88 bytes */
	struct kx_error ignored = { 0 };
	int n = kx_read_text(f->root, "sys/firmware/acpi/tables/SPCR", table, sizeof(table));
	if (n > 0)
		kx_spcr_parse((struct kx_bytes){ (const uint8_t *)table, (size_t)n },
			      "/sys/firmware/acpi/tables/SPCR", &f->spcr, &ignored);
}

static int read_flag(const char *root, const char *rel)
{
	uint64_t v;
	return read_u64(root, rel, &v) < 0 ? -1 : (int)(v != 0);
}

/*
 * Entropy for the new kernel's seeds: getrandom() always on a live system.
 * A fixture folder (tests only) may state its own in kexec-ng-random so its
 * plans are reproducible; a file of that name under "/" is never read.
 */
static int read_random(struct kx_facts *f, bool fixture, struct kx_error *err)
{
	int fd = fixture ? open_under(f->root, "kexec-ng-random") : -1;
	if (fd >= 0) {
		ssize_t n = read(fd, f->random, sizeof(f->random));
		close(fd);
		if (n == (ssize_t)sizeof(f->random))
			return 0;
		return kx_fail(err, KX_E_SYSTEM, "%s/kexec-ng-random: need %zu bytes",
			       f->root, sizeof(f->random));
	}
	size_t got = 0;
	while (got < sizeof(f->random)) {
		ssize_t n = getrandom(f->random + got, sizeof(f->random) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kx_fail_errno(err, KX_E_SYSTEM, errno, "getrandom");
		}
		got += (size_t)n;
	}
	return 0;
}

static int facts_read(struct kx_facts *f, const char *root, bool fixture, struct kx_error *err)
{
	memset(f, 0, sizeof(*f));
	if (strlen(root) >= sizeof(f->root))
		return kx_fail(err, KX_E_USAGE, "root folder name too long");
	strcpy(f->root, root);

	if (read_firmware_memmap(f, err) < 0)
		return -1;
	f->firmware_map_from_iomem = f->firmware_map.count == 0;
	if (read_iomem(f, f->firmware_map_from_iomem, err) < 0)
		return -1;

	if (kx_read_text(root, "proc/cmdline", f->cmdline, sizeof(f->cmdline)) >= 0)
		strip_newline(f->cmdline);

	int fd = open_under(root, "sys/kernel/boot_params/data");
	if (fd >= 0) {
		ssize_t n = read(fd, f->boot_params, sizeof(f->boot_params));
		f->have_boot_params = n == (ssize_t)sizeof(f->boot_params);
		close(fd);
	}
	if (read_efi(f, err) < 0)
		return -1;
	read_spcr(f);
	if (!f->acpi_rsdp && f->have_boot_params) {
		/* boot_params.acpi_rsdp_addr @0x070, set by the boot loader when known */
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--)
			v = v << 8 | f->boot_params[0x70 + i];
		f->acpi_rsdp = v;
	}
	read_lockdown(f);
	read_xen(f);
	if (read_random(f, fixture, err) < 0)
		return -1;
	/* The page size is the running kernel's; a fixture folder states its own. */
	uint64_t page = 0;
	if (fixture)
		read_u64(root, "kexec-ng-page-size", &page);
	else
		page = (uint64_t)sysconf(_SC_PAGESIZE);
	f->page_size_kib = (unsigned int)(page / KiB);
	f->kexec_loaded = read_flag(root, "sys/kernel/kexec_loaded");
	f->kexec_crash_loaded = read_flag(root, "sys/kernel/kexec_crash_loaded");
	f->kexec_load_disabled = read_flag(root, "proc/sys/kernel/kexec_load_disabled");
	return 0;
}

int kx_facts_read(struct kx_facts *f, const char *root, struct kx_error *err)
{
	return facts_read(f, root, false, err);
}

int kx_facts_read_fixture(struct kx_facts *f, const char *root, struct kx_error *err)
{
	return facts_read(f, root, true, err);
}

/* ---- kdump facts (kx_crash_facts_read) ---- */

/* A whole file holding one number in `base`, surrounded by blanks only. */
static int read_number(const char *root, const char *rel, int base, uint64_t *ret)
{
	char buf[64], *end;
	errno = 0;
	if (kx_read_text(root, rel, buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, base);
	if (errno || end == buf || buf[0] == '-' || strspn(end, " \t\n") != strlen(end)) {
		errno = 0; /* malformed, not an I/O error */
		return -1;
	}
	*ret = v;
	return 0;
}

static int crash_fail(struct kx_error *err, const char *root, const char *rel, const char *what)
{
	const char *shown_root = strcmp(root, "/") ? root : "";
	if (errno)
		return kx_fail_errno(err, KX_E_SYSTEM, errno, "%s/%s: %s", shown_root, rel, what);
	return kx_fail(err, KX_E_SYSTEM, "%s/%s: %s", shown_root, rel, what);
}

/* "0-3,5,8-9" -> ascending CPU numbers; returns the count, -1 when it is
 * not such a list, -2 when it names a CPU numbered `max` or more. */
static int parse_cpu_list(const char *s, unsigned int *ret, unsigned int max)
{
	unsigned int n = 0;
	long long last = -1;
	while (*s && *s != '\n') {
		char *end;
		errno = 0;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;
		if (errno || end == s || *s == '-')
			return -1;
		s = end;
		if (*s == '-') {
			hi = strtoul(++s, &end, 10);
			if (errno || end == s || hi < lo)
				return -1;
			s = end;
		}
		if ((long long)lo <= last)
			return -1;
		if (hi >= max)
			return -2;
		for (unsigned long c = lo; c <= hi; c++)
			ret[n++] = (unsigned int)c;
		last = (long long)hi;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -1;
	}
	return (int)n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;
	return x < y ? -1 : x > y;
}

/* Every cpuN folder, ascending: for fixture trees without "possible". */
static int cpu_folders(const char *root, unsigned int *ret, unsigned int max)
{
	char path[1024];
	unsigned int n = 0;
	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu", strcmp(root, "/") ? root : "");
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "cpu", 3) || e->d_name[3] < '0' || e->d_name[3] > '9')
			continue;
		unsigned long v = strtoul(e->d_name + 3, &end, 10);
		if (*end)
			continue;
		if (n >= max || v >= max) {
			closedir(d);
			return -1;
		}
		ret[n++] = (unsigned int)v;
	}
	closedir(d);
	qsort(ret, n, sizeof(*ret), cmp_uint);
	return (int)n;
}

static bool folder_exists(const char *root, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", strcmp(root, "/") ? root : "", rel);
	DIR *d = opendir(path);
	if (d)
		closedir(d);
	return d != NULL;
}

static int read_cpu_notes(struct kx_crash_facts *f, const char *root, struct kx_error *err)
{
	/* The possible CPUs are listed into cpu_ids, which is then compacted
	 * in place to the CPUs that have a note (never ahead of the reading). */
	unsigned int *ids = f->cpu_ids;
	char buf[4096], rel[128];
	int n;

	char over_cap[128];
	snprintf(over_cap, sizeof(over_cap), "a CPU numbered %d or more: kexec-ng describes CPUs 0 to %d",
		 KX_CRASH_CPUS_MAX, KX_CRASH_CPUS_MAX - 1);
	int len = kx_read_text(root, "sys/devices/system/cpu/possible", buf, sizeof(buf));
	errno = 0;
	if (len == (int)sizeof(buf) - 1)   /* the list was cut: a CPU could be lost */
		return crash_fail(err, root, "sys/devices/system/cpu/possible", "longer than 4095 bytes");
	if (len >= 0) {
		n = parse_cpu_list(buf, ids, KX_CRASH_CPUS_MAX);
		if (n == -2)
			return crash_fail(err, root, "sys/devices/system/cpu/possible", over_cap);
		if (n < 0)
			return crash_fail(err, root, "sys/devices/system/cpu/possible", "not a CPU list");
	} else {
		n = cpu_folders(root, ids, KX_CRASH_CPUS_MAX);
		if (n < 0)
			return crash_fail(err, root, "sys/devices/system/cpu", over_cap);
	}
	f->nr_possible = (unsigned int)n;
	for (int i = 0; i < n; i++) {
		uint64_t addr, size;
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u", ids[i]);
		if (!folder_exists(root, rel))
			continue; /* possible but not present: sysfs has no folder */
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/crash_notes", ids[i]);
		if (read_number(root, rel, 16, &addr) < 0)
			return crash_fail(err, root, rel, "unreadable or not a hex address "
					  "(root and a kernel with CONFIG_CRASH_DUMP are needed)");
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/crash_notes_size", ids[i]);
		if (read_number(root, rel, 10, &size) < 0)
			return crash_fail(err, root, rel, "unreadable or not a decimal size");
		f->cpu_ids[f->nr_cpu_notes] = ids[i];
		f->cpu_notes[f->nr_cpu_notes++] = (struct kx_crash_note){ addr, size };
	}
	if (!f->nr_cpu_notes)
		return kx_fail(err, KX_E_SYSTEM, "%s/sys/devices/system/cpu: no CPU folders, so no "
			       "per-CPU crash notes", strcmp(root, "/") ? root : "");
	return 0;
}

static int read_vmcoreinfo(struct kx_crash_facts *f, const char *root, struct kx_error *err)
{
	static const char rel[] = "sys/kernel/vmcoreinfo";
	char buf[128], *end, *end2 = buf;

	errno = 0;
	if (kx_read_text(root, rel, buf, sizeof(buf)) < 0)
		return crash_fail(err, root, rel, "unreadable (root and a kernel with "
				  "CONFIG_VMCORE_INFO are needed)");
	/* "%pa %x\n": both hexadecimal, the address with 0x, the size without */
	errno = 0;
	unsigned long long addr = strtoull(buf, &end, 16), size = 0;
	if (!errno && end != buf && !strchr(buf, '-'))
		size = strtoull(end, &end2, 16);
	if (errno || !size || strspn(end2, " \n") != strlen(end2)) {
		errno = 0;
		return crash_fail(err, root, rel, "expected \"ADDR SIZE\" in hex");
	}
	f->vmcoreinfo = (struct kx_crash_note){ addr, size };
	return 0;
}

/*
 * /proc/kcore's program headers: the RAM ones map the linear map (p_paddr =
 * __pa(p_vaddr)), the text one the kernel image (p_paddr =
 * __pa_symbol(_text)); the others have p_paddr = -1. The linear map lies
 * below the kernel image on x86_64, arm64 and riscv64, so the RAM delta is
 * that of the lowest such header and the text is the highest one when its
 * delta differs.
 */
static void kcore_phdrs(struct kx_crash_facts *f, const struct kx_elfcore *kc)
{
	bool have_low = false, have_high = false;
	uint64_t low_vaddr = 0, low_delta = 0;
	struct kx_crash_text high = { 0, 0, 0 };
	for (unsigned int i = 0; i < kc->nr_loads; i++) {
		const struct kx_elfcore_load *l = &kc->loads[i];
		if (l->paddr == UINT64_MAX)
			continue;
		if (!have_low || l->vaddr < low_vaddr) {
			have_low = true;
			low_vaddr = l->vaddr;
			low_delta = l->vaddr - l->paddr;
		}
		if (!have_high || l->vaddr > high.vaddr) {
			have_high = true;
			high = (struct kx_crash_text){ l->vaddr, l->paddr, l->memsz };
		}
	}
	if (!have_low)
		return;
	f->have_linear_base = true;
	f->linear_base = low_delta;
	if (have_high && high.vaddr - high.paddr != low_delta) {
		f->have_kernel_text = true;
		f->kernel_text = high;
	}
}

/*
 * Only the ELF and program headers are read, through the ELF core reader
 * vmcore-dmesg uses (all of them, however many), not the notes: /proc/kcore
 * has no VMCOREINFO note before Linux 4.19, and the planner needs none.
 * Optional: any failure leaves the two facts unknown.
 */
static void read_kcore(struct kx_crash_facts *f, const char *root)
{
	struct kx_error ignored = { 0 };
	struct kx_elfcore kc;
	int fd = open_under(root, "proc/kcore");
	if (fd < 0)
		return;
	int r = kx_elfcore_read(&kc, "/proc/kcore", kx_elfcore_fd_reader(&fd), false, &ignored);
	close(fd);
	if (r < 0)
		return;
	kcore_phdrs(f, &kc);
	kx_elfcore_free(&kc);
}

int kx_crash_facts_read(struct kx_crash_facts *f, const char *root, struct kx_error *err)
{
	memset(f, 0, sizeof(*f));
	if (read_cpu_notes(f, root, err) < 0 || read_vmcoreinfo(f, root, err) < 0)
		return -1;
	read_kcore(f, root);
	if (read_number(root, "sys/kernel/crash_elfcorehdr_size", 0, &f->hotplug_elfcorehdr_size) < 0)
		f->hotplug_elfcorehdr_size = 0;
	return 0;
}

struct kx_crash_info kx_crash_info_of(const struct kx_facts *f, const struct kx_crash_facts *cf,
				      uint16_t e_machine, const struct kx_memmap *ram)
{
	return (struct kx_crash_info){
		.e_machine = e_machine,
		.cpu_notes = cf->cpu_notes, .nr_cpu_notes = cf->nr_cpu_notes,
		.vmcoreinfo = cf->vmcoreinfo,
		.kernel_text = cf->have_kernel_text ? &cf->kernel_text : NULL,
		.have_linear_base = cf->have_linear_base, .linear_base = cf->linear_base,
		.ram = ram, .exclude = &f->crash_regions,
	};
}
