// The cycle model interface: the machine asks it once for the static cost of every
// basic block it meets (then caches it) and adds dynamic corrections at run time.
// The first model counts one cycle per instruction; the per-core models of the
// cycle-model issue implement the same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

struct BlockCost {
  uint32_t cycles = 0;
  uint32_t instructions = 0;
};

class CycleModel {
 public:
  virtual ~CycleModel() = default;
  virtual std::string_view name() const = 0;
  // Static cost of the Thumb basic block at `address` whose bytes are `code`.
  virtual BlockCost block_cost(uint32_t address, std::span<const uint8_t> code) = 0;
};

// One cycle per instruction, for any core: the placeholder every later model is
// checked against for instruction counts.
std::unique_ptr<CycleModel> make_unit_cycle_model(const targets::Target& target);

}  // namespace mcuprof::sim
