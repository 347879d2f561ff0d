// MEAN (runtime/firmware/src/kernels/reduce.c): the host build of the kernels against the
// independent reference (tests/reference/mean_reference.cpp) on every axis set of ranks
// 1..5, the H,W fast path against the general kernel, and cases worked by hand from
// TensorFlow Lite Micro's integer arithmetic where earlier formulas rounded differently.
#include <gtest/gtest.h>

#include <cmath>

#include "kernel_test_random.hpp"
#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

namespace {

mcuprof_reduce_params params_of(const ref::MeanSpec& s) {
  mcuprof_reduce_params p{};
  p.rank = static_cast<int32_t>(s.dims.size());
  for (std::size_t k = 0; k < s.dims.size(); ++k) p.dims[k] = s.dims[k];
  for (int32_t a : s.axes) p.reduced |= 1u << static_cast<unsigned>(a < 0 ? a + p.rank : a);
  p.input_offset = -s.input_zero_point, p.output_offset = s.output_zero_point;
  p.multiplier = s.multiplier, p.shift = s.shift;
  return p;
}

std::size_t elements(const std::vector<int32_t>& dims) {
  std::size_t n = 1;
  for (auto d : dims) n *= static_cast<std::size_t>(d);
  return n;
}

ref::Bytes kernel_mean(const ref::MeanSpec& s, const ref::Bytes& input) {
  const auto p = params_of(s);
  std::size_t n_out = 1;
  for (int32_t k = 0; k < p.rank; ++k)
    if (!((p.reduced >> k) & 1u)) n_out *= static_cast<std::size_t>(p.dims[k]);
  ref::Bytes out(n_out, 99);
  mcuprof_mean_s8(&p, input.data(), out.data());
  return out;
}

ref::MeanSpec spec(std::vector<int32_t> dims, std::vector<int32_t> axes, int32_t zp_in,
                   int32_t zp_out, double ratio) {
  ref::MeanSpec s;
  s.dims = std::move(dims), s.axes = std::move(axes);
  s.input_zero_point = zp_in, s.output_zero_point = zp_out;
  ref::quantize_multiplier(ratio, &s.multiplier, &s.shift);
  return s;
}

// Every non-empty axis set of ranks 1..5, scale ratios on both sides of 1 (the rescale
// when input and output scales differ) and equal ones.
TEST(KernelMean, EveryAxisSetMatchesReference) {
  test::KernelRandom r(35);
  for (int i = 0; i < 1500; ++i) {
    ref::MeanSpec s;
    const int rank = r.range(1, 5);
    for (int k = 0; k < rank; ++k) s.dims.push_back(r.range(1, rank > 3 ? 5 : 12));
    const int mask = r.range(1, (1 << rank) - 1);
    for (int k = 0; k < rank; ++k)
      if ((mask >> k) & 1) s.axes.push_back(r.chance(30) ? k - rank : k);  // negative too
    s.input_zero_point = -r.input_offset();
    s.output_zero_point = r.output_offset();
    const double ratio =
        r.chance(20) ? 1.0 : std::ldexp(1.0 + r.range(0, 1000) / 1000.0, r.range(-6, 3));
    ref::quantize_multiplier(ratio, &s.multiplier, &s.shift);
    const auto input = r.bytes(elements(s.dims));
    ASSERT_EQ(kernel_mean(s, input), ref::mean(s, input)) << "case " << i;
  }
}

// The H,W fast path (MEAN as a global average pool) gives the general kernel's bytes.
TEST(KernelMean, HeightWidthFastPathMatchesGeneralAndReference) {
  test::KernelRandom r(34);
  for (int i = 0; i < 400; ++i) {
    mcuprof_mean_params p{};
    p.batches = r.range(1, 2);
    p.in_h = r.range(1, 14);
    p.in_w = r.range(1, 14);
    p.channels = r.range(1, 20);
    p.input_offset = r.input_offset();
    p.output_offset = r.output_offset();
    const double ratio = std::ldexp(1.0 + r.range(0, 1000) / 1000.0, r.range(-3, 2));
    ref::quantize_multiplier(ratio, &p.multiplier, &p.shift);
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.channels);
    ref::Bytes got(static_cast<size_t>(p.batches) * p.channels);
    mcuprof_mean_hw_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, ref::mean_hw(p, input)) << "case " << i;
    ref::MeanSpec s;
    s.dims = {p.batches, p.in_h, p.in_w, p.channels};
    s.axes = {2, 1, 2};  // order and repeats do not matter
    s.input_zero_point = -p.input_offset, s.output_zero_point = p.output_offset;
    s.multiplier = p.multiplier, s.shift = p.shift;
    ASSERT_EQ(got, kernel_mean(s, input)) << "case " << i;
  }
}

// Worked by hand from TFLite Micro's arithmetic; both the kernel and the reference.
TEST(KernelMean, RoundsAsTfliteMicro) {
  const auto both = [](const ref::MeanSpec& s, const ref::Bytes& in) {
    const auto k = kernel_mean(s, in);
    EXPECT_EQ(k, ref::mean(s, in));
    return k;
  };
  // Equal quantization, {1, 1, 0}: 2/3 rounds to 1 (multiplier 2^30 shift 1 becomes
  // 2^31/3 shift 0; (2 x 715827882 + 2^30) >> 31 = 1). A truncating sum/count gives 0.
  EXPECT_EQ(both(spec({1, 3}, {1}, 0, 0, 1.0), {1, 1, 0}), ref::Bytes{1});
  EXPECT_EQ(both(spec({1, 3}, {1}, 0, 0, 1.0), {-1, -1, 0}), ref::Bytes{-1});
  // {16, -16}, input zero point -1, scale ratio 2, output zero point -4: exactly
  // (0 + 1) x 2 = 2 real steps, so -2. The float formula round(mean x s + (-zp x s + 0.5))
  // rounds 2.5 up and gives -1.
  EXPECT_EQ(both(spec({1, 2, 1}, {1}, -1, -4, 2.0), {16, -16}), ref::Bytes{-2});
  // One axis of a 3-D tensor (as mcunet-vww1's first MEAN): [2,2,2] over axis 1 keeps
  // [2,2]; same quantization: the pair means 1.5, -0.5, 7.5, -0.5 round half up (the
  // doubling high multiply's nudge), to 2, 0, 8, 0.
  EXPECT_EQ(both(spec({2, 2, 2}, {-2}, 0, 0, 1.0), {1, 4, 2, -5, 7, 0, 8, -1}),
            (ref::Bytes{2, 0, 8, 0}));
}

}  // namespace
