// Data reads charged from each block's loads (sim/src/cycle/load_placement.cpp) against the
// memory hooks they replace: the same firmware on boards with flash wait states, the ART,
// the XIP cache and the Cortex-M7 L1 caches must give the same cycles, flash fetch and
// data bytes, and the same counters at every ITM event (device accesses mid-block).
#include <gtest/gtest.h>

#include "machine_test_support.hpp"
#include "paths.hpp"

using namespace mcuprof;

namespace {

struct Outcome {
  sim::RunResult result;
  sim::ExecutionCounters counters;
  std::vector<sim::ExecutionCounters> at_events;
};

struct EventCounters final : sim::MachineObserver {
  sim::Machine* machine = nullptr;
  std::vector<sim::ExecutionCounters> seen;
  void on_itm_event(unsigned, uint32_t, unsigned, uint64_t) override {
    seen.push_back(machine->counters());
  }
};

Outcome run(const std::string& board, const std::string& program, bool hooks) {
  const auto& target = test::catalogue().find(board);
  sim::Machine machine(target, sim::make_cycle_model(target));
  EventCounters events;
  events.machine = &machine;
  machine.add_observer(&events);
  machine.load(sim::ElfImage::load(test::test_firmware(board, program)));
  machine.count_flash_data();
  if (hooks) machine.use_memory_hooks();
  sim::RunOptions options;
  options.max_cycles = 2'000'000'000;
  Outcome o;
  o.result = machine.run(options);
  o.counters = machine.counters();
  o.at_events = std::move(events.seen);
  return o;
}

}  // namespace

TEST(LoadPlacement, ChargesWhatTheMemoryHooksCharged) {
  for (const char* board : {"stm32f412", "stm32l4r5", "stm32h743", "stm32f746", "rp2040"}) {
    for (const char* program : {"flash_reads", "events", "placement_loads"}) {
      SCOPED_TRACE(std::string(board) + " " + program);
      if (!std::filesystem::exists(test::test_firmware(board, program)))
        GTEST_SKIP() << "missing firmware " << test::test_firmware(board, program);
      const Outcome placed = run(board, program, false);
      const Outcome hooked = run(board, program, true);
      EXPECT_EQ(placed.result.reason, sim::StopReason::Exited);
      EXPECT_EQ(placed.result.cycles, hooked.result.cycles);
      EXPECT_EQ(placed.result.instructions, hooked.result.instructions);
      EXPECT_EQ(placed.counters.flash_ifetch_bytes, hooked.counters.flash_ifetch_bytes);
      EXPECT_EQ(placed.counters.flash_data_bytes, hooked.counters.flash_data_bytes);
      EXPECT_GT(hooked.counters.flash_data_bytes, 0u);
      ASSERT_EQ(placed.at_events.size(), hooked.at_events.size());
      for (size_t i = 0; i < placed.at_events.size(); ++i) {
        EXPECT_EQ(placed.at_events[i].cycles, hooked.at_events[i].cycles) << "event " << i;
        EXPECT_EQ(placed.at_events[i].flash_data_bytes, hooked.at_events[i].flash_data_bytes)
            << "event " << i;
      }
    }
  }
}
