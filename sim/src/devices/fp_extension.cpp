// STIR and the FP extension registers (see fp_extension.hpp). Offsets from 0xE000EF00.
#include "fp_extension.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kStir = 0x00;
constexpr uint32_t kFpccr = 0x34;
constexpr uint32_t kFpcar = 0x38;
constexpr uint32_t kFpdscr = 0x3C;
}  // namespace

uint32_t FpExtension::read(uint32_t offset, unsigned /*size*/) {
  if (fpu_) {
    switch (offset) {
      case kFpccr:
        return fpccr_;
      case kFpcar:
        return fpcar_;
      case kFpdscr:
        return fpdscr_;
      default:
        break;
    }
  }
  if (offset != kStir && reported_.insert(offset).second)
    host_.unmodelled_access(kBase + offset, false);
  return 0;
}

void FpExtension::write(uint32_t offset, unsigned /*size*/, uint32_t value) {
  if (offset == kStir) {
    const unsigned irq = value & 0x1FFu;
    if (irq < exceptions_.irq_count())
      exceptions_.set_pending(ExceptionState::kFirstIrq + irq, true);
    return;
  }
  if (fpu_) {
    switch (offset) {
      case kFpccr:  // ASPEN, LSPEN writable; the state bits are the machine's
        fpccr_ = (fpccr_ & ~(kAspEn | kLspEn)) | (value & (kAspEn | kLspEn));
        return;
      case kFpcar:
        fpcar_ = value & ~7u;
        return;
      case kFpdscr:
        fpdscr_ = value & 0x07C00000u;
        return;
      default:
        break;
    }
  }
  if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
}

}  // namespace mcuprof::sim
