// QUANTIZE/DEQUANTIZE, PAD, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR, CONCATENATION and
// RESHAPE: host kernels against the reference on seeded random cases, plus rounding
// and saturation of QUANTIZE on hand-picked values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "kernel_test_random.hpp"
#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

TEST(KernelQuantize, RoundsHalfAwayFromZeroAndSaturates) {
  const std::vector<float> input = {0.5f,
                                    -0.5f,
                                    1.5f,
                                    -1.5f,
                                    2.49999f,
                                    0.49999997f,
                                    1e9f,
                                    -1e9f,
                                    std::numeric_limits<float>::infinity(),
                                    std::numeric_limits<float>::quiet_NaN(),
                                    0.0f};
  std::vector<int8_t> got(input.size());
  mcuprof_quantize_f32_s8(input.data(), got.data(), input.size(), 1.0f, 0);
  const std::vector<int8_t> expected = {1, -1, 2, -2, 2, 0, 127, -128, 127, 0, 0};
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got, ref::quantize(input, 1.0f, 0));
}

TEST(KernelQuantize, QuantizeAndDequantizeMatchReference) {
  test::KernelRandom r(51);
  std::uniform_real_distribution<float> value(-40.0f, 40.0f);
  for (int i = 0; i < 300; ++i) {
    const float scale =
        static_cast<float>(std::ldexp(1.0 + r.range(0, 1000) / 1000.0, -r.range(0, 9)));
    const int32_t zp = r.range(-128, 127);
    std::vector<float> input(static_cast<size_t>(r.range(1, 300)));
    for (auto& v : input)
      v = r.chance(10) ? scale * (static_cast<float>(r.range(-200, 200)) + 0.5f)
                       : value(r.engine());
    std::vector<int8_t> q(input.size());
    mcuprof_quantize_f32_s8(input.data(), q.data(), input.size(), scale, zp);
    ASSERT_EQ(q, ref::quantize(input, scale, zp)) << "case " << i;
    std::vector<float> back(q.size());
    mcuprof_dequantize_s8_f32(q.data(), back.data(), q.size(), scale, zp);
    const auto expected = ref::dequantize(q, scale, zp);
    ASSERT_EQ(0, std::memcmp(back.data(), expected.data(), back.size() * sizeof(float)))
        << "case " << i;
  }
}

TEST(KernelPad, MatchesReference) {
  test::KernelRandom r(52);
  for (int i = 0; i < 200; ++i) {
    mcuprof_pad_params p{};
    for (int d = 0; d < 4; ++d) {
      p.in[d] = r.range(1, d == 0 ? 2 : 6);
      p.before[d] = r.range(0, 3);
      p.after[d] = r.range(0, 3);
    }
    p.pad_value = static_cast<int8_t>(r.range(-128, 127));
    const auto input = r.bytes(static_cast<size_t>(p.in[0]) * p.in[1] * p.in[2] * p.in[3]);
    const auto expected = ref::pad(p, input);
    ref::Bytes got(expected.size());
    mcuprof_pad_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, expected) << "case " << i;
  }
}

TEST(KernelTranspose, MatchesReferenceForAllPermutations) {
  test::KernelRandom r(53);
  int perm[4] = {0, 1, 2, 3};
  int cases = 0;
  do {
    for (int k = 0; k < 3; ++k) {
      mcuprof_transpose_params p{};
      for (int d = 0; d < 4; ++d) {
        p.in[d] = r.range(1, 6);
        p.perm[d] = perm[d];
      }
      const auto input = r.bytes(static_cast<size_t>(p.in[0]) * p.in[1] * p.in[2] * p.in[3]);
      ref::Bytes got(input.size());
      mcuprof_transpose_s8(&p, input.data(), got.data());
      ASSERT_EQ(got, ref::transpose(p, input));
      ++cases;
    }
  } while (std::next_permutation(perm, perm + 4));
  EXPECT_EQ(cases, 72);
}

TEST(KernelResize, NearestNeighborMatchesReference) {
  test::KernelRandom r(54);
  for (int i = 0; i < 300; ++i) {
    mcuprof_resize_params p{};
    p.batches = r.range(1, 2);
    p.in_h = r.range(1, 9);
    p.in_w = r.range(1, 9);
    p.channels = r.range(1, 5);
    p.out_h = r.range(1, 20);
    p.out_w = r.range(1, 20);
    p.align_corners = i % 3 == 1;
    p.half_pixel_centers = i % 3 == 2;
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.channels);
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.channels);
    mcuprof_resize_nearest_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, ref::resize_nearest(p, input)) << "case " << i;
  }
}

TEST(KernelConcat, MatchesReference) {
  test::KernelRandom r(55);
  for (int i = 0; i < 200; ++i) {
    mcuprof_concat_params p{};
    p.outer = r.range(1, 6);
    p.inner = r.range(1, 6);
    p.count = r.range(1, 4);
    std::vector<int32_t> sizes;
    std::vector<ref::Bytes> inputs;
    std::vector<const int8_t*> pointers;
    for (int k = 0; k < p.count; ++k) {
      sizes.push_back(r.range(1, 5));
      inputs.push_back(r.bytes(static_cast<size_t>(p.outer) * sizes.back() * p.inner));
    }
    for (const auto& in : inputs) pointers.push_back(in.data());
    p.axis_sizes = sizes.data();
    const auto expected = ref::concat(p, inputs);
    ref::Bytes got(expected.size());
    mcuprof_concat_s8(&p, pointers.data(), got.data());
    ASSERT_EQ(got, expected) << "case " << i;
  }
}

TEST(KernelReshape, CopiesBytesEvenWhenOverlapping) {
  test::KernelRandom r(56);
  const auto input = r.bytes(100);
  ref::Bytes out(100);
  mcuprof_reshape_s8(input.data(), out.data(), input.size());
  EXPECT_EQ(out, input);
  ref::Bytes buffer(120);
  std::copy(input.begin(), input.end(), buffer.begin());
  mcuprof_reshape_s8(buffer.data(), buffer.data() + 20, 100);  // overlapping, forwards
  EXPECT_TRUE(std::equal(input.begin(), input.end(), buffer.begin() + 20));
}
