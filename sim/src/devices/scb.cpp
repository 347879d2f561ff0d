// System Control Block registers (see scb.hpp). Offsets are from 0xE000ED00.
#include "scb.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kCpuid = 0x00;
constexpr uint32_t kIcsr = 0x04;
constexpr uint32_t kVtor = 0x08;
constexpr uint32_t kAircr = 0x0C;
constexpr uint32_t kScr = 0x10;
constexpr uint32_t kCcr = 0x14;
constexpr uint32_t kShpr = 0x18;  // SHPR1..3: one byte per exception 4..15
constexpr uint32_t kShprEnd = 0x24;
constexpr uint32_t kShcsr = 0x24;
constexpr uint32_t kCfsr = 0x28;
constexpr uint32_t kHfsr = 0x2C;
constexpr uint32_t kDfsr = 0x30;
constexpr uint32_t kMmfar = 0x34;
constexpr uint32_t kBfar = 0x38;
constexpr uint32_t kAfsr = 0x3C;
constexpr uint32_t kClidr = 0x78;  // cache identification (Cortex-M7): cache_control.hpp
constexpr uint32_t kCtr = 0x7C;
constexpr uint32_t kCcsidr = 0x80;
constexpr uint32_t kCsselr = 0x84;
constexpr uint32_t kCpacr = 0x88;
constexpr uint32_t kDemcr = 0xFC;

bool is_v6m(targets::Core core) {
  return core == targets::Core::CortexM0 || core == targets::Core::CortexM0Plus;
}

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

Scb::Scb(DeviceHost& host, ExceptionState& exceptions, targets::Core core, uint32_t vtor,
         CacheIdentification caches, MemoryControl& memory)
    : host_(host),
      exceptions_(exceptions),
      cpuid_(cpuid_for(core)),
      caches_(caches),
      memory_(memory),
      vtor_(vtor),
      // STKALIGN (8-byte frame alignment) is 1 at reset on ARMv6-M, Cortex-M3 r2 and
      // later, M4, M7 and M33; UNALIGN_TRP reads as one on ARMv6-M.
      ccr_(is_v6m(core) ? 0x208u : 0x200u) {}

uint32_t Scb::icsr() const {
  const unsigned active = host_.current_exception();
  const unsigned pending = exceptions_.best_pending();
  uint32_t v = active & 0x1FFu;
  if (exceptions_.active_count() <= 1) v |= 1u << 11;  // RETTOBASE
  v |= (pending & 0x1FFu) << 12;
  for (unsigned n = ExceptionState::kFirstIrq; n < exceptions_.count(); ++n)
    if (exceptions_.pending(n)) {
      v |= 1u << 22;  // ISRPENDING
      break;
    }
  if (exceptions_.pending(ExceptionState::kSysTick)) v |= 1u << 26;
  if (exceptions_.pending(ExceptionState::kPendSv)) v |= 1u << 28;
  if (exceptions_.pending(ExceptionState::kNmi)) v |= 1u << 31;
  return v;
}

uint32_t Scb::shcsr() const {
  using E = ExceptionState;
  const auto bit = [](bool on, unsigned b) { return on ? 1u << b : 0u; };
  const E& e = exceptions_;
  return bit(e.active(E::kMemManage), 0) | bit(e.active(E::kBusFault), 1) |
         bit(e.active(E::kUsageFault), 3) | bit(e.active(E::kSvc), 7) |
         bit(e.active(E::kDebugMonitor), 8) | bit(e.active(E::kPendSv), 10) |
         bit(e.active(E::kSysTick), 11) | bit(e.pending(E::kUsageFault), 12) |
         bit(e.pending(E::kMemManage), 13) | bit(e.pending(E::kBusFault), 14) |
         bit(e.pending(E::kSvc), 15) | bit(e.enabled(E::kMemManage), 16) |
         bit(e.enabled(E::kBusFault), 17) | bit(e.enabled(E::kUsageFault), 18);
}

void Scb::write_shcsr(uint32_t value) {
  using E = ExceptionState;
  exceptions_.set_enabled(E::kMemManage, (value & (1u << 16)) != 0);
  exceptions_.set_enabled(E::kBusFault, (value & (1u << 17)) != 0);
  exceptions_.set_enabled(E::kUsageFault, (value & (1u << 18)) != 0);
}

uint32_t Scb::read(uint32_t offset, unsigned size) {
  const uint32_t word = offset & ~3u;
  uint32_t v = 0;
  if (offset >= kShpr && offset < kShprEnd) {
    for (unsigned i = 0; i < 4; ++i)
      v |= uint32_t{exceptions_.priority(4 + (word - kShpr) + i)} << (8 * i);
  } else {
    switch (word) {
      case kCpuid:
        v = cpuid_;
        break;
      case kIcsr:
        v = icsr();
        break;
      case kVtor:
        v = vtor_;
        break;
      case kAircr:
        v = 0xFA050000u | (exceptions_.prigroup() << 8);
        break;
      case kScr:
        v = scr_;
        break;
      case kCcr:
        v = ccr_;
        break;
      case kShcsr:
        v = shcsr();
        break;
      case kCfsr:
        v = cfsr_;
        break;
      case kHfsr:
        v = hfsr_;
        break;
      case kDfsr:
        v = dfsr_;
        break;
      case kMmfar:
        v = mmfar_;
        break;
      case kBfar:
        v = bfar_;
        break;
      case kAfsr:
        v = afsr_;
        break;
      case kCpacr:
        v = cpacr_;
        break;
      case kDemcr:
        v = demcr_;
        break;
      case kClidr:
      case kCtr:
      case kCcsidr:
      case kCsselr:
        if (caches_.present()) {
          v = word == kClidr    ? caches_.clidr()
              : word == kCtr    ? caches_.ctr()
              : word == kCcsidr ? caches_.ccsidr()
                                : caches_.csselr();
          break;
        }
        [[fallthrough]];
      default:  // ID registers (PFR, DFR, MMFR, ISAR...): not modelled, read as zero
        if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, false);
        return 0;
    }
  }
  const unsigned shift = 8 * (offset & 3u);
  return size >= 4 ? v : (v >> shift) & (size == 1 ? 0xFFu : 0xFFFFu);
}

void Scb::write(uint32_t offset, unsigned size, uint32_t value) {
  const uint32_t word = offset & ~3u;
  if (offset >= kShpr && offset < kShprEnd) {
    for (unsigned i = 0; i < size; ++i)
      exceptions_.set_priority(4 + (offset - kShpr) + i,
                               static_cast<uint8_t>((value >> (8 * i)) & 0xFFu));
    return;
  }
  switch (word) {
    case kIcsr: {
      using E = ExceptionState;
      const uint32_t v = merge_register(0, offset, size, value);
      if (v & (1u << 31)) exceptions_.set_pending(E::kNmi, true);
      if (v & (1u << 28)) exceptions_.set_pending(E::kPendSv, true);
      if (v & (1u << 27)) exceptions_.set_pending(E::kPendSv, false);
      if (v & (1u << 26)) exceptions_.set_pending(E::kSysTick, true);
      if (v & (1u << 25)) exceptions_.set_pending(E::kSysTick, false);
      break;
    }
    case kVtor:
      vtor_ = merge_register(vtor_, offset, size, value) & 0xFFFFFF80u;
      break;
    case kAircr: {
      const uint32_t v = merge_register(0, offset, size, value);
      if ((v >> 16) == 0x05FA) exceptions_.set_prigroup((v >> 8) & 7u);
      break;
    }
    case kScr:
      scr_ = merge_register(scr_, offset, size, value) & 0x16u;
      break;
    case kCcr: {
      const uint32_t before = ccr_;
      ccr_ = merge_register(ccr_, offset, size, value) & 0x0007031Bu;
      if (((before ^ ccr_) & (kIc | kDc)) != 0)
        memory_.set_l1((ccr_ & kIc) != 0, (ccr_ & kDc) != 0);
      break;
    }
    case kShcsr:
      write_shcsr(merge_register(shcsr(), offset, size, value));
      break;
    case kCfsr:  // write one to clear
      cfsr_ &= ~merge_register(0, offset, size, value);
      break;
    case kHfsr:
      hfsr_ &= ~merge_register(0, offset, size, value);
      break;
    case kDfsr:
      dfsr_ &= ~merge_register(0, offset, size, value);
      break;
    case kMmfar:
      mmfar_ = merge_register(mmfar_, offset, size, value);
      break;
    case kBfar:
      bfar_ = merge_register(bfar_, offset, size, value);
      break;
    case kAfsr:
      afsr_ &= ~merge_register(0, offset, size, value);
      break;
    case kCpacr:
      cpacr_ = merge_register(cpacr_, offset, size, value) & 0x00F00000u;
      break;
    case kDemcr:
      demcr_ = merge_register(demcr_, offset, size, value) & 0x010F07F1u;
      break;
    case kCsselr:
      if (caches_.present()) {
        caches_.set_csselr(merge_register(caches_.csselr(), offset, size, value));
        break;
      }
      if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
      break;
    default:
      if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
      break;
  }
}

void Scb::record_fault(uint32_t cfsr_bits, uint32_t hfsr_bits, std::optional<uint32_t> mmfar,
                       std::optional<uint32_t> bfar) {
  cfsr_ |= cfsr_bits;
  hfsr_ |= hfsr_bits;
  if (mmfar) {
    mmfar_ = *mmfar;
    cfsr_ |= kMmarValid;
  }
  if (bfar) {
    bfar_ = *bfar;
    cfsr_ |= kBfarValid;
  }
}

}  // namespace mcuprof::sim
