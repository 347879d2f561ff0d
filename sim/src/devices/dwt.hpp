// DWT, the Data Watchpoint and Trace unit (ARMv7-M ARM, C1.8): CTRL and CYCCNT.
// CYCCNT counts simulated core cycles while CTRL.CYCCNTENA is set; it is writable
// and wraps at 32 bits, as on the chip.
#pragma once

#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class Dwt final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE0001000;
  static constexpr uint32_t kSize = 0x1000;

  explicit Dwt(DeviceHost& host) : host_(host) {}
  std::string_view name() const override { return "DWT"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  uint32_t cyccnt() const;

  DeviceHost& host_;
  uint32_t ctrl_ = 0x40000000;  // NUMCOMP = 4, counter disabled
  // CYCCNT = base_ + (cycles now - since_) while enabled, base_ while disabled.
  uint32_t base_ = 0;
  uint64_t since_ = 0;
};

}  // namespace mcuprof::sim
