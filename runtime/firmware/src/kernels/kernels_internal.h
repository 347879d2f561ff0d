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

static inline int32_t mk_min(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t mk_max(int32_t a, int32_t b) { return a > b ? a : b; }
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
  if (e > 31) return 0; /* |x| / 2^32 < 1/2 */
  const int32_t mask = (int32_t)((1u << e) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (remainder > threshold ? 1 : 0);
}

static inline int32_t mk_shl(int32_t x, int32_t s) { return (int32_t)((uint32_t)x << s); }

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
static inline uint32_t mk_load4(const int8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline uint32_t mk_load2x16(const int16_t *p) {
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

/* Dot-product block used by CONV_2D and FULLY_CONNECTED: two input rows (a0, a1;
 * a1 may equal a0) against two filter rows (w0, w1; w1 may equal w0), n int8 each.
 * acc[0] += (a0+off).w0, acc[1] += (a0+off).w1, acc[2] += (a1+off).w0,
 * acc[3] += (a1+off).w1. */
void mk_dot_2x2(const int8_t *a0, const int8_t *a1, const int8_t *w0, const int8_t *w1,
                int32_t n, int32_t input_offset, int32_t acc[4]);
/* acc[0] += (a+off).w0, acc[1] += (a+off).w1 */
void mk_dot_1x2(const int8_t *a, const int8_t *w0, const int8_t *w1, int32_t n,
                int32_t input_offset, int32_t acc[2]);

#endif /* MCUPROF_KERNELS_INTERNAL_H */
