// The unknown-register policy (docs/machine.md): peripheral addresses the target file
// lists as peripheral regions, and any System Control Space address no device claims,
// answer from a register file that keeps the last value written (or the reset value a
// target rule gives; rules also make ready bits follow their enable bits). Each
// register (word address) is reported to the observers on its first access, once.
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class UnknownRegisters final : public Device {
 public:
  // `base` is the address of offset 0 (the region or bus window this instance serves).
  UnknownRegisters(DeviceHost& host, const targets::Peripherals& peripherals, uint32_t base)
      : host_(host), peripherals_(peripherals), base_(base) {}
  std::string_view name() const override { return "unknown registers"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

 private:
  uint32_t word(uint32_t address) const;
  void report(uint32_t address, bool write);

  DeviceHost& host_;
  const targets::Peripherals& peripherals_;
  uint32_t base_;
  std::unordered_map<uint32_t, uint32_t> words_;  // word address -> stored value
  std::unordered_set<uint32_t> reported_;
};

// The "fault" policy: every access to the region is a precise bus error.
class RejectingRegion final : public Device {
 public:
  RejectingRegion(DeviceHost& host, uint32_t base) : host_(host), base_(base) {}
  std::string_view name() const override { return "rejecting region"; }
  uint32_t read(uint32_t offset, unsigned /*size*/) override {
    host_.bus_error(base_ + offset, false);
    return 0;
  }
  void write(uint32_t offset, unsigned /*size*/, uint32_t /*value*/) override {
    host_.bus_error(base_ + offset, true);
  }

 private:
  DeviceHost& host_;
  uint32_t base_;
};

}  // namespace mcuprof::sim
