// The cycles/MAC benchmark firmware (tests/firmware/kernels/kernel_bench) run with
// `mcuprof run` on the Cortex-M4 target: every vww_96 layer's output must hash like the
// host build's, and the per-kind cycles/MAC it measured with DWT->CYCCNT are printed
// (a benchmark, not a gate: nothing is asserted about speed). Under the unit cycle
// model the "cycles" are instructions.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "kernel_cases_host.h"
#include "paths.hpp"
#include "process.hpp"

using namespace mcuprof;

TEST(KernelBench, Vww96LayersMatchHostAndReportCyclesPerMac) {
  const auto elf = test::test_firmware("stm32f412", "kernel_bench");
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "missing firmware " << elf;
  const auto run = test::run_process(
      {test::mcuprof_binary().string(), "run", "--target", "stm32f412", elf.string()});
  ASSERT_EQ(run.status, 0) << run.err;

  std::istringstream lines(run.out);
  std::string line;
  int32_t layers = 0;
  uint64_t total_macs = 0;
  while (std::getline(lines, line)) {
    unsigned index = 0, macs = 0, cycles = 0, hash = 0;
    char kind[32] = {};
    if (std::sscanf(line.c_str(), "layer %u %31s macs %u cycles %u hash 0x%x", &index, kind, &macs,
                    &cycles, &hash) == 5) {
      uint32_t host_macs = 0;
      EXPECT_EQ(hash, mcuprof_kernel_bench_hash(static_cast<int32_t>(index), &host_macs)) << line;
      EXPECT_EQ(macs, host_macs) << line;
      EXPECT_GT(cycles, 0u) << line;
      total_macs += macs;
      ++layers;
    } else if (line.rfind("total ", 0) == 0) {
      std::cout << "[ bench    ] " << line << "\n";
    }
  }
  EXPECT_EQ(layers, mcuprof_kernel_bench_layers());
  EXPECT_EQ(total_macs, 7489664u);  // vww_96_int8's 7.49 M MACs, from the README table
}
