// The observed arena of a stock firmware (see elf_arena.hpp).
#include "elf_arena.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "mcuprof/traces/downsample.hpp"
#include "symbol_match.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {

std::optional<ArenaSymbol> find_arena(const sim::ElfImage& image, const std::string& name) {
  const auto as_arena = [](const sim::Symbol& s, const std::string& shown) {
    return ArenaSymbol{shown, AddressRange{s.address, s.size}};
  };
  if (!name.empty()) {
    const auto s = find_object(image, name);
    if (!s)
      throw std::invalid_argument(
          fmt::format("--arena {}: no data object of that name (with a size) in the ELF's "
                      "symbols, or several",
                      name));
    return as_arena(*s, name);
  }
  if (const auto s = find_object(image, "tensor_arena")) return as_arena(*s, "tensor_arena");
  const auto invoke = image.symbol_address("invoke");
  if (const auto s = find_object(image, "buffer"); s && invoke) return as_arena(*s, "buffer");
  return std::nullopt;
}

void use_observed_arena(Attribution& a, const AddressRange& arena, const ObservedSeries& observed,
                        size_t max_points) {
  a.arena_address = arena.base;
  a.arena_size = arena.size;
  std::vector<traces::CounterPoint> points;
  points.reserve(observed.points.size());
  for (const auto& p : observed.points) points.push_back({p.cycle, static_cast<int64_t>(p.bytes)});
  a.arena.clear();
  for (const auto& p : traces::downsample_counter(points, max_points)) {
    const auto bytes = static_cast<uint64_t>(p.value);
    a.arena.push_back({p.ts, bytes, bytes});
  }
  a.arena_peak_live_bytes = observed.peak_bytes;
  a.arena_peak_extent_bytes = observed.peak_bytes;
  // Each span's peak: the value in force at its start and every sample up to its end.
  std::vector<StackSample> series;
  series.reserve(a.arena.size());
  for (const auto& sample : a.arena) series.push_back({sample.cycle, sample.live_bytes});
  const SeriesPeaks peaks(series);
  for (auto& span : a.spans) {
    const uint64_t peak = peaks.peak(span.begin.cycles, span.end.cycles);
    span.arena_peak_live_bytes = peak;
    span.arena_peak_extent_bytes = peak;
  }
}

}  // namespace mcuprof::profiler
