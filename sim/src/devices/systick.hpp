// SysTick, the 24-bit system timer (ARMv7-M ARM B3.3, ARMv6-M ARM B3.3): CSR, RVR,
// CVR, CALIB. It counts simulated core cycles (CLKSOURCE=1; the external reference
// clock is taken to be the core clock too), sets COUNTFLAG and pends the SysTick
// exception when the counter reaches zero, then reloads from RVR. The counter is not
// stepped: its value is computed from the cycle count when read, and the machine asks
// deadline() whether a zero was crossed since the last block.
#pragma once

#include <limits>

#include "../exception_state.hpp"
#include "mcuprof/sim/device.hpp"

namespace mcuprof::sim {

class SysTick final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000E010;
  static constexpr uint32_t kSize = 0x10;
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  SysTick(DeviceHost& host, ExceptionState& exceptions, uint64_t clock_hz);
  std::string_view name() const override { return "SysTick"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

  // First cycle at which the counter reaches zero with TICKINT set, or kNever.
  uint64_t deadline() const { return deadline_; }
  // Called once the cycle count reached deadline(): pends SysTick, sets COUNTFLAG and
  // moves the deadline to the next zero after `now`.
  void expire(uint64_t now);

 private:
  bool enabled() const { return (csr_ & 1u) != 0; }
  uint32_t current(uint64_t now) const;
  // First cycle > `now` (or == first zero) at which the counter is zero.
  uint64_t next_zero_after(uint64_t now) const;
  void restart(uint64_t now, uint32_t value);
  void update_deadline(uint64_t now);

  DeviceHost& host_;
  ExceptionState& exceptions_;
  uint32_t calib_;
  uint32_t csr_ = 0x4;  // CLKSOURCE = core clock
  uint32_t rvr_ = 0;
  bool countflag_ = false;
  // While enabled the counter holds `start_value_` at cycle `start_`, then counts down.
  uint64_t start_ = 0;
  uint32_t start_value_ = 0;
  uint32_t stopped_value_ = 0;   // CVR while disabled
  uint64_t last_zero_seen_ = 0;  // COUNTFLAG bookkeeping: zeros before this are counted
  uint64_t deadline_ = kNever;
};

}  // namespace mcuprof::sim
