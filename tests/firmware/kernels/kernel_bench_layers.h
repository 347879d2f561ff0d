/* kernel_bench_layers.h — the convolution layers of vww_96_int8 (MLPerf Tiny visual
 * wake words, MobileNetV1 alpha 0.25, 96x96x3 input) and its classifier, with seeded
 * data, shared by the cycles/MAC firmware (kernel_bench.c) and the host test that
 * checks the firmware's outputs against the host build. */
#ifndef MCUPROF_KERNEL_BENCH_LAYERS_H
#define MCUPROF_KERNEL_BENCH_LAYERS_H

#include "kernel_prng.h"
#include "mcuprof_kernels.h"

enum kb_kind { KB_CONV3X3, KB_DEPTHWISE3X3, KB_POINTWISE, KB_FC };

typedef struct {
  enum kb_kind kind;
  int32_t in_hw, in_c, out_c, stride;
} kb_layer;

static const char* const kb_kind_names[] = {"conv3x3", "depthwise3x3", "pointwise1x1",
                                            "fully_connected"};

static const kb_layer kb_layers[] = {
    {KB_CONV3X3, 96, 3, 8, 2},      {KB_DEPTHWISE3X3, 48, 8, 8, 1},
    {KB_POINTWISE, 48, 8, 16, 1},   {KB_DEPTHWISE3X3, 48, 16, 16, 2},
    {KB_POINTWISE, 24, 16, 32, 1},  {KB_DEPTHWISE3X3, 24, 32, 32, 1},
    {KB_POINTWISE, 24, 32, 32, 1},  {KB_DEPTHWISE3X3, 24, 32, 32, 2},
    {KB_POINTWISE, 12, 32, 64, 1},  {KB_DEPTHWISE3X3, 12, 64, 64, 1},
    {KB_POINTWISE, 12, 64, 64, 1},  {KB_DEPTHWISE3X3, 12, 64, 64, 2},
    {KB_POINTWISE, 6, 64, 128, 1},  {KB_DEPTHWISE3X3, 6, 128, 128, 1},
    {KB_POINTWISE, 6, 128, 128, 1}, {KB_DEPTHWISE3X3, 6, 128, 128, 1},
    {KB_POINTWISE, 6, 128, 128, 1}, {KB_DEPTHWISE3X3, 6, 128, 128, 1},
    {KB_POINTWISE, 6, 128, 128, 1}, {KB_DEPTHWISE3X3, 6, 128, 128, 1},
    {KB_POINTWISE, 6, 128, 128, 1}, {KB_DEPTHWISE3X3, 6, 128, 128, 1},
    {KB_POINTWISE, 6, 128, 128, 1}, {KB_DEPTHWISE3X3, 6, 128, 128, 2},
    {KB_POINTWISE, 3, 128, 256, 1}, {KB_DEPTHWISE3X3, 3, 256, 256, 1},
    {KB_POINTWISE, 3, 256, 256, 1}, {KB_FC, 1, 256, 2, 1},
};
#define KB_LAYERS ((int32_t)(sizeof kb_layers / sizeof kb_layers[0]))

#define KB_ACT 36864
#define KB_WEIGHTS 65536
static int8_t kb_in[KB_ACT], kb_out[KB_ACT], kb_w[KB_WEIGHTS];
static int32_t kb_bias[256], kb_mult[256], kb_shift[256];
static int32_t kb_scratch[2048]; /* checked against scratch_bytes by kb_scratch_fits */

/* A prepared layer: parameters filled, data generated, ready to run. */
typedef struct {
  enum kb_kind kind;
  mcuprof_conv_params conv;
  mcuprof_depthwise_params dw;
  mcuprof_fc_params fc;
  uint32_t macs;
  size_t out_bytes;
} kb_prepared;

static void kb_prepare(int32_t index, kb_prepared* k) {
  const kb_layer* l = &kb_layers[index];
  kt_rng r = kt_seed(5000u + (uint32_t)index);
  const int32_t out_hw = (l->in_hw + l->stride - 1) / l->stride; /* SAME */
  const int32_t pad = l->kind == KB_POINTWISE || l->kind == KB_FC
                          ? 0
                          : kt_pad_before(l->in_hw, out_hw, 3, l->stride, 1);
  for (int32_t i = 0; i < l->out_c; ++i) {
    kb_mult[i] = kt_multiplier(&r);
    kb_shift[i] = kt_range(&r, -10, -7);
    kb_bias[i] = kt_range(&r, -3000, 3000);
  }
  kt_fill_s8(&r, kb_in, (size_t)(l->in_hw * l->in_hw * l->in_c));
  k->kind = l->kind;
  k->out_bytes = (size_t)(out_hw * out_hw * l->out_c);
  if (l->kind == KB_DEPTHWISE3X3) {
    mcuprof_depthwise_params* p = &k->dw;
    p->batches = 1;
    p->in_h = p->in_w = l->in_hw;
    p->in_c = l->in_c;
    p->out_h = p->out_w = out_hw;
    p->depth_multiplier = 1;
    p->filter_h = p->filter_w = 3;
    p->stride_h = p->stride_w = l->stride;
    p->dilation_h = p->dilation_w = 1;
    p->pad_top = p->pad_left = pad;
    p->input_offset = 128;
    p->output_offset = -128;
    p->act_min = -128;
    p->act_max = 127;
    p->per_channel = 1;
    p->multiplier = kb_mult;
    p->shift = kb_shift;
    p->shift8 = NULL;
    kt_fill_s8(&r, kb_w, (size_t)(9 * l->out_c));
    k->macs = (uint32_t)(out_hw * out_hw * l->out_c * 9);
  } else if (l->kind == KB_FC) {
    mcuprof_fc_params* p = &k->fc;
    p->batches = 1;
    p->in_depth = l->in_c;
    p->out_depth = l->out_c;
    p->input_offset = 128;
    p->output_offset = 0;
    p->act_min = -128;
    p->act_max = 127;
    p->per_channel = 0;
    p->multiplier = kb_mult;
    p->shift = kb_shift;
    p->shift8 = NULL;
    kt_fill_s8(&r, kb_w, (size_t)(l->in_c * l->out_c));
    k->macs = (uint32_t)(l->in_c * l->out_c);
  } else {
    const int32_t f = l->kind == KB_CONV3X3 ? 3 : 1;
    mcuprof_conv_params* p = &k->conv;
    p->batches = 1;
    p->in_h = p->in_w = l->in_hw;
    p->in_c = l->in_c;
    p->out_h = p->out_w = out_hw;
    p->out_c = l->out_c;
    p->filter_h = p->filter_w = f;
    p->stride_h = p->stride_w = l->stride;
    p->dilation_h = p->dilation_w = 1;
    p->pad_top = p->pad_left = pad;
    p->input_offset = 128;
    p->output_offset = -128;
    p->act_min = -128;
    p->act_max = 127;
    p->per_channel = 1;
    p->multiplier = kb_mult;
    p->shift = kb_shift;
    p->shift8 = NULL;
    kt_fill_s8(&r, kb_w, (size_t)(f * f * l->in_c * l->out_c));
    k->macs = (uint32_t)(out_hw * out_hw * l->out_c * f * f * l->in_c);
  }
}

/* Whether the layer's kernel scratch fits kb_scratch. */
static int kb_scratch_fits(const kb_prepared* k) {
  size_t need = 0;
  if (k->kind == KB_DEPTHWISE3X3) need = mcuprof_depthwise_conv2d_s8_scratch_bytes(&k->dw);
  if (k->kind == KB_CONV3X3 || k->kind == KB_POINTWISE) {
    need = mcuprof_conv2d_s8_scratch_bytes(&k->conv);
  }
  return need <= sizeof kb_scratch;
}

static void kb_run(const kb_prepared* k) {
  switch (k->kind) {
    case KB_DEPTHWISE3X3:
      mcuprof_depthwise_conv2d_s8(&k->dw, kb_in, kb_w, kb_bias, kb_out, kb_scratch);
      break;
    case KB_FC:
      mcuprof_fully_connected_s8(&k->fc, kb_in, kb_w, kb_bias, kb_out);
      break;
    default:
      mcuprof_conv2d_s8(&k->conv, kb_in, kb_w, kb_bias, kb_out, kb_scratch);
      break;
  }
}

#endif /* MCUPROF_KERNEL_BENCH_LAYERS_H */
