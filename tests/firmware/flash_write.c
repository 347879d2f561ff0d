/* flash_write.c — stores to code memory (the vector table), which is read-only. */
#include <stdint.h>

extern const uint32_t vector_table[];

int main(void) {
  *(volatile uint32_t *)(uintptr_t)&vector_table[0] = 0u;
  return 0;
}
