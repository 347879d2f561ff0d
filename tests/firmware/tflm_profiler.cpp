/* tflm_profiler.cpp — mcuprof_tflm_profiler.h driven as TensorFlow Lite Micro's op loop
 * drives a profiler, without TFLite Micro: a stand-in tflite::MicroProfilerInterface with
 * the documented methods, then one "Invoke" of seven ops (BeginEvent(op name), work,
 * EndEvent(handle)), a kernel's own event nested in one of them and a custom op, between
 * run_begin() and run_end(). test_tflm_profiler checks the layers mcuprof reports. main
 * returns the number of failed checks of the name -> code table (0 when all hold). */
#include <stdint.h>

namespace tflite {
/* Stand-in for tensorflow/lite/micro/micro_profiler_interface.h: the same interface as its
 * documentation gives it (a virtual destructor, BeginEvent(tag) returning an event handle,
 * EndEvent(handle)). */
class MicroProfilerInterface {
 public:
  virtual ~MicroProfilerInterface() {}
  virtual uint32_t BeginEvent(const char* tag) = 0;
  virtual void EndEvent(uint32_t event_handle) = 0;
};
}  // namespace tflite

#include "mcuprof_tflm_profiler.h"

namespace {

/* Busy work whose instruction count grows with n. */
void work(uint32_t n) {
  volatile uint32_t sink = 0;
  for (uint32_t i = 0; i < n; ++i) sink = sink + i;
}

struct Op {
  const char* name; /* as TFLite Micro names it: the builtin name or the custom op's name */
  uint32_t work;
};

/* The graph: layer k of the trace is kOps[k]. */
const Op kOps[] = {
    {"CONV_2D", 3000},   {"DEPTHWISE_CONV_2D", 2000}, {"ADD", 500},     {"MyCustomOp", 800},
    {"HARD_SWISH", 400}, {"FULLY_CONNECTED", 1000},   {"SOFTMAX", 300},
};

/* TFLite Micro runs the ops through the interface, as MicroInterpreter's op loop does. */
void invoke(tflite::MicroProfilerInterface* profiler) {
  for (const Op& op : kOps) {
    const uint32_t handle = profiler->BeginEvent(op.name);
    work(op.work);
    if (op.name[0] == 'D') {
      /* A kernel scoping its own work (TFLite Micro's decompression does): not a layer. */
      const uint32_t inner = profiler->BeginEvent("DecompressToBuffer");
      work(200);
      profiler->EndEvent(inner);
    }
    profiler->EndEvent(handle);
  }
}

}  // namespace

int main() {
  int failures = 0;
  failures += mcuprof::tflm_builtin_code("ADD") != 0;
  failures += mcuprof::tflm_builtin_code("CONV_2D") != 3;
  failures += mcuprof::tflm_builtin_code("DEPTHWISE_CONV_2D") != 4;
  failures += mcuprof::tflm_builtin_code("FULLY_CONNECTED") != 9;
  failures += mcuprof::tflm_builtin_code("CUSTOM") != 32;
  failures += mcuprof::tflm_builtin_code("STABLEHLO_CASE") != 209; /* the last entry */
  failures += mcuprof::tflm_builtin_code("CONV") != -1;            /* a prefix is no match */
  failures += mcuprof::tflm_builtin_code("") != -1;
  failures += mcuprof::tflm_builtin_code(nullptr) != -1;

  mcuprof::TflmProfiler profiler;
  profiler.run_begin();
  invoke(&profiler);
  profiler.run_end();
  return failures;
}
