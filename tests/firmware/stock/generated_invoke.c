/* generated_invoke.c — a firmware shaped like TinyEngine's generated code, for the tests
 * of layers and window from calls (test_stock_firmware): one `invoke` that calls a kernel
 * function per layer directly (BL), the activations in one static `buffer`, in-place ops
 * writing over their input. invoke also sends mcuprof's layer markers around each call,
 * so the same binary gives layers from markers (default) and from calls (--layers-from
 * invoke), to be compared. Our own code: nothing of TinyEngine is used. */
#include <stdint.h>

#include "mcuprof_trace.h"

signed char buffer[8192];
volatile int32_t sink;

__attribute__((noinline, noipa)) void convolve_s8_kernel3_stride2(const signed char* in, int n,
                                                                  signed char* out) {
  for (int p = 0; p < 4; ++p)
    for (int i = 0; i < n; ++i) out[i] = (signed char)(in[i] * 3 + in[(i + 1) % n] + p);
}

__attribute__((noinline, noipa)) void depthwise_kernel3x3_inplace(signed char* io, int n) {
  for (int p = 0; p < 3; ++p)
    for (int i = 1; i < n; ++i) io[i] = (signed char)(io[i] + io[i - 1] * 2);
}

__attribute__((noinline, noipa)) void convolve_1x1_s8(const signed char* in, int n,
                                                      signed char* out) {
  for (int i = 0; i < n; ++i) out[i] = (signed char)(in[i] * 7 - 1);
}

__attribute__((noinline, noipa)) void add_fpreq(int n, const signed char* a, const signed char* b,
                                                signed char* out) {
  for (int i = 0; i < n; ++i) out[i] = (signed char)(a[i] + b[i]);
}

__attribute__((noinline, noipa)) void avg_pooling(const signed char* in, int n, signed char* out) {
  int32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += in[i];
  out[0] = (signed char)(sum / n);
}

void invoke(float* labels) {
  /* layer 0: CONV_2D */
  mcuprof_layer_begin(0, 3, 0);
  convolve_s8_kernel3_stride2(&buffer[4096], 2048, &buffer[0]);
  mcuprof_layer_end(0);
  /* layer 1: DEPTHWISE_CONV_2D, in place */
  mcuprof_layer_begin(1, 4, 0);
  depthwise_kernel3x3_inplace(&buffer[0], 2048);
  mcuprof_layer_end(1);
  /* layer 2: CONV_2D 1x1 */
  mcuprof_layer_begin(2, 3, 0);
  convolve_1x1_s8(&buffer[0], 2048, &buffer[2048]);
  mcuprof_layer_end(2);
  /* layer 3: ADD */
  mcuprof_layer_begin(3, 0, 0);
  add_fpreq(2048, &buffer[0], &buffer[2048], &buffer[4096]);
  mcuprof_layer_end(3);
  /* layer 4: AVERAGE_POOL_2D */
  mcuprof_layer_begin(4, 1, 0);
  avg_pooling(&buffer[4096], 2048, &buffer[0]);
  mcuprof_layer_end(4);
  labels[0] = (float)buffer[0];
}

int main(void) {
  for (int i = 0; i < 4096; ++i) buffer[4096 + i] = (signed char)(i * 13);
  float labels[2] = {0};
  invoke(labels);
  sink = (int32_t)labels[0];
  return 0;
}
