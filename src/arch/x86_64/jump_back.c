// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kexec jump back helper (--load-jump-back-helper), x86_64.
 *
 * kexec-tools loads one empty segment entered at the return address into
 * the kernel that jumped here (kexec_jump_back_entry=). The kernel enters
 * an image through its own identity map (machine_kexec_64.c:
 * init_pgtable): the RAM it maps itself and the image's segments, at 2 MiB
 * granularity (since 2024, 6.1.y included, 1 GiB pages only where a whole
 * GiB is asked for). The return address lies in the old kernel's control
 * page, outside this kernel's RAM (every page of that is a segment of the
 * jump, so the old kernel allocates its control pages elsewhere): not
 * mapped, and the empty helper triple-faults (seen in tests/e2e/jump.sh).
 *
 * So the helper here is a small segment in this kernel's RAM: a trampoline
 * entered with the kernel's call (its return address, this kernel's way
 * back in, at 0(%rsp)), its own page tables mapping the GiB around itself
 * and the GiB around the return address with 2 MiB pages (a PML5 on top
 * when CR4.LA57 is on), a stack holding that return address, and a jump
 * to the old kernel, which reads its peer's re-entry point at 0(%rsp)
 * (relocate_kernel_64.S) and switches to its own page tables at once.
 */
#include "jump_back.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/units.h"
#include "../../system/syscalls.h"

#define PAGE 4096u
#define PTE_P 0x1u
#define PTE_RW 0x2u
#define PTE_PS 0x80u     /* a 2 MiB page in a page directory */
#define X86_CR4_LA57 0x1000u

/* The segment: code and stack, PML5, PML4, two PDPTs, two PDs. */
enum { P_CODE, P_PML5, P_PML4, P_PDPT0, P_PDPT1, P_PD0, P_PD1, P_COUNT };
#define HELPER_SIZE (P_COUNT * PAGE)

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Map the GiB around `addr` with 2 MiB pages, using PDPT page `pdpt` and
 * PD page `pd` unless the tables already reach it. */
static void map_gib(uint8_t *buf, uint64_t base, uint64_t addr, int pdpt, int pd)
{
	uint8_t *pml4e = buf + P_PML4 * PAGE + ((addr >> 39) & 511) * 8;
	if (!(get64(pml4e) & PTE_P))
		put64(pml4e, base + (uint64_t)pdpt * PAGE + (PTE_P | PTE_RW));
	uint64_t pdpt_addr = get64(pml4e) & ~(uint64_t)(PAGE - 1);
	uint8_t *pdpte = buf + (pdpt_addr - base) + ((addr >> 30) & 511) * 8;
	if (get64(pdpte) & PTE_P)
		return;
	put64(pdpte, base + (uint64_t)pd * PAGE + (PTE_P | PTE_RW));
	uint64_t gib = addr & ~(uint64_t)(GiB - 1);
	for (unsigned int i = 0; i < 512; i++)
		put64(buf + pd * PAGE + i * 8, gib + (uint64_t)i * 2 * MiB + (PTE_P | PTE_RW | PTE_PS));
}

/* The code at the start of the segment (AT&T syntax in the comments). */
static size_t put_code(uint8_t *p, uint64_t base, uint64_t entry)
{
	size_t n = 0;
#define B(...) do { const uint8_t b_[] = { __VA_ARGS__ }; memcpy(p + n, b_, sizeof(b_)); n += sizeof(b_); } while (0)
#define IMM64(v) do { put64(p + n, (v)); n += 8; } while (0)
	B(0x48, 0x8b, 0x04, 0x24);                      /* mov (%rsp), %rax: our way back in */
	B(0x48, 0xb9); IMM64(base + P_PML4 * PAGE);     /* movabs $pml4, %rcx */
	B(0x0f, 0x20, 0xe2);                            /* mov %cr4, %rdx */
	B(0xf7, 0xc2, X86_CR4_LA57 & 0xff, X86_CR4_LA57 >> 8, 0, 0); /* test $LA57, %edx */
	B(0x74, 0x0a);                                  /* jz 1f (over the next 10 bytes) */
	B(0x48, 0xb9); IMM64(base + P_PML5 * PAGE);     /* movabs $pml5, %rcx */
	B(0x0f, 0x22, 0xd9);                            /* 1: mov %rcx, %cr3 */
	B(0x48, 0xbc); IMM64(base + PAGE);              /* movabs $stack_top, %rsp (end of the code page) */
	B(0x50);                                        /* push %rax: the old kernel reads it at 0(%rsp) */
	B(0x48, 0xb9); IMM64(entry);                    /* movabs $entry, %rcx */
	B(0xff, 0xe1);                                  /* jmp *%rcx */
	B(0x0f, 0x0b);                                  /* ud2 */
#undef B
#undef IMM64
	return n;
}

int kx_x86_jump_back_helper(const struct kx_memmap *ram, uint64_t entry, struct kx_plan *plan,
			    struct kx_error *err)
{
	struct kx_memmap used = { .count = 0 };
	struct kx_hole_request rq = { .what = "jump back helper", .size = HELPER_SIZE, .align = PAGE,
				      .min = MiB, .max = UINT64_MAX, .top_down = false };
	uint64_t base;

	if (kx_find_hole(ram, &used, &rq, &base, err) < 0)
		return -1;
	uint8_t *buf = kx_plan_own(plan, calloc(1, HELPER_SIZE));
	if (!buf)
		return kx_fail(err, KX_E_NOMEM, "out of memory");
	put_code(buf, base, entry);
	put64(buf + P_PML5 * PAGE, base + P_PML4 * PAGE + (PTE_P | PTE_RW));
	map_gib(buf, base, base, P_PDPT0, P_PD0);
	map_gib(buf, base, entry, P_PDPT1, P_PD1);
	char source[96];
	snprintf(source, sizeof(source), "built: trampoline to 0x%" PRIx64 ", page tables", entry);
	if (kx_plan_add(plan, "jump back", source, buf, HELPER_SIZE, base, HELPER_SIZE, err) < 0)
		return -1;
	plan->entry = base;
	plan->kernel_entry = entry;
	plan->flags = KX_KEXEC_PRESERVE_CONTEXT;
	return 0;
}
