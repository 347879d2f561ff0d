/* depthwise.c — int8 DEPTHWISE_CONV_2D, any depth multiplier, per-channel
 * requantization. One input channel at a time is copied into the scratch plane as
 * int16 with the input offset added and the padding as zeros (the zero point's
 * offset-corrected value), so the tap loops have no bounds checks and the channel's
 * weights stay in registers. The 3x3 dilation-1 case is unrolled; on DSP cores each
 * filter row is one SMLAD on a halfword pair plus one MLA. */
#include "kernels_internal.h"

static int32_t plane_h(const mcuprof_depthwise_params* p) {
  return (p->out_h - 1) * p->stride_h + (p->filter_h - 1) * p->dilation_h + 1;
}
static int32_t plane_w(const mcuprof_depthwise_params* p) {
  return (p->out_w - 1) * p->stride_w + (p->filter_w - 1) * p->dilation_w + 1;
}

size_t mcuprof_depthwise_conv2d_s8_scratch_bytes(const mcuprof_depthwise_params* p) {
  return (size_t)plane_h(p) * (size_t)plane_w(p) * sizeof(int16_t);
}

/* Zeroes the whole plane: the padding stays 0 for every channel of the call. */
static void clear_plane(int16_t* plane, int32_t count) {
  for (int32_t i = 0; i < count; ++i) plane[i] = 0;
}

/* plane[r][q] = input[r - pad_top][q - pad_left][c] + offset for the rows and columns
 * inside the input; the rest of the plane was zeroed by clear_plane. */
__attribute__((noinline)) static void fill_plane(const mcuprof_depthwise_params* p,
                                                 const int8_t* in_b, int32_t c, int16_t* plane,
                                                 int32_t ph, int32_t pw) {
  const int32_t in_c = p->in_c, off = p->input_offset;
  const int32_t q_lo = mk_clamp(p->pad_left, 0, pw);
  const int32_t q_hi = mk_clamp(p->pad_left + p->in_w, q_lo, pw);
  const int32_t r_lo = mk_clamp(p->pad_top, 0, ph);
  const int32_t r_hi = mk_clamp(p->pad_top + p->in_h, r_lo, ph);
  const int32_t n = q_hi - q_lo;
  for (int32_t r = r_lo; r < r_hi; ++r) {
    int16_t* dst = plane + (size_t)r * (size_t)pw + q_lo;
    const int8_t* src =
        in_b +
        ((size_t)(r - p->pad_top) * (size_t)p->in_w + (size_t)(q_lo - p->pad_left)) * (size_t)in_c +
        c;
    int32_t q = 0;
    for (; q + 2 <= n; q += 2) {
      const int32_t v0 = src[0] + off, v1 = src[in_c] + off;
      src += 2 * in_c;
      dst[q] = (int16_t)v0;
      dst[q + 1] = (int16_t)v1;
    }
    if (q < n) dst[q] = (int16_t)(*src + off);
  }
}

/* One output channel from the plane, generic filter size. */
__attribute__((noinline)) static void channel_generic(const mcuprof_depthwise_params* p,
                                                      const int16_t* plane, int32_t pw,
                                                      const int8_t* w, int32_t wstride,
                                                      int32_t bias, int32_t mult, int32_t shift,
                                                      int8_t* out, int32_t ostride) {
  for (int32_t oy = 0; oy < p->out_h; ++oy) {
    for (int32_t ox = 0; ox < p->out_w; ++ox) {
      const int16_t* origin = plane + (size_t)(oy * p->stride_h) * (size_t)pw + ox * p->stride_w;
      int32_t acc = bias;
      for (int32_t ky = 0; ky < p->filter_h; ++ky) {
        const int16_t* row = origin + (size_t)(ky * p->dilation_h) * (size_t)pw;
        const int8_t* wr = w + (size_t)(ky * p->filter_w) * (size_t)wstride;
        for (int32_t kx = 0; kx < p->filter_w; ++kx) {
          acc = mk_wadd32(acc, row[kx * p->dilation_w] * wr[(size_t)kx * (size_t)wstride]);
        }
      }
      *out = mk_output(acc, mult, shift, p->output_offset, p->act_min, p->act_max);
      out += ostride;
    }
  }
}

/* One output channel, 3x3 filter, dilation 1. DSP cores, stride 1: two outputs per
 * step from two halfword-pair loads per filter row — out0 = SMLAD((x0,x1),(w0,w1)) +
 * x2*w2 and out1 = SMLAD((x2,x3),(w1,w2)) + x1*w0 (SMLABT/SMLATB pick the halves).
 * `fast` is a constant after inlining: the short requantization or the general one. */
#define DW_OUT(acc) (fast ? mk_fq_apply(f, (acc)) : mk_rq_apply(q, (acc)))

static inline __attribute__((always_inline)) void dw3x3(
    const int fast, const mk_rq q, const mk_fq f, int32_t out_h, int32_t out_w, int32_t stride_h,
    int32_t sx, const int16_t* plane, int32_t pw, const int8_t* w, int32_t wstride, int32_t bias,
    int8_t* out, int32_t ostride) {
  const int32_t w00 = w[0], w01 = w[wstride], w02 = w[2 * wstride];
  const int32_t w10 = w[3 * wstride], w11 = w[4 * wstride], w12 = w[5 * wstride];
  const int32_t w20 = w[6 * wstride], w21 = w[7 * wstride], w22 = w[8 * wstride];
#if MK_DSP
  const int32_t a0 = (int32_t)(((uint32_t)w01 << 16) | (uint16_t)w00);
  const int32_t a1 = (int32_t)(((uint32_t)w11 << 16) | (uint16_t)w10);
  const int32_t a2 = (int32_t)(((uint32_t)w21 << 16) | (uint16_t)w20);
  const int32_t b0 = (int32_t)(((uint32_t)w02 << 16) | (uint16_t)w01);
  const int32_t b1 = (int32_t)(((uint32_t)w12 << 16) | (uint16_t)w11);
  const int32_t b2 = (int32_t)(((uint32_t)w22 << 16) | (uint16_t)w21);
#endif
  for (int32_t oy = 0; oy < out_h; ++oy) {
    const int16_t* r0 = plane + (size_t)(oy * stride_h) * (size_t)pw;
    int32_t ox = 0;
#if MK_DSP
    if (sx == 1) {
      for (; ox + 2 <= out_w; ox += 2) {
        const int16_t *r1 = r0 + pw, *r2 = r1 + pw;
        const int32_t x01 = (int32_t)mk_load2x16(r0), x23 = (int32_t)mk_load2x16(r0 + 2);
        int32_t s0 = __smlad(x01, a0, bias), s1 = __smlad(x23, b0, bias);
        s0 = __smlabt(x23, b0, s0);
        s1 = __smlatb(x01, a0, s1);
        const int32_t y01 = (int32_t)mk_load2x16(r1), y23 = (int32_t)mk_load2x16(r1 + 2);
        s0 = __smlad(y01, a1, s0);
        s1 = __smlad(y23, b1, s1);
        s0 = __smlabt(y23, b1, s0);
        s1 = __smlatb(y01, a1, s1);
        const int32_t z01 = (int32_t)mk_load2x16(r2), z23 = (int32_t)mk_load2x16(r2 + 2);
        s0 = __smlad(z01, a2, s0);
        s1 = __smlad(z23, b2, s1);
        s0 = __smlabt(z23, b2, s0);
        s1 = __smlatb(z01, a2, s1);
        r0 += 2;
        out[0] = DW_OUT(s0);
        out[ostride] = DW_OUT(s1);
        out += 2 * ostride;
      }
    }
#endif
    for (; ox < out_w; ++ox) {
      const int16_t *r1 = r0 + pw, *r2 = r1 + pw;
      int32_t acc = bias;
#if MK_DSP
      acc = __smlad((int32_t)mk_load2x16(r0), a0, acc);
      acc = __smlabt(r0[2], b0, acc);
      acc = __smlad((int32_t)mk_load2x16(r1), a1, acc);
      acc = __smlabt(r1[2], b1, acc);
      acc = __smlad((int32_t)mk_load2x16(r2), a2, acc);
      acc = __smlabt(r2[2], b2, acc);
#else
      acc = mk_wadd32(acc, r0[0] * w00 + r0[1] * w01 + r0[2] * w02);
      acc = mk_wadd32(acc, r1[0] * w10 + r1[1] * w11 + r1[2] * w12);
      acc = mk_wadd32(acc, r2[0] * w20 + r2[1] * w21 + r2[2] * w22);
#endif
      r0 += sx;
      *out = DW_OUT(acc);
      out += ostride;
    }
  }
}

__attribute__((noinline)) static void channel_3x3(const mcuprof_depthwise_params* p,
                                                  const int16_t* plane, int32_t pw, const int8_t* w,
                                                  int32_t wstride, int32_t bias, const mk_rq* qp,
                                                  int8_t* out, int32_t ostride) {
  const mk_rq q = *qp;
  const mk_fq f = mk_fq_from(qp);
  if (q.fast) {
    dw3x3(1, q, f, p->out_h, p->out_w, p->stride_h, p->stride_w, plane, pw, w, wstride, bias, out,
          ostride);
  } else {
    dw3x3(0, q, f, p->out_h, p->out_w, p->stride_h, p->stride_w, plane, pw, w, wstride, bias, out,
          ostride);
  }
}

void mcuprof_depthwise_conv2d_s8(const mcuprof_depthwise_params* p, const int8_t* input,
                                 const int8_t* filter, const int32_t* bias, int8_t* output,
                                 void* scratch) {
  int16_t* plane = (int16_t*)scratch;
  const int32_t ph = plane_h(p), pw = plane_w(p);
  const int32_t out_c = p->in_c * p->depth_multiplier;
  const int32_t is_3x3 =
      p->filter_h == 3 && p->filter_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
  clear_plane(plane, ph * pw);
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t* in_b = input + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
    int8_t* out_b = output + (size_t)b * (size_t)p->out_h * (size_t)p->out_w * (size_t)out_c;
    for (int32_t c = 0; c < p->in_c; ++c) {
      fill_plane(p, in_b, c, plane, ph, pw);
      for (int32_t m = 0; m < p->depth_multiplier; ++m) {
        const int32_t oc = c * p->depth_multiplier + m;
        const int32_t q = p->per_channel ? oc : 0;
        const int32_t bias_oc = bias ? bias[oc] : 0;
        if (is_3x3) {
          mk_rq rq;
          mk_rq_init(&rq, p->multiplier[q], p->shift[q], p->output_offset, p->act_min, p->act_max);
          mk_rq_bound(&rq, bias_oc, 9, p->input_offset);
          channel_3x3(p, plane, pw, filter + oc, out_c, bias_oc, &rq, out_b + oc, out_c);
        } else {
          channel_generic(p, plane, pw, filter + oc, out_c, bias_oc, p->multiplier[q], p->shift[q],
                          out_b + oc, out_c);
        }
      }
    }
  }
}
