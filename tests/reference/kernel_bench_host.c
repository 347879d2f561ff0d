/* kernel_bench_host.c — the vww_96 benchmark layers of tests/firmware/kernels built for
 * the host, so a test can check the benchmark firmware's outputs (hashes). */
#include "kernel_cases_host.h"

#include "../firmware/kernels/kernel_bench_layers.h"

int32_t mcuprof_kernel_bench_layers(void) {
  return KB_LAYERS;
}

uint32_t mcuprof_kernel_bench_hash(int32_t layer, uint32_t* macs) {
  kb_prepared k;
  kb_prepare(layer, &k);
  if (!kb_scratch_fits(&k)) return 0;
  kb_run(&k);
  *macs = k.macs;
  return kt_hash(kb_out, k.out_bytes);
}
