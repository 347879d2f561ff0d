// ADD and MUL (with broadcast), AVERAGE_POOL_2D and MAX_POOL_2D: host kernels
// against the independent reference, byte for byte, on seeded random cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "kernel_test_random.hpp"
#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

namespace {

size_t count(const int32_t d[4]) {
  return static_cast<size_t>(d[0]) * d[1] * d[2] * d[3];
}

// Output shape and two inputs broadcasting against it (per-channel, scalar, rows...).
mcuprof_broadcast_shapes random_shapes(test::KernelRandom& r) {
  mcuprof_broadcast_shapes s{};
  const int kind = r.range(0, 4);
  for (int i = 0; i < 4; ++i) {
    s.out[i] = r.range(1, i == 0 ? 2 : 7);
    s.in1[i] = s.out[i];
    s.in2[i] = s.out[i];
  }
  for (int i = 0; i < 4; ++i) {
    switch (kind) {
      case 0:
        break;  // same shapes
      case 1:
        s.in2[i] = i == 3 ? s.out[3] : 1;
        break;  // per-channel vector
      case 2:
        s.in2[i] = 1;
        break;  // scalar
      case 3:
        s.in1[i] = i == 3 ? 1 : s.out[i];
        break;  // broadcast along channels
      default:
        if (r.chance(35)) s.in1[i] = 1;
        if (r.chance(35)) s.in2[i] = 1;
    }
  }
  return s;
}

}  // namespace

TEST(KernelAdd, MatchesReferenceWithBroadcast) {
  test::KernelRandom r(31);
  for (int i = 0; i < 500; ++i) {
    mcuprof_add_params p{};
    p.shapes = random_shapes(r);
    p.in1_offset = r.input_offset();
    p.in2_offset = r.input_offset();
    p.output_offset = r.output_offset();
    p.left_shift = 20;
    // TFLite: twice_max = 2*max(s1,s2); in_i = s_i/twice_max; out = twice_max/(2^20 so)
    const double s1 = std::ldexp(1.0 + r.range(0, 1000) / 1000.0, -r.range(2, 8));
    const double s2 = std::ldexp(1.0 + r.range(0, 1000) / 1000.0, -r.range(2, 8));
    const double so = std::ldexp(1.0 + r.range(0, 1000) / 1000.0, -r.range(2, 8));
    const double twice_max = 2.0 * std::max(s1, s2);
    ref::quantize_multiplier(s1 / twice_max, &p.in1_multiplier, &p.in1_shift);
    ref::quantize_multiplier(s2 / twice_max, &p.in2_multiplier, &p.in2_shift);
    ref::quantize_multiplier(twice_max / (std::ldexp(1.0, 20) * so), &p.out_multiplier,
                             &p.out_shift);
    if (r.chance(10)) r.requant(&p.out_multiplier, &p.out_shift);
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    const auto a = r.bytes(count(p.shapes.in1));
    const auto b = r.bytes(count(p.shapes.in2));
    ref::Bytes got(count(p.shapes.out));
    mcuprof_add_s8(&p, a.data(), b.data(), got.data());
    ASSERT_EQ(got, ref::add(p, a, b)) << "case " << i;
  }
}

// The short exact forms of ADD/MUL (elementwise.c) and their fall-backs: inputs of one
// shape (the flat loop) and broadcasts, every kind of input and output rescale — shift 0
// (no rounding shift), right shifts up to and beyond 31, left shifts, multipliers at
// 2^30 and INT32_MAX, left_shift 0..24 (above 21 the lift no longer fits the short form).
TEST(KernelAdd, ShortFormsMatchReferenceForEveryRescale) {
  test::KernelRandom r(41);
  for (int i = 0; i < 3000; ++i) {
    mcuprof_add_params p{};
    p.shapes = random_shapes(r);
    if (r.chance(50)) {
      std::copy(std::begin(p.shapes.out), std::end(p.shapes.out), std::begin(p.shapes.in1));
      std::copy(std::begin(p.shapes.out), std::end(p.shapes.out), std::begin(p.shapes.in2));
    }
    p.in1_offset = r.input_offset();
    p.in2_offset = r.input_offset();
    p.output_offset = r.output_offset();
    p.left_shift = r.chance(70) ? 20 : r.range(0, 24);
    r.requant(&p.in1_multiplier, &p.in1_shift);
    r.requant(&p.in2_multiplier, &p.in2_shift);
    if (r.chance(20)) p.in1_shift = 0;
    if (r.chance(20)) p.in2_shift = r.range(-40, 1);
    r.requant(&p.out_multiplier, &p.out_shift);
    if (r.chance(30)) p.out_shift = r.range(-40, 8);
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    const auto a = r.bytes(count(p.shapes.in1));
    const auto b = r.bytes(count(p.shapes.in2));
    ref::Bytes got(count(p.shapes.out));
    mcuprof_add_s8(&p, a.data(), b.data(), got.data());
    ASSERT_EQ(got, ref::add(p, a, b)) << "case " << i;
  }
}

TEST(KernelMul, ShortFormsMatchReferenceForEveryRescale) {
  test::KernelRandom r(42);
  for (int i = 0; i < 3000; ++i) {
    mcuprof_mul_params p{};
    p.shapes = random_shapes(r);
    if (r.chance(50)) {
      std::copy(std::begin(p.shapes.out), std::end(p.shapes.out), std::begin(p.shapes.in1));
      std::copy(std::begin(p.shapes.out), std::end(p.shapes.out), std::begin(p.shapes.in2));
    }
    p.in1_offset = r.input_offset();
    p.in2_offset = r.input_offset();
    p.output_offset = r.output_offset();
    r.requant(&p.out_multiplier, &p.out_shift);
    if (r.chance(40)) p.out_shift = r.range(-40, 20);
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    const auto a = r.bytes(count(p.shapes.in1));
    const auto b = r.bytes(count(p.shapes.in2));
    ref::Bytes got(count(p.shapes.out));
    mcuprof_mul_s8(&p, a.data(), b.data(), got.data());
    ASSERT_EQ(got, ref::mul(p, a, b)) << "case " << i;
  }
}

TEST(KernelMul, MatchesReferenceWithBroadcast) {
  test::KernelRandom r(32);
  for (int i = 0; i < 500; ++i) {
    mcuprof_mul_params p{};
    p.shapes = random_shapes(r);
    p.in1_offset = r.input_offset();
    p.in2_offset = r.input_offset();
    p.output_offset = r.output_offset();
    r.requant(&p.out_multiplier, &p.out_shift);
    if (r.chance(70)) p.out_shift = r.range(-14, -4);
    r.activation(p.output_offset, &p.act_min, &p.act_max);
    const auto a = r.bytes(count(p.shapes.in1));
    const auto b = r.bytes(count(p.shapes.in2));
    ref::Bytes got(count(p.shapes.out));
    mcuprof_mul_s8(&p, a.data(), b.data(), got.data());
    ASSERT_EQ(got, ref::mul(p, a, b)) << "case " << i;
  }
}

TEST(KernelPool, AverageAndMaxMatchReference) {
  test::KernelRandom r(33);
  for (int i = 0; i < 500; ++i) {
    mcuprof_pool_params p{};
    p.batches = r.range(1, 2);
    p.in_h = r.range(1, 12);
    p.in_w = r.range(1, 12);
    p.channels = r.range(1, 10);
    p.filter_h = r.range(1, 4);
    p.filter_w = r.range(1, 4);
    p.stride_h = r.range(1, 3);
    p.stride_w = r.range(1, 3);
    bool same = r.chance(50);
    if (p.in_h < p.filter_h || p.in_w < p.filter_w) same = true;
    p.out_h = test::out_size(p.in_h, p.filter_h, p.stride_h, 1, same);
    p.out_w = test::out_size(p.in_w, p.filter_w, p.stride_w, 1, same);
    p.pad_top = test::pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, 1);
    p.pad_left = test::pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, 1);
    r.activation(r.output_offset(), &p.act_min, &p.act_max);
    const auto input = r.bytes(static_cast<size_t>(p.batches) * p.in_h * p.in_w * p.channels);
    ref::Bytes got(static_cast<size_t>(p.batches) * p.out_h * p.out_w * p.channels);
    mcuprof_average_pool_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, ref::average_pool(p, input)) << "average case " << i;
    mcuprof_max_pool_s8(&p, input.data(), got.data());
    ASSERT_EQ(got, ref::max_pool(p, input)) << "max case " << i;
  }
}

TEST(KernelPool, AverageRoundsHalfAwayFromZero) {
  // One 2x1 window: (1 + 2) / 2 = 1.5 -> 2, (-1 + -2) / 2 = -1.5 -> -2.
  mcuprof_pool_params p{};
  p.batches = p.in_w = p.out_h = p.out_w = p.filter_w = p.stride_h = p.stride_w = 1;
  p.in_h = p.filter_h = p.channels = 2;
  p.act_min = -128;
  p.act_max = 127;
  const int8_t input[4] = {1, -1, 2, -2};
  int8_t out[2] = {0, 0};
  mcuprof_average_pool_s8(&p, input, out);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], -2);
}
