// Seeded random shapes, data and quantization parameters for the kernel tests
// (host kernels vs the reference): realistic requantization from real scales via
// QuantizeMultiplier, plus extreme multipliers/shifts and zero points at the limits.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "tflite_reference.hpp"

namespace mcuprof::test {

class KernelRandom {
 public:
  explicit KernelRandom(uint32_t seed) : rng_(seed) {}

  int32_t range(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng_);
  }
  bool chance(int percent) { return range(0, 99) < percent; }

  ref::Bytes bytes(size_t n) {
    ref::Bytes b(n);
    for (auto& v : b) v = static_cast<int8_t>(range(-128, 127));
    return b;
  }

  // -zero point of an int8 tensor, at the limits now and then.
  int32_t input_offset() {
    if (chance(15)) return chance(50) ? -127 : 128;
    return -range(-128, 127);
  }
  int32_t output_offset() {
    if (chance(15)) return chance(50) ? -128 : 127;
    return range(-128, 127);
  }

  // A (multiplier, shift) pair: mostly QuantizeMultiplier of a plausible real scale,
  // sometimes extreme values.
  void requant(int32_t* multiplier, int32_t* shift) {
    if (chance(15)) {
      const int32_t ms[] = {1 << 30, INT32_MAX, (1 << 30) + 1, INT32_MAX - 1};
      *multiplier = ms[range(0, 3)];
      *shift = range(-31, 4);
      return;
    }
    const double real =
        std::ldexp(std::uniform_real_distribution<double>(0.5, 1.0)(rng_), range(-16, 0));
    ref::quantize_multiplier(real, multiplier, shift);
  }

  // Activation clamp in the output domain: none, ReLU, ReLU6-like, random window.
  void activation(int32_t zero_point, int32_t* lo, int32_t* hi) {
    switch (range(0, 3)) {
      case 0:
        *lo = -128;
        *hi = 127;
        break;
      case 1:
        *lo = zero_point;
        *hi = 127;
        break;
      case 2:
        *lo = zero_point;
        *hi = std::min(127, zero_point + range(1, 100));
        break;
      default:
        *lo = range(-128, 0);
        *hi = range(*lo, 127);
        break;
    }
  }

  std::vector<int32_t> bias(int32_t n, int32_t magnitude = 50000) {
    std::vector<int32_t> b(static_cast<size_t>(n));
    for (auto& v : b) v = range(-magnitude, magnitude);
    return b;
  }

  std::mt19937& engine() { return rng_; }

 private:
  std::mt19937 rng_;
};

// TFLite's SAME/VALID output size and leading padding.
inline int32_t out_size(int32_t in, int32_t filter, int32_t stride, int32_t dilation, bool same) {
  const int32_t effective = (filter - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}
inline int32_t pad_before(int32_t in, int32_t out, int32_t filter, int32_t stride,
                          int32_t dilation) {
  const int32_t total = (out - 1) * stride + (filter - 1) * dilation + 1 - in;
  return total > 0 ? total / 2 : 0;
}

}  // namespace mcuprof::test
