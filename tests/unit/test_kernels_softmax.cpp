// int8 SOFTMAX: host kernel against the reference (gemmlowp fixed point written
// independently) on seeded rows with parameters from TFLite's PreprocessSoftmaxScaling,
// and sanity of the result itself (sums to ~1, order preserved, limits).
#include <gtest/gtest.h>

#include <cmath>

#include "kernel_test_random.hpp"
#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

namespace {
mcuprof_softmax_params params(double input_scale, int32_t rows, int32_t depth, double beta = 1.0) {
  mcuprof_softmax_params p{};
  p.rows = rows;
  p.depth = depth;
  ref::softmax_params(beta, input_scale, &p.input_multiplier, &p.input_left_shift, &p.diff_min);
  return p;
}
}  // namespace

TEST(KernelSoftmax, MatchesReferenceOnRandomRows) {
  test::KernelRandom r(41);
  for (int i = 0; i < 400; ++i) {
    const double scale = std::ldexp(1.0 + r.range(0, 1000) / 1000.0, -r.range(1, 7));
    const double beta = r.chance(80) ? 1.0 : r.range(1, 40) / 10.0;
    auto p = params(scale, r.range(1, 4), r.chance(50) ? r.range(1, 12) : r.range(1, 1001), beta);
    auto input = r.bytes(static_cast<size_t>(p.rows) * p.depth);
    if (r.chance(20)) {  // narrow value ranges and ties
      for (auto& v : input) v = static_cast<int8_t>(r.range(100, 127));
    }
    ref::Bytes got(input.size());
    mcuprof_softmax_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, ref::softmax(p, input)) << "case " << i << " depth " << p.depth;
  }
}

TEST(KernelSoftmax, OutputIsAProbabilityDistribution) {
  const double scale = 0.1;
  const auto p = params(scale, 1, 10);
  const int8_t input[10] = {-128, -50, 0, 10, 20, 30, 40, 50, 60, 127};
  int8_t out[10];
  mcuprof_softmax_s8(&p, input, out);
  double total = 0.0, expected_total = 0.0;
  for (int c = 0; c < 10; ++c) expected_total += std::exp(scale * (input[c] - 127));
  for (int c = 0; c < 10; ++c) {
    const double prob = (out[c] + 128) / 256.0;
    total += prob;
    EXPECT_NEAR(prob, std::exp(scale * (input[c] - 127)) / expected_total, 1.0 / 256.0 + 1e-3) << c;
    if (c > 0) {
      EXPECT_LE(out[c - 1], out[c]);
    }
  }
  EXPECT_NEAR(total, 1.0, 10.0 / 256.0);
  EXPECT_EQ(out[0], -128);  // far below the maximum
}

TEST(KernelSoftmax, AllEqualInputsShareTheMass) {
  const auto p = params(0.05, 1, 4);
  const int8_t input[4] = {7, 7, 7, 7};
  int8_t out[4];
  mcuprof_softmax_s8(&p, input, out);
  for (int8_t v : out) EXPECT_EQ(v, 64 - 128);  // 1/4 in steps of 1/256
  const auto single = params(0.05, 1, 1);
  mcuprof_softmax_s8(&single, input, out);
  EXPECT_EQ(out[0], 127);  // 1.0 saturates at 255/256
}
