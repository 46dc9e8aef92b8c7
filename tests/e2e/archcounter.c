/* archcounter: print a clock that kexec does not reset.
 *
 *   archcounter
 *
 * arm64: CNTVCT_EL0 over CNTFRQ_EL0 (Linux lets user space read both, for
 * the vDSO), in nanoseconds.  x86_64: the raw TSC; riscv64: the raw time
 * CSR (rdtime), in ticks: their rate is not readable without /proc (init
 * runs this before mounting it), so the reader converts (scripts/bench.sh:
 * x86_64 under -icount shift=S a tick is 2^S ns, one guest instruction at
 * S = 0, otherwise the "cpu MHz" stage 1's kernel calibrated; riscv64 the
 * device tree's timebase-frequency).  Unlike CLOCK_MONOTONIC neither is reset by kexec:
 * within one QEMU guest (one CPU; no EL2 on arm64, so CNTVOFF is 0) it
 * counts from the start of the VM across both kernels, so the difference of
 * a reading in stage 1 just before `kexec -e` and one at the top of stage
 * 2's init is the whole exec path: shutdown, relocation, the purgatory's
 * check, the second kernel's boot.  Under TCG it runs at the host's real
 * time; under -icount at 2^S ns per guest instruction.
 *
 * Built statically by scripts/bench.sh for use inside the guests only.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
#if defined(__aarch64__)
	uint64_t cnt, frq;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(cnt));
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	if (frq == 0)
		return 1;
	printf("%llu\n", (unsigned long long)(cnt / frq * 1000000000ULL +
					      (cnt % frq) * 1000000000ULL / frq));
	return 0;
#elif defined(__x86_64__)
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi));
	printf("%llu\n", (unsigned long long)hi << 32 | lo);
	return 0;
#elif defined(__riscv) && __riscv_xlen == 64
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	printf("%llu\n", (unsigned long long)t);
	return 0;
#else
	fprintf(stderr, "archcounter: arm64, x86_64 and riscv64 only\n");
	return 1;
#endif
}
