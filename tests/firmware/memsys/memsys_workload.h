/* memsys_workload.h — the work the memory-system programs time between RUN_BEGIN and
 * RUN_END: straight-line code larger than any flash accelerator's instruction cache
 * (2 KiB, run four times: sequential line fetches, the prefetch buffer's case), then a
 * loop reading 4 KiB of flash as data, eight times (the flash data caches' and the L1
 * D-cache's case, and the loop itself from the instruction caches). The programs differ
 * only in what their SystemInit does to the caches, accelerator and flash latency. */
#ifndef MEMSYS_WORKLOAD_H
#define MEMSYS_WORKLOAD_H

#include <stdint.h>

#include "mcuprof_trace.h"

#define MEMSYS_REG32(address) (*(volatile uint32_t*)(address))

__attribute__((noinline)) static uint32_t memsys_straight_line(uint32_t x) {
  __asm__ volatile(".syntax unified\n .rept 1024\n adds %0, #1\n .endr\n" : "+l"(x) : : "cc");
  return x;
}

__attribute__((noinline)) static uint32_t memsys_flash_reads(const volatile uint32_t* words) {
  uint32_t sum = 0;
  for (uint32_t pass = 0; pass < 8u; ++pass)
    for (uint32_t k = 0; k < 1024u; ++k) sum = (sum * 31u + words[k]) ^ (sum >> 7);
  return sum;
}

static volatile uint32_t memsys_sink;

int main(void) {
  /* Its own code as data: in flash wherever the board puts code. */
  const volatile uint32_t* words =
      (const volatile uint32_t*)((uintptr_t)&memsys_straight_line & ~(uintptr_t)15u);
  mcuprof_run_begin();
  uint32_t x = 0;
  for (uint32_t k = 0; k < 4u; ++k) x = memsys_straight_line(x);
  memsys_sink = x + memsys_flash_reads(words);
  mcuprof_run_end();
  return 0;
}

#endif
