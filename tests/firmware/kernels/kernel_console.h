/* kernel_console.h — number printing on the ITM console for the kernel test programs. */
#ifndef MCUPROF_KERNEL_CONSOLE_H
#define MCUPROF_KERNEL_CONSOLE_H
#include <stdint.h>

#include "mcuprof_trace.h"

static void kcon_u32(uint32_t value) {
  char text[11];
  int i = 10;
  text[i] = '\0';
  do {
    text[--i] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  mcuprof_console_write(&text[i]);
}

static void kcon_hex(uint32_t value) {
  char text[9];
  for (int i = 7; i >= 0; --i) {
    text[i] = "0123456789abcdef"[value & 0xFu];
    value >>= 4;
  }
  text[8] = '\0';
  mcuprof_console_write(text);
}
#endif
