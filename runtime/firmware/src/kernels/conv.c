/* conv.c — int8 CONV_2D with per-channel requantization. Each step computes a block of
 * 2 output pixels x 2 output channels: for every filter tap the input pixel's in_c
 * bytes are dotted with the filter row (mk_dot_2x2, SMLAD on DSP cores), so 1x1
 * pointwise convolutions need no im2col and no scratch. Taps in the padding are
 * skipped (TFLite pads with the zero point, whose offset-corrected value is 0). */
#include "kernels_internal.h"

static int32_t row_valid(int32_t v, int32_t size) { return v >= 0 && v < size; }

void mcuprof_conv2d_s8(const mcuprof_conv_params *p, const int8_t *input,
                       const int8_t *filter, const int32_t *bias, int8_t *output) {
  const int32_t in_c = p->in_c, out_c = p->out_c;
  const size_t in_row = (size_t)p->in_w * (size_t)in_c;
  const size_t filter_size = (size_t)p->filter_h * (size_t)p->filter_w * (size_t)in_c;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t *in_b = input + (size_t)b * (size_t)p->in_h * in_row;
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      for (int32_t ox = 0; ox < p->out_w; ox += 2) {
        const int32_t two_pixels = ox + 1 < p->out_w;
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int8_t *out0 = output + (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w +
                                 (size_t)ox) * (size_t)out_c;
        int8_t *out1 = out0 + out_c;
        for (int32_t oc = 0; oc < out_c; oc += 2) {
          const int32_t oc1 = oc + 1 < out_c ? oc + 1 : oc;
          const int8_t *f0 = filter + (size_t)oc * filter_size;
          const int8_t *f1 = filter + (size_t)oc1 * filter_size;
          int32_t acc[4];
          acc[0] = acc[2] = bias ? bias[oc] : 0;
          acc[1] = acc[3] = bias ? bias[oc1] : 0;
          for (int32_t ky = 0; ky < p->filter_h; ++ky) {
            const int32_t iy = iy0 + ky * p->dilation_h;
            if (!row_valid(iy, p->in_h)) continue;
            const int8_t *in_row_ptr = in_b + (size_t)iy * in_row;
            for (int32_t kx = 0; kx < p->filter_w; ++kx) {
              const int32_t x0 = ix0 + kx * p->dilation_w;
              const int32_t x1 = x0 + p->stride_w;
              const int32_t v0 = row_valid(x0, p->in_w);
              const int32_t v1 = two_pixels && row_valid(x1, p->in_w);
              const size_t tap = ((size_t)ky * (size_t)p->filter_w + (size_t)kx) * (size_t)in_c;
              if (v0 && v1) {
                mk_dot_2x2(in_row_ptr + (size_t)x0 * in_c, in_row_ptr + (size_t)x1 * in_c,
                           f0 + tap, f1 + tap, in_c, p->input_offset, acc);
              } else if (v0) {
                mk_dot_1x2(in_row_ptr + (size_t)x0 * in_c, f0 + tap, f1 + tap, in_c,
                           p->input_offset, &acc[0]);
              } else if (v1) {
                mk_dot_1x2(in_row_ptr + (size_t)x1 * in_c, f0 + tap, f1 + tap, in_c,
                           p->input_offset, &acc[2]);
              }
            }
          }
          const int32_t q0 = p->per_channel ? oc : 0, q1 = p->per_channel ? oc1 : 0;
          out0[oc] = mk_output(acc[0], p->multiplier[q0], p->shift[q0], p->output_offset,
                               p->act_min, p->act_max);
          if (oc1 != oc) {
            out0[oc1] = mk_output(acc[1], p->multiplier[q1], p->shift[q1], p->output_offset,
                                  p->act_min, p->act_max);
          }
          if (two_pixels) {
            out1[oc] = mk_output(acc[2], p->multiplier[q0], p->shift[q0], p->output_offset,
                                 p->act_min, p->act_max);
            if (oc1 != oc) {
              out1[oc1] = mk_output(acc[3], p->multiplier[q1], p->shift[q1], p->output_offset,
                                    p->act_min, p->act_max);
            }
          }
        }
      }
    }
  }
}
