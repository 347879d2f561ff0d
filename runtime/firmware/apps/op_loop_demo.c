/* op_loop_demo.c — the demo of profiling a firmware mcuprof knows nothing about: a tiny
 * interpreter shaped like TensorFlow Lite Micro's (a table of nodes, each with its op's
 * invoke function; an op loop `interpreter_invoke` calling them through the pointers) on
 * the runtime's int8 kernels, with its activations in a `tensor_arena`. It sends no
 * markers: `mcuprof run op_loop_demo.elf --window interpreter_invoke --layers-from
 * interpreter_invoke --observe-memory` finds the inference window and the layers from
 * its calls (docs/cli.md, "Stock firmware"). The network: conv 3x3 stride 2
 * (48x48x3 -> 24x24x16), depthwise 3x3, conv 1x1 (16 -> 24), average pool, fully
 * connected (24 -> 4). Weights are constants in flash; the input is a pattern. */
#include <stdint.h>

#include "mcuprof_kernels.h"
#include "mcuprof_semihosting.h"
#include "mcuprof_trace.h"

/* Weights: a fixed pattern (the rest of each array is zero). */
#define P8 3, -7, 11, -2, 5, -13, 1, 9
#define P64 P8, P8, P8, P8, P8, P8, P8, P8
static const int8_t conv1_w[16 * 3 * 3 * 3] = {P64, P64, P64, P64, P64, P64};
static const int8_t dw_w[3 * 3 * 16] = {P64, P64};
static const int8_t pw_w[24 * 16] = {P64, P64, P64, P64, P64, P64};
static const int8_t fc_w[4 * 24] = {P64, P8, P8, P8, P8};
static const int32_t mult[1] = {1518500250}; /* about 0.707 */
static const int32_t shift[1] = {-6};

/* The activations, placed by hand as a planner would: an op's input dies when it ends. */
enum { IN = 0, CONV1 = 8192, DW = 0, PW = 9216, POOL = 0, FC = 32 };
__attribute__((aligned(16))) int8_t tensor_arena[24 * 1024];
static uint8_t scratch[4096];

struct node;
typedef void (*invoke_fn)(const struct node* n);
struct node {
  invoke_fn invoke;
  int32_t in, out; /* arena offsets */
};

static void conv1_invoke(const struct node* n) {
  const mcuprof_conv_params p = {1, 48, 48, 3, 24, 24, 16,   3,   3, 2,    2,
                                 1, 1,  0,  0, 0,  0,  -128, 127, 0, mult, shift, NULL};
  mcuprof_conv2d_s8(&p, tensor_arena + n->in, conv1_w, 0, tensor_arena + n->out, scratch);
}

static void dw_invoke(const struct node* n) {
  const mcuprof_depthwise_params p = {1, 24, 24, 16, 24, 24, 1,    3,   3, 1,    1,
                                      1, 1,  1,  1,  0,  0,  -128, 127, 0, mult, shift, NULL};
  mcuprof_depthwise_conv2d_s8(&p, tensor_arena + n->in, dw_w, 0, tensor_arena + n->out, scratch);
}

static void pw_invoke(const struct node* n) {
  const mcuprof_conv_params p = {1, 24, 24, 16, 24, 24, 24,   1,   1, 1,    1,
                                 1, 1,  0,  0,  0,  0,  -128, 127, 0, mult, shift, NULL};
  mcuprof_conv2d_s8(&p, tensor_arena + n->in, pw_w, 0, tensor_arena + n->out, scratch);
}

static void pool_invoke(const struct node* n) {
  const mcuprof_pool_params p = {1, 24, 24, 24, 1, 1, 24, 24, 24, 24, 0, 0, -128, 127};
  mcuprof_average_pool_s8(&p, tensor_arena + n->in, tensor_arena + n->out);
}

static void fc_invoke(const struct node* n) {
  const mcuprof_fc_params p = {1, 24, 4, 0, 0, -128, 127, 0, mult, shift, NULL};
  mcuprof_fully_connected_s8(&p, tensor_arena + n->in, fc_w, 0, tensor_arena + n->out);
}

static const struct node graph[] = {
    {conv1_invoke, IN, CONV1}, {dw_invoke, CONV1, DW}, {pw_invoke, DW, PW},
    {pool_invoke, PW, POOL},   {fc_invoke, POOL, FC},
};

/* The op loop: one call through a function pointer per node, as TFLite Micro's. */
__attribute__((noinline)) void interpreter_invoke(void) {
  for (uint32_t i = 0; i < sizeof graph / sizeof graph[0]; ++i) graph[i].invoke(&graph[i]);
}

int main(void) {
  for (int32_t i = 0; i < 48 * 48 * 3; ++i) tensor_arena[IN + i] = (int8_t)((i * 37) % 251 - 125);
  interpreter_invoke();
  uint32_t sum = 0; /* of the 1x1 conv's output and the scores */
  for (int32_t i = 0; i < 24 * 24 * 24; ++i) sum = sum * 31u + (uint8_t)tensor_arena[PW + i];
  for (int32_t k = 0; k < 4; ++k) sum = sum * 31u + (uint8_t)tensor_arena[FC + k];
  mcuprof_console_write("op loop demo: 5 layers, checksum 0x");
  mcuprof_console_hex32(sum);
  mcuprof_console_write("\n");
  return 0;
}
