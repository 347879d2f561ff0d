/* fault_nocp.c — floating point after CPACR withdrew access to CP10/CP11: the chip
 * raises a UsageFault NOCP (escalated to HardFault: UsageFault disabled).
 * mcuprof-cores: cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

volatile float operand = 1.5f;

__attribute__((noinline)) float scale(float x) {
  return x * operand;
}

int main(void) {
  SCB_CPACR = 0u;
  barrier();
  return (int)scale(2.0f);
}
