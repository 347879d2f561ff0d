// ITM, the Instrumentation Trace Macrocell (ARMv7-M ARM, C1.7): 32 stimulus ports,
// the trace enable (TER) and trace control (TCR) registers. Port 0 carries console
// text; writes to the other ports become event words for the observers.
#pragma once

#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class Itm final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE0000000;
  static constexpr uint32_t kSize = 0x1000;

  explicit Itm(DeviceHost& host);
  std::string_view name() const override { return "ITM"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  DeviceHost& host_;
  uint32_t ter_;  // trace enable, one bit per port
  uint32_t tpr_ = 0;
  uint32_t tcr_;  // bit 0 ITMENA
};

}  // namespace mcuprof::sim
