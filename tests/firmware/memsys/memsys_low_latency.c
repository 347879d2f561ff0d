/* memsys_low_latency.c — the memory-system workload with FLASH_ACR.LATENCY set to 1,
 * fewer wait states than the board's clock needs (prefetch and ART as the shared
 * start-up sets them): mcuprof warns once with the numbers and keeps the wait states
 * the clock needs. STM32 boards (MCUPROF_FLASH_ACR); elsewhere the configured workload. */
#include "memsys_workload.h"

#if defined(MCUPROF_FLASH_ACR) && !defined(MCUPROF_L1_ICACHE)
void SystemInit(void) {
  MEMSYS_REG32(MCUPROF_FLASH_ACR) = (MCUPROF_FLASH_ACR_VALUE & ~0xFu) | 1u;
}
#endif
