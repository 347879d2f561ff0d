/* fault_flash.c — scribble() stores into code memory (the vector table). */
#include "machine_test.h"

extern const uint32_t vector_table[];

__attribute__((noinline)) void scribble(uint32_t value) {
  *(volatile uint32_t*)(uintptr_t)&vector_table[2] = value;
}

int main(void) {
  scribble(0x12345678u);
  return 0;
}
