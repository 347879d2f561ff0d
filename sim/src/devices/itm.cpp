// ITM stimulus ports and control registers (see itm.hpp).
#include "itm.hpp"

#include <string>

namespace mcuprof::sim {
namespace {
constexpr uint32_t kTer = 0xE00;
constexpr uint32_t kTpr = 0xE40;
constexpr uint32_t kTcr = 0xE80;
constexpr uint32_t kLsr = 0xFB4;
}  // namespace

// mcuprof plays the debugger's part: like an SWO viewer attached at reset it enables
// the ITM (TCR.ITMENA) and every stimulus port, so firmware that checks them sends.
Itm::Itm(DeviceHost& host) : host_(host), ter_(0xFFFFFFFFu), tcr_(1u) {}

uint32_t Itm::read(uint32_t offset, unsigned /*size*/) {
  if (offset < 0x80) return 1u;  // stimulus port: FIFO always ready
  switch (offset) {
    case kTer:
      return ter_;
    case kTpr:
      return tpr_;
    case kTcr:
      return tcr_;
    case kLsr:
      return 0;  // lock status: not locked
    default:
      return 0;
  }
}

void Itm::write(uint32_t offset, unsigned size, uint32_t value) {
  if (offset < 0x80) {
    const unsigned port = offset / 4;
    if ((tcr_ & 1u) == 0 || (ter_ & (1u << port)) == 0) return;  // dropped, as on the chip
    if (port == 0) {
      std::string text;
      for (unsigned i = 0; i < size; ++i)
        text.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
      host_.console(text);
    } else {
      host_.itm_event(port, value, size);
    }
    return;
  }
  switch (offset) {
    case kTer:
      ter_ = value;
      break;
    case kTpr:
      tpr_ = value & 0xF;
      break;
    case kTcr:
      tcr_ = value;
      break;
    default:
      break;
  }
}

}  // namespace mcuprof::sim
