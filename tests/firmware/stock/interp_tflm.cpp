/* interp_tflm.cpp — a firmware shaped like TensorFlow Lite Micro, for the tests of layers
 * and window from calls (test_stock_firmware): a registration table of op invoke
 * functions filled by a global constructor, an op loop `MicroInterpreterGraph::
 * InvokeSubgraph` calling each op through its function pointer (and, like TFLM, a name
 * helper and the allocator's reset beside it), `MicroInterpreter::Invoke` ending with a
 * tail call into it, the tensors in a `tensor_arena`. Two ops share a function name in
 * different namespaces, as TFLM's anonymous `Eval`s do. main runs an allocation phase,
 * then Invoke twice (the window is the first call). The op loop also sends mcuprof's
 * layer markers, so the same binary gives layers from markers (default) and from calls
 * (--layers-from), to be compared. Our own code: nothing of TFLM is used. */
#include <stdint.h>

#include "mcuprof_trace.h"

alignas(16) uint8_t tensor_arena[12 * 1024];
volatile uint32_t sink;

namespace tflite {

struct TfLiteContext {
  uint8_t* arena;
};
struct TfLiteNode {
  uint32_t input, output, bytes, passes;  // arena offsets and sizes, work per byte
};
using InvokeFn = int (*)(TfLiteContext*, TfLiteNode*);
struct TFLMRegistration {
  InvokeFn invoke;
  const char* name;
  uint32_t builtin_code;  // TFLite's BuiltinOperator code, sent in the layer marker
};

namespace {
// out[i] = f(in[i]) `passes` times: the op's work, reading and writing the arena.
__attribute__((always_inline)) inline void elementwise(TfLiteContext* c, TfLiteNode* n,
                                                       uint32_t k) {
  uint8_t* in = c->arena + n->input;
  uint8_t* out = c->arena + n->output;
  for (uint32_t p = 0; p < n->passes; ++p)
    for (uint32_t i = 0; i < n->bytes; ++i) out[i] = (uint8_t)(in[i] * k + p);
}
}  // namespace

namespace conv {
namespace {
__attribute__((noinline)) int Eval(TfLiteContext* c, TfLiteNode* n) {
  elementwise(c, n, 3);
  return 0;
}
}  // namespace
}  // namespace conv

namespace depthwise_conv {
namespace {
__attribute__((noinline)) int Eval(TfLiteContext* c, TfLiteNode* n) {
  elementwise(c, n, 5);
  return 0;
}
}  // namespace
}  // namespace depthwise_conv

namespace {
__attribute__((noinline)) int AddEval(TfLiteContext* c, TfLiteNode* n) {
  uint8_t* a = c->arena + n->input;
  uint8_t* out = c->arena + n->output;
  for (uint32_t i = 0; i < n->bytes; ++i) out[i] = (uint8_t)(a[i] + out[i]);
  return 0;
}
__attribute__((noinline)) int SoftmaxEval(TfLiteContext* c, TfLiteNode* n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n->bytes; ++i) sum += c->arena[n->input + i];
  c->arena[n->output] = (uint8_t)sum;
  return 0;
}
}  // namespace

struct NodeAndRegistration {
  TfLiteNode node;
  const TFLMRegistration* registration;
};

const TFLMRegistration kConv = {conv::Eval, "CONV_2D", 3};
const TFLMRegistration kDepthwise = {depthwise_conv::Eval, "DEPTHWISE_CONV_2D", 4};
const TFLMRegistration kAdd = {AddEval, "ADD", 0};
const TFLMRegistration kSoftmax = {SoftmaxEval, "SOFTMAX", 25};

// Filled by a global constructor, as TFLM's op resolver and model set-up would be.
struct Graph {
  NodeAndRegistration nodes[8];
  uint32_t count = 0;
  Graph() {
    const NodeAndRegistration table[] = {
        {{0, 4096, 2048, 6}, &kConv},      {{4096, 0, 2048, 4}, &kDepthwise},
        {{0, 6144, 1024, 5}, &kConv},      {{6144, 0, 1024, 1}, &kAdd},
        {{0, 8192, 1024, 3}, &kDepthwise}, {{8192, 0, 512, 7}, &kConv},
        {{0, 4096, 512, 1}, &kAdd},        {{4096, 0, 256, 1}, &kSoftmax},
    };
    for (const auto& n : table) nodes[count++] = n;
  }
};
Graph graph;

class MicroAllocator {
 public:
  __attribute__((noinline)) void ResetTempAllocations() { ++resets; }
  uint32_t resets = 0;
};

__attribute__((noinline)) const char* OpNameFromRegistration(const TFLMRegistration* r) {
  return r->name;
}

class MicroInterpreterGraph {
 public:
  __attribute__((noinline)) int InvokeSubgraph(int subgraph_index);
  TfLiteContext* context = nullptr;
  MicroAllocator* allocator = nullptr;
};

int MicroInterpreterGraph::InvokeSubgraph(int subgraph_index) {
  if (subgraph_index != 0) return 1;
  int status = 0;
  for (uint32_t i = 0; i < graph.count && status == 0; ++i) {
    const TFLMRegistration* r = graph.nodes[i].registration;
    sink = (uint32_t)(uintptr_t)OpNameFromRegistration(r);
    mcuprof_layer_begin(i, r->builtin_code, 0);
    status = r->invoke(context, &graph.nodes[i].node);
    mcuprof_layer_end(i);
    allocator->ResetTempAllocations();
  }
  return status;
}

class MicroInterpreter {
 public:
  __attribute__((noinline)) int Invoke();
  __attribute__((noinline)) int AllocateTensors();
  MicroInterpreterGraph graph_;
  bool allocated_ = false;
};

int MicroInterpreter::AllocateTensors() {
  for (uint32_t i = 0; i < sizeof tensor_arena; ++i) tensor_arena[i] = (uint8_t)i;
  allocated_ = true;
  return 0;
}

// Ends with a tail call (B.W) into the op loop, as TFLM's Invoke does.
int MicroInterpreter::Invoke() {
  if (!allocated_) return 2;
  return graph_.InvokeSubgraph(0);
}

}  // namespace tflite

int main(void) {
  if (tflite::graph.count != 8) return 3;  // the global constructor did not run
  static tflite::TfLiteContext context = {tensor_arena};
  static tflite::MicroAllocator allocator;
  static tflite::MicroInterpreter interpreter;
  interpreter.graph_.context = &context;
  interpreter.graph_.allocator = &allocator;
  if (interpreter.AllocateTensors() != 0) return 4;
  int status = interpreter.Invoke();
  status |= interpreter.Invoke();
  sink = tensor_arena[0];
  return status == 0 && allocator.resets == 16 ? 0 : 5;
}
