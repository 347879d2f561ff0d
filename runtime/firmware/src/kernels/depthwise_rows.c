/* depthwise_rows.c — one channel of a 3x3 dilation-1 depthwise convolution, every output
 * row from the int16 plane (depthwise.c) with the requantization fused into the row loop:
 * no int32 row buffer and no second pass. Only for channels in the short right-shift form
 * with the whole int8 range as clamp (mk_dw_rows_init says when): then, with
 * acc the dot product without bias,
 *   h   = SMMULR(2·bias + 2·acc, m)                  (|acc + bias| < 2^30: no overflow)
 *   out = SSAT8((h + (h >> 31) + round + offset·2^r) >> r)
 * which is the short form of mk_fq_apply_sat8 with the output offset folded into the
 * rounding constant (exact: offset·2^r is a multiple of 2^r; r <= 22 keeps the sum
 * below 2^31). DSP cores run it as assembly (stride 1: two outputs per step and a last
 * one for odd widths, stride 2: one), the row loop included; other cores run the same arithmetic in
 * C. */
#include "kernels_internal.h"

int32_t mk_dw_rows_geometry(mk_dw_rows* d, int32_t pw, int32_t out_h, int32_t out_w, int32_t sy,
                            int32_t sx) {
  if (out_h < 1 || out_w < 1 || (sx != 1 && sx != 2) || (sx == 1 && out_w == 1)) return 0;
  d->count = sx == 1 ? out_w >> 1 : out_w;
  d->odd = sx == 1 ? out_w & 1 : 0;
  d->rows = out_h;
  /* the reads of a row end 2 * (count + odd) values on */
  d->delta = (int32_t)sizeof(int16_t) * (sy * pw - 2 * (d->count + d->odd));
  return 1;
}

#if !MK_DSP
/* The C form of the same arithmetic (hosts and cores without DSP). */
static int8_t dw_rows_out(const mk_dw_rows* d, int32_t acc) {
  const int32_t h = mk_smmulr((int32_t)((uint32_t)d->bias2 + ((uint32_t)acc << 1)), d->mult);
  const int32_t v = (h + (h >> 31) + d->round) >> d->shift;
  return (int8_t)mk_clamp(v, -128, 127);
}
static int32_t dw_rows_tap3(const int16_t* r, int32_t k_lo, int32_t k_hi) {
  return r[0] * (int16_t)k_lo + r[1] * (k_lo >> 16) + r[2] * (k_hi >> 16);
}
#endif

#if MK_DSP
/* The next output row: each plane row pointer on by delta, rows counted down, back to the
 * row loop's label 0 while rows remain; x and n are scratch. */
#define DW_NEXT_ROW            \
  "ldr %[x], %[delta]\n\t"     \
  "add %[r0], %[r0], %[x]\n\t" \
  "add %[r1], %[r1], %[x]\n\t" \
  "add %[r2], %[r2], %[x]\n\t" \
  "ldr %[n], %[rows]\n\t"      \
  "subs %[n], %[n], #1\n\t"    \
  "str %[n], %[rows]\n\t"      \
  "bne 0b\n\t"
/* Requantize s0 (the short form above, from the operands bias2, mult, round, shift) and
 * store it at out, then step out by ostride; x and y are scratch. */
#define DW_REQUANT_STORE_S0              \
  "ldr %[x], %[bias2]\n\t"               \
  "ldr %[y], %[mult]\n\t"                \
  "add %[s0], %[x], %[s0], lsl #1\n\t"   \
  "smmulr %[s0], %[s0], %[y]\n\t"        \
  "ldr %[x], %[round]\n\t"               \
  "ldr %[y], %[shift]\n\t"               \
  "add %[s0], %[s0], %[s0], asr #31\n\t" \
  "add %[s0], %[s0], %[x]\n\t"           \
  "asr %[s0], %[s0], %[y]\n\t"           \
  "ldr %[x], %[ostride]\n\t"             \
  "ssat %[s0], #8, %[s0]\n\t"            \
  "strb %[s0], [%[out]]\n\t"             \
  "add %[out], %[out], %[x]\n\t"
#endif

void mk_dw3x3_rows(const int16_t* plane, int32_t pw, int32_t sx, const mk_dw_rows* dp, int8_t* out,
                   int32_t ostride) {
#if MK_DSP
  const mk_dw_rows d = *dp; /* a local: the "m" operands below are sp-relative */
  const int16_t* r0 = plane;
  const int16_t* r1 = plane + pw;
  const int16_t* r2 = plane + 2 * pw;
  const int32_t a0 = d.k[0], b0 = d.k[1], a1 = d.k[2], b1 = d.k[3], a2 = d.k[4];
  int32_t rows = d.rows;
  int32_t s0, s1, x, y, n;
  if (sx == 1) {
    /* Two outputs per step (as dw3x3_s1_pairs in depthwise.c), then both requantized. */
    __asm__ volatile(
        "0:\n\t"
        "ldr %[n], %[count]\n\t" MK_LOOP_HEAD("1") MK_DW3X3_PAIR_MACS
        "ldr %[x], %[bias2]\n\t"
        "ldr %[y], %[mult]\n\t"
        "add %[s0], %[x], %[s0], lsl #1\n\t"
        "add %[s1], %[x], %[s1], lsl #1\n\t"
        "smmulr %[s0], %[s0], %[y]\n\t"
        "smmulr %[s1], %[s1], %[y]\n\t"
        "ldr %[x], %[round]\n\t"
        "ldr %[y], %[shift]\n\t"
        "add %[s0], %[s0], %[s0], asr #31\n\t"
        "add %[s1], %[s1], %[s1], asr #31\n\t"
        "add %[s0], %[s0], %[x]\n\t"
        "add %[s1], %[s1], %[x]\n\t"
        "asr %[s0], %[s0], %[y]\n\t"
        "asr %[s1], %[s1], %[y]\n\t"
        "ldr %[x], %[ostride]\n\t"
        "ssat %[s0], #8, %[s0]\n\t"
        "ssat %[s1], #8, %[s1]\n\t"
        "strb %[s0], [%[out]]\n\t"
        "strb %[s1], [%[out], %[x]]\n\t"
        "add %[out], %[out], %[x], lsl #1\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b\n\t"
        /* An odd width: the last output alone (its LDRDs stay inside the even-width row). */
        "ldr %[n], %[odd]\n\t"
        "cmp %[n], #0\n\t"
        "beq 2f\n\t"
        "ldrd %[x], %[y], [%[r0]], #4\n\t"
        "smuad %[s0], %[x], %[a0]\n\t"
        "smlabt %[s0], %[y], %[b0], %[s0]\n\t"
        "ldrd %[x], %[y], [%[r1]], #4\n\t"
        "smlad %[s0], %[x], %[a1], %[s0]\n\t"
        "smlabt %[s0], %[y], %[b1], %[s0]\n\t"
        "ldrd %[x], %[y], [%[r2]], #4\n\t"
        "smlad %[s0], %[x], %[a2], %[s0]\n\t"
        "ldr %[x], %[b2]\n\t"
        "smlabt %[s0], %[y], %[x], %[s0]\n\t" DW_REQUANT_STORE_S0 "2:\n\t" DW_NEXT_ROW
        : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [out] "+r"(out), [rows] "+m"(rows),
          [n] "=&r"(n), [s0] "=&r"(s0), [s1] "=&r"(s1), [x] "=&r"(x), [y] "=&r"(y)
        : [a0] "r"(a0), [b0] "r"(b0), [a1] "r"(a1), [b1] "r"(b1), [a2] "r"(a2), [b2] "m"(d.k[5]),
          [bias2] "m"(d.bias2), [mult] "m"(d.mult), [round] "m"(d.round), [shift] "m"(d.shift),
          [ostride] "m"(ostride), [count] "m"(d.count), [delta] "m"(d.delta), [odd] "m"(d.odd)
        : "cc", "memory");
  } else {
    const int32_t b2 = d.k[5];
    (void)s1;
    /* One output per step (as dw3x3_s2 in depthwise.c), requantized at once. */
    __asm__ volatile(
        "0:\n\t"
        "ldr %[n], %[count]\n\t"
        MK_LOOP_HEAD("1")
        "ldrd %[x], %[y], [%[r0]], #4\n\t"
        "smuad %[s0], %[x], %[a0]\n\t"
        "smlabt %[s0], %[y], %[b0], %[s0]\n\t"
        "ldrd %[x], %[y], [%[r1]], #4\n\t"
        "smlad %[s0], %[x], %[a1], %[s0]\n\t"
        "smlabt %[s0], %[y], %[b1], %[s0]\n\t"
        "ldrd %[x], %[y], [%[r2]], #4\n\t"
        "smlad %[s0], %[x], %[a2], %[s0]\n\t"
        "smlabt %[s0], %[y], %[b2], %[s0]\n\t" DW_REQUANT_STORE_S0
        "subs %[n], %[n], #1\n\t"
        "bne 1b\n\t" DW_NEXT_ROW
        : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [out] "+r"(out), [rows] "+m"(rows),
          [n] "=&r"(n), [s0] "=&r"(s0), [x] "=&r"(x), [y] "=&r"(y)
        : [a0] "r"(a0), [b0] "r"(b0), [a1] "r"(a1), [b1] "r"(b1), [a2] "r"(a2), [b2] "r"(b2),
          [bias2] "m"(d.bias2), [mult] "m"(d.mult), [round] "m"(d.round), [shift] "m"(d.shift),
          [ostride] "m"(ostride), [count] "m"(d.count), [delta] "m"(d.delta)
        : "cc", "memory");
  }
#else
  const mk_dw_rows d = *dp;
  const int16_t* r = plane;
  for (int32_t oy = 0; oy < d.rows; ++oy) {
    for (int32_t ox = 0; ox < (sx == 1 ? 2 * d.count + d.odd : d.count); ++ox, out += ostride) {
      const int16_t* t = r + ox * sx;
      int32_t acc = dw_rows_tap3(t, d.k[0], d.k[1]);
      acc += dw_rows_tap3(t + pw, d.k[2], d.k[3]);
      acc += dw_rows_tap3(t + 2 * pw, d.k[4], d.k[5]);
      *out = dw_rows_out(&d, acc);
    }
    r += d.delta / (int32_t)sizeof(int16_t) + 2 * (d.count + d.odd); /* sy rows on */
  }
#endif
}
