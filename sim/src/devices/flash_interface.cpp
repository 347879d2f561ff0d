// The flash control register's device by family (see flash_interface.hpp).
#include "flash_interface.hpp"

#include "nrf52_nvmc.hpp"
#include "rp2040_xip.hpp"
#include "stm32_flash.hpp"

namespace mcuprof::sim {

std::optional<ModelledRegisters> make_flash_interface(const targets::FlashControl& control,
                                                      MemoryControl& memory) {
  using Kind = targets::FlashControl::Kind;
  switch (control.kind) {
    case Kind::None:
      return std::nullopt;
    case Kind::Rp2040Xip:
      return ModelledRegisters{control.address, Rp2040XipCtrl::kSize,
                               std::make_unique<Rp2040XipCtrl>(memory)};
    case Kind::Nrf52Nvmc:
      return ModelledRegisters{control.address + Nrf52Icachecnf::kOffset, Nrf52Icachecnf::kSize,
                               std::make_unique<Nrf52Icachecnf>(memory)};
    default:
      return ModelledRegisters{control.address, Stm32FlashAcr::kSize,
                               std::make_unique<Stm32FlashAcr>(control.kind, memory)};
  }
}

}  // namespace mcuprof::sim
