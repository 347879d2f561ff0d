/* elementwise.c — int8 ADD and MUL with 4-D broadcasting (TFLite semantics).
 * ADD: both inputs are lifted by 2^left_shift, rescaled to a common scale, summed and
 * requantized. MUL: the offset-corrected inputs are multiplied and requantized.
 * The innermost dimension runs as a flat loop, with a stride of 0 for a broadcast input.
 * Element i of each input is read before element i of the output is written, so the
 * output may overwrite an input of its own shape (the planner's in-place ADD/MUL). */
#include "kernels_internal.h"

/* Element strides of an input against the output shape; 0 where it broadcasts. */
static void broadcast_strides(const int32_t in[4], const int32_t out[4], int32_t strides[4]) {
  int32_t stride = 1;
  for (int32_t i = 3; i >= 0; --i) {
    strides[i] = (in[i] == 1 && out[i] != 1) ? 0 : stride;
    stride *= in[i];
  }
}

static int8_t add_one(const mcuprof_add_params* p, int32_t a, int32_t b) {
  const int32_t sa =
      mk_requant(mk_shl(a + p->in1_offset, p->left_shift), p->in1_multiplier, p->in1_shift);
  const int32_t sb =
      mk_requant(mk_shl(b + p->in2_offset, p->left_shift), p->in2_multiplier, p->in2_shift);
  return mk_output(sa + sb, p->out_multiplier, p->out_shift, p->output_offset, p->act_min,
                   p->act_max);
}

static int8_t mul_one(const mcuprof_mul_params* p, int32_t a, int32_t b) {
  return mk_output((a + p->in1_offset) * (b + p->in2_offset), p->out_multiplier, p->out_shift,
                   p->output_offset, p->act_min, p->act_max);
}

/* Runs one of the two element functions over the broadcast shapes. */
#define MK_BROADCAST_LOOP(P, IN1, IN2, OUT, ONE)                                               \
  do {                                                                                         \
    int32_t s1[4], s2[4];                                                                      \
    broadcast_strides((P)->shapes.in1, (P)->shapes.out, s1);                                   \
    broadcast_strides((P)->shapes.in2, (P)->shapes.out, s2);                                   \
    const int32_t* d = (P)->shapes.out;                                                        \
    int8_t* o = (OUT);                                                                         \
    for (int32_t i0 = 0; i0 < d[0]; ++i0)                                                      \
      for (int32_t i1 = 0; i1 < d[1]; ++i1)                                                    \
        for (int32_t i2 = 0; i2 < d[2]; ++i2) {                                                \
          const int8_t* a = (IN1) + i0 * s1[0] + i1 * s1[1] + i2 * s1[2];                      \
          const int8_t* b = (IN2) + i0 * s2[0] + i1 * s2[1] + i2 * s2[2];                      \
          for (int32_t i3 = 0; i3 < d[3]; ++i3) *o++ = ONE((P), a[i3 * s1[3]], b[i3 * s2[3]]); \
        }                                                                                      \
  } while (0)

void mcuprof_add_s8(const mcuprof_add_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output) {
  MK_BROADCAST_LOOP(p, in1, in2, output, add_one);
}

void mcuprof_mul_s8(const mcuprof_mul_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output) {
  MK_BROADCAST_LOOP(p, in1, in2, output, mul_one);
}
