// The arena of a stock firmware (TensorFlow Lite Micro's `tensor_arena`, TinyEngine's
// `buffer`, or `--arena SYMBOL`), seen through `--observe-memory`: the bytes of that range
// written and still to be read (observed_memory.hpp) become the run's arena track, so the
// memory chart, SRAM in use and each layer's SRAM peak work as for the runtime's own runs,
// whose arena track comes from its tensor markers.
#pragma once

#include <optional>
#include <string>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/observed_memory.hpp"
#include "mcuprof/sim/elf_image.hpp"

namespace mcuprof::profiler {

struct ArenaSymbol {
  std::string name;
  AddressRange range;
};

// `name`'s data object, or with an empty name the known ones (`tensor_arena`; TinyEngine's
// `buffer` beside its `invoke`). Throws std::invalid_argument when a given name matches
// no data object of the ELF.
std::optional<ArenaSymbol> find_arena(const sim::ElfImage& image, const std::string& name);

// Makes `observed` (the live bytes inside the arena over time) the attribution's arena
// track: its address and size, the samples (at most `max_points`, every peak kept) and the
// peaks of the whole run and of every span. Only for a firmware that announced no arena.
void use_observed_arena(Attribution& a, const AddressRange& arena, const ObservedSeries& observed,
                        size_t max_points = 16384);

}  // namespace mcuprof::profiler
