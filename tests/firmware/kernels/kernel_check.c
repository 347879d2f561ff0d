/* kernel_check.c — runs every runtime kernel on the seeded cases of kernel_cases.h and
 * prints "<op> <case> <bytes> <fnv1a hash>" per output on the ITM console, then "done".
 * test_kernels_firmware compares the text with the host build of the same kernels. */
#include "kernel_sources.h"

#include "kernel_cases.h"
#include "kernel_console.h"
#include "mcuprof_trace.h"

static void report(const char* op, int32_t index, const void* out, size_t bytes) {
  mcuprof_console_write(op);
  mcuprof_console_write(" ");
  kcon_u32((uint32_t)index);
  mcuprof_console_write(" ");
  kcon_u32((uint32_t)bytes);
  mcuprof_console_write(" 0x");
  kcon_hex(kt_hash(out, bytes));
  mcuprof_console_write("\n");
}

int main(void) {
  kc_run_all(report);
  mcuprof_console_write("done\n");
  return 0;
}
