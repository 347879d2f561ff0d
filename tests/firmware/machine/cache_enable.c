/* cache_enable.c — the Cortex-M7 cache enable sequence CMSIS's SCB_EnableICache and
 * SCB_EnableDCache perform, written by address: invalidate the I-cache (ICIALLU), select
 * the D-cache (CSSELR), read its geometry (CCSIDR) and invalidate it set by set, way by way
 * (DCISW), then set CCR.IC and CCR.DC. Meant for the stm32h743: exits with 0 when the
 * geometry CCSIDR gives is its board file's (D-cache 16 KiB, 4 ways, 32-byte lines: 128
 * sets; I-cache 2 ways) and the loop ran that many times; the test checks that nothing
 * was reported as unmodelled.
 * mcuprof-cores: cortex-m7 */
#include "machine_test.h"

#define CLIDR REG32(0xE000ED78u)
#define CCSIDR REG32(0xE000ED80u)
#define CSSELR REG32(0xE000ED84u)
#define CCR REG32(0xE000ED14u)
#define ICIALLU REG32(0xE000EF50u)
#define DCISW REG32(0xE000EF60u)

int main(void) {
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  ICIALLU = 0u;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  CCR |= 1u << 17; /* IC */
  CSSELR = 0u;     /* level 1 data cache */
  __asm__ volatile("dsb" ::: "memory");
  const uint32_t ccsidr = CCSIDR;
  const uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
  const uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
  const uint32_t line_bytes = 16u << (ccsidr & 7u);
  uint32_t operations = 0;
  for (uint32_t set = 0; set < sets; ++set)
    for (uint32_t way = 0; way < ways; ++way) {
      DCISW = (set << 5) | (way << 30);
      ++operations;
    }
  __asm__ volatile("dsb" ::: "memory");
  CCR |= 1u << 16; /* DC */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  CHECK((CLIDR & 7u) == 3u, 10); /* separate instruction and data caches */
  CHECK(sets * ways * line_bytes == 16384u, 11);
  CHECK(operations == sets * ways, 12);
  CSSELR = 1u; /* the instruction cache */
  CHECK((((CCSIDR >> 3) & 0x3FFu) + 1u) == 2u, 13);
  CHECK((CCR & (3u << 16)) == (3u << 16), 14);
  put("caches enabled\n");
  return 0;
}
