/* events.c — a firmware that reports itself with the trace protocol: a stage of two
 * patches of two layers each, one layer after it, and tensors in a 1 KiB arena. The
 * host test (test_cli_events) checks the spans and arena figures mcuprof derives. */
#include "mcuprof_trace.h"

static uint8_t arena[1024];

/* Busy work whose instruction count grows with n. */
static void work(uint32_t n) {
  volatile uint32_t sink = 0;
  for (uint32_t i = 0; i < n; ++i) sink = sink + i;
}

int main(void) {
  mcuprof_run_begin();
  mcuprof_arena(arena, sizeof arena);
  mcuprof_tensor_alloc(0, 0, 256); /* stage output */
  mcuprof_stage_begin(0);
  for (uint32_t p = 0; p < 2; ++p) {
    mcuprof_patch_begin(p, 0, p);
    mcuprof_tensor_alloc(1, 256, 128);
    mcuprof_layer_begin(0, MCUPROF_BUILTIN_CONV_2D, 1000);
    work(100);
    mcuprof_layer_end(0);
    mcuprof_tensor_alloc(2, 384, 64);
    mcuprof_tensor_free(1);
    mcuprof_layer_begin(1, MCUPROF_BUILTIN_DEPTHWISE_CONV_2D, 2000);
    work(200);
    mcuprof_layer_end(1);
    mcuprof_tensor_free(2);
    mcuprof_patch_end(p);
  }
  mcuprof_stage_end(0);
  mcuprof_layer_begin(2, MCUPROF_BUILTIN_FULLY_CONNECTED, 500);
  work(50);
  mcuprof_layer_end(2);
  mcuprof_tensor_free(0);
  mcuprof_run_end();
  return 0;
}
