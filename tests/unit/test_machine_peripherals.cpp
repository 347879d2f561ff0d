// The core peripherals and policies on their own: exception priorities and grouping,
// the SysTick counter against simulated cycles, semihosting files in the sandbox, the
// unknown-register policy with STM32 clock set-up, and the board catalogue.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../../sim/src/devices/cache_control.hpp"
#include "../../sim/src/devices/systick.hpp"
#include "../../sim/src/exception_state.hpp"
#include "machine_test_support.hpp"
#include "process.hpp"

using namespace mcuprof;

namespace {

struct FakeHost final : sim::DeviceHost {
  uint64_t now = 0;
  uint64_t cycles() const override { return now; }
  void console(std::string_view) override {}
  void itm_event(unsigned, uint32_t, unsigned) override {}
  void unmodelled_access(uint32_t, bool) override {}
  unsigned current_exception() const override { return 0; }
  void bus_error(uint32_t, bool) override {}
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(ExceptionState, PicksTheHighestPriorityThenTheLowestNumber) {
  sim::ExceptionState e(32, 4);
  using E = sim::ExceptionState;
  e.set_priority(E::kFirstIrq + 3, 0x80);
  e.set_priority(E::kFirstIrq + 1, 0x80);
  e.set_priority(E::kPendSv, 0xF0);
  e.set_enabled(E::kFirstIrq + 3, true);
  e.set_enabled(E::kFirstIrq + 1, true);
  e.set_pending(E::kFirstIrq + 3, true);
  e.set_pending(E::kPendSv, true);
  EXPECT_EQ(e.best_pending(), E::kFirstIrq + 3);
  e.set_pending(E::kFirstIrq + 1, true);
  EXPECT_EQ(e.best_pending(), E::kFirstIrq + 1);  // same priority: lower number first
  e.set_pending(E::kFirstIrq + 2, true);          // pending but disabled: never chosen
  e.set_pending(E::kFirstIrq + 1, false);
  e.set_pending(E::kFirstIrq + 3, false);
  EXPECT_EQ(e.best_pending(), E::kPendSv);
  e.set_pending(E::kNmi, true);
  EXPECT_EQ(e.best_pending(), E::kNmi);
}

TEST(ExceptionState, UnimplementedPriorityBitsReadAsZeroAndGroupingSplitsPriorities) {
  sim::ExceptionState e(8, 3);
  using E = sim::ExceptionState;
  e.set_priority(E::kSysTick, 0xFF);
  EXPECT_EQ(e.priority(E::kSysTick), 0xE0);
  e.set_priority(E::kFirstIrq, 0x20);
  e.set_priority(E::kFirstIrq + 1, 0x40);
  EXPECT_LT(e.group_priority(E::kFirstIrq), e.group_priority(E::kFirstIrq + 1));
  e.set_prigroup(6);  // group = bit 7 only: 0x20 and 0x40 are one group
  EXPECT_EQ(e.group_priority(E::kFirstIrq), e.group_priority(E::kFirstIrq + 1));
  EXPECT_EQ(e.group_priority(E::kHardFault), -1);
  EXPECT_EQ(e.group_priority(E::kNmi), -2);
}

TEST(ExceptionState, ExecutionPriorityFollowsActiveExceptionsAndMasks) {
  sim::ExceptionState e(8, 4);
  using E = sim::ExceptionState;
  EXPECT_EQ(e.execution_priority(false, false, 0), E::kNoPriority);
  e.set_priority(E::kFirstIrq, 0x50);
  e.set_active(E::kFirstIrq, true);
  EXPECT_EQ(e.execution_priority(false, false, 0), 0x50);
  EXPECT_EQ(e.execution_priority(false, false, 0x30), 0x30);  // BASEPRI raises it
  EXPECT_EQ(e.execution_priority(false, false, 0x70), 0x50);  // but never lowers it
  EXPECT_EQ(e.execution_priority(true, false, 0), 0);
  EXPECT_EQ(e.execution_priority(true, true, 0), -1);
}

TEST(SysTick, CountsDownWithSimulatedCyclesAndPendsAtZero) {
  FakeHost host;
  sim::ExceptionState e(8, 4);
  sim::SysTick tick(host, e, 100'000'000);
  tick.write(0x4, 4, 99);  // RVR: period of 100 cycles
  tick.write(0x8, 4, 0);   // CVR cleared
  host.now = 1000;
  tick.write(0x0, 4, 7);              // enable with interrupt
  EXPECT_EQ(tick.deadline(), 1100u);  // from 0: reload, then RVR+1 cycles to zero
  host.now = 1050;
  EXPECT_EQ(tick.read(0x8, 4), 50u);
  EXPECT_EQ(tick.read(0x0, 4) & (1u << 16), 0u);  // no COUNTFLAG yet
  host.now = 1100;
  tick.expire(host.now);
  EXPECT_TRUE(e.pending(sim::ExceptionState::kSysTick));
  EXPECT_EQ(tick.deadline(), 1200u);
  EXPECT_NE(tick.read(0x0, 4) & (1u << 16), 0u);  // COUNTFLAG, cleared by the read
  EXPECT_EQ(tick.read(0x0, 4) & (1u << 16), 0u);
  host.now = 1101;
  EXPECT_EQ(tick.read(0x8, 4), 99u);
  tick.write(0x0, 4, 1);  // interrupt off: no deadline
  EXPECT_EQ(tick.deadline(), sim::SysTick::kNever);
  EXPECT_EQ(tick.read(0xC, 4) & 0x00FFFFFFu, 999'999u);  // TENMS at 100 MHz
}

TEST(Semihosting, FilesStayInsideTheSandboxFolder) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "semihost_files");
  test::ScratchDir dir;
  const auto root = dir / "sandbox";
  std::filesystem::create_directories(root);
  std::ofstream(root / "in.txt", std::ios::binary) << "hello world\n";
  std::ofstream(dir / "escape.txt", std::ios::binary) << "untouched";
  const auto o =
      test::run_on(test::catalogue().find("stm32f412"),
                   test::test_firmware("stm32f412", "semihost_files"), 200'000'000, root);
  EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  EXPECT_EQ(o.result.exit_code, 0) << o.seen.itm;
  EXPECT_EQ(o.seen.itm, "files ok\n");
  EXPECT_EQ(slurp(root / "out.txt"), "WORLD\n");
  EXPECT_EQ(slurp(dir / "escape.txt"), "untouched");
}

TEST(Semihosting, WithoutASandboxNoFileOpens) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "semihost_files");
  const auto o = test::run_program("stm32f412", "semihost_files");
  EXPECT_EQ(o.result.reason, sim::StopReason::Exited);
  EXPECT_EQ(o.result.exit_code, 10);  // the first open fails
}

TEST(Semihosting, CliSandboxOption) {
  const auto elf = test::test_firmware("stm32f412", "semihost_files");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing " << elf;
  test::ScratchDir dir;
  std::ofstream(dir / "in.txt", std::ios::binary) << "hello world\n";
  const auto r =
      test::run_process({test::mcuprof_binary().string(), "run", elf.string(), "--target",
                         "stm32f412", "--semihosting-root", dir.path().string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(dir / "out.txt"), "WORLD\n");
  const auto bad =
      test::run_process({test::mcuprof_binary().string(), "run", elf.string(), "--target",
                         "stm32f412", "--semihosting-root", (dir / "missing").string()});
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("semihosting root"), std::string::npos) << bad.err;
}

TEST(UnknownRegisters, VendorClockSetUpRunsAndEachAddressIsReportedOnce) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "unknown_regs");
  const auto o = test::run_program("stm32f412", "unknown_regs");
  EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  EXPECT_EQ(o.result.exit_code, 0) << o.seen.itm;
  EXPECT_EQ(o.seen.itm, "clock configured\n");
  std::set<uint32_t> addresses;
  for (const auto& [address, write] : o.seen.unmodelled) {
    EXPECT_TRUE(addresses.insert(address).second) << "reported twice: " << std::hex << address;
  }
  for (uint32_t a : {0x40023800u, 0x40023808u, 0x40020000u})
    EXPECT_EQ(addresses.count(a), 1u) << std::hex << a;
  // FLASH_ACR is modelled (the flash interface, docs/cycle-model.md): not reported.
  EXPECT_EQ(addresses.count(0x40023C00u), 0u);
}

TEST(UnknownRegisters, CliListsTheUnmodelledRegistersInTheSummary) {
  const auto elf = test::test_firmware("stm32f412", "unknown_regs");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing " << elf;
  test::ScratchDir dir;
  const auto summary = dir / "summary.json";
  const auto r = test::run_process({test::mcuprof_binary().string(), "run", elf.string(),
                                    "--target", "stm32f412", "--summary", summary.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("unmodelled register"), std::string::npos) << r.err;
  const std::string text = slurp(summary);
  EXPECT_NE(text.find("\"0x40023800 read\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"0x40020000 write\""), std::string::npos) << text;
  EXPECT_EQ(text.find("0x40020001"), std::string::npos) << text;  // one report per register
}

TEST(CacheControl, TheM7CacheEnableSequenceReadsTheBoardsGeometryAndIsModelled) {
  REQUIRE_TEST_FIRMWARE("stm32h743", "cache_enable");
  const auto o = test::run_program("stm32h743", "cache_enable");
  EXPECT_EQ(o.result.reason, sim::StopReason::Exited) << o.result.detail;
  EXPECT_EQ(o.result.exit_code, 0) << o.seen.itm;
  EXPECT_EQ(o.seen.itm, "caches enabled\n");
  for (const auto& [address, write] : o.seen.unmodelled)
    ADD_FAILURE() << "unmodelled: 0x" << std::hex << address << (write ? " write" : " read");
}

TEST(CacheControl, IdentificationRegistersFollowTheBoardFile) {
  targets::Cache icache{16384, 32, 2}, dcache{16384, 32, 4};
  sim::CacheIdentification m7(targets::Core::CortexM7, icache, dcache);
  EXPECT_EQ(m7.clidr() & 7u, 3u);
  EXPECT_EQ(m7.ccsidr(), 0xF0000000u | (127u << 13) | (3u << 3) | 1u);  // 128 sets, 4 ways
  m7.set_csselr(1);
  EXPECT_EQ(m7.ccsidr(), 0x20000000u | (255u << 13) | (1u << 3) | 1u);  // 256 sets, 2 ways
  EXPECT_EQ((m7.ctr() >> 16) & 0xFu, 3u);                               // 8-word data lines
  sim::CacheIdentification m4(targets::Core::CortexM4, icache, dcache);
  EXPECT_FALSE(m4.present());
  EXPECT_EQ(m4.clidr(), 0u);
}

TEST(UnknownRegisters, RuleCopiesReadyBitsAndFields) {
  targets::RegisterRule rule;
  rule.copies = {{16, 17, 1}, {0, 2, 2}};
  EXPECT_EQ(rule.read_value(1u << 16), (1u << 16) | (1u << 17));
  EXPECT_EQ(rule.read_value(0x2u), 0x2u | (0x2u << 2));
  EXPECT_EQ(rule.read_value(0xCu), 0u);  // stale SWS bits follow SW (0)
}

TEST(Catalogue, HasTheIssueBoardsWithTheirCoresAndMemories) {
  const auto& cat = test::catalogue();
  struct Expect {
    const char* name;
    targets::Core core;
    uint64_t clock;
    uint64_t sram_bytes;  // all writable memories
    uint64_t flash_bytes;
  };
  const Expect expected[] = {
      {"stm32f412", targets::Core::CortexM4, 100'000'000, 256 * 1024, 1024 * 1024},
      {"stm32f746", targets::Core::CortexM7, 216'000'000, 336 * 1024, 1024 * 1024},
      {"stm32h743", targets::Core::CortexM7, 480'000'000, 1056 * 1024, 2048 * 1024},
      {"stm32l4r5", targets::Core::CortexM4, 120'000'000, 640 * 1024, 2048 * 1024},
      {"nrf52840", targets::Core::CortexM4, 64'000'000, 256 * 1024, 1024 * 1024},
      {"rp2040", targets::Core::CortexM0Plus, 133'000'000, 264 * 1024, 2048 * 1024},
      {"whatif_m7_8m", targets::Core::CortexM7, 480'000'000, 8192 * 1024, 16384 * 1024},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.name);
    const auto& t = cat.find(e.name);
    EXPECT_EQ(t.core, e.core);
    EXPECT_EQ(t.clock_hz, e.clock);
    uint64_t sram = 0;
    uint64_t flash = 0;
    for (const auto& m : t.memories) {
      (m.writable() ? sram : flash) += m.size;
      EXPECT_FALSE(m.source.empty()) << m.name;
    }
    EXPECT_EQ(sram, e.sram_bytes);
    EXPECT_EQ(flash, e.flash_bytes);
    EXPECT_FALSE(t.flash_accelerator.source.empty());
  }
  EXPECT_TRUE(cat.find("stm32h743").fpu_double);
  EXPECT_FALSE(cat.find("stm32f746").fpu_double);
  EXPECT_FALSE(cat.find("rp2040").fpu);
  EXPECT_EQ(cat.find("nrf52840").code().base, 0u);
  EXPECT_EQ(cat.find("rp2040").code().base, 0x10000000u);
  EXPECT_EQ(cat.find("stm32f746").icache.size, 4096u);
  EXPECT_EQ(cat.find("stm32h743").dcache.size, 16384u);
}

TEST(Catalogue, BadPeripheralSectionsAreRejectedWithTheField) {
  const std::string base = R"({"name":"x","core":"cortex-m4","clock_hz":1000000,
    "code_memory":"flash","data_memory":"sram",
    "memories":[{"name":"flash","kind":"flash","base":"0x08000000","size":"64KiB"},
                {"name":"sram","kind":"sram","base":"0x20000000","size":"64KiB"}],)";
  const auto error_of = [&](const std::string& tail) {
    try {
      targets::parse_target(base + tail, "x.json");
    } catch (const targets::TargetError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error_of(R"("peripherals":{"unknown_registers":"maybe"}})").find("unknown_registers"),
            std::string::npos);
  EXPECT_NE(error_of(R"("peripherals":{"registers":[{"name":"R","address":"0x20000000"}]}})")
                .find("outside every peripheral region"),
            std::string::npos);
  EXPECT_NE(error_of(R"("fpu":"double"})").find("only available on the Cortex-M7"),
            std::string::npos);
  EXPECT_NE(error_of(R"("priority_bits":2})").find("priority_bits"), std::string::npos);
  EXPECT_NE(
      error_of(
          R"("peripherals":{"registers":[{"name":"R","address":"0x40000000","copy":[{"from":31,"to":0,"width":2}]}]}})")
          .find("copy[0]"),
      std::string::npos);
  EXPECT_EQ(error_of(R"("peripherals":{"registers":[{"name":"R","address":"0x40000000"}]}})"), "");
}
