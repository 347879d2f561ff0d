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

/* The short exact forms (docs/kernels.md, "Fixed-point primitives"), chosen once per call
 * when the operands' bounds allow them; otherwise add_one/mul_one above.
 * A rescale by (m, s), s <= 0, of a value |x| < 2^30: SRDHM(x, m) = SMMULR(2x, m) and
 * RDBP(h, r) = (h + (h >> 31) + 2^(r-1)) >> r for r >= 1, h itself for r = 0 (`mask` 0
 * drops the sign correction then). s > 0: SRDHM(x << s, m) = SMMULR(x << (s + 1), m)
 * while |x << (s + 1)| < 2^31. A right shift beyond 31 is taken as 31 (both give 0). */
typedef struct {
  int32_t multiplier, left, right, round, mask;
} ew_scale;

/* Sets *q for (m, s) applied to values of magnitude <= bound; 0 when no short form. */
static int32_t ew_scale_init(ew_scale* q, int32_t m, int32_t s, int64_t bound) {
  if (m < 0) return 0;
  q->multiplier = m;
  if (s > 0) {
    if (s > 29 || (bound << (s + 1)) >= ((int64_t)1 << 31)) return 0;
    q->left = s + 1;
    q->right = q->round = q->mask = 0;
    return 1;
  }
  if (2 * bound >= ((int64_t)1 << 30)) return 0;
  q->left = 1;
  q->right = s >= -31 ? -s : 31;
  q->round = q->right >= 1 ? (int32_t)(1u << (q->right - 1)) : 0;
  q->mask = q->right >= 1 ? -1 : 0;
  return 1;
}

static inline __attribute__((always_inline)) int32_t ew_apply(const ew_scale* q, int32_t x) {
  const int32_t h = mk_smmulr((int32_t)((uint32_t)x << q->left), q->multiplier);
  return (h + ((h >> 31) & q->mask) + q->round) >> q->right;
}

/* |ew_apply| over |x| <= bound: the scale is monotonic (m >= 0), so the ends bound it. */
static int64_t ew_bound(const ew_scale* q, int32_t bound) {
  const int64_t a = ew_apply(q, bound), b = ew_apply(q, -bound);
  return mk_max((int32_t)(a < 0 ? -a : a), (int32_t)(b < 0 ? -b : b));
}

typedef struct {
  ew_scale s1, s2, out;
  int32_t off1, off2, offset, lo, hi;
} ew_fast;

static inline __attribute__((always_inline)) int8_t add_fast_one(const ew_fast* f, int32_t a,
                                                                 int32_t b) {
  const int32_t sum = ew_apply(&f->s1, a + f->off1) + ew_apply(&f->s2, b + f->off2);
  return (int8_t)mk_clamp(ew_apply(&f->out, sum) + f->offset, f->lo, f->hi);
}

static inline __attribute__((always_inline)) int8_t mul_fast_one(const ew_fast* f, int32_t a,
                                                                 int32_t b) {
  return (int8_t)mk_clamp(ew_apply(&f->out, (a + f->off1) * (b + f->off2)) + f->offset, f->lo,
                          f->hi);
}

/* ADD's lift (a + offset) * 2^left_shift then its rescale, as one ew_scale: left_shift + the
 * rescale's own left shift must keep |x| * 2^(left) < 2^31, |x| <= 255. */
static int32_t add_lift_init(ew_scale* q, int32_t left_shift, int32_t m, int32_t s,
                             int32_t max_abs) {
  if (left_shift < 0 || left_shift > 22 || s > 0) return 0;
  if (!ew_scale_init(q, m, s, (int64_t)max_abs << left_shift)) return 0;
  q->left += left_shift; /* SMMULR((x << ls) << 1, m) */
  return 1;
}

static int32_t add_fast_init(const mcuprof_add_params* p, ew_fast* f) {
  const int32_t b1 = mk_max_abs_input(p->in1_offset), b2 = mk_max_abs_input(p->in2_offset);
  if (!add_lift_init(&f->s1, p->left_shift, p->in1_multiplier, p->in1_shift, b1) ||
      !add_lift_init(&f->s2, p->left_shift, p->in2_multiplier, p->in2_shift, b2))
    return 0;
  const int64_t bound = ew_bound(&f->s1, b1) + ew_bound(&f->s2, b2);
  if (!ew_scale_init(&f->out, p->out_multiplier, p->out_shift, bound)) return 0;
  f->off1 = p->in1_offset, f->off2 = p->in2_offset;
  f->offset = p->output_offset, f->lo = p->act_min, f->hi = p->act_max;
  return 1;
}

static int32_t mul_fast_init(const mcuprof_mul_params* p, ew_fast* f) {
  const int64_t bound = (int64_t)mk_max_abs_input(p->in1_offset) * mk_max_abs_input(p->in2_offset);
  if (!ew_scale_init(&f->out, p->out_multiplier, p->out_shift, bound)) return 0;
  f->off1 = p->in1_offset, f->off2 = p->in2_offset;
  f->offset = p->output_offset, f->lo = p->act_min, f->hi = p->act_max;
  return 1;
}

static int32_t same_shape(const int32_t a[4], const int32_t b[4]) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Runs one of the element functions (on E) over the broadcast shapes of P. */
#define MK_BROADCAST_LOOP(E, P, IN1, IN2, OUT, ONE)                                            \
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
          for (int32_t i3 = 0; i3 < d[3]; ++i3) *o++ = ONE((E), a[i3 * s1[3]], b[i3 * s2[3]]); \
        }                                                                                      \
  } while (0)

/* The flat loop when neither input broadcasts, else the broadcast loop, with the fast
 * element function ONE. The constants are copied into a local whose address never
 * escapes, so the int8 stores (which may alias anything) do not force them to be
 * reloaded from memory for every element. */
#define MK_DEFINE_FAST_RUN(NAME, PARAMS, ONE)                                                     \
  static __attribute__((noinline)) void NAME(const PARAMS* p, const ew_fast* fp,                  \
                                             const int8_t* in1, const int8_t* in2, int8_t* out) { \
    const ew_fast f = *fp;                                                                        \
    const int32_t* e = p->shapes.out;                                                             \
    if (same_shape(p->shapes.in1, e) && same_shape(p->shapes.in2, e)) {                           \
      const int32_t n = e[0] * e[1] * e[2] * e[3];                                                \
      for (int32_t i = 0; i < n; ++i) out[i] = ONE(&f, in1[i], in2[i]);                           \
    } else {                                                                                      \
      MK_BROADCAST_LOOP(&f, p, in1, in2, out, ONE);                                               \
    }                                                                                             \
  }

MK_DEFINE_FAST_RUN(add_fast_run, mcuprof_add_params, add_fast_one)
MK_DEFINE_FAST_RUN(mul_fast_run, mcuprof_mul_params, mul_fast_one)

void mcuprof_add_s8(const mcuprof_add_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output) {
  ew_fast f;
  if (add_fast_init(p, &f)) {
    add_fast_run(p, &f, in1, in2, output);
  } else {
    MK_BROADCAST_LOOP(p, p, in1, in2, output, add_one);
  }
}

void mcuprof_mul_s8(const mcuprof_mul_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output) {
  ew_fast f;
  if (mul_fast_init(p, &f)) {
    mul_fast_run(p, &f, in1, in2, output);
  } else {
    MK_BROADCAST_LOOP(p, p, in1, in2, output, mul_one);
  }
}
