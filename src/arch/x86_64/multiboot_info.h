/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86_64 back end's plan for a Multiboot or Multiboot2 kernel
 * (formats/multiboot.h): the image where its headers say, the modules
 * (page aligned, below 4 GiB), one segment of boot information below 4 GiB,
 * and the purgatory, which enters the image in 32-bit protected mode with
 * EAX = the boot loader's magic and EBX = the information's address.
 *
 * The information, built from the facts as kexec-tools builds it:
 *   the memory map: the firmware's (/sys/firmware/memmap, e820 types: RAM 1,
 *     reserved 2, ACPI 3, NVS 4, others as they are), every entry;
 *   mem_lower/mem_upper (KiB): the RAM entry starting at or below 64 KiB
 *     (its end, at most 640 KiB), the RAM entry starting at or below 1 MiB
 *     and ending above it (its end - 1 MiB);
 *   the command line: the image's name as given, a space, the command line
 *     (--command-line/--append, --reuse-cmdline), as kexec-tools (Xen drops
 *     the first word of a loader other than GRUB 2's);
 *   the boot loader's name "kexec-ng";
 *   each module's start, end and command line ("FILE ARGS" as given);
 *   v1 only when the header asks for the memory information (flags bit 1),
 *     as kexec-tools: the memory fields and map;
 *   a framebuffer when the header asks for one: EGA text 80x25 at 0xb8000
 *     with --console-vga/--reset-vga, else the running console's linear
 *     framebuffer from boot_params' screen_info (VESA or EFI), else none;
 *   v2: the load base address when the header has the relocatable tag.
 * Not given: EFI system table, EFI memory map and image handle (the old
 * kernel has left the boot services and its runtime services run at
 * virtual addresses), ACPI RSDP copies (a BIOS machine's are found in
 * the BIOS area; /sys has no copy of the RSDP itself), VBE, APM, SMBIOS,
 * boot device, ELF sections. A required request for one is refused by the
 * format.
 */
#ifndef KX_X86_MULTIBOOT_INFO_H
#define KX_X86_MULTIBOOT_INFO_H

#include "../../core/plan.h"
#include "../../formats/format.h"

#define KX_MULTIBOOT_LOADER_NAME "kexec-ng"

int kx_x86_multiboot_build_plan(const struct kx_plan_ctx *ctx, const struct kx_kernel_desc *k,
				struct kx_plan *plan, struct kx_error *err);

#endif
