// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A Multiboot kernel's plan and boot information (see multiboot_info.h).
 * Multiboot v1's information structure (the specification's 3.3, with the
 * framebuffer fields of 0.6.96): flags @0, mem_lower @4, mem_upper @8,
 * boot_device @12, cmdline @16, mods_count @20, mods_addr @24, syms
 * @28..43, mmap_length @44, mmap_addr @48, drives @52/56, config_table @60,
 * boot_loader_name @64, apm_table @68, vbe @72..87, framebuffer_addr u64
 * @88, pitch @96, width @100, height @104, bpp u8 @108, type u8 @109,
 * color info @110..115; its memory map entries {u32 size (20), u64 base,
 * u64 length, u32 type}; its modules {mod_start, mod_end, cmdline, pad}.
 * Multiboot2's: u32 total_size, u32 reserved, then 8-aligned tags {u32
 * type, u32 size, ...}, ended by type 0 size 8.
 */
#include "multiboot_info.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/bytes.h"
#include "../../core/units.h"
#include "../../formats/multiboot.h"
#include "../../memmap/memmap.h"
#include "../../purgatory/purgatory_abi.h"
#include "../../system/facts.h"
#include "../placer.h"

#define MB1_INFO_SIZE 116
#define MB1_MEMORY (1u << 0)
#define MB1_CMDLINE (1u << 2)
#define MB1_MODS (1u << 3)
#define MB1_MEM_MAP (1u << 6)
#define MB1_BOOT_LOADER_NAME (1u << 9)
#define MB1_FRAMEBUFFER (1u << 12)
#define FB_TYPE_RGB 1
#define FB_TYPE_EGA_TEXT 2
#define VIDEO_TYPE_VLFB 0x23
#define VIDEO_TYPE_EFI 0x70
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

struct mb_framebuffer {
	bool present;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint8_t color[6];            /* RGB: red pos, size, green pos, size, blue pos, size */
};

struct mb_inputs {
	const struct kx_multiboot_header *h;
	const struct kx_memmap *map;     /* the firmware's */
	uint64_t mem_lower, mem_upper;   /* bytes */
	const char *cmdline;             /* image name + command line */
	uint64_t mod_start[KX_MODULES_MAX], mod_end[KX_MODULES_MAX];
	const struct kx_module *modules;
	unsigned int nr_modules;
	struct mb_framebuffer fb;
	uint64_t load_base;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* kexec-tools' rule (see multiboot_info.h), on exclusive ends. */
static void mem_lower_upper(const struct kx_memmap *map, uint64_t *ret_lower, uint64_t *ret_upper)
{
	*ret_lower = *ret_upper = 0;
	for (unsigned int i = 0; i < map->count; i++) {
		const struct kx_range *r = &map->ranges[i];
		if (r->type != KX_MEM_RAM)
			continue;
		if (r->start <= 64 * KiB && r->end > *ret_lower)
			*ret_lower = r->end < 640 * KiB ? r->end : 640 * KiB;
		if (r->start <= MiB && r->end > MiB + *ret_upper)
			*ret_upper = r->end - MiB;
	}
}

/* The framebuffer the image asked for, when one is known. */
static struct mb_framebuffer framebuffer(const struct kx_plan_ctx *ctx)
{
	const struct kx_plan_options *o = ctx->opts;
	const struct kx_facts *f = ctx->facts;
	struct mb_framebuffer fb = { 0 };

	if (o->console_vga || o->reset_vga) {
		/* the purgatory leaves (or sets) the VGA text screen */
		fb = (struct mb_framebuffer){ .present = true, .addr = 0xb8000, .pitch = 160, .width = 80,
					      .height = 25, .bpp = 16, .type = FB_TYPE_EGA_TEXT };
		return fb;
	}
	if (!f->have_boot_params)
		return fb;
	const uint8_t *si = f->boot_params;    /* screen_info at 0 */
	if (si[0x0f] != VIDEO_TYPE_VLFB && si[0x0f] != VIDEO_TYPE_EFI)
		return fb;
	struct kx_bytes b = { si, 0x40 };
	uint32_t base = 0, ext = 0, caps = 0;
	kx_le32(b, 0x18, &base);
	kx_le32(b, 0x36, &caps);
	kx_le32(b, 0x3a, &ext);
	fb.addr = base | (caps & VIDEO_CAPABILITY_64BIT_BASE ? (uint64_t)ext << 32 : 0);
	fb.width = le16(si + 0x12);
	fb.height = le16(si + 0x14);
	fb.bpp = (uint8_t)le16(si + 0x16);
	fb.pitch = le16(si + 0x24);
	fb.type = FB_TYPE_RGB;
	fb.color[0] = si[0x27];
	fb.color[1] = si[0x26];
	fb.color[2] = si[0x29];
	fb.color[3] = si[0x28];
	fb.color[4] = si[0x2b];
	fb.color[5] = si[0x2a];
	fb.present = fb.addr && fb.width && fb.height && fb.bpp;
	return fb;
}

static void put32(uint8_t *buf, size_t off, uint32_t v)
{
	if (buf)
		kx_put_le32(buf + off, v);
}

static void put_str(uint8_t *buf, size_t off, const char *s)
{
	if (buf)
		memcpy(buf + off, s, strlen(s) + 1);
}

/* Multiboot v1: write (buf) or size (buf NULL) the information at `base`. */
static size_t mb1_info(const struct mb_inputs *in, uint64_t base, uint8_t *buf)
{
	const struct kx_multiboot_header *h = in->h;
	uint32_t flags = MB1_CMDLINE | MB1_BOOT_LOADER_NAME;
	size_t pos = MB1_INFO_SIZE;

	put32(buf, 16, (uint32_t)(base + pos));
	put_str(buf, pos, in->cmdline);
	pos += strlen(in->cmdline) + 1;
	put32(buf, 64, (uint32_t)(base + pos));
	put_str(buf, pos, KX_MULTIBOOT_LOADER_NAME);
	pos = ALIGN8(pos + sizeof(KX_MULTIBOOT_LOADER_NAME));
	if (h->flags & KX_MB1_MEMORY_INFO) {
		flags |= MB1_MEMORY | MB1_MEM_MAP;
		put32(buf, 4, (uint32_t)(in->mem_lower >> 10));
		put32(buf, 8, (uint32_t)(in->mem_upper >> 10 > UINT32_MAX ? UINT32_MAX : in->mem_upper >> 10));
		put32(buf, 44, in->map->count * 24);
		put32(buf, 48, (uint32_t)(base + pos));
		for (unsigned int i = 0; i < in->map->count; i++, pos += 24) {
			const struct kx_range *r = &in->map->ranges[i];
			if (buf) {
				kx_put_le32(buf + pos, 20);
				kx_put_le64(buf + pos + 4, r->start);
				kx_put_le64(buf + pos + 12, r->end - r->start);
				kx_put_le32(buf + pos + 20, r->type);
			}
		}
	}
	if (in->nr_modules) {
		flags |= MB1_MODS;
		put32(buf, 20, in->nr_modules);
		put32(buf, 24, (uint32_t)(base + pos));
		size_t str = pos + 16 * in->nr_modules;
		for (unsigned int i = 0; i < in->nr_modules; i++, pos += 16) {
			put32(buf, pos, (uint32_t)in->mod_start[i]);
			put32(buf, pos + 4, (uint32_t)in->mod_end[i]);
			put32(buf, pos + 8, (uint32_t)(base + str));
			put32(buf, pos + 12, 0);
			put_str(buf, str, in->modules[i].cmdline);
			str += strlen(in->modules[i].cmdline) + 1;
		}
		pos = str;
	}
	if (h->video && in->fb.present) {
		flags |= MB1_FRAMEBUFFER;
		if (buf) {
			kx_put_le64(buf + 88, in->fb.addr);
			kx_put_le32(buf + 96, in->fb.pitch);
			kx_put_le32(buf + 100, in->fb.width);
			kx_put_le32(buf + 104, in->fb.height);
			buf[108] = in->fb.bpp;
			buf[109] = in->fb.type;
			if (in->fb.type == FB_TYPE_RGB)
				memcpy(buf + 110, in->fb.color, 6);
		}
	}
	put32(buf, 0, flags);
	return pos;
}

/* Multiboot2: one tag's header; returns the offset of the next tag. */
static size_t mb2_tag(uint8_t *buf, size_t pos, uint32_t type, size_t size)
{
	put32(buf, pos, type);
	put32(buf, pos + 4, (uint32_t)size);
	return pos + ALIGN8(size);
}

static size_t mb2_info(const struct mb_inputs *in, uint8_t *buf)
{
	const struct kx_multiboot_header *h = in->h;
	size_t pos = 8, n;

	put32(buf, pos + 8, (uint32_t)(in->mem_lower >> 10));
	put32(buf, pos + 12, (uint32_t)(in->mem_upper >> 10 > UINT32_MAX ? UINT32_MAX : in->mem_upper >> 10));
	pos = mb2_tag(buf, pos, KX_MB2_TAG_BASIC_MEMINFO, 16);
	n = 16 + 24 * (size_t)in->map->count;
	put32(buf, pos + 8, 24);     /* entry_size */
	put32(buf, pos + 12, 0);     /* entry_version */
	for (unsigned int i = 0; i < in->map->count; i++) {
		const struct kx_range *r = &in->map->ranges[i];
		if (buf) {
			uint8_t *e = buf + pos + 16 + 24 * i;
			kx_put_le64(e, r->start);
			kx_put_le64(e + 8, r->end - r->start);
			kx_put_le32(e + 16, r->type);
			kx_put_le32(e + 20, 0);
		}
	}
	pos = mb2_tag(buf, pos, KX_MB2_TAG_MMAP, n);
	if (h->relocatable) {
		put32(buf, pos + 8, (uint32_t)in->load_base);
		pos = mb2_tag(buf, pos, KX_MB2_TAG_LOAD_BASE_ADDR, 12);
	}
	put_str(buf, pos + 8, in->cmdline);
	pos = mb2_tag(buf, pos, KX_MB2_TAG_CMDLINE, 8 + strlen(in->cmdline) + 1);
	put_str(buf, pos + 8, KX_MULTIBOOT_LOADER_NAME);
	pos = mb2_tag(buf, pos, KX_MB2_TAG_BOOT_LOADER_NAME, 8 + sizeof(KX_MULTIBOOT_LOADER_NAME));
	for (unsigned int i = 0; i < in->nr_modules; i++) {
		put32(buf, pos + 8, (uint32_t)in->mod_start[i]);
		put32(buf, pos + 12, (uint32_t)in->mod_end[i]);
		put_str(buf, pos + 16, in->modules[i].cmdline);
		pos = mb2_tag(buf, pos, KX_MB2_TAG_MODULE, 16 + strlen(in->modules[i].cmdline) + 1);
	}
	if (h->video && in->fb.present) {
		n = in->fb.type == FB_TYPE_RGB ? 38 : 32;
		if (buf) {
			kx_put_le64(buf + pos + 8, in->fb.addr);
			kx_put_le32(buf + pos + 16, in->fb.pitch);
			kx_put_le32(buf + pos + 20, in->fb.width);
			kx_put_le32(buf + pos + 24, in->fb.height);
			buf[pos + 28] = in->fb.bpp;
			buf[pos + 29] = in->fb.type;
			if (in->fb.type == FB_TYPE_RGB)
				memcpy(buf + pos + 32, in->fb.color, 6);
		}
		pos = mb2_tag(buf, pos, KX_MB2_TAG_FRAMEBUFFER, n);
	}
	pos = mb2_tag(buf, pos, KX_MB2_TAG_END, 8);
	put32(buf, 0, (uint32_t)pos);
	put32(buf, 4, 0);
	return pos;
}

int kx_x86_multiboot_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
				struct kx_plan *plan, struct kx_error *err)
{
	const struct kx_plan_options *o = ctx->opts;
	const struct kx_facts *f = ctx->facts;
	const char *name = ctx->kernel->path;
	struct kx_multiboot_header h;
	struct kx_memmap ram;
	struct kx_placer p;
	struct mb_inputs in = { .h = &h, .map = &f->firmware_map, .modules = o->modules,
				.nr_modules = o->nr_modules };
	char source[160];

	if (kx_multiboot_find(k->protocol_header, k->multiboot, &h, err) <= 0)
		return -1;
	if (o->nr_modules > KX_MODULES_MAX)
		return kx_fail(err, KX_E_USAGE, "--module: %u given, at most %d", o->nr_modules, KX_MODULES_MAX);
	if (!f->firmware_map.count)
		return kx_fail(err, KX_E_SYSTEM, "no firmware memory map (/sys/firmware/memmap, /proc/iomem): "
			       "a multiboot kernel is handed one");
	if (h.version == 2 && h.console_required && !(h.console_ega && (o->console_vga || o->reset_vga)))
		return kx_fail(err, KX_E_USAGE, "%s: its multiboot2 console flags tag requires a console%s: give "
			       "--console-vga or --reset-vga (EGA text)", name,
			       h.console_ega ? "" : " and supports no EGA text, the only one kexec-ng can describe");
	if (kx_plan_ram(ctx, "/proc/iomem shows no \"System RAM\" (run as root) and /sys/firmware/memmap "
			"is empty", &ram, err) < 0 ||
	    kx_plan_begin(ctx, &ram, &p, plan, err) < 0)
		return -1;
	/* 32-bit protected mode: everything below 4 GiB */
	if (p.mem_max > 4 * GiB - 1)
		p.mem_max = 4 * GiB - 1;

	uint64_t base = UINT64_MAX;
	for (unsigned int i = 0; i < k->nr_pieces; i++) {
		const struct kx_kernel_piece *piece = &k->pieces[i];
		snprintf(source, sizeof(source), "%s (%s, fixed)", name, k->format);
		if (kx_place_fixed(&p, source, piece->paddr, piece->memsz, err) < 0 ||
		    kx_plan_add(plan, "kernel", source, piece->bytes.data, piece->bytes.size, piece->paddr,
				kx_align_up(piece->memsz, KX_PAGE_SIZE), err) < 0)
			return -1;
		if (piece->paddr < base)
			base = piece->paddr;
	}
	in.load_base = base;

	/* Modules: page aligned (v1 flags bit 0, v2 module alignment tag: both
	 * always honoured), top-down below 4 GiB, as kexec-tools. */
	for (unsigned int i = 0; i < o->nr_modules; i++) {
		const struct kx_file *m = o->modules[i].file;
		struct kx_hole_request rq = { .what = "module", .size = m->bytes.size ? m->bytes.size : 1,
					      .align = KX_PAGE_SIZE, .min = MiB, .max = 4 * GiB - 1,
					      .top_down = true };
		if (kx_place(&p, rq, &in.mod_start[i], err) < 0)
			return -1;
		in.mod_end[i] = in.mod_start[i] + m->bytes.size;
		snprintf(source, sizeof(source), "--module=\"%s\"", o->modules[i].cmdline);
		if (kx_plan_add(plan, "module", source, m->bytes.data, m->bytes.size, in.mod_start[i],
				kx_align_up(rq.size, KX_PAGE_SIZE), err) < 0)
			return -1;
	}

	/* kexec-tools: the image's name, then the command line */
	size_t cl = strlen(o->image_path) + 1 + strlen(plan->cmdline) + 1;
	char *cmdline = kx_plan_own(plan, malloc(cl));
	if (!cmdline)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	snprintf(cmdline, cl, "%s%s%s", o->image_path, plan->cmdline[0] ? " " : "", plan->cmdline);
	in.cmdline = cmdline;
	mem_lower_upper(in.map, &in.mem_lower, &in.mem_upper);
	if (h.video)
		in.fb = framebuffer(ctx);

	size_t size = h.version == 1 ? mb1_info(&in, 0, NULL) : mb2_info(&in, NULL);
	uint64_t info_addr;
	struct kx_hole_request rq = { .what = "multiboot information", .size = size, .align = KX_PAGE_SIZE,
				      .min = MiB, .max = 4 * GiB - 1, .top_down = false };
	if (kx_place(&p, rq, &info_addr, err) < 0)
		return -1;
	uint8_t *info = kx_plan_own(plan, calloc(1, size));
	if (!info)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (h.version == 1)
		mb1_info(&in, info_addr, info);
	else
		mb2_info(&in, info);
	snprintf(source, sizeof(source), "built: %s information, memory map, command line, %u module%s",
		 k->format, o->nr_modules, o->nr_modules == 1 ? "" : "s");
	if (kx_plan_add(plan, "boot info", source, info, size, info_addr,
			kx_align_up(size, KX_PAGE_SIZE), err) < 0)
		return -1;

	struct kx_purgatory_params params;
	memset(&params, 0, sizeof(params));
	params.entry = o->have_entry ? o->entry : k->entry;
	params.regs[2] = h.version == 1 ? KX_MB1_BOOTLOADER_MAGIC : KX_MB2_BOOTLOADER_MAGIC;  /* EAX */
	params.regs[3] = info_addr;                                                           /* EBX */
	params.serial_port = o->serial;
	params.serial_baud = o->serial_baud;
	params.flags = (o->console_vga ? KX_PURGATORY_CONSOLE_VGA : 0) | (o->reset_vga ? KX_PURGATORY_RESET_VGA : 0) |
		       KX_PURGATORY_ENTRY32;
	return kx_plan_finish(plan, &p, ctx, &params, MiB, 4 * GiB - 1, &ram, err);
}
