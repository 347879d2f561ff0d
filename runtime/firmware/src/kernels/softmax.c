/* softmax.c — int8 SOFTMAX over the last dimension, bit-exact with TFLite's reference
 * (gemmlowp fixed point: differences to the row maximum scaled to Q5.26, exp in Q0.31,
 * sum in Q12.19, reciprocal by Newton-Raphson, output scale 1/256 zero point -128). */
#include "kernels_internal.h"
#include "softmax_fixedpoint.h"

static int32_t scaled_diff(const mcuprof_softmax_params* p, int32_t diff) {
  return mk_srdhm(mk_shl(diff, p->input_left_shift), p->input_multiplier);
}

void mcuprof_softmax_s8(const mcuprof_softmax_params* p, const int8_t* input, int8_t* output) {
  for (int32_t row = 0; row < p->rows; ++row) {
    const int8_t* in = input + (size_t)row * (size_t)p->depth;
    int8_t* out = output + (size_t)row * (size_t)p->depth;
    int32_t max = -128;
    for (int32_t c = 0; c < p->depth; ++c) max = mk_max(max, in[c]);

    int32_t sum_of_exps = 0; /* Q12.19 */
    for (int32_t c = 0; c < p->depth; ++c) {
      const int32_t diff = in[c] - max;
      if (diff >= p->diff_min) {
        sum_of_exps =
            mk_wadd(sum_of_exps, mk_rdbp(mk_exp_on_negative_values(scaled_diff(p, diff)), 12));
      }
    }
    /* 1/sum as a Q0.31 scale and a power of two. */
    const int32_t headroom_plus_one = mk_clz32((uint32_t)sum_of_exps);
    const int32_t bits_over_unit = 12 - headroom_plus_one;
    const int32_t shifted_sum_minus_one =
        (int32_t)(((uint32_t)sum_of_exps << (headroom_plus_one & 31)) - 0x80000000u);
    const int32_t scale = mk_one_over_one_plus_x(shifted_sum_minus_one);

    for (int32_t c = 0; c < p->depth; ++c) {
      const int32_t diff = in[c] - max;
      if (diff >= p->diff_min) {
        const int32_t e = mk_exp_on_negative_values(scaled_diff(p, diff));
        const int32_t unsat = mk_rdbp(mk_srdhm(scale, e), bits_over_unit + 31 - 8);
        out[c] = (int8_t)mk_clamp(unsat - 128, -128, 127);
      } else {
        out[c] = -128;
      }
    }
  }
}
