/* fault_lockup.c — an undefined instruction inside the NMI handler (pended through
 * ICSR.NMIPENDSET): a fault at priority -2 cannot escalate, the core locks up. */
#include "machine_test.h"

void NMI_Handler(void) {
  __asm__ volatile("udf #1");
}

int main(void) {
  SCB_ICSR = 1u << 31; /* NMIPENDSET */
  barrier();
  for (;;) {
  }
}
