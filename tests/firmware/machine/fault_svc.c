/* fault_svc.c — SVC with PRIMASK set: SVCall cannot be taken at execution priority 0,
 * so the chip escalates to HardFault. */
#include "machine_test.h"

__attribute__((noinline)) void call_with_interrupts_off(void) {
  irq_disable();
  __asm__ volatile("svc #3");
}

int main(void) {
  call_with_interrupts_off();
  return 0;
}
