// The nRF52's NVMC instruction cache configuration (nRF52840 PS v1.7 4.3.10; ICACHECNF at
// NVMC + 0x540): CACHEEN switches the flash instruction cache (off after reset), and
// switching it off invalidates it. CACHEPROFEN keeps what was written.
#pragma once

#include "../memory_control.hpp"
#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class Nrf52Icachecnf final : public Device {
 public:
  static constexpr uint32_t kOffset = 0x540;  // from the NVMC's base
  static constexpr uint32_t kSize = 4;
  explicit Nrf52Icachecnf(MemoryControl& memory);
  std::string_view name() const override { return "NVMC ICACHECNF"; }
  uint32_t read(uint32_t offset, unsigned size) override {
    return read_register(value_, offset, size);
  }
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  MemoryControl& memory_;
  uint32_t value_ = 0;
};

}  // namespace mcuprof::sim
