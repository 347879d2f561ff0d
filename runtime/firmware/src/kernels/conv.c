/* conv.c — int8 CONV_2D with per-channel requantization. Work is done in blocks of
 * 2 output pixels x 2 output channels (mk_dot_2x2: SMLAD on DSP cores), output
 * channel pairs outermost so each pair's requantization is prepared once:
 *  - 1x1, stride 1, no padding (pointwise): the pixels are rows of a matrix and each
 *    block is one dot product of in_c bytes — no im2col, no scratch;
 *  - otherwise, per filter row: when the whole row of taps is inside the input (and
 *    dilation_w is 1) its filter_w*in_c bytes are contiguous in both the input and
 *    the filter and make one dot product; at the borders taps are done one by one and
 *    taps in the padding are skipped (TFLite pads with the zero point, whose
 *    offset-corrected value is 0). */
#include "kernels_internal.h"

static int32_t inside(int32_t v, int32_t size) { return v >= 0 && v < size; }

static void store_block(const int32_t acc[4], const mk_rq *q0, const mk_rq *q1, int32_t has_oc1,
                        int32_t has_px1, int8_t *out0, int8_t *out1) {
  out0[0] = mk_rq_apply(q0, acc[0]);
  if (has_oc1) out0[1] = mk_rq_apply(q1, acc[1]);
  if (has_px1) {
    out1[0] = mk_rq_apply(q0, acc[2]);
    if (has_oc1) out1[1] = mk_rq_apply(q1, acc[3]);
  }
}

static void prepare_pair(const mcuprof_conv_params *p, int32_t oc, int32_t oc1, mk_rq *q0,
                         mk_rq *q1) {
  const int32_t i0 = p->per_channel ? oc : 0, i1 = p->per_channel ? oc1 : 0;
  mk_rq_init(q0, p->multiplier[i0], p->shift[i0], p->output_offset, p->act_min, p->act_max);
  mk_rq_init(q1, p->multiplier[i1], p->shift[i1], p->output_offset, p->act_min, p->act_max);
}

static void conv_pointwise(const mcuprof_conv_params *p, const int8_t *input,
                           const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t n = p->in_c, out_c = p->out_c;
  const int32_t pixels = p->batches * p->out_h * p->out_w;
  for (int32_t oc = 0; oc < out_c; oc += 2) {
    const int32_t has_oc1 = oc + 1 < out_c;
    const int32_t oc1 = has_oc1 ? oc + 1 : oc;
    mk_rq q0, q1;
    prepare_pair(p, oc, oc1, &q0, &q1);
    const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc1] : 0;
    const int8_t *w0 = filter + (size_t)oc * (size_t)n;
    const int32_t dw = (oc1 - oc) * n;
    for (int32_t px = 0; px < pixels; px += 2) {
      const int32_t has_px1 = px + 1 < pixels;
      int32_t acc[4] = {b0, b1, b0, b1};
      mk_dot_2x2(input + (size_t)px * (size_t)n, has_px1 ? n : 0, w0, dw, n, p->input_offset, acc);
      int8_t *out0 = output + (size_t)px * (size_t)out_c + oc;
      store_block(acc, &q0, &q1, has_oc1, has_px1, out0, out0 + out_c);
    }
  }
}

static void conv_generic(const mcuprof_conv_params *p, const int8_t *input,
                         const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t in_c = p->in_c, out_c = p->out_c, fw = p->filter_w;
  const size_t in_row = (size_t)p->in_w * (size_t)in_c;
  const int32_t filter_size = p->filter_h * fw * in_c;
  const int32_t row_span = (fw - 1) * p->dilation_w + 1;
  const int32_t da = p->stride_w * in_c; /* from pixel 0's taps to pixel 1's */
  for (int32_t oc = 0; oc < out_c; oc += 2) {
    const int32_t has_oc1 = oc + 1 < out_c;
    const int32_t oc1 = has_oc1 ? oc + 1 : oc;
    mk_rq q0, q1;
    prepare_pair(p, oc, oc1, &q0, &q1);
    const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc1] : 0;
    const int8_t *f0 = filter + (size_t)oc * (size_t)filter_size;
    const int32_t dw = (oc1 - oc) * filter_size;
    for (int32_t b = 0; b < p->batches; ++b) {
      const int8_t *in_b = input + (size_t)b * (size_t)p->in_h * in_row;
      for (int32_t oy = 0; oy < p->out_h; ++oy) {
        const int32_t iy0 = oy * p->stride_h - p->pad_top;
        for (int32_t ox = 0; ox < p->out_w; ox += 2) {
          const int32_t has_px1 = ox + 1 < p->out_w;
          const int32_t x0 = ox * p->stride_w - p->pad_left;
          const int32_t x1 = x0 + p->stride_w;
          const int32_t full0 = x0 >= 0 && x0 + row_span <= p->in_w;
          const int32_t full1 = !has_px1 || (x1 >= 0 && x1 + row_span <= p->in_w);
          int32_t acc[4] = {b0, b1, b0, b1};
          for (int32_t ky = 0; ky < p->filter_h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (!inside(iy, p->in_h)) continue;
            const int8_t *row = in_b + (size_t)iy * in_row;
            const int8_t *fk = f0 + (size_t)ky * (size_t)fw * (size_t)in_c;
            if (full0 && full1 && p->dilation_w == 1) {
              mk_dot_2x2(row + (size_t)x0 * (size_t)in_c, has_px1 ? da : 0, fk, dw, fw * in_c,
                         p->input_offset, acc);
              continue;
            }
            for (int32_t kx = 0; kx < fw; ++kx) {
              const int32_t tx0 = x0 + kx * p->dilation_w, tx1 = tx0 + p->stride_w;
              const int32_t v0 = inside(tx0, p->in_w), v1 = has_px1 && inside(tx1, p->in_w);
              const int8_t *ft = fk + (size_t)kx * (size_t)in_c;
              if (v0 && v1) {
                mk_dot_2x2(row + (size_t)tx0 * (size_t)in_c, da, ft, dw, in_c, p->input_offset, acc);
              } else if (v0) {
                mk_dot_1x2(row + (size_t)tx0 * (size_t)in_c, ft, dw, in_c, p->input_offset, &acc[0]);
              } else if (v1) {
                mk_dot_1x2(row + (size_t)tx1 * (size_t)in_c, ft, dw, in_c, p->input_offset, &acc[2]);
              }
            }
          }
          int8_t *out0 = output + (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w +
                                   (size_t)ox) * (size_t)out_c + (size_t)oc;
          store_block(acc, &q0, &q1, has_oc1, has_px1, out0, out0 + out_c);
        }
      }
    }
  }
}

void mcuprof_conv2d_s8(const mcuprof_conv_params *p, const int8_t *input,
                       const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t pointwise = p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 &&
                            p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                            p->out_h == p->in_h && p->out_w == p->in_w;
  if (pointwise) {
    conv_pointwise(p, input, filter, bias, output);
  } else {
    conv_generic(p, input, filter, bias, output);
  }
}
