/* fault_undefined.c — executes UDF #7 inside fault_here(): an undefined instruction.
 * UsageFault is disabled after reset, so the chip escalates it to HardFault (FORCED,
 * CFSR.UNDEFINSTR); on ARMv6-M it is a HardFault directly. The report must name
 * fault_here and the udf instruction. */
#include "machine_test.h"

__attribute__((noinline)) void fault_here(volatile uint32_t* counter) {
  *counter = *counter + 1u;
  __asm__ volatile("udf #7");
  *counter = *counter + 1u;
}

int main(void) {
  volatile uint32_t counter = 0;
  fault_here(&counter);
  return 0;
}
