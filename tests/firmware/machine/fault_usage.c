/* fault_usage.c — the same undefined instruction with UsageFault enabled
 * (SHCSR.USGFAULTENA): the chip raises a UsageFault, not a HardFault.
 * mcuprof-cores: cortex-m3 cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

__attribute__((noinline)) void usage_fault_here(void) {
  __asm__ volatile("udf #9");
}

int main(void) {
  SCB_SHCSR |= 1u << 18; /* USGFAULTENA */
  barrier();
  usage_fault_here();
  return 0;
}
