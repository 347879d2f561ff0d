// The static "block may change SP" flag (BlockTiming::writes_sp) the machine uses to skip
// reading SP at the next block entry: set by anything that writes R13 or switches stacks,
// clear for blocks that only read SP, for every model (core timing and unit cycles).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/targets/target.hpp"

using namespace mcuprof;

namespace {

targets::Target m4_board() {
  return targets::parse_target(
      R"({"name": "t", "core": "cortex-m4", "clock_hz": 48000000, "code_memory": "flash",
          "data_memory": "sram", "memories": [
          {"name": "flash", "kind": "flash", "base": "0x08000000", "size": "1MiB"},
          {"name": "sram", "kind": "sram", "base": "0x20000000", "size": "128KiB"}]})",
      "test.json");
}

bool writes_sp(sim::CycleModel& model, std::vector<uint8_t> code) {
  return model.analyse_block(0x08000000, code).writes_sp;
}

}  // namespace

TEST(BlockWritesSp, SetByStackWritesAndStackSwitchesOnly) {
  const targets::Target target = m4_board();
  std::vector<std::unique_ptr<sim::CycleModel>> models;
  models.push_back(sim::make_cycle_model(target));
  models.push_back(sim::make_unit_cycle_model(target));
  for (const auto& model : models) {
    SCOPED_TRACE(std::string(model->name()));
    // adds r0,r1,r2; ldr r0,[sp,#4]; add r0,sp,#4: SP read, never written.
    EXPECT_FALSE(writes_sp(*model, {0x88, 0x18, 0x01, 0x98, 0x01, 0xA8}));
    // ldr r0,[r1],#4 (post-indexed, base r1).
    EXPECT_FALSE(writes_sp(*model, {0x51, 0xF8, 0x04, 0x0B}));
    EXPECT_TRUE(writes_sp(*model, {0x88, 0x18, 0x10, 0xB5}));  // adds; push {r4,lr}
    EXPECT_TRUE(writes_sp(*model, {0x03, 0xBC}));              // pop {r0,r1}
    EXPECT_TRUE(writes_sp(*model, {0x82, 0xB0}));              // sub sp,#8
    EXPECT_TRUE(writes_sp(*model, {0x85, 0x46}));              // mov sp,r0
    EXPECT_TRUE(writes_sp(*model, {0x80, 0xF3, 0x08, 0x88}));  // msr msp,r0
    EXPECT_TRUE(writes_sp(*model, {0x00, 0xDF}));              // svc #0
  }
}
