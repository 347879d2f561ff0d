// The RP2040's XIP cache control (datasheet 2.6.3.1, 2.6.4; XIP_CTRL at 0x14000000):
// CTRL.EN switches the 16 KB XIP cache (on after reset), a write to FLUSH invalidates it,
// STAT reads flush-ready and FIFO-empty. The hit and access counters and the streaming
// registers keep what was written.
#pragma once

#include <array>

#include "../memory_control.hpp"
#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class Rp2040XipCtrl final : public Device {
 public:
  static constexpr uint32_t kSize = 0x20;  // CTRL .. STREAM_FIFO
  explicit Rp2040XipCtrl(MemoryControl& memory);
  std::string_view name() const override { return "XIP_CTRL"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  MemoryControl& memory_;
  std::array<uint32_t, kSize / 4> words_{};
};

}  // namespace mcuprof::sim
