/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System facts: everything the planner needs to know about the running
 * machine, read once from /proc and /sys under `root` (normally "/", a
 * fixture folder in tests). The planner sees only this struct.
 */
#ifndef KX_FACTS_H
#define KX_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "../core/error.h"
#include "../core/file.h"
#include "../crash/crash.h"
#include "../memmap/memmap.h"
#include "spcr.h"

#define KX_EFI_RUNTIME_MAX 256

struct kx_efi_runtime_entry {
	uint32_t type;
	uint64_t phys_addr;
	uint64_t num_pages;
	uint64_t virt_addr;
	uint64_t attribute;
};

struct kx_facts {
	char root[512];
	struct kx_memmap firmware_map;   /* /sys/firmware/memmap (or /proc/iomem) with e820 types */
	struct kx_memmap iomem_ram;      /* "System RAM" from /proc/iomem */
	struct kx_memmap crash_regions;  /* "Crash kernel" from /proc/iomem */
	struct kx_memmap iomem_reserved; /* "reserved" inside System RAM (firmware, UEFI runtime) */
	bool firmware_map_from_iomem;
	char cmdline[4096];              /* /proc/cmdline */
	bool have_boot_params;
	uint8_t boot_params[4096];       /* /sys/kernel/boot_params/data */
	bool efi;                        /* booted by EFI (/sys/firmware/efi exists) */
	uint64_t efi_fw_vendor, efi_runtime, efi_config_table, efi_systab;
	struct kx_efi_runtime_entry efi_runtime_map[KX_EFI_RUNTIME_MAX];
	unsigned int efi_runtime_count;
	uint64_t acpi_rsdp;              /* 0 when unknown */
	struct kx_spcr spcr;             /* /sys/firmware/acpi/tables/SPCR (root only); absent or
					  * broken: present = false (the console is a nicety) */
	char lockdown[32];               /* "none", "integrity", "confidentiality", "" unknown */
	bool xen_control_domain;         /* /proc/xen/capabilities says control_d (Xen dom0) */
	int kexec_loaded;                /* -1 unknown */
	int kexec_crash_loaded;
	int kexec_load_disabled;         /* the sysctl: 1 refuses every load until reboot; -1 unknown */
	unsigned int page_size_kib;      /* the running kernel's page size; 0 unknown */
	/* Entropy for seeds handed to the new kernel (RNG seed, KASLR seed):
	 * getrandom(); only kx_facts_read_fixture() takes a fixture folder's
	 * "kexec-ng-random" instead, so plans are reproducible in golden tests. */
	uint8_t random[64];
};

/* Read facts from `root` ("/" on a live system). Missing optional files are not errors. */
int kx_facts_read(struct kx_facts *ret, const char *root, struct kx_error *err);
/*
 * Test only (--x-test-root, unit tests): the same from a fixture folder
 * that imitates a machine, which may also state the seeds
 * ("kexec-ng-random", 64 bytes) and the page size ("kexec-ng-page-size")
 * so plans are reproducible. A live system never reads these files.
 */
int kx_facts_read_fixture(struct kx_facts *ret, const char *root, struct kx_error *err);

/*
 * --reuseinitrd: the initrd the running kernel kept because /proc/cmdline
 * has retain_initrd (kexec-tools' check), read from /sys/firmware/initrd
 * (Linux 6.8 and later) into a sealed memfd (a sysfs file cannot be
 * mapped). KX_E_SYSTEM names what is missing.
 */
int kx_retained_initrd(const struct kx_facts *f, struct kx_file *ret, struct kx_error *err);

/*
 * RAM a new image may be placed in: the kernel's view (/proc/iomem System
 * RAM, else the firmware map's RAM) minus what is reserved inside it.
 * Errors: KX_E_SYSTEM when cutting the reserved ranges out would need more
 * than KX_MEMMAP_MAX ranges.
 */
int kx_facts_usable_ram(const struct kx_facts *f, struct kx_memmap *ret, struct kx_error *err);

/* Is this Xen's control domain (dom0)? (proc/xen/capabilities under root) */
bool kx_xen_control_domain(const char *root);

/* Helpers shared by fact readers: read a small text file under root. */
int kx_read_text(const char *root, const char *rel, char *buf, size_t size);

/*
 * kdump facts, read only for -p (kx_crash_facts_read), under the same root:
 *   sys/devices/system/cpu/possible     "0-3" (else every cpuN folder)
 *   sys/devices/system/cpu/cpuN/crash_notes       physical address, hex
 *   sys/devices/system/cpu/cpuN/crash_notes_size  size, decimal
 *   sys/kernel/vmcoreinfo               "0xADDR SIZE", both hex
 *   proc/kcore                          only its program headers: the linear
 *                                       map and the kernel text mapping
 *   sys/kernel/crash_elfcorehdr_size    decimal: the room the kernel needs to
 *                                       rewrite the header on CPU or memory
 *                                       hotplug (CONFIG_CRASH_HOTPLUG, 6.6+)
 */
/* CPUs numbered 0 to KX_CRASH_CPUS_MAX - 1 get a note in the crash header:
 * the largest CONFIG_NR_CPUS of distribution kernels (x86_64's: 8192), so
 * the running kernel has no higher number; a higher one is an error, not a
 * dropped CPU. */
#define KX_CRASH_CPUS_MAX 8192

struct kx_crash_facts {
	/* One note per possible CPU that has a sysfs folder, in CPU order; a
	 * possible CPU that is not present has none (and no note address). */
	struct kx_crash_note cpu_notes[KX_CRASH_CPUS_MAX];
	unsigned int cpu_ids[KX_CRASH_CPUS_MAX]; /* N of cpuN for each note */
	unsigned int nr_cpu_notes;
	unsigned int nr_possible;        /* CPUs listed as possible */
	struct kx_crash_note vmcoreinfo;
	/* From /proc/kcore (root only; absent under lockdown or without
	 * CONFIG_PROC_KCORE): the RAM program headers' vaddr - paddr, and the
	 * text program header (vaddr = _text, paddr = __pa_symbol(_text)). */
	bool have_linear_base;
	uint64_t linear_base;
	bool have_kernel_text;
	struct kx_crash_text kernel_text;
	/* /sys/kernel/crash_elfcorehdr_size; 0 when the file is missing or is
	 * not a number (the kernel cannot rewrite a header: no crash hotplug) */
	uint64_t hotplug_elfcorehdr_size;
};

/*
 * Read the kdump facts under `root` ("/" on a live system). The struct is
 * large (~200 KiB): allocate it statically or on the heap.
 * Errors (KX_E_SYSTEM, naming the file): a possible CPU whose folder exists
 * but whose crash_notes or crash_notes_size is missing, unreadable or
 * malformed (the kernel lacks CONFIG_CRASH_DUMP, or we are not root); no
 * CPU folder at all; /sys/kernel/vmcoreinfo missing or malformed; more
 * than KX_CRASH_CPUS_MAX CPUs. A missing or unusable /proc/kcore is not an
 * error: have_linear_base and have_kernel_text stay false.
 */
int kx_crash_facts_read(struct kx_crash_facts *ret, const char *root, struct kx_error *err);

/* The ELF core header builder's inputs for the running kernel: its CPU
 * notes, VMCOREINFO, kernel text and linear map from `cf`, `ram` to
 * describe, and the crash regions of `f` left out. Points into both. */
struct kx_crash_info kx_crash_info_of(const struct kx_facts *f, const struct kx_crash_facts *cf,
				      uint16_t e_machine, const struct kx_memmap *ram);

#endif
