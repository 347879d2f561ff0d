// The --fail-if gates and the JUnit report as a library: every unit and operator parsed
// exactly, malformed expressions and unknown metrics refused with the accepted metrics,
// verdicts (pass, fail, not measured) on summaries built here, the messages' wording, and
// the JUnit XML read back with a real XML parser.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/gates.hpp"
#include "mcuprof/profiler/junit_report.hpp"
#include "mcuprof/profiler/run.hpp"
#include "paths.hpp"
#include "xml_tree.hpp"

namespace mcuprof::test {
namespace {

using profiler::CommandError;
using profiler::Gate;
using profiler::GateOp;
using profiler::GateVerdict;
using profiler::parse_gate;

// The CommandError parse_gate throws for `text` (fails the test when it parses).
CommandError refusal(const std::string& text) {
  try {
    const Gate g = parse_gate(text);
    ADD_FAILURE() << "'" << text << "' parsed as " << g.metric << " " << g.threshold;
  } catch (const CommandError& e) {
    return e;
  }
  return CommandError(0, "");
}

// A model run's summary with every figure the gates read.
nlohmann::json model_summary() {
  return {{"name", "vww_96_int8.tflite"},
          {"target", "stm32f412"},
          {"model", "../shared/models/vww_96_int8.tflite"},
          {"firmware", "build/firmware/stm32f412/model_runner.elf"},
          {"schedule", "layer"},
          {"peak_sram_bytes", 62360},
          {"sram_pct", 23.9},
          {"flash_bytes", 390000},
          {"arena_bytes", 60928},
          {"arena_peak_bytes", 55296},
          {"latency_ms", 972.9},
          {"total_cycles", 5365480},
          {"instructions", 4000000},
          {"macs", 1500000},
          {"cycles_per_mac", 3.577},
          {"stop_reason", "exited"},
          {"exit_code", 0}};
}

std::string message_of(const std::string& gate, const nlohmann::json& summary) {
  return profiler::evaluate_gate(parse_gate(gate), summary).message;
}

TEST(GateParse, EveryUnitIsExact) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"peak_sram>512", 512},
      {"peak_sram>100B", 100},
      {"peak_sram>2KB", 2000},
      {"peak_sram>2kB", 2000},
      {"peak_sram>2KiB", 2048},
      {"peak_sram>3MB", 3e6},
      {"peak_sram>3MiB", 3.0 * 1048576},
      {"flash_bytes>1GB", 1e9},
      {"flash_bytes>1GiB", 1073741824.0},
      {"arena_bytes>1.5KiB", 1536},
      {"latency_ms>50", 50},
      {"latency_ms>50ms", 50},
      {"latency_ms>1.5s", 1500},
      {"latency>250us", 0.25},
      {"latency_ms>250µs", 0.25},
      {"cycles>12345", 12345},
      {"cycles>2k", 2000},
      {"cycles>2K", 2000},
      {"cycles>5.5M", 5.5e6},
      {"instructions>1G", 1e9},
      {"macs>1e3", 1000},
      {"sram_pct>=90%", 90},
      {"sram_pct>=90", 90},
      {"cycles_per_mac>3.5", 3.5},
      {"oob_writes>0", 0},
  };
  for (const auto& [text, threshold] : cases) {
    const Gate g = parse_gate(text);
    EXPECT_EQ(g.threshold, threshold) << text;
    EXPECT_EQ(g.text, text);
  }
}

TEST(GateParse, MetricsReadTheirSummaryKeys) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"peak_sram", "peak_sram_bytes"},
      {"peak_sram_bytes", "peak_sram_bytes"},
      {"sram_pct", "sram_pct"},
      {"flash_bytes", "flash_bytes"},
      {"arena_bytes", "arena_bytes"},
      {"arena", "arena_bytes"},
      {"arena_live_peak", "arena_live_peak_bytes"},
      {"latency_ms", "latency_ms"},
      {"latency", "latency_ms"},
      {"cycles", "total_cycles"},
      {"instructions", "instructions"},
      {"macs", "macs"},
      {"cycles_per_mac", "cycles_per_mac"},
      {"oob_writes", "oob_writes"},
      {"observed_sram", "observed_peak_bytes"},
  };
  ASSERT_EQ(profiler::gate_metrics().size(), cases.size());
  for (const auto& [metric, key] : cases) {
    const Gate g = parse_gate(metric + "<1");
    EXPECT_EQ(g.metric, metric);
    EXPECT_EQ(g.summary_key, key) << metric;
  }
}

TEST(GateParse, EveryOperatorWithOrWithoutBlanks) {
  const std::vector<std::pair<std::string, GateOp>> ops = {
      {">", GateOp::Greater},    {">=", GateOp::GreaterEqual}, {"<", GateOp::Less},
      {"<=", GateOp::LessEqual}, {"==", GateOp::Equal},        {"!=", GateOp::NotEqual}};
  for (const auto& [symbol, op] : ops) {
    for (const std::string& text :
         {"peak_sram" + symbol + "256KiB", " peak_sram " + symbol + " 256 KiB ",
          "peak_sram\t" + symbol + "\t256KiB"}) {
      const Gate g = parse_gate(text);
      EXPECT_EQ(g.op, op) << text;
      EXPECT_EQ(g.threshold, 262144) << text;
      EXPECT_EQ(g.unit, "KiB") << text;
    }
  }
}

TEST(GateParse, MalformedExpressionsNameTheGateAndTheMetrics) {
  for (const std::string text :
       {"", "peak_sram", ">5", "peak_sram=5", "peak_sram=>5", "peak_sram>>5", "peak_sram<>5",
        "peak_sram>", "peak_sram>lots", "peak_sram>-5", "peak_sram>5 KiB extra", "peak_sram>5 5",
        "peak_sram>.KiB", "peak_sram!5", "peak sram>5"}) {
    const CommandError e = refusal(text);
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kUsage) << text;
    const std::string m = e.what();
    EXPECT_NE(m.find("--fail-if '" + text + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("metrics: peak_sram, peak_sram_bytes, sram_pct, flash_bytes"),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;  // one line
  }
}

TEST(GateParse, UnknownMetricsNameTheAcceptedOnes) {
  for (const std::string text : {"speed>3", "peak_ram>256KiB", "Peak_sram>1", "flash>1MiB"}) {
    const CommandError e = refusal(text);
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kUsage) << text;
    const std::string m = e.what();
    EXPECT_NE(m.find("--fail-if '" + text + "': unknown metric"), std::string::npos) << m;
    for (const auto& metric : profiler::gate_metrics())
      EXPECT_NE(m.find(std::string(metric.name)), std::string::npos) << metric.name << ": " << m;
  }
}

TEST(GateParse, UnitsOfAnotherKindAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"peak_sram>3parsecs", "a size"}, {"peak_sram>5ms", "a size"},
      {"peak_sram>5kiB", "a size"},     {"peak_sram>5k", "a size"},
      {"latency_ms>5KiB", "a time"},    {"latency_ms>5M", "a time"},
      {"cycles>5KiB", "a count"},       {"cycles>5ms", "a count"},
      {"sram_pct>5KB", "a percentage"}, {"cycles_per_mac>5k", "a ratio"},
  };
  for (const auto& [text, kind] : cases) {
    const CommandError e = refusal(text);
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kUsage) << text;
    const std::string m = e.what();
    EXPECT_NE(m.find("is not a unit of"), std::string::npos) << m;
    EXPECT_NE(m.find(kind), std::string::npos) << m;
  }
}

TEST(GateEvaluate, PassFailAndTheBoundary) {
  const nlohmann::json s = {{"peak_sram_bytes", 262144}};
  const std::vector<std::pair<std::string, GateVerdict>> cases = {
      {"peak_sram>256KiB", GateVerdict::Pass},  {"peak_sram>=256KiB", GateVerdict::Fail},
      {"peak_sram<256KiB", GateVerdict::Pass},  {"peak_sram<=256KiB", GateVerdict::Fail},
      {"peak_sram==256KiB", GateVerdict::Fail}, {"peak_sram!=256KiB", GateVerdict::Pass},
      {"peak_sram>256KB", GateVerdict::Fail},   {"peak_sram>262143", GateVerdict::Fail},
      {"peak_sram<262145B", GateVerdict::Fail}, {"peak_sram_bytes>0.25MiB", GateVerdict::Pass},
  };
  for (const auto& [text, verdict] : cases) {
    const auto r = profiler::evaluate_gate(parse_gate(text), s);
    EXPECT_EQ(r.verdict, verdict) << text << ": " << r.message;
    EXPECT_EQ(r.failed(), verdict != GateVerdict::Pass) << text;
    EXPECT_EQ(r.value, 262144) << text;
  }
}

TEST(GateEvaluate, AFigureThatWasNotMeasuredFails) {
  const nlohmann::json s = {{"flash_bytes", nullptr}, {"sram_pct", "n/a"}, {"macs", 0}};
  for (const std::string text :
       {"cycles_per_mac>5", "flash_bytes>1MiB", "sram_pct>90%", "latency_ms<1000s"}) {
    const auto r = profiler::evaluate_gate(parse_gate(text), s);
    EXPECT_EQ(r.verdict, GateVerdict::NotMeasured) << text;
    EXPECT_TRUE(r.failed()) << text;
    EXPECT_NE(r.message.find("not measured: FAIL"), std::string::npos) << r.message;
  }
  // A measured zero is a value, not a missing figure.
  EXPECT_EQ(profiler::evaluate_gate(parse_gate("macs>0"), s).verdict, GateVerdict::Pass);
}

TEST(GateMessage, UnitsLimitAndVerdictReadRight) {
  const auto s = model_summary();
  EXPECT_EQ(message_of("peak_sram>256KiB", s),
            "peak_sram 60.9 KiB ≤ 256 KiB: pass (fail if > 256 KiB)");
  EXPECT_EQ(message_of("latency_ms>50", s), "latency_ms 972.9 ms > 50 ms: FAIL (fail if > 50 ms)");
  EXPECT_EQ(message_of("latency_ms>=2s", s), "latency_ms 0.973 s < 2 s: pass (fail if ≥ 2 s)");
  EXPECT_EQ(message_of("cycles>2M", s), "cycles 5.37 M > 2 M: FAIL (fail if > 2 M)");
  EXPECT_EQ(message_of("cycles<1000", s), "cycles 5,365,480 ≥ 1,000: pass (fail if < 1,000)");
  EXPECT_EQ(message_of("peak_sram>262144", s),
            "peak_sram 62,360 B ≤ 262,144 B: pass (fail if > 262,144 B)");
  EXPECT_EQ(message_of("peak_sram>256KB", s),
            "peak_sram 62.4 KB ≤ 256 KB: pass (fail if > 256 KB = 256,000 B)");
  EXPECT_EQ(message_of("sram_pct>=90%", s), "sram_pct 23.9% < 90%: pass (fail if ≥ 90%)");
  EXPECT_EQ(message_of("cycles_per_mac>3.5", s), "cycles_per_mac 3.58 > 3.5: FAIL (fail if > 3.5)");
  EXPECT_EQ(message_of("flash_bytes!=390000", s),
            "flash_bytes 390,000 B = 390,000 B: pass (fail if ≠ 390,000 B)");
  EXPECT_EQ(message_of("arena_bytes==1MiB", s),
            "arena_bytes 0.0581 MiB ≠ 1 MiB: pass (fail if = 1 MiB)");
  EXPECT_EQ(message_of("oob_writes>0", s),
            "oob_writes not measured: FAIL (fail if > 0; the run's summary has no oob_writes)");
  // Rounding never makes a value look equal to the limit it is compared with.
  EXPECT_EQ(message_of("peak_sram>256KiB", {{"peak_sram_bytes", 262145}}),
            "peak_sram 256.001 KiB > 256 KiB: FAIL (fail if > 256 KiB)");
  EXPECT_EQ(message_of("peak_sram<256KiB", {{"peak_sram_bytes", 262143}}),
            "peak_sram 255.999 KiB < 256 KiB: FAIL (fail if < 256 KiB)");
}

const XmlElement& only(const XmlElement& parent, const std::string& name) {
  const auto found = parent.children_named(name);
  if (found.size() != 1) throw std::runtime_error(parent.name + " has not one " + name);
  return *found.front();
}

TEST(Junit, SuiteAndCasesNamedFromTheRunWithTheGateMessages) {
  const auto s = model_summary();
  const std::vector<Gate> gates = {parse_gate("peak_sram>256KiB"), parse_gate("latency_ms>50"),
                                   parse_gate("oob_writes>0")};
  const auto results = profiler::evaluate_gates(gates, s);
  const auto doc = parse_xml(profiler::junit_xml(profiler::junit_run_from_summary(s, 0), results));
  ASSERT_EQ(doc->name, "testsuites");
  const XmlElement& suite = only(*doc, "testsuite");
  EXPECT_EQ(suite.attribute("name"), "vww_96_int8.tflite on stm32f412");
  EXPECT_EQ(suite.attribute("tests"), "4");
  EXPECT_EQ(suite.attribute("failures"), "2");
  EXPECT_EQ(suite.attribute("skipped"), "0");
  EXPECT_EQ(std::stod(suite.attribute("time")), 0.9729);
  std::map<std::string, std::string> properties;
  for (const auto* p : only(suite, "properties").children_named("property"))
    properties[p->attribute("name")] = p->attribute("value");
  EXPECT_EQ(properties["board"], "stm32f412");
  EXPECT_EQ(properties["peak_sram_bytes"], "62360");
  EXPECT_EQ(properties["exit_status"], "0");

  const auto cases = suite.children_named("testcase");
  ASSERT_EQ(cases.size(), 4u);
  for (const auto* c : cases) EXPECT_EQ(c->attribute("classname"), suite.attribute("name"));
  EXPECT_EQ(cases[0]->attribute("name"), "run");
  EXPECT_TRUE(cases[0]->children.empty());  // the run passed
  EXPECT_EQ(cases[1]->attribute("name"), "peak_sram > 256 KiB");
  EXPECT_TRUE(cases[1]->children_named("failure").empty());
  EXPECT_EQ(only(*cases[1], "system-out").text, results[0].message);
  EXPECT_EQ(cases[2]->attribute("name"), "latency_ms > 50 ms");
  const XmlElement& failure = only(*cases[2], "failure");
  EXPECT_EQ(failure.attribute("message"), "latency_ms 972.9 ms > 50 ms: FAIL (fail if > 50 ms)");
  EXPECT_EQ(failure.attribute("type"), "gate");
  EXPECT_EQ(only(*cases[3], "failure").attribute("type"), "not measured");
}

TEST(Junit, NameFallsBackToTheModelThenTheFirmwareFile) {
  auto s = model_summary();
  s.erase("name");
  EXPECT_EQ(profiler::junit_run_from_summary(s, 0).name, "vww_96_int8.tflite");
  s.erase("model");
  EXPECT_EQ(profiler::junit_run_from_summary(s, 0).name, "model_runner.elf");
}

TEST(Junit, AFailedRunIsTheFailingRunCase) {
  auto s = model_summary();
  s["stop_reason"] = "fault";
  s["detail"] = "stack overflow at 0x08000124 <conv> \"x\" & 'y'\x01";
  const auto doc = parse_xml(profiler::junit_xml(
      profiler::junit_run_from_summary(s, profiler::exit_code::kFaultStackOverflow), {}));
  const XmlElement& suite = only(*doc, "testsuite");
  EXPECT_EQ(suite.attribute("tests"), "1");
  EXPECT_EQ(suite.attribute("failures"), "1");
  const std::string m = only(only(suite, "testcase"), "failure").attribute("message");
  EXPECT_EQ(m,
            "the run failed (status 87): stopped: stack overflow at 0x08000124 <conv> \"x\" & "
            "'y'?");
}

TEST(Junit, ARunWithNoResultFailsAndSkipsItsGates) {
  const std::vector<Gate> gates = {parse_gate("peak_sram>256KiB"), parse_gate("flash_bytes>1MB")};
  const auto run = profiler::junit_refused_run(
      "wide.tflite", "stm32f412", "wide.tflite does not fit stm32f412's SRAM: ...", 65);
  const auto doc = parse_xml(profiler::junit_xml(run, {}, gates));
  const XmlElement& suite = only(*doc, "testsuite");
  EXPECT_EQ(suite.attribute("name"), "wide.tflite on stm32f412");
  EXPECT_EQ(suite.attribute("tests"), "3");
  EXPECT_EQ(suite.attribute("failures"), "1");
  EXPECT_EQ(suite.attribute("skipped"), "2");
  const auto cases = suite.children_named("testcase");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(only(*cases[0], "failure").attribute("message"),
            "no result (status 65): wide.tflite does not fit stm32f412's SRAM: ...");
  EXPECT_EQ(cases[2]->attribute("name"), "flash_bytes > 1 MB = 1,000,000 B");
  EXPECT_EQ(only(*cases[2], "skipped").attribute("message"),
            "not evaluated: the run gave no result (fail if flash_bytes > 1 MB = 1,000,000 B)");
}

TEST(Junit, AnUnwritablePathIsStatus73) {
  ScratchDir dir;
  try {
    profiler::write_junit(dir / "no" / "such" / "dir.xml", "<testsuites/>");
    FAIL() << "wrote into a missing folder";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kCantCreate);
    EXPECT_NE(std::string(e.what()).find("dir.xml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mcuprof::test
