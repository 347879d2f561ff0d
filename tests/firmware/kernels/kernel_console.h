/* kernel_console.h — number printing on the ITM console for the kernel test programs. */
#ifndef MCUPROF_KERNEL_CONSOLE_H
#define MCUPROF_KERNEL_CONSOLE_H
#include <stdint.h>

#include "mcuprof_trace.h"

static void kcon_u32(uint32_t value) { mcuprof_console_u32(value); }

static void kcon_hex(uint32_t value) { mcuprof_console_hex32(value); }
#endif
