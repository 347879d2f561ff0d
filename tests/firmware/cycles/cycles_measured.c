/* cycles_measured.c — the firmware times two functions with DWT->CYCCNT around a call
 * (LDR CYCCNT; BLX fn; LDR CYCCNT) and prints the sums over two calls. The host test
 * runs it with `mcuprof run --function-cycles` and checks that the difference of the
 * two CYCCNT measurements equals the difference of the cycles mcuprof reports for
 * the two functions: what the firmware reads is what mcuprof reports. */
#include "mcuprof_trace.h"

volatile uint32_t sink;
static uint32_t table[64];

__attribute__((noinline)) void measured_work(void) {
  uint32_t acc = 1u;
  for (uint32_t i = 0; i < 64u; ++i) {
    table[i] = table[(i * 7u) & 63u] + acc;
    if ((table[i] & 3u) == 1u)
      acc = acc * 3u + i;
    else
      acc ^= table[i] >> 3;
#if !defined(__ARM_ARCH_6M__)
    acc += (i + 100u) / (acc % 13u + 1u);
#endif
  }
  sink = acc;
}

__attribute__((noinline)) void measured_empty(void) {
  __asm volatile("");
}

static uint32_t timed(void (*fn)(void)) {
  uint32_t t0, t1;
  __asm volatile(".syntax unified\n ldr %[t0], [%[dwt], #4]\n blx %[fn]\n ldr %[t1], [%[dwt], #4]\n"
                 : [t0] "=&l"(t0), [t1] "=&l"(t1)
                 : [dwt] "l"(0xE0001000u), [fn] "l"(fn)
                 : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
  return t1 - t0;
}

static void print_u32(uint32_t value) {
  char out[11];
  int n = 10;
  out[n] = '\0';
  do {
    out[--n] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  mcuprof_console_write(&out[n]);
}

int main(void) {
  (void)mcuprof_cycles_start();
  const uint32_t work = timed(measured_work) + timed(measured_work);
  const uint32_t empty = timed(measured_empty) + timed(measured_empty);
  mcuprof_console_write("work ");
  print_u32(work);
  mcuprof_console_write("\nempty ");
  print_u32(empty);
  mcuprof_console_write("\n");
  return 0;
}
