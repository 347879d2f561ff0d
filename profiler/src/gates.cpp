// Gate parsing, evaluation and messages (see mcuprof/profiler/gates.hpp).
#include "mcuprof/profiler/gates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

constexpr std::array<GateMetric, 15> kMetrics = {{
    {"peak_sram", "peak_sram_bytes", MetricKind::Bytes,
     "peak SRAM: static data + arena + kernel scratch + stack"},
    {"peak_sram_bytes", "peak_sram_bytes", MetricKind::Bytes, "same as peak_sram"},
    {"sram_pct", "sram_pct", MetricKind::Percent, "peak SRAM as a percentage of the board's SRAM"},
    {"flash_bytes", "flash_bytes", MetricKind::Bytes, "flash used: firmware + model image"},
    {"arena_bytes", "arena_bytes", MetricKind::Bytes,
     "the tensor arena, part of peak SRAM (the model image's planned arena)"},
    {"arena", "arena_bytes", MetricKind::Bytes, "same as arena_bytes"},
    {"arena_live_peak", "arena_live_peak_bytes", MetricKind::Bytes,
     "peak of the arena's tensors live at once, from the layer markers"},
    {"latency_ms", "latency_ms", MetricKind::Time, "inference latency at the board's clock"},
    {"latency", "latency_ms", MetricKind::Time, "same as latency_ms"},
    {"cycles", "total_cycles", MetricKind::Count, "inference cycles (RUN_BEGIN..RUN_END)"},
    {"instructions", "instructions", MetricKind::Count, "inference instructions"},
    {"macs", "macs", MetricKind::Count, "multiply-accumulates of the layers"},
    {"cycles_per_mac", "cycles_per_mac", MetricKind::Ratio, "cycles / MACs"},
    {"oob_writes", "oob_writes", MetricKind::Count, "out-of-bounds writes (--observe-memory)"},
    {"observed_sram", "observed_peak_bytes", MetricKind::Bytes,
     "observed SRAM peak (--observe-memory)"},
}};

struct Unit {
  std::string_view name;
  double factor;
};

constexpr std::array<Unit, 8> kByteUnits = {{{"B", 1},
                                             {"KB", 1e3},
                                             {"kB", 1e3},
                                             {"KiB", 1024.0},
                                             {"MB", 1e6},
                                             {"MiB", 1024.0 * 1024},
                                             {"GB", 1e9},
                                             {"GiB", 1024.0 * 1024 * 1024}}};
constexpr std::array<Unit, 4> kTimeUnits = {{{"us", 1e-3}, {"µs", 1e-3}, {"ms", 1}, {"s", 1e3}}};
constexpr std::array<Unit, 4> kCountUnits = {{{"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}}};
constexpr std::array<Unit, 1> kPercentUnits = {{{"%", 1}}};

std::span<const Unit> units_of(MetricKind kind) {
  switch (kind) {
    case MetricKind::Bytes:
      return kByteUnits;
    case MetricKind::Time:
      return kTimeUnits;
    case MetricKind::Count:
      return kCountUnits;
    case MetricKind::Percent:
      return kPercentUnits;
    case MetricKind::Ratio:
      return {};
  }
  return {};
}

// The unit a value without one is shown in.
std::string_view base_unit(MetricKind kind) {
  switch (kind) {
    case MetricKind::Bytes:
      return "B";
    case MetricKind::Time:
      return "ms";
    case MetricKind::Percent:
      return "%";
    case MetricKind::Count:
    case MetricKind::Ratio:
      return "";
  }
  return "";
}

std::string accepted_units(MetricKind kind) {
  switch (kind) {
    case MetricKind::Bytes:
      return "a size: B, KB or kB (1000 B), KiB (1024 B), MB (10^6 B), MiB (2^20 B), GB, GiB";
    case MetricKind::Time:
      return "a time: us, ms, s (no unit: ms)";
    case MetricKind::Count:
      return "a count: no unit, k (10^3), M (10^6), G (10^9)";
    case MetricKind::Percent:
      return "a percentage: % or no unit";
    case MetricKind::Ratio:
      return "a ratio: a plain number, no unit";
  }
  return "";
}

std::string metric_names() {
  std::string names;
  for (const auto& m : kMetrics) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

[[noreturn]] void malformed(const std::string& text, const std::string& why) {
  throw CommandError(exit_code::kUsage,
                     fmt::format("--fail-if '{}': {}; expected METRIC OP LIMIT[UNIT] with OP one "
                                 "of > >= < <= == !=, e.g. 'peak_sram>256KiB'; metrics: {}",
                                 text, why, metric_names()));
}

const GateMetric* find_metric(std::string_view name) {
  for (const auto& m : kMetrics)
    if (name == m.name) return &m;
  return nullptr;
}

std::string_view op_symbol(GateOp op) {
  switch (op) {
    case GateOp::Greater:
      return ">";
    case GateOp::GreaterEqual:
      return "≥";
    case GateOp::Less:
      return "<";
    case GateOp::LessEqual:
      return "≤";
    case GateOp::Equal:
      return "=";
    case GateOp::NotEqual:
      return "≠";
  }
  return "?";
}

GateOp negation(GateOp op) {
  switch (op) {
    case GateOp::Greater:
      return GateOp::LessEqual;
    case GateOp::GreaterEqual:
      return GateOp::Less;
    case GateOp::Less:
      return GateOp::GreaterEqual;
    case GateOp::LessEqual:
      return GateOp::Greater;
    case GateOp::Equal:
      return GateOp::NotEqual;
    case GateOp::NotEqual:
      return GateOp::Equal;
  }
  return op;
}

bool holds(GateOp op, double v, double t) {
  switch (op) {
    case GateOp::Greater:
      return v > t;
    case GateOp::GreaterEqual:
      return v >= t;
    case GateOp::Less:
      return v < t;
    case GateOp::LessEqual:
      return v <= t;
    case GateOp::Equal:
      return v == t;
    case GateOp::NotEqual:
      return v != t;
  }
  return true;
}

// 1234567 -> "1,234,567".
std::string group_digits(double integral) {
  const std::string digits = fmt::format("{:.0f}", std::fabs(integral));
  std::string out;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return (integral < 0 ? "-" : "") + out;
}

// A number as written in a limit: integers grouped, others as short as they round-trip.
std::string limit_number(double x) {
  if (x == std::floor(x) && std::fabs(x) < 1e15) return group_digits(x);
  return fmt::format("{}", x);
}

std::string with_unit(const std::string& number, std::string_view unit) {
  if (unit.empty()) return number;
  return unit == "%" ? number + "%" : fmt::format("{} {}", number, unit);
}

// The measured value in the limit's unit: whole base units exactly, otherwise about four
// significant digits, more when rounding would make it look equal to the limit.
std::string value_text(const GateResult& r, std::string_view unit) {
  const Gate& g = r.gate;
  const double shown = r.value / g.unit_factor;
  if (g.unit_factor == 1 && shown == std::floor(shown) && std::fabs(shown) < 1e15 &&
      (g.kind == MetricKind::Bytes || g.kind == MetricKind::Count))
    return with_unit(group_digits(shown), unit);
  const double magnitude = shown == 0 ? 0 : std::floor(std::log10(std::fabs(shown)));
  int decimals = std::max(1, 2 - static_cast<int>(magnitude));
  std::string text = fmt::format("{:.{}f}", shown, decimals);
  while (decimals < 12 && r.value != g.threshold && std::strtod(text.c_str(), nullptr) == g.limit)
    text = fmt::format("{:.{}f}", shown, ++decimals);
  return with_unit(text, unit);
}

}  // namespace

std::span<const GateMetric> gate_metrics() {
  return kMetrics;
}

Gate parse_gate(const std::string& text) {
  size_t i = 0;
  const auto blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  blanks();
  const size_t metric_at = i;
  while (i < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[i])) != 0 || text[i] == '_'))
    ++i;
  const std::string metric = text.substr(metric_at, i - metric_at);
  if (metric.empty()) malformed(text, "no metric");
  blanks();
  Gate g;
  g.text = text;
  static constexpr std::array<std::pair<std::string_view, GateOp>, 6> kOps = {{
      {">=", GateOp::GreaterEqual},
      {"<=", GateOp::LessEqual},
      {"==", GateOp::Equal},
      {"!=", GateOp::NotEqual},
      {">", GateOp::Greater},
      {"<", GateOp::Less},
  }};
  size_t op_length = 0;
  for (const auto& [symbol, op] : kOps)
    if (text.compare(i, symbol.size(), symbol) == 0) {
      g.op = op;
      op_length = symbol.size();
      break;
    }
  if (op_length == 0)
    malformed(text, i < text.size() ? fmt::format("'{}' is not an operator", text.substr(i))
                                    : "no operator");
  i += op_length;
  blanks();
  const size_t number_at = i;
  const auto digits = [&] {
    const size_t from = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) ++i;
    return i - from;
  };
  size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) malformed(text, "the limit is not a number (digits, e.g. 256 or 0.5)");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    const size_t at = i++;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) i = at;  // not an exponent: part of the unit
  }
  g.limit = std::strtod(text.substr(number_at, i - number_at).c_str(), nullptr);
  if (!std::isfinite(g.limit)) malformed(text, "the limit is out of range");
  blanks();
  size_t end = text.size();
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  g.unit = text.substr(i, end - i);
  const auto unit_char = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '%' ||
           static_cast<unsigned char>(c) >= 0x80;  // µ
  };
  if (!std::all_of(g.unit.begin(), g.unit.end(), unit_char))
    malformed(text, fmt::format("'{}' after the limit", g.unit));

  const GateMetric* m = find_metric(metric);
  if (m == nullptr)
    throw CommandError(exit_code::kUsage, fmt::format("--fail-if '{}': unknown metric '{}'; "
                                                      "metrics: {}",
                                                      text, metric, metric_names()));
  g.metric = std::string(m->name);
  g.summary_key = std::string(m->summary_key);
  g.kind = m->kind;
  g.unit_factor = 0;
  if (g.unit.empty()) g.unit_factor = 1;
  for (const auto& u : units_of(g.kind))
    if (g.unit == u.name) g.unit_factor = u.factor;
  if (g.unit_factor == 0)
    throw CommandError(exit_code::kUsage,
                       fmt::format("--fail-if '{}': '{}' is not a unit of {}, which takes {}", text,
                                   g.unit, g.metric, accepted_units(g.kind)));
  g.threshold = g.limit * g.unit_factor;
  return g;
}

GateResult evaluate_gate(const Gate& gate, const nlohmann::json& summary) {
  GateResult r;
  r.gate = gate;
  const auto it = summary.find(gate.summary_key);
  if (it != summary.end() && it->is_number()) {
    r.value = it->get<double>();
    r.verdict = holds(gate.op, r.value, gate.threshold) ? GateVerdict::Fail : GateVerdict::Pass;
  }
  r.message = gate_message(r);
  return r;
}

std::vector<GateResult> evaluate_gates(const std::vector<Gate>& gates,
                                       const nlohmann::json& summary) {
  std::vector<GateResult> out;
  out.reserve(gates.size());
  for (const auto& g : gates) out.push_back(evaluate_gate(g, summary));
  return out;
}

std::string gate_condition(const Gate& g) {
  const std::string_view unit = g.unit.empty() ? base_unit(g.kind) : std::string_view(g.unit);
  std::string limit = with_unit(limit_number(g.limit), unit);
  // Decimal size units are spelled out: KB is 1000 B here, not 1024.
  if (g.kind == MetricKind::Bytes && g.unit_factor != 1 &&
      g.unit_factor == std::pow(10.0, std::round(std::log10(g.unit_factor))))
    limit += fmt::format(" = {} B", limit_number(g.threshold));
  return fmt::format("{} {} {}", g.metric, op_symbol(g.op), limit);
}

std::string gate_message(const GateResult& r) {
  const Gate& g = r.gate;
  const std::string_view unit = g.unit.empty() ? base_unit(g.kind) : std::string_view(g.unit);
  const std::string limit = with_unit(limit_number(g.limit), unit);
  const std::string condition = gate_condition(g);
  switch (r.verdict) {
    case GateVerdict::NotMeasured:
      return fmt::format("{} not measured: FAIL (fail if {}; the run's summary has no {})",
                         g.metric, condition.substr(g.metric.size() + 1), g.summary_key);
    case GateVerdict::Fail:
      return fmt::format("{} {} {} {}: FAIL (fail if {})", g.metric, value_text(r, unit),
                         op_symbol(g.op), limit, condition.substr(g.metric.size() + 1));
    case GateVerdict::Pass:
      return fmt::format("{} {} {} {}: pass (fail if {})", g.metric, value_text(r, unit),
                         op_symbol(negation(g.op)), limit, condition.substr(g.metric.size() + 1));
  }
  return {};
}

}  // namespace mcuprof::profiler
