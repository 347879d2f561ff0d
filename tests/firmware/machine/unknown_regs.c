/* unknown_regs.c — STM32F4 clock set-up as vendor start-up code writes it (HSE on,
 * PLL, flash latency, switch to the PLL), polling the ready bits the target file
 * answers; a GPIO register reads back the last value written; a byte write merges.
 * Meant for stm32f412 (other boards answer other addresses). */
#include "machine_test.h"

#define RCC_CR REG32(0x40023800u)
#define RCC_PLLCFGR REG32(0x40023804u)
#define RCC_CFGR REG32(0x40023808u)
#define FLASH_ACR REG32(0x40023C00u)
#define PWR_CSR REG32(0x40007004u)
#define GPIOA_MODER REG32(0x40020000u)

int main(void) {
  CHECK((RCC_CR & 0x3u) == 0x3u, 10); /* HSI on and ready after reset */
  RCC_CR |= 1u << 16;                 /* HSEON */
  for (uint32_t spin = 0; (RCC_CR & (1u << 17)) == 0u; ++spin) CHECK(spin < 1000u, 11);
  CHECK((PWR_CSR & (1u << 14)) != 0u, 12); /* VOSRDY */
  RCC_PLLCFGR = (1u << 22) | (8u << 0) | (200u << 6) | (1u << 16);
  RCC_CR |= 1u << 24; /* PLLON */
  for (uint32_t spin = 0; (RCC_CR & (1u << 25)) == 0u; ++spin) CHECK(spin < 1000u, 13);
  FLASH_ACR = 0x703u; /* 3 wait states, prefetch, caches */
  CHECK((FLASH_ACR & 0xFu) == 3u, 14);
  RCC_CFGR = (RCC_CFGR & ~3u) | 2u; /* SW = PLL */
  for (uint32_t spin = 0; ((RCC_CFGR >> 2) & 3u) != 2u; ++spin) CHECK(spin < 1000u, 15);
  GPIOA_MODER = 0xA8000001u;
  CHECK(GPIOA_MODER == 0xA8000001u, 16);
  *(volatile uint8_t*)0x40020001u = 0x55u;
  CHECK(GPIOA_MODER == 0xA8005501u, 17);
  put("clock configured\n");
  return 0;
}
