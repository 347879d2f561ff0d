// Host-side requantization parameters, following TFLite's Prepare-time arithmetic
// (kernel_util.cc PopulateConvolutionQuantizationParams, quantization_util.cc
// QuantizeMultiplier, add/mul/softmax/reduce Prepare). docs/runtime.md lists them.
#include "mcuprof/compiler/quantization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mcuprof::compiler {

QuantizedMultiplier quantize_multiplier(double m) {
  if (m == 0.0 || !std::isfinite(m)) return {0, 0};
  int shift = 0;
  const double q = std::frexp(m, &shift);
  auto q_fixed = static_cast<int64_t>(std::round(q * (int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 30) {  // TFLite caps the shift at 30 and saturates the multiplier
    shift = 30;
    q_fixed = (int64_t{1} << 31) - 1;
  }
  return {static_cast<int32_t>(q_fixed), shift};
}

namespace {

void activation_range(Activation a, float scale, int32_t zp, OpQuantParams& p) {
  const auto quantize = [&](float v) {
    // Float, as TFLite; clamped so absurd scales cannot overflow the conversion.
    const float q = std::clamp(std::round(v / scale), -1e6f, 1e6f);
    return zp + static_cast<int32_t>(q);
  };
  int32_t lo = -128, hi = 127;
  if (a == Activation::kRelu) lo = std::max(lo, quantize(0.0f));
  if (a == Activation::kRelu6) {
    lo = std::max(lo, quantize(0.0f));
    hi = std::min(hi, quantize(6.0f));
  }
  p.act_min = lo;
  p.act_max = hi;
}

}  // namespace

OpQuantParams compute_quant_params(const Graph& g, const Operator& op) {
  OpQuantParams p;
  const Tensor& in = g.in(op);
  const Tensor& out = g.out(op);
  p.input_offset = -in.zero_point();
  p.output_offset = out.zero_point();
  if (out.dtype == DType::kInt8)
    activation_range(op.options.activation, out.scale(), out.zero_point(), p);
  switch (op.type) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected: {
      const Tensor& w = g.in(op, 1);
      const std::size_t channels = op.type == OpType::kDepthwiseConv2D
                                       ? static_cast<std::size_t>(w.shape[3])
                                       : static_cast<std::size_t>(w.shape[0]);
      for (std::size_t c = 0; c < channels; ++c) {
        const double ws =
            static_cast<double>(w.quant.per_channel() ? w.quant.scale[c] : w.quant.scale[0]);
        const double eff = static_cast<double>(in.scale()) * ws / static_cast<double>(out.scale());
        p.per_channel.push_back(quantize_multiplier(eff));
      }
      p.output = p.per_channel.front();
      break;
    }
    case OpType::kAdd: {
      const Tensor& in2 = g.in(op, 1);
      p.input2_offset = -in2.zero_point();
      p.left_shift = 20;
      const double twice_max =
          2.0 * std::max(static_cast<double>(in.scale()), static_cast<double>(in2.scale()));
      p.input1 = quantize_multiplier(static_cast<double>(in.scale()) / twice_max);
      p.input2 = quantize_multiplier(static_cast<double>(in2.scale()) / twice_max);
      p.output =
          quantize_multiplier(twice_max / ((1 << p.left_shift) * static_cast<double>(out.scale())));
      break;
    }
    case OpType::kMul: {
      const Tensor& in2 = g.in(op, 1);
      p.input2_offset = -in2.zero_point();
      p.output =
          quantize_multiplier(static_cast<double>(in.scale()) * static_cast<double>(in2.scale()) /
                              static_cast<double>(out.scale()));
      break;
    }
    case OpType::kMean:
    case OpType::kQuantize:
      if (in.dtype == DType::kInt8)
        p.output =
            quantize_multiplier(static_cast<double>(in.scale()) / static_cast<double>(out.scale()));
      else
        p.scale = out.scale();
      break;
    case OpType::kDequantize:
      p.scale = in.scale();
      break;
    case OpType::kSoftmax: {
      // PreprocessSoftmaxScaling with 5 integer bits, and -CalculateInputRadius as diff_min.
      constexpr int kScaledDiffIntegerBits = 5;
      const double max_real = static_cast<double>((int64_t{1} << 31) - 1);
      const double real =
          std::min(static_cast<double>(op.options.beta) * static_cast<double>(in.scale()) *
                       static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
                   max_real);
      p.input1 = quantize_multiplier(real);  // greater than one: shift >= 0
      const double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                            static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
                            std::ldexp(1.0, p.input1.shift);
      p.left_shift = -static_cast<int32_t>(std::min(std::floor(radius), 2147483647.0));
      break;
    }
    default:
      break;
  }
  return p;
}

}  // namespace mcuprof::compiler
