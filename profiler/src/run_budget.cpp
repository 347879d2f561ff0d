// The run's cycle budget (see run_budget.hpp).
#include "run_budget.hpp"

#include <fmt/format.h>

#include <cmath>

#include "table.hpp"

namespace mcuprof::profiler {

RunBudget run_budget(std::optional<uint64_t> max_cycles, double max_seconds, uint64_t clock_hz) {
  RunBudget b;
  const double hz = static_cast<double>(clock_hz == 0 ? 1 : clock_hz);
  if (max_cycles) {
    b.cycles = *max_cycles;
    b.seconds = static_cast<double>(b.cycles) / hz;
    b.option = "--max-cycles";
  } else {
    const double cycles = std::ceil(max_seconds * hz);
    b.cycles = cycles >= 1.8e19 ? UINT64_MAX : std::max<uint64_t>(1, static_cast<uint64_t>(cycles));
    b.seconds = max_seconds;
    b.option = "--max-time";
  }
  return b;
}

std::string RunBudget::text(uint64_t clock_hz) const {
  const double mhz = static_cast<double>(clock_hz) / 1e6;
  if (option == "--max-cycles")
    return fmt::format("{} cycles ({:g} s at {:g} MHz, --max-cycles)", format_count(cycles),
                       seconds, mhz);
  return fmt::format("{:g} s of simulated time ({} cycles at {:g} MHz, --max-time)", seconds,
                     format_count(cycles), mhz);
}

nlohmann::json RunBudget::json() const {
  return {{"cycles", cycles}, {"seconds", seconds}, {"set_by", option}};
}

}  // namespace mcuprof::profiler
