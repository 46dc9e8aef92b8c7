/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bounds-checked reader of little-endian ELF program headers (64-bit,
 * and 32-bit for x86's elf-x86), shared by every architecture's loaders. */
#ifndef KX_ELF_H
#define KX_ELF_H

#include <stdint.h>

#include "../core/bytes.h"
#include "../core/error.h"
#include "format.h"

/* PT_LOADs with contents a kernel ELF may have: each becomes a kexec
 * segment (KX_SEGMENT_MAX, the kernel's KEXEC_SEGMENT_MAX, is 16 in all),
 * and this leaves room for the initrd, the boot data, the ELF core header
 * and the purgatory. Linux links 3 to 6. */
#define KX_ELF_LOADS_MAX KX_KERNEL_PIECES_MAX

struct kx_elf_load {
	uint64_t offset, filesz, memsz, vaddr, paddr, align;
};

struct kx_elf {
	uint16_t type, machine;
	uint64_t entry;
	struct kx_elf_load loads[KX_ELF_LOADS_MAX];
	unsigned int nr_loads;
};

/* True when `image` starts with the ELF magic (any class). */
bool kx_elf_is_elf(struct kx_bytes image);
struct kx_arch_ops;
/*
 * The probe every architecture's ELF format uses: NO when not an ELF file,
 * BROKEN (explained) when it is one this architecture cannot load — a wrong
 * class or machine is "this format, but not loadable here", not "unknown".
 */
enum kx_probe kx_elf_probe(struct kx_bytes image, const struct kx_arch_ops *arch,
			   struct kx_error *err);
/* Parse a 64-bit ELF; `machine` is the required e_machine. */
int kx_elf_parse(struct kx_bytes image, const char *name, uint16_t machine,
		 struct kx_elf *ret, struct kx_error *err);
/* Parse a 32-bit ELF whose e_machine is `machine` or `alt_machine`; every
 * PT_LOAD must end at or below 4 GiB. */
int kx_elf32_parse(struct kx_bytes image, const char *name, uint16_t machine, uint16_t alt_machine,
		   struct kx_elf *ret, struct kx_error *err);
/*
 * The pieces of an ELF loaded where it says (p_paddr), each from the start
 * of its page (p_paddr and p_offset must agree in it), and its entry: e_entry
 * when a PT_LOAD holds it physically, else translated from the virtual
 * address of the PT_LOAD that holds it. Sets k->fixed, pieces, entry.
 */
int kx_elf_fixed_pieces(const struct kx_elf *elf, struct kx_bytes file, const char *name,
			struct kx_kernel_desc *k, struct kx_error *err);
/*
 * The kernel pieces of a relocatable vmlinux (arm64, riscv64): every PT_LOAD
 * of `elf` (read from `file`) at its p_vaddr distance from `base`, a virtual
 * address at or below all of them (the caller sees to that) that lands on
 * the kernel's load address. Each piece starts on its page (p_vaddr and
 * p_offset must agree in it); k->nr_pieces is set and k->span grows to the
 * end of each.
 */
int kx_elf_pieces(const struct kx_elf *elf, struct kx_bytes file, const char *name,
		  uint64_t base, struct kx_kernel_desc *k, struct kx_error *err);

#endif
