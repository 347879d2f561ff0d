// Address routing for memory-mapped devices.
#include <stdexcept>

#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

void DeviceBus::attach(uint32_t base, uint32_t size, std::unique_ptr<Device> device) {
  for (const auto& w : windows_)
    if (base < uint64_t{w.base} + w.size && w.base < uint64_t{base} + size)
      throw std::logic_error("device windows overlap");
  windows_.push_back({base, size, std::move(device)});
}

std::pair<Device*, uint32_t> DeviceBus::find(uint32_t address) const {
  for (const auto& w : windows_)
    if (address >= w.base && address - w.base < w.size) return {w.device.get(), address - w.base};
  return {nullptr, 0};
}

}  // namespace mcuprof::sim
