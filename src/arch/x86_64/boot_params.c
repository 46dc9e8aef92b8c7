// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot_params ("zero page") segment for a kexec_load of an x86_64
 * kernel. Layout of the segment, all in one so one hole suffices:
 *   +0      struct boot_params (4096 bytes)
 *   +4096   command line, NUL-terminated
 *   then    setup_data nodes, 16-byte aligned: E820_EXT (when the firmware
 *           map has more than 128 entries), EFI (+ runtime memory map),
 *           RNG_SEED; chained through hdr.setup_data by physical address.
 */
#include "boot_params.h"

#include <inttypes.h>
#include <string.h>

#include "../../core/bytes.h"
#include "../../formats/x86_setup.h"

#define ALIGN16(x) (((x) + 15) & ~(size_t)15)
#define SETUP_DATA_HDR 16     /* u64 next; u32 type; u32 len */
#define E820_ENTRY_LEN 20     /* u64 addr; u64 size; u32 type */
#define EFI_DESC_LEN 40       /* efi_memory_desc_t */
#define EFI_SETUP_LEN 96      /* struct efi_setup_data: fw_vendor, __unused, tables, smbios, reserved[8] */
#define EFI64_LOADER_SIGNATURE 0x34364c45u /* "EL64" */

static const struct kx_memmap *e820_of(const struct kx_facts *f, const struct kx_x86_boot_inputs *in)
{
	return in->e820 ? in->e820 : &f->firmware_map;
}

static size_t e820_ext_count(const struct kx_memmap *e820)
{
	return e820->count > BP_E820_MAX ? e820->count - BP_E820_MAX : 0;
}

static size_t cmdline_area(const struct kx_x86_boot_inputs *in)
{
	return ALIGN16(strlen(in->cmdline) + 1);
}

size_t kx_x86_boot_params_size(const struct kx_facts *f, const struct kx_x86_boot_inputs *in)
{
	size_t size = BP_SIZE + cmdline_area(in);
	if (e820_ext_count(e820_of(f, in)))
		size += ALIGN16(SETUP_DATA_HDR + e820_ext_count(e820_of(f, in)) * E820_ENTRY_LEN);
	if (in->use_efi)
		size += ALIGN16(SETUP_DATA_HDR + EFI_SETUP_LEN) +
			ALIGN16((size_t)f->efi_runtime_count * EFI_DESC_LEN);
	if (in->random_seed)
		size += ALIGN16(SETUP_DATA_HDR + RNG_SEED_LEN);
	if (in->dtb)
		size += ALIGN16(SETUP_DATA_HDR + (size_t)in->dtb_size);
	return size;
}

/* Fields the running kernel got from its firmware and the next one needs too. */
static void copy_firmware_fields(uint8_t *bp, const struct kx_facts *f)
{
	static const struct { size_t off, len; } fields[] = {
		{ BP_SCREEN_INFO, BP_SCREEN_INFO_LEN },
		{ BP_APM_BIOS_INFO, BP_APM_LEN },
		{ BP_IST_INFO, BP_IST_LEN },
		{ BP_SYS_DESC_TABLE, BP_SYS_DESC_LEN },
		{ BP_EDID_INFO, BP_EDID_LEN },
		{ BP_EDDBUF_ENTRIES, 2 },       /* eddbuf_entries, edd_mbr_sig_buf_entries */
		{ BP_SECURE_BOOT, 1 },
		{ BP_EDD_MBR_SIG_BUF, BP_EDD_MBR_SIG_LEN },
		{ BP_EDDBUF, BP_EDDBUF_LEN },
	};
	if (!f->have_boot_params)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		memcpy(bp + fields[i].off, f->boot_params + fields[i].off, fields[i].len);
}

/* A setup header for a kernel that brought none (ELF vmlinux). */
static void synthesize_header(uint8_t *bp)
{
	kx_put_le16(bp + BZ_BOOT_FLAG, 0xAA55);
	kx_put_le32(bp + BZ_HEADER_MAGIC, BZ_HDRS);
	kx_put_le16(bp + BZ_VERSION, 0x020f);
	bp[BZ_LOADFLAGS] = LOADED_HIGH;
	kx_put_le32(bp + BZ_KERNEL_ALIGNMENT, 0x200000);
	kx_put_le16(bp + BZ_XLOADFLAGS, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	kx_put_le32(bp + BZ_CMDLINE_SIZE, 2047);
	kx_put_le32(bp + BZ_INITRD_ADDR_MAX, 0x7fffffff);
}

static void put_e820(uint8_t *p, const struct kx_range *r)
{
	kx_put_le64(p, r->start);
	kx_put_le64(p + 8, r->end - r->start);
	kx_put_le32(p + 16, r->type);
}

struct setup_chain {
	uint8_t *buf;
	uint64_t addr;
	uint8_t *last_next;   /* where to patch the next pointer */
};

static uint8_t *add_setup_data(struct setup_chain *c, size_t *off, uint32_t type, uint32_t len)
{
	uint8_t *node = c->buf + *off;
	kx_put_le64(c->last_next, c->addr + *off);
	kx_put_le64(node, 0);
	kx_put_le32(node + 8, type);
	kx_put_le32(node + 12, len);
	c->last_next = node;
	*off += ALIGN16(SETUP_DATA_HDR + len);
	return node + SETUP_DATA_HDR;
}

/* The zero page's e820 table: the first 128 entries of the firmware's map
 * (or the crash kernel's); the rest go in E820_EXT setup_data. */
static void put_e820_table(uint8_t *buf, const struct kx_memmap *e820)
{
	unsigned int in_page = e820->count < BP_E820_MAX ? e820->count : BP_E820_MAX;
	buf[BP_E820_ENTRIES] = (uint8_t)in_page;
	for (unsigned int i = 0; i < in_page; i++)
		put_e820(buf + BP_E820_TABLE + i * E820_ENTRY_LEN, &e820->ranges[i]);
}

/*
 * efi_info: signature and system table of the running boot, the memory map
 * replaced by the runtime map (what the new kernel must keep mapped at the
 * same virtual addresses), which follows SETUP_EFI's setup_data.
 */
static void add_efi(struct setup_chain *chain, size_t *off, const struct kx_facts *f)
{
	uint8_t *ei = chain->buf + BP_EFI_INFO;
	memcpy(ei, f->boot_params + BP_EFI_INFO, 32);
	if (!f->have_boot_params)
		kx_put_le32(ei, EFI64_LOADER_SIGNATURE);
	uint8_t *d = add_setup_data(chain, off, SETUP_EFI, EFI_SETUP_LEN);
	kx_put_le64(d + 0, f->efi_fw_vendor);
	kx_put_le64(d + 8, f->efi_runtime);
	kx_put_le64(d + 16, f->efi_config_table);
	kx_put_le64(d + 24, 0); /* smbios: the kernel finds it in the config table */
	uint64_t map_addr = chain->addr + *off;
	uint8_t *map = chain->buf + *off;
	for (unsigned int i = 0; i < f->efi_runtime_count; i++) {
		const struct kx_efi_runtime_entry *e = &f->efi_runtime_map[i];
		uint8_t *desc = map + (size_t)i * EFI_DESC_LEN;
		kx_put_le32(desc, e->type);
		kx_put_le64(desc + 8, e->phys_addr);
		kx_put_le64(desc + 16, e->virt_addr);
		kx_put_le64(desc + 24, e->num_pages);
		kx_put_le64(desc + 32, e->attribute);
	}
	*off += ALIGN16((size_t)f->efi_runtime_count * EFI_DESC_LEN);
	kx_put_le32(ei + 8, EFI_DESC_LEN);                     /* efi_memdesc_size */
	kx_put_le32(ei + 12, 1);                                /* efi_memdesc_version */
	kx_put_le32(ei + 16, (uint32_t)map_addr);               /* efi_memmap */
	kx_put_le32(ei + 20, f->efi_runtime_count * EFI_DESC_LEN); /* efi_memmap_size */
	kx_put_le32(ei + 28, (uint32_t)(map_addr >> 32));       /* efi_memmap_hi */
}

/* The setup header: the kernel's own (copied), or one made up for a kernel
 * that has none (ELF vmlinux); then what the boot loader fills in. */
static int put_setup_header(uint8_t *buf, const struct kx_kernel_desc *k, const struct kx_x86_boot_inputs *in,
			    uint64_t addr, struct kx_error *err)
{
	if (k->protocol_header.size) {
		if (k->protocol_header.size > BP_SIZE - BZ_SETUP_HEADER)
			return kx_fail(err, KX_E_INPUT, "setup header of 0x%zx bytes does not fit boot_params",
				       k->protocol_header.size);
		memcpy(buf + BZ_SETUP_HEADER, k->protocol_header.data, k->protocol_header.size);
	} else {
		synthesize_header(buf);
	}
	buf[BZ_TYPE_OF_LOADER] = KX_LOADER_TYPE_KEXEC;
	kx_put_le64(buf + BZ_SETUP_DATA, 0);

	/* command line right after the zero page */
	uint64_t cmdline_addr = addr + BP_SIZE;
	memcpy(buf + BP_SIZE, in->cmdline, strlen(in->cmdline) + 1);
	kx_put_le32(buf + BZ_CMD_LINE_PTR, (uint32_t)cmdline_addr);
	kx_put_le32(buf + BP_EXT_CMD_LINE_PTR, (uint32_t)(cmdline_addr >> 32));

	kx_put_le32(buf + BZ_RAMDISK_IMAGE, (uint32_t)in->initrd_addr);
	kx_put_le32(buf + BZ_RAMDISK_SIZE, (uint32_t)in->initrd_size);
	kx_put_le32(buf + BP_EXT_RAMDISK_IMAGE, (uint32_t)(in->initrd_addr >> 32));
	kx_put_le32(buf + BP_EXT_RAMDISK_SIZE, (uint32_t)(in->initrd_size >> 32));
	return 0;
}

int kx_x86_boot_params_build(const struct kx_facts *f, const struct kx_kernel_desc *k,
			     const struct kx_x86_boot_inputs *in, uint64_t addr,
			     uint8_t *buf, size_t size, struct kx_error *err)
{
	size_t cmdline_len = strlen(in->cmdline);
	struct kx_x86_setup setup = kx_x86_setup_of(k->protocol_header);
	uint32_t cmdline_size = setup.cmdline_size ? setup.cmdline_size : 2047;

	if (size != kx_x86_boot_params_size(f, in))
		return kx_fail(err, KX_E_PLAN, "boot_params: buffer size mismatch");
	/* boot.rst: cmdline_size is the longest command line without the NUL. */
	if (cmdline_len > cmdline_size)
		return kx_fail(err, KX_E_USAGE,
			       "command line is %zu bytes; this kernel's setup header (cmdline_size at 0x238) "
			       "accepts at most %u", cmdline_len, cmdline_size);
	memset(buf, 0, size);
	copy_firmware_fields(buf, f);
	if (put_setup_header(buf, k, in, addr, err) < 0)
		return -1;
	kx_put_le64(buf + BP_ACPI_RSDP_ADDR, f->acpi_rsdp);

	const struct kx_memmap *e820 = e820_of(f, in);
	put_e820_table(buf, e820);
	struct setup_chain chain = { buf, addr, buf + BZ_SETUP_DATA };
	size_t off = BP_SIZE + cmdline_area(in);
	if (e820_ext_count(e820)) {
		size_t n = e820_ext_count(e820);
		uint8_t *d = add_setup_data(&chain, &off, SETUP_E820_EXT, (uint32_t)(n * E820_ENTRY_LEN));
		for (size_t i = 0; i < n; i++)
			put_e820(d + i * E820_ENTRY_LEN, &e820->ranges[BP_E820_MAX + i]);
	}
	if (in->use_efi)
		add_efi(&chain, &off, f);
	if (in->random_seed) {
		uint8_t *d = add_setup_data(&chain, &off, SETUP_RNG_SEED, RNG_SEED_LEN);
		memcpy(d, in->random_seed, RNG_SEED_LEN);
	}
	/* Only a kernel built with CONFIG_OF reads it (arch/x86/kernel/setup.c
	 * keeps its address, devicetree.c unflattens it); Debian's amd64
	 * kernels are not. 16-byte aligned here; a tree needs 8. */
	if (in->dtb) {
		uint8_t *d = add_setup_data(&chain, &off, SETUP_DTB, in->dtb_size);
		memcpy(d, in->dtb, in->dtb_size);
	}
	if (off != size)
		return kx_fail(err, KX_E_PLAN, "boot_params: built 0x%zx bytes, expected 0x%zx", off, size);
	return 0;
}
