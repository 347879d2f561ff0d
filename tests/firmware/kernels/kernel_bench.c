/* kernel_bench.c — cycles/MAC of the main int8 kernels on the vww_96_int8 layer shapes:
 * each layer is timed with DWT->CYCCNT and reported on the ITM console as
 * "layer <i> <kind> macs <n> cycles <c> hash 0x<h>", then per-kind and overall totals
 * as "total <kind> macs <n> cycles <c> cycles_per_mac_x100 <v>". The hash lets the
 * host check the outputs against the host build. Data lives in SRAM here (a model's
 * weights are in flash). mcuprof run --target stm32f412 kernel_bench.elf */
#include "kernel_sources.h"

#include "kernel_bench_layers.h"
#include "kernel_console.h"
#include "mcuprof_trace.h"

static void total_line(const char* name, uint32_t macs, uint32_t cycles) {
  mcuprof_console_write("total ");
  mcuprof_console_write(name);
  mcuprof_console_write(" macs ");
  kcon_u32(macs);
  mcuprof_console_write(" cycles ");
  kcon_u32(cycles);
  mcuprof_console_write(" cycles_per_mac_x100 ");
  kcon_u32(macs ? (uint32_t)(((uint64_t)cycles * 100u + macs / 2u) / macs) : 0u);
  mcuprof_console_write("\n");
}

int main(void) {
  uint32_t kind_macs[4] = {0, 0, 0, 0}, kind_cycles[4] = {0, 0, 0, 0};
  uint32_t all_macs = 0, all_cycles = 0;
  (void)mcuprof_cycles_start();
  for (int32_t i = 0; i < KB_LAYERS; ++i) {
    kb_prepared k;
    kb_prepare(i, &k);
    if (!kb_scratch_fits(&k)) {
      mcuprof_console_write("scratch too small\n");
      return 1;
    }
    const uint32_t start = mcuprof_cycles();
    kb_run(&k);
    const uint32_t cycles = mcuprof_cycles() - start;
    kind_macs[k.kind] += k.macs;
    kind_cycles[k.kind] += cycles;
    all_macs += k.macs;
    all_cycles += cycles;
    mcuprof_console_write("layer ");
    kcon_u32((uint32_t)i);
    mcuprof_console_write(" ");
    mcuprof_console_write(kb_kind_names[k.kind]);
    mcuprof_console_write(" macs ");
    kcon_u32(k.macs);
    mcuprof_console_write(" cycles ");
    kcon_u32(cycles);
    mcuprof_console_write(" hash 0x");
    kcon_hex(kt_hash(kb_out, k.out_bytes));
    mcuprof_console_write("\n");
  }
  for (int32_t kind = 0; kind < 4; ++kind)
    total_line(kb_kind_names[kind], kind_macs[kind], kind_cycles[kind]);
  total_line("all", all_macs, all_cycles);
  return 0;
}
