// CI gates on `mcuprof run` end to end through the built CLI: messages with units and the
// limit, the verdict line, the distinct exit status, JUnit XML named after the run and its
// board (read back with an XML parser) — also for a model refused before running — and
// refusal of malformed conditions and unknown metrics before anything runs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "files.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"
#include "xml_tree.hpp"

namespace mcuprof::test {
namespace {

namespace exit_code = profiler::exit_code;

ProcessResult run_with(const std::filesystem::path& firmware,
                       const std::vector<std::string>& extra) {
  std::vector<std::string> args = {mcuprof_binary().string(), "run", "--target", "stm32f412",
                                   firmware.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_process(args);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const XmlElement& suite_of(const XmlElement& doc) {
  const auto suites = doc.children_named("testsuite");
  if (doc.name != "testsuites" || suites.size() != 1)
    throw std::runtime_error("not one <testsuite> in <testsuites>");
  return *suites.front();
}

TEST(CliGates, PassFailVerdictAndJunit) {
  const auto events = test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(events)) GTEST_SKIP() << "missing firmware " << events;
  ScratchDir dir;

  const auto pass =
      run_with(events, {"--fail-if", "peak_sram > 100KiB", "--fail-if", "latency_ms>=1s"});
  EXPECT_EQ(pass.status, 0) << pass.err;
  EXPECT_TRUE(has(pass.err, "KiB ≤ 100 KiB: pass (fail if > 100 KiB)")) << pass.err;
  EXPECT_TRUE(has(pass.err, " s < 1 s: pass (fail if ≥ 1 s)")) << pass.err;
  EXPECT_TRUE(has(pass.err, "verdict: PASS (0 of 2 gates failed)")) << pass.err;

  const auto junit = dir / "gates.xml";
  const auto fail = run_with(
      events, {"--fail-if", "cycles>10", "--fail-if", "macs<1k", "--junit", junit.string()});
  EXPECT_EQ(fail.status, exit_code::kGateFailed) << fail.err;
  EXPECT_TRUE(has(fail.err, "> 10: FAIL (fail if > 10)")) << fail.err;
  EXPECT_TRUE(has(fail.err, "gate: macs 6.50 k ≥ 1 k: pass (fail if < 1 k)")) << fail.err;
  EXPECT_TRUE(has(fail.err, "verdict: FAIL (1 of 2 gates failed)")) << fail.err;
  const auto doc = parse_xml(read_text(junit));
  const XmlElement& suite = suite_of(*doc);
  EXPECT_EQ(suite.attribute("name"), events.filename().string() + " on stm32f412");
  EXPECT_EQ(suite.attribute("tests"), "3");
  EXPECT_EQ(suite.attribute("failures"), "1");
  const auto cases = suite.children_named("testcase");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_TRUE(cases[0]->children_named("failure").empty());  // the run itself exited 0
  EXPECT_EQ(cases[1]->attribute("name"), "cycles > 10");
  ASSERT_EQ(cases[1]->children_named("failure").size(), 1u);
  const std::string message = cases[1]->children_named("failure")[0]->attribute("message");
  EXPECT_TRUE(has(fail.err, "gate: " + message)) << message;  // the same words on stderr
  EXPECT_TRUE(cases[2]->children_named("failure").empty());

  // The arena's tensors peak at 448 bytes live at once: a threshold at it fails.
  const auto tight = run_with(events, {"--fail-if", "arena_live_peak>=448B"});
  EXPECT_EQ(tight.status, exit_code::kGateFailed) << tight.err;
  EXPECT_TRUE(has(tight.err, "gate: arena_live_peak 448 B ≥ 448 B: FAIL")) << tight.err;

  // A figure the run did not measure fails its gate.
  const auto unmeasured = run_with(events, {"--fail-if", "oob_writes>0"});
  EXPECT_EQ(unmeasured.status, exit_code::kGateFailed) << unmeasured.err;
  EXPECT_TRUE(has(unmeasured.err, "gate: oob_writes not measured: FAIL")) << unmeasured.err;
}

TEST(CliGates, MalformedGatesAndUnknownMetricsAreStatus64BeforeRunning) {
  const auto events = test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(events)) GTEST_SKIP() << "missing firmware " << events;
  ScratchDir dir;
  for (const std::string bad : {"peak_sram", "nosuch>1", "speed>3", "peak_sram>lots",
                                "peak_sram>3parsecs", ">5", "peak_sram=5"}) {
    const auto r = run_with(events, {"--fail-if", bad, "--db", (dir / "t.db").string(), "--junit",
                                     (dir / "j.xml").string()});
    EXPECT_EQ(r.status, exit_code::kUsage) << bad << ": " << r.err;
    EXPECT_TRUE(has(r.err, "--fail-if '" + bad + "'")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line
    if (bad == "nosuch>1") {
      EXPECT_TRUE(has(r.err, "unknown metric 'nosuch'")) << r.err;
      EXPECT_TRUE(has(r.err, "flash_bytes, arena_bytes")) << r.err;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "t.db"));  // refused before running
  EXPECT_FALSE(std::filesystem::exists(dir / "j.xml"));
}

TEST(CliGates, ModelRunsAreNamedAfterTheModelAndRefusalsWriteJunit) {
  ScratchDir dir;
  write_bytes(dir / "small.tflite", compiler::generate_model({"resnet", 0.25, 32, 2, 4}));
  const auto junit = dir / "small.xml";
  const auto ran = run_with(dir / "small.tflite",
                            {"--fail-if", "peak_sram>256KiB", "--fail-if", "arena_bytes>=1MiB",
                             "--fail-if", "cycles>1", "--junit", junit.string()});
  EXPECT_EQ(ran.status, exit_code::kGateFailed) << ran.err;
  EXPECT_TRUE(has(ran.err, "KiB ≤ 256 KiB: pass (fail if > 256 KiB)")) << ran.err;
  EXPECT_TRUE(has(ran.err, "MiB < 1 MiB: pass (fail if ≥ 1 MiB)")) << ran.err;
  EXPECT_TRUE(has(ran.err, "> 1: FAIL (fail if > 1)")) << ran.err;
  const auto doc = parse_xml(read_text(junit));
  const XmlElement& suite = suite_of(*doc);
  EXPECT_EQ(suite.attribute("name"), "small.tflite on stm32f412");  // not model_runner.elf
  EXPECT_EQ(suite.attribute("tests"), "4");
  EXPECT_EQ(suite.attribute("failures"), "1");

  // Activations beyond 256 KiB of SRAM: refused before running, and the report says so.
  write_bytes(dir / "wide.tflite", compiler::generate_model({"resnet", 0.5, 160, 1, 10}));
  const auto refused_xml = dir / "wide.xml";
  const auto refused = run_with(
      dir / "wide.tflite", {"--fail-if", "peak_sram>256KiB", "--junit", refused_xml.string(),
                            "--summary", (dir / "wide.json").string(), "--name", "wide resnet"});
  EXPECT_EQ(refused.status, exit_code::kDataError) << refused.err;
  EXPECT_TRUE(has(refused.err, "does not fit stm32f412's SRAM")) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "wide.json"));
  const auto refused_doc = parse_xml(read_text(refused_xml));
  const XmlElement& refused_suite = suite_of(*refused_doc);
  EXPECT_EQ(refused_suite.attribute("name"), "wide resnet on stm32f412");  // --name
  EXPECT_EQ(refused_suite.attribute("failures"), "1");
  EXPECT_EQ(refused_suite.attribute("skipped"), "1");
  const auto cases = refused_suite.children_named("testcase");
  ASSERT_EQ(cases.size(), 2u);
  ASSERT_EQ(cases[0]->children_named("failure").size(), 1u);
  const std::string why = cases[0]->children_named("failure")[0]->attribute("message");
  EXPECT_TRUE(has(why, "no result (status 65): wide.tflite does not fit stm32f412's SRAM")) << why;
  EXPECT_EQ(cases[1]->attribute("name"), "peak_sram > 256 KiB");
  EXPECT_EQ(cases[1]->children_named("skipped").size(), 1u);

  // A schedule the patch executor cannot run is refused the same way.
  const auto bad_schedule =
      run_with(dir / "small.tflite", {"--schedule", "patch:64x64@1", "--junit", junit.string()});
  EXPECT_NE(bad_schedule.status, 0) << bad_schedule.err;
  const auto schedule_doc = parse_xml(read_text(junit));
  const XmlElement& schedule_suite = suite_of(*schedule_doc);
  EXPECT_EQ(schedule_suite.attribute("failures"), "1");
  const auto schedule_cases = schedule_suite.children_named("testcase");
  ASSERT_EQ(schedule_cases.size(), 1u);
  const auto schedule_failure = schedule_cases[0]->children_named("failure");
  ASSERT_EQ(schedule_failure.size(), 1u);
  EXPECT_TRUE(has(schedule_failure[0]->attribute("message"),
                  fmt::format("no result (status {})", bad_schedule.status)))
      << schedule_failure[0]->attribute("message");
}

}  // namespace
}  // namespace mcuprof::test
