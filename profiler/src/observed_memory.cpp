// Per-byte liveness of observed SRAM and its count over time (see observed_memory.hpp).
#include "mcuprof/profiler/observed_memory.hpp"

#include <algorithm>
#include <new>

namespace mcuprof::profiler {

ObservedMemory::ObservedMemory(std::vector<AddressRange> memories, size_t max_cells)
    : max_cells_(std::max<size_t>(max_cells, 2)) {
  const auto zeros = [](uint32_t n) {
    Cycles p(static_cast<uint64_t*>(std::calloc(std::max<size_t>(n, 1), sizeof(uint64_t))));
    if (!p) throw std::bad_alloc();
    return p;
  };
  for (const auto& r : memories) {
    Memory m;
    m.range = r;
    m.written = zeros(r.size);
    m.read = zeros(r.size);
    memories_.push_back(std::move(m));
  }
}

ObservedMemory::Memory* ObservedMemory::memory_of(uint32_t address) {
  if (last_ != nullptr && last_->range.contains(address)) return last_;
  for (auto& m : memories_)
    if (m.range.contains(address)) return last_ = &m;
  return nullptr;
}

void ObservedMemory::coarsen() {
  const size_t half = (starts_.size() + 1) / 2;
  for (size_t i = 0; i < half; ++i) {
    const size_t a = 2 * i, b = 2 * i + 1;
    starts_[i] = starts_[a] + (b < starts_.size() ? starts_[b] : 0);
    ends_[i] = ends_[a] + (b < ends_.size() ? ends_[b] : 0);
  }
  starts_.resize(half);
  ends_.resize(half);
  ++shift_;
}

void ObservedMemory::close(uint64_t written, uint64_t last_read) {
  while ((last_read >> shift_) >= max_cells_) coarsen();
  const auto last_cell = static_cast<size_t>(last_read >> shift_);
  if (last_cell >= starts_.size()) {
    starts_.resize(last_cell + 1, 0);
    ends_.resize(last_cell + 1, 0);
  }
  ++starts_[static_cast<size_t>(written >> shift_)];
  ++ends_[last_cell];
}

void ObservedMemory::write(uint32_t address, unsigned bytes, uint64_t cycle) {
  for (unsigned k = 0; k < bytes; ++k) {
    const uint32_t a = address + k;
    Memory* m = memory_of(a);
    if (m == nullptr) continue;
    const size_t i = a - m->range.base;
    if (m->read[i] != 0) close(m->written[i], m->read[i] - 1);
    m->written[i] = cycle;
    m->read[i] = 0;
  }
}

void ObservedMemory::read(uint32_t address, unsigned bytes, uint64_t cycle) {
  for (unsigned k = 0; k < bytes; ++k) {
    const uint32_t a = address + k;
    Memory* m = memory_of(a);
    if (m == nullptr) continue;
    m->read[a - m->range.base] = cycle + 1;
  }
}

ObservedSeries ObservedMemory::finish(uint64_t end_cycle) {
  for (auto& m : memories_)
    for (size_t i = 0; i < m.range.size; ++i)
      if (m.read[i] != 0) {
        close(m.written[i], m.read[i] - 1);
        m.read[i] = 0;
      }
  while ((end_cycle >> shift_) >= max_cells_) coarsen();
  ObservedSeries out;
  out.resolution_cycles = uint64_t{1} << shift_;
  out.points.push_back({0, 0});
  uint64_t live = 0;
  for (size_t c = 0; c < starts_.size(); ++c) {
    live += starts_[c];
    const uint64_t at = uint64_t{c} << shift_;
    if (live != out.points.back().bytes) {
      if (out.points.back().cycle == at)
        out.points.back().bytes = live;
      else
        out.points.push_back({at, live});
    }
    if (live > out.peak_bytes) {
      out.peak_bytes = live;
      out.peak_cycle = at;
    }
    live -= ends_[c];
  }
  // The end of the last cell, but not past the run's end (accesses never are).
  const uint64_t after = std::max(out.points.back().cycle + 1,
                                  std::min(uint64_t{starts_.size()} << shift_, end_cycle + 1));
  if (live != out.points.back().bytes) out.points.push_back({after, live});
  if (end_cycle > out.points.back().cycle) out.points.push_back({end_cycle, live});
  return out;
}

}  // namespace mcuprof::profiler
