// Exception entry/return, NVIC, SysTick, SCB and the FP frame on cross-built test
// firmware (tests/firmware/machine), on every catalogue board the program is built
// for; the newlib printf + SysTick program through the CLI on every board; and
// determinism of runs with interrupts.
#include <gtest/gtest.h>

#include "machine_test_support.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

uint32_t expected_cpuid(targets::Core core) {
  // CPUID values from each core's Technical Reference Manual (implementer 0x41 'A',
  // architecture 0xC for ARMv6-M/ARMv7-M/ARMv8-M, part numbers C20/C60/C23/C24/C27/D21).
  switch (core) {
    case targets::Core::CortexM0:
      return 0x410CC200;
    case targets::Core::CortexM0Plus:
      return 0x410CC601;
    case targets::Core::CortexM3:
      return 0x412FC231;
    case targets::Core::CortexM4:
      return 0x410FC241;
    case targets::Core::CortexM7:
      return 0x411FC272;
    case targets::Core::CortexM33:
      return 0x410FD213;
  }
  return 0;
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

TEST(MachineExceptions, SvcIrqNestingAndScbOnEveryBoard) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, "exceptions");
    if (!std::filesystem::exists(elf)) continue;
    ++boards;
    const auto o = test::run_on(target, elf);
    EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << target.name << ": " << o.result.detail;
    EXPECT_EQ(o.result.exit_code, 0) << target.name << ": " << o.seen.itm;
    EXPECT_NE(o.seen.itm.find("cpuid " + hex(expected_cpuid(target.core)) + "\n"),
              std::string::npos)
        << target.name << ": " << o.seen.itm;
    EXPECT_NE(o.seen.itm.find("svc ok\nirq ok\nnesting ok\n"), std::string::npos)
        << target.name << ": " << o.seen.itm;
  }
  if (boards == 0) GTEST_SKIP() << "exceptions firmware not built";
  EXPECT_EQ(boards, static_cast<int>(test::catalogue().targets().size()));
}

TEST(MachineExceptions, CoresWithoutACatalogueBoardRunTheSameProgram) {
  // Cortex-M0 and M3 run the ARMv6-M build (RP2040), the M33 the ARMv7E-M build
  // (STM32F412): each machine reports its own CPUID and takes the same exceptions.
  REQUIRE_TEST_FIRMWARE("rp2040", "exceptions");
  REQUIRE_TEST_FIRMWARE("stm32f412", "exceptions");
  struct Case {
    const char* board;
    targets::Core core;
    bool fpu;
    unsigned priority_bits;
  };
  for (const Case& c : {Case{"rp2040", targets::Core::CortexM0, false, 2},
                        Case{"rp2040", targets::Core::CortexM3, false, 3},
                        Case{"stm32f412", targets::Core::CortexM33, true, 4}}) {
    auto target = test::catalogue().find(c.board);
    target.core = c.core;
    target.fpu = c.fpu;
    target.priority_bits = c.priority_bits;
    const auto o = test::run_on(target, test::test_firmware(c.board, "exceptions"));
    const std::string core(targets::to_string(c.core));
    EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << core << ": " << o.result.detail;
    EXPECT_EQ(o.result.exit_code, 0) << core << ": " << o.seen.itm;
    EXPECT_NE(o.seen.itm.find("cpuid " + hex(expected_cpuid(c.core)) + "\n"), std::string::npos)
        << core << ": " << o.seen.itm;
  }
}

TEST(MachineExceptions, FpFrameAndLazyStackingOnFpuBoards) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, "fp_frame");
    if (!std::filesystem::exists(elf)) continue;
    ++boards;
    const auto o = test::run_on(target, elf);
    EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << target.name << ": " << o.result.detail;
    EXPECT_EQ(o.result.exit_code, 0) << target.name << ": " << o.seen.itm;
    EXPECT_EQ(o.seen.itm, "fp frame ok\n") << target.name;
  }
  if (boards == 0) GTEST_SKIP() << "fp_frame firmware not built";
}

TEST(MachineExceptions, ThreadModeOnTheProcessStackOnEveryBoard) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, "psp_thread");
    if (!std::filesystem::exists(elf)) continue;
    ++boards;
    const auto o = test::run_on(target, elf);
    EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << target.name << ": " << o.result.detail;
    EXPECT_EQ(o.result.exit_code, 0) << target.name << ": " << o.seen.itm;
    EXPECT_EQ(o.seen.itm, "psp ok\n") << target.name;
  }
  if (boards == 0) GTEST_SKIP() << "psp_thread firmware not built";
}

TEST(MachineExceptions, PrintfAndSysTickThroughTheCliOnEveryBoard) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, "printf_systick");
    if (!std::filesystem::exists(elf)) continue;
    ++boards;
    const auto r = test::run_process(
        {test::mcuprof_binary().string(), "run", elf.string(), "--target", target.name});
    EXPECT_EQ(r.status, 0) << target.name << ": " << r.err;
    EXPECT_EQ(r.out,
              "hello from newlib printf: 42 forty-two 0x2a\n"
              "systick: 10 ticks of 1 ms\n")
        << target.name;
  }
  if (boards == 0) GTEST_SKIP() << "printf_systick firmware not built";
  EXPECT_EQ(boards, static_cast<int>(test::catalogue().targets().size()));
}

TEST(MachineExceptions, SysTickTimeIsSimulatedTime) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "printf_systick");
  const auto o = test::run_program("stm32f412", "printf_systick");
  ASSERT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  // Ten 1 ms ticks at 100 MHz: the run lasts at least 10 ms of simulated time, and the
  // core slept (WFI) through most of it, so far fewer instructions than cycles.
  EXPECT_GE(o.result.cycles, 1'000'000u);
  EXPECT_LT(o.result.cycles, 1'100'000u);
  EXPECT_LT(o.result.instructions, o.result.cycles / 10);
}

TEST(MachineExceptions, RunsWithInterruptsAreDeterministic) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "exceptions");
  for (const char* program : {"exceptions", "fp_frame", "printf_systick"}) {
    const auto a = test::run_program("stm32f412", program);
    const auto b = test::run_program("stm32f412", program);
    EXPECT_EQ(a.result.cycles, b.result.cycles) << program;
    EXPECT_EQ(a.result.instructions, b.result.instructions) << program;
    EXPECT_EQ(a.seen.itm, b.seen.itm) << program;
    EXPECT_EQ(a.seen.semihosting, b.seen.semihosting) << program;
    EXPECT_EQ(a.seen.events, b.seen.events) << program;
  }
}
