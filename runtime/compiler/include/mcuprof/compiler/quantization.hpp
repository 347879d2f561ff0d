// Fixed-point requantization parameters, computed on the host exactly as TensorFlow
// Lite computes them at Prepare time, so the firmware's int8 kernels need no float.
#pragma once

#include <cstdint>
#include <vector>

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::compiler {

// A real multiplier m as q * 2^shift with q a Q31 value in [2^30, 2^31) (TFLite's
// QuantizeMultiplier: frexp, round, renormalise on overflow, flush tiny values to 0).
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;  // > 0: left shift
};
QuantizedMultiplier quantize_multiplier(double real_multiplier);

// Everything an op's kernel needs; field meanings as in mcuprof_model_image.h.
struct OpQuantParams {
  int32_t act_min = -128, act_max = 127;
  int32_t input_offset = 0, input2_offset = 0, output_offset = 0;
  QuantizedMultiplier output;          // per-tensor requantization
  QuantizedMultiplier input1, input2;  // ADD input rescales; SOFTMAX beta multiplier in input1
  int32_t left_shift = 0;              // ADD: 20; SOFTMAX: diff_min
  std::vector<QuantizedMultiplier> per_channel;  // CONV/DEPTHWISE/FC
  float scale = 0.0f;                            // QUANTIZE from float / DEQUANTIZE
};

OpQuantParams compute_quant_params(const Graph& g, const Operator& op);

}  // namespace mcuprof::compiler
