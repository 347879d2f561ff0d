// Shared by the test_machine_*.cpp files: the catalogue, a recording observer and a
// helper that runs one test firmware on one board.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"
#include "paths.hpp"

namespace mcuprof::test {

struct MachineRecorder final : sim::MachineObserver {
  std::string itm;
  std::string semihosting;
  struct Event {
    unsigned port;
    uint32_t value;
    unsigned size;
    uint64_t cycle;
    bool operator==(const Event&) const = default;
  };
  std::vector<Event> events;
  std::vector<std::pair<uint32_t, bool>> unmodelled;
  void on_console(sim::ConsoleSource source, std::string_view text) override {
    (source == sim::ConsoleSource::Itm ? itm : semihosting) += text;
  }
  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) override {
    events.push_back({port, value, size, cycle});
  }
  void on_unmodelled_access(uint32_t address, bool write) override {
    unmodelled.emplace_back(address, write);
  }
};

inline const targets::Catalogue& catalogue() {
  static const auto cat = targets::Catalogue::from_directory(targets_dir());
  return cat;
}

struct MachineOutcome {
  sim::RunResult result;
  MachineRecorder seen;
};

inline MachineOutcome run_on(const targets::Target& target, const std::filesystem::path& elf,
                             uint64_t max_cycles = 200'000'000,
                             const std::filesystem::path& semihosting_root = {}) {
  MachineOutcome o;
  sim::Machine machine(target, sim::make_unit_cycle_model(target));
  machine.load(sim::ElfImage::load(elf));
  if (!semihosting_root.empty()) machine.set_semihosting_root(semihosting_root);
  machine.add_observer(&o.seen);
  sim::RunOptions options;
  options.max_cycles = max_cycles;
  o.result = machine.run(options);
  return o;
}

inline MachineOutcome run_program(const std::string& board, const std::string& program,
                                  uint64_t max_cycles = 200'000'000) {
  return run_on(catalogue().find(board), test_firmware(board, program), max_cycles);
}

}  // namespace mcuprof::test

#define REQUIRE_TEST_FIRMWARE(board, program)                                 \
  if (!std::filesystem::exists(mcuprof::test::test_firmware(board, program))) \
  GTEST_SKIP() << "missing firmware " << mcuprof::test::test_firmware(board, program)
