// The one-cycle-per-instruction model (see cycle_model.hpp).
#include <string_view>

#include "mcuprof/sim/cycle_model.hpp"
#include "thumb_decoder.hpp"

namespace mcuprof::sim {
namespace {

class UnitCycleModel final : public CycleModel {
 public:
  std::string_view name() const override { return "unit (1 cycle per instruction)"; }
  BlockCost block_cost(uint32_t address, std::span<const uint8_t> code) override {
    const uint32_t n = decoder_.count_instructions(address, code);
    return {n, n};
  }

 private:
  ThumbDecoder decoder_;
};

}  // namespace

std::unique_ptr<CycleModel> make_unit_cycle_model(const targets::Target& /*target*/) {
  return std::make_unique<UnitCycleModel>();
}

}  // namespace mcuprof::sim
