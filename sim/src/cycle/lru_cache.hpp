// A set-associative cache of line addresses with LRU replacement: the common core of
// the STM32 ART (instruction and data lines), the RP2040 XIP cache and the Cortex-M7
// L1 caches. It only tracks which lines are present; the bytes live in the emulator.
// Small sets are scanned; large (fully associative) ones are indexed by a hash map so
// a hit costs the same whatever the number of lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
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
  // `hint` is the caller's memo of the slot that held the line last time (any value
  // is safe): when right, a hit costs one comparison.
  bool access(uint32_t address, uint32_t& hint);
  bool access(uint32_t address) {
    uint32_t hint = 0;
    return access(address, hint);
  }
  // Marks the slot `hint` (known to hold its line) as just used.
  void touch(uint32_t hint) { used_[hint] = ++clock_; }
  // Lines filled (or invalidated) so far: unchanged means every line present then is
  // still present.
  uint64_t fills() const { return fills_; }
  // Cache maintenance: every line, the line holding `address`, or way `way` of set `set`
  // (the set/way operations' numbering: set = line number modulo the sets).
  void invalidate_all();
  void invalidate_line(uint32_t address);
  void invalidate_set_way(uint32_t set, uint32_t way);

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kIndexedWays = 16;  // above this, sets are hash-indexed

  void drop(std::size_t slot);

  uint32_t sets_ = 0;
  uint32_t ways_ = 0;
  uint32_t line_shift_ = 4;
  uint64_t clock_ = 0;  // recency stamps
  uint64_t fills_ = 0;
  std::vector<uint32_t> tags_;                    // sets_ * ways_ line numbers, kEmpty when free
  std::vector<uint64_t> used_;                    // last use of each way
  std::unordered_map<uint32_t, uint32_t> index_;  // line -> slot (large sets only)
};

}  // namespace mcuprof::sim::cycle
