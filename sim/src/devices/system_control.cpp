// System Control Space registers (see system_control.hpp).
#include "system_control.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kCpuid = 0xD00;
constexpr uint32_t kVtor = 0xD08;
constexpr uint32_t kCpacr = 0xD88;
constexpr uint32_t kDemcr = 0xDFC;
}  // namespace

uint32_t cpuid_for(targets::Core core) {
  switch (core) {
    case targets::Core::CortexM0:
      return 0x410CC200;  // Cortex-M0 r0p0
    case targets::Core::CortexM0Plus:
      return 0x410CC601;  // Cortex-M0+ r0p1
    case targets::Core::CortexM3:
      return 0x412FC231;  // Cortex-M3 r2p1
    case targets::Core::CortexM4:
      return 0x410FC241;  // Cortex-M4 r0p1
    case targets::Core::CortexM7:
      return 0x411FC272;  // Cortex-M7 r1p2
    case targets::Core::CortexM33:
      return 0x410FD213;  // Cortex-M33 r0p3
  }
  return 0;
}

SystemControl::SystemControl(DeviceHost& host, targets::Core core, uint32_t vtor)
    : host_(host), cpuid_(cpuid_for(core)), vtor_(vtor) {}

uint32_t SystemControl::read(uint32_t offset, unsigned /*size*/) {
  switch (offset) {
    case kCpuid:
      return cpuid_;
    case kVtor:
      return vtor_;
    case kCpacr:
      return cpacr_;
    case kDemcr:
      return demcr_;
    default:
      if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, false);
      const auto it = other_.find(offset);
      return it == other_.end() ? 0 : it->second;
  }
}

void SystemControl::write(uint32_t offset, unsigned /*size*/, uint32_t value) {
  switch (offset) {
    case kVtor:
      vtor_ = value & 0xFFFFFF80u;
      break;
    case kCpacr:
      cpacr_ = value & 0x00F00000u;
      break;
    case kDemcr:
      demcr_ = value & 0x010F07F1u;
      break;
    default:
      if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
      other_[offset] = value;
  }
}

}  // namespace mcuprof::sim
