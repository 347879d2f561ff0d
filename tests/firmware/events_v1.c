/* events_v1.c — a firmware speaking trace protocol 1, as firmware built with mcuprof_trace.h
 * before protocol 2 does: RUN_BEGIN says version 1 and LAYER_BEGIN's op codes are mcuprof's
 * own numbering of then (1 CONV_2D, 2 DEPTHWISE_CONV_2D, 3 FULLY_CONNECTED, 16
 * CONCATENATION), not TFLite's. test_op_names checks mcuprof still names its layers so. */
#include "mcuprof_trace.h"

static void work(uint32_t n) {
  volatile uint32_t sink = 0;
  for (uint32_t i = 0; i < n; ++i) sink = sink + i;
}

int main(void) {
  static const uint32_t kOldCodes[] = {1u, 2u, 3u, 16u};
  mcuprof_event0(MCUPROF_EV_RUN_BEGIN, 1u); /* protocol 1, written out */
  for (uint32_t i = 0; i < 4u; ++i) {
    mcuprof_layer_begin(i, kOldCodes[i], 100u * (i + 1u));
    work(50);
    mcuprof_layer_end(i);
  }
  mcuprof_run_end();
  return 0;
}
