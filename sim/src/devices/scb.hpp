// SCB, the System Control Block (ARMv7-M ARM B3.2.2; 0xE000ED00-0xE000EDFF): CPUID
// matching the core, ICSR (pend/clear PendSV and SysTick, VECTACTIVE/VECTPENDING),
// VTOR, AIRCR (priority grouping), SCR, CCR, the system handler priorities (SHPR1-3),
// SHCSR (fault enables, active and pended bits), the fault status and address
// registers CFSR/HFSR/DFSR/MMFAR/BFAR (set by the machine when it raises a fault,
// write-one-to-clear for the firmware), CPACR and DEMCR.
#pragma once

#include <optional>
#include <unordered_set>

#include "../exception_state.hpp"
#include "../memory_control.hpp"
#include "cache_control.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class Scb final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000ED00;
  static constexpr uint32_t kSize = 0x100;

  // CFSR bits (UFSR << 16 | BFSR << 8 | MMFSR).
  static constexpr uint32_t kIaccViol = 1u << 0;
  static constexpr uint32_t kDaccViol = 1u << 1;
  static constexpr uint32_t kMmarValid = 1u << 7;
  static constexpr uint32_t kIbusErr = 1u << 8;
  static constexpr uint32_t kPreciseErr = 1u << 9;
  static constexpr uint32_t kStkErr = 1u << 12;
  static constexpr uint32_t kBfarValid = 1u << 15;
  static constexpr uint32_t kUndefInstr = 1u << 16;
  static constexpr uint32_t kInvState = 1u << 17;
  static constexpr uint32_t kInvPc = 1u << 18;
  static constexpr uint32_t kNoCp = 1u << 19;
  static constexpr uint32_t kUnaligned = 1u << 24;
  static constexpr uint32_t kDivByZero = 1u << 25;
  // CCR bits.
  static constexpr uint32_t kDiv0Trp = 1u << 4;
  static constexpr uint32_t kDc = 1u << 16;  // Cortex-M7: data cache enable
  static constexpr uint32_t kIc = 1u << 17;  // instruction cache enable
  // HFSR bits.
  static constexpr uint32_t kVectTbl = 1u << 1;
  static constexpr uint32_t kForced = 1u << 30;

  // `caches`: the cache identification registers (CLIDR, CTR, CCSIDR, CSSELR) it answers;
  // CCR.IC/DC writes go to `memory`.
  Scb(DeviceHost& host, ExceptionState& exceptions, targets::Core core, uint32_t vtor,
      CacheIdentification caches, MemoryControl& memory);
  std::string_view name() const override { return "SCB"; }
  uint32_t read(uint32_t offset, unsigned size) override;
  void write(uint32_t offset, unsigned size, uint32_t value) override;

  uint32_t vtor() const { return vtor_; }
  uint32_t cpacr() const { return cpacr_; }
  uint32_t ccr() const { return ccr_; }
  bool fpu_enabled() const {
    return (cpacr_ & 0x00F00000u) == 0x00F00000u || (cpacr_ & 0x00F00000u) == 0x00500000u;
  }
  uint32_t cfsr() const { return cfsr_; }
  uint32_t hfsr() const { return hfsr_; }
  uint32_t mmfar() const { return mmfar_; }
  uint32_t bfar() const { return bfar_; }
  // The machine records a fault the way the chip would.
  void record_fault(uint32_t cfsr_bits, uint32_t hfsr_bits, std::optional<uint32_t> mmfar,
                    std::optional<uint32_t> bfar);

 private:
  uint32_t icsr() const;
  uint32_t shcsr() const;
  void write_shcsr(uint32_t value);

  DeviceHost& host_;
  ExceptionState& exceptions_;
  uint32_t cpuid_;
  CacheIdentification caches_;
  MemoryControl& memory_;
  uint32_t vtor_;
  uint32_t scr_ = 0;
  uint32_t ccr_;
  uint32_t cfsr_ = 0;
  uint32_t hfsr_ = 0;
  uint32_t dfsr_ = 0;
  uint32_t mmfar_ = 0;
  uint32_t bfar_ = 0;
  uint32_t afsr_ = 0;
  uint32_t cpacr_ = 0;
  uint32_t demcr_ = 0;
  std::unordered_set<uint32_t> reported_;  // unmodelled offsets already reported
};

// CPUID (SCB+0x00) of each core as its Technical Reference Manual gives it.
uint32_t cpuid_for(targets::Core core);

}  // namespace mcuprof::sim
