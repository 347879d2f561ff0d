/* conv_shallow.c — pointwise CONV_2D with few input channels (k = 8 or 16, e.g. the 8 -> 16
 * and 16 -> 32 layers of vww_96) in blocks of pixels (issue 15, fifth round).
 *
 * The pixel-pair loop of conv.c pays its requantization set-up and reads every channel
 * pair's weights (from flash) once per two pixels, which dominates when a dot product is
 * only 8 or 16 MACs. Here MK_SHALLOW_BLOCK pixels are expanded into scratch first (int16
 * with the input offset added, per group of 4 inputs the words (x0,x2), (x1,x3) as SXTB16
 * unpacks weights), then per output channel its weights are unpacked once (and doubled:
 * the accumulator is then 2·acc, the SMMULR operand of the short form, with no shift) and
 * its requantization constants read once, and every pixel of the block runs with them:
 *   h   = SMMULR(2·bias + Σ x·2w, m)
 *   out = clamp((h + (h >> 31) + round + offset·2^r) >> r)
 * the short right-shift form with the output offset folded into the rounding constant
 * (exact: offset·2^r is a multiple of 2^r; r <= 22 keeps the sum below 2^31).
 * In place: a block's pixels are all read (expanded) before any of its outputs is
 * written, blocks in increasing order, every channel of a block before the next block,
 * so output pixel q is written after the last read of the input pixels up to q. */
#include "kernels_internal.h"

#if MK_SHALLOW

#if MK_DSP
#define SH_SXTB16_EVEN(v) ((uint32_t)__sxtb16(v))
#define SH_SXTB16_ODD(v) mk_sxtb16_odd(v)
#define SH_DOUBLE(v) ((uint32_t)__sadd16((int16x2_t)(v), (int16x2_t)(v)))
#define SH_SMLAD(x, y, a) __smlad((x), (y), (a))
#else
static inline uint32_t sh_pack(int32_t lo, int32_t hi) {
  return ((uint32_t)(uint16_t)hi << 16) | (uint16_t)lo;
}
#define SH_SXTB16_EVEN(v) sh_pack((int8_t)(v), (int8_t)((v) >> 16))
#define SH_SXTB16_ODD(v) sh_pack((int8_t)((v) >> 8), (int8_t)((v) >> 24))
#define SH_DOUBLE(v) sh_pack(2 * (int16_t)(v), 2 * (int16_t)((v) >> 16))
static inline int32_t sh_smlad(uint32_t x, uint32_t y, int32_t a) {
  const int32_t p = (int16_t)x * (int16_t)y + (int16_t)(x >> 16) * (int16_t)(y >> 16);
  return mk_wadd32(a, p);
}
#define SH_SMLAD(x, y, a) sh_smlad((x), (y), (a))
#endif

/* Pixels k·block bytes of input, expanded: 2·k·MK_SHALLOW_BLOCK bytes of scratch. */
static inline __attribute__((always_inline)) void sh_expand(const int8_t* src, int32_t k,
                                                            int32_t count, int32_t input_offset,
                                                            uint32_t* x) {
  const int32_t words = count * (k >> 2);
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  for (int32_t i = 0; i < words; ++i, src += 4, x += 2) {
    const uint32_t v = mk_load4(src);
    x[0] = (uint32_t)__sxtab16(off2, v);
    x[1] = mk_sxtab16_odd(off2, v);
  }
#else
  for (int32_t i = 0; i < words; ++i, src += 4, x += 2) {
    x[0] = sh_pack(src[0] + input_offset, src[2] + input_offset);
    x[1] = sh_pack(src[1] + input_offset, src[3] + input_offset);
  }
#endif
}

/* out = clamp(v) into [lo, hi], or the whole int8 range (SSAT) when sat. */
static inline __attribute__((always_inline)) int8_t sh_clamp(int32_t v, const int32_t sat,
                                                             int32_t lo, int32_t hi) {
#if MK_DSP
  if (sat) return (int8_t)__ssat(v, 8);
#endif
  (void)sat;
  return (int8_t)mk_min(mk_max(v, lo), hi);
}

/* Every channel of one block of `count` pixels (expanded in x, K/2 words each), K a
 * compile-time constant: per channel its doubled weights in registers, then two pixels
 * per step (and a last one alone). */
static inline __attribute__((always_inline)) void sh_block(const uint32_t* x, int32_t count,
                                                           const int8_t* w, const int32_t K,
                                                           int32_t n, const mk_conv_channel* ch,
                                                           const int32_t sat, int32_t lo,
                                                           int32_t hi, int8_t* out, int32_t out_c) {
  const uint32_t* const pair_end = x + (count & ~1) * (K / 2);
  for (int32_t oc = 0; oc < n; ++oc, w += K, ++ch, ++out) {
    uint32_t wv[8];
#pragma GCC unroll 8
    for (int32_t g = 0; g < K / 4; ++g) {
      const uint32_t y = mk_load4(w + 4 * g);
      wv[2 * g] = SH_DOUBLE(SH_SXTB16_EVEN(y));
      wv[2 * g + 1] = SH_DOUBLE(SH_SXTB16_ODD(y));
    }
    const int32_t bias2 = ch->bias, m = ch->multiplier, r = ch->shift, rnd = ch->round;
    const uint32_t* xp = x;
    int8_t* o = out;
    for (; xp != pair_end; xp += K, o += 2 * out_c) {
      int32_t a0 = bias2, a1 = bias2;
#pragma GCC unroll 8
      for (int32_t j = 0; j < K / 2; ++j) {
        a0 = SH_SMLAD(xp[j], wv[j], a0);
        a1 = SH_SMLAD(xp[K / 2 + j], wv[j], a1);
      }
      int32_t h0 = mk_smmulr(a0, m), h1 = mk_smmulr(a1, m);
      h0 = (h0 + (h0 >> 31) + rnd) >> r;
      h1 = (h1 + (h1 >> 31) + rnd) >> r;
      o[0] = sh_clamp(h0, sat, lo, hi);
      o[out_c] = sh_clamp(h1, sat, lo, hi);
    }
    if (count & 1) {
      int32_t a0 = bias2;
#pragma GCC unroll 8
      for (int32_t j = 0; j < K / 2; ++j) a0 = SH_SMLAD(xp[j], wv[j], a0);
      int32_t h0 = mk_smmulr(a0, m);
      h0 = (h0 + (h0 >> 31) + rnd) >> r;
      o[0] = sh_clamp(h0, sat, lo, hi);
    }
  }
}

static inline __attribute__((always_inline)) void sh_run(const int8_t* input, int32_t pixels,
                                                         const int32_t K, int32_t input_offset,
                                                         const int8_t* w, int32_t n, int32_t out_c,
                                                         const mk_conv_channel* ch,
                                                         const int32_t sat, int32_t lo, int32_t hi,
                                                         int8_t* output, uint32_t* x) {
  for (int32_t px = 0; px < pixels; px += MK_SHALLOW_BLOCK) {
    const int32_t count = pixels - px < MK_SHALLOW_BLOCK ? pixels - px : MK_SHALLOW_BLOCK;
    sh_expand(input + (size_t)px * (size_t)K, K, count, input_offset, x);
    sh_block(x, count, w, K, n, ch, sat, lo, hi, output + (size_t)px * (size_t)out_c, out_c);
  }
}

int32_t mk_conv_shallow(const int8_t* input, int32_t pixels, int32_t k, int32_t input_offset,
                        const int8_t* w, int32_t n, int32_t out_c, mk_conv_channel* ch,
                        int32_t offset, int32_t lo, int32_t hi, int8_t* output) {
  if (k != 8 && k != 16) return 0;
  for (int32_t oc = 0; oc < n; ++oc) {
    if (ch[oc].round < 0 || ch[oc].shift > 22) return 0;
  }
  /* The table in this path's form: 2·bias, and the output offset in the rounding. */
  for (int32_t oc = 0; oc < n; ++oc) {
    ch[oc].bias = (int32_t)((uint32_t)ch[oc].bias * 2u);
    ch[oc].round = (int32_t)((uint32_t)ch[oc].round + (uint32_t)offset * (1u << ch[oc].shift));
  }
  uint32_t x[MK_SHALLOW_BLOCK * 8]; /* the expanded block, k <= 16 */
  const int32_t sat = MK_DSP && lo == -128 && hi == 127;
  if (k == 8) {
    if (sat) {
      sh_run(input, pixels, 8, input_offset, w, n, out_c, ch, 1, lo, hi, output, x);
    } else {
      sh_run(input, pixels, 8, input_offset, w, n, out_c, ch, 0, lo, hi, output, x);
    }
  } else if (sat) {
    sh_run(input, pixels, 16, input_offset, w, n, out_c, ch, 1, lo, hi, output, x);
  } else {
    sh_run(input, pixels, 16, input_offset, w, n, out_c, ch, 0, lo, hi, output, x);
  }
  return 1;
}
#endif /* MK_SHALLOW */
