/* fault_divide.c — CCR.DIV_0_TRP: an integer division by zero returns 0 while the bit is
 * clear (checked first, in the same loop that later traps, so the same instruction is
 * executed before and after the bit changes), divisions by non-zero values still work
 * with the bit set, and UDIV/SDIV by zero with it set raise a UsageFault (DIVBYZERO)
 * in divide_here. Exit 1/2/3: a check before the fault failed.
 * mcuprof-cores: cortex-m3 cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

#define SCB_CCR REG32(0xE000ED14u)

__attribute__((noinline)) int32_t divide_here(int32_t a, int32_t b) {
  int32_t q;
  __asm__ volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
  return q;
}

static volatile int32_t zero = 0;

int main(void) {
  SCB_SHCSR |= 1u << 18; /* USGFAULTENA */
  barrier();
  for (int round = 0; round < 2; ++round) {
    if (divide_here(10, 2) != 5) return 1;
    if (round == 0) {
      /* DIV_0_TRP clear (reset value): the result is 0 and nothing is raised. */
      if (divide_here(7, zero) != 0) return 2;
      SCB_CCR |= 1u << 4; /* DIV_0_TRP */
      barrier();
    } else {
      (void)divide_here(-7, zero); /* UsageFault DIVBYZERO */
      return 3;
    }
  }
  return 4;
}
