// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 back end: turns a described kernel into kexec_load segments.
 * Placement order matters (earlier segments constrain later ones):
 *   1. the kernel (fixed ELF pieces, or a relocatable bzImage bottom-up from
 *      max(1 MiB, pref_address), aligned to kernel_alignment, init_size big);
 *   2. the initrd top-down below initrd_addr_max (or 4 GiB when the kernel
 *      can take one above, falling back to anywhere);
 *   3. boot_params + command line + setup_data, one segment below 4 GiB
 *      when there is room (above it otherwise: a crashkernel=,high region
 *      with crashkernel=0,low, as kexec_file's bzImage64 loader allows);
 *   4. purgatory, which checks every other segment's SHA-256 and enters the
 *      kernel's 64-bit entry with RSI = boot_params.
 * A kernel entered in 32-bit protected mode (a bzImage that is not
 * relocatable, --entry-32bit, a 32-bit ELF) has every segment below 4 GiB:
 * the purgatory leaves long mode there, and the kernel gets 32-bit
 * addresses. What it is handed (k->args): boot_params (a Linux kernel), ELF
 * boot notes (--args-elf, the default of a 32-bit ELF, as in kexec-tools)
 * instead, or nothing (--args-none).
 */
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../dtb/dtb.h"
#include "../../formats/x86_setup.h"
#include "../../memmap/memmap.h"
#include "../../purgatory/purgatory.h"
#include "../../system/facts.h"
#include "../arch.h"
#include "../crash_plan.h"
#include "../placer.h"
#include "../../system/syscalls.h"
#include "boot_params.h"
#include "elf_boot_notes.h"
#include "multiboot_info.h"
#include "console.h"
#include "../../core/units.h"

#define KEXEC_ARCH_X86_64 (62UL << 16)

static int place_kernel(struct kx_placer *p, const struct kx_plan_ctx *ctx,
			const struct kx_kernel_desc *k, struct kx_plan *plan,
			uint64_t *ret_entry, struct kx_error *err)
{
	const char *name = ctx->kernel->path;
	char source[96];

	if (k->fixed) {
		for (unsigned int i = 0; i < k->nr_pieces; i++) {
			const struct kx_kernel_piece *piece = &k->pieces[i];
			/* a fixed bzImage keeps its init_size free, not only its bytes */
			uint64_t keep = k->nr_pieces == 1 && k->span > piece->memsz ? k->span : piece->memsz;
			if (k->protocol_header.size)
				snprintf(source, sizeof(source), "%s (not relocatable: code32_start)", name);
			else
				snprintf(source, sizeof(source), "%s PT_LOAD %u", name, i);
			if (kx_place_fixed(p, source, piece->paddr, keep, err) < 0)
				return -1;
			if (kx_plan_add(plan, "kernel", source, piece->bytes.data, piece->bytes.size,
					piece->paddr, kx_align_up(piece->memsz, KX_PAGE_SIZE), err) < 0)
				return -1;
		}
		*ret_entry = k->entry;
		return 0;
	}

	struct kx_hole_request rq = {
		.what = "kernel", .size = k->span, .align = k->align,
		.min = k->min_addr, .max = UINT64_MAX, .top_down = false,
	};
	/* boot.rst: only XLF_CAN_BE_LOADED_ABOVE_4G kernels may sit above 4 GiB */
	bool below_4g_only = !(kx_x86_setup_of(k->protocol_header).xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
	if (below_4g_only)
		rq.max = 4 * GiB - 1;
	uint64_t base;
	if (kx_place(p, rq, &base, err) < 0) {
		rq.max = UINT64_MAX;
		if (below_4g_only && ctx->opts->crash && kx_place_fits(p, rq))
			return kx_fail(err, KX_E_NO_CRASH_REGION,
				       "%s cannot be loaded above 4 GiB (xloadflags at 0x236 lacks "
				       "XLF_CAN_BE_LOADED_ABOVE_4G) and the crash kernel region has no room below "
				       "it: boot with crashkernel=SIZE (a region below 4 GiB) rather than ,high",
				       name);
		return -1;
	}
	if (kx_plan_add_kernel(plan, ctx, k, base, err) < 0)
		return -1;
	*ret_entry = base + k->entry;
	return 0;
}

static int place_initrd(struct kx_placer *p, const struct kx_plan_ctx *ctx,
			const struct kx_kernel_desc *k, struct kx_plan *plan,
			uint64_t *ret_addr, struct kx_error *err)
{
	const struct kx_file *initrd = ctx->initrd;
	struct kx_x86_setup setup = kx_x86_setup_of(k->protocol_header);
	uint64_t max = setup.initrd_addr_max ? setup.initrd_addr_max : 0x37ffffff;
	struct kx_hole_request rq = {
		.what = "initrd", .size = initrd->bytes.size, .align = KX_PAGE_SIZE,
		.min = MiB, .max = max, .top_down = true,
	};

	/* Below 4 GiB first: firmware and old tools expect it there. */
	if (setup.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)
		rq.max = UINT64_MAX;
	if (kx_place_prefer(p, rq, 4 * GiB - 1, ret_addr, err) < 0)
		return -1;
	return kx_plan_add(plan, "initrd", initrd->path, initrd->bytes.data, initrd->bytes.size,
			   *ret_addr, kx_align_up(initrd->bytes.size, KX_PAGE_SIZE), err);
}

/*
 * What a new kernel told of only some RAM must still know of the rest of
 * the machine: the firmware's ACPI tables and NVS (to read ACPI), reserved
 * ranges (to leave them alone) and persistent memory (kexec-tools keeps it
 * in a crash kernel's map too); then `map` sorted.
 */
static int add_firmware_ranges(const struct kx_facts *f, struct kx_memmap *map, struct kx_error *err)
{
	for (unsigned int i = 0; i < f->firmware_map.count; i++) {
		const struct kx_range *r = &f->firmware_map.ranges[i];
		if ((r->type == KX_MEM_ACPI || r->type == KX_MEM_NVS || r->type == KX_MEM_RESERVED ||
		     r->type == KX_MEM_PMEM || r->type == KX_MEM_PRAM) &&
		    kx_memmap_add(map, r->start, r->end, r->type, err) < 0)
			return -1;
	}
	kx_memmap_sort(map);
	return 0;
}

/*
 * The capture kernel's e820, as the kernel's kexec_file builds it
 * (crash_setup_memmap_entries): the first 640 KiB and the crash region(s) as
 * RAM, the ELF core header carved out of them and marked reserved, and the
 * firmware's ranges (add_firmware_ranges). Everything else of the crashed
 * kernel's memory stays untouched.
 */
static int crash_memory_map(const struct kx_facts *f, uint64_t hdr_addr, uint64_t hdr_size,
			    struct kx_memmap *ret, struct kx_error *err)
{
	uint64_t hdr_end = hdr_addr + kx_align_up(hdr_size, KX_PAGE_SIZE);

	/* every crash region (crashk_low_res too: the capture kernel's DMA
	 * memory) and the low 640 KiB as RAM, the header carved out */
	ret->count = 0;
	for (unsigned int i = 0; i < f->crash_regions.count; i++)
		if (kx_memmap_add(ret, f->crash_regions.ranges[i].start, f->crash_regions.ranges[i].end,
				  KX_MEM_RAM, err) < 0)
			return -1;
	if (kx_memmap_add(ret, 0, 0xa0000, KX_MEM_RAM, err) < 0 ||
	    kx_memmap_exclude(ret, hdr_addr, hdr_end, err) < 0 ||
	    kx_memmap_add(ret, hdr_addr, hdr_end, KX_MEM_RESERVED, err) < 0)
		return -1;
	return add_firmware_ranges(f, ret, err);
}

/*
 * Append `text` (text_len bytes) to the plan's command line, which must
 * stay within the new kernel's COMMAND_LINE_SIZE (it would cut the rest
 * silently): `what` says in the refusal what was added and why.
 */
static int append_cmdline(struct kx_plan *plan, const struct kx_plan_ctx *ctx, const char *text, size_t text_len,
			  const char *what, struct kx_error *err)
{
	size_t len = strlen(plan->cmdline), limit = ctx->arch->command_line_size - 1;

	if (len + text_len > limit)
		return kx_fail(err, KX_E_USAGE, "the command line is %zu bytes with %s, more than %zu: %s kernels "
			       "keep COMMAND_LINE_SIZE (%u) bytes with the NUL", len + text_len, what, limit,
			       ctx->arch->name, ctx->arch->command_line_size);
	memcpy(plan->cmdline + len, text, text_len + 1);
	return 0;
}

/* printf onto out[*len..size): *len counts what would have been written,
 * also past `size` (the caller refuses that length). */
static void put_text(char *out, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put_text(char *out, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	size_t at = *len < size ? *len : size;

	va_start(ap, fmt);
	int n = vsnprintf(out + at, size - at, fmt, ap);
	va_end(ap);
	*len += n > 0 ? (size_t)n : 0;
}

/*
 * --pass-memmap-cmdline (kexec-tools' cmdline_add_memmap): the crash memory
 * map as memmap= options, for a capture kernel whose boot_params carry the
 * machine's whole e820: memmap=exactmap makes it drop that table and take
 * only what follows (arch/x86/kernel/e820.c), in address order: RAM as
 * SIZE@START, ACPI data and NVS as SIZE#START, legacy persistent memory as
 * SIZE!START, all in KiB. Reserved ranges are left out (no memmap= form
 * gives the kernel anything to do with them), as is RAM under 100 KiB
 * (kexec-tools': not worth the room on the command line); an ACPI range's
 * end is rounded up to a KiB so the last bytes of its tables stay in.
 *
 * nokaslr first, which kexec-tools does not add: a KASLR kernel's
 * decompressor picks where to run from boot_params' e820 before the kernel
 * reads memmap= (arch/x86/boot/compressed/kaslr.c skips the SIZE@START
 * options), so with the whole map in that table it may land anywhere in
 * the crashed kernel's RAM, over the memory the dump is of (seen in QEMU:
 * Debian's 6.1 at 0x44c00000, its region at 0x6e000000). Without KASLR it
 * runs where it was loaded, in the crash region, in the room kept for it.
 * Returns the text's length (it may be longer than `size`); *ret_count the
 * memmap= options in it.
 */
#define MEMMAP_RAM_MIN_KIB 100

static size_t memmap_options(const struct kx_memmap *crash_map, char *out, size_t size, unsigned int *ret_count)
{
	size_t len = 0;
	unsigned int count = 1;

	out[0] = '\0';
	put_text(out, size, &len, " nokaslr memmap=exactmap");
	for (unsigned int i = 0; i < crash_map->count; i++) {
		const struct kx_range *r = &crash_map->ranges[i];
		uint64_t start_kib = r->start / 1024, end_kib = r->end / 1024;
		char kind;

		switch (r->type) {
		case KX_MEM_RAM: kind = '@'; break;
		case KX_MEM_ACPI: case KX_MEM_NVS: kind = '#'; end_kib = kx_align_up(r->end, 1024) / 1024; break;
		case KX_MEM_PRAM: kind = '!'; break;
		default: continue;
		}
		if (r->type == KX_MEM_RAM && end_kib - start_kib < MEMMAP_RAM_MIN_KIB)
			continue;
		put_text(out, size, &len, " memmap=%" PRIu64 "K%c%" PRIu64 "K", end_kib - start_kib, kind, start_kib);
		count++;
	}
	*ret_count = count;
	return len;
}

/*
 * A crash kernel's hand-off: the ELF core header in the region, its address
 * first on the command line (what kexec_file does: the capture kernel learns
 * it from elfcorehdr=), and the capture kernel's e820 (owned by the plan);
 * with --pass-memmap-cmdline that map goes on the command line instead and
 * *ret_e820 is NULL: boot_params gets the firmware's, as for a normal load.
 */
static int add_crash_handoff(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
			     struct kx_memmap **ret_e820, struct kx_error *err)
{
	uint64_t hdr_addr = 0, hdr_size = 0;

	if (kx_crash_add_elfcorehdr(plan, p, ctx, EM_X86_64, NULL, &hdr_addr, &hdr_size, err) < 0)
		return -1;
	if ((size_t)snprintf(plan->cmdline, sizeof(plan->cmdline), "elfcorehdr=0x%" PRIx64 " %s",
			     hdr_addr, ctx->opts->cmdline) >= sizeof(plan->cmdline))
		return kx_fail(err, KX_E_USAGE, "command line too long with elfcorehdr= added");
	struct kx_memmap *e820 = kx_plan_own(plan, malloc(sizeof(*e820)));
	if (!e820)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	*ret_e820 = e820;
	if (crash_memory_map(ctx->facts, hdr_addr, hdr_size, e820, err) < 0)
		return -1;
	if (!ctx->opts->pass_memmap_cmdline)
		return 0;
	*ret_e820 = NULL;
	char text[sizeof(plan->cmdline)], what[160];
	unsigned int count;
	size_t len = memmap_options(e820, text, sizeof(text), &count);
	snprintf(what, sizeof(what), "nokaslr and the %u memmap= options of --pass-memmap-cmdline added (the "
		 "capture kernel's memory map)", count);
	return append_cmdline(plan, ctx, text, len, what, err);
}

/*
 * kexec jump (--load-preserve-context, KEXEC_PRESERVE_CONTEXT). The kernel
 * enters the purgatory with a call (relocate_kernel_64.S), its return
 * address at 0(%rsp); the new kernel goes back through it by loading a
 * helper image entered there (--load-jump-back-helper). kexec-tools'
 * purgatory appends " kexec_jump_back_entry=0x<address>" to the command
 * line; here the loader puts the text in with 16 zero digits (the plan
 * shows it) and the purgatory writes the digits, after its check.
 *
 * The old kernel's memory must survive the new one: the kernel swaps the
 * old contents of every segment's destination out and back in on the way
 * back (swap_pages), so every page the new kernel may touch is made a
 * segment (kexec-tools' add_backup_segments: RAM from --mem-min to
 * --mem-max), and the new kernel is told of no other RAM (its e820).
 * kexec-tools leaves that last part to the user (memmap= on the command
 * line).
 */
#define JUMP_BACK_KEY " kexec_jump_back_entry=0x"
#define JUMP_BACK_TEXT JUMP_BACK_KEY "0000000000000000"

/* The RAM the new kernel may use: usable RAM within --mem-min..--mem-max,
 * whole pages. */
static int jump_ram(const struct kx_memmap *ram, const struct kx_plan_options *o, struct kx_memmap *ret,
		    struct kx_error *err)
{
	uint64_t lo = kx_align_up(o->mem_min, KX_PAGE_SIZE), hi = (o->mem_max + 1) & ~(uint64_t)(KX_PAGE_SIZE - 1);

	if (o->mem_max == UINT64_MAX)
		hi = UINT64_MAX & ~(uint64_t)(KX_PAGE_SIZE - 1);
	ret->count = 0;
	for (unsigned int i = 0; i < ram->count; i++) {
		uint64_t s = kx_align_up(ram->ranges[i].start, KX_PAGE_SIZE);
		uint64_t e = ram->ranges[i].end & ~(uint64_t)(KX_PAGE_SIZE - 1);
		if (s < lo) s = lo;
		if (e > hi) e = hi;
		if (s < e && kx_memmap_add(ret, s, e, KX_MEM_RAM, err) < 0)
			return -1;
	}
	kx_memmap_sort(ret);
	return 0;
}

/* Before boot_params: the command line's placeholder and the new kernel's
 * e820 (owned by the plan). */
static int jump_prepare(struct kx_plan *plan, const struct kx_plan_ctx *ctx, const struct kx_memmap *ram,
			struct kx_memmap **ret_e820, struct kx_error *err)
{
	const struct kx_facts *f = ctx->facts;
	struct kx_memmap *e820 = kx_plan_own(plan, malloc(sizeof(*e820)));

	if (!e820)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (jump_ram(ram, ctx->opts, e820, err) < 0)
		return -1;
	/* the trampoline the new kernel must have below 1 MiB (real mode
	 * code for its other CPUs; arch/x86/realmode/init.c panics without) */
	bool low = false;
	for (unsigned int i = 0; i < e820->count; i++)
		low = low || e820->ranges[i].start < MiB;
	if (!low)
		return kx_fail(err, KX_E_USAGE, "--load-preserve-context: no RAM below 1 MiB between --mem-min "
			       "0x%" PRIx64 " and --mem-max 0x%" PRIx64 ", and the new kernel needs some there "
			       "(its real-mode trampoline); lower --mem-min (kexec keeps that memory too)",
			       ctx->opts->mem_min, ctx->opts->mem_max);
	if (add_firmware_ranges(f, e820, err) < 0)
		return -1;
	*ret_e820 = e820;
	char what[128];
	snprintf(what, sizeof(what), "\"%s\" added (the kernel that is jumped to learns the way back from it)",
		 &JUMP_BACK_TEXT[1]);
	return append_cmdline(plan, ctx, JUMP_BACK_TEXT, sizeof(JUMP_BACK_TEXT) - 1, what, err);
}

/* Where the purgatory writes the return address: the digits of the last
 * placeholder in the boot_params segment (the command line is in it). */
static int jump_digits(const struct kx_plan *plan, uint64_t *ret, struct kx_error *err)
{
	const struct kx_segment *bp = &plan->segments[plan->nr_segments - 1];
	const uint8_t *found = NULL;

	for (uint64_t i = 0; i + sizeof(JUMP_BACK_TEXT) - 1 <= bp->bufsz; i++)
		if (!memcmp(bp->buf + i, JUMP_BACK_TEXT, sizeof(JUMP_BACK_TEXT) - 1))
			found = bp->buf + i;
	if (!found)
		return kx_fail(err, KX_E_PLAN, "kexec jump: the command line in boot_params lacks \"%s\"",
			       &JUMP_BACK_TEXT[1]);
	*ret = bp->mem + (uint64_t)(found - bp->buf) + sizeof(JUMP_BACK_KEY) - 1;
	return 0;
}

/* After the purgatory: every page of the new kernel's RAM that no segment
 * covers becomes a segment without data, which the kernel keeps. */
static int jump_keep(struct kx_plan *plan, const struct kx_memmap *e820, struct kx_error *err)
{
	struct kx_memmap keep, used;

	kx_memmap_select(e820, KX_MEM_RAM, &keep);
	used.count = 0;
	for (unsigned int i = 0; i < plan->nr_segments; i++)
		if (kx_memmap_add(&used, plan->segments[i].mem, plan->segments[i].mem + plan->segments[i].memsz,
				  KX_MEM_RAM, err) < 0)
			return -1;
	if (kx_memmap_subtract(&keep, &used, &keep, err) < 0)
		return -1;
	if (plan->nr_segments + keep.count > KX_SEGMENT_MAX)
		return kx_fail(err, KX_E_PLAN, "--load-preserve-context: the RAM up to --mem-max around the %u "
			       "segments takes %u more to keep, more than kexec_load's %d in all "
			       "(KEXEC_SEGMENT_MAX): choose a --mem-max (and --mem-min) with fewer holes",
			       plan->nr_segments, keep.count, KX_SEGMENT_MAX);
	for (unsigned int i = 0; i < keep.count; i++) {
		const struct kx_range *r = &keep.ranges[i];
		if (kx_plan_add(plan, "keep", "this kernel's memory", NULL, 0, r->start,
				r->end - r->start, err) < 0)
			return -1;
		plan->segments[plan->nr_segments - 1].preserved = true;
	}
	return 0;
}

/* boot_params, the command line and setup_data: one segment, below 4 GiB
 * when there is room (the 64-bit entry takes RSI anywhere, and the command
 * line's high half goes in ext_cmd_line_ptr). */
static int add_boot_params(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
			   const struct kx_kernel_desc *k, const struct kx_x86_boot_inputs *in,
			   uint64_t *ret_addr, struct kx_error *err)
{
	size_t bp_size = kx_x86_boot_params_size(ctx->facts, in);
	struct kx_hole_request bp_rq = { .what = "boot_params", .size = bp_size, .align = KX_PAGE_SIZE,
					 .min = MiB, .max = UINT64_MAX, .top_down = false };
	if (kx_place_prefer(p, bp_rq, 4 * GiB - 1, ret_addr, err) < 0)
		return -1;
	uint8_t *bp = kx_plan_own(plan, malloc(bp_size));
	if (!bp)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_x86_boot_params_build(ctx->facts, k, in, *ret_addr, bp, bp_size, err) < 0)
		return -1;
	return kx_plan_add(plan, "boot_params", "built: zero page, command line, setup_data",
			   bp, bp_size, *ret_addr, kx_align_up(bp_size, KX_PAGE_SIZE), err);
}

/* kexec-tools' ELF boot notes (--args-elf): a header, then the boot
 * loader's name and version and the command line as notes. */
static int add_elf_boot_notes(struct kx_plan *plan, struct kx_placer *p, const char *cmdline,
			      uint64_t *ret_addr, struct kx_error *err)
{
	size_t size = kx_elf_boot_notes_size(cmdline);
	struct kx_hole_request rq = { .what = "ELF boot notes", .size = size, .align = KX_PAGE_SIZE,
				      .min = MiB, .max = UINT64_MAX, .top_down = false };
	if (kx_place(p, rq, ret_addr, err) < 0)
		return -1;
	uint8_t *buf = kx_plan_own(plan, malloc(size));
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	kx_elf_boot_notes_build(cmdline, buf, size);
	return kx_plan_add(plan, "boot_notes", "built: boot loader name and version, command line",
			   buf, size, *ret_addr, kx_align_up(size, KX_PAGE_SIZE), err);
}

static int x86_64_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
			     struct kx_plan *plan, struct kx_error *err)
{
	const struct kx_facts *f = ctx->facts;
	const struct kx_plan_options *o = ctx->opts;
	struct kx_memmap ram;
	struct kx_placer p;
	uint64_t kernel_entry = 0, initrd_addr = 0, bp_addr = 0;

	if (k->multiboot) { /* its own plan: modules and boot information (multiboot_info.c) */
		if (ctx->opts->preserve_context)
			return kx_fail(err, KX_E_USAGE, "--load-preserve-context: a multiboot kernel is entered in "
				       "32-bit mode and cannot jump back (the return is into 64-bit code)");
		return kx_x86_multiboot_build_plan(ctx, k, plan, err);
	}
	if (kx_plan_ram(ctx, "/proc/iomem shows no \"System RAM\" (run as root) and /sys/firmware/memmap "
			"is empty", &ram, err) < 0 ||
	    kx_plan_begin(ctx, &ram, &p, plan, err) < 0)
		return -1;
	/* The 32-bit entry: the purgatory leaves long mode below 4 GiB, and
	 * the kernel is handed 32-bit addresses. */
	if (k->entry32 && p.mem_max > 4 * GiB - 1)
		p.mem_max = 4 * GiB - 1;
	if (ctx->initrd && (k->args == KX_ARGS_ELF || k->args == KX_ARGS_NONE))
		return kx_fail(err, KX_E_USAGE, "--initrd: %s carry no initrd (nobody would be told where it is); "
			       "give --args-linux to hand boot_params, or leave the initrd out",
			       k->args == KX_ARGS_ELF ? "ELF boot notes (--args-elf, a 32-bit ELF's default)" :
			       "no arguments (--args-none)");
	if (place_kernel(&p, ctx, k, plan, &kernel_entry, err) < 0)
		return -1;
	if (o->have_entry)
		kernel_entry = o->entry;
	if (k->entry32 && kernel_entry > 4 * GiB - 1)
		return kx_fail(err, KX_E_USAGE, "--entry=0x%" PRIx64 ": the 32-bit entry jumps to a 32-bit address",
			       kernel_entry);
	if (ctx->initrd && place_initrd(&p, ctx, k, plan, &initrd_addr, err) < 0)
		return -1;
	struct kx_memmap *crash_e820 = NULL;  /* the plan owns it: boot_params is built from it below */
	if (o->crash && add_crash_handoff(plan, &p, ctx, &crash_e820, err) < 0)
		return -1;
	struct kx_memmap *jump_e820 = NULL;   /* the same, for a kexec jump */
	if (o->preserve_context && jump_prepare(plan, ctx, &ram, &jump_e820, err) < 0)
		return -1;

	struct kx_x86_boot_inputs in = {
		.cmdline = plan->cmdline,
		.e820 = crash_e820 ? crash_e820 : jump_e820,
		.initrd_addr = initrd_addr,
		.initrd_size = ctx->initrd ? ctx->initrd->bytes.size : 0,
		.use_efi = f->efi && f->have_boot_params && !o->no_efi &&
			   (kx_x86_setup_of(k->protocol_header).xloadflags & XLF_EFI_KEXEC ||
			    !k->protocol_header.size),
		.random_seed = f->random,
		.dtb = ctx->dtb ? ctx->dtb->blob : NULL,
		.dtb_size = ctx->dtb ? (uint32_t)kx_dtb_size(ctx->dtb) : 0,
	};
	uint64_t notes_addr = 0;
	if (k->args == KX_ARGS_ELF) {
		if (add_elf_boot_notes(plan, &p, plan->cmdline, &notes_addr, err) < 0)
			return -1;
	} else if (k->args != KX_ARGS_NONE && add_boot_params(plan, &p, ctx, k, &in, &bp_addr, err) < 0) {
		return -1;
	}

	/* Purgatory last: its parameters hold every other segment's digest.
	 * Above the first MiB, below 4 GiB when there is room: entered in
	 * 64-bit mode on the kernel's identity map, it runs anywhere
	 * (RIP-relative), so a crash region only above 4 GiB takes it too. */
	struct kx_purgatory_params params;
	memset(&params, 0, sizeof(params));
	params.entry = kernel_entry;
	params.regs[0] = bp_addr;              /* RSI (ESI) = boot_params, or 0 */
	params.regs[1] = notes_addr;           /* 32-bit: [ESP+4] = ELF boot notes, or 0 */
	params.serial_port = o->serial;
	params.serial_baud = o->serial_baud;
	params.flags = (o->console_vga ? KX_PURGATORY_CONSOLE_VGA : 0) | (o->reset_vga ? KX_PURGATORY_RESET_VGA : 0) |
		       (k->entry32 ? KX_PURGATORY_ENTRY32 : 0);
	if (o->preserve_context) {
		/* the jumped-to kernel returns into long mode (relocate_kernel_64.S) */
		if (k->entry32)
			return kx_fail(err, KX_E_USAGE, "--load-preserve-context: a kernel entered in 32-bit mode cannot "
				       "jump back (the return is into 64-bit code); use its 64-bit entry");
		if (jump_digits(plan, &params.regs[2], err) < 0)
			return -1;
		params.flags |= KX_PURGATORY_JUMP_BACK;
	}
	if (kx_plan_finish(plan, &p, ctx, &params, MiB, 4 * GiB - 1, &ram, err) < 0)
		return -1;
	if (!o->preserve_context)
		return 0;
	if (jump_keep(plan, jump_e820, err) < 0)
		return -1;
	plan->flags |= KX_KEXEC_PRESERVE_CONTEXT;
	return kx_plan_check(plan, &ram, kx_memmap_total(&ram), err);
}

static const struct kx_format_ops *const x86_64_formats[] = {
	&kx_format_bzimage,
	/* multiboot kernels are ELF files too (Xen): before the ELF loaders;
	 * Multiboot2 first, as kexec-tools */
	&kx_format_multiboot2,
	&kx_format_multiboot,
	/* before the 64-bit ELF loader, which calls a 32-bit ELF broken */
	&kx_format_elf_x86,
	&kx_format_elf_vmlinux,
	/* recognised only to be refused by name */
	&kx_format_beoboot,
	&kx_format_nbi,
	NULL,
};

const struct kx_arch_ops kx_arch_x86_64 = {
	.name = "x86_64",
	.pc_console = true,
	.elf_machine = EM_X86_64,
	.pe_machine = 0x8664 /* IMAGE_FILE_MACHINE_AMD64 */,
	.kexec_arch_flag = KEXEC_ARCH_X86_64,
	.crash_hotplug_flag = KX_KEXEC_UPDATE_ELFCOREHDR,
	.command_line_size = 2048,  /* arch/x86/include/asm/setup.h; a bzImage's cmdline_size may say less */
	.kexec_jump = true,
	.memmap_cmdline = true,
	.formats = x86_64_formats,
	.build_plan = x86_64_build_plan,
	.purgatory_console = kx_x86_console,
	.boot_tree = kx_x86_boot_tree,
	.tree_source = kx_x86_tree_source,
	.help =
	"x86_64 options:\n"
	"      --command-line=STRING  same as --append\n"
	"      --serial=PORT          purgatory console: 16550 at I/O port (0x3f8, ttyS0..ttyS3)\n"
	"      --serial-baud=BAUD     the purgatory's serial speed: 115200 (the default) or a\n"
	"                             divisor of it from 9600 (kexec-tools' rule)\n"
	"      --console-serial       purgatory reports on --serial, by default ttyS0\n"
	"      --console-vga          purgatory also reports on the VGA text screen (0xb8000)\n"
	"      --reset-vga            purgatory sets a VGA card to 80x25 text (mode 3) first\n"
	"      --noefi                do not pass EFI information to the new kernel\n"
	"      --entry-32bit          enter a bzImage at its 32-bit entry (kexec_load only); a\n"
	"                             bzImage that is not relocatable always is, at its address\n"
	"      --args-linux           an ELF kernel gets boot_params (a 64-bit ELF's default)\n"
	"      --args-elf             a 32-bit ELF gets ELF boot notes (its default, as kexec-tools)\n"
	"      --args-none            an ELF kernel gets no arguments at all\n"
	"      --module=\"FILE ARGS\"  a multiboot kernel's module with its command line\n"
	"                             (repeatable, in order; Xen: dom0's kernel, then initrd)\n"
	"      --pass-memmap-cmdline  with -p: the capture kernel's memory as memmap=exactmap\n"
	"                             memmap=... on its command line (kexec_load only)\n"
	"      --reuse-video-type, --elf64-core-headers\n"
	"                             what kexec-ng always does (screen_info kept, ELF64 headers)\n"
	"  Refused with the reason (kexec(8), KEXEC-TOOLS OPTIONS):\n"
	"  --real-mode, --elf32-core-headers\n",
};
