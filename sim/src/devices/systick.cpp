// SysTick timer (see systick.hpp).
#include "systick.hpp"

namespace mcuprof::sim {
namespace {
constexpr uint32_t kCsr = 0x0;
constexpr uint32_t kRvr = 0x4;
constexpr uint32_t kCvr = 0x8;
constexpr uint32_t kCalib = 0xC;
constexpr uint32_t kEnable = 1u << 0;
constexpr uint32_t kTickInt = 1u << 1;
constexpr uint32_t kCountFlag = 1u << 16;
constexpr uint32_t kMask24 = 0x00FFFFFFu;
}  // namespace

SysTick::SysTick(DeviceHost& host, ExceptionState& exceptions, uint64_t clock_hz)
    : host_(host),
      exceptions_(exceptions),
      // NOREF: no separate reference clock; TENMS: cycles in 10 ms of the core clock.
      calib_((1u << 31) | static_cast<uint32_t>((clock_hz / 100 - 1) & kMask24)) {}

uint64_t SysTick::next_zero_after(uint64_t now) const {
  // The counter is start_value_ at start_, reaches 0 after start_value_ cycles (or,
  // from 0, reloads on the next cycle and reaches 0 after RVR more), then every RVR+1.
  const uint64_t period = uint64_t{rvr_} + 1;
  const uint64_t first = start_value_ != 0 ? start_ + start_value_ : start_ + period;
  if (rvr_ == 0) return first > now ? first : kNever;  // RVR 0: stops after one zero
  if (first > now) return first;
  return first + ((now - first) / period + 1) * period;
}

uint32_t SysTick::current(uint64_t now) const {
  if (!enabled()) return stopped_value_;
  const uint64_t elapsed = now - start_;
  if (start_value_ != 0 && elapsed <= start_value_)
    return start_value_ - static_cast<uint32_t>(elapsed);
  if (rvr_ == 0) return 0;
  const uint64_t period = uint64_t{rvr_} + 1;
  const uint64_t first = start_value_ != 0 ? start_ + start_value_ : start_ + period;
  if (now < first) return static_cast<uint32_t>(first - now);
  const uint64_t k = (now - first) % period;
  return k == 0 ? 0 : static_cast<uint32_t>(period - k);
}

void SysTick::restart(uint64_t now, uint32_t value) {
  start_ = now;
  start_value_ = value & kMask24;
  last_zero_seen_ = now;
}

void SysTick::update_deadline(uint64_t now) {
  deadline_ = enabled() && (csr_ & kTickInt) != 0 ? next_zero_after(now) : kNever;
}

void SysTick::expire(uint64_t now) {
  if (deadline_ == kNever || now < deadline_) return;
  countflag_ = true;
  last_zero_seen_ = now;
  exceptions_.set_pending(ExceptionState::kSysTick, true);
  deadline_ = next_zero_after(now);
}

uint32_t SysTick::read(uint32_t offset, unsigned /*size*/) {
  const uint64_t now = host_.cycles();
  switch (offset) {
    case kCsr: {
      // COUNTFLAG: a zero was reached since the last read of CSR.
      bool flag = countflag_;
      if (enabled() && !flag) {
        const uint64_t zero = next_zero_after(last_zero_seen_);
        flag = zero != kNever && zero <= now;
      }
      countflag_ = false;
      last_zero_seen_ = now;
      return (csr_ & 0x7u) | (flag ? kCountFlag : 0u);
    }
    case kRvr:
      return rvr_;
    case kCvr:
      return current(now);
    case kCalib:
      return calib_;
    default:
      return 0;
  }
}

void SysTick::write(uint32_t offset, unsigned /*size*/, uint32_t value) {
  const uint64_t now = host_.cycles();
  switch (offset) {
    case kCsr: {
      const bool was_enabled = enabled();
      const uint32_t counter = current(now);
      csr_ = value & 0x7u;
      if (!was_enabled && enabled()) restart(now, stopped_value_);
      if (was_enabled && !enabled()) stopped_value_ = counter;
      update_deadline(now);
      break;
    }
    case kRvr:
      rvr_ = value & kMask24;
      if (enabled()) restart(now, current(now));
      update_deadline(now);
      break;
    case kCvr:  // any write clears the counter and COUNTFLAG
      countflag_ = false;
      stopped_value_ = 0;
      if (enabled()) restart(now, 0);
      update_deadline(now);
      break;
    default:
      break;
  }
}

}  // namespace mcuprof::sim
