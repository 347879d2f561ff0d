/* fault_double.c — one double-precision addition (VADD.F64). The STM32H743's FPv5-D16
 * executes it; the STM32F746's FPv5-SP-D16 has no double arithmetic: UNDEFINSTR.
 * mcuprof-cores: cortex-m7 */
#include "machine_test.h"

__attribute__((noinline)) void add_doubles(void) {
  __asm__ volatile(
      ".fpu fpv5-d16\n\t"
      "vadd.f64 d0, d0, d1\n\t" ::
          : "memory");
}

int main(void) {
  add_doubles();
  put("double ok\n");
  return 0;
}
