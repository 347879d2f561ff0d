/* unmapped_read.c — reads an address no memory or device answers (0x60000000, the
 * external memory region, unpopulated on every catalogue board). */
#include <stdint.h>

int main(void) {
  volatile uint32_t *nowhere = (volatile uint32_t *)0x60000000u;
  return (int)*nowhere;
}
