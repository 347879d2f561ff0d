// A peripheral address window (a target's peripheral region, or the window of a
// modelled register outside them): the registers the machine models are routed to their
// devices, every other address to the unknown-register policy's device.
#pragma once

#include <memory>

#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class PeripheralWindow final : public Device {
 public:
  // `base` is the address of offset 0; `others` answers what no attached device claims.
  PeripheralWindow(uint32_t base, std::unique_ptr<Device> others)
      : base_(base), others_(std::move(others)) {}
  std::string_view name() const override { return "peripheral window"; }
  // `address` is absolute.
  void attach(uint32_t address, uint32_t size, std::unique_ptr<Device> device) {
    modelled_.attach(address, size, std::move(device));
  }
  uint32_t read(uint32_t offset, unsigned size) override {
    auto [device, at] = modelled_.find(base_ + offset);
    return device != nullptr ? device->read(at, size) : others_->read(offset, size);
  }
  void write(uint32_t offset, unsigned size, uint32_t value) override {
    auto [device, at] = modelled_.find(base_ + offset);
    if (device != nullptr)
      device->write(at, size, value);
    else
      others_->write(offset, size, value);
  }

 private:
  uint32_t base_;
  std::unique_ptr<Device> others_;
  DeviceBus modelled_;
};

}  // namespace mcuprof::sim
