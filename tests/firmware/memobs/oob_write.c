/* oob_write.c — a firmware with an out-of-bounds write: it announces a 64-byte tensor in
 * its arena with the trace protocol, fills it, then writes ONE byte past its end from
 * write_past_buffer(). `mcuprof run --observe-memory` must report exactly that store (PC in
 * write_past_buffer, address oob_arena + 32 + 64); test_memory_observation checks it.
 * oob_clean.c is the same program without the stray store (it defines OOB_CLEAN and
 * includes this file).
 * mcuprof-cores: cortex-m4 */
#include "mcuprof_trace.h"

#define TENSOR_OFFSET 32u
#define TENSOR_BYTES 64u

uint8_t oob_arena[256] __attribute__((aligned(16)));
volatile uint32_t oob_sink;

__attribute__((noipa)) void fill_buffer(uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) p[i] = (uint8_t)(i * 3u + 1u);
}

__attribute__((noipa)) uint32_t sum_buffer(const uint8_t* p, uint32_t n) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += p[i];
  return s;
}

__attribute__((noipa)) void write_past_buffer(uint8_t* p, uint32_t n) {
  p[n] = 0x5A; /* the bug: p[n - 1] is the last byte of the buffer */
}

int main(void) {
  mcuprof_run_begin();
  mcuprof_arena(oob_arena, sizeof oob_arena);
  mcuprof_tensor_alloc(1, TENSOR_OFFSET, TENSOR_BYTES);
  fill_buffer(oob_arena + TENSOR_OFFSET, TENSOR_BYTES);
#ifndef OOB_CLEAN
  write_past_buffer(oob_arena + TENSOR_OFFSET, TENSOR_BYTES);
#endif
  oob_sink = sum_buffer(oob_arena + TENSOR_OFFSET, TENSOR_BYTES);
  mcuprof_tensor_free(1);
  mcuprof_run_end();
  return 0;
}
