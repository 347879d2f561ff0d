/* conv.c — int8 CONV_2D with per-channel requantization.
 *
 * Output pixels are taken two at a time. Their receptive fields (filter_h*filter_w*in_c
 * values each; for a 1x1 stride-1 convolution simply the input pixel) are expanded once
 * into the scratch buffer as int16 with the input offset added and padding as 0, in the
 * order SXTB16 unpacks weights: for every 4 inputs (x0,x1,x2,x3) the words (x0,x2),
 * (x1,x3), pixel 0 then pixel 1. Then every pair of output channels is one pass over
 * the weights (mk_mac_2x2): on DSP cores an assembly loop of 2 LDRD + 2 LDR + 4 SXTB16
 * + 8 SMLAD per 16 MACs. The expansion is shared by all output channels; their int32
 * accumulators go to scratch and a second pass requantizes them with per-channel
 * constants prepared once per call. */
#include "kernels_internal.h"

static int32_t patch_size(const mcuprof_conv_params* p) {
  return p->filter_h * p->filter_w * p->in_c;
}

/* Writes one pixel's k offset-corrected values (int8 at src) into the group layout. */
static void expand_pixel(const int8_t* src, int32_t k, int32_t input_offset, int16_t* dst,
                         int32_t pixel) {
  const int32_t groups = k >> 2;
  int16_t* g = dst + 4 * pixel;
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
  int16_t* tail = dst + 8 * groups + 4 * pixel;
  for (int32_t j = 0; j < (k & 3); ++j) tail[j] = (int16_t)(src[j] + input_offset);
}

#if MK_DSP
/* 16 MACs: two pixels' expanded values (LDRD) against 4 bytes of two filter rows
 * (LDR, SXTB16 even/odd bytes), 8 SMLAD; n counts groups of 4 and must be >= 1. */
#define MK_MAC_2X2_LOOP                   \
  "1:\n\t"                                \
  "ldrd %[e1], %[o1], [%[x], #8]\n\t"     \
  "ldrd %[e0], %[o0], [%[x]], #16\n\t"    \
  "ldr %[y], [%[w0]], #4\n\t"             \
  "sxtb16 %[t], %[y]\n\t"                 \
  "sxtb16 %[y], %[y], ror #8\n\t"         \
  "smlad %[a00], %[e0], %[t], %[a00]\n\t" \
  "smlad %[a10], %[e1], %[t], %[a10]\n\t" \
  "smlad %[a00], %[o0], %[y], %[a00]\n\t" \
  "smlad %[a10], %[o1], %[y], %[a10]\n\t" \
  "ldr %[y], [%[w1]], #4\n\t"             \
  "sxtb16 %[t], %[y]\n\t"                 \
  "sxtb16 %[y], %[y], ror #8\n\t"         \
  "smlad %[a01], %[e0], %[t], %[a01]\n\t" \
  "smlad %[a11], %[e1], %[t], %[a11]\n\t" \
  "smlad %[a01], %[o0], %[y], %[a01]\n\t" \
  "smlad %[a11], %[o1], %[y], %[a11]\n\t" \
  "subs %[n], %[n], #1\n\t"               \
  "bne 1b\n\t"

#endif

/* acc[0..3] += pixel0.w0, pixel0.w1, pixel1.w0, pixel1.w1 over the expanded patches. */
static inline void mk_mac_2x2(const int16_t* x, const int8_t* w0, const int8_t* w1, int32_t k,
                              int32_t acc[4]) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  int32_t groups = k >> 2;
  const int16_t* tail = x + 8 * groups;
#if MK_DSP
  if (groups > 0) {
    int32_t e0, o0, e1, o1, y, t;
    __asm__ volatile(MK_MAC_2X2_LOOP
                     : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                       [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(groups), [e0] "=&r"(e0),
                       [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t)
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
static void gather_patch(const mcuprof_conv_params* p, const int8_t* in_b, int32_t oy, int32_t ox,
                         int8_t zero_point, int8_t* dst) {
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
    const int8_t* row = in_b + (size_t)iy * (size_t)p->in_w * (size_t)in_c;
    if (row_inside) {
      const int8_t* src = row + (size_t)ix0 * (size_t)in_c;
      for (int32_t i = 0; i < fw * in_c; ++i) dst[i] = src[i];
      dst += fw * in_c;
      continue;
    }
    for (int32_t kx = 0; kx < fw; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix >= 0 && ix < p->in_w) {
        const int8_t* src = row + (size_t)ix * (size_t)in_c;
        for (int32_t c = 0; c < in_c; ++c) dst[c] = src[c];
      } else {
        for (int32_t c = 0; c < in_c; ++c) dst[c] = zero_point;
      }
      dst += in_c;
    }
  }
}

/* Per-channel requantization, prepared once per call into the scratch buffer. A
 * channel takes the short exact form of mk_rq (SMMULR and one rounding shift) when its
 * shift is a right shift of 1..31, its multiplier is non-negative and |bias| + the
 * largest possible dot product stays below 2^30; `round` < 0 marks the others, which
 * take the literal TFLite form. */
typedef struct {
  int32_t multiplier, shift, round;
} conv_channel;

static void prepare_channels(const mcuprof_conv_params* p, const int32_t* bias, int32_t k,
                             conv_channel* ch) {
  for (int32_t oc = 0; oc < p->out_c; ++oc) {
    const int32_t i = p->per_channel ? oc : 0;
    mk_rq q;
    mk_rq_init(&q, p->multiplier[i], p->shift[i], p->output_offset, p->act_min, p->act_max);
    mk_rq_bound(&q, bias ? bias[oc] : 0, k, p->input_offset);
    ch[oc].multiplier = q.multiplier;
    ch[oc].shift = q.fast ? q.right : q.shift;
    ch[oc].round = q.fast ? q.round : -1;
  }
}

/* Accumulators of two output pixels for every output channel (acc0/acc1 [out_c]). */
static void accumulate_pair(const int16_t* x, const int8_t* filter, const int32_t* bias, int32_t k,
                            int32_t out_c, int32_t* acc0, int32_t* acc1) {
  int32_t oc = 0;
#if MK_DSP
  /* The common shape (k a multiple of 4, bias present) with the least bookkeeping. */
  if ((k & 3) == 0 && k > 0 && bias != NULL) {
    const int8_t* w = filter;
    for (; oc + 2 <= out_c; oc += 2) {
      int32_t a00 = bias[oc], a01 = bias[oc + 1], a10 = a00, a11 = a01;
      const int16_t* xp = x;
      const int8_t *w0 = w, *w1 = w + k;
      int32_t n = k >> 2;
      int32_t e0, o0, e1, o1, y, t;
      __asm__ volatile(MK_MAC_2X2_LOOP
                       : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                         [x] "+r"(xp), [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(n), [e0] "=&r"(e0),
                         [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t)
                       :
                       : "cc", "memory");
      acc0[oc] = a00;
      acc0[oc + 1] = a01;
      acc1[oc] = a10;
      acc1[oc + 1] = a11;
      w = w1;
    }
  }
#endif
  for (; oc < out_c; oc += 2) {
    const int32_t oc1 = oc + 1 < out_c ? oc + 1 : oc;
    const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc1] : 0;
    int32_t acc[4] = {b0, b1, b0, b1};
    mk_mac_2x2(x, filter + (size_t)oc * (size_t)k, filter + (size_t)oc1 * (size_t)k, k, acc);
    acc0[oc] = acc[0];
    acc1[oc] = acc[2];
    acc0[oc1] = acc[1];
    acc1[oc1] = acc[3];
  }
}

/* The short form of one output (see conv_channel), branch-free clamp. */
static inline int8_t requant_short(int32_t acc, conv_channel c, int32_t offset, int32_t lo,
                                   int32_t hi) {
  const int32_t h = mk_smmulr(acc * 2, c.multiplier);
  int32_t v = ((h + (h >> 31) + c.round) >> c.shift) + offset;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return (int8_t)v;
}

/* Requantizes one or two pixels' accumulators into out0/out1. */
static void requantize_pair(const mcuprof_conv_params* p, const conv_channel* ch,
                            const int32_t* acc0, const int32_t* acc1, int32_t has_px1, int8_t* out0,
                            int8_t* out1) {
  const int32_t offset = p->output_offset, lo = p->act_min, hi = p->act_max, out_c = p->out_c;
  for (int32_t oc = 0; oc < out_c; ++oc) {
    const conv_channel c = ch[oc];
    if (__builtin_expect(c.round >= 0, 1)) {
      out0[oc] = requant_short(acc0[oc], c, offset, lo, hi);
      if (has_px1) out1[oc] = requant_short(acc1[oc], c, offset, lo, hi);
    } else {
      out0[oc] = mk_output_general(acc0[oc], c.multiplier, c.shift, offset, lo, hi);
      if (has_px1) out1[oc] = mk_output_general(acc1[oc], c.multiplier, c.shift, offset, lo, hi);
    }
  }
}

/* Scratch layout: expanded patches | raw patches | per-channel constants | accumulators. */
typedef struct {
  int16_t* x;
  int8_t* raw;
  conv_channel* channels;
  int32_t* acc;
} conv_scratch;

static size_t aligned16(size_t n) {
  return (n + 15u) & ~(size_t)15u;
}

static size_t scratch_layout(const mcuprof_conv_params* p, void* base, conv_scratch* s) {
  const size_t k = (size_t)patch_size(p), out_c = (size_t)p->out_c;
  const size_t x_bytes = aligned16(4u * ((k + 3u) & ~(size_t)3u));
  const size_t raw_bytes = aligned16(2u * k);
  const size_t ch_bytes = aligned16(out_c * sizeof(conv_channel));
  const size_t acc_bytes = 2u * out_c * sizeof(int32_t);
  if (s != NULL) {
    uint8_t* b = (uint8_t*)base;
    s->x = (int16_t*)b;
    s->raw = (int8_t*)(b + x_bytes);
    s->channels = (conv_channel*)(b + x_bytes + raw_bytes);
    s->acc = (int32_t*)(b + x_bytes + raw_bytes + ch_bytes);
  }
  return x_bytes + raw_bytes + ch_bytes + acc_bytes;
}

size_t mcuprof_conv2d_s8_scratch_bytes(const mcuprof_conv_params* p) {
  return scratch_layout(p, NULL, NULL);
}

void mcuprof_conv2d_s8(const mcuprof_conv_params* p, const int8_t* input, const int8_t* filter,
                       const int32_t* bias, int8_t* output, void* scratch) {
  const int32_t k = patch_size(p), out_c = p->out_c;
  conv_scratch s;
  scratch_layout(p, scratch, &s);
  prepare_channels(p, bias, k, s.channels);
  int32_t *acc0 = s.acc, *acc1 = s.acc + out_c;
  const int32_t pointwise = p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 &&
                            p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
                            p->out_h == p->in_h && p->out_w == p->in_w;
  const int8_t zero_point = (int8_t)mk_clamp(-p->input_offset, -128, 127);
  if (pointwise) {
    const int32_t pixels = p->batches * p->out_h * p->out_w;
    for (int32_t px = 0; px < pixels; px += 2) {
      const int32_t has_px1 = px + 1 < pixels;
      const int8_t* src = input + (size_t)px * (size_t)k;
      expand_pixel(src, k, p->input_offset, s.x, 0);
      expand_pixel(has_px1 ? src + k : src, k, p->input_offset, s.x, 1);
      accumulate_pair(s.x, filter, bias, k, out_c, acc0, acc1);
      int8_t* out0 = output + (size_t)px * (size_t)out_c;
      requantize_pair(p, s.channels, acc0, acc1, has_px1, out0, out0 + out_c);
    }
    return;
  }
  const size_t in_size = (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t* in_b = input + (size_t)b * in_size;
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      for (int32_t ox = 0; ox < p->out_w; ox += 2) {
        const int32_t has_px1 = ox + 1 < p->out_w;
        gather_patch(p, in_b, oy, ox, zero_point, s.raw);
        gather_patch(p, in_b, oy, has_px1 ? ox + 1 : ox, zero_point, s.raw + k);
        expand_pixel(s.raw, k, p->input_offset, s.x, 0);
        expand_pixel(s.raw + k, k, p->input_offset, s.x, 1);
        accumulate_pair(s.x, filter, bias, k, out_c, acc0, acc1);
        int8_t* out0 =
            output + (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w + (size_t)ox) *
                         (size_t)out_c;
        requantize_pair(p, s.channels, acc0, acc1, has_px1, out0, out0 + out_c);
      }
    }
  }
}
