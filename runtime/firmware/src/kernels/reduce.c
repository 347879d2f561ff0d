/* reduce.c — int8 MEAN over any set of axes, bit-exact with TensorFlow Lite Micro's
 * reference kernel (the arithmetic is described in mcuprof_kernels.h), and its H,W fast
 * path. No scratch: each output's reduced positions are visited in turn. */
#include "kernels_internal.h"

/* The output rescale with 1/count folded in. 64-bit division once per op. */
static void mean_rescale(int32_t multiplier, int32_t shift, uint32_t count, int32_t* m_out,
                         int32_t* s_out) {
  int32_t e = 31 - __builtin_clz(count); /* floor(log2 count), count >= 1 */
  if (e > 31 + shift) e = 31 + shift;
  if (e < 0) e = 0; /* shift < -31: no scale that small comes from QuantizeMultiplier */
  *m_out = (int32_t)mcuprof_udiv64((uint64_t)(uint32_t)multiplier << e, count);
  *s_out = shift - e;
}

/* sum - zero_point * count in int32 (wrapping, as the reference's cast), rescaled,
 * offset and clamped. */
static int8_t mean_output(int32_t sum, uint32_t count, int32_t input_offset, int32_t m, int32_t s,
                          int32_t output_offset) {
  const int32_t centred = (int32_t)((uint32_t)sum + (uint32_t)input_offset * count);
  return (int8_t)mk_clamp(mk_requant(centred, m, s) + output_offset, -128, 127);
}

void mcuprof_mean_s8(const mcuprof_reduce_params* p, const int8_t* input, int8_t* output) {
  int32_t stride[MCUPROF_MEAN_MAX_RANK], kept_at[MCUPROF_MEAN_MAX_RANK] = {0};
  const int32_t rank = p->rank;
  uint32_t count = 1u, n_out = 1u;
  int32_t s = 1;
  for (int32_t k = rank; k-- > 0;) {
    stride[k] = s;
    s *= p->dims[k];
    if ((p->reduced >> k) & 1u)
      count *= (uint32_t)p->dims[k];
    else
      n_out *= (uint32_t)p->dims[k];
  }
  if (count == 0u || n_out == 0u) return;
  int32_t m, sh;
  mean_rescale(p->multiplier, p->shift, count, &m, &sh);
  for (uint32_t o = 0; o < n_out; ++o) {
    int32_t base = 0;
    for (int32_t k = 0; k < rank; ++k)
      if (!((p->reduced >> k) & 1u)) base += kept_at[k] * stride[k];
    int32_t red_at[MCUPROF_MEAN_MAX_RANK] = {0};
    uint32_t sum = 0u;
    for (uint32_t r = 0; r < count; ++r) {
      int32_t at = base;
      for (int32_t k = 0; k < rank; ++k)
        if ((p->reduced >> k) & 1u) at += red_at[k] * stride[k];
      sum += (uint32_t)(int32_t)input[at];
      for (int32_t k = rank; k-- > 0;) { /* next reduced position */
        if (!((p->reduced >> k) & 1u)) continue;
        if (++red_at[k] < p->dims[k]) break;
        red_at[k] = 0;
      }
    }
    output[o] = mean_output((int32_t)sum, count, p->input_offset, m, sh, p->output_offset);
    for (int32_t k = rank; k-- > 0;) { /* next output position */
      if ((p->reduced >> k) & 1u) continue;
      if (++kept_at[k] < p->dims[k]) break;
      kept_at[k] = 0;
    }
  }
}

void mcuprof_mean_hw_s8(const mcuprof_mean_params* p, const int8_t* input, int8_t* output) {
  const int32_t C = p->channels;
  const uint32_t count = (uint32_t)(p->in_h * p->in_w);
  if (count == 0u) return;
  int32_t m, sh;
  mean_rescale(p->multiplier, p->shift, count, &m, &sh);
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t* in_b = input + (size_t)b * (size_t)count * (size_t)C;
    for (int32_t c = 0; c < C; ++c) {
      uint32_t sum = 0u;
      for (uint32_t i = 0; i < count; ++i)
        sum += (uint32_t)(int32_t)in_b[(size_t)i * (size_t)C + (size_t)c];
      output[(size_t)b * (size_t)C + (size_t)c] =
          mean_output((int32_t)sum, count, p->input_offset, m, sh, p->output_offset);
    }
  }
}
