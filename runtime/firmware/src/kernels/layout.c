/* layout.c — the data-movement kernels: PAD (constant), TRANSPOSE (up to 4-D),
 * RESIZE_NEAREST_NEIGHBOR (TFLite's index rule incl. align_corners and
 * half_pixel_centers), CONCATENATION and RESHAPE (a byte copy). */
#include "kernels_internal.h"

static void copy_bytes(int8_t* dst, const int8_t* src, size_t n) {
  if (dst == src || n == 0) return;
  if (dst < src || dst >= src + n) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    for (size_t i = n; i-- > 0;) dst[i] = src[i];
  }
}

void mcuprof_reshape_s8(const int8_t* input, int8_t* output, size_t bytes) {
  copy_bytes(output, input, bytes);
}

void mcuprof_pad_s8(const mcuprof_pad_params* p, const int8_t* input, int8_t* output) {
  int32_t out[4];
  for (int32_t i = 0; i < 4; ++i) out[i] = p->before[i] + p->in[i] + p->after[i];
  const int8_t* src = input;
  int8_t* dst = output;
  for (int32_t a = 0; a < out[0]; ++a) {
    const int32_t va = a >= p->before[0] && a < p->before[0] + p->in[0];
    for (int32_t b = 0; b < out[1]; ++b) {
      const int32_t vb = va && b >= p->before[1] && b < p->before[1] + p->in[1];
      for (int32_t c = 0; c < out[2]; ++c) {
        const int32_t vc = vb && c >= p->before[2] && c < p->before[2] + p->in[2];
        for (int32_t d = 0; d < out[3]; ++d) {
          const int32_t vd = vc && d >= p->before[3] && d < p->before[3] + p->in[3];
          *dst++ = vd ? *src++ : p->pad_value;
        }
      }
    }
  }
}

void mcuprof_transpose_s8(const mcuprof_transpose_params* p, const int8_t* input, int8_t* output) {
  int32_t in_stride[4], out_dims[4], stride[4];
  in_stride[3] = 1;
  for (int32_t i = 2; i >= 0; --i) in_stride[i] = in_stride[i + 1] * p->in[i + 1];
  for (int32_t i = 0; i < 4; ++i) {
    out_dims[i] = p->in[p->perm[i]];
    stride[i] = in_stride[p->perm[i]];
  }
  int8_t* dst = output;
  for (int32_t a = 0; a < out_dims[0]; ++a)
    for (int32_t b = 0; b < out_dims[1]; ++b)
      for (int32_t c = 0; c < out_dims[2]; ++c) {
        const int8_t* src = input + a * stride[0] + b * stride[1] + c * stride[2];
        for (int32_t d = 0; d < out_dims[3]; ++d) *dst++ = src[d * stride[3]];
      }
}

/* TFLite's GetNearestNeighbor, in float32 as TFLite computes it. */
static int32_t nearest(int32_t out_index, int32_t in_size, int32_t out_size, int32_t align_corners,
                       int32_t half_pixel_centers) {
  const float scale = (align_corners && out_size > 1) ? (float)(in_size - 1) / (float)(out_size - 1)
                                                      : (float)in_size / (float)out_size;
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float v = ((float)out_index + offset) * scale;
  int32_t i;
  if (align_corners) {
    const int32_t t = (int32_t)v; /* v >= 0: round half up = away from zero */
    i = (v - (float)t >= 0.5f) ? t + 1 : t;
  } else {
    i = (int32_t)v; /* floor for v >= 0 */
  }
  i = mk_min(i, in_size - 1);
  if (half_pixel_centers) i = mk_max(0, i);
  return i;
}

void mcuprof_resize_nearest_s8(const mcuprof_resize_params* p, const int8_t* input,
                               int8_t* output) {
  const size_t C = (size_t)p->channels;
  int8_t* dst = output;
  for (int32_t b = 0; b < p->batches; ++b) {
    const int8_t* in_b = input + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * C;
    for (int32_t oy = 0; oy < p->out_h; ++oy) {
      const int32_t iy = nearest(oy, p->in_h, p->out_h, p->align_corners, p->half_pixel_centers);
      for (int32_t ox = 0; ox < p->out_w; ++ox) {
        const int32_t ix = nearest(ox, p->in_w, p->out_w, p->align_corners, p->half_pixel_centers);
        copy_bytes(dst, in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * C, C);
        dst += C;
      }
    }
  }
}

void mcuprof_concat_s8(const mcuprof_concat_params* p, const int8_t* const* inputs,
                       int8_t* output) {
  int8_t* dst = output;
  for (int32_t o = 0; o < p->outer; ++o) {
    for (int32_t i = 0; i < p->count; ++i) {
      const size_t n = (size_t)p->axis_sizes[i] * (size_t)p->inner;
      copy_bytes(dst, inputs[i] + (size_t)o * n, n);
      dst += n;
    }
  }
}
