/* flash_reads.c — reads known numbers of bytes from a const table in flash, each inside
 * a user region (trace protocol), so test_flash_counters can check the regions' flash
 * data bytes. Every region runs through the same code path (measure()), so two regions
 * of one kind differ only in the reads of the table: region ids
 *   1, 2: 100 and 300 single-byte loads (LDRB)
 *   3, 4: 16 and 80 word loads (LDR)
 *   5, 6: 8 and 24 four-register LDMs (16 bytes each)
 * and region 7 is empty (no code between the markers but the marker itself). */
#include "mcuprof_trace.h"

#define TABLE_WORDS 512u

/* In .rodata, i.e. in flash. */
static const uint32_t table[TABLE_WORDS] = {0x01020304u, 0x05060708u, 0x090a0b0cu, 0x0d0e0f10u};

volatile uint32_t sink;

__attribute__((noinline)) static uint32_t read_bytes(const volatile uint8_t *p, uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += p[i];
  return sum;
}

__attribute__((noinline)) static uint32_t read_words(const volatile uint32_t *p, uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += p[i];
  return sum;
}

/* n LDMs of four registers from p. */
__attribute__((noinline)) static uint32_t read_blocks(const uint32_t *p, uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t a, b, c, d;
    __asm__ volatile("ldmia %4!, {%0, %1, %2, %3}"
                     : "=l"(a), "=l"(b), "=l"(c), "=l"(d), "+l"(p)
                     :
                     : "memory");
    sum += a ^ b ^ c ^ d;
  }
  return sum;
}

__attribute__((noinline)) static void measure(uint32_t id, uint32_t kind, uint32_t n) {
  uint32_t sum = 0;
  mcuprof_region_begin(id);
  if (kind == 0) sum = read_bytes((const volatile uint8_t *)table, n);
  if (kind == 1) sum = read_words(table, n);
  if (kind == 2) sum = read_blocks(table, n);
  mcuprof_region_end(id);
  sink = sum;
}

int main(void) {
  mcuprof_run_begin();
  measure(1, 0, 100);
  measure(2, 0, 300);
  measure(3, 1, 16);
  measure(4, 1, 80);
  measure(5, 2, 8);
  measure(6, 2, 24);
  mcuprof_region_begin(7);
  mcuprof_region_end(7);
  mcuprof_run_end();
  return 0;
}
