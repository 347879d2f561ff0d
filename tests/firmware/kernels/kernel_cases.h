/* kernel_cases.h — deterministic pseudo-random cases for every kernel, shared by the
 * kernel test firmware (run under emulation) and the host build of the same kernels.
 * kc_run_all() runs each case and hands its output bytes to a report callback; the
 * host test checks that the firmware printed the same hashes as the host computes.
 * C11, static buffers only (fits the smallest board's SRAM). */
#ifndef MCUPROF_KERNEL_CASES_H
#define MCUPROF_KERNEL_CASES_H

#include "kernel_prng.h"
#include "mcuprof_kernels.h"

typedef void (*kc_report_fn)(const char* op, int32_t index, const void* out, size_t bytes);

#define KC_BUF 8192
static int8_t kc_in1[KC_BUF], kc_in2[KC_BUF], kc_w[KC_BUF], kc_out[KC_BUF];
static int32_t kc_bias[64], kc_mult[64], kc_shift[64];
static int8_t kc_shift8[64]; /* the same shifts as the model image stores them */
static int32_t kc_scratch[2048];
static float kc_f32[512];

static void kc_requant_params(kt_rng* r, int32_t n) {
  for (int32_t i = 0; i < n; ++i) {
    kc_mult[i] = kt_multiplier(r);
    kc_shift[i] = kt_range(r, -12, 1);
    kc_shift8[i] = (int8_t)kc_shift[i];
    kc_bias[i] = kt_range(r, -20000, 20000);
  }
}

static void kc_act(kt_rng* r, int32_t zp, int32_t* lo, int32_t* hi) {
  switch (kt_range(r, 0, 2)) {
    case 0:
      *lo = -128;
      *hi = 127;
      break;
    case 1:
      *lo = zp;
      *hi = 127;
      break; /* ReLU */
    default:
      *lo = zp;
      *hi = zp + 60 > 127 ? 127 : zp + 60;
      break; /* ReLU6-like */
  }
}

static void kc_conv(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_conv_params p;
  p.batches = kt_range(r, 1, 2);
  p.in_h = kt_range(r, 1, 9);
  p.in_w = kt_range(r, 1, 9);
  p.in_c = index % 2 ? 4 * kt_range(r, 1, 6) : kt_range(r, 1, 12);
  p.out_c = kt_range(r, 1, 10);
  p.filter_h = kt_range(r, 1, 3);
  p.filter_w = index % 3 == 0 ? p.filter_h : kt_range(r, 1, 3);
  p.stride_h = kt_range(r, 1, 2);
  p.stride_w = kt_range(r, 1, 2);
  p.dilation_h = index % 5 == 4 ? 2 : 1;
  p.dilation_w = index % 5 == 4 ? kt_range(r, 1, 2) : 1;
  int32_t same = kt_range(r, 0, 1);
  if ((p.in_h - (p.filter_h - 1) * p.dilation_h) < 1 ||
      (p.in_w - (p.filter_w - 1) * p.dilation_w) < 1)
    same = 1;
  p.out_h = kt_out_size(p.in_h, p.filter_h, p.stride_h, p.dilation_h, same);
  p.out_w = kt_out_size(p.in_w, p.filter_w, p.stride_w, p.dilation_w, same);
  p.pad_top = kt_pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, p.dilation_h);
  p.pad_left = kt_pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, p.dilation_w);
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  p.per_channel = kt_range(r, 0, 3) != 0;
  kc_requant_params(r, p.out_c);
  p.multiplier = kc_mult;
  p.shift = kc_shift;
  p.shift8 = (index & 1) ? kc_shift8 : NULL; /* both forms give the same bytes */
  kt_fill_s8(r, kc_in1, (size_t)(p.batches * p.in_h * p.in_w * p.in_c));
  kt_fill_s8(r, kc_w, (size_t)(p.out_c * p.filter_h * p.filter_w * p.in_c));
  if (mcuprof_conv2d_s8_scratch_bytes(&p) > sizeof kc_scratch) {
    report("skipped:scratch", index, kc_out, 0); /* the host test fails on this */
    return;
  }
  mcuprof_conv2d_s8(&p, kc_in1, kc_w, index % 4 == 3 ? NULL : kc_bias, kc_out, kc_scratch);
  report("conv2d", index, kc_out, (size_t)(p.batches * p.out_h * p.out_w * p.out_c));
}

static void kc_depthwise(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_depthwise_params p;
  p.batches = kt_range(r, 1, 2);
  p.in_h = kt_range(r, 1, 10);
  p.in_w = kt_range(r, 1, 10);
  p.in_c = kt_range(r, 1, 8);
  p.depth_multiplier = index % 3 == 2 ? kt_range(r, 2, 3) : 1;
  p.filter_h = index % 2 == 0 ? 3 : kt_range(r, 1, 5);
  p.filter_w = index % 2 == 0 ? 3 : kt_range(r, 1, 5);
  p.stride_h = kt_range(r, 1, 2);
  p.stride_w = kt_range(r, 1, 2);
  p.dilation_h = index % 5 == 4 ? 2 : 1;
  p.dilation_w = index % 5 == 4 ? 2 : 1;
  int32_t same = kt_range(r, 0, 1);
  if ((p.in_h - (p.filter_h - 1) * p.dilation_h) < 1 ||
      (p.in_w - (p.filter_w - 1) * p.dilation_w) < 1)
    same = 1;
  p.out_h = kt_out_size(p.in_h, p.filter_h, p.stride_h, p.dilation_h, same);
  p.out_w = kt_out_size(p.in_w, p.filter_w, p.stride_w, p.dilation_w, same);
  p.pad_top = kt_pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, p.dilation_h);
  p.pad_left = kt_pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, p.dilation_w);
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  p.per_channel = kt_range(r, 0, 3) != 0;
  const int32_t out_c = p.in_c * p.depth_multiplier;
  kc_requant_params(r, out_c);
  p.multiplier = kc_mult;
  p.shift = kc_shift;
  p.shift8 = (index & 1) ? kc_shift8 : NULL; /* both forms give the same bytes */
  kt_fill_s8(r, kc_in1, (size_t)(p.batches * p.in_h * p.in_w * p.in_c));
  kt_fill_s8(r, kc_w, (size_t)(p.filter_h * p.filter_w * out_c));
  if (mcuprof_depthwise_conv2d_s8_scratch_bytes(&p) > sizeof kc_scratch) {
    report("skipped:scratch", index, kc_out, 0); /* the host test fails on this */
    return;
  }
  mcuprof_depthwise_conv2d_s8(&p, kc_in1, kc_w, index % 4 == 3 ? NULL : kc_bias, kc_out,
                              kc_scratch);
  report("depthwise", index, kc_out, (size_t)(p.batches * p.out_h * p.out_w * out_c));
}

static void kc_fc(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_fc_params p;
  p.batches = kt_range(r, 1, 3);
  p.in_depth = kt_range(r, 1, 200);
  p.out_depth = kt_range(r, 1, 33);
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  p.per_channel = index % 2;
  kc_requant_params(r, p.out_depth);
  p.multiplier = kc_mult;
  p.shift = kc_shift;
  p.shift8 = (index & 1) ? kc_shift8 : NULL; /* both forms give the same bytes */
  kt_fill_s8(r, kc_in1, (size_t)(p.batches * p.in_depth));
  kt_fill_s8(r, kc_w, (size_t)(p.out_depth * p.in_depth));
  mcuprof_fully_connected_s8(&p, kc_in1, kc_w, kc_bias, kc_out);
  report("fully_connected", index, kc_out, (size_t)(p.batches * p.out_depth));
}

/* Random 4-D output shape and inputs that broadcast against it. */
static void kc_shapes(kt_rng* r, mcuprof_broadcast_shapes* s) {
  for (int32_t i = 0; i < 4; ++i) {
    s->out[i] = kt_range(r, 1, i == 0 ? 2 : 6);
    s->in1[i] = kt_range(r, 0, 3) == 0 ? 1 : s->out[i];
    s->in2[i] = kt_range(r, 0, 2) == 0 ? 1 : s->out[i];
  }
}

static size_t kc_count(const int32_t d[4]) {
  return (size_t)(d[0] * d[1] * d[2] * d[3]);
}

static void kc_add(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_add_params p;
  kc_shapes(r, &p.shapes);
  p.in1_offset = kt_range(r, -127, 128);
  p.in2_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  p.left_shift = 20;
  p.in1_multiplier = kt_multiplier(r);
  p.in1_shift = kt_range(r, -3, 0);
  p.in2_multiplier = kt_multiplier(r);
  p.in2_shift = kt_range(r, -3, 0);
  p.out_multiplier = kt_multiplier(r);
  p.out_shift = kt_range(r, -22, -16);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  kt_fill_s8(r, kc_in1, kc_count(p.shapes.in1));
  kt_fill_s8(r, kc_in2, kc_count(p.shapes.in2));
  mcuprof_add_s8(&p, kc_in1, kc_in2, kc_out);
  report("add", index, kc_out, kc_count(p.shapes.out));
}

static void kc_mul(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_mul_params p;
  kc_shapes(r, &p.shapes);
  p.in1_offset = kt_range(r, -127, 128);
  p.in2_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  p.out_multiplier = kt_multiplier(r);
  p.out_shift = kt_range(r, -14, -6);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  kt_fill_s8(r, kc_in1, kc_count(p.shapes.in1));
  kt_fill_s8(r, kc_in2, kc_count(p.shapes.in2));
  mcuprof_mul_s8(&p, kc_in1, kc_in2, kc_out);
  report("mul", index, kc_out, kc_count(p.shapes.out));
}

static void kc_pool(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_pool_params p;
  p.batches = kt_range(r, 1, 2);
  p.in_h = kt_range(r, 1, 9);
  p.in_w = kt_range(r, 1, 9);
  p.channels = kt_range(r, 1, 12);
  p.filter_h = kt_range(r, 1, 3);
  p.filter_w = kt_range(r, 1, 3);
  p.stride_h = kt_range(r, 1, 2);
  p.stride_w = kt_range(r, 1, 2);
  int32_t same = kt_range(r, 0, 1);
  if (p.in_h < p.filter_h || p.in_w < p.filter_w) same = 1;
  p.out_h = kt_out_size(p.in_h, p.filter_h, p.stride_h, 1, same);
  p.out_w = kt_out_size(p.in_w, p.filter_w, p.stride_w, 1, same);
  p.pad_top = kt_pad_before(p.in_h, p.out_h, p.filter_h, p.stride_h, 1);
  p.pad_left = kt_pad_before(p.in_w, p.out_w, p.filter_w, p.stride_w, 1);
  kc_act(r, kt_range(r, -128, 0), &p.act_min, &p.act_max);
  kt_fill_s8(r, kc_in1, (size_t)(p.batches * p.in_h * p.in_w * p.channels));
  const size_t n = (size_t)(p.batches * p.out_h * p.out_w * p.channels);
  mcuprof_average_pool_s8(&p, kc_in1, kc_out);
  report("average_pool", index, kc_out, n);
  mcuprof_max_pool_s8(&p, kc_in1, kc_out);
  report("max_pool", index, kc_out, n);
}

static void kc_mean(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_mean_params p;
  p.batches = kt_range(r, 1, 2);
  p.in_h = kt_range(r, 1, 8);
  p.in_w = kt_range(r, 1, 8);
  p.channels = kt_range(r, 1, 16);
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  p.multiplier = kt_multiplier(r);
  p.shift = kt_range(r, -2, 1);
  kt_fill_s8(r, kc_in1, (size_t)(p.batches * p.in_h * p.in_w * p.channels));
  mcuprof_mean_hw_s8(&p, kc_in1, kc_out);
  report("mean", index, kc_out, (size_t)(p.batches * p.channels));
}

/* MEAN over a random non-empty axis set of a rank 1..5 tensor. */
static void kc_mean_axes(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_reduce_params p;
  p.rank = kt_range(r, 1, MCUPROF_MEAN_MAX_RANK);
  int32_t n = 1, n_out = 1;
  for (int32_t k = 0; k < p.rank; ++k) p.dims[k] = kt_range(r, 1, p.rank > 3 ? 4 : 9);
  p.reduced = (uint32_t)kt_range(r, 1, (1 << p.rank) - 1);
  for (int32_t k = 0; k < p.rank; ++k) {
    n *= p.dims[k];
    if (!((p.reduced >> k) & 1u)) n_out *= p.dims[k];
  }
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  p.multiplier = kt_multiplier(r);
  p.shift = kt_range(r, -3, 2);
  kt_fill_s8(r, kc_in1, (size_t)n);
  mcuprof_mean_s8(&p, kc_in1, kc_out);
  report("mean_axes", index, kc_out, (size_t)n_out);
}

static void kc_softmax(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_softmax_params p;
  p.rows = kt_range(r, 1, 3);
  p.depth = kt_range(r, 1, 120);
  p.input_multiplier = kt_multiplier(r);
  p.input_left_shift = kt_range(r, 18, 26);
  p.diff_min = -(int32_t)((31LL << 26) >> p.input_left_shift);
  kt_fill_s8(r, kc_in1, (size_t)(p.rows * p.depth));
  mcuprof_softmax_s8(&p, kc_in1, kc_out);
  report("softmax", index, kc_out, (size_t)(p.rows * p.depth));
}

static void kc_quantize(kt_rng* r, int32_t index, kc_report_fn report) {
  const size_t n = (size_t)kt_range(r, 1, 512);
  const float scale = (float)kt_range(r, 1, 1000) / 8192.0f;
  const int32_t zp = kt_range(r, -128, 127);
  for (size_t i = 0; i < n; ++i) kc_f32[i] = (float)(int32_t)kt_next(r) / 1.5e9f * 2.0f;
  mcuprof_quantize_f32_s8(kc_f32, kc_out, n, scale, zp);
  report("quantize", index, kc_out, n);
  kt_fill_s8(r, kc_in1, n);
  mcuprof_dequantize_s8_f32(kc_in1, kc_f32, n, scale, zp);
  report("dequantize", index, kc_f32, n * sizeof(float));
}

static void kc_layout(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_pad_params pad;
  for (int32_t i = 0; i < 4; ++i) {
    pad.in[i] = kt_range(r, 1, i == 0 ? 2 : 5);
    pad.before[i] = kt_range(r, 0, 2);
    pad.after[i] = kt_range(r, 0, 2);
  }
  pad.pad_value = (int8_t)kt_range(r, -128, 127);
  kt_fill_s8(r, kc_in1, kc_count(pad.in));
  mcuprof_pad_s8(&pad, kc_in1, kc_out);
  int32_t padded[4];
  for (int32_t i = 0; i < 4; ++i) padded[i] = pad.before[i] + pad.in[i] + pad.after[i];
  report("pad", index, kc_out, kc_count(padded));

  mcuprof_transpose_params t;
  for (int32_t i = 0; i < 4; ++i) {
    t.in[i] = kt_range(r, 1, 6);
    t.perm[i] = i;
  }
  for (int32_t i = 3; i > 0; --i) { /* Fisher-Yates */
    const int32_t j = kt_range(r, 0, i);
    const int32_t tmp = t.perm[i];
    t.perm[i] = t.perm[j];
    t.perm[j] = tmp;
  }
  kt_fill_s8(r, kc_in1, kc_count(t.in));
  mcuprof_transpose_s8(&t, kc_in1, kc_out);
  report("transpose", index, kc_out, kc_count(t.in));

  mcuprof_resize_params z;
  z.batches = kt_range(r, 1, 2);
  z.in_h = kt_range(r, 1, 7);
  z.in_w = kt_range(r, 1, 7);
  z.channels = kt_range(r, 1, 5);
  z.out_h = kt_range(r, 1, 15);
  z.out_w = kt_range(r, 1, 15);
  z.align_corners = index % 3 == 1;
  z.half_pixel_centers = index % 3 == 2;
  kt_fill_s8(r, kc_in1, (size_t)(z.batches * z.in_h * z.in_w * z.channels));
  mcuprof_resize_nearest_s8(&z, kc_in1, kc_out);
  report("resize_nearest", index, kc_out, (size_t)(z.batches * z.out_h * z.out_w * z.channels));

  int32_t sizes[3];
  const int8_t* inputs[3];
  mcuprof_concat_params c;
  c.outer = kt_range(r, 1, 6);
  c.inner = kt_range(r, 1, 6);
  c.count = kt_range(r, 1, 3);
  c.axis_sizes = sizes;
  size_t total = 0;
  for (int32_t i = 0; i < c.count; ++i) {
    sizes[i] = kt_range(r, 1, 5);
    inputs[i] = kc_in1 + total;
    total += (size_t)(c.outer * sizes[i] * c.inner);
  }
  kt_fill_s8(r, kc_in1, total);
  mcuprof_concat_s8(&c, inputs, kc_out);
  report("concatenation", index, kc_out, total);

  const size_t n = (size_t)kt_range(r, 1, 300);
  kt_fill_s8(r, kc_in1, n);
  mcuprof_reshape_s8(kc_in1, kc_out, n);
  report("reshape", index, kc_out, n);
}

/* A first layer in small: 3 input channels, 3x3, stride 2, SAME (the last output row and
 * column in the padding), out_c 8 — most receptive fields take the fast gather (conv.c,
 * gather_inside); index selects the width (odd or even: a single last pixel or not). */
static void kc_conv_first(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_conv_params p;
  p.batches = 1;
  p.in_h = 12;
  p.in_w = 12 + (index & 1);
  p.in_c = 3;
  p.out_c = 8;
  p.filter_h = p.filter_w = 3;
  p.stride_h = p.stride_w = 2;
  p.dilation_h = p.dilation_w = 1;
  p.out_h = kt_out_size(p.in_h, 3, 2, 1, 1);
  p.out_w = kt_out_size(p.in_w, 3, 2, 1, 1);
  p.pad_top = kt_pad_before(p.in_h, p.out_h, 3, 2, 1);
  p.pad_left = kt_pad_before(p.in_w, p.out_w, 3, 2, 1);
  p.input_offset = 128;
  p.output_offset = -128;
  p.act_min = -128;
  p.act_max = 127;
  p.per_channel = 1;
  kc_requant_params(r, p.out_c);
  p.multiplier = kc_mult;
  p.shift = kc_shift;
  p.shift8 = kc_shift8;
  kt_fill_s8(r, kc_in1, (size_t)(p.in_h * p.in_w * p.in_c));
  kt_fill_s8(r, kc_w, (size_t)(p.out_c * 27));
  mcuprof_conv2d_s8(&p, kc_in1, kc_w, kc_bias, kc_out, kc_scratch);
  report("conv2d_first", index, kc_out, (size_t)(p.out_h * p.out_w * p.out_c));
}

/* A shallow pointwise conv (conv_shallow.c): 8 or 16 input channels, every channel in the
 * short right-shift form (shifts -12..-1), blocks of 16 pixels with a partial last block
 * and odd pixel counts, full-range and narrower clamps. */
static void kc_conv_shallow(kt_rng* r, int32_t index, kc_report_fn report) {
  mcuprof_conv_params p;
  p.batches = 1;
  p.in_h = p.out_h = kt_range(r, 1, 4);
  p.in_w = p.out_w = kt_range(r, 1, 20);
  p.in_c = index & 1 ? 16 : 8;
  p.out_c = kt_range(r, 1, 40);
  p.filter_h = p.filter_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
  p.pad_top = p.pad_left = 0;
  p.input_offset = kt_range(r, -127, 128);
  p.output_offset = kt_range(r, -128, 127);
  kc_act(r, p.output_offset, &p.act_min, &p.act_max);
  p.per_channel = 1;
  kc_requant_params(r, p.out_c);
  for (int32_t i = 0; i < p.out_c; ++i) {
    kc_shift[i] = kt_range(r, -12, -1);
    kc_shift8[i] = (int8_t)kc_shift[i];
  }
  p.multiplier = kc_mult;
  p.shift = kc_shift;
  p.shift8 = kc_shift8;
  kt_fill_s8(r, kc_in1, (size_t)(p.in_h * p.in_w * p.in_c));
  kt_fill_s8(r, kc_w, (size_t)(p.out_c * p.in_c));
  mcuprof_conv2d_s8(&p, kc_in1, kc_w, kc_bias, kc_out, kc_scratch);
  report("conv2d_shallow", index, kc_out, (size_t)(p.out_h * p.out_w * p.out_c));
}

#define KC_CASES 10
#define KC_CONV_CASES 60

/* Runs every kernel on KC_CASES seeded cases each, and the convolutions (whose DSP
 * code paths only run on the boards) on KC_CONV_CASES more. */
static void kc_run_all(kc_report_fn report) {
  for (int32_t i = KC_CASES; i < KC_CASES + KC_CONV_CASES; ++i) {
    kt_rng r = kt_seed(7000u + (uint32_t)i);
    kc_conv(&r, i, report);
    kc_depthwise(&r, i, report);
    kc_fc(&r, i, report);
  }
  for (int32_t i = 0; i < 2; ++i) {
    kt_rng r = kt_seed(9100u + (uint32_t)i);
    kc_conv_first(&r, i, report);
  }
  for (int32_t i = 0; i < 8; ++i) {
    kt_rng r = kt_seed(9200u + (uint32_t)i);
    kc_conv_shallow(&r, i, report);
  }
  for (int32_t i = 0; i < KC_CASES; ++i) {
    kt_rng r = kt_seed(1000u + (uint32_t)i);
    kc_conv(&r, i, report);
    kc_depthwise(&r, i, report);
    kc_fc(&r, i, report);
    kc_add(&r, i, report);
    kc_mul(&r, i, report);
    kc_pool(&r, i, report);
    kc_mean(&r, i, report);
    kc_mean_axes(&r, i, report);
    kc_softmax(&r, i, report);
    kc_quantize(&r, i, report);
    kc_layout(&r, i, report);
  }
}

#endif /* MCUPROF_KERNEL_CASES_H */
