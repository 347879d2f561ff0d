// The memory system seen by the core, from the target file: zero-wait SRAM and TCM,
// flash with wait states behind a prefetch buffer, the STM32 ART accelerator or the
// RP2040 XIP cache, the nRF52 flash instruction cache, and the Cortex-M7 L1 caches, each
// as the firmware configured it (MemoryConfig). It answers two questions: how many extra
// cycles fetching a block's instructions costs, and how many a data read costs.
// Bus contention between instruction fetch and data is not modelled (see
// docs/cycle-model.md, "Memory system").
#pragma once

#include <cstdint>
#include <vector>

#include "lru_cache.hpp"
#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim::cycle {

// Checks what the memory system needs beyond the parser's own checks (consistency
// between fields); throws targets::TargetError naming the field.
void validate_memory_system(const targets::Target& target);

class MemorySystem {
 public:
  explicit MemorySystem(const targets::Target& target);

  // Granule of instruction fetch from the code memory (flash line or L1 line).
  uint32_t fetch_line_bytes() const { return fetch_line_; }
  // True when fetching from `address` can ever cost extra cycles.
  bool fetch_may_stall(uint32_t address) const;
  // True when a data read anywhere can cost extra cycles (wait states or caches).
  bool data_may_stall() const { return data_may_stall_; }
  // The memories where a data read can cost extra cycles.
  std::vector<AddressRange> slow_data_ranges() const;
  // Which of the target's memories `address` is in (its index in the target file), or
  // the number of memories for anything else (devices): two accesses with different
  // answers go to different bus slaves (R-LDR-BLOCK).
  size_t memory_block(uint32_t address) const {
    const Region* r = region(address);
    return r != nullptr ? static_cast<size_t>(r - regions_.data()) : regions_.size();
  }

  // Extra cycles to fetch `block`'s lines; `previous` is the block run before it.
  // `per_line`, if given, receives the extra cycles of each line the block covers.
  uint32_t fetch(const BlockTiming& block, const BlockTiming* previous,
                 std::vector<uint32_t>* per_line = nullptr);
  // Extra cycles of a data read of `bytes` bytes at `address`.
  uint32_t data_read(uint32_t address, uint32_t bytes, uint32_t& hint) {
    // Inside the data cache line the last read found or filled: a hit that changes
    // nothing (that line is already the most recently used of its set).
    if (address - hot_begin_ < hot_bytes_ && address - hot_begin_ + bytes <= hot_bytes_) return 0;
    return data_read_lines(address, bytes, hint);
  }

  // What the firmware switched on (caches, accelerator, prefetch, extra latency).
  void configure(const MemoryConfig& config) {
    config_ = config;
    forget_hot_line();
  }
  const MemoryConfig& config() const { return config_; }
  void invalidate(const CacheInvalidation& what);

 private:
  struct Region {
    uint32_t base = 0;
    uint64_t end = 0;
    unsigned wait_states = 0;
    targets::MemoryKind kind = targets::MemoryKind::Sram;
  };
  const Region* region(uint32_t address) const;
  uint32_t data_read_lines(uint32_t address, uint32_t bytes, uint32_t& hint);
  void forget_hot_line() { hot_bytes_ = 0; }
  // The region's wait states with the latency the firmware added (flash only).
  unsigned wait_states(const Region& r) const {
    return r.wait_states + (r.kind == targets::MemoryKind::Flash ? config_.extra_wait_states : 0);
  }
  // The cache a fetch from `r` looks up as configured now, or nullptr.
  LruCache* fetch_cache(const Region& r);
  uint32_t uncached_l1_fetch(const Region& r, bool sequential, uint32_t spent) const;
  uint32_t line_fetch(const Region& r, uint32_t address, bool sequential, uint32_t spent,
                      uint32_t& hint);

  std::vector<Region> regions_;
  targets::FlashAccelerator::Kind accelerator_ = targets::FlashAccelerator::Kind::None;
  bool prefetch_ = false;
  uint32_t flash_line_ = 16;
  uint32_t fetch_line_ = 16;
  uint32_t flash_shift_ = 4;  // log2 of the line sizes
  uint32_t fetch_shift_ = 4;
  bool data_may_stall_ = false;
  LruCache instruction_lines_;  // ART instruction lines, or the whole XIP cache
  LruCache data_lines_;         // ART data lines
  LruCache l1i_;                // Cortex-M7 L1 caches
  LruCache l1d_;
  MemoryConfig config_;
  size_t data_region_ = 0;  // index in regions_ of the last data read's memory
  // The line of l1d_ or data_lines_ (caches only data reads touch) that the last data
  // read left most recently used; hot_bytes_ = 0 when none.
  uint32_t hot_begin_ = 0;
  uint32_t hot_bytes_ = 0;
};

}  // namespace mcuprof::sim::cycle
