// NVIC registers (see nvic.hpp). Offsets are from 0xE000E100.
#include "nvic.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kIser = 0x000;
constexpr uint32_t kIcer = 0x080;
constexpr uint32_t kIspr = 0x100;
constexpr uint32_t kIcpr = 0x180;
constexpr uint32_t kIabr = 0x200;
constexpr uint32_t kIpr = 0x300;
constexpr uint32_t kIprEnd = 0x300 + 496;
constexpr uint32_t kBankBytes = 0x40;  // 16 words of 32 interrupts
}  // namespace

uint32_t Nvic::read(uint32_t offset, unsigned size) {
  const unsigned irqs = exceptions_.irq_count();
  if (offset >= kIpr && offset < kIprEnd) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
      const unsigned irq = offset - kIpr + i;
      if (irq < irqs)
        v |= uint32_t{exceptions_.priority(ExceptionState::kFirstIrq + irq)} << (8 * i);
    }
    return v;
  }
  const uint32_t group = offset & ~(kBankBytes - 1);  // ICER reads as ISER, ICPR as ISPR
  const unsigned first = (offset % kBankBytes) / 4 * 32;
  uint32_t v = 0;
  for (unsigned bit = 0; bit < 32 && first + bit < irqs; ++bit) {
    const unsigned n = ExceptionState::kFirstIrq + first + bit;
    bool on = false;
    if (group == kIser || group == kIcer)
      on = exceptions_.enabled(n);
    else if (group == kIspr || group == kIcpr)
      on = exceptions_.pending(n);
    else if (group == kIabr)
      on = exceptions_.active(n);
    if (on) v |= 1u << bit;
  }
  return v;
}

void Nvic::write(uint32_t offset, unsigned size, uint32_t value) {
  const unsigned irqs = exceptions_.irq_count();
  if (offset >= kIpr && offset < kIprEnd) {
    for (unsigned i = 0; i < size; ++i) {
      const unsigned irq = offset - kIpr + i;
      if (irq < irqs)
        exceptions_.set_priority(ExceptionState::kFirstIrq + irq,
                                 static_cast<uint8_t>((value >> (8 * i)) & 0xFFu));
    }
    return;
  }
  const uint32_t group = offset & ~(kBankBytes - 1);
  const unsigned first = (offset % kBankBytes) / 4 * 32;
  for (unsigned bit = 0; bit < 32 && first + bit < irqs; ++bit) {
    if ((value & (1u << bit)) == 0) continue;
    const unsigned n = ExceptionState::kFirstIrq + first + bit;
    switch (group) {
      case kIser:
        exceptions_.set_enabled(n, true);
        break;
      case kIcer:
        exceptions_.set_enabled(n, false);
        break;
      case kIspr:
        exceptions_.set_pending(n, true);
        break;
      case kIcpr:
        exceptions_.set_pending(n, false);
        break;
      default:  // IABR is read-only
        break;
    }
  }
}

}  // namespace mcuprof::sim
