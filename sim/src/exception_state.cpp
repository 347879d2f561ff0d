// Exception priorities and states (see exception_state.hpp).
#include "exception_state.hpp"

#include <algorithm>

namespace mcuprof::sim {

ExceptionState::ExceptionState(unsigned irq_count, unsigned priority_bits)
    : slots_(kFirstIrq + irq_count),
      priority_mask_(static_cast<uint8_t>(0xFFu << (8 - std::clamp(priority_bits, 2u, 8u)))) {
  for (unsigned n : {kNmi, kHardFault, kSvc, kPendSv, kSysTick, kDebugMonitor})
    slots_[n].enabled = true;
}

bool ExceptionState::enabled(unsigned n) const {
  return valid(n) && slots_[n].enabled;
}

void ExceptionState::set_pending(unsigned n, bool on) {
  if (!valid(n) || slots_[n].pending == on) return;
  slots_[n].pending = on;
  if (on)
    ++pending_count_;
  else
    --pending_count_;
}

void ExceptionState::set_active(unsigned n, bool on) {
  if (valid(n)) slots_[n].active = on;
}

void ExceptionState::set_enabled(unsigned n, bool on) {
  if (!valid(n)) return;
  if (n >= kFirstIrq || n == kMemManage || n == kBusFault || n == kUsageFault)
    slots_[n].enabled = on;
}

uint8_t ExceptionState::priority(unsigned n) const {
  return valid(n) && n > kHardFault ? slots_[n].priority : 0;
}

void ExceptionState::set_priority(unsigned n, uint8_t value) {
  if (valid(n) && n > kHardFault) slots_[n].priority = value & priority_mask_;
}

int ExceptionState::group_of_value(uint8_t value) const {
  // PRIGROUP n: bits [7:n+1] are the group priority, [n:0] the subpriority.
  const unsigned sub_bits = prigroup_ + 1;
  return static_cast<int>(sub_bits >= 8 ? 0u : (value & priority_mask_ & (0xFFu << sub_bits)));
}

int ExceptionState::group_priority(unsigned n) const {
  if (n == kReset) return -3;
  if (n == kNmi) return -2;
  if (n == kHardFault) return -1;
  return group_of_value(priority(n));
}

int ExceptionState::execution_priority(bool primask, bool faultmask, uint8_t basepri) const {
  int p = kNoPriority;
  for (unsigned n = 1; n < slots_.size(); ++n)
    if (slots_[n].active) p = std::min(p, group_priority(n));
  if ((basepri & priority_mask_) != 0) p = std::min(p, group_of_value(basepri));
  if (primask) p = std::min(p, 0);
  if (faultmask) p = std::min(p, -1);
  return p;
}

unsigned ExceptionState::best_pending() const {
  if (pending_count_ == 0) return 0;
  unsigned best = 0;
  int best_priority = 0;
  for (unsigned n = 1; n < slots_.size(); ++n) {
    const Slot& s = slots_[n];
    if (!s.pending || !s.enabled) continue;
    // Full priority (group and subpriority) decides, then the exception number.
    const int p = n <= kHardFault ? group_priority(n) : static_cast<int>(priority(n));
    if (best == 0 || p < best_priority) {
      best = n;
      best_priority = p;
    }
  }
  return best;
}

bool ExceptionState::any_active() const {
  return std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.active; });
}

unsigned ExceptionState::active_count() const {
  return static_cast<unsigned>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.active; }));
}

}  // namespace mcuprof::sim
