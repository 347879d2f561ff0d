/* demo.c — the bundled demo firmware: a small int8 3x3 convolution (the inner loop
 * of every CNN layer), timed with DWT->CYCCNT, reported on the ITM console.
 * It stands in for the model runtime until that lands; tests compare its checksum
 * with the same kernel built for the host (demo_kernel.h). */
#include <stdint.h>

#include "mcuprof_semihosting.h"
#include "mcuprof_trace.h"
#include "demo_kernel.h"

int main(void) {
  mcuprof_console_write("mcuprof demo: int8 conv3x3 16x16x8 -> 16x16x8\n");
  demo_fill();

  const uint32_t start = mcuprof_cycles_start();
  conv3x3();
  const uint32_t cycles = mcuprof_cycles() - start;

  const uint32_t sum = checksum();
  mcuprof_console_write("conv cycles (DWT->CYCCNT): ");
  mcuprof_console_u32(cycles);
  mcuprof_console_write("\nMACs: ");
  mcuprof_console_u32(H * W * COUT * 9 * CIN);
  mcuprof_console_write("\nchecksum: 0x");
  mcuprof_console_hex32(sum);
  mcuprof_console_write("\n");
  mcuprof_semihost_write0("demo finished (semihosting console)\n");
  return 0;
}
