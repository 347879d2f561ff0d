// Set-associative LRU cache of line addresses (see lru_cache.hpp).
#include "lru_cache.hpp"

#include <algorithm>
#include <bit>

namespace mcuprof::sim::cycle {

LruCache::LruCache(uint32_t lines, uint32_t ways, uint32_t line_bytes) {
  if (lines == 0 || line_bytes == 0) return;
  ways_ = std::clamp<uint32_t>(ways, 1, lines);
  sets_ = std::bit_floor(std::max<uint32_t>(1, lines / ways_));  // a power of two
  line_shift_ = static_cast<uint32_t>(std::countr_zero(line_bytes));
  tags_.assign(size_t{sets_} * ways_, kEmpty);
  used_.assign(tags_.size(), 0);
  if (ways_ > kIndexedWays) index_.reserve(tags_.size() * 2);
}

bool LruCache::access(uint32_t address, uint32_t& hint) {
  const uint32_t line = address >> line_shift_;
  ++clock_;
  if (hint < tags_.size() && tags_[hint] == line) {
    used_[hint] = clock_;
    return true;
  }
  const size_t first = size_t{line & (sets_ - 1)} * ways_;
  if (ways_ > kIndexedWays) {
    if (auto it = index_.find(line); it != index_.end()) {
      used_[it->second] = clock_;
      hint = it->second;
      return true;
    }
  } else {
    for (size_t w = first; w < first + ways_; ++w)
      if (tags_[w] == line) {
        used_[w] = clock_;
        hint = static_cast<uint32_t>(w);
        return true;
      }
  }
  // Miss: fill the least recently used way of the set.
  size_t victim = first;
  for (size_t w = first; w < first + ways_; ++w)
    if (used_[w] < used_[victim]) victim = w;
  if (ways_ > kIndexedWays) {
    if (tags_[victim] != kEmpty) index_.erase(tags_[victim]);
    index_[line] = static_cast<uint32_t>(victim);
  }
  tags_[victim] = line;
  used_[victim] = clock_;
  ++fills_;
  hint = static_cast<uint32_t>(victim);
  return false;
}

void LruCache::drop(size_t slot) {
  if (tags_[slot] == kEmpty) return;
  if (ways_ > kIndexedWays) index_.erase(tags_[slot]);
  tags_[slot] = kEmpty;
  used_[slot] = 0;
  ++fills_;  // blocks that remembered a clean pass must look again
}

void LruCache::invalidate_all() {
  for (size_t slot = 0; slot < tags_.size(); ++slot) drop(slot);
}

void LruCache::invalidate_line(uint32_t address) {
  if (!present()) return;
  const uint32_t line = address >> line_shift_;
  const size_t first = size_t{line & (sets_ - 1)} * ways_;
  for (size_t w = first; w < first + ways_; ++w)
    if (tags_[w] == line) drop(w);
}

void LruCache::invalidate_set_way(uint32_t set, uint32_t way) {
  if (!present() || set >= sets_ || way >= ways_) return;
  drop(size_t{set} * ways_ + way);
}

}  // namespace mcuprof::sim::cycle
