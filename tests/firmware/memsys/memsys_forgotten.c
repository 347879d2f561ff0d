/* memsys_forgotten.c — the memory-system workload in a firmware whose start-up forgets
 * the memory system: its SystemInit leaves FLASH_ACR, NVMC ICACHECNF and CCR at their
 * reset values (caches and prefetch off where they reset off, the H7's reset LATENCY of
 * 7). The RP2040's XIP cache is on after reset, so there this firmware switches it off
 * (XIP_CTRL.EN = 0), the one way to lose it. */
#include "memsys_workload.h"

void SystemInit(void) {
#if defined(MCUPROF_XIP_CTRL)
  MEMSYS_REG32(MCUPROF_XIP_CTRL) &= ~1u; /* EN */
#endif
}
