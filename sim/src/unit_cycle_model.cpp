// The one-cycle-per-instruction model (see cycle_model.hpp).
#include <string_view>

#include "cycle/block_analysis.hpp"
#include "mcuprof/sim/cycle_model.hpp"
#include "thumb_decoder.hpp"

namespace mcuprof::sim {
namespace {

class UnitCycleModel final : public CycleModel {
 public:
  std::string_view name() const override { return "unit (1 cycle per instruction)"; }
  BlockTiming analyse_block(uint32_t address, std::span<const uint8_t> code) override {
    const std::vector<Insn> insns = decoder_.decode(address, code);
    const std::vector<uint32_t> ones(insns.size(), 1);
    BlockTiming b =
        cycle::assemble_block(address, static_cast<uint32_t>(code.size()), insns, ones, 0);
    return b;
  }
  uint32_t enter_block(const BlockTiming&, const BlockTiming*, const RegisterView&) override {
    return 0;
  }

 private:
  ThumbDecoder decoder_;
};

}  // namespace

std::unique_ptr<CycleModel> make_unit_cycle_model(const targets::Target& /*target*/) {
  return std::make_unique<UnitCycleModel>();
}

}  // namespace mcuprof::sim
