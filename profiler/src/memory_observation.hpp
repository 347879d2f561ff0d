// `mcuprof run --observe-memory`: connects the machine's memory-access observer and the
// firmware's arena/tensor events to the out-of-bounds check (memory_check.hpp) and the
// observed SRAM view (observed_memory.hpp), and formats what they found.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>

#include <nlohmann/json.hpp>

#include "mcuprof/profiler/memory_check.hpp"
#include "mcuprof/profiler/observed_memory.hpp"
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/machine.hpp"

namespace mcuprof::profiler {

struct MemoryObservationResult {
  MemoryCheckResult check;
  ObservedSeries observed;
  std::optional<ObservedSeries> arena;  // the same view of the arena range alone
};

class MemoryObservation final : public sim::MachineObserver, public sim::MemoryAccessObserver {
 public:
  // Reads the layout from the loaded machine and its image; `scratch_after_arena` bytes
  // after the announced arena are allowed too (the model runner's kernel scratch).
  // With `arena`, the observed view of that range alone too (elf_arena.hpp).
  MemoryObservation(const sim::Machine& machine, const sim::ElfImage& image,
                    uint32_t scratch_after_arena, std::optional<AddressRange> arena = std::nullopt);

  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) override;
  void on_write(const sim::MemoryAccess& access) override;
  void on_read(const sim::MemoryAccess& access) override;

  MemoryObservationResult finish(uint64_t end_cycle);

 private:
  EventDecoder decoder_;
  MemoryCheck check_;
  ObservedMemory observed_;
  std::optional<ObservedMemory> arena_;
};

// The layout MemoryCheck needs, from the target's memories, the image and the stack.
MemoryLayout memory_layout(const sim::Machine& machine, const sim::ElfImage& image,
                           uint32_t scratch_after_arena);

// Adds oob_writes, oob_write_sites, observed_* to a run summary.
void add_to_summary(const MemoryObservationResult& r, nlohmann::json& summary);
// The stderr lines: a one-line verdict, then up to a few sites.
void print_memory_observation(const MemoryObservationResult& r, uint64_t in_use_peak_bytes,
                              std::ostream& err);

}  // namespace mcuprof::profiler
