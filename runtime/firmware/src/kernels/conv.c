/* conv.c — int8 CONV_2D with per-channel requantization.
 *
 * Output pixels are taken two at a time. Their receptive fields (filter_h*filter_w*in_c
 * values each; for a 1x1 stride-1 convolution simply the input pixel) are expanded once
 * into the scratch buffer as int16 with the input offset added and padding as 0, in the
 * order SXTB16 unpacks weights: for every 4 inputs (x0,x1,x2,x3) the words (x0,x2),
 * (x1,x3), pixel 0 then pixel 1. Then every pair of output channels is one pass over
 * the weights (mk_mac_2x2): on DSP cores an assembly loop of 2 LDRD + 2 LDR + 4 SXTB16
 * + 8 SMLAD per 16 MACs. The expansion is shared by all output channels. */
#include "kernels_internal.h"

static int32_t patch_size(const mcuprof_conv_params *p) {
  return p->filter_h * p->filter_w * p->in_c;
}

size_t mcuprof_conv2d_s8_scratch_bytes(const mcuprof_conv_params *p) {
  const size_t k = (size_t)patch_size(p);
  /* 2 pixels x k int16 in groups (+ the tail), then 2 raw int8 patches */
  return 4u * ((k + 3u) & ~(size_t)3u) + 2u * k + 16u;
}

/* Writes one pixel's k offset-corrected values (int8 at src) into the group layout. */
static void expand_pixel(const int8_t *src, int32_t k, int32_t input_offset, int16_t *dst,
                         int32_t pixel) {
  const int32_t groups = k >> 2;
  int16_t *g = dst + 4 * pixel;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  for (int32_t i = 0; i < groups; ++i) {
    const uint32_t v = mk_load4(src);
    src += 4;
    const uint32_t e = (uint32_t)__sxtab16(off2, v), o = mk_sxtab16_odd(off2, v);
    __builtin_memcpy(g, &e, 4);
    __builtin_memcpy(g + 2, &o, 4);
    g += 8;
  }
#else
  for (int32_t i = 0; i < groups; ++i) {
    g[0] = (int16_t)(src[0] + input_offset);
    g[1] = (int16_t)(src[2] + input_offset);
    g[2] = (int16_t)(src[1] + input_offset);
    g[3] = (int16_t)(src[3] + input_offset);
    src += 4;
    g += 8;
  }
#endif
  int16_t *tail = dst + 8 * groups + 4 * pixel;
  for (int32_t j = 0; j < (k & 3); ++j) tail[j] = (int16_t)(src[j] + input_offset);
}

/* acc[0..3] += pixel0.w0, pixel0.w1, pixel1.w0, pixel1.w1 over the expanded patches. */
static inline void mk_mac_2x2(const int16_t *x, const int8_t *w0, const int8_t *w1, int32_t k,
                              int32_t acc[4]) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  int32_t groups = k >> 2;
  const int16_t *tail = x + 8 * groups;
#if MK_DSP
  if (groups > 0) {
    int32_t e0, o0, e1, o1, y, t;
    __asm__ volatile(
        "1:\n\t"
        "ldrd %[e1], %[o1], [%[x], #8]\n\t"
        "ldrd %[e0], %[o0], [%[x]], #16\n\t"
        "ldr %[y], [%[w0]], #4\n\t"
        "sxtb16 %[t], %[y]\n\t"
        "sxtb16 %[y], %[y], ror #8\n\t"
        "smlad %[a00], %[e0], %[t], %[a00]\n\t"
        "smlad %[a10], %[e1], %[t], %[a10]\n\t"
        "smlad %[a00], %[o0], %[y], %[a00]\n\t"
        "smlad %[a10], %[o1], %[y], %[a10]\n\t"
        "ldr %[y], [%[w1]], #4\n\t"
        "sxtb16 %[t], %[y]\n\t"
        "sxtb16 %[y], %[y], ror #8\n\t"
        "smlad %[a01], %[e0], %[t], %[a01]\n\t"
        "smlad %[a11], %[e1], %[t], %[a11]\n\t"
        "smlad %[a01], %[o0], %[y], %[a01]\n\t"
        "smlad %[a11], %[o1], %[y], %[a11]\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b\n\t"
        : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [x] "+r"(x),
          [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(groups), [e0] "=&r"(e0), [o0] "=&r"(o0),
          [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t)
        :
        : "cc", "memory");
  }
#else
  for (; groups > 0; --groups) {
    a00 = mk_wadd32(a00, x[0] * w0[0] + x[1] * w0[2] + x[2] * w0[1] + x[3] * w0[3]);
    a01 = mk_wadd32(a01, x[0] * w1[0] + x[1] * w1[2] + x[2] * w1[1] + x[3] * w1[3]);
    a10 = mk_wadd32(a10, x[4] * w0[0] + x[5] * w0[2] + x[6] * w0[1] + x[7] * w0[3]);
    a11 = mk_wadd32(a11, x[4] * w1[0] + x[5] * w1[2] + x[6] * w1[1] + x[7] * w1[3]);
    x += 8;
    w0 += 4;
    w1 += 4;
  }
#endif
  for (int32_t j = 0; j < (k & 3); ++j) {
    a00 = mk_wadd32(a00, tail[j] * w0[j]);
    a01 = mk_wadd32(a01, tail[j] * w1[j]);
    a10 = mk_wadd32(a10, tail[4 + j] * w0[j]);
    a11 = mk_wadd32(a11, tail[4 + j] * w1[j]);
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

/* Gathers the raw receptive field of output pixel (oy, ox) into dst (k bytes),
 * with the input zero point in the padding. A filter row wholly inside the input is
 * one contiguous run of filter_w*in_c bytes when dilation_w is 1. */
static void gather_patch(const mcuprof_conv_params *p, const int8_t *in_b, int32_t oy, int32_t ox,
                         int8_t zero_point, int8_t *dst) {
  const int32_t in_c = p->in_c, fw = p->filter_w;
  const int32_t ix0 = ox * p->stride_w - p->pad_left;
  const int32_t row_inside = p->dilation_w == 1 && ix0 >= 0 && ix0 + fw <= p->in_w;
  for (int32_t ky = 0; ky < p->filter_h; ++ky) {
    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    if (iy < 0 || iy >= p->in_h) {
      for (int32_t i = 0; i < fw * in_c; ++i) dst[i] = zero_point;
      dst += fw * in_c;
      continue;
    }
    const int8_t *row = in_b + (size_t)iy * (size_t)p->in_w * (size_t)in_c;
    if (row_inside) {
      const int8_t *src = row + (size_t)ix0 * (size_t)in_c;
      for (int32_t i = 0; i < fw * in_c; ++i) dst[i] = src[i];
      dst += fw * in_c;
      continue;
    }
    for (int32_t kx = 0; kx < fw; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix >= 0 && ix < p->in_w) {
        const int8_t *src = row + (size_t)ix * (size_t)in_c;
        for (int32_t c = 0; c < in_c; ++c) dst[c] = src[c];
      } else {
        for (int32_t c = 0; c < in_c; ++c) dst[c] = zero_point;
      }
      dst += in_c;
    }
  }
}

/* Layer constants of the requantization. A channel takes the short exact form of
 * mk_rq (SMMULR and one rounding shift) when its shift is a right shift of 1..31, its
 * multiplier is non-negative and |bias| < bias_limit, which keeps |accumulator| below
 * 2^30; otherwise the literal TFLite form. */
typedef struct {
  int32_t offset, lo, hi, bias_limit;
} conv_rq;

static conv_rq layer_rq(const mcuprof_conv_params *p, int32_t k) {
  conv_rq r;
  r.offset = p->output_offset;
  r.lo = p->act_min;
  r.hi = p->act_max;
  const int64_t dot_bound = (int64_t)k * mk_max_abs_input(p->input_offset) * 128;
  const int64_t limit = ((int64_t)1 << 30) - dot_bound;
  r.bias_limit = limit > 0 ? (int32_t)limit : 0;
  return r;
}

static inline int8_t requant(int32_t acc, int32_t bias, int32_t m, int32_t s, conv_rq r) {
  if (__builtin_expect(s < 0 && s >= -31 && m >= 0 && bias < r.bias_limit && bias > -r.bias_limit, 1)) {
    const int32_t right = -s;
    const int32_t h = mk_smmulr(acc * 2, m);
    const int32_t v = (h + (h >> 31) + (1 << (right - 1))) >> right;
    return (int8_t)mk_clamp(v + r.offset, r.lo, r.hi);
  }
  return mk_output_general(acc, m, s, r.offset, r.lo, r.hi);
}

/* All output channels of two output pixels from their expanded patches. */
static void pixel_pair(const mcuprof_conv_params *p, conv_rq r, const int16_t *x,
                       const int8_t *filter, const int32_t *bias, int32_t has_px1,
                       int8_t *out0) {
  const int32_t k = patch_size(p), out_c = p->out_c, per_channel = p->per_channel;
  const int32_t *mult = p->multiplier, *shift = p->shift;
  int8_t *out1 = out0 + out_c;
  for (int32_t oc = 0; oc < out_c; oc += 2) {
    const int32_t has_oc1 = oc + 1 < out_c;
    const int32_t oc1 = has_oc1 ? oc + 1 : oc;
    const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc1] : 0;
    int32_t acc[4] = {b0, b1, b0, b1};
    mk_mac_2x2(x, filter + (size_t)oc * (size_t)k, filter + (size_t)oc1 * (size_t)k, k, acc);
    const int32_t i0 = per_channel ? oc : 0, i1 = per_channel ? oc1 : 0;
    const int32_t m0 = mult[i0], s0 = shift[i0], m1 = mult[i1], s1 = shift[i1];
    out0[oc] = requant(acc[0], b0, m0, s0, r);
    if (has_px1) out1[oc] = requant(acc[2], b0, m0, s0, r);
    if (has_oc1) {
      out0[oc1] = requant(acc[1], b1, m1, s1, r);
      if (has_px1) out1[oc1] = requant(acc[3], b1, m1, s1, r);
    }
  }
}

void mcuprof_conv2d_s8(const mcuprof_conv_params *p, const int8_t *input,
                       const int8_t *filter, const int32_t *bias, int8_t *output,
                       void *scratch) {
  const int32_t k = patch_size(p);
  int16_t *x = (int16_t *)scratch;
  int8_t *raw = (int8_t *)scratch + 4 * ((k + 3) & ~3) + 16;
  const int32_t pointwise = p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 &&
                            p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                            p->out_h == p->in_h && p->out_w == p->in_w;
  const int8_t zero_point = (int8_t)mk_clamp(-p->input_offset, -128, 127);
  const conv_rq r = layer_rq(p, k);
  if (pointwise) {
    const int32_t pixels = p->batches * p->out_h * p->out_w;
    for (int32_t px = 0; px < pixels; px += 2) {
      const int32_t has_px1 = px + 1 < pixels;
      const int8_t *src = input + (size_t)px * (size_t)k;
      expand_pixel(src, k, p->input_offset, x, 0);
      expand_pixel(has_px1 ? src + k : src, k, p->input_offset, x, 1);
      pixel_pair(p, r, x, filter, bias, has_px1, output + (size_t)px * (size_t)p->out_c);
    }
    return;
  }
  const size_t in_size = (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t *in_b = input + (size_t)b * in_size;
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      for (int32_t ox = 0; ox < p->out_w; ox += 2) {
        const int32_t has_px1 = ox + 1 < p->out_w;
        gather_patch(p, in_b, oy, ox, zero_point, raw);
        gather_patch(p, in_b, oy, has_px1 ? ox + 1 : ox, zero_point, raw + k);
        expand_pixel(raw, k, p->input_offset, x, 0);
        expand_pixel(raw + k, k, p->input_offset, x, 1);
        pixel_pair(p, r, x, filter, bias, has_px1,
                   output + (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w +
                             (size_t)ox) * (size_t)p->out_c);
      }
    }
  }
}
