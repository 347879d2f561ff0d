// Glue of `mcuprof run --observe-memory` (see memory_observation.hpp).
#include "memory_observation.hpp"

#include <fmt/format.h>

#include <ostream>

namespace mcuprof::profiler {

MemoryLayout memory_layout(const sim::Machine& machine, const sim::ElfImage& image,
                           uint32_t scratch_after_arena) {
  MemoryLayout layout;
  for (const auto& m : machine.target().memories)
    if (m.writable()) layout.memories.push_back({m.base, m.size});
  for (const auto& seg : image.segments())
    if (seg.writable && seg.memory_size > 0)
      layout.statics.push_back({seg.virtual_address, seg.memory_size});
  const auto stack = machine.stack_bounds();
  layout.stack_top = stack.top;
  layout.stack_limit = stack.limit;
  const auto heap_base = image.symbol_address("__HeapBase");
  const auto heap_limit = image.symbol_address("__HeapLimit");
  if (heap_base && heap_limit && *heap_limit > *heap_base)
    layout.heap = AddressRange{*heap_base, *heap_limit - *heap_base};
  layout.scratch_after_arena = scratch_after_arena;
  return layout;
}

namespace {
std::vector<AddressRange> writable_memories(const sim::Machine& machine) {
  std::vector<AddressRange> out;
  for (const auto& m : machine.target().memories)
    if (m.writable()) out.push_back({m.base, m.size});
  return out;
}
}  // namespace

MemoryObservation::MemoryObservation(const sim::Machine& machine, const sim::ElfImage& image,
                                     uint32_t scratch_after_arena,
                                     std::optional<AddressRange> arena)
    : check_(memory_layout(machine, image, scratch_after_arena),
             [&machine](uint32_t pc) { return machine.location(pc); }),
      observed_(writable_memories(machine)) {
  if (arena) arena_.emplace(std::vector<AddressRange>{*arena});
}

void MemoryObservation::on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) {
  if (port != kEventPort || size != 4) return;
  Counters at;
  at.cycles = cycle;
  const auto event = decoder_.push(value, at);
  if (!event) return;
  switch (event->type) {
    case EventType::Arena:
      check_.on_arena(event->payload[0], event->payload[1]);
      break;
    case EventType::TensorAlloc:
      check_.on_alloc(event->arg, event->payload[0], event->payload[1]);
      break;
    case EventType::TensorFree:
      check_.on_free(event->arg);
      break;
    default:
      break;
  }
}

void MemoryObservation::on_write(const sim::MemoryAccess& a) {
  check_.on_write(a.pc, a.sp, a.address, a.bytes, a.cycle);
  observed_.write(a.address, a.bytes, a.cycle);
  if (arena_) arena_->write(a.address, a.bytes, a.cycle);
}

void MemoryObservation::on_read(const sim::MemoryAccess& a) {
  observed_.read(a.address, a.bytes, a.cycle);
  if (arena_) arena_->read(a.address, a.bytes, a.cycle);
}

MemoryObservationResult MemoryObservation::finish(uint64_t end_cycle) {
  MemoryObservationResult r{check_.finish(), observed_.finish(end_cycle), std::nullopt};
  if (arena_) r.arena = arena_->finish(end_cycle);
  return r;
}

void add_to_summary(const MemoryObservationResult& r, nlohmann::json& s) {
  s["oob_writes"] = r.check.total;
  auto& sites = s["oob_write_sites"] = nlohmann::json::array();
  for (const auto& w : r.check.sites)
    sites.push_back({{"pc", w.pc},
                     {"location", w.location},
                     {"address", w.address},
                     {"bytes", w.bytes},
                     {"cycle", w.cycle},
                     {"count", w.count},
                     {"what", w.what}});
  s["oob_write_sites_dropped"] = r.check.dropped_sites;
  s["observed_peak_bytes"] = r.observed.peak_bytes;
  s["observed_peak_cycle"] = r.observed.peak_cycle;
  s["observed_resolution_cycles"] = r.observed.resolution_cycles;
}

void print_memory_observation(const MemoryObservationResult& r, uint64_t in_use_peak_bytes,
                              std::ostream& err) {
  err << fmt::format(
      "mcuprof: observed memory: {} out-of-bounds write{} at {} instruction{}; observed SRAM "
      "peak {} bytes (SRAM in use at most {} bytes, grid {} cycle{})\n",
      r.check.total, r.check.total == 1 ? "" : "s", r.check.sites.size() + r.check.dropped_sites,
      r.check.sites.size() + r.check.dropped_sites == 1 ? "" : "s", r.observed.peak_bytes,
      in_use_peak_bytes, r.observed.resolution_cycles,
      r.observed.resolution_cycles == 1 ? "" : "s");
  constexpr size_t kShown = 10;
  for (size_t i = 0; i < r.check.sites.size() && i < kShown; ++i) {
    const auto& w = r.check.sites[i];
    err << fmt::format(
        "mcuprof: out-of-bounds write at 0x{:08x} {}: {}-byte write to 0x{:08x} at cycle {}, {} "
        "(x{})\n",
        w.pc, w.location, w.bytes, w.address, w.cycle, w.what, w.count);
  }
  if (r.check.sites.size() > kShown)
    err << fmt::format("mcuprof: ... and {} more out-of-bounds write sites\n",
                       r.check.sites.size() - kShown + r.check.dropped_sites);
}

}  // namespace mcuprof::profiler
