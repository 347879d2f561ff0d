// Gate parsing, evaluation and JUnit output (see gates.hpp).
#include "gates.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

struct Metric {
  const char* name;
  const char* summary_key;
  const char* kind;  // bytes, ms, count, ratio
};

constexpr std::array<Metric, 10> kMetrics = {{
    {"peak_sram", "peak_sram_bytes", "bytes"},
    {"arena", "arena_bytes", "bytes"},
    {"latency_ms", "latency_ms", "ms"},
    {"latency", "latency_ms", "ms"},
    {"cycles", "total_cycles", "count"},
    {"instructions", "instructions", "count"},
    {"macs", "macs", "count"},
    {"cycles_per_mac", "cycles_per_mac", "ratio"},
    {"oob_writes", "oob_writes", "count"},  // measured with --observe-memory only
    {"observed_sram", "observed_peak_bytes", "bytes"},
}};

const Metric* find_metric(const std::string& name) {
  for (const auto& m : kMetrics)
    if (name == m.name) return &m;
  return nullptr;
}

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw CommandError(exit_code::kUsage, fmt::format("--fail-if '{}': {}", text, why));
}

// The multiplier of a unit suffix for a metric kind.
double unit_factor(const std::string& unit, const std::string& kind, const std::string& text) {
  if (unit.empty()) return 1;
  if (kind == std::string("bytes")) {
    if (unit == "B") return 1;
    if (unit == "KiB") return 1024;
    if (unit == "MiB") return 1024.0 * 1024;
    if (unit == "GiB") return 1024.0 * 1024 * 1024;
    if (unit == "kB" || unit == "KB") return 1000;
    if (unit == "MB") return 1e6;
    bad(text, fmt::format("unknown size unit '{}' (B, KiB, MiB, GiB, kB, MB)", unit));
  }
  if (kind == std::string("ms")) {
    if (unit == "ms") return 1;
    if (unit == "s") return 1000;
    if (unit == "us") return 1e-3;
    bad(text, fmt::format("unknown time unit '{}' (us, ms, s)", unit));
  }
  if (unit == "k" || unit == "K") return 1e3;
  if (unit == "M") return 1e6;
  if (unit == "G") return 1e9;
  bad(text, fmt::format("unknown multiplier '{}' (k, M, G)", unit));
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Gate parse_gate(const std::string& text) {
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '\t') s += c;
  const size_t op_at = s.find_first_of("<>=!");
  if (op_at == std::string::npos || op_at == 0)
    bad(text, "expected METRIC OP VALUE, e.g. 'peak_sram>256KiB'");
  Gate g;
  g.text = text;
  g.metric = s.substr(0, op_at);
  size_t value_at = op_at + 1;
  if (value_at < s.size() && s[value_at] == '=') ++value_at;
  g.op = s.substr(op_at, value_at - op_at);
  if (g.op == "=" || g.op == "!") bad(text, "operators are >, >=, <, <=, ==, !=");
  const Metric* metric = find_metric(g.metric);
  if (metric == nullptr) {
    std::string names;
    for (const auto& m : kMetrics) names += (names.empty() ? "" : ", ") + std::string(m.name);
    bad(text, fmt::format("unknown metric '{}' (known: {})", g.metric, names));
  }
  const std::string value = s.substr(value_at);
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || end == value.c_str() || !std::isfinite(number))
    bad(text, "expected a number after the operator");
  g.threshold = number * unit_factor(end, metric->kind, text);
  return g;
}

std::vector<GateResult> evaluate_gates(const std::vector<Gate>& gates,
                                       const nlohmann::json& summary) {
  std::vector<GateResult> out;
  for (const auto& g : gates) {
    GateResult r{g, false, 0, true};
    const Metric* m = find_metric(g.metric);
    const auto it = summary.find(m->summary_key);
    if (it != summary.end() && it->is_number()) {
      r.available = true;
      r.value = it->get<double>();
      const double v = r.value, t = g.threshold;
      r.failed = g.op == ">"    ? v > t
                 : g.op == ">=" ? v >= t
                 : g.op == "<"  ? v < t
                 : g.op == "<=" ? v <= t
                 : g.op == "==" ? v == t
                                : v != t;
    }
    out.push_back(r);
  }
  return out;
}

void write_junit(const std::filesystem::path& path, const std::vector<GateResult>& results,
                 const nlohmann::json& summary, int run_status) {
  std::ostringstream out;
  const std::string suite = fmt::format("mcuprof {} {}", summary.value("target", std::string()),
                                        summary.value("firmware", std::string()));
  size_t failures = run_status != 0 ? 1 : 0;
  for (const auto& r : results) failures += r.failed ? 1 : 0;
  const double seconds = summary.value("latency_ms", 0.0) / 1000.0;
  out << R"(<?xml version="1.0" encoding="UTF-8"?>)" << '\n';
  out << fmt::format(R"(<testsuites><testsuite name="{}" tests="{}" failures="{}" time="{:.6f}">)",
                     xml_escape(suite), results.size() + 1, failures, seconds)
      << '\n';
  out << R"(  <testcase classname="mcuprof" name="run">)";
  if (run_status != 0)
    out << fmt::format(R"(<failure message="{}"/>)",
                       xml_escape(fmt::format("exit status {}: {}", run_status,
                                              summary.value("detail", std::string()))));
  out << "</testcase>\n";
  for (const auto& r : results) {
    out << fmt::format(R"(  <testcase classname="mcuprof.gates" name="{}">)",
                       xml_escape(r.gate.text));
    if (r.failed)
      out << fmt::format(
          R"(<failure message="{}"/>)",
          xml_escape(r.available ? fmt::format("{} = {:g}", r.gate.metric, r.value)
                                 : fmt::format("{} was not measured", r.gate.metric)));
    out << "</testcase>\n";
  }
  out << "</testsuite></testsuites>\n";
  write_output_file(path, out.str(), "JUnit report");
}

}  // namespace mcuprof::profiler
