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
#include <unistd.h>

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
		return kx_fail(err, KX_E_SYSTEM, "/sys/firmware/memmap has more than %d entries",
			       KX_MEMMAP_MAX);
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

void kx_facts_usable_ram(const struct kx_facts *f, struct kx_memmap *ret)
{
	if (f->iomem_ram.count)
		kx_memmap_select(&f->iomem_ram, KX_MEM_RAM, ret);
	else
		kx_memmap_select(&f->firmware_map, KX_MEM_RAM, ret);
	/* Never fails: excluding only removes or splits, and a split that
	 * would overflow the table is dropped with the range kept intact. */
	for (unsigned int i = 0; i < f->iomem_reserved.count; i++) {
		struct kx_memmap copy = *ret;
		if (kx_memmap_exclude(&copy, f->iomem_reserved.ranges[i].start,
				      f->iomem_reserved.ranges[i].end, NULL) == 0)
			*ret = copy;
	}
}

static void read_efi(struct kx_facts *f)
{
	char buf[4096];

	if (kx_read_text(f->root, "sys/firmware/efi/systab", buf, sizeof(buf)) < 0 &&
	    kx_read_text(f->root, "sys/firmware/efi/fw_platform_size", buf, sizeof(buf)) < 0)
		return;
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

static int read_flag(const char *root, const char *rel)
{
	uint64_t v;
	return read_u64(root, rel, &v) < 0 ? -1 : (int)(v != 0);
}

static int read_random(struct kx_facts *f, struct kx_error *err)
{
	int fd = open_under(f->root, "kexec-ng-random");
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

int kx_facts_read(struct kx_facts *f, const char *root, struct kx_error *err)
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
	read_efi(f);
	if (!f->acpi_rsdp && f->have_boot_params) {
		/* boot_params.acpi_rsdp_addr @0x070, set by the boot loader when known */
		uint64_t v = 0;
		for (int i = 7; i >= 0; i--)
			v = v << 8 | f->boot_params[0x70 + i];
		f->acpi_rsdp = v;
	}
	read_lockdown(f);
	if (read_random(f, err) < 0)
		return -1;
	/* The page size is the running kernel's; a fixture folder states its own. */
	uint64_t page = 0;
	if (strcmp(root, "/"))
		read_u64(root, "kexec-ng-page-size", &page);
	else
		page = (uint64_t)sysconf(_SC_PAGESIZE);
	f->page_size_kib = (unsigned int)(page / 1024);
	f->kexec_loaded = read_flag(root, "sys/kernel/kexec_loaded");
	f->kexec_crash_loaded = read_flag(root, "sys/kernel/kexec_crash_loaded");
	return 0;
}
