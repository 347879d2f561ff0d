// The core's exception bookkeeping (ARMv7-M ARM B1.5, ARMv6-M ARM B1.5): which
// exceptions are enabled, pending and active, their priorities and priority grouping,
// the execution priority and the choice of the exception to take next. Pure state:
// the NVIC and SCB devices read and write it, the machine stacks and unstacks frames.
#pragma once

#include <cstdint>
#include <vector>

namespace mcuprof::sim {

class ExceptionState {
 public:
  static constexpr unsigned kReset = 1;
  static constexpr unsigned kNmi = 2;
  static constexpr unsigned kHardFault = 3;
  static constexpr unsigned kMemManage = 4;
  static constexpr unsigned kBusFault = 5;
  static constexpr unsigned kUsageFault = 6;
  static constexpr unsigned kSvc = 11;
  static constexpr unsigned kDebugMonitor = 12;
  static constexpr unsigned kPendSv = 14;
  static constexpr unsigned kSysTick = 15;
  static constexpr unsigned kFirstIrq = 16;
  static constexpr int kNoPriority = 256;  // execution priority with nothing active

  // `irq_count` external interrupts; `priority_bits` implemented priority bits (2 on
  // ARMv6-M, 3 to 8 on ARMv7-M; the unimplemented low bits read as zero).
  ExceptionState(unsigned irq_count, unsigned priority_bits);

  unsigned count() const { return static_cast<unsigned>(slots_.size()); }
  unsigned irq_count() const { return count() - kFirstIrq; }

  bool pending(unsigned n) const { return valid(n) && slots_[n].pending; }
  bool active(unsigned n) const { return valid(n) && slots_[n].active; }
  bool enabled(unsigned n) const;  // NMI, HardFault, SVC, PendSV, SysTick: always
  void set_pending(unsigned n, bool on);
  void set_active(unsigned n, bool on);
  void set_enabled(unsigned n, bool on);  // IRQs and MemManage/BusFault/UsageFault

  uint8_t priority(unsigned n) const;  // raw 8-bit value (0 for the fixed ones)
  void set_priority(unsigned n, uint8_t value);
  unsigned prigroup() const { return prigroup_; }
  void set_prigroup(unsigned value) { prigroup_ = value & 7u; }
  // Group priority used for pre-emption: -3/-2/-1 for Reset, NMI, HardFault.
  int group_priority(unsigned n) const;
  int group_of_value(uint8_t value) const;

  // Priority the core runs at: the highest of the active exceptions and the masks.
  int execution_priority(bool primask, bool faultmask, uint8_t basepri) const;
  // The pending, enabled exception that would be taken first (lowest priority value,
  // then lowest number), or 0.
  unsigned best_pending() const;
  bool any_pending() const { return pending_count_ != 0; }
  bool any_active() const;
  // Number of active exceptions other than `n` (RETTOBASE is "none").
  unsigned active_count() const;

 private:
  struct Slot {
    bool pending = false;
    bool active = false;
    bool enabled = false;
    uint8_t priority = 0;
  };
  bool valid(unsigned n) const { return n > 0 && n < slots_.size(); }

  std::vector<Slot> slots_;
  uint8_t priority_mask_;
  unsigned prigroup_ = 0;
  unsigned pending_count_ = 0;
};

}  // namespace mcuprof::sim
