// CI gates on `mcuprof run`: conditions with units, the verdict line, the distinct exit
// status, JUnit XML, and refusal of malformed conditions before anything runs.
#include <gtest/gtest.h>

#include <fstream>

#include "mcuprof/profiler/exit_codes.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

test::ProcessResult run_with(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {test::mcuprof_binary().string(), "run", "--target", "stm32f412",
                                   test::test_firmware("stm32f412", "events").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_process(args);
}

}  // namespace

TEST(CliGates, PassFailVerdictAndJunit) {
  if (!std::filesystem::exists(test::test_firmware("stm32f412", "events")))
    GTEST_SKIP() << "missing firmware " << test::test_firmware("stm32f412", "events");
  test::ScratchDir dir;

  const auto pass = run_with({"--fail-if", "peak_sram > 100KiB", "--fail-if", "latency_ms>=1s"});
  EXPECT_EQ(pass.status, 0) << pass.err;
  EXPECT_NE(pass.err.find("verdict: PASS (0 of 2 gates failed)"), std::string::npos) << pass.err;

  const auto junit = dir / "gates.xml";
  const auto fail =
      run_with({"--fail-if", "cycles>10", "--fail-if", "macs<1k", "--junit", junit.string()});
  EXPECT_EQ(fail.status, exit_code::kGateFailed) << fail.err;
  EXPECT_NE(fail.err.find("gate FAILED: cycles>10"), std::string::npos) << fail.err;
  EXPECT_NE(fail.err.find("gate passed: macs<1k (macs = 6500)"), std::string::npos) << fail.err;
  EXPECT_NE(fail.err.find("verdict: FAIL (1 of 2 gates failed)"), std::string::npos) << fail.err;
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find(R"(tests="3" failures="1")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="cycles&gt;10"><failure)"), std::string::npos) << xml;

  // The firmware announces a 1 KiB arena: a threshold at it fails.
  const auto tight = run_with({"--fail-if", "arena>=1KiB"});
  EXPECT_EQ(tight.status, exit_code::kGateFailed) << tight.err;

  for (const std::string bad :
       {"peak_sram", "speed>3", "peak_sram>lots", "peak_sram>3parsecs", ">5"}) {
    const auto r = run_with({"--fail-if", bad, "--db", (dir / "t.db").string()});
    EXPECT_EQ(r.status, exit_code::kUsage) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--fail-if"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "t.db"));  // refused before running
}
