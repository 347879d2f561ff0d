/* kernels_internal.h — inline fixed-point helpers and DSP wrappers shared by the
 * kernel sources (not part of the public API). Assumes two's complement and an
 * arithmetic >> on negative values (GCC and Clang on every target we build). */
#ifndef MCUPROF_KERNELS_INTERNAL_H
#define MCUPROF_KERNELS_INTERNAL_H

#include <stdint.h>

#include "mcuprof_kernels.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#define MK_DSP 1
#else
#define MK_DSP 0
#endif

/* The head of an inner assembly loop (label L, "1" for "1:"), word aligned on the M3,
 * M4 and M33: there three 32-bit instructions in a row at halfword addresses cost a cycle
 * (docs/cycle-model.md, R-WIDE-RUN), and these loops are runs of 32-bit instructions.
 * The padding NOP, when there is one, runs once per entry into the loop. The M7 fetches
 * 64 bits at a time and keeps the compiler's layout. */
#if defined(MCUPROF_CORE_CORTEX_M7)
#define MK_LOOP_HEAD(L) L ":\n\t"
#else
#define MK_LOOP_HEAD(L) ".p2align 2\n\t" L ":\n\t"
#endif

#if MK_DSP
/* Inline-assembly text shared by the 3x3 depthwise row loops (depthwise.c, depthwise_rows.c):
 * two neighbouring outputs' dot products s0, s1 from three int16 plane rows r0..r2 (each
 * advanced by 4 bytes) and the taps a0, b0, a1, b1, a2 (packed pairs) and b2 (a memory
 * operand); x and y are scratch. */
#define MK_DW3X3_PAIR_MACS               \
  "ldrd %[x], %[y], [%[r0]], #4\n\t"     \
  "smuad %[s0], %[x], %[a0]\n\t"         \
  "smlabt %[s0], %[y], %[b0], %[s0]\n\t" \
  "smuad %[s1], %[y], %[b0]\n\t"         \
  "smlatb %[s1], %[x], %[a0], %[s1]\n\t" \
  "ldrd %[x], %[y], [%[r1]], #4\n\t"     \
  "smlad %[s0], %[x], %[a1], %[s0]\n\t"  \
  "smlabt %[s0], %[y], %[b1], %[s0]\n\t" \
  "smlad %[s1], %[y], %[b1], %[s1]\n\t"  \
  "smlatb %[s1], %[x], %[a1], %[s1]\n\t" \
  "ldrd %[x], %[y], [%[r2]], #4\n\t"     \
  "smlad %[s0], %[x], %[a2], %[s0]\n\t"  \
  "smlatb %[s1], %[x], %[a2], %[s1]\n\t" \
  "ldr %[x], %[b2]\n\t"                  \
  "smlabt %[s0], %[y], %[x], %[s0]\n\t"  \
  "smlad %[s1], %[y], %[x], %[s1]\n\t"
#endif

/* Shift i of a per-channel (or per-tensor) requantization: the int8 array when the
 * caller passed one (shift8, as the model image stores them), else the int32 one. */
static inline int32_t mk_shift_at(const int32_t* shift, const int8_t* shift8, int32_t i) {
  return shift8 != 0 ? (int32_t)shift8[i] : shift[i];
}

/* int32 addition that wraps (accumulators wrap as TFLite's do in practice; signed
 * overflow would be undefined in C). SMLAD on DSP cores wraps the same way. */
static inline int32_t mk_wadd32(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t mk_min(int32_t a, int32_t b) {
  return a < b ? a : b;
}
static inline int32_t mk_max(int32_t a, int32_t b) {
  return a > b ? a : b;
}
static inline int32_t mk_clamp(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

/* round(a*b / 2^31) with ties towards +inf, which is what gemmlowp's nudge-then-
 * truncate computes; the only overflow (INT32_MIN^2) saturates. */
static inline int32_t mk_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  return (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
}

/* x / 2^e, nearest, ties away from zero. */
static inline int32_t mk_rdbp(int32_t x, int32_t e) {
  if (e <= 0) return x;
  if (e > 31) { /* rare: exactly, in 64 bits (only INT32_MIN / 2^32 is not 0) */
    const int64_t magnitude = x < 0 ? -(int64_t)x : (int64_t)x;
    const int64_t q = e > 62 ? 0 : (magnitude + ((int64_t)1 << (e - 1))) >> e;
    return (int32_t)(x < 0 ? -q : q);
  }
  const int32_t mask = (int32_t)((1u << e) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (remainder > threshold ? 1 : 0);
}

/* x * 2^s modulo 2^32, s >= 0. */
static inline int32_t mk_shl(int32_t x, int32_t s) {
  return s > 31 ? 0 : (int32_t)((uint32_t)x << s);
}

/* TFLite MultiplyByQuantizedMultiplier (double rounding). */
static inline int32_t mk_requant(int32_t x, int32_t multiplier, int32_t shift) {
  if (shift > 0) return mk_srdhm(mk_shl(x, shift), multiplier);
  return mk_rdbp(mk_srdhm(x, multiplier), -shift);
}

/* Requantize an accumulator and clamp into the output's int8 range. */
static inline int8_t mk_output(int32_t acc, int32_t multiplier, int32_t shift, int32_t offset,
                               int32_t lo, int32_t hi) {
  return (int8_t)mk_clamp(mk_requant(acc, multiplier, shift) + offset, lo, hi);
}

/* 32-bit little-endian load of 4 int8 from any alignment. */
static inline uint32_t mk_load4(const int8_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline uint32_t mk_load2x16(const int16_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

#if MK_DSP
/* Bytes 1 and 3 sign-extended into two halfwords (SXTB16 with ROR #8). */
static inline uint32_t mk_sxtb16_odd(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* offset2 + bytes 1 and 3, per halfword (SXTAB16 with ROR #8). */
static inline uint32_t mk_sxtab16_odd(uint32_t offset2, uint32_t x) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(offset2), "r"(x));
  return r;
}
#endif

/* (a*b + 2^31) >> 32, rounded high word of the product (SMMULR on DSP cores). */
static inline int32_t mk_smmulr(int32_t a, int32_t b) {
#if MK_DSP
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* mk_output out of line, for the rare channels the short form below does not cover. */
int8_t mk_output_general(int32_t acc, int32_t multiplier, int32_t shift, int32_t offset, int32_t lo,
                         int32_t hi);

/* Requantization of one output channel prepared once. When the accumulator is known to
 * stay below 2^30 in magnitude (mk_rq_bound), the shift is a right shift (of more than
 * 31 taken as 31: both round every |h| < 2^30 to 0) and the multiplier is
 * non-negative, it takes the short exact form:
 *   SRDHM(x, m) = (x*m + 2^30) >> 31 = SMMULR(2x, m)      (2x cannot overflow)
 *   RDBP(h, r)  = (h + (h >> 31) + 2^(r-1)) >> r           (r >= 1, |h| < 2^30)
 * and otherwise the literal TFLite form (mk_output). Both are bit-exact. */
typedef struct {
  int32_t multiplier, shift, right, round, offset, lo, hi, fast;
} mk_rq;

static inline void mk_rq_init(mk_rq* q, int32_t multiplier, int32_t shift, int32_t offset,
                              int32_t lo, int32_t hi) {
  q->multiplier = multiplier;
  q->shift = shift;
  /* A right shift beyond 31 gives 0 from any |h| < 2^30, as 31 does: clamped to 31. */
  q->right = shift < 0 ? (shift >= -31 ? -shift : 31) : 0;
  q->round = q->right >= 1 ? (int32_t)(1u << (q->right - 1)) : 0;
  q->offset = offset;
  q->lo = lo;
  q->hi = hi;
  q->fast = 0;
}

/* Largest |x + input_offset| over int8 x. */
static inline int32_t mk_max_abs_input(int32_t input_offset) {
  return mk_max(mk_max(-128 + input_offset, 128 - input_offset),
                mk_max(127 + input_offset, -127 - input_offset));
}

/* Enables the short form when |bias| + taps * max|x + input_offset| * 128 < 2^30. */
static inline void mk_rq_bound(mk_rq* q, int32_t bias, int32_t taps, int32_t input_offset) {
  const int64_t b = bias < 0 ? -(int64_t)bias : (int64_t)bias;
  const int64_t bound = b + (int64_t)taps * mk_max_abs_input(input_offset) * 128;
  q->fast = q->right >= 1 && q->multiplier >= 0 && bound < ((int64_t)1 << 30);
}

/* The short form's constants alone (for loops that checked mk_rq.fast once). */
typedef struct {
  int32_t multiplier, right, round, offset, lo, hi;
} mk_fq;

static inline mk_fq mk_fq_from(const mk_rq* q) {
  const mk_fq f = {q->multiplier, q->right, q->round, q->offset, q->lo, q->hi};
  return f;
}

static inline int8_t mk_fq_apply(const mk_fq q, int32_t acc) {
  const int32_t h = mk_smmulr(acc * 2, q.multiplier);
  const int32_t r = (h + (h >> 31) + q.round) >> q.right;
  return (int8_t)mk_clamp(r + q.offset, q.lo, q.hi);
}

/* The short left-shift form for a channel that is not `fast` because its shift s is
 * a left shift: SRDHM(x << s, m) = SMMULR(x << (s + 1), m) while |x << s| < 2^30 (no
 * rounding shift follows). Returns s + 1, or 0 when the form does not apply. */
static inline int32_t mk_rq_left(const mk_rq* q, int32_t bias, int32_t taps, int32_t input_offset) {
  if (q->fast || q->shift < 0 || q->shift > 29) return 0;
  const int64_t b = bias < 0 ? -(int64_t)bias : (int64_t)bias;
  const int64_t bound = b + (int64_t)taps * mk_max_abs_input(input_offset) * 128;
  return (bound << q->shift) < ((int64_t)1 << 30) ? q->shift + 1 : 0;
}

/* A channel whose output cannot vary: requantization is monotonic in the accumulator
 * (multiplier >= 0), so when the smallest and the largest possible accumulator
 * (bias -/+ taps * max|x + input_offset| * 128, both within int32) give the same
 * output, every accumulator does. This is the case of "dead" channels whose tiny
 * weight scale makes the bias huge and the shift very negative. Returns 1 and the
 * value in *out, or 0. */
static inline int32_t mk_rq_constant(const mk_rq* q, int32_t bias, int32_t taps,
                                     int32_t input_offset, int8_t* out) {
  if (q->multiplier < 0) return 0;
  const int64_t d = (int64_t)taps * mk_max_abs_input(input_offset) * 128;
  const int64_t lo = (int64_t)bias - d, hi = (int64_t)bias + d;
  if (lo < INT32_MIN || hi > INT32_MAX) return 0;
  const int8_t a = mk_output_general((int32_t)lo, q->multiplier, q->shift, q->offset, q->lo, q->hi);
  const int8_t b = mk_output_general((int32_t)hi, q->multiplier, q->shift, q->offset, q->lo, q->hi);
  *out = a;
  return a == b;
}

static inline int8_t mk_left_apply(const mk_fq q, int32_t left, int32_t acc) {
  const int32_t h = mk_smmulr((int32_t)((uint32_t)acc << left), q.multiplier);
  return (int8_t)mk_clamp(h + q.offset, q.lo, q.hi);
}

/* mk_fq_apply when the clamp is the whole int8 range (one SSAT on DSP cores). */
static inline int8_t mk_fq_apply_sat8(const mk_fq q, int32_t acc) {
  const int32_t h = mk_smmulr(acc * 2, q.multiplier);
  const int32_t r = ((h + (h >> 31) + q.round) >> q.right) + q.offset;
#if MK_DSP
  return (int8_t)__ssat(r, 8);
#else
  return (int8_t)mk_clamp(r, -128, 127);
#endif
}

/* Takes the prepared struct by value: kept in registers, and int8 stores through
 * output pointers cannot alias it (they could alias anything behind a pointer). */
static inline int8_t mk_rq_apply(const mk_rq q, int32_t acc) {
  if (__builtin_expect(q.fast, 1)) return mk_fq_apply(mk_fq_from(&q), acc);
  return mk_output_general(acc, q.multiplier, q.shift, q.offset, q.lo, q.hi);
}

/* Dot-product block of CONV_2D and FULLY_CONNECTED: two input rows (a0, a0 + da)
 * against two filter rows (w0, w0 + dw), n int8 each, the input offset added:
 * acc[0] += a0.w0, acc[1] += a0.w1, acc[2] += a1.w0, acc[3] += a1.w1.
 * DSP cores: four int8 per step unpacked to halfword pairs (SXTAB16 adds the offset
 * while unpacking, SXTB16 for the weights) and accumulated with SMLAD. Exact: int32
 * wrap-around is the only overflow and sums are reordered only modulo 2^32. */
static inline __attribute__((always_inline)) void mk_dot_2x2(const int8_t* a0, int32_t da,
                                                             const int8_t* w0, int32_t dw,
                                                             int32_t n, int32_t input_offset,
                                                             int32_t acc[4]) {
  int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
  const int8_t* const end = a0 + n;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  const int8_t* const end4 = a0 + (n & ~3);
  while (a0 != end4) {
    const uint32_t x0 = mk_load4(a0), x1 = mk_load4(a0 + da);
    const uint32_t y0 = mk_load4(w0), y1 = mk_load4(w0 + dw);
    a0 += 4;
    w0 += 4;
    int32_t xe = __sxtab16(off2, x0), ye = __sxtb16(y0);
    s00 = __smlad(xe, ye, s00);
    int32_t ze = __sxtab16(off2, x1);
    s10 = __smlad(ze, ye, s10);
    ye = __sxtb16(y1);
    s01 = __smlad(xe, ye, s01);
    s11 = __smlad(ze, ye, s11);
    xe = mk_sxtab16_odd(off2, x0);
    ye = mk_sxtb16_odd(y0);
    s00 = __smlad(xe, ye, s00);
    ze = mk_sxtab16_odd(off2, x1);
    s10 = __smlad(ze, ye, s10);
    ye = mk_sxtb16_odd(y1);
    s01 = __smlad(xe, ye, s01);
    s11 = __smlad(ze, ye, s11);
  }
#endif
  while (a0 != end) {
    const int32_t x0 = a0[0] + input_offset, x1 = a0[da] + input_offset;
    const int32_t y0 = w0[0], y1 = w0[dw];
    ++a0;
    ++w0;
    s00 = mk_wadd32(s00, x0 * y0);
    s01 = mk_wadd32(s01, x0 * y1);
    s10 = mk_wadd32(s10, x1 * y0);
    s11 = mk_wadd32(s11, x1 * y1);
  }
  acc[0] = s00;
  acc[1] = s01;
  acc[2] = s10;
  acc[3] = s11;
}

/* acc[0] += a.w0, acc[1] += a.(w0 + dw) */
static inline __attribute__((always_inline)) void mk_dot_1x2(const int8_t* a, const int8_t* w0,
                                                             int32_t dw, int32_t n,
                                                             int32_t input_offset, int32_t acc[2]) {
  int32_t s0 = acc[0], s1 = acc[1];
  const int8_t* const end = a + n;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  const int8_t* const end4 = a + (n & ~3);
  while (a != end4) {
    const uint32_t x = mk_load4(a), y0 = mk_load4(w0), y1 = mk_load4(w0 + dw);
    a += 4;
    w0 += 4;
    const int32_t xe = __sxtab16(off2, x), xo = mk_sxtab16_odd(off2, x);
    s0 = __smlad(xe, __sxtb16(y0), s0);
    s1 = __smlad(xe, __sxtb16(y1), s1);
    s0 = __smlad(xo, mk_sxtb16_odd(y0), s0);
    s1 = __smlad(xo, mk_sxtb16_odd(y1), s1);
  }
#endif
  while (a != end) {
    const int32_t x = *a++ + input_offset;
    s0 = mk_wadd32(s0, x * w0[0]);
    s1 = mk_wadd32(s1, x * w0[dw]);
    ++w0;
  }
  acc[0] = s0;
  acc[1] = s1;
}

/* One channel of a 3x3 dilation-1 depthwise convolution with the requantization fused
 * into the row loop (depthwise_rows.c). k: the weight pairs (w_r0, w_r1), (w_r1, w_r2) per
 * filter row r; bias2 = 2·bias; round = 2^(shift-1) + output_offset·2^shift; count:
 * output pairs (stride 1; odd: one more output) or outputs (stride 2) per row; delta:
 * bytes from the end of a row's reads to the next row's start. */
typedef struct {
  int32_t k[6];
  int32_t bias2, mult, round, shift, count, odd, rows, delta;
} mk_dw_rows;

/* The geometry of d, once per call; returns 1 when the fused rows apply to it (stride_w 2,
 * or stride_w 1 with out_w >= 2). */
int32_t mk_dw_rows_geometry(mk_dw_rows* d, int32_t pw, int32_t out_h, int32_t out_w, int32_t sy,
                            int32_t sx);

/* The channel's part of d: its weights (9 taps, wstride apart) and requantization, which
 * must be the short right-shift form (multiplier >= 0, right shift 1..22, |bias| below
 * the bound of mk_rq_bound) with the clamp -128..127 (the caller checks). */
static inline void mk_dw_rows_channel(mk_dw_rows* d, const int8_t* w, int32_t wstride, int32_t bias,
                                      int32_t multiplier, int32_t right, int32_t output_offset) {
  for (int32_t r = 0; r < 3; ++r, w += 3 * wstride) {
    const int32_t w0 = w[0], w1 = w[wstride], w2 = w[2 * wstride];
    d->k[2 * r] = (int32_t)(((uint32_t)w1 << 16) | (uint16_t)w0);
    d->k[2 * r + 1] = (int32_t)(((uint32_t)w2 << 16) | (uint16_t)w1);
  }
  d->bias2 = bias * 2;
  d->mult = multiplier;
  d->round = (int32_t)((1u << (right - 1)) + (uint32_t)output_offset * (1u << right));
  d->shift = right;
}

/* Every output of the channel: plane rows from `plane` (word aligned, pw int16 apart),
 * outputs ostride bytes apart from out. */
void mk_dw3x3_rows(const int16_t* plane, int32_t pw, int32_t sx, const mk_dw_rows* d, int8_t* out,
                   int32_t ostride);

/* The per-channel table of CONV_2D (conv.c), prepared once per call: bias, then the
 * requantization (round >= 0: the short right-shift form, shift the right shift). */
typedef struct {
  int32_t bias, multiplier, shift, round;
} mk_conv_channel;

/* Pointwise convolutions with k = 8 or 16 input channels in blocks of pixels
 * (conv_shallow.c): on DSP cores but the Cortex-M7 (whose pair loop has its own MAC order
 * and no flash wait states to save) and on hosts, which test its C form. */
#if (MK_DSP && !defined(MCUPROF_CORE_CORTEX_M7)) || !defined(__arm__)
#define MK_SHALLOW 1
#else
#define MK_SHALLOW 0
#endif
#define MK_SHALLOW_BLOCK 16
/* Scratch bytes it needs for the expanded block. */
#define MK_SHALLOW_SCRATCH(k) (2u * (k)*MK_SHALLOW_BLOCK)

/* Every output channel (n of them, filter rows of k bytes from w; out_c apart in the
 * output) of `pixels` consecutive pixels, when k is 8 or 16 and every channel of ch takes
 * the short right-shift form with a shift of at most 22; then ch is rewritten (2·bias,
 * output offset in the rounding) and 1 returned, else 0 and nothing touched. The expanded
 * block (2·k·MK_SHALLOW_BLOCK bytes) is on the stack, not in the kernel scratch: on the
 * Cortex-M7, which does not take this path, a larger scratch moved the arena and cost
 * 41 k cycles on mcunet-vww1. */
int32_t mk_conv_shallow(const int8_t* input, int32_t pixels, int32_t k, int32_t input_offset,
                        const int8_t* w, int32_t n, int32_t out_c, mk_conv_channel* ch,
                        int32_t offset, int32_t lo, int32_t hi, int8_t* output);

#endif /* MCUPROF_KERNELS_INTERNAL_H */
