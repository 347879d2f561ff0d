/* mcuprof_tflm_profiler.h — a TensorFlow Lite Micro profiler that reports every op TFLite
 * Micro runs as a layer of mcuprof's trace protocol (LAYER_BEGIN/LAYER_END on ITM, through
 * mcuprof_trace.h), so a stock TFLite Micro firmware gets mcuprof's per-layer results, on a
 * board over SWO as under mcuprof.
 *
 * Header-only C++. Include TFLite Micro's headers first (any that declares
 * tflite::MicroProfilerInterface, e.g. tensorflow/lite/micro/micro_interpreter.h), then:
 *
 *   mcuprof::TflmProfiler profiler;
 *   tflite::MicroInterpreter interpreter(model, resolver, arena, arena_size, nullptr, &profiler);
 *   profiler.run_begin(); interpreter.Invoke(); profiler.run_end();  // run_*: optional
 *
 * TFLite Micro calls BeginEvent with the op's name (TFLite's builtin name, "CONV_2D", or a
 * custom op's name) before each op and EndEvent after it. Each such event becomes layer N
 * (N counts the events from run_begin(), so N is the op's index in the graph) with op code
 * TFLite's BuiltinOperator code (MCUPROF_BUILTIN_*): mcuprof names it exactly as TFLite does.
 * A name that is not a builtin op's is a custom op (MCUPROF_BUILTIN_CUSTOM) at the top
 * level; inside an op it is a kernel's own event (TFLite Micro scopes some internal work
 * this way) and is not reported. MACs are not known here: every layer reports 0.
 * docs/trace-protocol.md, "TensorFlow Lite Micro". */
#ifndef MCUPROF_TFLM_PROFILER_H
#define MCUPROF_TFLM_PROFILER_H

#include <stdint.h>
#include <string.h>

#include "mcuprof_trace.h"

namespace mcuprof {

/* TFLite's BuiltinOperator code of an op named `name` as TFLite names it ("CONV_2D" -> 3), or
 * -1 when no builtin op has that name. A linear search (about 2.8 kB of names in flash); the
 * common ops come first, a miss costs a few thousand cycles, spent outside any layer. */
inline int32_t tflm_builtin_code(const char* name) {
#define MCUPROF_TFLM_NAME_(op, code) #op "\0"
#define MCUPROF_TFLM_CODE_(op, code) static_cast<uint8_t>(code),
  static const char kNames[] = MCUPROF_BUILTIN_OPS(MCUPROF_TFLM_NAME_);
  static const uint8_t kCodes[] = {MCUPROF_BUILTIN_OPS(MCUPROF_TFLM_CODE_)};
#undef MCUPROF_TFLM_NAME_
#undef MCUPROF_TFLM_CODE_
  if (name == nullptr) return -1;
  const char* entry = kNames;
  for (uint32_t i = 0; i < sizeof kCodes; ++i) {
    if (strcmp(entry, name) == 0) return kCodes[i];
    entry += strlen(entry) + 1;
  }
  return -1;
}

class TflmProfiler : public tflite::MicroProfilerInterface {
 public:
  TflmProfiler() = default;
  ~TflmProfiler() override = default;
  TflmProfiler(const TflmProfiler&) = delete;
  TflmProfiler& operator=(const TflmProfiler&) = delete;

  /* Marks the start of the measured work (RUN_BEGIN), e.g. just before Invoke(); layers are
   * counted from 0 again. */
  void run_begin() {
    next_layer_ = 0;
    mcuprof_run_begin();
  }
  /* Marks its end (RUN_END), e.g. just after Invoke() returns. */
  void run_end() { mcuprof_run_end(); }

  /* The handle is the layer's index + 1, or 0 for an event that is not reported. */
  uint32_t BeginEvent(const char* tag) override {
    int32_t code = tflm_builtin_code(tag);
    if (code < 0) {
      if (open_layers_ > 0) return 0u; /* a kernel's own event inside an op */
      code = MCUPROF_BUILTIN_CUSTOM;
    }
    const uint32_t index = next_layer_++;
    ++open_layers_;
    mcuprof_layer_begin(index, static_cast<uint32_t>(code), 0u);
    return index + 1u;
  }

  void EndEvent(uint32_t event_handle) override {
    if (event_handle == 0u) return;
    if (open_layers_ > 0) --open_layers_;
    mcuprof_layer_end(event_handle - 1u);
  }

 private:
  uint32_t next_layer_ = 0;
  uint32_t open_layers_ = 0;
};

} /* namespace mcuprof */

#endif /* MCUPROF_TFLM_PROFILER_H */
