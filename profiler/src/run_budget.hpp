// How long `mcuprof run` lets a firmware run before stopping it: --max-cycles when given,
// else --max-time seconds of the target's clock (default 60 s), as one cycle budget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mcuprof::profiler {

constexpr double kDefaultMaxSeconds = 60.0;

struct RunBudget {
  uint64_t cycles = 0;
  double seconds = 0;  // the same budget in simulated seconds
  std::string option;  // "--max-time" or "--max-cycles": what set it
  // "60 s of simulated time (6,000,000,000 cycles at 100 MHz, --max-time)" or
  // "1,000,000 cycles (0.01 s at 100 MHz, --max-cycles)"
  std::string text(uint64_t clock_hz) const;
  nlohmann::json json() const;
};

RunBudget run_budget(std::optional<uint64_t> max_cycles, double max_seconds, uint64_t clock_hz);

}  // namespace mcuprof::profiler
