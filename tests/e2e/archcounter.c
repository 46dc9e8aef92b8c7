/* archcounter: print the arm64 architectural counter in nanoseconds.
 *
 *   archcounter
 *
 * Reads CNTVCT_EL0 (Linux lets user space read it, for the vDSO) and
 * CNTFRQ_EL0.  Unlike CLOCK_MONOTONIC, the counter is not reset by kexec:
 * within one QEMU virt guest (no EL2, so CNTVOFF is 0) it counts from the
 * start of the VM across both kernels, so the difference of a reading in
 * stage 1 just before `kexec -e` and one at the top of stage 2's init is the
 * whole exec path: shutdown, relocation, the purgatory's check, the second
 * kernel's boot.  Under TCG it runs at the host's real time.
 *
 * Built statically by scripts/bench.sh (aarch64-linux-gnu-gcc) for use
 * inside arm64 guests only.
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
#else
	fprintf(stderr, "archcounter: arm64 only\n");
	return 1;
#endif
}
