// The cycle model's specification: the firmware micro-benchmarks of
// tests/firmware/cycles/ run on every test board (one per core family and memory
// system, tests/targets/) and on every catalogue board, each checking the counts the
// TRMs give (docs/cycle-model.md); the memory-system measurements against each board's
// wait states; and CYCCNT read by the firmware against `mcuprof run --function-cycles`.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

const std::filesystem::path kBoardFirmware = MCUPROF_TEST_BOARD_FIRMWARE_DIR;
const std::filesystem::path kTestBoards =
    std::filesystem::path(MCUPROF_SOURCE_DIR) / "tests/targets";

struct Console final : sim::MachineObserver {
  std::string text;
  void on_console(sim::ConsoleSource, std::string_view t) override { text += t; }
};

struct Outcome {
  sim::RunResult result;
  std::string console;
};

Outcome run_elf(const targets::Target& target, const std::filesystem::path& elf) {
  Outcome o;
  sim::Machine machine(target, sim::make_cycle_model(target));
  machine.load(sim::ElfImage::load(elf));
  Console console;
  machine.add_observer(&console);
  sim::RunOptions options;
  options.max_cycles = 50'000'000;
  o.result = machine.run(options);
  o.console = console.text;
  return o;
}

const char* kPrograms[] = {"cycles_core", "cycles_branch", "cycles_divide", "cycles_fpu",
                           "cycles_m33"};

// Runs every micro-benchmark program built for `board`; returns how many ran.
int check_board(const targets::Target& target, const std::filesystem::path& dir) {
  int ran = 0;
  for (const char* program : kPrograms) {
    const auto elf = dir / (std::string(program) + ".elf");
    if (!std::filesystem::exists(elf)) continue;  // not built for this core
    SCOPED_TRACE(elf.string());
    const Outcome o = run_elf(target, elf);
    EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail << "\n" << o.console;
    EXPECT_EQ(o.result.exit_code, 0) << "failed checks on " << target.name << ":\n" << o.console;
    EXPECT_NE(o.console.find(" ok\n"), std::string::npos) << o.console;  // it checked something
    ++ran;
  }
  return ran;
}

std::map<std::string, uint32_t> measures(const std::string& console) {
  std::map<std::string, uint32_t> out;
  std::istringstream in(console);
  std::string word, name;
  uint32_t value = 0;
  while (in >> word)
    if (word == "MEASURE" && in >> name >> value) out[name] = value;
  return out;
}

}  // namespace

class CycleBenchmarksPerCore : public ::testing::TestWithParam<std::string> {};

TEST_P(CycleBenchmarksPerCore, MatchTheDocumentedCounts) {
  const std::string board = GetParam();
  const auto target = targets::load_target_file(kTestBoards / (board + ".json"));
  const auto dir = kBoardFirmware / board;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "missing firmware " << dir;
  EXPECT_GE(check_board(target, dir), 2);
}

// One board per core family: M0+, M3, M4, M33, M7.
INSTANTIATE_TEST_SUITE_P(Cores, CycleBenchmarksPerCore,
                         ::testing::Values("cyc-m0plus", "cyc-m3", "cyc-m4", "cyc-m33", "cyc-m7"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(CycleBenchmarks, PassOnEveryCatalogueBoard) {
  const auto catalogue = targets::Catalogue::from_directory(test::targets_dir());
  int ran = 0;
  for (const auto& target : catalogue.targets())
    ran += check_board(target, test::test_firmware(target.name, "x").parent_path());
  if (ran == 0) GTEST_SKIP() << "no micro-benchmark firmware built for the catalogue";
}

// docs/cycle-model.md R-FLASH-DATA, R-FLASH-FETCH, R-PREFETCH, R-ART: the body is 32
// 16-bit NOPs (4 lines of 16 bytes, 8 cycles each) or 16 ADD.W (4 lines, 4 cycles each).
// Without prefetch each new line costs the wait states; with prefetch a sequential
// line costs max(0, ws + 1 - cycles spent in the line before); the ART serves warm lines
// at zero wait. A flash data load costs 2 + ws, 2 when the ART holds its line.
TEST(CycleBenchmarks, MemorySystemFromTheTargetFile) {
  struct Expect {
    const char* board;
    uint32_t load, narrow, wide;
  };
  const Expect table[] = {
      {"cyc-m4", 2, 32, 16},
      {"cyc-m4-flash2", 2 + 2, 32 + 4 * 2, 16 + 4 * 2},
      // ws 5: narrow lines hide it (8 >= 6); wide: first body line after the 5-cycle
      // line holding t0 stalls 1 (as the baseline's trailing line does), the others and
      // the trailing line 6 - 4 = 2 each.
      {"cyc-m4-prefetch", 2 + 5, 32, 16 + 1 + 3 * 2 + 2 - 1},
      {"cyc-m4-art", 2, 32, 16},
      {"cyc-m0plus", 2, 32, 0},
      // R7-NOP: the 32 NOPs issue two per cycle; the 16 dependent ADD.W one per cycle,
      // but the first two share one (R7-EARLY-ALU: the second takes the first's result
      // from the early ALU; the third's comes from the late ALU, too late to run early).
      {"cyc-m7", 1, 16, 15},
  };
  for (const auto& e : table) {
    SCOPED_TRACE(e.board);
    const auto elf = kBoardFirmware / e.board / "cycles_memory.elf";
    if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
    const auto target = targets::load_target_file(kTestBoards / (std::string(e.board) + ".json"));
    const Outcome o = run_elf(target, elf);
    ASSERT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
    const auto m = measures(o.console);
    EXPECT_EQ(m.at("flash-load"), e.load) << o.console;
    EXPECT_EQ(m.at("flash-fetch-narrow"), e.narrow) << o.console;
    if (e.wide != 0) {
      EXPECT_EQ(m.at("flash-fetch-wide"), e.wide) << o.console;
    }
  }
}

// What the firmware reads from DWT->CYCCNT around a call is what mcuprof reports for
// the function: (CYCCNT around work) - (CYCCNT around empty) == cycles(work) -
// cycles(empty) from `mcuprof run --function-cycles`, on every core and memory system.
TEST(CycleBenchmarks, CyccntAgreesWithFunctionCycles) {
  for (const char* board :
       {"cyc-m0plus", "cyc-m3", "cyc-m4", "cyc-m33", "cyc-m7", "cyc-m4-flash2", "cyc-m4-art"}) {
    SCOPED_TRACE(board);
    const auto elf = kBoardFirmware / board / "cycles_measured.elf";
    if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
    test::ScratchDir scratch;
    const auto summary = scratch / "summary.json";
    const auto r =
        test::run_process({test::mcuprof_binary().string(), "run", elf.string(), "--target-file",
                           (kTestBoards / (std::string(board) + ".json")).string(),
                           "--function-cycles", "1000", "--summary", summary.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto m =
        measures("MEASURE work " + r.out.substr(r.out.find("work ") + 5, r.out.find('\n') - 5) +
                 " MEASURE empty " + r.out.substr(r.out.find("empty ") + 6));
    std::ifstream in(summary);
    const auto s = nlohmann::json::parse(in);
    std::map<std::string, uint64_t> fc;
    uint64_t sum = 0;
    for (const auto& f : s["functions"]) {
      fc[f["name"].get<std::string>()] = f["cycles"].get<uint64_t>();
      sum += f["cycles"].get<uint64_t>();
    }
    ASSERT_TRUE(fc.count("measured_work") && fc.count("measured_empty")) << r.err;
    EXPECT_GT(m.at("work"), 1000u);
    EXPECT_EQ(int64_t{m.at("work")} - int64_t{m.at("empty")},
              int64_t(fc["measured_work"]) - int64_t(fc["measured_empty"]))
        << r.out << r.err;
    EXPECT_EQ(sum, s["machine_cycles"].get<uint64_t>());  // every cycle belongs to a row
  }
}
