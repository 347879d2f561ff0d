// Every fault kind on cross-built firmware: the kind the chip would raise (with
// escalation to HardFault), the report naming the faulting function and instruction,
// the fault status registers, and the distinct exit code of `mcuprof run`.
#include <gtest/gtest.h>

#include "machine_test_support.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/traces/store.hpp"
#include "process.hpp"

using namespace mcuprof;
namespace exit_code = mcuprof::profiler::exit_code;

namespace {

struct FaultCase {
  const char* program;
  sim::FaultKind kind;
  const char* function;     // report location starts with this
  const char* instruction;  // report instruction starts with this
  uint32_t cfsr_bits;       // bits that must be set in CFSR
  uint32_t hfsr_bits;
  int exit_status;
};

constexpr uint32_t kForced = 1u << 30;

const FaultCase kCases[] = {
    {"fault_undefined", sim::FaultKind::HardFault, "fault_here+", "udf", 1u << 16, kForced,
     exit_code::kFaultHardFault},
    {"fault_usage", sim::FaultKind::UsageFault, "usage_fault_here", "udf", 1u << 16, 0,
     exit_code::kFaultUsageFault},
    // CCR.DIV_0_TRP: the divide returned 0 before the bit was set (else exit 2).
    {"fault_divide", sim::FaultKind::UsageFault, "divide_here", "sdiv", 1u << 25, 0,
     exit_code::kFaultUsageFault},
    {"fault_unmapped", sim::FaultKind::UnmappedAccess, "read_missing+", "ldr",
     (1u << 9) | (1u << 15), kForced, exit_code::kFaultUnmappedAccess},
    {"fault_flash", sim::FaultKind::FlashWrite, "scribble", "str", (1u << 9) | (1u << 15), kForced,
     exit_code::kFaultFlashWrite},
    {"fault_stack", sim::FaultKind::StackOverflow, "recurse", "", 0, 0,
     exit_code::kFaultStackOverflow},
    {"fault_svc", sim::FaultKind::HardFault, "call_with_interrupts_off+", "svc", 0, kForced,
     exit_code::kFaultHardFault},
    {"fault_lockup", sim::FaultKind::Lockup, "NMI_Handler", "udf", 1u << 16, kForced,
     exit_code::kFaultLockup},
    {"fault_sleep", sim::FaultKind::Lockup, "main+", "wfi", 0, 0, exit_code::kFaultLockup},
    {"fault_nocp", sim::FaultKind::HardFault, "", "v", 1u << 19, kForced,
     exit_code::kFaultHardFault},
    {"fault_xn", sim::FaultKind::MemManage, "0x40000000", "(none", 1u << 0, 0,
     exit_code::kFaultMemManage},
};

}  // namespace

TEST(MachineFaults, EachKindIsReportedWithFunctionInstructionAndStatusRegisters) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.program);
    const auto elf = test::test_firmware("stm32f412", c.program);
    if (!std::filesystem::exists(elf)) {
      ADD_FAILURE() << "missing firmware " << elf;
      continue;
    }
    const auto o = test::run_program("stm32f412", c.program, 50'000'000);
    ASSERT_EQ(o.result.reason, sim::StopReason::Fault) << o.result.detail;
    EXPECT_EQ(o.result.fault, c.kind) << o.result.detail;
    ASSERT_TRUE(o.result.report.has_value());
    const auto& r = *o.result.report;
    EXPECT_EQ(r.kind, c.kind);
    EXPECT_TRUE(r.location.starts_with(c.function)) << r.text();
    EXPECT_TRUE(r.instruction.starts_with(c.instruction)) << r.text();
    EXPECT_EQ(r.cfsr & c.cfsr_bits, c.cfsr_bits) << r.text();
    EXPECT_EQ(r.hfsr & c.hfsr_bits, c.hfsr_bits) << r.text();
    EXPECT_EQ(r.registers[15], r.pc);
    EXPECT_FALSE(r.call_stack.empty());
    EXPECT_NE(r.text().find(r.location), std::string::npos);
  }
}

TEST(MachineFaults, DivideByZeroTrapsOnlyWithDiv0TrpOnEveryCoreWithDivide) {
  int boards = 0;
  for (const auto& target : test::catalogue().targets()) {
    const auto elf = test::test_firmware(target.name, "fault_divide");
    if (!std::filesystem::exists(elf)) continue;  // ARMv6-M: no SDIV/UDIV
    ++boards;
    const auto o = test::run_on(target, elf, 50'000'000);
    // Exits 1/2 mean a division went wrong before the trap was armed.
    ASSERT_EQ(o.result.reason, sim::StopReason::Fault) << target.name << ": " << o.result.detail;
    ASSERT_TRUE(o.result.report.has_value());
    EXPECT_EQ(o.result.fault, sim::FaultKind::UsageFault) << o.result.report->text();
    EXPECT_NE(o.result.report->text().find("DIVBYZERO"), std::string::npos)
        << o.result.report->text();
    EXPECT_TRUE(o.result.report->location.starts_with("divide_here")) << o.result.report->text();
  }
  if (boards == 0) GTEST_SKIP() << "fault_divide firmware not built";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run",
                                    test::test_firmware("stm32f412", "fault_divide").string(),
                                    "--target", "stm32f412"});
  EXPECT_EQ(r.status, exit_code::kFaultUsageFault) << r.err;
  EXPECT_NE(r.err.find("UsageFault (DIVBYZERO)"), std::string::npos) << r.err;
}

TEST(MachineFaults, UnmappedReadNamesTheLoadNotTheBlockStart) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "fault_unmapped");
  const auto o = test::run_program("stm32f412", "fault_unmapped");
  ASSERT_TRUE(o.result.report.has_value());
  const auto& r = *o.result.report;
  EXPECT_EQ(r.address.value_or(0), 0x60000000u);
  EXPECT_EQ(r.bfar, 0x60000000u);
  // The load's base register holds the address: the registers are those before it ran.
  EXPECT_TRUE(r.instruction.find("[r0]") != std::string::npos ||
              r.instruction.find("[r") != std::string::npos)
      << r.instruction;
  // read_missing stores to scratch before the load, in the same block: the report must
  // not point at the function's first instruction.
  EXPECT_NE(r.location, "read_missing") << r.text();
}

TEST(MachineFaults, CallStackReachesTheCaller) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "fault_undefined");
  const auto o = test::run_program("stm32f412", "fault_undefined");
  ASSERT_TRUE(o.result.report.has_value());
  const auto& stack = o.result.report->call_stack;
  ASSERT_GE(stack.size(), 2u);
  EXPECT_NE(stack[0].find("fault_here"), std::string::npos);
  EXPECT_NE(stack[1].find("main"), std::string::npos) << o.result.report->text();
}

TEST(MachineFaults, UndefinedInstructionIsAHardFaultOnArmv6m) {
  REQUIRE_TEST_FIRMWARE("rp2040", "fault_undefined");
  const auto o = test::run_program("rp2040", "fault_undefined");
  EXPECT_EQ(o.result.fault, sim::FaultKind::HardFault) << o.result.detail;
  ASSERT_TRUE(o.result.report.has_value());
  EXPECT_TRUE(o.result.report->location.starts_with("fault_here")) << o.result.report->text();
}

TEST(MachineFaults, DoublePrecisionOnASinglePrecisionFpuIsUndefined) {
  // Unicorn's Cortex-M7 executes double arithmetic; the F746's FPv5-SP must not.
  REQUIRE_TEST_FIRMWARE("stm32f746", "fault_double");
  const auto sp = test::run_program("stm32f746", "fault_double");
  EXPECT_EQ(sp.result.fault, sim::FaultKind::HardFault) << sp.result.detail;
  ASSERT_TRUE(sp.result.report.has_value());
  EXPECT_TRUE(sp.result.report->location.starts_with("add_doubles")) << sp.result.report->text();
  EXPECT_TRUE(sp.result.report->instruction.starts_with("vadd.f64")) << sp.result.report->text();
  EXPECT_NE(sp.result.report->cfsr & (1u << 16), 0u);

  REQUIRE_TEST_FIRMWARE("stm32h743", "fault_double");
  const auto dp = test::run_program("stm32h743", "fault_double");
  EXPECT_EQ(dp.result.reason, sim::StopReason::Exited) << dp.result.detail;
  EXPECT_EQ(dp.seen.itm, "double ok\n");
}

TEST(MachineFaults, UnknownRegisterFaultPolicyIsABusFault) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "peripheral_bus_fault");
  auto target = test::catalogue().find("stm32f412");
  const auto elf = test::test_firmware("stm32f412", "peripheral_bus_fault");
  const auto fine = test::run_on(target, elf);
  EXPECT_EQ(fine.result.reason, sim::StopReason::Exited) << fine.result.detail;
  EXPECT_EQ(fine.result.exit_code, 0);

  target.peripherals.policy = targets::UnknownRegisterPolicy::Fault;
  const auto o = test::run_on(target, elf);
  ASSERT_EQ(o.result.reason, sim::StopReason::Fault);
  EXPECT_EQ(o.result.fault, sim::FaultKind::BusFault) << o.result.detail;
  ASSERT_TRUE(o.result.report.has_value());
  EXPECT_TRUE(o.result.report->location.starts_with("touch_rcc")) << o.result.report->text();
  EXPECT_EQ(o.result.report->bfar, 0x40023800u);
}

TEST(MachineFaults, CycleBudgetReportsWhereTheFirmwareSpins) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "spin_forever");
  const auto o = test::run_on(test::catalogue().find("stm32f412"),
                              test::test_firmware("stm32f412", "spin_forever"), 50'000);
  EXPECT_EQ(o.result.reason, sim::StopReason::CycleBudget);
  ASSERT_TRUE(o.result.report.has_value());
  EXPECT_TRUE(o.result.report->location.starts_with("main")) << o.result.report->text();
}

TEST(MachineFaults, CliExitsWithTheDocumentedCodePerKindAndStoresTheFault) {
  test::ScratchDir dir;
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.program);
    const auto elf = test::test_firmware("stm32f412", c.program);
    if (!std::filesystem::exists(elf)) continue;
    const auto db = dir / "runs.sqlite";
    const auto r =
        test::run_process({test::mcuprof_binary().string(), "run", elf.string(), "--target",
                           "stm32f412", "--db", db.string(), "--max-cycles", "50000000"});
    EXPECT_EQ(r.status, c.exit_status) << r.err;
    EXPECT_NE(r.err.find(std::string("fault: ") + std::string(sim::to_string(c.kind))),
              std::string::npos)
        << r.err;
    // The run is stored with its fault kind and the report.
    const auto store = traces::TraceStore::open(db, traces::TraceStore::Mode::ReadOnly);
    const auto runs = store.runs();
    ASSERT_FALSE(runs.empty());
    EXPECT_EQ(runs.back().fault, sim::to_string(c.kind));
    EXPECT_NE(runs.back().detail.find("call stack"), std::string::npos);
  }
  const auto spin = test::test_firmware("stm32f412", "spin_forever");
  if (std::filesystem::exists(spin)) {
    const auto r = test::run_process({test::mcuprof_binary().string(), "run", spin.string(),
                                      "--target", "stm32f412", "--max-cycles", "10000"});
    EXPECT_EQ(r.status, exit_code::kCycleBudget) << r.err;
  }
}
