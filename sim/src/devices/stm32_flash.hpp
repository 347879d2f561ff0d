// The STM32 flash access control register FLASH_ACR, in the layout of the board's family
// (targets::FlashControl::Kind): LATENCY (wait states), and the prefetch buffer and ART
// caches the firmware switches on (F4/L4: PRFTEN, ICEN, DCEN, ICRST, DCRST; F7: PRFTEN,
// ARTEN, ARTRST; H7: LATENCY and WRHIGHFREQ only). Starts at the family's reset value;
// every write goes to the memory control, so the cycle model follows it.
// Sources: RM0402 3.8.1, RM0432 3.7.1, RM0385 3.7.1, RM0433 4.9.1 (docs/cycle-model.md).
#pragma once

#include "../memory_control.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class Stm32FlashAcr final : public Device {
 public:
  static constexpr uint32_t kSize = 4;
  Stm32FlashAcr(targets::FlashControl::Kind kind, MemoryControl& memory);
  std::string_view name() const override { return "FLASH_ACR"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  void apply(uint32_t before);

  targets::FlashControl::Kind kind_;
  MemoryControl& memory_;
  uint32_t acr_ = 0;
};

}  // namespace mcuprof::sim
