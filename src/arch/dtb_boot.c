// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner for kernels booted with a device tree (arm64, riscv64): one
 * implementation, each architecture's differences in struct kx_dtb_boot_rules.
 * Placement, each rule checked where it is made:
 *   kernel  at a 2 MiB-aligned base (+ text_offset on arm64), span bytes free;
 *   initrd  inside the window the architecture requires (arm64: the 1 GiB-
 *           aligned 32 GiB window that covers the kernel);
 *   DTB     8-byte aligned, at most 2 MiB, not crossing a 2 MiB boundary;
 *   purgatory anywhere in RAM; it checks every segment's SHA-256 and enters
 *           the kernel with the registers the architecture's boot protocol
 *           wants (arm64: x0 = DTB; riscv64: a0/a1 as the kernel set them).
 */
#include "dtb_boot.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/number.h"
#include "../dtb/dtb.h"
#include "../memmap/memmap.h"
#include "../purgatory/purgatory.h"
#include "../system/facts.h"
#include "arch.h"
#include "crash_plan.h"
#include "placer.h"
#include "../system/syscalls.h"
#include "../core/units.h"

/* True when NAME is absent from NODE (the binding's default) or is one cell
 * holding WANT. */
static bool u32_prop_absent_or(const void *fdt, int node, const char *name, uint32_t want)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);
	return !v || (len == 4 && fdt32_to_cpu(*v) == want);
}

/*
 * The purgatory's UART, where the new kernel's console will be, so a digest
 * mismatch is reported where the user looks. Only when the new command line
 * asks for the architecture's usual UART (console=ttyAMA / ttyS, or
 * earlycon) or names no console at all (the kernel then takes the
 * firmware's). Which one: the node /chosen/stdout-path names, when it is
 * that UART; else, on an ACPI boot (the EFI stub's tree has no
 * stdout-path), the SPCR table's UART when the purgatory can drive it.
 */
static uint64_t console_uart(const struct kx_dtb *dtb, const struct kx_facts *f, const char *cmdline,
			     const struct kx_dtb_boot_rules *rules)
{
	const void *fdt = dtb->blob;
	int len, chosen;
	char path[256];

	if (!strstr(cmdline, rules->console) && !strstr(cmdline, "earlycon") && strstr(cmdline, "console="))
		return 0;
	uint64_t spcr = rules->spcr_pl011 && kx_spcr_is_pl011(&f->spcr) ? f->spcr.address : 0;
	chosen = fdt_path_offset(fdt, "/chosen");
	const char *stdout_path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
	if (!stdout_path || len <= 1 || (size_t)len > sizeof(path))
		return spcr;
	memcpy(path, stdout_path, (size_t)len);
	path[len - 1] = 0;
	char *colon = strchr(path, ':'); /* "/pl011@9000000:115200n8" */
	if (colon)
		*colon = 0;
	int node = fdt_path_offset(fdt, path);
	if (node < 0 || fdt_node_check_compatible(fdt, node, rules->uart_compatible))
		return spcr;
	/* Boards wire 8250s with 4-byte register strides (reg-shift = <2>,
	 * reg-io-width = <4>); byte writes at +0/+5 would miss the LSR there:
	 * stay silent rather than poke the wrong registers. */
	if (rules->uart_byte_regs && (!u32_prop_absent_or(fdt, node, "reg-shift", 0) ||
				      !u32_prop_absent_or(fdt, node, "reg-io-width", 1)))
		return spcr;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int parent = fdt_parent_offset(fdt, node);
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return spcr;
	return ac == 2 ? (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]) : fdt32_to_cpu(reg[0]);
}

/* Smallest power of two >= size (and >= a page): a block aligned to it
 * cannot cross a 2 MiB boundary when it is at most 2 MiB. */
static uint64_t pow2_at_least(uint64_t size)
{
	uint64_t a = KX_PAGE_SIZE;
	while (a < size)
		a <<= 1;
	return a;
}

/*
 * The new kernel learns its RAM from the tree's /memory nodes (an ACPI
 * boot's tree has none: the EFI memory map says then). The segments were
 * placed in this machine's RAM (/proc/iomem); a tree given with --dtb may
 * describe another machine's, and the kernel would not find its own image,
 * initrd or tree in memory it knows (it faults early, silently). Refuse
 * such a plan, naming the segment and the tree's RAM.
 */
static int check_tree_has_segments(const struct kx_dtb *tree, const struct kx_plan *plan,
				   struct kx_error *err)
{
	struct kx_memmap *nodes = calloc(2, sizeof(*nodes));
	if (!nodes)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	struct kx_memmap *ram = &nodes[1];
	int r = kx_dtb_memory(tree, &nodes[0], err);
	if (r < 0 || nodes[0].count == 0)
		goto out;
	kx_memmap_select(&nodes[0], KX_MEM_RAM, ram);
	for (unsigned int i = 0; i < plan->nr_segments && r == 0; i++) {
		const struct kx_segment *s = &plan->segments[i];
		if (!strcmp(s->name, "purgatory") || kx_memmap_contains(ram, s->mem, s->mem + s->memsz))
			continue;
		char have[160] = "";
		size_t used = 0;
		for (unsigned int j = 0; j < ram->count && j < 3 && used < sizeof(have); j++)
			used += (size_t)snprintf(have + used, sizeof(have) - used, "%s0x%" PRIx64 "-0x%" PRIx64,
						 j ? ", " : "", ram->ranges[j].start, ram->ranges[j].end - 1);
		if (ram->count > 3 && used < sizeof(have))
			snprintf(have + used, sizeof(have) - used, ", ...");
		r = kx_fail(err, KX_E_PLAN, "%s: the %s segment at 0x%" PRIx64 "-0x%" PRIx64 " is outside the "
			    "RAM the tree's /memory nodes give the new kernel (%s): the tree describes other "
			    "memory than this machine's /proc/iomem", tree->source, s->name, s->mem,
			    s->mem + s->memsz - 1, have);
	}
out:
	free(nodes);
	return r;
}

/*
 * RAM for the segments. A normal load leaves out RAM the firmware keeps for
 * itself: the riscv kernel lists a reserved region inside memory nowhere in
 * /proc/iomem (arch/riscv/kernel/setup.c skips them), so OpenSBI's own RAM
 * (mmode_resv*@80000000 on QEMU virt, behind a PMP the S-mode purgatory
 * faults on) looks like "System RAM" there.
 */
static int segment_ram(const struct kx_plan_ctx *ctx, struct kx_memmap *ret, struct kx_error *err)
{
	struct kx_memmap reserved;

	if (kx_plan_ram(ctx, "/proc/iomem shows no \"System RAM\" (run as root)", ret, err) < 0)
		return -1;
	if (ctx->opts->crash)
		return 0;
	if (kx_dtb_reserved(ctx->dtb, KX_DTB_RESERVED_ALL, &reserved, err) < 0 ||
	    kx_memmap_subtract(ret, &reserved, ret, err) < 0)
		return -1;
	return 0;
}

/* The initrd inside the window the architecture requires (see the top). */
static int add_initrd(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
		      const struct kx_dtb_boot_rules *rules, uint64_t window_lo, uint64_t window_hi,
		      uint64_t *ret_addr, struct kx_error *err)
{
	const struct kx_file *initrd = ctx->initrd;
	struct kx_hole_request rq = { .what = "initrd", .size = initrd->bytes.size, .align = KX_PAGE_SIZE,
				      .min = window_lo, .max = window_hi, .top_down = true };

	if (kx_place(p, rq, ret_addr, err) < 0) {
		if (rules->window)
			kx_error_prefix(err, "within the %" PRIu64 " GiB window from 0x%" PRIx64
					" that covers the kernel: ", (uint64_t)(rules->window / GiB), window_lo);
		return -1;
	}
	return kx_plan_add(plan, "initrd", initrd->path, initrd->bytes.data, initrd->bytes.size, *ret_addr,
			   kx_align_up(initrd->bytes.size, KX_PAGE_SIZE), err);
}

/*
 * The tree to hand on: a copy of the given one with /chosen rewritten (the
 * command line, the initrd, new seeds; for a crash kernel its memory and the
 * ELF core header, as drivers/of/kexec.c writes them), owned by the plan.
 */
static int edited_tree(struct kx_plan *plan, struct kx_placer *p, const struct kx_plan_ctx *ctx,
		       uint64_t initrd_addr, struct kx_dtb **ret, struct kx_error *err)
{
	const struct kx_plan_options *o = ctx->opts;
	struct kx_memmap not_dumped, usable;
	uint64_t hdr_addr = 0, hdr_size = 0;

	struct kx_dtb *dtb = kx_plan_own(plan, calloc(1, sizeof(*dtb)));
	if (!dtb)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	if (kx_dtb_from_bytes(ctx->dtb->blob, kx_dtb_size(ctx->dtb), ctx->dtb->source, dtb, err) < 0)
		return -1;
	/* The dump leaves out what the kernel never allocates from: reading
	 * OpenSBI's PMP-guarded RAM through /proc/vmcore faults (makedumpfile
	 * dies on SIGSEGV, or "Bad address" without mmap). */
	if (o->crash && (kx_dtb_reserved(ctx->dtb, KX_DTB_RESERVED_NOT_REUSABLE, &not_dumped, err) < 0 ||
			 kx_crash_add_elfcorehdr(plan, p, ctx, ctx->arch->elf_machine, &not_dumped,
						 &hdr_addr, &hdr_size, err) < 0))
		goto fail;
	if (o->crash)
		kx_crash_usable(ctx, &usable);
	struct kx_dtb_chosen chosen = {
		.bootargs = o->cmdline,
		.initrd_start = initrd_addr,
		.initrd_end = ctx->initrd ? initrd_addr + ctx->initrd->bytes.size : 0,
		.kaslr_seed = ctx->facts->random,          /* 8 bytes: KASLR gets a new seed */
		.rng_seed = ctx->facts->random + 8, .rng_seed_len = 32,
		.crash = o->crash, .elfcorehdr_addr = hdr_addr, .elfcorehdr_size = hdr_size,
		.usable = o->crash ? &usable : NULL,
	};
	if (kx_dtb_set_chosen(dtb, &chosen, err) < 0)
		goto fail;
	/* the edited blob (set_chosen may have moved it) belongs to the plan now */
	if (!kx_plan_own(plan, dtb->blob))
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	*ret = dtb;
	return 0;
fail:
	kx_dtb_free(dtb);
	return -1;
}

/* The DTB: 8-byte aligned, at most 2 MiB, not crossing a 2 MiB boundary. */
static int add_tree(struct kx_plan *plan, struct kx_placer *p, const struct kx_dtb *dtb, uint64_t window_lo,
		    uint64_t window_hi, uint64_t *ret_addr, struct kx_error *err)
{
	uint64_t dtb_size = kx_dtb_size(dtb);
	if (dtb_size > KX_DTB_BOOT_MAX)
		return kx_fail(err, KX_E_PLAN, "device tree from %s is %" PRIu64 " bytes with the /chosen edits, "
			       "more than %llu (2 MiB), the most a kernel takes (arm64's booting.rst)",
			       dtb->source, dtb_size, KX_DTB_BOOT_MAX);
	struct kx_hole_request drq = { .what = "dtb", .size = dtb_size, .align = pow2_at_least(dtb_size),
				       .min = window_lo, .max = window_hi, .top_down = true };
	if (kx_place(p, drq, ret_addr, err) < 0)
		return -1;
	return kx_plan_add(plan, "dtb", dtb->source, dtb->blob, dtb_size, *ret_addr,
			   kx_align_up(dtb_size, KX_PAGE_SIZE), err);
}

int kx_dtb_boot_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
			   struct kx_plan *plan, const struct kx_dtb_boot_rules *rules,
			   struct kx_error *err)
{
	const struct kx_plan_options *o = ctx->opts;
	struct kx_memmap ram;
	struct kx_placer p;
	struct kx_dtb *dtb = NULL;
	uint64_t base, initrd_addr = 0, dtb_addr = 0;

	if (!ctx->dtb)
		return kx_fail(err, KX_E_SYSTEM, "%s: no device tree to hand to the new kernel", ctx->arch->name);
	if (segment_ram(ctx, &ram, err) < 0 || kx_plan_begin(ctx, &ram, &p, plan, err) < 0)
		return -1;

	/* Kernel: a 2 MiB-aligned base, bottom-up (arm64 flags bit 3 clear
	 * means "as close as possible to the start of DRAM"). */
	struct kx_hole_request krq = { .what = "kernel", .size = k->span, .align = k->align,
				       .min = k->min_addr, .max = UINT64_MAX, .top_down = false };
	if (kx_place(&p, krq, &base, err) < 0 || kx_plan_add_kernel(plan, ctx, k, base, err) < 0)
		return -1;

	/* The initrd and the DTB must be reachable from the kernel's linear
	 * map at boot: arm64's booting.rst asks for the initrd inside one
	 * 1 GiB-aligned 32 GiB window covering the kernel. */
	uint64_t window_lo = 0, window_hi = UINT64_MAX;
	if (rules->window) {
		window_lo = kx_align_down(base, GiB);
		window_hi = window_lo + rules->window - 1;
	}
	if (ctx->initrd && add_initrd(plan, &p, ctx, rules, window_lo, window_hi, &initrd_addr, err) < 0)
		return -1;
	if (edited_tree(plan, &p, ctx, initrd_addr, &dtb, err) < 0 ||
	    add_tree(plan, &p, dtb, window_lo, window_hi, &dtb_addr, err) < 0 ||
	    check_tree_has_segments(ctx->dtb, plan, err) < 0)
		return -1;

	struct kx_purgatory_params params;
	memset(&params, 0, sizeof(params));
	params.entry = o->have_entry ? o->entry : base + k->entry;
	if (rules->x0_is_dtb)
		params.regs[0] = dtb_addr;
	params.serial_port = o->serial ? o->serial : console_uart(dtb, ctx->facts, o->cmdline, rules);
	return kx_plan_finish(plan, &p, ctx, &params, 0, UINT64_MAX, &ram, err);
}

/* --serial: the UART's MMIO address; without it 0, and console_uart()
 * finds the console the command line names in the tree. */
int kx_dtb_boot_console(const char *serial_opt, const char *cmdline, uint64_t *ret, struct kx_error *err)
{
	(void)cmdline;
	*ret = 0;
	if (serial_opt && kx_parse_u64(serial_opt, ret) < 0)
		return kx_fail(err, KX_E_USAGE, "--serial=%s: expected the UART's MMIO address", serial_opt);
	return 0;
}

int kx_dtb_boot_tree(const char *root, const char *dtb_path, struct kx_dtb *ret, struct kx_notes *notes,
		     struct kx_error *err)
{
	(void)notes;
	return kx_dtb_read(root, dtb_path, ret, err);
}

const char *kx_dtb_boot_tree_source(const char *dtb_path)
{
	return dtb_path ? "--dtb" : "the running device tree";
}
