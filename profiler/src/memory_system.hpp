// The memory system as the firmware left it (sim::MemoryState: caches, flash accelerator,
// prefetch, flash latency): the summary's "memory_system" object, the one-line
// description stored with the run and shown by `report`, and the warning when the
// firmware's flash latency is below what the board's clock needs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::profiler {

// Every switch the board has (true/false), null for the ones it lacks.
nlohmann::json memory_system_json(const sim::MemoryState& state);
// "L1 I-cache on, L1 D-cache on; FLASH_ACR.LATENCY 4 (4 needed): 9 wait states".
std::string describe_memory_system(const sim::MemoryState& state);
// "mcuprof: warning: ..." and a newline, or "" when the latency is enough.
std::string memory_system_warning(const sim::MemoryState& state, const targets::Target& target);

}  // namespace mcuprof::profiler
