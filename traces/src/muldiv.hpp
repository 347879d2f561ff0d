// a * b / c for 64-bit unsigned values without overflowing the product (128-bit
// intermediate), for time bucketing and cycles-to-nanoseconds conversion.
#pragma once

#include <cstdint>

namespace mcuprof::traces {

__extension__ typedef unsigned __int128 uint128_t;

// floor(a * b / c); c must be non-zero and the quotient must fit 64 bits.
inline uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c) {
  return static_cast<uint64_t>(static_cast<uint128_t>(a) * b / c);
}

// round(a * b / c), halves up.
inline uint64_t muldiv_round(uint64_t a, uint64_t b, uint64_t c) {
  return static_cast<uint64_t>((static_cast<uint128_t>(a) * b + c / 2) / c);
}

}  // namespace mcuprof::traces
