/* memsys_high_latency.c — the memory-system workload with FLASH_ACR.LATENCY two above
 * what the board's clock needs (prefetch and ART as the shared start-up sets them): every
 * flash access costs the extra wait states. STM32 boards without L1 caches
 * (MCUPROF_FLASH_ACR); elsewhere the configured workload. */
#include "memsys_workload.h"

#if defined(MCUPROF_FLASH_ACR) && !defined(MCUPROF_L1_ICACHE)
void SystemInit(void) {
  MEMSYS_REG32(MCUPROF_FLASH_ACR) = MCUPROF_FLASH_ACR_VALUE + 2u;
}
#endif
