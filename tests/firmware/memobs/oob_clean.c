/* oob_clean.c — oob_write.c without the stray store: a 64-byte tensor announced with the
 * trace protocol, filled and read back inside its bounds. `mcuprof run --observe-memory`
 * must report no out-of-bounds write, and an observed peak of at least the tensor's 64
 * bytes (written, then read).
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

int main(void) {
  mcuprof_run_begin();
  mcuprof_arena(oob_arena, sizeof oob_arena);
  mcuprof_tensor_alloc(1, TENSOR_OFFSET, TENSOR_BYTES);
  fill_buffer(oob_arena + TENSOR_OFFSET, TENSOR_BYTES);
  oob_sink = sum_buffer(oob_arena + TENSOR_OFFSET, TENSOR_BYTES);
  mcuprof_tensor_free(1);
  mcuprof_run_end();
  return 0;
}
