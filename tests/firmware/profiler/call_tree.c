/* call_tree.c — a known call structure for the shadow call stack (test_call_stacks):
 * main calls mid_a three times and leaf_b three times; mid_a calls leaf_b once per call
 * between two pieces of its own work; leaf_b's work grows with its argument (200 from
 * mid_a, 300 from main). recurse(n) calls itself n times. tail_c ends with a tail call
 * to leaf_t (a plain branch, see the check in the test). No markers. */
#include <stdint.h>

volatile uint32_t sink;

static inline void work(uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) sink = sink + i;
}

__attribute__((noinline, noipa)) void leaf_b(uint32_t n) {
  work(n);
}

__attribute__((noinline, noipa)) void mid_a(uint32_t n) {
  work(n);
  leaf_b(2 * n);
  work(n);
}

__attribute__((noinline, noipa)) void leaf_t(uint32_t n) {
  work(n);
}

/* Ends with `b leaf_t` (a sibling call): leaf_t returns straight to main. */
__attribute__((noinline, optimize("optimize-sibling-calls"))) void tail_c(uint32_t n) {
  work(n);
  leaf_t(2 * n);
}

__attribute__((noinline, noipa)) uint32_t recurse(uint32_t n) {
  work(10);
  if (n == 0) return 0;
  const uint32_t r = recurse(n - 1) + 1;
  sink = r;
  return r;
}

int main(void) {
  for (uint32_t k = 0; k < 3; ++k) {
    mid_a(100);
    leaf_b(300);
  }
  recurse(4);
  tail_c(50);
  return 0;
}
