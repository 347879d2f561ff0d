// CI gates for `mcuprof run`: `--fail-if 'peak_sram>256KiB'` style failure conditions on the
// run summary's figures, parsed before the run and evaluated after it, each with a message
// that states the measured value, the limit and the verdict in the limit's unit. The grammar
// (METRIC OP LIMIT[UNIT]), the metrics and the units are documented in docs/cli.md, "Gates".
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mcuprof::profiler {

// What a metric measures; it decides the units its limit may carry.
enum class MetricKind {
  Bytes,    // B, KB = 1000 B, KiB = 1024 B, MB = 10^6 B, MiB = 2^20 B, GB, GiB
  Time,     // us, ms, s (the summary's value is in ms)
  Count,    // k = 10^3, M = 10^6, G = 10^9
  Percent,  // %
  Ratio,    // no unit
};

struct GateMetric {
  std::string_view name;         // as written in --fail-if
  std::string_view summary_key;  // the run summary's key it reads
  MetricKind kind;
  std::string_view meaning;  // one line for the docs
};

// Every metric a gate may name, in the documented order (aliases included).
std::span<const GateMetric> gate_metrics();

enum class GateOp { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual };

struct Gate {
  std::string text;         // as the user wrote it
  std::string metric;       // the metric's name (gate_metrics())
  std::string summary_key;  // what it reads
  MetricKind kind = MetricKind::Count;
  GateOp op = GateOp::Greater;
  double limit = 0;        // the number as written: 256 in "256KiB"
  std::string unit;        // the unit as written ("KiB"), empty for none
  double unit_factor = 1;  // base units (B, ms, 1, %) per `unit`
  double threshold = 0;    // limit * unit_factor: the limit in the summary's unit
};

// Parses METRIC OP LIMIT[UNIT] (blanks allowed between the parts). Throws CommandError
// (status 64, usage) with one line naming the gate and what is wrong: the accepted metrics
// for a malformed expression or an unknown metric, the accepted units for a wrong unit.
Gate parse_gate(const std::string& text);

enum class GateVerdict { Pass, Fail, NotMeasured };

struct GateResult {
  Gate gate;
  GateVerdict verdict = GateVerdict::NotMeasured;
  double value = 0;     // in the summary's unit, when measured
  std::string message;  // gate_message(): the same text on stderr and in JUnit
  bool failed() const { return verdict != GateVerdict::Pass; }
};

// A gate's verdict on a summary: fails when its condition holds, and when the summary has no
// number under the metric's key (a figure that was not measured never passes).
GateResult evaluate_gate(const Gate& gate, const nlohmann::json& summary);
std::vector<GateResult> evaluate_gates(const std::vector<Gate>& gates,
                                       const nlohmann::json& summary);

// "peak_sram 60.9 KiB ≤ 256 KiB: pass (fail if > 256 KiB)",
// "latency_ms 268.3 ms > 50 ms: FAIL (fail if > 50 ms)",
// "cycles_per_mac not measured: FAIL (fail if > 5; the summary has no cycles_per_mac)".
std::string gate_message(const GateResult& result);

// "peak_sram > 256 KiB": the gate's condition in canonical form (JUnit test case names).
std::string gate_condition(const Gate& gate);

}  // namespace mcuprof::profiler
