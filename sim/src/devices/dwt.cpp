// DWT control and cycle counter (see dwt.hpp).
#include "dwt.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kCtrl = 0x000;
constexpr uint32_t kCyccnt = 0x004;
constexpr uint32_t kCycCntEna = 1u;
}  // namespace

uint32_t Dwt::cyccnt() const {
  if ((ctrl_ & kCycCntEna) == 0) return base_;
  return base_ + static_cast<uint32_t>(host_.cycles() - since_);
}

uint32_t Dwt::read(uint32_t offset, unsigned /*size*/) {
  switch (offset) {
    case kCtrl:
      return ctrl_;
    case kCyccnt:
      return cyccnt();
    default:
      return 0;
  }
}

void Dwt::write(uint32_t offset, unsigned /*size*/, uint32_t value) {
  switch (offset) {
    case kCtrl: {
      base_ = cyccnt();
      since_ = host_.cycles();
      ctrl_ = (ctrl_ & 0xF0000000u) | (value & 0x0FFFFFFFu);
      break;
    }
    case kCyccnt:
      base_ = value;
      since_ = host_.cycles();
      break;
    default:
      break;
  }
}

}  // namespace mcuprof::sim
