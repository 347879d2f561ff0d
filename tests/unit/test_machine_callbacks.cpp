// No C++ exception crosses the emulator's callbacks: an observer that throws (as the
// profiler's tensor writer does when a file cannot be written) stops the machine, and
// Machine::run rethrows that same exception after Unicorn has returned — for the ITM
// console and events (a device callback), semihosting text (the interrupt hook), the
// block hook and the memory hooks. The machine's counters stay readable.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "machine_test_support.hpp"

namespace mcuprof {
namespace {

struct WriteFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ThrowingObserver final : sim::MachineObserver {
  bool on_itm_console = false;
  bool on_semihosting = false;
  bool on_event = false;
  int calls = 0;
  void on_console(sim::ConsoleSource source, std::string_view text) override {
    ++calls;
    const bool itm = source == sim::ConsoleSource::Itm;
    if ((itm && on_itm_console) || (!itm && on_semihosting))
      throw WriteFailed("cannot write console text: " + std::string(text));
  }
  void on_itm_event(unsigned port, uint32_t value, unsigned, uint64_t) override {
    ++calls;
    if (on_event)
      throw WriteFailed("cannot write event " + std::to_string(port) + ":" + std::to_string(value));
  }
};

struct ThrowingBlocks final : sim::BlockObserver {
  int blocks = 0;
  void on_block(uint32_t, uint32_t, const sim::ExecutionCounters&) override {
    if (++blocks == 100) throw WriteFailed("block observer failed");
  }
};

struct ThrowingMemory final : sim::MemoryAccessObserver {
  void on_write(const sim::MemoryAccess&) override { throw WriteFailed("memory observer failed"); }
  void on_read(const sim::MemoryAccess&) override {}
};

std::string run_until_thrown(sim::Machine& machine) {
  sim::RunOptions options;
  options.max_cycles = 50'000'000;
  try {
    machine.run(options);
  } catch (const WriteFailed& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

std::unique_ptr<sim::Machine> loaded(const std::string& program) {
  const auto& target = test::catalogue().find("stm32f412");
  auto machine = std::make_unique<sim::Machine>(target, sim::make_unit_cycle_model(target));
  machine->load(sim::ElfImage::load(test::test_firmware("stm32f412", program)));
  return machine;
}

}  // namespace

TEST(MachineCallbacks, ObserverExceptionsComeOutOfRunNotThroughUnicorn) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "itm_exit");
  struct Case {
    const char* what;
    bool ThrowingObserver::*flag;
    const char* message;
  };
  const Case cases[] = {
      {"ITM console (stimulus port write)", &ThrowingObserver::on_itm_console,
       "cannot write console text: h"},
      {"ITM event", &ThrowingObserver::on_event, "cannot write event 3:3405705229"},
      {"semihosting console (BKPT hook)", &ThrowingObserver::on_semihosting,
       "cannot write console text: hello from semihosting\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto machine = loaded("itm_exit");
    ThrowingObserver observer;
    observer.*(c.flag) = true;
    machine->add_observer(&observer);
    EXPECT_EQ(run_until_thrown(*machine), c.message);
    EXPECT_GT(machine->instructions(), 0u);
  }
}

TEST(MachineCallbacks, BlockAndMemoryObserverExceptionsComeOutOfRun) {
  REQUIRE_TEST_FIRMWARE("stm32f412", "events");
  {
    auto machine = loaded("events");
    ThrowingBlocks blocks;
    machine->set_block_observer(&blocks);
    EXPECT_EQ(run_until_thrown(*machine), "block observer failed");
    EXPECT_EQ(blocks.blocks, 100);  // stopped at the throwing block
  }
  {
    auto machine = loaded("events");
    ThrowingMemory memory;
    machine->observe_memory(&memory);
    EXPECT_EQ(run_until_thrown(*machine), "memory observer failed");
  }
}

}  // namespace mcuprof
