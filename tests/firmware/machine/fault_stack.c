/* fault_stack.c — unbounded recursion with a large frame runs the main stack below
 * the stack limit (__StackLimit from the linker script): a stack overflow in recurse. */
#include "machine_test.h"

#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline)) uint32_t recurse(uint32_t depth) {
  volatile uint32_t frame[64];
  frame[depth % 64u] = depth;
  return recurse(depth + 1u) + frame[(depth + 1u) % 64u];
}

int main(void) {
  return (int)recurse(0u);
}
