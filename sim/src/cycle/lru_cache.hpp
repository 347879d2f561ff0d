// A set-associative cache of line addresses with LRU replacement: the common core of
// the STM32 ART (instruction and data lines), the RP2040 XIP cache and the Cortex-M7
// L1 caches. It only tracks which lines are present; the bytes live in the emulator.
#pragma once

#include <cstdint>
#include <vector>

namespace mcuprof::sim::cycle {

class LruCache {
 public:
  LruCache() = default;
  // `lines` lines of `line_bytes` bytes (a power of two), `ways`-way associative.
  LruCache(uint32_t lines, uint32_t ways, uint32_t line_bytes);

  bool present() const { return sets_ != 0; }
  uint32_t line_bytes() const { return 1u << line_shift_; }
  // Looks the line holding `address` up; on a miss it is filled. True on a hit.
  bool access(uint32_t address);

 private:
  uint32_t sets_ = 0;
  uint32_t ways_ = 0;
  uint32_t line_shift_ = 4;
  uint32_t last_line_ = 0xFFFFFFFFu;  // most recent hit, checked first
  std::vector<uint32_t> tags_;        // sets_ * ways_, most recently used first; ~0 empty
};

}  // namespace mcuprof::sim::cycle
