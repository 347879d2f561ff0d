// NVIC, the nested vectored interrupt controller's register file (ARMv7-M ARM B3.4):
// set/clear enable (ISER/ICER), set/clear pending (ISPR/ICPR), active bits (IABR) and
// the byte-wide priorities (IPR) of the external interrupts. The state itself lives in
// ExceptionState, shared with the SCB and the machine's exception entry.
#pragma once

#include "../exception_state.hpp"
#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class Nvic final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000E100;
  static constexpr uint32_t kSize = 0xC00;  // up to 0xE000ECFF

  explicit Nvic(ExceptionState& exceptions) : exceptions_(exceptions) {}
  std::string_view name() const override { return "NVIC"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  ExceptionState& exceptions_;
};

}  // namespace mcuprof::sim
