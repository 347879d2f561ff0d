/* demo_kernel.h — the demo's workload, shared by the firmware (apps/demo.c) and the
 * host test that checks the firmware's checksum under emulation: a deterministic
 * int8 3x3 convolution, 16x16x8 -> 16x16x8 with zero padding, and an FNV-1a checksum
 * of its int32 output. Plain C so it builds for the board and for the host. */
#ifndef MCUPROF_DEMO_KERNEL_H
#define MCUPROF_DEMO_KERNEL_H

#include <stdint.h>

#define H 16
#define W 16
#define CIN 8
#define COUT 8

static int8_t input[H][W][CIN];
static int8_t weights[COUT][3][3][CIN];
static int32_t output[H][W][COUT];

/* Deterministic pseudo-random fill (xorshift32), so the checksum is fixed. */
static uint32_t rng_state = 0x12345678u;
static inline int8_t next_int8(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return (int8_t)(rng_state & 0xFFu);
}

static inline void demo_fill(void) {
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      for (int c = 0; c < CIN; ++c) input[y][x][c] = next_int8();
  for (int o = 0; o < COUT; ++o)
    for (int k = 0; k < 9 * CIN; ++k) (&weights[o][0][0][0])[k] = next_int8();
}

static inline void conv3x3(void) {
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) {
      for (int o = 0; o < COUT; ++o) {
        int32_t acc = 0;
        for (int ky = 0; ky < 3; ++ky) {
          const int iy = y + ky - 1;
          if (iy < 0 || iy >= H) continue;
          for (int kx = 0; kx < 3; ++kx) {
            const int ix = x + kx - 1;
            if (ix < 0 || ix >= W) continue;
            for (int c = 0; c < CIN; ++c) acc += input[iy][ix][c] * weights[o][ky][kx][c];
          }
        }
        output[y][x][o] = acc;
      }
    }
  }
}

/* FNV-1a over the output, the same on any host. */
static inline uint32_t checksum(void) {
  uint32_t h = 2166136261u;
  const uint8_t *bytes = (const uint8_t *)output;
  for (unsigned i = 0; i < sizeof output; ++i) h = (h ^ bytes[i]) * 16777619u;
  return h;
}

#endif /* MCUPROF_DEMO_KERNEL_H */
