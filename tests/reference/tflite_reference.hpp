// An independent, deliberately plain implementation of TensorFlow Lite's int8
// arithmetic, used only by the tests to check the runtime kernels byte for byte.
// It follows TFLite's documented semantics literally: 64-bit intermediates, a nudge
// and a truncating division for the doubling high multiply, explicit bounds checks
// for padding, a gemmlowp-like FixedPoint type for SOFTMAX. It shares nothing with
// runtime/firmware/src/kernels but the parameter structs of mcuprof_kernels.h.
#pragma once

#include <cstdint>
#include <vector>

#include "mcuprof_kernels.h"

namespace mcuprof::ref {

using Bytes = std::vector<int8_t>;

// ---- arithmetic primitives ----
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t rounding_divide_by_pot(int32_t x, int exponent);
int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift);
// exp(x) for x <= 0, x in Q5.26 (raw), result Q0.31 (raw).
int32_t exp_on_negative_values(int32_t q5_26);
// 1/(1+x) for x in [0,1), Q0.31 raw in and out.
int32_t one_over_one_plus_x(int32_t q0_31);

// ---- host-side parameter helpers (what a compiler computes) ----
// TFLite's QuantizeMultiplier: real = multiplier * 2^(shift-31).
void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift);
// TFLite's PreprocessSoftmaxScaling(beta, input_scale, 5) and -CalculateInputRadius.
void softmax_params(double beta, double input_scale, int32_t* multiplier, int32_t* left_shift,
                    int32_t* diff_min);

// ---- operators ----
Bytes conv2d(const mcuprof_conv_params& p, const Bytes& input, const Bytes& filter,
             const std::vector<int32_t>& bias);
Bytes depthwise_conv2d(const mcuprof_depthwise_params& p, const Bytes& input, const Bytes& filter,
                       const std::vector<int32_t>& bias);
Bytes fully_connected(const mcuprof_fc_params& p, const Bytes& input, const Bytes& filter,
                      const std::vector<int32_t>& bias);
Bytes add(const mcuprof_add_params& p, const Bytes& in1, const Bytes& in2);
Bytes mul(const mcuprof_mul_params& p, const Bytes& in1, const Bytes& in2);
Bytes average_pool(const mcuprof_pool_params& p, const Bytes& input);
Bytes max_pool(const mcuprof_pool_params& p, const Bytes& input);
// MEAN as TensorFlow Lite Micro's int8 kernel computes it (reduce_common.cc →
// QuantizedMeanOrSum, every axis set and keep_dims alike): per output, the int32 sum of
// the raw inputs minus zero_point x count, times QuantizeMultiplier(in_scale/out_scale)
// with 1/count folded into the multiplier (shifted left by floor(log2 count), at most
// 32 and at most 31 + shift, then divided by count), plus the output zero point,
// clamped. mean_reference.cpp.
struct MeanSpec {
  std::vector<int32_t> dims;  // the input's shape
  std::vector<int32_t> axes;  // as the model gives them: negative and repeated allowed
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0, shift = 0;  // QuantizeMultiplier(input_scale / output_scale)
};
Bytes mean(const MeanSpec& spec, const Bytes& input);
// The H,W case of a 4-D tensor with the kernel's parameter struct (same arithmetic).
Bytes mean_hw(const mcuprof_mean_params& p, const Bytes& input);
Bytes softmax(const mcuprof_softmax_params& p, const Bytes& input);
Bytes quantize(const std::vector<float>& input, float scale, int32_t zero_point);
std::vector<float> dequantize(const Bytes& input, float scale, int32_t zero_point);
Bytes pad(const mcuprof_pad_params& p, const Bytes& input);
Bytes transpose(const mcuprof_transpose_params& p, const Bytes& input);
Bytes resize_nearest(const mcuprof_resize_params& p, const Bytes& input);
Bytes concat(const mcuprof_concat_params& p, const std::vector<Bytes>& inputs);

}  // namespace mcuprof::ref
