/* depthwise.c — int8 DEPTHWISE_CONV_2D, any depth multiplier, per-channel
 * requantization. One input channel at a time is copied into the scratch plane as
 * int16 with the input offset added and the padding as zeros (the zero point's
 * offset-corrected value), so the tap loops have no bounds checks and the channel's
 * weights stay in registers. The 3x3 dilation-1 case accumulates a whole output row
 * into int32 row accumulators (on DSP cores, stride 1: an assembly loop of 3 LDRD +
 * 12 SMLAD/SMLAxy per 2 outputs), then requantizes the row in a second pass; channels
 * in the short right-shift form with the whole int8 range as clamp (the common case) take
 * the fused row loop of depthwise_rows.c instead (requantized from registers). */
#include "kernels_internal.h"

static int32_t plane_h(const mcuprof_depthwise_params* p) {
  return (p->out_h - 1) * p->stride_h + (p->filter_h - 1) * p->dilation_h + 1;
}
/* Row stride of the plane in int16: the width rounded up to even, so every row starts
 * on a word boundary (LDRD needs it). */
static int32_t plane_w(const mcuprof_depthwise_params* p) {
  const int32_t width = (p->out_w - 1) * p->stride_w + (p->filter_w - 1) * p->dilation_w + 1;
  return (width + 1) & ~1;
}

static size_t plane_bytes(const mcuprof_depthwise_params* p) {
  return (size_t)plane_h(p) * (size_t)plane_w(p) * sizeof(int16_t);
}

/* The plane, then one output row of int32 accumulators. */
size_t mcuprof_depthwise_conv2d_s8_scratch_bytes(const mcuprof_depthwise_params* p) {
  return plane_bytes(p) + (size_t)p->out_w * sizeof(int32_t);
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
#if MK_DSP
    /* four values per step: two halfword pairs packed, the offset added by SADD16
     * (|x + offset| <= 255 fits a halfword), two 32-bit stores (maybe unaligned). */
    int16_t* const end4 = dst + (n & ~3);
    const uint32_t off2 = ((uint32_t)(uint16_t)off << 16) | (uint16_t)off;
    while (dst != end4) {
      const uint32_t p0 = ((uint32_t)(int32_t)src[in_c] << 16) | (uint16_t)src[0];
      const uint32_t p1 = ((uint32_t)(int32_t)src[3 * in_c] << 16) | (uint16_t)src[2 * in_c];
      const uint32_t q0 = (uint32_t)__sadd16((int32_t)p0, (int32_t)off2);
      const uint32_t q1 = (uint32_t)__sadd16((int32_t)p1, (int32_t)off2);
      __builtin_memcpy(dst, &q0, 4);
      __builtin_memcpy(dst + 2, &q1, 4);
      src += 4 * in_c;
      dst += 4;
    }
#endif
    const int32_t rest = MK_DSP ? n & 3 : n;
    int16_t* const end = dst + (rest & ~1);
    while (dst != end) { /* two values per 32-bit store */
      const uint32_t v0 = (uint16_t)(src[0] + off), v1 = (uint16_t)(src[in_c] + off);
      const uint32_t both = v0 | (v1 << 16);
      __builtin_memcpy(dst, &both, 4);
      src += 2 * in_c;
      dst += 2;
    }
    if (n & 1) *dst = (int16_t)(*src + off);
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

/* Requantizes one output with the channel's prepared form (see channel_kxk). */
static inline int8_t dw_requant(const mk_rq* q, const mk_fq f, int32_t left, int32_t acc) {
  if (__builtin_expect(q->fast, 1)) return mk_fq_apply(f, acc);
  if (left > 0) return mk_left_apply(f, left, acc);
  return mk_output_general(acc, q->multiplier, q->shift, q->offset, q->lo, q->hi);
}

/* One output channel, any filter up to DW_MAX x DW_MAX with dilation_w 1 (5x5, 7x7...):
 * the channel's weights are read from the filter once (they are out_c bytes apart in
 * flash) into a local table; on DSP cores as halfword pairs (w[kx], w[kx+1]) so each
 * filter row takes one SMLAD per two taps on two adjacent plane values (+ one SMLABB
 * for an odd width), else as int16 taps. Bias added before the requantization. */
#define DW_MAX 8

/* acc += the filter over the window at r (fh rows of fw taps, rows dh*pw apart); ROWS and
 * PAIRS are unroll pragmas or nothing. */
#if MK_DSP
#define DW_TAPS(ROWS, PAIRS)                                                 \
  do {                                                                       \
    ROWS for (int32_t ky = 0; ky < fh; ++ky, r += (size_t)dh * (size_t)pw) { \
      const int32_t* wp = pairs + ky * half;                                 \
      PAIRS for (int32_t j = 0; j < half; ++j) acc =                         \
          __smlad((int32_t)mk_load2x16(r + 2 * j), wp[j], acc);              \
      if (odd) acc = __smlabb(r[fw - 1], tail[ky], acc);                     \
    }                                                                        \
  } while (0)
#else
#define DW_TAPS(ROWS, PAIRS)                                                         \
  do {                                                                               \
    ROWS for (int32_t ky = 0; ky < fh; ++ky, r += (size_t)dh * (size_t)pw) {         \
      const int16_t* t = taps + ky * fw;                                             \
      PAIRS for (int32_t kx = 0; kx < fw; ++kx) acc = mk_wadd32(acc, r[kx] * t[kx]); \
    }                                                                                \
  } while (0)
#endif
static inline __attribute__((always_inline)) void kxk_body(const mcuprof_depthwise_params* p,
                                                           const int16_t* plane, int32_t pw,
                                                           const int8_t* w, int32_t wstride,
                                                           int32_t bias, const mk_rq* qp,
                                                           int8_t* out, int32_t ostride,
                                                           const int32_t fh, const int32_t fw) {
  const int32_t sy = p->stride_h, sx = p->stride_w;
  const int32_t dh = p->dilation_h, out_h = p->out_h, out_w = p->out_w;
#if MK_DSP
  const int32_t half = fw >> 1, odd = fw & 1;
  int32_t pairs[DW_MAX * (DW_MAX / 2)];
  int32_t tail[DW_MAX];
  for (int32_t ky = 0; ky < fh; ++ky) {
    const int8_t* wr = w + (size_t)(ky * fw) * (size_t)wstride;
    for (int32_t j = 0; j < half; ++j) {
      const int32_t lo = wr[(size_t)(2 * j) * (size_t)wstride];
      const int32_t hi = wr[(size_t)(2 * j + 1) * (size_t)wstride];
      pairs[ky * half + j] = (int32_t)(((uint32_t)hi << 16) | (uint16_t)lo);
    }
    tail[ky] = odd ? wr[(size_t)(fw - 1) * (size_t)wstride] : 0;
  }
#else
  int16_t taps[DW_MAX * DW_MAX];
  for (int32_t i = 0; i < fh * fw; ++i) taps[i] = w[(size_t)i * (size_t)wstride];
#endif
  const mk_rq q = *qp;
  const mk_fq f = mk_fq_from(qp);
  const int32_t left = mk_rq_left(qp, bias, fh * fw, p->input_offset);
  for (int32_t oy = 0; oy < out_h; ++oy) {
    const int16_t* row0 = plane + (size_t)(oy * sy) * (size_t)pw;
    int8_t* o = out + (size_t)oy * (size_t)out_w * (size_t)ostride;
    for (int32_t ox = 0; ox < out_w; ++ox, o += ostride) {
      const int16_t* r = row0 + ox * sx;
      int32_t acc = bias;
      /* Unrolled wholly when the filter size is a constant (channel_5x5, channel_7x7):
       * without the pragmas GCC -O2 keeps both loops, a compare and branch per SMLAD.
       * channel_kxk (sizes known only at run time) keeps the loops (1.7 KB less code). */
      if (__builtin_constant_p(fh) && __builtin_constant_p(fw)) {
        DW_TAPS(_Pragma("GCC unroll 8"), _Pragma("GCC unroll 4"));
      } else {
        DW_TAPS(, );
      }
      *o = dw_requant(&q, f, left, acc);
    }
  }
}

__attribute__((noinline)) static void channel_kxk(const mcuprof_depthwise_params* p,
                                                  const int16_t* plane, int32_t pw, const int8_t* w,
                                                  int32_t wstride, int32_t bias, const mk_rq* qp,
                                                  int8_t* out, int32_t ostride) {
  kxk_body(p, plane, pw, w, wstride, bias, qp, out, ostride, p->filter_h, p->filter_w);
}

/* The same with the filter size a constant (MCUNet's 5x5 and 7x7), so the tap loops
 * unroll and the weight pairs stay in registers. */
__attribute__((noinline)) static void channel_5x5(const mcuprof_depthwise_params* p,
                                                  const int16_t* plane, int32_t pw, const int8_t* w,
                                                  int32_t wstride, int32_t bias, const mk_rq* qp,
                                                  int8_t* out, int32_t ostride) {
  kxk_body(p, plane, pw, w, wstride, bias, qp, out, ostride, 5, 5);
}
__attribute__((noinline)) static void channel_7x7(const mcuprof_depthwise_params* p,
                                                  const int16_t* plane, int32_t pw, const int8_t* w,
                                                  int32_t wstride, int32_t bias, const mk_rq* qp,
                                                  int8_t* out, int32_t ostride) {
  kxk_body(p, plane, pw, w, wstride, bias, qp, out, ostride, 7, 7);
}

#if MK_DSP
/* acc[0 .. 2*pairs) = the 3x3 filter over plane rows r0..r2, stride 1, bias excluded.
 * Weights as halfword pairs k[2r] = (w_r0, w_r1), k[2r+1] = (w_r1, w_r2); per pair of
 * outputs and filter row: LDRD (x0,x1),(x2,x3); out0 += SMLAD((x0,x1),(w0,w1)) +
 * x2*w2 (SMLABT), out1 += SMLAD((x2,x3),(w1,w2)) + x1*w0 (SMLATB). 14 registers; the
 * last weight pair is reloaded from memory each step. Rows must be word aligned. */
__attribute__((noinline)) static void dw3x3_s1_pairs(const int16_t* r0, const int16_t* r1,
                                                     const int16_t* r2, const int32_t k[6],
                                                     int32_t* acc, int32_t pairs) {
  const int32_t a0 = k[0], b0 = k[1], a1 = k[2], b1 = k[3], a2 = k[4];
  const int32_t b2 = k[5]; /* an "m" operand: a stack slot addressed from sp */
  int32_t s0, s1, x, y;
  __asm__ volatile(
      MK_LOOP_HEAD("1") MK_DW3X3_PAIR_MACS
      "strd %[s0], %[s1], [%[acc]], #8\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [acc] "+r"(acc), [n] "+r"(pairs),
        [s0] "=&r"(s0), [s1] "=&r"(s1), [x] "=&r"(x), [y] "=&r"(y)
      : [a0] "r"(a0), [b0] "r"(b0), [a1] "r"(a1), [b1] "r"(b1), [a2] "r"(a2), [b2] "m"(b2)
      : "cc", "memory");
}
#endif

#if MK_DSP
/* acc[0 .. n) = the 3x3 filter over plane rows r0..r2, stride 2, bias excluded: per
 * output and filter row LDRD (x0,x1),(x2,x3) (post-increment by 2 values),
 * SMLAD((x0,x1),(w0,w1)) + SMLABT(x2·w2). Rows must be word aligned; the last LDRD
 * reads one value past the row's last tap, inside the plane's even-width row. */
__attribute__((noinline)) static void dw3x3_s2(const int16_t* r0, const int16_t* r1,
                                               const int16_t* r2, const int32_t k[6], int32_t* acc,
                                               int32_t n) {
  const int32_t a0 = k[0], b0 = k[1], a1 = k[2], b1 = k[3], a2 = k[4], b2 = k[5];
  int32_t s, x, y;
  __asm__ volatile(
      MK_LOOP_HEAD("1")
      "ldrd %[x], %[y], [%[r0]], #4\n\t"
      "smuad %[s], %[x], %[a0]\n\t"
      "smlabt %[s], %[y], %[b0], %[s]\n\t"
      "ldrd %[x], %[y], [%[r1]], #4\n\t"
      "smlad %[s], %[x], %[a1], %[s]\n\t"
      "smlabt %[s], %[y], %[b1], %[s]\n\t"
      "ldrd %[x], %[y], [%[r2]], #4\n\t"
      "smlad %[s], %[x], %[a2], %[s]\n\t"
      "smlabt %[s], %[y], %[b2], %[s]\n\t"
      "str %[s], [%[acc]], #4\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [acc] "+r"(acc), [n] "+r"(n), [s] "=&r"(s),
        [x] "=&r"(x), [y] "=&r"(y)
      : [a0] "r"(a0), [b0] "r"(b0), [a1] "r"(a1), [b1] "r"(b1), [a2] "r"(a2), [b2] "r"(b2)
      : "cc", "memory");
}
#endif

/* One output channel, 3x3 filter, dilation 1: per output row, the accumulators
 * (without bias) into acc[], then the requantization pass. */
__attribute__((noinline)) static void channel_3x3(const mcuprof_depthwise_params* p,
                                                  const int16_t* plane, int32_t pw, const int8_t* w,
                                                  int32_t wstride, int32_t bias, const mk_rq* qp,
                                                  int32_t* acc, int8_t* out, int32_t ostride) {
  const int32_t out_h = p->out_h, out_w = p->out_w, sy = p->stride_h, sx = p->stride_w;
  const int32_t w00 = w[0], w01 = w[wstride], w02 = w[2 * wstride];
  const int32_t w10 = w[3 * wstride], w11 = w[4 * wstride], w12 = w[5 * wstride];
  const int32_t w20 = w[6 * wstride], w21 = w[7 * wstride], w22 = w[8 * wstride];
#if MK_DSP
  const int32_t k[6] = {(int32_t)(((uint32_t)w01 << 16) | (uint16_t)w00),
                        (int32_t)(((uint32_t)w02 << 16) | (uint16_t)w01),
                        (int32_t)(((uint32_t)w11 << 16) | (uint16_t)w10),
                        (int32_t)(((uint32_t)w12 << 16) | (uint16_t)w11),
                        (int32_t)(((uint32_t)w21 << 16) | (uint16_t)w20),
                        (int32_t)(((uint32_t)w22 << 16) | (uint16_t)w21)};
#endif
  const mk_rq q = *qp;
  const mk_fq f = mk_fq_from(qp);
  const int32_t left = mk_rq_left(qp, bias, 9, p->input_offset);
  const int32_t full_range = f.lo == -128 && f.hi == 127;
  int8_t value;
  if (!q.fast && left == 0 && mk_rq_constant(qp, bias, 9, p->input_offset, &value)) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      int8_t* o = out + (size_t)oy * (size_t)out_w * (size_t)ostride;
      for (int32_t i = 0; i < out_w; ++i, o += ostride) *o = value;
    }
    return;
  }
  for (int32_t oy = 0; oy < out_h; ++oy) {
    const int16_t* r0 = plane + (size_t)(oy * sy) * (size_t)pw;
    const int16_t* r1 = r0 + pw;
    const int16_t* r2 = r1 + pw;
    int32_t i = 0;
#if MK_DSP
    if (sx == 1 && out_w >= 2) {
      dw3x3_s1_pairs(r0, r1, r2, k, acc, out_w >> 1);
      i = out_w & ~1;
    } else if (sx == 2) {
      dw3x3_s2(r0, r1, r2, k, acc, out_w);
      i = out_w;
    }
#endif
    for (; i < out_w; ++i) {
      const int32_t x = i * sx;
#if MK_DSP
      int32_t s = __smlabt(r0[x + 2], k[1], __smuad((int32_t)mk_load2x16(r0 + x), k[0]));
      s = __smlabt(r1[x + 2], k[3], __smlad((int32_t)mk_load2x16(r1 + x), k[2], s));
      s = __smlabt(r2[x + 2], k[5], __smlad((int32_t)mk_load2x16(r2 + x), k[4], s));
#else
      int32_t s = r0[x] * w00 + r0[x + 1] * w01 + r0[x + 2] * w02;
      s += r1[x] * w10 + r1[x + 1] * w11 + r1[x + 2] * w12;
      s += r2[x] * w20 + r2[x + 1] * w21 + r2[x + 2] * w22;
#endif
      acc[i] = s; /* |s| <= 9 * 255 * 128: no overflow */
    }
    int8_t* o = out + (size_t)oy * (size_t)out_w * (size_t)ostride;
    if (q.fast && full_range) {
      for (i = 0; i < out_w; ++i, o += ostride) *o = mk_fq_apply_sat8(f, acc[i] + bias);
    } else if (q.fast) {
      for (i = 0; i < out_w; ++i, o += ostride) *o = mk_fq_apply(f, acc[i] + bias);
    } else if (left > 0) {
      for (i = 0; i < out_w; ++i, o += ostride) *o = mk_left_apply(f, left, acc[i] + bias);
    } else {
      for (i = 0; i < out_w; ++i, o += ostride) *o = mk_rq_apply(q, mk_wadd32(acc[i], bias));
    }
  }
}

void mcuprof_depthwise_conv2d_s8(const mcuprof_depthwise_params* p, const int8_t* input,
                                 const int8_t* filter, const int32_t* bias, int8_t* output,
                                 void* scratch) {
  int16_t* plane = (int16_t*)scratch;
  int32_t* row_acc = (int32_t*)((uint8_t*)scratch + plane_bytes(p));
  const int32_t ph = plane_h(p), pw = plane_w(p);
  const int32_t out_c = p->in_c * p->depth_multiplier;
  const int32_t is_3x3 =
      p->filter_h == 3 && p->filter_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
  const int32_t is_small = p->filter_h <= DW_MAX && p->filter_w <= DW_MAX && p->dilation_w == 1;
  /* The fused rows (depthwise_rows.c) for 3x3 channels in the short right-shift form
   * (shift 1..22) with the whole int8 range as clamp: geometry once per call, per channel
   * the weights and the requantization; |bias| < bias_limit is mk_rq_bound's condition. */
  mk_dw_rows rows;
  const int32_t fused =
      is_3x3 && p->act_min == -128 && p->act_max == 127 &&
      mk_dw_rows_geometry(&rows, pw, p->out_h, p->out_w, p->stride_h, p->stride_w);
  const uint32_t bias_limit = (1u << 30) - (uint32_t)(9 * 128 * mk_max_abs_input(p->input_offset));
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
          const int32_t mult = p->multiplier[q], shift = mk_shift_at(p->shift, p->shift8, q);
          const uint32_t bias_abs = bias_oc < 0 ? 0u - (uint32_t)bias_oc : (uint32_t)bias_oc;
          if (fused && mult >= 0 && shift <= -1 && shift >= -22 && bias_abs < bias_limit) {
            mk_dw_rows_channel(&rows, filter + oc, out_c, bias_oc, mult, -shift, p->output_offset);
            mk_dw3x3_rows(plane, pw, p->stride_w, &rows, out_b + oc, out_c);
            continue;
          }
          mk_rq rq;
          mk_rq_init(&rq, p->multiplier[q], mk_shift_at(p->shift, p->shift8, q), p->output_offset,
                     p->act_min, p->act_max);
          mk_rq_bound(&rq, bias_oc, 9, p->input_offset);
          channel_3x3(p, plane, pw, filter + oc, out_c, bias_oc, &rq, row_acc, out_b + oc, out_c);
        } else if (is_small) {
          mk_rq rq;
          mk_rq_init(&rq, p->multiplier[q], mk_shift_at(p->shift, p->shift8, q), p->output_offset,
                     p->act_min, p->act_max);
          mk_rq_bound(&rq, bias_oc, p->filter_h * p->filter_w, p->input_offset);
          const int32_t k = p->filter_h == p->filter_w ? p->filter_h : 0;
          if (k == 5)
            channel_5x5(p, plane, pw, filter + oc, out_c, bias_oc, &rq, out_b + oc, out_c);
          else if (k == 7)
            channel_7x7(p, plane, pw, filter + oc, out_c, bias_oc, &rq, out_b + oc, out_c);
          else
            channel_kxk(p, plane, pw, filter + oc, out_c, bias_oc, &rq, out_b + oc, out_c);
        } else {
          channel_generic(p, plane, pw, filter + oc, out_c, bias_oc, p->multiplier[q],
                          mk_shift_at(p->shift, p->shift8, q), out_b + oc, out_c);
        }
      }
    }
  }
}
