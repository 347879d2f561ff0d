/* fault_sleep.c — WFI with no interrupt enabled: nothing can ever wake the core, so
 * the run ends as a lock-up instead of hanging. */
#include "machine_test.h"

int main(void) {
  put("going to sleep\n");
  __asm__ volatile("wfi");
  return 0;
}
