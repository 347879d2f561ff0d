/* softmax_fixedpoint.h — the fixed-point exp and reciprocal of TFLite's int8 SOFTMAX,
 * written from gemmlowp's documented arithmetic: Q-format values are raw int32,
 * products are SRDHM, "+" wraps, Rescale is a saturating shift or a rounding divide.
 * The constants are exp(-2^k) and 1/3, 48/17, -32/17 in the formats named. */
#ifndef MCUPROF_SOFTMAX_FIXEDPOINT_H
#define MCUPROF_SOFTMAX_FIXEDPOINT_H

#include "kernels_internal.h"

static inline int32_t mk_wadd(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t mk_wsub(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* x * 2^e saturated to int32, e in [1, 30]. */
static inline int32_t mk_sat_shl(int32_t x, int32_t e) {
  const int32_t threshold = (int32_t)((1u << (31 - e)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return mk_shl(x, e);
}

/* exp(a) for a in [-1/4, 0), Q0.31: Taylor series around -1/8 to the 4th power. */
static inline int32_t mk_exp_quarter_interval(int32_t a) {
  const int32_t exp_minus_one_eighth = 1895147668; /* exp(-1/8) in Q0.31 */
  const int32_t one_third = 715827883;             /* 1/3 in Q0.31 */
  const int32_t x = mk_wadd(a, 1 << 28);           /* a + 1/8 */
  const int32_t x2 = mk_srdhm(x, x);
  const int32_t x3 = mk_srdhm(x2, x);
  const int32_t x4 = mk_srdhm(x2, x2);
  const int32_t x4_over_4 = mk_rdbp(x4, 2);
  const int32_t poly = mk_rdbp(mk_wadd(mk_srdhm(mk_wadd(x4_over_4, x3), one_third), x2), 1);
  return mk_wadd(exp_minus_one_eighth, mk_srdhm(exp_minus_one_eighth, mk_wadd(x, poly)));
}

/* exp(a) for a <= 0 in Q5.26, result in Q0.31. */
static inline int32_t mk_exp_on_negative_values(int32_t a) {
  /* exp(-2^k) in Q0.31 for k = -2 .. 4 */
  static const int32_t exp_of_minus_pot[7] = {1672461947, 1302514674, 790015084, 290630308,
                                              39332535,   720401,     242};
  const int32_t one_quarter = 1 << 24;
  const int32_t a_mod_quarter_minus_quarter = mk_wsub(a & (one_quarter - 1), one_quarter);
  int32_t result = mk_exp_quarter_interval(mk_sat_shl(a_mod_quarter_minus_quarter, 5));
  const int32_t remainder = mk_wsub(a_mod_quarter_minus_quarter, a);
  for (int32_t k = 0; k < 7; ++k) {
    if ((remainder & (1 << (24 + k))) != 0) result = mk_srdhm(result, exp_of_minus_pot[k]);
  }
  return a == 0 ? INT32_MAX : result;
}

static inline int32_t mk_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* 1 / (1 + a) for a in [0, 1), Q0.31: three Newton-Raphson steps in Q2.29. */
static inline int32_t mk_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = mk_rounding_half_sum(a, INT32_MAX);
  const int32_t c48_over_17 = 1515870810;      /* Q2.29 */
  const int32_t c_neg32_over_17 = -1010580540; /* Q2.29 */
  int32_t x = mk_wadd(c48_over_17, mk_srdhm(half_denominator, c_neg32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus = mk_wsub(1 << 29, mk_srdhm(half_denominator, x));
    x = mk_wadd(x, mk_sat_shl(mk_srdhm(x, one_minus), 2));
  }
  return mk_sat_shl(x, 1);
}

static inline int32_t mk_clz32(uint32_t x) {
  if (x == 0u) return 32;
  int32_t n = 0;
  while ((x & 0x80000000u) == 0u) {
    x <<= 1;
    ++n;
  }
  return n;
}

#endif /* MCUPROF_SOFTMAX_FIXEDPOINT_H */
