/* fully_connected.c — int8 FULLY_CONNECTED: out[b][o] = requant(bias[o] +
 * sum_i (in[b][i] + input_offset) * w[o][i]); two output channels per step
 * (mk_dot_1x2, SMLAD on DSP cores), or two batches x two channels (mk_dot_2x2). */
#include "kernels_internal.h"

void mcuprof_fully_connected_s8(const mcuprof_fc_params *p, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t n = p->in_depth, out_depth = p->out_depth;
  for (int32_t b = 0; b < p->batches; b += 2) {
    const int32_t two = b + 1 < p->batches;
    const int8_t *a0 = input + (size_t)b * (size_t)n;
    const int8_t *a1 = two ? a0 + n : a0;
    int8_t *out0 = output + (size_t)b * (size_t)out_depth;
    int8_t *out1 = out0 + out_depth;
    for (int32_t o = 0; o < out_depth; o += 2) {
      const int32_t o1 = o + 1 < out_depth ? o + 1 : o;
      const int8_t *w0 = filter + (size_t)o * (size_t)n;
      const int8_t *w1 = filter + (size_t)o1 * (size_t)n;
      int32_t acc[4];
      acc[0] = acc[2] = bias ? bias[o] : 0;
      acc[1] = acc[3] = bias ? bias[o1] : 0;
      if (two) {
        mk_dot_2x2(a0, a1, w0, w1, n, p->input_offset, acc);
      } else {
        mk_dot_1x2(a0, w0, w1, n, p->input_offset, acc);
      }
      const int32_t q0 = p->per_channel ? o : 0, q1 = p->per_channel ? o1 : 0;
      out0[o] = mk_output(acc[0], p->multiplier[q0], p->shift[q0], p->output_offset, p->act_min,
                          p->act_max);
      if (o1 != o) {
        out0[o1] = mk_output(acc[1], p->multiplier[q1], p->shift[q1], p->output_offset,
                             p->act_min, p->act_max);
      }
      if (two) {
        out1[o] = mk_output(acc[2], p->multiplier[q0], p->shift[q0], p->output_offset,
                            p->act_min, p->act_max);
        if (o1 != o) {
          out1[o1] = mk_output(acc[3], p->multiplier[q1], p->shift[q1], p->output_offset,
                               p->act_min, p->act_max);
        }
      }
    }
  }
}
