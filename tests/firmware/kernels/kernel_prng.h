/* kernel_prng.h — the small seeded PRNG (xorshift32) and shape helpers shared by the
 * kernel test firmware and the host tests, so both generate the very same inputs.
 * Plain C that also compiles as C++. */
#ifndef MCUPROF_KERNEL_PRNG_H
#define MCUPROF_KERNEL_PRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t state;
} kt_rng;

static inline kt_rng kt_seed(uint32_t seed) {
  kt_rng r;
  r.state = seed * 2654435761u + 0x9E3779B9u;
  if (r.state == 0u) r.state = 1u;
  return r;
}

static inline uint32_t kt_next(kt_rng* r) {
  uint32_t x = r->state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  r->state = x;
  return x;
}

/* Uniform-ish integer in [lo, hi]. */
static inline int32_t kt_range(kt_rng* r, int32_t lo, int32_t hi) {
  const uint32_t span = (uint32_t)(hi - lo) + 1u;
  return lo + (int32_t)(kt_next(r) % span);
}

static inline void kt_fill_s8(kt_rng* r, int8_t* data, size_t n) {
  for (size_t i = 0; i < n; ++i) data[i] = (int8_t)(kt_next(r) & 0xFFu);
}

/* A requantization multiplier in [2^30, 2^31) as QuantizeMultiplier makes. */
static inline int32_t kt_multiplier(kt_rng* r) {
  return (int32_t)(0x40000000u + (kt_next(r) & 0x3FFFFFFFu));
}

/* TFLite's output size and leading padding for SAME (same = 1) or VALID. */
static inline int32_t kt_out_size(int32_t in, int32_t filter, int32_t stride, int32_t dilation,
                                  int32_t same) {
  const int32_t effective = (filter - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}
static inline int32_t kt_pad_before(int32_t in, int32_t out, int32_t filter, int32_t stride,
                                    int32_t dilation) {
  const int32_t effective = (filter - 1) * dilation + 1;
  const int32_t total = (out - 1) * stride + effective - in;
  return total > 0 ? total / 2 : 0;
}

/* FNV-1a over bytes. */
static inline uint32_t kt_hash(const void* data, size_t n) {
  const uint8_t* bytes = (const uint8_t*)data;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ bytes[i]) * 16777619u;
  return h;
}

#endif /* MCUPROF_KERNEL_PRNG_H */
