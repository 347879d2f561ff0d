// `mcuprof report`, `compare` and `plot` on runs of a firmware that reports its layers,
// patches and tensors: the tables agree with the stored spans, the comparison's deltas
// with the two runs, and the plot files are real images.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "files.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

test::ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), test::mcuprof_binary().string());
  return test::run_process(args);
}

}  // namespace

TEST(CliReport, ReportCompareAndPlotStoredRuns) {
  const auto elf = test::test_firmware("stm32f412", "events");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  test::ScratchDir dir;
  const auto db = (dir / "t.db").string();
  ASSERT_EQ(cli({"run", "--target", "stm32f412", elf.string(), "--db", db}).status, 0);
  ASSERT_EQ(cli({"run", "--target", "stm32f412", elf.string(), "--db", db, "--unit-cycles"}).status,
            0);

  const auto json = cli({"report", db, "--run", "1", "--format", "json"});
  ASSERT_EQ(json.status, 0) << json.err;
  const auto r = nlohmann::json::parse(json.out);
  ASSERT_EQ(r["layers"].size(), 3u);
  EXPECT_EQ(r["patches"].size(), 2u);
  uint64_t layer_cycles = 0;
  double share = 0;
  for (const auto& l : r["layers"]) {
    layer_cycles += l["cycles"].get<uint64_t>();
    share += l["share_pct"].get<double>() / 100.0;
  }
  EXPECT_LT(layer_cycles, r["run"]["total_cycles"].get<uint64_t>());
  EXPECT_NEAR(share, static_cast<double>(layer_cycles) / r["run"]["total_cycles"].get<double>(),
              1e-9);
  EXPECT_EQ(r["run"]["macs"], 6500);

  const auto text = cli({"report", db});  // newest run by default
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("cycles/MAC"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("patch 0,1"), std::string::npos) << text.out;
  const auto csv = cli({"report", db, "--format", "csv"});
  ASSERT_EQ(csv.status, 0);
  EXPECT_EQ(csv.out.rfind("index,layer,op,spans,cycles,latency_ms,share_pct", 0), 0u) << csv.out;
  EXPECT_EQ(csv.out.find(" %"), std::string::npos) << csv.out;  // raw numbers only
  EXPECT_EQ(csv.out.find("KiB"), std::string::npos) << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);
  const auto md = cli({"report", db, "--format", "markdown"});
  EXPECT_NE(md.out.find("|---"), std::string::npos);

  const auto cmp = cli({"compare", db, "1", "2", "--format", "json"});
  ASSERT_EQ(cmp.status, 0) << cmp.err;
  const auto c = nlohmann::json::parse(cmp.out);
  EXPECT_EQ(c["delta"]["total_cycles"].get<int64_t>(),
            c["b"]["total_cycles"].get<int64_t>() - c["a"]["total_cycles"].get<int64_t>());
  EXPECT_EQ(c["delta"]["peak_sram_bytes"], 0);  // same firmware, same arena plan
  EXPECT_EQ(c["layers"].size(), 3u);
  const auto cmp_text = cli({"compare", db, "1", "2"});
  EXPECT_NE(cmp_text.out.find("peak SRAM"), std::string::npos);

  const auto png = (dir / "m.png").string();
  const auto plot = cli({"plot", db, "--runs", "1,2", "--out", png, "--x", "progress"});
  ASSERT_EQ(plot.status, 0) << plot.err;
  EXPECT_EQ(test::read_text(png).substr(1, 3), "PNG");
  const auto svg = (dir / "m.svg").string();
  ASSERT_EQ(cli({"plot", db, "--runs", "1", "--out", svg}).status, 0);
  EXPECT_NE(test::read_text(svg).find("<svg"), std::string::npos);

  EXPECT_EQ(cli({"report", (dir / "missing.db").string()}).status, 66);
  const auto bad_run = cli({"report", db, "--run", "99"});
  EXPECT_EQ(bad_run.status, 65);
  EXPECT_NE(bad_run.err.find("runs: 1 (events.elf), 2 (events.elf)"), std::string::npos)
      << bad_run.err;
  EXPECT_EQ(cli({"plot", db, "--out", (dir / "no/such/dir/m.png").string()}).status, 73);
}
