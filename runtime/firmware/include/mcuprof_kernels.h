/* mcuprof_kernels.h — the int8 inference kernels of the mcuprof runtime.
 *
 * Freestanding C11, no malloc, no float math in the int8 ops. The same sources build
 * for the host (library mcuprof_kernels_host) and for every board; on cores with the
 * DSP extension (Cortex-M4/M7) the inner loops use SMLAD/SXTB16 through ACLE.
 * Results are bit-exact with TensorFlow Lite's reference int8 kernels; the arithmetic
 * of each kernel is written out in docs/kernels.md.
 *
 * Conventions shared by all kernels:
 *  - Tensors are NHWC, dense, int8 unless said otherwise.
 *  - input_offset is MINUS the input zero point, output_offset is PLUS the output zero
 *    point (TFLite's convention). Weights are symmetric int8 (zero point 0).
 *  - A requantization (multiplier, shift) is what TFLite's QuantizeMultiplier makes of a
 *    real scale: multiplier in [2^30, 2^31) (or 0), shift > 0 shifts left, < 0 right.
 *  - act_min/act_max are the fused activation clamp in the output's int8 domain
 *    (no activation: -128/127; ReLU: zero point/127; ReLU6: zp/quantized 6).
 *  - A kernel that needs scratch memory takes it as an argument (4-byte aligned) and has
 *    a *_scratch_bytes function saying how much; the size is the same on every build.
 *  - Input and output buffers must not overlap unless a kernel says otherwise. */
#ifndef MCUPROF_KERNELS_H
#define MCUPROF_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Fixed-point primitives (TFLite/gemmlowp semantics), exported for tests ---- */

/* (a*b*2 + 2^31 rounding) / 2^32, i.e. round(a*b / 2^31); INT32_MIN*INT32_MIN
 * saturates to INT32_MAX. */
int32_t mcuprof_srdhm(int32_t a, int32_t b);
/* x / 2^exponent rounded to nearest, ties away from zero; exponent >= 0. */
int32_t mcuprof_rounding_divide_by_pot(int32_t x, int32_t exponent);
/* n / d (d > 0) by shift and subtract: 64-bit division without libgcc's __udivmoddi4 (700 B
 * of flash on a Cortex-M) where it runs once per op. */
uint64_t mcuprof_udiv64(uint64_t n, uint32_t d);
/* TFLite's MultiplyByQuantizedMultiplier (double rounding): x * multiplier * 2^shift. */
int32_t mcuprof_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int32_t shift);
/* gemmlowp's exp_on_negative_values for a Q5.26 input <= 0; result Q0.31. */
int32_t mcuprof_exp_on_negative_values(int32_t q5_26);
/* gemmlowp's one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out. */
int32_t mcuprof_one_over_one_plus_x(int32_t q0_31);

/* ---- CONV_2D ---- */
typedef struct {
  int32_t batches;
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_top, pad_left; /* rows/columns of implicit zero-point padding before */
  int32_t input_offset;      /* -input zero point */
  int32_t output_offset;     /* +output zero point */
  int32_t act_min, act_max;
  int32_t per_channel;       /* 1: multiplier/shift have out_c entries; 0: one */
  const int32_t* multiplier; /* requantization per output channel */
  const int32_t* shift;
  const int8_t* shift8; /* when not NULL: the shifts as int8 (the model image's form) */
} mcuprof_conv_params;

/* Scratch: the receptive fields of two output pixels as int16 (and as raw bytes).
 * input_offset must be minus a valid int8 zero point (padding is the zero point). */
size_t mcuprof_conv2d_s8_scratch_bytes(const mcuprof_conv_params* p);
/* filter: [out_c][filter_h][filter_w][in_c]; bias: [out_c] int32 or NULL. */
void mcuprof_conv2d_s8(const mcuprof_conv_params* p, const int8_t* input, const int8_t* filter,
                       const int32_t* bias, int8_t* output, void* scratch);

/* ---- DEPTHWISE_CONV_2D ---- */
typedef struct {
  int32_t batches;
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w; /* output channels = in_c * depth_multiplier */
  int32_t depth_multiplier;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
  int32_t pad_top, pad_left;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  int32_t per_channel;
  const int32_t* multiplier; /* per output channel (or one) */
  const int32_t* shift;
  const int8_t* shift8; /* when not NULL: the shifts as int8 (the model image's form) */
} mcuprof_depthwise_params;

/* Scratch: one zero-padded input channel plane as int16 (offset already added, rows
 * word aligned) and one output row of int32 accumulators. */
size_t mcuprof_depthwise_conv2d_s8_scratch_bytes(const mcuprof_depthwise_params* p);
/* filter: [filter_h][filter_w][in_c*depth_multiplier]; bias: [out_c] or NULL. */
void mcuprof_depthwise_conv2d_s8(const mcuprof_depthwise_params* p, const int8_t* input,
                                 const int8_t* filter, const int32_t* bias, int8_t* output,
                                 void* scratch);

/* ---- FULLY_CONNECTED ---- */
typedef struct {
  int32_t batches;
  int32_t in_depth, out_depth;
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  int32_t per_channel;
  const int32_t* multiplier;
  const int32_t* shift;
  const int8_t* shift8; /* when not NULL: the shifts as int8 (the model image's form) */
} mcuprof_fc_params;

/* input: [batches][in_depth]; filter: [out_depth][in_depth]; bias [out_depth] or NULL. */
void mcuprof_fully_connected_s8(const mcuprof_fc_params* p, const int8_t* input,
                                const int8_t* filter, const int32_t* bias, int8_t* output);

/* ---- ADD / MUL with broadcast ---- */
/* Shapes are 4-D NHWC (pad lower ranks with leading 1s); an input dimension of 1
 * broadcasts against the output's. */
typedef struct {
  int32_t in1[4], in2[4], out[4];
} mcuprof_broadcast_shapes;

typedef struct {
  mcuprof_broadcast_shapes shapes;
  int32_t in1_offset, in2_offset, output_offset;
  int32_t left_shift; /* 20 for int8 in TFLite */
  int32_t in1_multiplier, in1_shift;
  int32_t in2_multiplier, in2_shift;
  int32_t out_multiplier, out_shift;
  int32_t act_min, act_max;
} mcuprof_add_params;

void mcuprof_add_s8(const mcuprof_add_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output);

typedef struct {
  mcuprof_broadcast_shapes shapes;
  int32_t in1_offset, in2_offset, output_offset;
  int32_t out_multiplier, out_shift;
  int32_t act_min, act_max;
} mcuprof_mul_params;

void mcuprof_mul_s8(const mcuprof_mul_params* p, const int8_t* in1, const int8_t* in2,
                    int8_t* output);

/* ---- Pooling ---- */
typedef struct {
  int32_t batches;
  int32_t in_h, in_w, channels;
  int32_t out_h, out_w;
  int32_t filter_h, filter_w;
  int32_t stride_h, stride_w;
  int32_t pad_top, pad_left;
  int32_t act_min, act_max;
} mcuprof_pool_params;

/* Input and output share quantization (TFLite requires it); padding is not counted. */
void mcuprof_average_pool_s8(const mcuprof_pool_params* p, const int8_t* input, int8_t* output);
void mcuprof_max_pool_s8(const mcuprof_pool_params* p, const int8_t* input, int8_t* output);

/* ---- MEAN (reduce.c): TensorFlow Lite Micro's int8 arithmetic on every axis set ----
 * Per output: the int32 sum of its reduced inputs, minus input zero point x count, times
 * QuantizeMultiplier(input_scale / output_scale) with 1/count folded in (the multiplier
 * shifted left by e = min(floor(log2 count), 32, 31 + shift), divided by count; shift - e),
 * plus the output zero point, clamped to int8. keep_dims does not change the bytes. */
#define MCUPROF_MEAN_MAX_RANK 5

typedef struct {
  int32_t rank;                        /* 1..MCUPROF_MEAN_MAX_RANK */
  int32_t dims[MCUPROF_MEAN_MAX_RANK]; /* the input's shape */
  uint32_t reduced;                    /* bit k set: axis k is reduced */
  int32_t input_offset, output_offset; /* -input zero point, output zero point */
  int32_t multiplier, shift;           /* QuantizeMultiplier(input_scale / output_scale) */
} mcuprof_reduce_params;

void mcuprof_mean_s8(const mcuprof_reduce_params* p, const int8_t* input, int8_t* output);

/* The common case, H and W of a 4-D tensor (a global average pool), with the same bytes
 * as mcuprof_mean_s8 on axes {1, 2}. */
typedef struct {
  int32_t batches;
  int32_t in_h, in_w, channels;
  int32_t input_offset, output_offset;
  int32_t multiplier, shift; /* QuantizeMultiplier(input_scale / output_scale) */
} mcuprof_mean_params;

void mcuprof_mean_hw_s8(const mcuprof_mean_params* p, const int8_t* input, int8_t* output);

/* ---- SOFTMAX (int8 in, int8 out: scale 1/256, zero point -128) ---- */
typedef struct {
  int32_t rows, depth;      /* softmax over the last dimension */
  int32_t input_multiplier; /* from PreprocessSoftmaxScaling(beta, in_scale, 5) */
  int32_t input_left_shift;
  int32_t diff_min; /* -CalculateInputRadius(5, input_left_shift) */
} mcuprof_softmax_params;

void mcuprof_softmax_s8(const mcuprof_softmax_params* p, const int8_t* input, int8_t* output);

/* ---- QUANTIZE / DEQUANTIZE (float32 <-> int8) ---- */
void mcuprof_quantize_f32_s8(const float* input, int8_t* output, size_t count, float scale,
                             int32_t zero_point);
void mcuprof_dequantize_s8_f32(const int8_t* input, float* output, size_t count, float scale,
                               int32_t zero_point);

/* ---- Data movement ---- */
typedef struct {
  int32_t in[4];     /* input dims, leading 1s for lower ranks */
  int32_t before[4]; /* padding before, per dim */
  int32_t after[4];  /* padding after, per dim */
  int8_t pad_value;  /* usually the output zero point */
} mcuprof_pad_params;

void mcuprof_pad_s8(const mcuprof_pad_params* p, const int8_t* input, int8_t* output);

typedef struct {
  int32_t in[4];   /* input dims, leading 1s for lower ranks */
  int32_t perm[4]; /* output dim i is input dim perm[i] */
} mcuprof_transpose_params;

void mcuprof_transpose_s8(const mcuprof_transpose_params* p, const int8_t* input, int8_t* output);

typedef struct {
  int32_t batches;
  int32_t in_h, in_w, channels;
  int32_t out_h, out_w;
  int32_t align_corners, half_pixel_centers;
} mcuprof_resize_params;

void mcuprof_resize_nearest_s8(const mcuprof_resize_params* p, const int8_t* input, int8_t* output);

/* Concatenation along one axis: outer = product of dims before the axis, inner =
 * product after it; input i has axis_sizes[i] along the axis. Same quantization. */
typedef struct {
  int32_t outer, inner;
  int32_t count;
  const int32_t* axis_sizes;
} mcuprof_concat_params;

void mcuprof_concat_s8(const mcuprof_concat_params* p, const int8_t* const* inputs, int8_t* output);

/* RESHAPE: a byte copy (overlap allowed). */
void mcuprof_reshape_s8(const int8_t* input, int8_t* output, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* MCUPROF_KERNELS_H */
