// Out-of-bounds write check (see memory_check.hpp).
#include "mcuprof/profiler/memory_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace mcuprof::profiler {
namespace {

// Bytes below the SP a single store may touch before the SP is written back (VPUSH of
// 32 single-precision registers), used when the image has no stack limit.
constexpr uint32_t kBelowSp = 128;
constexpr size_t kMaxPendingSites = 4096;

std::string plural(uint64_t n, const char* what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

}  // namespace

MemoryCheck::MemoryCheck(MemoryLayout layout, Locate locate, size_t max_sites)
    : layout_(std::move(layout)), locate_(std::move(locate)), max_sites_(max_sites) {
  pending_pc_.resize(layout_.memories.size());
}

bool MemoryCheck::in_static(uint32_t address) const {
  for (const auto& r : layout_.statics)
    if (r.contains(address)) return true;
  return false;
}

bool MemoryCheck::in_stack(uint32_t address, uint32_t sp) const {
  if (address >= layout_.stack_top) return false;
  if (layout_.stack_limit) return address >= *layout_.stack_limit;
  return address >= (sp > kBelowSp ? sp - kBelowSp : 0);
}

void MemoryCheck::on_write(uint32_t pc, uint32_t sp, uint32_t address, unsigned bytes,
                           uint64_t cycle) {
  for (unsigned k = 0; k < bytes; ++k) {
    const uint32_t a = address + k;
    if (arena_) {
      if (arena_->contains(a)) {
        if (owner_[a - arena_->base] != 0) continue;
        report(pc, a, bytes, cycle, 1);
        return;
      }
      if (a - static_cast<uint32_t>(arena_->end()) < layout_.scratch_after_arena) continue;
    }
    if (in_static(a) || in_stack(a, sp)) continue;
    if (!arena_) {
      hold(pc, a, cycle, bytes);
      continue;
    }
    report(pc, a, bytes, cycle, 1);
    return;
  }
}

void MemoryCheck::hold(uint32_t pc, uint32_t address, uint64_t cycle, unsigned bytes) {
  for (size_t m = 0; m < layout_.memories.size(); ++m) {
    const AddressRange& r = layout_.memories[m];
    if (!r.contains(address)) continue;
    auto& pcs = pending_pc_[m];
    if (pcs.empty()) pcs.assign(r.size, 0);
    const uint32_t tag = pc | 1u;  // never 0; Thumb PCs are even, so & ~1 gives the PC back
    pcs[address - r.base] = tag;
    if (pending_.size() < kMaxPendingSites)
      pending_.try_emplace(tag, Pending{address, bytes, cycle});
    return;
  }
  report(pc, address, bytes, cycle, 1);  // outside every memory (cannot happen on SRAM hooks)
}

void MemoryCheck::judge_pending(bool arena_known) {
  struct Found {
    uint32_t lowest = 0;
    uint64_t bytes = 0;
  };
  std::map<uint32_t, Found> outside;
  for (size_t m = 0; m < layout_.memories.size(); ++m) {
    auto& pcs = pending_pc_[m];
    for (size_t i = 0; i < pcs.size(); ++i) {
      if (pcs[i] == 0) continue;
      const uint32_t a = layout_.memories[m].base + static_cast<uint32_t>(i);
      const bool allowed = arena_known
                               ? (arena_->contains(a) || a - static_cast<uint32_t>(arena_->end()) <
                                                             layout_.scratch_after_arena)
                               : (layout_.heap && layout_.heap->contains(a));
      if (!allowed) {
        auto [it, fresh] = outside.try_emplace(pcs[i], Found{a, 0});
        ++it->second.bytes;
      }
    }
    pcs.clear();
    pcs.shrink_to_fit();
  }
  for (const auto& [tagged_pc, found] : outside) {
    const auto p = pending_.find(tagged_pc);
    const Pending first = p != pending_.end() ? p->second : Pending{found.lowest, 1, 0};
    report(tagged_pc & ~1u, found.lowest, first.bytes, first.cycle, found.bytes);
  }
  pending_.clear();
}

void MemoryCheck::report(uint32_t pc, uint32_t address, unsigned bytes, uint64_t cycle,
                         uint64_t count) {
  result_.total += count;
  const auto it = site_of_pc_.find(pc);
  if (it != site_of_pc_.end()) {
    if (it->second != SIZE_MAX) result_.sites[it->second].count += count;
    return;
  }
  if (result_.sites.size() >= max_sites_) {
    site_of_pc_.emplace(pc, SIZE_MAX);
    ++result_.dropped_sites;
    return;
  }
  OutOfBoundsWrite w;
  w.pc = pc;
  w.location = locate_ ? locate_(pc) : fmt::format("0x{:08x}", pc);
  w.address = address;
  w.bytes = bytes;
  w.cycle = cycle;
  w.count = count;
  w.what = describe(address);
  site_of_pc_.emplace(pc, result_.sites.size());
  result_.sites.push_back(std::move(w));
}

std::string MemoryCheck::describe(uint32_t address) const {
  struct Region {
    std::string name;
    AddressRange range;
  };
  const auto text = [](const Region& r) {
    return fmt::format("{} [0x{:08x},+{})", r.name, r.range.base, r.range.size);
  };
  std::vector<Region> regions;
  if (arena_) {
    for (const auto& [tensor, b] : live_)
      regions.push_back({fmt::format("tensor {}", tensor), {arena_->base + b.offset, b.bytes}});
    if (arena_->contains(address)) {
      for (const auto& [tensor, b] : freed_) {
        const Region r{fmt::format("tensor {}", tensor), {arena_->base + b.offset, b.bytes}};
        if (r.range.contains(address) && live_.count(tensor) == 0)
          return fmt::format("inside {}, which is not live (freed)", text(r));
      }
      if (live_.empty())
        return fmt::format("in {}, where no buffer is live", text({"the arena", *arena_}));
    } else {
      regions.push_back({"the arena", *arena_});
    }
    if (layout_.scratch_after_arena > 0)
      regions.push_back({"the kernel scratch",
                         {static_cast<uint32_t>(arena_->end()), layout_.scratch_after_arena}});
  }
  for (const auto& s : layout_.statics) regions.push_back({"static data", s});
  if (layout_.stack_limit)
    regions.push_back(
        {"the stack", {*layout_.stack_limit, layout_.stack_top - *layout_.stack_limit}});
  std::string best;
  uint64_t best_distance = std::numeric_limits<uint64_t>::max();
  for (const auto& r : regions) {
    if (r.range.size == 0 || r.range.contains(address)) continue;
    uint64_t distance = 0;
    std::string what;
    if (address >= r.range.end()) {
      distance = address - r.range.end() + 1;
      what = fmt::format("{} past {}", plural(distance, "byte"), text(r));
    } else {
      distance = r.range.base - address;
      what = fmt::format("{} before {}", plural(distance, "byte"), text(r));
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = std::move(what);
    }
  }
  return best.empty() ? "outside every known buffer" : best;
}

void MemoryCheck::on_arena(uint32_t address, uint32_t size) {
  const bool first = !arena_;
  arena_ = AddressRange{address, size};
  owner_.assign(size, 0);
  for (const auto& [tensor, b] : live_)
    for (uint64_t i = b.offset; i < uint64_t{b.offset} + b.bytes && i < size; ++i)
      owner_[static_cast<size_t>(i)] = tensor + 1;
  if (first) judge_pending(true);
}

void MemoryCheck::on_alloc(uint32_t tensor, uint32_t offset, uint32_t bytes) {
  live_[tensor] = {offset, bytes};
  freed_.erase(tensor);
  if (!arena_) return;
  for (uint64_t i = offset; i < uint64_t{offset} + bytes && i < owner_.size(); ++i)
    owner_[static_cast<size_t>(i)] = tensor + 1;
}

void MemoryCheck::on_free(uint32_t tensor) {
  const auto it = live_.find(tensor);
  if (it == live_.end()) return;
  const Buffer b = it->second;
  live_.erase(it);
  freed_[tensor] = b;
  for (uint64_t i = b.offset; i < uint64_t{b.offset} + b.bytes && i < owner_.size(); ++i)
    if (owner_[static_cast<size_t>(i)] == tensor + 1) owner_[static_cast<size_t>(i)] = 0;
}

MemoryCheckResult MemoryCheck::finish() {
  if (!arena_) judge_pending(false);
  MemoryCheckResult out = std::move(result_);
  std::stable_sort(out.sites.begin(), out.sites.end(),
                   [](const auto& a, const auto& b) { return a.cycle < b.cycle; });
  result_ = {};
  return out;
}

}  // namespace mcuprof::profiler
