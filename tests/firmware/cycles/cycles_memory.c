/* cycles_memory.c — the memory system seen from the firmware: a data load from flash
 * and straight-line code fetched from flash, timed with DWT->CYCCNT. The expected
 * counts depend on the board's wait states and accelerator, so this program only
 * prints "MEASURE <name> <cycles>" lines; tests/unit/test_cycle_benchmarks.cpp checks
 * them against docs/cycle-model.md R-FLASH-DATA, R-FLASH-FETCH and R-PREFETCH. */
#include "cycle_bench.c.inc"

static const uint32_t flash_word[4] __attribute__((aligned(16))) = {1u, 2u, 3u, 4u};

/* Data load from flash (the benchmark itself runs from SRAM). */
CB_BENCH(flash_load, "ldr r1, [r0, #64]\n", "ldr r2, [r1]\n")

/* Timed frames that run from flash: the body starts on a 16-byte line. */
#if CB_V7
#define FLASH_T0 ".p2align 4\n9:\n nop.w\n nop.w\n ldr.w %[t0], [%[dwt], #4]\n nop.w\n"
#define FLASH_T1 "nop.w\n ldr.w %[t1], [%[dwt], #4]\n"
#else
#define FLASH_T0 \
  ".p2align 4\n9:\n nop\n nop\n nop\n nop\n nop\n nop\n ldr %[t0], [%[dwt], #4]\n nop\n"
#define FLASH_T1 "nop\n ldr %[t1], [%[dwt], #4]\n"
#endif
#define FLASH_BENCH(fn, body)                                        \
  __attribute__((noinline)) static uint32_t fn(void) {               \
    uint32_t t0, t1;                                                 \
    __asm volatile(".syntax unified\n b 9f\n" FLASH_T0 body FLASH_T1 \
                   : [t0] "=&l"(t0), [t1] "=&l"(t1)                  \
                   : [dwt] "l"(0xE0001000u)                          \
                   : "r0", "r1", "r2", "r3", "cc", "memory");        \
    return t1 - t0;                                                  \
  }

#define NOP8 "nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n"
#define ADDW4 "add.w r1, r1, #1\n add.w r1, r1, #1\n add.w r1, r1, #1\n add.w r1, r1, #1\n"
FLASH_BENCH(flash_empty, "")
FLASH_BENCH(flash_narrow, NOP8 NOP8 NOP8 NOP8)
#if CB_V7
FLASH_BENCH(flash_wide, ADDW4 ADDW4 ADDW4 ADDW4)
#endif

static void report(const char* name, uint32_t cycles) {
  cb_print("MEASURE ");
  cb_print(name);
  cb_print(" ");
  cb_print_u32(cycles);
  cb_print("\n");
}

static uint32_t warm(uint32_t (*fn)(void)) {
  (void)fn();
  return fn();
}

int main(void) {
  cb_start();
  cb_buffer[16] = (uint32_t)&flash_word[0];
  (void)flash_load(cb_buffer);
  report("flash-load", flash_load(cb_buffer) - cb_empty(cb_buffer));
  const uint32_t base = warm(flash_empty);
  report("flash-fetch-narrow", warm(flash_narrow) - base);
#if CB_V7
  report("flash-fetch-wide", warm(flash_wide) - base);
#endif
  return 0;
}
