/* quantize.c — QUANTIZE (float32 -> int8) and DEQUANTIZE (int8 -> float32), TFLite's
 * affine quantization: q = clamp(round(x / scale) + zero_point), rounding half away
 * from zero; x = scale * (q - zero_point). Float math in float32 only (no libm);
 * the one product and the one quotient are correctly rounded on every target. */
#include "kernels_internal.h"

/* round half away from zero of v, |v| < 2^24, without libm. */
static int32_t round_half_away(float v) {
  const int32_t t = (int32_t)v;    /* truncates toward zero */
  const float frac = v - (float)t; /* exact for |v| < 2^24 */
  if (frac >= 0.5f) return t + 1;
  if (frac <= -0.5f) return t - 1;
  return t;
}

void mcuprof_quantize_f32_s8(const float* input, int8_t* output, size_t count, float scale,
                             int32_t zero_point) {
  for (size_t i = 0; i < count; ++i) {
    float v = input[i] / scale;
    /* Anything beyond +-2^16 saturates anyway; NaN maps to the zero point. */
    if (v > 65536.0f) v = 65536.0f;
    if (v < -65536.0f) v = -65536.0f;
    if (v != v) v = 0.0f;
    output[i] = (int8_t)mk_clamp(round_half_away(v) + zero_point, -128, 127);
  }
}

void mcuprof_dequantize_s8_f32(const int8_t* input, float* output, size_t count, float scale,
                               int32_t zero_point) {
  for (size_t i = 0; i < count; ++i) output[i] = scale * (float)(input[i] - zero_point);
}
