/* placement_loads.c — loads whose address the block's entry registers do not give, for
 * test_load_placement: a pointer chase through a table of pointers in flash (the next
 * address comes from the previous load), an index computed in the block, conditional
 * loads in IT blocks (Cortex-M3 and up), unaligned word reads that cross 1 KiB pages,
 * each between user-region markers so the counters at every ITM event are compared too. */
#include <stdint.h>
#include <string.h>

#include "mcuprof_trace.h"

typedef struct Link {
  const struct Link* next;
  uint32_t value;
} Link;

/* A ring of 8 links in flash, visited out of order. */
static const Link ring[8] = {
    {&ring[3], 1}, {&ring[5], 2}, {&ring[7], 3}, {&ring[6], 4},
    {&ring[1], 5}, {&ring[0], 6}, {&ring[2], 7}, {&ring[4], 8},
};
static const uint8_t bytes[3000] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

volatile uint32_t sink;

__attribute__((noinline)) static uint32_t chase(const Link* p, int steps) {
  uint32_t sum = 0;
  for (int i = 0; i < steps; ++i) {
    sum += p->value;
    p = p->next;
  }
  return sum;
}

__attribute__((noinline)) static uint32_t pick(const volatile uint32_t* flags, int n) {
  uint32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += (flags[i & 3] & 1u) ? bytes[(i * 7) & 1023] : bytes[i & 15];
  return sum;
}

__attribute__((noinline)) static uint32_t unaligned(uint32_t start, int n) {
  uint32_t sum = 0;
  for (int i = 0; i < n; ++i) {
    uint32_t w;
    memcpy(&w, &bytes[start + (uint32_t)i * 341u % 2900u], 4); /* LDR, any alignment */
    sum += w;
  }
  return sum;
}

int main(void) {
  static volatile uint32_t flags[4] = {1, 0, 1, 1};
  for (unsigned r = 1; r <= 3; ++r) {
    mcuprof_region_begin(r);
    sink = chase(&ring[r], 200) + pick(flags, 300) + unaligned(r, 300);
    mcuprof_region_end(r);
  }
  return 0;
}
