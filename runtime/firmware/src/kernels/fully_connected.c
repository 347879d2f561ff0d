/* fully_connected.c — int8 FULLY_CONNECTED: out[b][o] = requant(bias[o] +
 * sum_i (in[b][i] + input_offset) * w[o][i]); blocks of two batches x two output
 * channels (mk_dot_2x2, SMLAD on DSP cores), or one batch x two channels. */
#include "kernels_internal.h"

void mcuprof_fully_connected_s8(const mcuprof_fc_params* p, const int8_t* input,
                                const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t n = p->in_depth, out_depth = p->out_depth;
  for (int32_t o = 0; o < out_depth; o += 2) {
    const int32_t has_o1 = o + 1 < out_depth;
    const int32_t o1 = has_o1 ? o + 1 : o;
    const int32_t i0 = p->per_channel ? o : 0, i1 = p->per_channel ? o1 : 0;
    mk_rq q0, q1;
    mk_rq_init(&q0, p->multiplier[i0], mk_shift_at(p->shift, p->shift8, i0), p->output_offset,
               p->act_min, p->act_max);
    mk_rq_init(&q1, p->multiplier[i1], mk_shift_at(p->shift, p->shift8, i1), p->output_offset,
               p->act_min, p->act_max);
    const int32_t b0 = bias ? bias[o] : 0, b1 = bias ? bias[o1] : 0;
    mk_rq_bound(&q0, b0, n, p->input_offset);
    mk_rq_bound(&q1, b1, n, p->input_offset);
    const int8_t* w0 = filter + (size_t)o * (size_t)n;
    const int32_t dw = (o1 - o) * n;
    for (int32_t b = 0; b < p->batches; b += 2) {
      const int32_t has_b1 = b + 1 < p->batches;
      const int8_t* a0 = input + (size_t)b * (size_t)n;
      int32_t acc[4] = {b0, b1, b0, b1};
      if (has_b1) {
        mk_dot_2x2(a0, n, w0, dw, n, p->input_offset, acc);
      } else {
        mk_dot_1x2(a0, w0, dw, n, p->input_offset, acc);
      }
      int8_t* out0 = output + (size_t)b * (size_t)out_depth + o;
      out0[0] = mk_rq_apply(q0, acc[0]);
      if (has_o1) out0[1] = mk_rq_apply(q1, acc[1]);
      if (has_b1) {
        out0[out_depth] = mk_rq_apply(q0, acc[2]);
        if (has_o1) out0[out_depth + 1] = mk_rq_apply(q1, acc[3]);
      }
    }
  }
}
