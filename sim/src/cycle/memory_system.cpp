// Wait states, prefetch, ART, XIP cache and L1 caches (see memory_system.hpp).
#include "memory_system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace mcuprof::sim::cycle {
namespace {

using targets::FlashAccelerator;
using targets::MemoryKind;

[[noreturn]] void fail(const targets::Target& t, std::string_view field, std::string_view what) {
  const std::string origin = t.file.empty() ? fmt::format("target {}", t.name) : t.file.string();
  throw targets::TargetError(fmt::format("{}: field '{}': {}", origin, field, what));
}

// Cycles to fill one L1 line over the 64-bit AXI bus after the memory's wait states.
uint32_t l1_fill(uint32_t line_bytes, unsigned wait_states) {
  return wait_states + line_bytes / 8;
}

// The flash control register must fit the board: its latency gives the flash's wait
// states, and the accelerator it switches must be there.
void validate_flash_control(const targets::Target& t) {
  using K = targets::FlashControl::Kind;
  const auto& c = t.flash_control;
  if (!c.present()) return;
  const auto flash = std::find_if(t.memories.begin(), t.memories.end(),
                                  [](const auto& m) { return m.kind == MemoryKind::Flash; });
  if (flash == t.memories.end())
    fail(t, "flash_control.kind", "a flash control register needs a memory of kind flash");
  if (c.stm32() && (c.latency + 1) * c.cycles_per_latency - 1 != flash->wait_states)
    fail(t, "flash_control.latency",
         fmt::format("LATENCY {} at {} core cycles per step means {} wait states, but flash '{}' "
                     "has {}",
                     c.latency, c.cycles_per_latency, (c.latency + 1) * c.cycles_per_latency - 1,
                     flash->name, flash->wait_states));
  const auto kind = t.flash_accelerator.kind;
  if (c.kind == K::Rp2040Xip && kind != FlashAccelerator::Kind::XipCache)
    fail(t, "flash_control.kind", "rp2040-xip-ctrl needs a flash_accelerator of kind xip-cache");
  if (c.kind == K::Nrf52Nvmc && kind != FlashAccelerator::Kind::FlashCache)
    fail(t, "flash_control.kind", "nrf52-nvmc needs a flash_accelerator of kind flash-cache");
}

}  // namespace

void validate_memory_system(const targets::Target& t) {
  bool has_flash = false;
  for (size_t i = 0; i < t.memories.size(); ++i) {
    const auto& m = t.memories[i];
    if (m.kind == MemoryKind::Flash) has_flash = true;
    if (m.kind == MemoryKind::Tcm && m.wait_states != 0)
      fail(t, fmt::format("memories[{}].wait_states", i),
           fmt::format("TCM '{}' is zero-wait by definition, got {} wait states", m.name,
                       m.wait_states));
    for (size_t j = 0; j < i; ++j)
      if (m.base < t.memories[j].end() && t.memories[j].base < m.end())
        fail(t, fmt::format("memories[{}].base", i),
             fmt::format("'{}' overlaps '{}'", m.name, t.memories[j].name));
  }
  const auto& a = t.flash_accelerator;
  if (a.kind != FlashAccelerator::Kind::None && !has_flash)
    fail(t, "flash_accelerator.kind", "a flash accelerator needs a memory of kind flash");
  if (a.kind == FlashAccelerator::Kind::StmArt && a.icache_lines == 0)
    fail(t, "flash_accelerator.icache_lines", "the ART accelerator needs instruction lines");
  if ((t.icache.present() || t.dcache.present()) && t.core != targets::Core::CortexM7)
    fail(t, t.icache.present() ? "icache" : "dcache",
         fmt::format("{} has no L1 caches (only cortex-m7 does)", targets::to_string(t.core)));
  validate_flash_control(t);
  // No flash answers in a single cycle above ~120 MHz (STM32F4/F7/H7, nRF, RP2040
  // datasheets all need wait states or a cache there).
  for (size_t i = 0; i < t.memories.size(); ++i) {
    const auto& m = t.memories[i];
    if (m.kind == MemoryKind::Flash && m.wait_states == 0 && t.clock_hz > 120'000'000ull &&
        a.kind == FlashAccelerator::Kind::None && !t.icache.present())
      fail(t, fmt::format("memories[{}].wait_states", i),
           fmt::format("0 wait states for flash '{}' at {} MHz is not plausible without an "
                       "accelerator or cache",
                       m.name, t.clock_hz / 1'000'000));
  }
}

MemorySystem::MemorySystem(const targets::Target& t) {
  validate_memory_system(t);
  for (const auto& m : t.memories) regions_.push_back({m.base, m.end(), m.wait_states, m.kind});
  const auto& a = t.flash_accelerator;
  accelerator_ = a.kind;
  prefetch_ = a.prefetch || a.kind == FlashAccelerator::Kind::Prefetch;
  flash_line_ = a.line_bytes;
  fetch_line_ = flash_line_;
  switch (a.kind) {
    case FlashAccelerator::Kind::StmArt:
      // The ART's lines are fully associative (RM0090 3.5.2, RM0402 3.4.2).
      instruction_lines_ = LruCache(a.icache_lines, a.icache_lines, a.line_bytes);
      if (a.dcache_lines > 0) data_lines_ = LruCache(a.dcache_lines, a.dcache_lines, a.line_bytes);
      break;
    case FlashAccelerator::Kind::XipCache:
    case FlashAccelerator::Kind::FlashCache:
      instruction_lines_ = LruCache(a.icache_lines, a.ways, a.line_bytes);
      break;
    default:
      break;
  }
  if (t.icache.present()) {
    l1i_ = LruCache(t.icache.size / t.icache.line_bytes, t.icache.ways, t.icache.line_bytes);
    fetch_line_ = t.icache.line_bytes;
  }
  fetch_shift_ = static_cast<uint32_t>(std::countr_zero(fetch_line_));
  flash_shift_ = static_cast<uint32_t>(std::countr_zero(flash_line_));
  if (t.dcache.present())
    l1d_ = LruCache(t.dcache.size / t.dcache.line_bytes, t.dcache.ways, t.dcache.line_bytes);
  data_may_stall_ =
      l1d_.present() || std::any_of(regions_.begin(), regions_.end(),
                                    [](const Region& r) { return r.wait_states > 0; });
}

std::vector<AddressRange> MemorySystem::slow_data_ranges() const {
  std::vector<AddressRange> out;
  for (const auto& r : regions_)
    if (r.wait_states > 0 || (l1d_.present() && r.kind != MemoryKind::Tcm))
      out.push_back({r.base, r.end});
  return out;
}

const MemorySystem::Region* MemorySystem::region(uint32_t address) const {
  for (const auto& r : regions_)
    if (address >= r.base && address < r.end) return &r;
  return nullptr;
}

bool MemorySystem::fetch_may_stall(uint32_t address) const {
  const Region* r = region(address);
  if (r == nullptr) return false;
  if (l1i_.present() && r->kind != MemoryKind::Tcm) return true;
  return r->wait_states > 0;
}

LruCache* MemorySystem::fetch_cache(const Region& r) {
  if (l1i_.present() && r.kind != MemoryKind::Tcm) return config_.l1_icache ? &l1i_ : nullptr;
  if (r.kind == MemoryKind::Flash && instruction_lines_.present() && config_.flash_icache)
    return &instruction_lines_;
  return nullptr;
}

// With the L1 I-cache off, the Cortex-M7 fetches 64 bits per AXI read, each the memory's
// wait states plus a bus cycle; its prefetch unit fetches ahead while earlier instructions
// run, so a sequential line costs only what execution did not hide.
uint32_t MemorySystem::uncached_l1_fetch(const Region& r, bool sequential, uint32_t spent) const {
  const uint32_t cost = (fetch_line_ / 8) * (wait_states(r) + 1);
  if (sequential) return cost > spent ? cost - spent : 0;
  return cost;
}

uint32_t MemorySystem::line_fetch(const Region& r, uint32_t address, bool sequential,
                                  uint32_t spent, uint32_t& hint) {
  const unsigned ws = wait_states(r);
  if (l1i_.present() && r.kind != MemoryKind::Tcm) {
    if (!config_.l1_icache) return uncached_l1_fetch(r, sequential, spent);
    if (l1i_.access(address, hint)) return 0;
    return l1_fill(l1i_.line_bytes(), ws);
  }
  if (ws == 0) return 0;
  if (r.kind == MemoryKind::Flash && instruction_lines_.present() && config_.flash_icache &&
      instruction_lines_.access(address, hint))
    return 0;
  if (r.kind == MemoryKind::Flash && accelerator_ == targets::FlashAccelerator::Kind::XipCache)
    return ws;  // a QSPI line fill, never overlapped
  // The prefetch buffer fetches the next line while the current one executes: a
  // sequential line costs only what execution did not hide (ws + 1 bus cycles).
  if (prefetch_ && config_.prefetch && sequential) return ws + 1 > spent ? ws + 1 - spent : 0;
  return ws;
}

uint32_t MemorySystem::fetch(const BlockTiming& block, const BlockTiming* previous,
                             std::vector<uint32_t>* per_line) {
  const Region* r = region(block.address);
  if (r == nullptr || block.size == 0) return 0;
  // Fast path: every line hit last time and no line was filled since, so they are
  // all still there: refresh their recency and charge nothing.
  LruCache* cache = fetch_cache(*r);
  if (cache != nullptr && block.all_hit_at == cache->fills()) {
    for (uint32_t h : block.line_hints) cache->touch(h);
    if (per_line != nullptr) per_line->clear();
    return 0;
  }
  const uint32_t shift = fetch_shift_;
  const uint32_t first = block.address >> shift;
  const uint32_t last = (block.address + block.size - 1) >> shift;
  const bool fell_through =
      previous != nullptr && previous->address + previous->size == block.address;
  uint32_t extra = 0;
  if (per_line != nullptr) per_line->resize(last - first + 1);
  if (block.line_hints.size() != last - first + 1) block.line_hints.assign(last - first + 1, 0);
  for (uint32_t l = first; l <= last; ++l) {
    const uint32_t k = l - first;
    bool sequential = k > 0;
    uint32_t spent = k > 0 && k - 1 < block.line_cycles.size() ? block.line_cycles[k - 1] : 0;
    if (k == 0 && fell_through) {
      const uint32_t prev_last = (previous->address + previous->size - 1) >> shift;
      if (prev_last == l) {  // still in the line the previous block was fetching
        if (per_line != nullptr) (*per_line)[k] = 0;
        continue;
      }
      sequential = true;
      spent = previous->line_cycles.empty() ? 0 : previous->line_cycles.back();
    }
    const uint32_t c = line_fetch(*r, l << shift, sequential, spent, block.line_hints[k]);
    if (per_line != nullptr) (*per_line)[k] = c;
    extra += c;
  }
  // Remember a clean pass (only when every line was looked up in `cache`).
  block.all_hit_at = ~uint64_t{0};
  if (cache != nullptr && extra == 0 && !fell_through) block.all_hit_at = cache->fills();
  return extra;
}

uint32_t MemorySystem::data_read_lines(uint32_t address, uint32_t bytes, uint32_t& hint) {
  forget_hot_line();
  if (bytes == 0) return 0;
  const Region* r = data_region_ < regions_.size() ? &regions_[data_region_] : nullptr;
  if (r == nullptr || address < r->base || address >= r->end) {  // not the last one's memory
    r = region(address);
    if (r == nullptr) return 0;  // devices: no wait states modelled
    data_region_ = static_cast<size_t>(r - regions_.data());
  }
  const unsigned ws = wait_states(*r);
  const uint32_t last = address + bytes - 1;
  if (l1d_.present() && r->kind != MemoryKind::Tcm) {
    uint32_t extra = 0;
    if (!config_.l1_dcache) {  // uncached: one AXI read per 64 bits
      for (uint32_t b = address / 8; b <= last / 8; ++b) extra += ws + 1;
      return extra;
    }
    const uint32_t lb = l1d_.line_bytes();
    for (uint32_t l = address / lb; l <= last / lb; ++l)
      if (!l1d_.access(l * lb, hint)) extra += l1_fill(lb, ws);
    hot_begin_ = last / lb * lb;
    hot_bytes_ = lb;
    return extra;
  }
  if (ws == 0) return 0;
  uint32_t extra = 0;
  for (uint32_t l = address >> flash_shift_; l <= last >> flash_shift_; ++l) {
    const uint32_t at = l << flash_shift_;
    if (r->kind == MemoryKind::Flash) {
      if (data_lines_.present() && config_.flash_dcache) {
        const bool hit = data_lines_.access(at, hint);
        hot_begin_ = at;  // filled on a miss: most recently used either way
        hot_bytes_ = 1u << flash_shift_;
        if (hit) continue;
      }
      if (accelerator_ == targets::FlashAccelerator::Kind::XipCache && config_.flash_icache &&
          instruction_lines_.access(at))
        continue;  // the XIP cache serves data reads too
    }
    extra += ws;
  }
  return extra;
}

void MemorySystem::invalidate(const CacheInvalidation& what) {
  forget_hot_line();
  using C = CacheInvalidation::Cache;
  LruCache* cache = nullptr;
  switch (what.cache) {
    case C::L1Instruction:
      cache = &l1i_;
      break;
    case C::L1Data:
      cache = &l1d_;
      break;
    case C::FlashInstruction:
      cache = &instruction_lines_;
      break;
    case C::FlashData:
      cache = &data_lines_;
      break;
  }
  switch (what.scope) {
    case CacheInvalidation::Scope::All:
      cache->invalidate_all();
      break;
    case CacheInvalidation::Scope::Address:
      cache->invalidate_line(what.address);
      break;
    case CacheInvalidation::Scope::SetWay:
      cache->invalidate_set_way(what.set, what.way);
      break;
  }
}

}  // namespace mcuprof::sim::cycle
