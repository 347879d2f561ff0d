// CI gates for `mcuprof run`: `--fail-if 'peak_sram>256KiB'` style conditions on the run's
// figures, evaluated after the run, and a JUnit XML report for CI systems. The expression
// set is small on purpose: METRIC OP NUMBER[UNIT] (docs/cli.md, "Gates").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcuprof::profiler {

struct Gate {
  std::string text;    // as the user wrote it
  std::string metric;  // peak_sram, arena, latency_ms, cycles, instructions, macs, cycles_per_mac,
                       // oob_writes, observed_sram (--observe-memory)
  std::string op;      // > >= < <= == !=
  double threshold = 0;
};

// Throws CommandError (usage) naming what is wrong with the expression.
Gate parse_gate(const std::string& text);

struct GateResult {
  Gate gate;
  bool available = false;  // the run reported the metric
  double value = 0;
  bool failed = false;  // the condition holds (or the metric is missing)
};

std::vector<GateResult> evaluate_gates(const std::vector<Gate>& gates,
                                       const nlohmann::json& summary);

// One test case per gate (or one for the run when there are none); the run's own failure
// (fault, non-zero exit) is a failed "run" case. Throws CommandError if it cannot write.
void write_junit(const std::filesystem::path& path, const std::vector<GateResult>& results,
                 const nlohmann::json& summary, int run_status);

}  // namespace mcuprof::profiler
