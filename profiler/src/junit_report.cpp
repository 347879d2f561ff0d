// JUnit XML of a run and its gates (see mcuprof/profiler/junit_report.hpp).
#include "mcuprof/profiler/junit_report.hpp"

#include <fmt/format.h>

#include <set>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

// Text for an attribute or element: markup characters escaped, control characters XML
// cannot carry replaced by '?'.
std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
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
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    }
  }
  return out;
}

std::string file_name(const nlohmann::json& s, const char* key) {
  const auto it = s.find(key);
  if (it == s.end() || !it->is_string()) return {};
  return std::filesystem::path(it->get<std::string>()).filename().string();
}

std::string json_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

JunitRun junit_run_from_summary(const nlohmann::json& s, int run_status) {
  JunitRun run;
  if (const auto it = s.find("name"); it != s.end() && it->is_string() && !it->empty())
    run.name = it->get<std::string>();
  if (run.name.empty()) run.name = file_name(s, "model");
  if (run.name.empty()) run.name = file_name(s, "firmware");
  run.board = s.value("target", std::string());
  run.seconds = s.value("latency_ms", 0.0) / 1000.0;
  if (run_status != exit_code::kOk) {
    const std::string how =
        s.value("stop_reason", std::string()) == "exited"
            ? fmt::format("exited with status {}", s.value("exit_code", 0))
            : fmt::format("stopped: {}", s.value("detail", std::string("unknown")));
    run.run_failure = fmt::format("the run failed (status {}): {}", run_status, how);
  }
  run.properties = {{"name", run.name}, {"board", run.board}};
  for (const char* key : {"model", "firmware", "schedule"})
    if (const auto it = s.find(key); it != s.end() && it->is_string())
      run.properties.emplace_back(key, it->get<std::string>());
  run.properties.emplace_back("exit_status", std::to_string(run_status));
  std::set<std::string_view> keys;
  for (const auto& m : gate_metrics())
    if (keys.insert(m.summary_key).second)
      if (const auto it = s.find(m.summary_key); it != s.end() && it->is_number())
        run.properties.emplace_back(std::string(m.summary_key), json_text(*it));
  return run;
}

JunitRun junit_refused_run(std::string name, std::string board, const std::string& message,
                           int status) {
  JunitRun run;
  run.name = std::move(name);
  run.board = std::move(board);
  run.refused = true;
  run.run_failure = fmt::format("no result (status {}): {}", status, message);
  run.properties = {
      {"name", run.name}, {"board", run.board}, {"exit_status", std::to_string(status)}};
  return run;
}

std::string junit_xml(const JunitRun& run, const std::vector<GateResult>& results,
                      const std::vector<Gate>& not_evaluated) {
  const std::string suite = xml_escape(fmt::format("{} on {}", run.name, run.board));
  size_t failures = run.run_failure.empty() ? 0 : 1;
  for (const auto& r : results) failures += r.failed() ? 1 : 0;
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                    "\n";
  xml += fmt::format(
      R"(<testsuites name="mcuprof" tests="{0}" failures="{1}" errors="0" skipped="{2}" time="{3:.6f}">)"
      "\n"
      R"(  <testsuite name="{4}" tests="{0}" failures="{1}" errors="0" skipped="{2}" time="{3:.6f}">)"
      "\n",
      1 + results.size() + not_evaluated.size(), failures, not_evaluated.size(), run.seconds,
      suite);
  xml += "    <properties>\n";
  for (const auto& [key, value] : run.properties)
    xml += fmt::format(R"(      <property name="{}" value="{}"/>)"
                       "\n",
                       xml_escape(key), xml_escape(value));
  xml += "    </properties>\n";
  xml +=
      fmt::format(R"(    <testcase classname="{}" name="run" time="{:.6f}">)", suite, run.seconds);
  if (!run.run_failure.empty())
    xml += fmt::format(R"(<failure type="{}" message="{}">{}</failure>)",
                       run.refused ? "no result" : "run", xml_escape(run.run_failure),
                       xml_escape(run.run_failure));
  xml += "</testcase>\n";
  for (const auto& r : results) {
    xml += fmt::format(R"(    <testcase classname="{}" name="{}" time="0">)", suite,
                       xml_escape(gate_condition(r.gate)));
    const std::string message = xml_escape(r.message);
    if (r.failed())
      xml += fmt::format(R"(<failure type="{}" message="{}">{}</failure>)",
                         r.verdict == GateVerdict::NotMeasured ? "not measured" : "gate", message,
                         message);
    else
      xml += fmt::format("<system-out>{}</system-out>", message);
    xml += "</testcase>\n";
  }
  for (const auto& g : not_evaluated)
    xml += fmt::format(
        R"(    <testcase classname="{}" name="{}" time="0"><skipped message="{}"/></testcase>)"
        "\n",
        suite, xml_escape(gate_condition(g)),
        xml_escape(
            fmt::format("not evaluated: the run gave no result (fail if {})", gate_condition(g))));
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

void write_junit(const std::filesystem::path& path, const std::string& xml) {
  write_output_file(path, xml, "JUnit report");
}

}  // namespace mcuprof::profiler
