/* peripheral_bus_fault.c — touches an STM32 RCC register with BusFault enabled. Under
 * the "last-written" policy it reads the reset value and exits 0; under the "fault"
 * policy the access is a precise BusFault in touch_rcc.
 * mcuprof-cores: cortex-m3 cortex-m4 cortex-m7 cortex-m33 */
#include "machine_test.h"

__attribute__((noinline)) uint32_t touch_rcc(void) {
  return REG32(0x40023800u);
}

int main(void) {
  SCB_SHCSR |= 1u << 17; /* BUSFAULTENA */
  barrier();
  return touch_rcc() == 0x83u ? 0 : 1;
}
