/* windowed_calls.c — calls before, inside and after the RUN_BEGIN..RUN_END window, for
 * the inference-window tests (test_time_axes): start_up() runs before RUN_BEGIN with a
 * deep stack (the run's SRAM peak, sampled by the mark after it), then in the window
 * main calls mid_a three times (each calling leaf_b) and leaf_b once, and after RUN_END
 * wind_down() runs. Per-function figures must cover the window only. */
#include "mcuprof_trace.h"

volatile uint32_t sink;

static inline void work(uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) sink = sink + i;
}

__attribute__((noinline, noipa)) void start_up(uint32_t n) {
  volatile uint8_t buffer[2048];
  for (uint32_t i = 0; i < sizeof buffer; i += 64) buffer[i] = (uint8_t)i;
  work(n);
  sink = buffer[64];
}

__attribute__((noinline, noipa)) void leaf_b(uint32_t n) {
  work(n);
}

__attribute__((noinline, noipa)) void mid_a(uint32_t n) {
  work(n);
  leaf_b(2 * n);
}

__attribute__((noinline, noipa)) void wind_down(uint32_t n) {
  work(n);
}

int main(void) {
  start_up(3000);
  mcuprof_mark(1, 0); /* samples the stack start_up reached, before the window */
  mcuprof_run_begin();
  for (uint32_t k = 0; k < 3; ++k) mid_a(100);
  leaf_b(300);
  mcuprof_run_end();
  wind_down(2000);
  return 0;
}
