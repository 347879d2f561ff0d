/* arith.c — the exported fixed-point primitives (thin wrappers over the inline ones in
 * kernels_internal.h, and gemmlowp's exp and reciprocal used by SOFTMAX). */
#include "kernels_internal.h"
#include "softmax_fixedpoint.h"

int32_t mcuprof_srdhm(int32_t a, int32_t b) {
  return mk_srdhm(a, b);
}

int32_t mcuprof_rounding_divide_by_pot(int32_t x, int32_t exponent) {
  return mk_rdbp(x, exponent);
}

uint64_t mcuprof_udiv64(uint64_t n, uint32_t d) {
  uint64_t q = 0u, r = 0u;
  for (int i = 0; i < 64; ++i) {
    r = (r << 1) | (n >> 63); /* r < 2d: fits 33 bits */
    n <<= 1;
    q <<= 1;
    if (r >= d) {
      r -= d;
      q |= 1u;
    }
  }
  return q;
}

int32_t mcuprof_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift) {
  return mk_requant(x, multiplier, shift);
}

int32_t mcuprof_exp_on_negative_values(int32_t q5_26) {
  return mk_exp_on_negative_values(q5_26);
}

int32_t mcuprof_one_over_one_plus_x(int32_t q0_31) {
  return mk_one_over_one_plus_x(q0_31);
}

int8_t mk_output_general(int32_t acc, int32_t multiplier, int32_t shift, int32_t offset, int32_t lo,
                         int32_t hi) {
  return mk_output(acc, multiplier, shift, offset, lo, hi);
}
