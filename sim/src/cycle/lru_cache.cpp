// Set-associative LRU cache of line addresses (see lru_cache.hpp).
#include "lru_cache.hpp"

#include <algorithm>
#include <bit>

namespace mcuprof::sim::cycle {

LruCache::LruCache(uint32_t lines, uint32_t ways, uint32_t line_bytes) {
  if (lines == 0 || line_bytes == 0) return;
  ways_ = std::clamp<uint32_t>(ways, 1, lines);
  sets_ = std::max<uint32_t>(1, lines / ways_);
  line_shift_ = static_cast<uint32_t>(std::countr_zero(line_bytes));
  tags_.assign(size_t{sets_} * ways_, 0xFFFFFFFFu);
}

bool LruCache::access(uint32_t address) {
  const uint32_t line = address >> line_shift_;
  if (line == last_line_) return true;
  last_line_ = line;
  uint32_t* set = tags_.data() + size_t{line % sets_} * ways_;
  for (uint32_t w = 0; w < ways_; ++w) {
    if (set[w] == line) {
      std::rotate(set, set + w, set + w + 1);  // move to the front (most recent)
      return true;
    }
  }
  std::rotate(set, set + ways_ - 1, set + ways_);  // evict the least recent
  set[0] = line;
  return false;
}

}  // namespace mcuprof::sim::cycle
