// Host-side requantization parameters against an independent computation: the real
// multiplier is rebuilt from (multiplier, shift) and compared, and the normalisation is
// redone by repeated doubling/halving instead of frexp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/quantization.hpp"
#include "paths.hpp"

using namespace mcuprof;
using namespace mcuprof::compiler;

namespace {

// Independent: normalise m into [0.5, 1) by doubling/halving, then round to Q31.
QuantizedMultiplier reference(double m) {
  int shift = 0;
  while (m >= 1.0) m /= 2.0, ++shift;
  while (m < 0.5) m *= 2.0, --shift;
  int64_t q = std::llround(m * 2147483648.0);
  if (q == 2147483648LL) q /= 2, ++shift;
  if (shift < -31) return {0, 0};
  return {static_cast<int32_t>(q), shift};
}

}  // namespace

TEST(Quantization, KnownValues) {
  EXPECT_EQ(quantize_multiplier(0.5).multiplier, 1 << 30);
  EXPECT_EQ(quantize_multiplier(0.5).shift, 0);
  EXPECT_EQ(quantize_multiplier(1.0).multiplier, 1 << 30);
  EXPECT_EQ(quantize_multiplier(1.0).shift, 1);
  EXPECT_EQ(quantize_multiplier(0.75).multiplier, 3 << 29);
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
  EXPECT_EQ(quantize_multiplier(1e-12).multiplier, 0);  // below 2^-31: flushed to zero
  // Rounds up to 2^31 and renormalises.
  const auto r = quantize_multiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(r.multiplier, 1 << 30);
  EXPECT_EQ(r.shift, 1);
}

TEST(Quantization, MatchesAnIndependentNormalisation) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> mant(0.0, 1.0);
  std::uniform_int_distribution<int> exp(-30, 12);
  for (int i = 0; i < 20000; ++i) {
    const double m = std::ldexp(0.5 + mant(rng) / 2.0, exp(rng));
    const auto got = quantize_multiplier(m);
    const auto want = reference(m);
    ASSERT_EQ(got.multiplier, want.multiplier) << m;
    ASSERT_EQ(got.shift, want.shift) << m;
    EXPECT_NEAR(std::ldexp(static_cast<double>(got.multiplier), got.shift - 31) / m, 1.0, 1e-9);
  }
}

TEST(Quantization, PerChannelConvParamsOfARealModel) {
  const auto path = test::shared_models_dir() / "vww_96_int8.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared model missing: " << path;
  const Graph g = import_tflite_file(path);
  int checked = 0;
  for (const auto& op : g.ops) {
    if (op.type != OpType::kConv2D && op.type != OpType::kDepthwiseConv2D) continue;
    const auto q = compute_quant_params(g, op);
    const auto& w = g.in(op, 1);
    ASSERT_EQ(q.per_channel.size(), w.quant.scale.size());
    for (std::size_t c = 0; c < q.per_channel.size(); ++c) {
      const double real = static_cast<double>(g.in(op).scale()) *
                          static_cast<double>(w.quant.scale[c]) /
                          static_cast<double>(g.out(op).scale());
      const auto want = reference(real);
      EXPECT_EQ(q.per_channel[c].multiplier, want.multiplier);
      EXPECT_EQ(q.per_channel[c].shift, want.shift);
      ++checked;
    }
    EXPECT_EQ(q.input_offset, -g.in(op).zero_point());
    EXPECT_EQ(q.output_offset, g.out(op).zero_point());
    // ReLU6-style range inside int8, and never inverted.
    EXPECT_LE(q.act_min, q.act_max);
    EXPECT_GE(q.act_min, -128);
    EXPECT_LE(q.act_max, 127);
  }
  EXPECT_GT(checked, 100);
}

TEST(Quantization, AddAndSoftmaxParams) {
  Graph g;
  const auto act = [](float s, int64_t z) {
    Tensor t;
    t.shape = {1, 4};
    t.quant.scale = {s};
    t.quant.zero_point = {z};
    return t;
  };
  g.tensors = {act(0.05f, 3), act(0.1f, -2), act(0.2f, 1), act(1.0f / 256.0f, -128)};
  Operator add;
  add.type = OpType::kAdd;
  add.inputs = {0, 1};
  add.outputs = {2};
  const auto q = compute_quant_params(g, add);
  EXPECT_EQ(q.left_shift, 20);
  EXPECT_EQ(q.input_offset, -3);
  EXPECT_EQ(q.input2_offset, 2);
  EXPECT_EQ(q.output_offset, 1);
  const double twice_max = 2.0 * static_cast<double>(0.1f);
  EXPECT_EQ(q.input1.multiplier, reference(static_cast<double>(0.05f) / twice_max).multiplier);
  EXPECT_EQ(q.input1.shift, -1);            // 0.05 / 0.2 = 0.25 = 0.5 * 2^-1
  EXPECT_EQ(q.input2.multiplier, 1 << 30);  // 0.1 / 0.2 = 0.5 exactly
  EXPECT_EQ(q.input2.shift, 0);
  EXPECT_EQ(q.output.multiplier,
            reference(twice_max / (1048576.0 * static_cast<double>(0.2f))).multiplier);

  Operator sm;
  sm.type = OpType::kSoftmax;
  sm.inputs = {1};
  sm.outputs = {3};
  const auto s = compute_quant_params(g, sm);
  // beta * scale * 2^26 = 0.1 * 2^26 = 6710886.4 → shift 23; diff_min = -floor(31 * 2^26 / 2^23) =
  // -248.
  EXPECT_EQ(s.input1.shift, 23);
  EXPECT_EQ(s.left_shift, -248);
}
