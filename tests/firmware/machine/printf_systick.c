/* printf_systick.c — newlib's printf through semihosting (rdimon) plus a SysTick-driven
 * millisecond tick, on every board: the "done when" program of the machine issue.
 * The tick handler counts; main sleeps with WFI until 10 ticks passed and prints the
 * count through printf.
 * mcuprof-link: --specs=nano.specs --specs=rdimon.specs */
#include <stdint.h>
#include <stdio.h>

#include "machine_test.h"

extern void initialise_monitor_handles(void);

static volatile uint32_t ticks;

void SysTick_Handler(void) {
  ticks = ticks + 1u;
}

int main(void) {
  /* rdimon's crt0 would do this; mcuprof's start-up does not, so the program does. */
  initialise_monitor_handles();
  printf("hello from newlib printf: %d %s 0x%x\n", 42, "forty-two", 42u);
  SYST_RVR = MCUPROF_CLOCK_HZ / 1000u - 1u; /* 1 ms */
  SYST_CVR = 0u;
  SYST_CSR = 7u; /* core clock, interrupt, enable */
  while (ticks < 10u) __asm__ volatile("wfi");
  SYST_CSR = 0u;
  printf("systick: %lu ticks of 1 ms\n", (unsigned long)ticks);
  fflush(stdout);
  return ticks == 10u ? 0 : 1;
}
