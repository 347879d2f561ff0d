// The System Control Space (0xE000E000-0xE000EFFF) as far as the walking skeleton
// needs it: CPUID matching the core, VTOR, CPACR and DEMCR. Other registers keep the
// last value written and are reported once as unmodelled. NVIC, SysTick and the
// fault status registers become their own devices with the machine issue.
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class SystemControl final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000E000;
  static constexpr uint32_t kSize = 0x1000;

  SystemControl(DeviceHost& host, targets::Core core, uint32_t vtor);
  std::string_view name() const override { return "SCS"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

  uint32_t vtor() const { return vtor_; }
  uint32_t cpacr() const { return cpacr_; }

 private:
  DeviceHost& host_;
  uint32_t cpuid_;
  uint32_t vtor_;
  uint32_t cpacr_ = 0;
  uint32_t demcr_ = 0;
  std::unordered_map<uint32_t, uint32_t> other_;
  std::unordered_set<uint32_t> reported_;
};

// CPUID (SCB+0x00) of each core as its Technical Reference Manual gives it.
uint32_t cpuid_for(targets::Core core);

}  // namespace mcuprof::sim
