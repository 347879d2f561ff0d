/* conv.c — int8 CONV_2D with per-channel requantization.
 *
 * Output pixels are taken two at a time. Their receptive fields (filter_h*filter_w*in_c
 * values each; for a 1x1 stride-1 convolution simply the input pixel) are expanded once
 * into the scratch buffer as int16 with the input offset added and padding as 0, in the
 * order SXTB16 unpacks weights: for every 4 inputs (x0,x1,x2,x3) the words (x0,x2),
 * (x1,x3), pixel 0 then pixel 1; a partial last group is zero-padded. Then every pair of
 * output channels is one pass over the weights: on DSP cores an assembly block of
 * 4 LDR (pipelined) + 2 LDR + 4 SXTB16 + 8 SMLAD per 16 MACs, two groups per loop
 * iteration, after which the four results are requantized from registers with the
 * per-channel constants prepared once per call (docs/kernels.md, "DSP paths"). */
#include "kernels_internal.h"

static int32_t patch_size(const mcuprof_conv_params* p) {
  return p->filter_h * p->filter_w * p->in_c;
}

/* Per-channel constants, prepared once per call (prepare_channels): round >= 0 is the
 * short right-shift form, MK_LEFT_FORM the short left-shift form (shift = s + 1),
 * MK_CONST_FORM a constant output, -1 the literal TFLite form. */
typedef mk_conv_channel conv_channel;
#define MK_LEFT_FORM (-2)
#define MK_CONST_FORM (-3) /* output constant (mk_rq_constant), its value in shift */

/* Position of element j (0..3) of a group of 4 in the SXTB16 order (x0,x2),(x1,x3). */
static inline int32_t group_pos(int32_t j) {
  return ((j & 1) << 1) | (j >> 1);
}

/* Writes one pixel's k offset-corrected values (int8 at src) into the group layout;
 * the last, partial group is completed with zeros (they meet weights of the next
 * filter row in the assembly loop and contribute nothing). */
static inline __attribute__((always_inline)) void expand_pixel(const int8_t* src, int32_t k,
                                                               int32_t input_offset, int16_t* dst,
                                                               int32_t pixel) {
  const int32_t groups = k >> 2;
  int16_t* g = dst + 4 * pixel;
#if MK_DSP
  const uint32_t off2 = ((uint32_t)(uint16_t)input_offset << 16) | (uint16_t)input_offset;
  for (int32_t i = 0; i < groups; ++i) {
    const uint32_t v = mk_load4(src);
    src += 4;
    const uint32_t e = (uint32_t)__sxtab16(off2, v), o = mk_sxtab16_odd(off2, v);
    __builtin_memcpy(g, &e, 4);
    __builtin_memcpy(g + 2, &o, 4);
    g += 8;
  }
#else
  for (int32_t i = 0; i < groups; ++i) {
    g[0] = (int16_t)(src[0] + input_offset);
    g[1] = (int16_t)(src[2] + input_offset);
    g[2] = (int16_t)(src[1] + input_offset);
    g[3] = (int16_t)(src[3] + input_offset);
    src += 4;
    g += 8;
  }
#endif
  if (k & 3) {
    g[0] = g[1] = g[2] = g[3] = 0;
    for (int32_t j = 0; j < (k & 3); ++j) g[group_pos(j)] = (int16_t)(src[j] + input_offset);
  }
}

#if MK_DSP
/* The MAC step of one group of 4 inputs: two pixels' expanded values (e0,o0 / e1,o1,
 * loaded before) against 4 bytes of two filter rows (LDR, SXTB16 even/odd bytes).
 * The x loads are plain LDRs with immediate offsets, which the M4 pipelines
 * (2 + 1 + 1 + 1 cycles, + 1 for the weight LDR closing the chain); LDRD would take 3
 * each and never pipeline. */
/* clang-format off */
#if defined(MCUPROF_CORE_CORTEX_M7)
/* The same on the Cortex-M7 (dual issue, two loads per cycle, one MAC per cycle, load-use
 * latency 2): the weight word is loaded first so its SXTB16s do not wait, the second
 * row's word is loaded while the first row's SMLADs issue, and each load pairs with a
 * SMLAD or another load: ~12 issue cycles per group instead of ~15. On the M4 this
 * order breaks the LDR pipelining above (one more cycle per group), hence per core. */
#define MK_MAC_GROUP(XOFF)                        \
  "ldr %[y], [%[w0]], #4\n\t"                    \
  "ldr %[e0], [%[x], #" #XOFF "]\n\t"            \
  "ldr %[e1], [%[x], #" #XOFF " + 8]\n\t"        \
  "ldr %[o0], [%[x], #" #XOFF " + 4]\n\t"        \
  "sxtb16 %[t], %[y]\n\t"                        \
  "sxtb16 %[y], %[y], ror #8\n\t"                \
  "ldr %[o1], [%[x], #" #XOFF " + 12]\n\t"       \
  "smlad %[a00], %[e0], %[t], %[a00]\n\t"        \
  "smlad %[a10], %[e1], %[t], %[a10]\n\t"        \
  "smlad %[a00], %[o0], %[y], %[a00]\n\t"        \
  "ldr %[t], [%[w1]], #4\n\t"                    \
  "smlad %[a10], %[o1], %[y], %[a10]\n\t"        \
  "sxtb16 %[y], %[t]\n\t"                        \
  "sxtb16 %[t], %[t], ror #8\n\t"                \
  "smlad %[a01], %[e0], %[y], %[a01]\n\t"        \
  "smlad %[a11], %[e1], %[y], %[a11]\n\t"        \
  "smlad %[a01], %[o0], %[t], %[a01]\n\t"        \
  "smlad %[a11], %[o1], %[t], %[a11]\n\t"
#else
#define MK_MAC_GROUP(XOFF)                        \
  "ldr %[e0], [%[x], #" #XOFF "]\n\t"            \
  "ldr %[o0], [%[x], #" #XOFF " + 4]\n\t"        \
  "ldr %[e1], [%[x], #" #XOFF " + 8]\n\t"        \
  "ldr %[o1], [%[x], #" #XOFF " + 12]\n\t"       \
  "ldr %[y], [%[w0]], #4\n\t"                    \
  "sxtb16 %[t], %[y]\n\t"                        \
  "sxtb16 %[y], %[y], ror #8\n\t"                \
  "smlad %[a00], %[e0], %[t], %[a00]\n\t"        \
  "smlad %[a10], %[e1], %[t], %[a10]\n\t"        \
  "smlad %[a00], %[o0], %[y], %[a00]\n\t"        \
  "smlad %[a10], %[o1], %[y], %[a10]\n\t"        \
  "ldr %[y], [%[w1]], #4\n\t"                    \
  "sxtb16 %[t], %[y]\n\t"                        \
  "sxtb16 %[y], %[y], ror #8\n\t"                \
  "smlad %[a01], %[e0], %[t], %[a01]\n\t"        \
  "smlad %[a11], %[e1], %[t], %[a11]\n\t"        \
  "smlad %[a01], %[o0], %[y], %[a01]\n\t"        \
  "smlad %[a11], %[o1], %[y], %[a11]\n\t"
#endif
/* clang-format on */

/* acc += over `groups` groups (>= 1): two groups (32 MACs) per loop iteration, then
 * the odd one. */
static inline __attribute__((always_inline)) void mac_2x2_asm(const int16_t* x, const int8_t* w0,
                                                              const int8_t* w1, int32_t groups,
                                                              int32_t acc[4]) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  int32_t n = groups >> 1;
  int32_t e0, o0, e1, o1, y, t;
  if (n > 0) {
    __asm__ volatile(MK_LOOP_HEAD("1") MK_MAC_GROUP(0) MK_MAC_GROUP(16)
                     "add %[x], %[x], #32\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "bne 1b\n\t"
                     : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                       [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(n), [e0] "=&r"(e0),
                       [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t)
                     :
                     : "cc", "memory");
  }
  if (groups & 1) {
    __asm__ volatile(MK_MAC_GROUP(0)
                     : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                       [w0] "+r"(w0), [w1] "+r"(w1), [e0] "=&r"(e0), [o0] "=&r"(o0), [e1] "=&r"(e1),
                       [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t)
                     : [x] "r"(x)
                     : "memory");
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

/* clang-format off */
/* Adds the output offset (%[y]) and clamps to [%[t], %[w0]]: the tail of both forms. */
#define MK_OFFSET_CLAMP(A)                               \
  "add %[" A "], %[" A "], %[y]\n\t"                    \
  "cmp %[" A "], %[t]\n\t"                              \
  "it lt\n\t"                                           \
  "movlt %[" A "], %[t]\n\t"                            \
  "cmp %[" A "], %[w0]\n\t"                             \
  "it gt\n\t"                                           \
  "movgt %[" A "], %[w0]\n\t"

/* Requantization of accumulator A in the short form (see conv_channel) with the
 * channel's multiplier M, right shift SH and rounding constant RND in registers, the
 * output offset in %[y], act_min in %[t], act_max in %[w0]. */
#define MK_RQ_SHORT(A, M, SH, RND)                       \
  "lsl %[" A "], %[" A "], #1\n\t"                      \
  "smmulr %[" A "], %[" A "], %[" M "]\n\t"             \
  "add %[" A "], %[" A "], %[" A "], asr #31\n\t"       \
  "add %[" A "], %[" A "], %[" RND "]\n\t"              \
  "asr %[" A "], %[" A "], %[" SH "]\n\t"               \
  MK_OFFSET_CLAMP(A)

/* The short left-shift form: SMMULR(A << SH, M) + offset, clamped (RND unused). */
#define MK_RQ_LEFT(A, M, SH, RND)                        \
  "lsl %[" A "], %[" A "], %[" SH "]\n\t"               \
  "smmulr %[" A "], %[" A "], %[" M "]\n\t"             \
  MK_OFFSET_CLAMP(A)
/* clang-format on */

/* Output channels oc, oc+1 of two pixels in one assembly block: the biases from the
 * prepared channels ch[oc], ch[oc+1] (*chp), the MAC groups (groups >= 1: an odd one
 * first, then two per loop iteration; 4·groups bytes of each filter row, i.e. up to 3
 * past the row when k is not a multiple of 4), then the four short-form
 * requantizations into out0[0], out0[1], out1[0], out1[1].
 * All 14 allocatable registers are in use; the rest comes from stack slots ("m"). */
typedef struct {
  const conv_channel* chp; /* ch + oc */
  int8_t *o0p, *o1p;       /* out0 + oc, out1 + oc */
  int32_t offset, lo, hi;
} conv_block;

/* clang-format off */
#define MK_DEFINE_CONV_BLOCK(NAME, RQ)                                                \
  static inline __attribute__((always_inline)) void NAME(                             \
      const int16_t* x, const int8_t* w0, int32_t k, int32_t groups, conv_block* b) { \
    const int8_t* w1 = w0 + k;                                                        \
    int32_t n = groups;                                                               \
    int32_t a00, a01, a10, a11, e0, o0, e1, o1, y, t;                                 \
    __asm__ volatile( \
      "ldr %[t], %[chp]\n\t" \
      "ldr %[a00], [%[t]]\n\t" \
      "ldr %[a01], [%[t], #16]\n\t" \
      "mov %[a10], %[a00]\n\t" \
      "mov %[a11], %[a01]\n\t" \
      "lsrs %[n], %[n], #1\n\t" /* C: groups is odd; Z: fewer than two groups */ \
      "bcc 2f\n\t" MK_MAC_GROUP(0) \
      "add %[x], %[x], #16\n\t" /* add (not adds): keeps Z */ \
      "2:\n\t" \
      "beq 3f\n\t" \
      MK_LOOP_HEAD("1") MK_MAC_GROUP(0) MK_MAC_GROUP(16) \
      "add %[x], %[x], #32\n\t" \
      "subs %[n], %[n], #1\n\t" \
      "bne 1b\n\t" \
      "3:\n\t" \
      "ldr %[x], %[chp]\n\t" \
      "ldr %[y], %[off]\n\t" \
      "ldr %[t], %[lo]\n\t" \
      "ldr %[w0], %[hi]\n\t" \
      "ldr %[e0], [%[x], #4]\n\t" \
      "ldr %[o0], [%[x], #8]\n\t" \
      "ldr %[e1], [%[x], #12]\n\t" \
      RQ("a00", "e0", "o0", "e1") RQ("a10", "e0", "o0", "e1") \
      "ldr %[e0], [%[x], #20]\n\t" \
      "ldr %[o0], [%[x], #24]\n\t" \
      "ldr %[e1], [%[x], #28]\n\t" \
      RQ("a01", "e0", "o0", "e1") RQ("a11", "e0", "o0", "e1") \
      "ldr %[x], %[o0p]\n\t" \
      "ldr %[n], %[o1p]\n\t" \
      "strb %[a00], [%[x]]\n\t" \
      "strb %[a01], [%[x], #1]\n\t" \
      "strb %[a10], [%[n]]\n\t" \
      "strb %[a11], [%[n], #1]\n\t" \
      : [a00] "=&r"(a00), [a01] "=&r"(a01), [a10] "=&r"(a10), [a11] "=&r"(a11), [x] "+r"(x), \
        [w0] "+r"(w0), [w1] "+r"(w1), [n] "+r"(n), [e0] "=&r"(e0), [o0] "=&r"(o0), \
        [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t) \
      : [chp] "m"(b->chp), [off] "m"(b->offset), [lo] "m"(b->lo), [hi] "m"(b->hi), \
        [o0p] "m"(b->o0p), [o1p] "m"(b->o1p) \
      : "cc", "memory");                                                               \
  }

/* clang-format on */
MK_DEFINE_CONV_BLOCK(conv_block_right, MK_RQ_SHORT)
MK_DEFINE_CONV_BLOCK(conv_block_left, MK_RQ_LEFT)

/* Requantization for the pair loop below: multiplier %[e0], shift %[o0], rounding
 * %[e1], output offset %[y], act_min %[t], act_max %[o1]. */
/* clang-format off */
#define MK_RQ_LOOP(A)                                    \
  "lsl %[" A "], %[" A "], #1\n\t"                      \
  "smmulr %[" A "], %[" A "], %[e0]\n\t"                \
  "add %[" A "], %[" A "], %[" A "], asr #31\n\t"       \
  "add %[" A "], %[" A "], %[e1]\n\t"                   \
  "asr %[" A "], %[" A "], %[o0]\n\t"                   \
  "add %[" A "], %[" A "], %[y]\n\t"                    \
  "cmp %[" A "], %[t]\n\t"                              \
  "it lt\n\t"                                           \
  "movlt %[" A "], %[t]\n\t"                            \
  "cmp %[" A "], %[o1]\n\t"                             \
  "it gt\n\t"                                           \
  "movgt %[" A "], %[o1]\n\t"

/* The same when the clamp is the whole int8 range: one SSAT. */
#define MK_RQ_LOOP_SAT(A)                                \
  "lsl %[" A "], %[" A "], #1\n\t"                      \
  "smmulr %[" A "], %[" A "], %[e0]\n\t"                \
  "add %[" A "], %[" A "], %[" A "], asr #31\n\t"       \
  "add %[" A "], %[" A "], %[e1]\n\t"                   \
  "asr %[" A "], %[" A "], %[o0]\n\t"                   \
  "add %[" A "], %[" A "], %[y]\n\t"                    \
  "ssat %[" A "], #8, %[" A "]\n\t"
/* clang-format on */

/* State of the pair loop, in stack slots: the loop needs all 14 registers. */
typedef struct {
  const conv_channel* chp; /* ch + oc */
  int8_t *o0p, *o1p;       /* out0 + oc, out1 + oc */
  const int16_t* x;
  int32_t pairs, groups, offset, lo, hi;
} conv_loop;

/* Every pair of output channels of two pixels in one assembly loop (k = 4·groups, a
 * multiple of 4; every channel of the call in the short right-shift form): per pair
 * the biases, the MAC groups as in conv_block_*, the four requantizations and stores,
 * then the next pair's filter rows (w0 = w1, w1 += k) and pointers. */
/* clang-format off */
#define MK_DEFINE_CONV_LOOP(NAME, RQ)                                                            \
  static inline __attribute__((always_inline)) void NAME(const int8_t* w0, int32_t k,            \
                                                         conv_loop* l) {                         \
    const int8_t* w1 = w0 + k;                                                                   \
    int32_t a00, a01, a10, a11, x, n, e0, o0, e1, o1, y, t;                                      \
    __asm__ volatile(                                                                          \
        "0:\n\t"                                                                               \
        "ldr %[t], %[chp]\n\t"                                                                 \
        "ldr %[x], %[xb]\n\t"                                                                  \
        "ldr %[n], %[groups]\n\t"                                                              \
        "ldr %[a00], [%[t]]\n\t"                                                               \
        "ldr %[a01], [%[t], #16]\n\t"                                                          \
        "mov %[a10], %[a00]\n\t"                                                               \
        "mov %[a11], %[a01]\n\t"                                                               \
        "lsrs %[n], %[n], #1\n\t"                                                              \
        "bcc 2f\n\t" MK_MAC_GROUP(0) "add %[x], %[x], #16\n\t"                                 \
        "2:\n\t"                                                                               \
        "beq 3f\n\t"                                                                           \
        MK_LOOP_HEAD("1") MK_MAC_GROUP(0) MK_MAC_GROUP(16) "add %[x], %[x], #32\n\t"           \
        "subs %[n], %[n], #1\n\t"                                                              \
        "bne 1b\n\t"                                                                           \
        "3:\n\t"                                                                               \
        "ldr %[x], %[chp]\n\t"                                                                 \
        "ldr %[y], %[off]\n\t"                                                                 \
        "ldr %[t], %[lo]\n\t"                                                                  \
        "ldr %[o1], %[hi]\n\t"                                                                 \
        "ldr %[e0], [%[x], #4]\n\t"                                                            \
        "ldr %[o0], [%[x], #8]\n\t"                                                            \
        "ldr %[e1], [%[x], #12]\n\t" RQ("a00") RQ("a10")                                       \
        "ldr %[e0], [%[x], #20]\n\t"                                                           \
        "ldr %[o0], [%[x], #24]\n\t"                                                           \
        "ldr %[e1], [%[x], #28]\n\t" RQ("a01") RQ("a11")                                       \
        "add %[x], %[x], #32\n\t"                                                              \
        "str %[x], %[chp]\n\t"                                                                 \
        "ldr %[x], %[o0p]\n\t"                                                                 \
        "ldr %[n], %[o1p]\n\t"                                                                 \
        "strb %[a00], [%[x]], #2\n\t"                                                          \
        "strb %[a01], [%[x], #-1]\n\t"                                                         \
        "strb %[a10], [%[n]], #2\n\t"                                                          \
        "strb %[a11], [%[n], #-1]\n\t"                                                         \
        "str %[x], %[o0p]\n\t"                                                                 \
        "str %[n], %[o1p]\n\t"                                                                 \
        "sub %[n], %[w1], %[w0]\n\t" /* k: w0 ended on row oc+1, w1 on row oc+2 */            \
        "mov %[w0], %[w1]\n\t"                                                                 \
        "add %[w1], %[w1], %[n]\n\t"                                                           \
        "ldr %[n], %[pairs]\n\t"                                                               \
        "subs %[n], %[n], #1\n\t"                                                              \
        "str %[n], %[pairs]\n\t"                                                               \
        "bne 0b\n\t"                                                                           \
        : [a00] "=&r"(a00), [a01] "=&r"(a01), [a10] "=&r"(a10), [a11] "=&r"(a11),            \
          [x] "=&r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [n] "=&r"(n), [e0] "=&r"(e0),          \
          [o0] "=&r"(o0), [e1] "=&r"(e1), [o1] "=&r"(o1), [y] "=&r"(y), [t] "=&r"(t),        \
          [chp] "+m"(l->chp), [o0p] "+m"(l->o0p), [o1p] "+m"(l->o1p), [pairs] "+m"(l->pairs) \
        : [xb] "m"(l->x), [groups] "m"(l->groups), [off] "m"(l->offset), [lo] "m"(l->lo),    \
          [hi] "m"(l->hi)                                                                      \
        : "cc", "memory"); \
  }

/* clang-format on */
MK_DEFINE_CONV_LOOP(conv_loop_clamp, MK_RQ_LOOP)
MK_DEFINE_CONV_LOOP(conv_loop_sat, MK_RQ_LOOP_SAT)
#endif

/* acc[0..3] += pixel0.w0, pixel0.w1, pixel1.w0, pixel1.w1 over the expanded patches,
 * reading exactly k bytes of each filter row (the portable path, and the last filter
 * rows on DSP cores when k is not a multiple of 4). */
static void mac_2x2_exact(const int16_t* x, const int8_t* w0, const int8_t* w1, int32_t k,
                          int32_t acc[4]) {
  int32_t groups = k >> 2;
#if MK_DSP
  if (groups > 0) {
    mac_2x2_asm(x, w0, w1, groups, acc);
    x += 8 * groups;
    w0 += 4 * groups;
    w1 += 4 * groups;
    groups = 0;
  }
#endif
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  for (; groups > 0; --groups) {
    a00 = mk_wadd32(a00, x[0] * w0[0] + x[1] * w0[2] + x[2] * w0[1] + x[3] * w0[3]);
    a01 = mk_wadd32(a01, x[0] * w1[0] + x[1] * w1[2] + x[2] * w1[1] + x[3] * w1[3]);
    a10 = mk_wadd32(a10, x[4] * w0[0] + x[5] * w0[2] + x[6] * w0[1] + x[7] * w0[3]);
    a11 = mk_wadd32(a11, x[4] * w1[0] + x[5] * w1[2] + x[6] * w1[1] + x[7] * w1[3]);
    x += 8;
    w0 += 4;
    w1 += 4;
  }
  for (int32_t j = 0; j < (k & 3); ++j) {
    const int32_t pos = group_pos(j);
    a00 = mk_wadd32(a00, x[pos] * w0[j]);
    a01 = mk_wadd32(a01, x[pos] * w1[j]);
    a10 = mk_wadd32(a10, x[4 + pos] * w0[j]);
    a11 = mk_wadd32(a11, x[4 + pos] * w1[j]);
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

/* n bytes, a word at a time (unaligned words are fine on every core with DSP; the
 * bytes remain on the others). */
static inline void conv_copy_bytes(int8_t* dst, const int8_t* src, int32_t n) {
  int32_t i = 0;
#if MK_DSP
  for (; i + 4 <= n; i += 4) {
    const uint32_t v = mk_load4(src + i);
    __builtin_memcpy(dst + i, &v, 4);
  }
#endif
  for (; i < n; ++i) dst[i] = src[i];
}

/* Gathers the raw receptive field of output pixel (oy, ox) into dst (k bytes),
 * with the input zero point in the padding. A filter row wholly inside the input is
 * one contiguous run of filter_w*in_c bytes when dilation_w is 1. */
static void gather_patch(const mcuprof_conv_params* p, const int8_t* in_b, int32_t oy, int32_t ox,
                         int8_t zero_point, int8_t* dst) {
  const int32_t in_c = p->in_c, fw = p->filter_w;
  const int32_t ix0 = ox * p->stride_w - p->pad_left;
  const int32_t row_inside = p->dilation_w == 1 && ix0 >= 0 && ix0 + fw <= p->in_w;
  for (int32_t ky = 0; ky < p->filter_h; ++ky) {
    const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
    if (iy < 0 || iy >= p->in_h) {
      for (int32_t i = 0; i < fw * in_c; ++i) dst[i] = zero_point;
      dst += fw * in_c;
      continue;
    }
    const int8_t* row = in_b + (size_t)iy * (size_t)p->in_w * (size_t)in_c;
    if (row_inside) {
      conv_copy_bytes(dst, row + (size_t)ix0 * (size_t)in_c, fw * in_c);
      dst += fw * in_c;
      continue;
    }
    for (int32_t kx = 0; kx < fw; ++kx) {
      const int32_t ix = ix0 + kx * p->dilation_w;
      if (ix >= 0 && ix < p->in_w) {
        const int8_t* src = row + (size_t)ix * (size_t)in_c;
        for (int32_t c = 0; c < in_c; ++c) dst[c] = src[c];
      } else {
        for (int32_t c = 0; c < in_c; ++c) dst[c] = zero_point;
      }
      dst += in_c;
    }
  }
}

/* Gathers the receptive field of an output pixel wholly inside the input with dilation_w
 * 1 (the common case, e.g. every pixel but the last row and column of a 3x3x3 first
 * layer): filter_h runs of rk = filter_w * in_c bytes, `step` bytes apart in the input,
 * copied a word at a time (unaligned words on DSP cores) to dst, rk bytes apart. */
__attribute__((noinline)) static void gather_inside(const int8_t* src, size_t step, int32_t fh,
                                                    int32_t rk, int8_t* dst) {
  for (int32_t ky = 0; ky < fh; ++ky, src += step, dst += rk) conv_copy_bytes(dst, src, rk);
}

/* The receptive field of output pixel (oy, ox) of a 1x1 convolution (any stride or
 * padding, as the patch executor calls it on sub-windows) expanded straight from the
 * input pixel; in the padding the offset-corrected zero point, i.e. zeros. */
static void expand_1x1(const mcuprof_conv_params* p, const int8_t* in_b, int32_t oy, int32_t ox,
                       int16_t* x, int32_t pixel) {
  const int32_t iy = oy * p->stride_h - p->pad_top, ix = ox * p->stride_w - p->pad_left;
  const int32_t k = p->in_c;
  if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) {
    expand_pixel(in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)k, k, p->input_offset,
                 x, pixel);
    return;
  }
  int16_t* g = x + 4 * pixel;
  for (int32_t i = 0; i < (k + 3) >> 2; ++i, g += 8) g[0] = g[1] = g[2] = g[3] = 0;
}

/* Per-channel constants, prepared once per call into the scratch buffer: the bias and
 * the requantization. A channel takes the short exact form of mk_rq (SMMULR and one
 * rounding shift) when its shift is a right shift of 1..31, its multiplier is
 * non-negative and |bias| + the largest possible dot product stays below 2^30;
 * `round` < 0 marks the others, which take the literal TFLite form. */

/* Returns 1 when every channel takes the short right-shift form. */
static int32_t prepare_channels(const mcuprof_conv_params* p, const int32_t* bias, int32_t k,
                                int32_t oc0, int32_t count, conv_channel* ch) {
  int32_t all_right = 1;
  for (int32_t oc = 0; oc < count; ++oc) {
    const int32_t i = p->per_channel ? oc0 + oc : 0;
    mk_rq q;
    mk_rq_init(&q, p->multiplier[i], mk_shift_at(p->shift, p->shift8, i), p->output_offset,
               p->act_min, p->act_max);
    ch[oc].bias = bias ? bias[oc0 + oc] : 0;
    mk_rq_bound(&q, ch[oc].bias, k, p->input_offset);
    ch[oc].multiplier = q.multiplier;
    ch[oc].shift = q.fast ? q.right : q.shift;
    ch[oc].round = q.fast ? q.round : -1;
    if (!q.fast && q.shift >= 0 && q.shift <= 29) {
      /* Left shift s >= 0: SRDHM(x << s, m) = SMMULR(x << (s + 1), m) while
       * |x << s| < 2^30 (no rounding shift follows). */
      const int64_t b = ch[oc].bias < 0 ? -(int64_t)ch[oc].bias : (int64_t)ch[oc].bias;
      const int64_t bound = b + (int64_t)k * mk_max_abs_input(p->input_offset) * 128;
      if ((bound << q.shift) < ((int64_t)1 << 30)) {
        ch[oc].shift = q.shift + 1;
        ch[oc].round = MK_LEFT_FORM;
      }
    }
    int8_t value;
    if (ch[oc].round == -1 && mk_rq_constant(&q, ch[oc].bias, k, p->input_offset, &value)) {
      ch[oc].shift = value;
      ch[oc].round = MK_CONST_FORM;
    }
    all_right &= ch[oc].round >= 0;
  }
  return all_right;
}

/* The short form of one output (see conv_channel), branch-free clamp. */
static inline int8_t requant_short(int32_t acc, const conv_channel* c, int32_t offset, int32_t lo,
                                   int32_t hi) {
  const int32_t h = mk_smmulr(acc * 2, c->multiplier);
  int32_t v = ((h + (h >> 31) + c->round) >> c->shift) + offset;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return (int8_t)v;
}

/* The short left-shift form of one output. */
static inline int8_t requant_left(int32_t acc, const conv_channel* c, int32_t offset, int32_t lo,
                                  int32_t hi) {
  int32_t v = mk_smmulr((int32_t)((uint32_t)acc << c->shift), c->multiplier) + offset;
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return (int8_t)v;
}

/* Requantizes two accumulators of one channel into *out0 and *out1. */
static inline void requant_two(int32_t acc0, int32_t acc1, const conv_channel* c, int32_t offset,
                               int32_t lo, int32_t hi, int8_t* out0, int8_t* out1) {
  if (__builtin_expect(c->round >= 0, 1)) {
    *out0 = requant_short(acc0, c, offset, lo, hi);
    *out1 = requant_short(acc1, c, offset, lo, hi);
  } else if (c->round == MK_LEFT_FORM) {
    *out0 = requant_left(acc0, c, offset, lo, hi);
    *out1 = requant_left(acc1, c, offset, lo, hi);
  } else if (c->round == MK_CONST_FORM) {
    *out0 = *out1 = (int8_t)c->shift;
  } else {
    *out0 = mk_output_general(acc0, c->multiplier, c->shift, offset, lo, hi);
    *out1 = mk_output_general(acc1, c->multiplier, c->shift, offset, lo, hi);
  }
}

/* All output channels of two output pixels from their expanded patches x: per pair of
 * channels the four dot products (bias included), requantized straight from registers
 * into out0[oc], out0[oc+1], out1[oc], out1[oc+1]. A single pixel passes out1 = out0
 * (its patch is expanded twice, so both results are equal). */
static void conv_pixels(const int16_t* x, const int8_t* filter, int32_t k, int32_t out_c,
                        const conv_channel* ch, int32_t all_right, int32_t offset, int32_t lo,
                        int32_t hi, int8_t* out0, int8_t* out1) {
#if MK_DSP
  const int32_t padded_groups = (k + 3) >> 2;
#else
  (void)all_right; /* only the assembly loop needs it */
#endif
  int32_t oc = 0;
#if MK_DSP
  /* The common case: one assembly loop over all pairs. */
  if (all_right && (k & 3) == 0 && k > 0 && out_c >= 2) {
    conv_loop l;
    l.chp = ch;
    l.o0p = out0;
    l.o1p = out1;
    l.x = x;
    l.pairs = out_c >> 1;
    l.groups = padded_groups;
    l.offset = offset;
    l.lo = lo;
    l.hi = hi;
    if (lo == -128 && hi == 127) {
      conv_loop_sat(filter, k, &l);
    } else {
      conv_loop_clamp(filter, k, &l);
    }
    oc = out_c & ~1;
  }
  /* Wholly in assembly: pairs of short-form channels whose padded reads stay inside the
   * filter (always when k is a multiple of 4; else all but the last pair). */
  if (k > 0) {
    const int32_t pairs_end = (k & 3) == 0 ? out_c - 1 : out_c - 2;
    conv_block b;
    b.offset = offset;
    b.lo = lo;
    b.hi = hi;
    for (; oc < pairs_end; oc += 2) {
      const int8_t* w = filter + (size_t)oc * (size_t)k;
      const int32_t r0 = ch[oc].round, r1 = ch[oc + 1].round;
      b.chp = ch + oc;
      b.o0p = out0 + oc;
      b.o1p = out1 + oc;
      if (__builtin_expect((r0 | r1) >= 0, 1)) {
        conv_block_right(x, w, k, padded_groups, &b);
        continue;
      }
      if (r0 == MK_LEFT_FORM && r1 == MK_LEFT_FORM) {
        conv_block_left(x, w, k, padded_groups, &b);
        continue;
      }
      int32_t acc[4] = {ch[oc].bias, ch[oc + 1].bias, ch[oc].bias, ch[oc + 1].bias};
      mac_2x2_asm(x, w, w + k, padded_groups, acc);
      requant_two(acc[0], acc[2], ch + oc, offset, lo, hi, out0 + oc, out1 + oc);
      requant_two(acc[1], acc[3], ch + oc + 1, offset, lo, hi, out0 + oc + 1, out1 + oc + 1);
    }
  }
#endif
  for (; oc < out_c; oc += 2) {
    const int32_t oc1 = oc + 1 < out_c ? oc + 1 : oc;
    const conv_channel* c0 = ch + oc;
    const conv_channel* c1 = ch + oc1;
    int32_t acc[4] = {c0->bias, c1->bias, c0->bias, c1->bias};
    const int8_t* w0 = filter + (size_t)oc * (size_t)k;
    const int8_t* w1 = filter + (size_t)oc1 * (size_t)k;
#if MK_DSP
    /* The zero-padded last group reads up to 3 bytes past row oc1: inside the filter
     * unless oc1 is its last row. */
    if ((k & 3) == 0 || oc1 + 1 < out_c) {
      mac_2x2_asm(x, w0, w1, padded_groups, acc);
    } else {
      mac_2x2_exact(x, w0, w1, k, acc);
    }
#else
    mac_2x2_exact(x, w0, w1, k, acc);
#endif
    requant_two(acc[0], acc[2], c0, offset, lo, hi, out0 + oc, out1 + oc);
    requant_two(acc[1], acc[3], c1, offset, lo, hi, out0 + oc1, out1 + oc1);
  }
}

/* Scratch layout: expanded patches | raw patches | per-channel constants | padded filter.
 * When k is not a multiple of 4 and the filter is small (out_c * k4 <= CONV_PAD_MAX
 * bytes, k4 = k rounded up to 4: first layers such as 3x3x3), a copy of the filter with
 * each row zero-padded to k4 lets every channel pair take the assembly loop (and reads
 * the weights from SRAM instead of flash). */
#define CONV_PAD_MAX 2048u
/* Output channels prepared at once: wider convolutions run in chunks of this many
 * channels (every pixel pair per chunk, its receptive field expanded again), so the
 * per-channel table takes at most 2 KiB of scratch (7.5 KiB for mcunet-vww1's
 * 96 -> 480 layers before). Even, so channel pairs never straddle two chunks. */
#define CONV_CHUNK 128
typedef struct {
  int16_t* x;
  int8_t* raw;
  conv_channel* channels;
  int8_t* padded; /* NULL when the filter is used as it is */
} conv_scratch;

static size_t aligned16(size_t n) {
  return (n + 15u) & ~(size_t)15u;
}

static size_t padded_filter_bytes(const mcuprof_conv_params* p) {
  const size_t k = (size_t)patch_size(p), k4 = (k + 3u) & ~(size_t)3u;
  const size_t bytes = (size_t)p->out_c * k4;
  return (k & 3u) != 0 && bytes <= CONV_PAD_MAX ? bytes : 0;
}

/* A 1x1 stride-1 convolution without padding whose output is its input's size: each
 * output pixel's receptive field is the input pixel itself (no gather, no raw patch). */
static int32_t is_pointwise(const mcuprof_conv_params* p) {
  return p->filter_h == 1 && p->filter_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
         p->pad_top == 0 && p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w;
}

static size_t scratch_layout(const mcuprof_conv_params* p, void* base, conv_scratch* s) {
  const size_t k = (size_t)patch_size(p), out_c = (size_t)p->out_c;
  const size_t x_bytes = aligned16(4u * ((k + 3u) & ~(size_t)3u));
  /* 1x1 filters expand straight from the input pixel (or zeros in the padding). */
  const size_t raw_bytes = p->filter_h == 1 && p->filter_w == 1 ? 0 : aligned16(2u * k);
  const size_t ch_bytes = (out_c < CONV_CHUNK ? out_c : CONV_CHUNK) * sizeof(conv_channel);
  const size_t pad_bytes = padded_filter_bytes(p);
  if (s != NULL) {
    uint8_t* b = (uint8_t*)base;
    s->x = (int16_t*)b;
    s->raw = raw_bytes ? (int8_t*)(b + x_bytes) : NULL;
    s->channels = (conv_channel*)(b + x_bytes + raw_bytes);
    s->padded = pad_bytes ? (int8_t*)(b + x_bytes + raw_bytes + ch_bytes) : NULL;
  }
  return x_bytes + raw_bytes + ch_bytes + pad_bytes;
}

size_t mcuprof_conv2d_s8_scratch_bytes(const mcuprof_conv_params* p) {
  return scratch_layout(p, NULL, NULL);
}

void mcuprof_conv2d_s8(const mcuprof_conv_params* p, const int8_t* input, const int8_t* filter,
                       const int32_t* bias, int8_t* output, void* scratch) {
  const int32_t k = patch_size(p), out_c = p->out_c;
  const int32_t offset = p->output_offset, lo = p->act_min, hi = p->act_max;
  conv_scratch s;
  scratch_layout(p, scratch, &s);
  /* kw: the filter row length the MAC loops see (k, or k4 with the padded copy). */
  int32_t kw = k;
  if (s.padded != NULL) {
    kw = (k + 3) & ~3;
    for (int32_t oc = 0; oc < out_c; ++oc) {
      int8_t* row = s.padded + (size_t)oc * (size_t)kw;
      const int8_t* src = filter + (size_t)oc * (size_t)k;
      for (int32_t i = 0; i < k; ++i) row[i] = src[i];
      for (int32_t i = k; i < kw; ++i) row[i] = 0;
    }
    filter = s.padded;
  }
  const int32_t pointwise = is_pointwise(p);
  const int8_t zero_point = (int8_t)mk_clamp(-p->input_offset, -128, 127);
  const size_t in_size = (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
  /* The fast gather (gather_inside) for pixels whose receptive field is inside. */
  const size_t in_c = (size_t)p->in_c, step = (size_t)p->dilation_h * (size_t)p->in_w * in_c;
  const int32_t rows_in = p->dilation_w == 1, rk = p->filter_w * p->in_c;
  const int32_t span_h = (p->filter_h - 1) * p->dilation_h + 1;
  for (int32_t oc0 = 0; oc0 < out_c; oc0 += CONV_CHUNK) {
    const int32_t n = out_c - oc0 < CONV_CHUNK ? out_c - oc0 : CONV_CHUNK;
    const int32_t all_right = prepare_channels(p, bias, k, oc0, n, s.channels);
    const int8_t* w = filter + (size_t)oc0 * (size_t)kw;
    if (pointwise) {
      const int32_t pixels = p->batches * p->out_h * p->out_w;
#if MK_SHALLOW
      if (all_right && k <= 16 &&
          mk_conv_shallow(input, pixels, k, p->input_offset, w, n, out_c, s.channels, offset, lo,
                          hi, output + oc0)) {
        continue;
      }
#endif
      for (int32_t px = 0; px < pixels; px += 2) {
        const int32_t has_px1 = px + 1 < pixels;
        const int8_t* src = input + (size_t)px * (size_t)k;
        expand_pixel(src, k, p->input_offset, s.x, 0);
        expand_pixel(has_px1 ? src + k : src, k, p->input_offset, s.x, 1);
        int8_t* out0 = output + (size_t)px * (size_t)out_c + oc0;
        conv_pixels(s.x, w, kw, n, s.channels, all_right, offset, lo, hi, out0,
                    has_px1 ? out0 + out_c : out0);
      }
      continue;
    }
    for (int32_t b = 0; b < p->batches; ++b) {
      const int8_t* in_b = input + (size_t)b * in_size;
      for (int32_t oy = 0; oy < p->out_h; ++oy) {
        for (int32_t ox = 0; ox < p->out_w; ox += 2) {
          const int32_t has_px1 = ox + 1 < p->out_w;
          if (s.raw == NULL) {
            expand_1x1(p, in_b, oy, ox, s.x, 0);
            expand_1x1(p, in_b, oy, has_px1 ? ox + 1 : ox, s.x, 1);
          } else {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            const int32_t ix1 = (has_px1 ? ox + 1 : ox) * p->stride_w - p->pad_left;
            if (rows_in && iy0 >= 0 && iy0 + span_h <= p->in_h && ix0 >= 0 &&
                ix1 + p->filter_w <= p->in_w) {
              const int8_t* src = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * in_c;
              gather_inside(src, step, p->filter_h, rk, s.raw);
              gather_inside(src + (size_t)(ix1 - ix0) * in_c, step, p->filter_h, rk, s.raw + k);
            } else {
              gather_patch(p, in_b, oy, ox, zero_point, s.raw);
              gather_patch(p, in_b, oy, has_px1 ? ox + 1 : ox, zero_point, s.raw + k);
            }
            expand_pixel(s.raw, k, p->input_offset, s.x, 0);
            expand_pixel(s.raw + k, k, p->input_offset, s.x, 1);
          }
          int8_t* out0 =
              output +
              (((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)p->out_w + (size_t)ox) *
                  (size_t)out_c +
              oc0;
          conv_pixels(s.x, w, kw, n, s.channels, all_right, offset, lo, hi, out0,
                      has_px1 ? out0 + out_c : out0);
        }
      }
    }
  }
}
