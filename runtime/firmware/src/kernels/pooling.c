/* pooling.c — int8 AVERAGE_POOL_2D and MAX_POOL_2D (TFLite Micro's reference semantics).
 * Average: sum of the in-bounds window divided by their count, rounded half away from
 * zero; max: the largest in-bounds value; both then clamped to the activation range.
 * MEAN is in reduce.c. */
#include "kernels_internal.h"

static int32_t rounded_div(int32_t acc, int32_t count) {
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

#define MK_POOL_LOOP(P, INPUT, OUTPUT, INIT, STEP, FINISH)                                        \
  do {                                                                                            \
    const int32_t C = (P)->channels;                                                              \
    for (int32_t b = 0; b < (P)->batches; ++b)                                                    \
      for (int32_t oy = 0; oy < (P)->out_h; ++oy)                                                 \
        for (int32_t ox = 0; ox < (P)->out_w; ++ox) {                                             \
          const int32_t y0 = oy * (P)->stride_h - (P)->pad_top;                                   \
          const int32_t x0 = ox * (P)->stride_w - (P)->pad_left;                                  \
          const int32_t ky0 = mk_max(0, -y0), ky1 = mk_min((P)->filter_h, (P)->in_h - y0);        \
          const int32_t kx0 = mk_max(0, -x0), kx1 = mk_min((P)->filter_w, (P)->in_w - x0);        \
          int8_t* out =                                                                           \
              (OUTPUT) +                                                                          \
              (((size_t)b * (size_t)(P)->out_h + (size_t)oy) * (size_t)(P)->out_w + (size_t)ox) * \
                  (size_t)C;                                                                      \
          for (int32_t c = 0; c < C; ++c) {                                                       \
            int32_t acc = INIT, count = 0;                                                        \
            for (int32_t ky = ky0; ky < ky1; ++ky)                                                \
              for (int32_t kx = kx0; kx < kx1; ++kx) {                                            \
                const int32_t v = (INPUT)[(((size_t)b * (size_t)(P)->in_h + (size_t)(y0 + ky)) *  \
                                               (size_t)(P)->in_w +                                \
                                           (size_t)(x0 + kx)) *                                   \
                                              (size_t)C +                                         \
                                          (size_t)c];                                             \
                STEP;                                                                             \
                ++count;                                                                          \
              }                                                                                   \
            out[c] = (int8_t)(FINISH);                                                            \
          }                                                                                       \
        }                                                                                         \
  } while (0)

void mcuprof_average_pool_s8(const mcuprof_pool_params* p, const int8_t* input, int8_t* output) {
  MK_POOL_LOOP(p, input, output, 0, acc += v,
               count == 0 ? 0 : mk_clamp(rounded_div(acc, count), p->act_min, p->act_max));
}

void mcuprof_max_pool_s8(const mcuprof_pool_params* p, const int8_t* input, int8_t* output) {
  MK_POOL_LOOP(p, input, output, -128, acc = mk_max(acc, v), mk_clamp(acc, p->act_min, p->act_max));
}
