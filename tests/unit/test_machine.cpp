// The machine end to end on cross-built firmware: ITM console and events,
// semihosting, exit status, cycle budget, access faults, determinism, and the demo's
// result checked against the same kernel built for the host.
#include <gtest/gtest.h>

#include <cstdio>

#include "mcuprof/sim/error.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"

extern "C" {
#include "../../runtime/firmware/apps/demo_kernel.h"
}

using namespace mcuprof;

namespace {

struct Recorder final : sim::MachineObserver {
  std::string itm;
  std::string semihosting;
  struct Event {
    unsigned port;
    uint32_t value;
    unsigned size;
  };
  std::vector<Event> events;
  void on_console(sim::ConsoleSource source, std::string_view text) override {
    (source == sim::ConsoleSource::Itm ? itm : semihosting) += text;
  }
  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t) override {
    events.push_back({port, value, size});
  }
};

const targets::Target& f412() {
  static const auto catalogue = targets::Catalogue::from_directory(test::targets_dir());
  return catalogue.find("stm32f412");
}

struct Outcome {
  sim::RunResult result;
  Recorder seen;
};

Outcome run(const std::filesystem::path& elf, uint64_t max_cycles = 100'000'000) {
  Outcome o;
  sim::Machine machine(f412(), sim::make_unit_cycle_model(f412()));
  machine.load(sim::ElfImage::load(elf));
  machine.add_observer(&o.seen);
  sim::RunOptions options;
  options.max_cycles = max_cycles;
  o.result = machine.run(options);
  return o;
}

#define REQUIRE_FIRMWARE(path) \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing firmware " << (path)

}  // namespace

TEST(Machine, ItmConsoleEventsSemihostingAndExitStatus) {
  const auto elf = test::test_firmware("stm32f412", "itm_exit");
  REQUIRE_FIRMWARE(elf);
  const auto o = run(elf);
  EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  EXPECT_EQ(o.result.exit_code, 42);
  EXPECT_EQ(o.seen.itm, "hello from ITM\n");
  EXPECT_EQ(o.seen.semihosting, "hello from semihosting\n");
  ASSERT_EQ(o.seen.events.size(), 1u);
  EXPECT_EQ(o.seen.events[0].port, 3u);
  EXPECT_EQ(o.seen.events[0].value, 0xCAFEF00Du);
  EXPECT_EQ(o.seen.events[0].size, 4u);
  EXPECT_GT(o.result.instructions, 50u);
  EXPECT_EQ(o.result.cycles, o.result.instructions);  // unit model: 1 cycle each
}

TEST(Machine, StopsAtTheCycleBudget) {
  const auto elf = test::test_firmware("stm32f412", "spin_forever");
  REQUIRE_FIRMWARE(elf);
  const auto o = run(elf, 20'000);
  EXPECT_EQ(o.result.reason, sim::StopReason::CycleBudget);
  EXPECT_GE(o.result.cycles, 20'000u);
  EXPECT_LT(o.result.cycles, 20'100u);  // stops within a block of the budget
  EXPECT_EQ(o.seen.itm, "spinning\n");
}

TEST(Machine, UnmappedReadIsAFaultWithItsAddress) {
  const auto elf = test::test_firmware("stm32f412", "unmapped_read");
  REQUIRE_FIRMWARE(elf);
  const auto o = run(elf);
  EXPECT_EQ(o.result.reason, sim::StopReason::Fault);
  EXPECT_EQ(o.result.fault, sim::FaultKind::UnmappedAccess) << o.result.detail;
  ASSERT_TRUE(o.result.fault_address.has_value());
  EXPECT_EQ(*o.result.fault_address, 0x60000000u);
}

TEST(Machine, WriteToFlashIsAFault) {
  const auto elf = test::test_firmware("stm32f412", "flash_write");
  REQUIRE_FIRMWARE(elf);
  const auto o = run(elf);
  EXPECT_EQ(o.result.reason, sim::StopReason::Fault);
  EXPECT_EQ(o.result.fault, sim::FaultKind::FlashWrite) << o.result.detail;
  EXPECT_EQ(o.result.fault_address.value_or(0), 0x08000000u);
}

TEST(Machine, DemoChecksumMatchesTheHostBuildOfTheSameKernel) {
  const auto elf = test::firmware("stm32f412", "demo");
  REQUIRE_FIRMWARE(elf);
  const auto o = run(elf);
  ASSERT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  EXPECT_EQ(o.result.exit_code, 0);

  demo_fill();
  conv3x3();
  char expected[32];
  std::snprintf(expected, sizeof expected, "checksum: 0x%08x\n", checksum());
  EXPECT_NE(o.seen.itm.find(expected), std::string::npos) << o.seen.itm;
  // DWT->CYCCNT counted the convolution: non-zero and below the whole run.
  const auto at = o.seen.itm.find("conv cycles (DWT->CYCCNT): ");
  ASSERT_NE(at, std::string::npos);
  const uint64_t conv_cycles = std::stoull(o.seen.itm.substr(at + 27));
  EXPECT_GT(conv_cycles, 16u * 16 * 8 * 9 * 8);  // at least one instruction per MAC
  EXPECT_LT(conv_cycles, o.result.cycles);
}

TEST(Machine, RunsAreDeterministic) {
  const auto elf = test::firmware("stm32f412", "demo");
  REQUIRE_FIRMWARE(elf);
  const auto a = run(elf);
  const auto b = run(elf);
  EXPECT_EQ(a.result.cycles, b.result.cycles);
  EXPECT_EQ(a.result.instructions, b.result.instructions);
  EXPECT_EQ(a.seen.itm, b.seen.itm);
}

TEST(Machine, RefusesAnImageLinkedForOtherMemories) {
  const auto elf = test::firmware("stm32f412", "demo");
  REQUIRE_FIRMWARE(elf);
  auto other = f412();
  other.memories[0].base = 0x00000000;  // flash moved: the image no longer fits
  sim::Machine machine(other, nullptr);
  try {
    machine.load(sim::ElfImage::load(elf));
    FAIL() << "image loaded";
  } catch (const sim::SimError& e) {
    EXPECT_EQ(e.kind(), sim::SimError::Kind::ImageDoesNotFit);
    EXPECT_NE(std::string(e.what()).find("0x08000000"), std::string::npos) << e.what();
  }
}

TEST(Machine, ReportsProgressEveryFiftyMillionCycles) {
  const auto elf = test::test_firmware("stm32f412", "spin_forever");
  REQUIRE_FIRMWARE(elf);
  struct Progress final : sim::MachineObserver {
    std::vector<uint64_t> cycles;
    void on_progress(uint64_t c, uint64_t instructions) override {
      EXPECT_LE(instructions, c * 2);
      cycles.push_back(c);
    }
  } progress;
  sim::Machine machine(f412(), sim::make_unit_cycle_model(f412()));
  machine.load(sim::ElfImage::load(elf));
  machine.add_observer(&progress);
  sim::RunOptions options;
  options.max_cycles = 120'000'000;
  const auto result = machine.run(options);
  EXPECT_EQ(result.reason, sim::StopReason::CycleBudget);
  ASSERT_EQ(progress.cycles.size(), 2u);
  EXPECT_GE(progress.cycles[0], 50'000'000u);
  EXPECT_LT(progress.cycles[0], 50'001'000u);
  EXPECT_GE(progress.cycles[1], 100'000'000u);
}
