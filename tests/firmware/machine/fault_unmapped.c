/* fault_unmapped.c — read_missing() loads from 0x60000000 (external memory region,
 * unpopulated on every catalogue board) after other memory accesses in the same
 * function: the report must point at the faulting ldr, not the start of the block. */
#include "machine_test.h"

volatile uint32_t scratch[4];

__attribute__((noinline)) uint32_t read_missing(volatile uint32_t* nowhere) {
  scratch[0] = 1u;
  scratch[1] = scratch[0] + 2u;
  const uint32_t v = *nowhere;
  scratch[2] = v;
  return v;
}

int main(void) {
  return (int)read_missing((volatile uint32_t*)0x60000000u);
}
