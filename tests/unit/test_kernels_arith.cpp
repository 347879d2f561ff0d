// The fixed-point primitives of the int8 kernels: hand-worked values from TFLite's
// documented semantics (rounding of ties, negative values, saturation), and the
// kernels' versions against the independent reference on many random operands.
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "mcuprof_kernels.h"
#include "tflite_reference.hpp"

using namespace mcuprof;

namespace {
constexpr int32_t kMin = INT32_MIN;
constexpr int32_t kMax = INT32_MAX;
}  // namespace

TEST(KernelArith, DoublingHighMulHandWorked) {
  for (auto f : {&mcuprof_srdhm, &ref::saturating_rounding_doubling_high_mul}) {
    EXPECT_EQ(f(kMin, kMin), kMax);           // the one overflow saturates
    EXPECT_EQ(f(1 << 30, 1 << 30), 1 << 29);  // 0.5 * 0.5 in Q31
    EXPECT_EQ(f(3, 1 << 30), 2);              // 1.5 -> 2
    EXPECT_EQ(f(-3, 1 << 30), -1);            // -1.5 -> -1 (nudge, truncate)
    EXPECT_EQ(f(-5, 1 << 30), -2);            // -2.5 -> -2
    EXPECT_EQ(f(kMax, kMax), 2147483646);     // (2^31-1)^2 / 2^31
    EXPECT_EQ(f(kMin, kMax), -2147483647);    // exact
    EXPECT_EQ(f(kMax, kMin), -2147483647);
    EXPECT_EQ(f(1, 1), 0);
    EXPECT_EQ(f(-1, 1), 0);
    EXPECT_EQ(f(kMin, 1 << 30), -(1 << 30));
  }
}

TEST(KernelArith, RoundingDivideByPotHandWorked) {
  for (auto f : {&mcuprof_rounding_divide_by_pot}) {
    EXPECT_EQ(f(5, 1), 3);    // 2.5 -> 3 (ties away from zero)
    EXPECT_EQ(f(-5, 1), -3);  // -2.5 -> -3
    EXPECT_EQ(f(4, 1), 2);
    EXPECT_EQ(f(-4, 1), -2);
    EXPECT_EQ(f(7, 2), 2);    // 1.75
    EXPECT_EQ(f(-6, 2), -2);  // -1.5
    EXPECT_EQ(f(-5, 2), -1);  // -1.25
    EXPECT_EQ(f(123, 0), 123);
    EXPECT_EQ(f(kMin, 31), -1);
    EXPECT_EQ(f(kMax, 31), 1);         // 0.99999...
    EXPECT_EQ(f(1 << 30, 31), 1);      // 0.5
    EXPECT_EQ(f(-(1 << 30), 31), -1);  // -0.5
    EXPECT_EQ(f(kMax, 32), 0);         // beyond 31 bits nearly everything rounds to 0
    EXPECT_EQ(f(kMin, 32), -1);        // but -2^31 / 2^32 = -0.5 -> -1
    EXPECT_EQ(f(kMin, 40), 0);
  }
  EXPECT_EQ(ref::rounding_divide_by_pot(5, 1), 3);
  EXPECT_EQ(ref::rounding_divide_by_pot(-5, 1), -3);
  EXPECT_EQ(ref::rounding_divide_by_pot(-(1 << 30), 31), -1);
}

TEST(KernelArith, MultiplyByQuantizedMultiplierHandWorked) {
  for (auto f : {&mcuprof_multiply_by_quantized_multiplier}) {
    EXPECT_EQ(f(100, 1 << 30, 0), 50);
    EXPECT_EQ(f(100, 1 << 30, -1), 25);
    EXPECT_EQ(f(3, 1 << 30, 1), 3);
    EXPECT_EQ(f(5, 1 << 30, -1), 2);      // double rounding: 2.5 -> 3, then 1.5 -> 2
    EXPECT_EQ(f(-75, 1 << 30, -1), -19);  // -37.5 -> -37, then -18.5 -> -19
    EXPECT_EQ(f(kMin, kMin, 0), kMax);
    EXPECT_EQ(f(1000, 0, 5), 0);
  }
  EXPECT_EQ(ref::multiply_by_quantized_multiplier(5, 1 << 30, -1), 2);
  EXPECT_EQ(ref::multiply_by_quantized_multiplier(-75, 1 << 30, -1), -19);
}

TEST(KernelArith, QuantizeMultiplierHelper) {
  int32_t m = 0, s = 0;
  ref::quantize_multiplier(0.5, &m, &s);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 0);
  ref::quantize_multiplier(1.0, &m, &s);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(s, 1);
  ref::quantize_multiplier(0.75, &m, &s);
  EXPECT_EQ(m, 1610612736);
  EXPECT_EQ(s, 0);
  ref::quantize_multiplier(0.0, &m, &s);
  EXPECT_EQ(m, 0);
  ref::quantize_multiplier(1e-3, &m, &s);  // 1e-3 = 0.512 * 2^-9
  EXPECT_EQ(s, -9);
  EXPECT_EQ(m, static_cast<int32_t>(std::llround(0.512 * 2147483648.0)));
}

TEST(KernelArith, RandomOperandsMatchTheReference) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  std::uniform_int_distribution<int32_t> small(-(1 << 20), 1 << 20);
  std::uniform_int_distribution<int32_t> mult(1 << 30, kMax);
  std::uniform_int_distribution<int32_t> shift(-31, 8);
  std::uniform_int_distribution<int32_t> exponent(0, 40);
  for (int i = 0; i < 200000; ++i) {
    const int32_t a = i % 3 == 0 ? small(rng) : any(rng), b = any(rng);
    ASSERT_EQ(mcuprof_srdhm(a, b), ref::saturating_rounding_doubling_high_mul(a, b))
        << a << " " << b;
    const int32_t e = exponent(rng);
    ASSERT_EQ(mcuprof_rounding_divide_by_pot(a, e), ref::rounding_divide_by_pot(a, e))
        << a << " " << e;
    const int32_t m = mult(rng), s = shift(rng);
    ASSERT_EQ(mcuprof_multiply_by_quantized_multiplier(a, m, s),
              ref::multiply_by_quantized_multiplier(a, m, s))
        << a << " " << m << " " << s;
  }
  // The extremes of the multiplier and of the shift.
  for (int32_t x : {kMin, kMin + 1, -1, 0, 1, kMax - 1, kMax, 12345, -12345}) {
    for (int32_t m : {0, 1, 1 << 30, kMax, kMax - 1}) {
      for (int32_t s = -40; s <= 40; ++s) {
        ASSERT_EQ(mcuprof_multiply_by_quantized_multiplier(x, m, s),
                  ref::multiply_by_quantized_multiplier(x, m, s))
            << x << " " << m << " " << s;
      }
    }
  }
}

TEST(KernelArith, FixedPointExpAndReciprocal) {
  // exp(0) is exactly One; exp(-x) is close to the real thing; kernel == reference.
  EXPECT_EQ(mcuprof_exp_on_negative_values(0), kMax);
  EXPECT_EQ(ref::exp_on_negative_values(0), kMax);
  for (double x : {0.01, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.9, 31.0}) {
    const auto q = static_cast<int32_t>(std::llround(-x * (1 << 26)));
    const double expected = std::exp(-x) * 2147483648.0;
    EXPECT_NEAR(mcuprof_exp_on_negative_values(q), expected, 2e-6 * 2147483648.0) << x;
  }
  for (double x : {0.0, 0.25, 0.5, 0.75, 0.999}) {
    const auto q = static_cast<int32_t>(std::llround(x * 2147483647.0));
    EXPECT_NEAR(mcuprof_one_over_one_plus_x(q), 2147483648.0 / (1.0 + x), 1e-6 * 2147483648.0) << x;
  }
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> negative(kMin, 0);
  std::uniform_int_distribution<int32_t> unit(0, kMax);
  for (int i = 0; i < 100000; ++i) {
    const int32_t a = i % 2 ? negative(rng) : negative(rng) / 1024;
    ASSERT_EQ(mcuprof_exp_on_negative_values(a), ref::exp_on_negative_values(a)) << a;
    const int32_t u = unit(rng);
    ASSERT_EQ(mcuprof_one_over_one_plus_x(u), ref::one_over_one_plus_x(u)) << u;
  }
}

// The shift-and-subtract 64-bit division the MEAN rescale and the patch stage's MAC counts
// use instead of libgcc's: exact against the host's division, edges and random operands.
TEST(KernelArith, Udiv64MatchesTheHostsDivision) {
  for (const auto& [n, d] : std::vector<std::pair<uint64_t, uint32_t>>{{0, 1},
                                                                       {1, 1},
                                                                       {UINT64_MAX, 1},
                                                                       {UINT64_MAX, UINT32_MAX},
                                                                       {(1ull << 62) - 1, 3},
                                                                       {0x7FFFFFFFull << 31, 49},
                                                                       {12345, 12346},
                                                                       {1ull << 32, 1u << 31}})
    EXPECT_EQ(mcuprof_udiv64(n, d), n / d) << n << " / " << d;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t n = rng() >> (rng() % 64);
    const uint32_t d = static_cast<uint32_t>(rng() >> (32 + rng() % 32)) | 1u;
    ASSERT_EQ(mcuprof_udiv64(n, d), n / d) << n << " / " << d;
  }
}
