/* dot.c — the int8 dot-product blocks under CONV_2D and FULLY_CONNECTED.
 * DSP cores: four int8 per step unpacked to halfword pairs (SXTAB16 adds the input
 * offset while unpacking, SXTB16 for the weights) and accumulated with SMLAD.
 * Other cores: a plain loop. Both are exact: int32 wrap-around is the only overflow
 * and the products are summed in a different order only modulo 2^32. */
#include "kernels_internal.h"

void mk_dot_2x2(const int8_t *a0, const int8_t *a1, const int8_t *w0, const int8_t *w1,
                int32_t n, int32_t input_offset, int32_t acc[4]) {
  int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
  const int8_t *const end = a0 + n;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  const int8_t *const end4 = a0 + (n & ~3);
  while (a0 != end4) {
    const uint32_t x0 = mk_load4(a0), x1 = mk_load4(a1);
    const uint32_t y0 = mk_load4(w0), y1 = mk_load4(w1);
    a0 += 4;
    a1 += 4;
    w0 += 4;
    w1 += 4;
    const int32_t x0e = __sxtab16(off2, x0), x1e = __sxtab16(off2, x1);
    const int32_t y0e = __sxtb16(y0), y1e = __sxtb16(y1);
    s00 = __smlad(x0e, y0e, s00);
    s01 = __smlad(x0e, y1e, s01);
    s10 = __smlad(x1e, y0e, s10);
    s11 = __smlad(x1e, y1e, s11);
    const int32_t x0o = mk_sxtab16_odd(off2, x0), x1o = mk_sxtab16_odd(off2, x1);
    const int32_t y0o = mk_sxtb16_odd(y0), y1o = mk_sxtb16_odd(y1);
    s00 = __smlad(x0o, y0o, s00);
    s01 = __smlad(x0o, y1o, s01);
    s10 = __smlad(x1o, y0o, s10);
    s11 = __smlad(x1o, y1o, s11);
  }
#endif
  while (a0 != end) {
    const int32_t x0 = *a0++ + input_offset, x1 = *a1++ + input_offset;
    const int32_t y0 = *w0++, y1 = *w1++;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s10 += x1 * y0;
    s11 += x1 * y1;
  }
  acc[0] = s00;
  acc[1] = s01;
  acc[2] = s10;
  acc[3] = s11;
}

void mk_dot_1x2(const int8_t *a, const int8_t *w0, const int8_t *w1, int32_t n,
                int32_t input_offset, int32_t acc[2]) {
  int32_t s0 = acc[0], s1 = acc[1];
  const int8_t *const end = a + n;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  const int8_t *const end4 = a + (n & ~3);
  while (a != end4) {
    const uint32_t x = mk_load4(a), y0 = mk_load4(w0), y1 = mk_load4(w1);
    a += 4;
    w0 += 4;
    w1 += 4;
    const int32_t xe = __sxtab16(off2, x), xo = mk_sxtab16_odd(off2, x);
    s0 = __smlad(xe, __sxtb16(y0), s0);
    s1 = __smlad(xe, __sxtb16(y1), s1);
    s0 = __smlad(xo, mk_sxtb16_odd(y0), s0);
    s1 = __smlad(xo, mk_sxtb16_odd(y1), s1);
  }
#endif
  while (a != end) {
    const int32_t x = *a++ + input_offset;
    s0 += x * *w0++;
    s1 += x * *w1++;
  }
  acc[0] = s0;
  acc[1] = s1;
}
