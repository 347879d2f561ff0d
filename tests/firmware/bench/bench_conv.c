/* bench_conv.c — the speed benchmark's workload (scripts/bench-speed.sh): the demo's
 * int8 3x3 convolution repeated BENCH_REPEATS times, about 285 million instructions on
 * a Cortex-M4. It talks only through semihosting (no ITM, no DWT), so the very same
 * ELF, built for the cyc-m4 test board (code at 0x0, data at 0x20000000), also runs
 * on `qemu-system-arm -M mps2-an386 -semihosting`. Exit status 0 when every repeat
 * gives the same checksum. */
#include <stdint.h>

#include "../../../runtime/firmware/apps/demo_kernel.h"
#include "mcuprof_semihosting.h"

#ifndef BENCH_REPEATS
#define BENCH_REPEATS 256
#endif

int main(void) {
  demo_fill();
  conv3x3();
  const uint32_t first = checksum();
  int mismatches = 0;
  for (int i = 1; i < BENCH_REPEATS; ++i) {
    conv3x3();
    if (checksum() != first) ++mismatches;
  }
  mcuprof_semihost_write0(mismatches == 0 ? "bench_conv: done\n" : "bench_conv: MISMATCH\n");
  return mismatches;
}
