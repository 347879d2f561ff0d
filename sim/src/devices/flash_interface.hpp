// The device for a board's flash control register (targets::FlashControl): STM32
// FLASH_ACR, RP2040 XIP_CTRL or nRF52 NVMC ICACHECNF, and where it sits.
#pragma once

#include <memory>
#include <optional>

#include "../memory_control.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

struct ModelledRegisters {
  uint32_t address = 0;
  uint32_t size = 0;
  std::unique_ptr<Device> device;
};

// Nothing for a board without a control register.
std::optional<ModelledRegisters> make_flash_interface(const targets::FlashControl& control,
                                                      MemoryControl& memory);

}  // namespace mcuprof::sim
