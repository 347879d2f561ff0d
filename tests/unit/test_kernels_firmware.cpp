// The kernels under emulation: tests/firmware/kernels/kernel_check runs every kernel on
// the seeded cases of kernel_cases.h on the emulated board and prints a hash per
// output; the host build of the very same kernel sources must print the same text.
// Runs on every board of the catalogue that has the program (Cortex-M4 STM32F412,
// and M7/M0+ boards where they exist), skipping with a message where none does.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "kernel_cases_host.h"
#include "kernel_prng.h"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"

using namespace mcuprof;

namespace {

std::string host_text;

void host_report(const char* op, int32_t index, const void* out, size_t bytes) {
  char line[96];
  std::snprintf(line, sizeof line, "%s %d %zu 0x%08x\n", op, static_cast<int>(index), bytes,
                kt_hash(out, bytes));
  host_text += line;
}

const std::string& host_reference_text() {
  static const std::string text = [] {
    host_text.clear();
    mcuprof_kernel_cases_run(&host_report);
    return host_text + "done\n";
  }();
  return text;
}

struct Console final : sim::MachineObserver {
  std::string itm;
  void on_console(sim::ConsoleSource source, std::string_view text) override {
    if (source == sim::ConsoleSource::Itm) itm += text;
  }
};

const targets::Catalogue& catalogue() {
  static const auto c = targets::Catalogue::from_directory(test::targets_dir());
  return c;
}

// Runs kernel_check (elf) on one board and compares with the host; false if not built.
bool check_elf(const targets::Target& target, const std::filesystem::path& elf) {
  if (!std::filesystem::exists(elf)) return false;
  Console console;
  sim::Machine machine(target, sim::make_unit_cycle_model(target));
  machine.load(sim::ElfImage::load(elf));
  machine.add_observer(&console);
  sim::RunOptions options;
  options.max_cycles = 500'000'000;
  const auto result = machine.run(options);
  EXPECT_EQ(result.reason, sim::StopReason::Exited) << target.name << ": " << result.detail;
  EXPECT_EQ(result.exit_code, 0) << target.name;
  EXPECT_EQ(console.itm, host_reference_text()) << "on " << target.name;
  return true;
}

bool check_board(const targets::Target& target) {
  return check_elf(target, test::test_firmware(target.name, "kernel_check"));
}

bool is_m0_class(targets::Core core) {
  return core == targets::Core::CortexM0 || core == targets::Core::CortexM0Plus;
}

}  // namespace

TEST(KernelFirmware, HostCasesCoverEveryOp) {
  const auto& text = host_reference_text();
  EXPECT_EQ(text.find("skipped"), std::string::npos) << "a case did not fit the scratch buffer";
  for (const char* op : {"conv2d", "depthwise", "fully_connected", "add", "mul", "average_pool",
                         "max_pool", "mean", "mean_axes", "softmax", "quantize", "dequantize",
                         "pad", "transpose", "resize_nearest", "concatenation", "reshape"}) {
    EXPECT_NE(text.find(std::string(op) + " 9 "), std::string::npos) << op;
  }
  // The first-layer shape (conv.c's fast gather), an even and an odd width.
  EXPECT_NE(text.find("conv2d_first 0 "), std::string::npos);
  EXPECT_NE(text.find("conv2d_first 1 "), std::string::npos);
}

TEST(KernelFirmware, ByteIdenticalToHostOnCortexM4) {
  const auto& target = catalogue().find("stm32f412");
  const auto elf = test::test_firmware(target.name, "kernel_check");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  EXPECT_TRUE(check_board(target));
}

TEST(KernelFirmware, ByteIdenticalToHostOnEveryOtherBoard) {
  int checked = 0;
  std::string skipped;
  for (const auto& target : catalogue().targets()) {
    if (target.name == "stm32f412") continue;
    if (check_board(target)) {
      ++checked;
    } else {
      skipped += " " + target.name;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no other board has kernel_check built" << skipped;
}

TEST(KernelFirmware, ByteIdenticalToHostOnCortexM0Class) {
  int checked = 0;
  for (const auto& target : catalogue().targets()) {
    if (is_m0_class(target.core) && check_board(target)) ++checked;
  }
  if (checked == 0) {
    GTEST_SKIP() << "no Cortex-M0/M0+ board in the catalogue (" << test::targets_dir()
                 << "); the kernels' plain-C path runs only on the host here";
  }
}

// The test-only boards (tests/targets: one per core, M3 and M33 included, which the
// catalogue lacks) run the same program: the M33 takes the DSP path without the M7's
// MAC order, the M3 the plain C path.
TEST(KernelFirmware, ByteIdenticalToHostOnTestBoardsIncludingCortexM33) {
  const std::filesystem::path boards = std::filesystem::path(MCUPROF_SOURCE_DIR) / "tests/targets";
  const std::filesystem::path firmware = MCUPROF_TEST_BOARD_FIRMWARE_DIR;
  bool m33 = false;
  for (const char* name : {"cyc-m0plus", "cyc-m3", "cyc-m4", "cyc-m33", "cyc-m7"}) {
    const auto target = targets::load_target_file(boards / (std::string(name) + ".json"));
    const bool ran = check_elf(target, firmware / name / "kernel_check.elf");
    if (std::string(name) == "cyc-m33") m33 = ran;
  }
  if (!m33) GTEST_SKIP() << "kernel_check is not built for the test board cyc-m33";
}
