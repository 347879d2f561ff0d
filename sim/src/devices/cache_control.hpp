// The Cortex-M7's L1 cache control seen by software (ARMv7-M ARM B2.2, B3.2.3; Cortex-M7
// TRM 4.1.2): the identification registers CLIDR, CTR, CCSIDR and CSSELR (read in the
// SCB's window, 0xE000ED78-0xE000ED87) describe the board file's caches, so CMSIS's
// SCB_EnableDCache walks the real number of sets and ways; the maintenance operations
// (0xE000EF50-0xE000EF78: ICIALLU, ICIMVAU, DCIMVAC, DCISW, DCCMVAU, DCCMVAC, DCCSW,
// DCCIMVAC, DCCISW, BPIALL) are counted, and those that invalidate drop the lines from
// the cycle model's caches (cleaning changes no timing: write-backs are not modelled). On
// a core or board without caches the registers read 0 and the operations are reported
// as unmodelled. CCR.IC/DC themselves live in the SCB (scb.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_set>

#include "../memory_control.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class CacheIdentification {
 public:
  CacheIdentification(targets::Core core, const targets::Cache& icache,
                      const targets::Cache& dcache);
  bool present() const { return icache_.present() || dcache_.present(); }
  uint32_t clidr() const;
  uint32_t ctr() const;
  uint32_t ccsidr() const;  // of the cache CSSELR selects
  uint32_t csselr() const { return csselr_; }
  void set_csselr(uint32_t v) { csselr_ = v & 1u; }  // InD: 1 the instruction cache
  const targets::Cache& dcache() const { return dcache_; }

 private:
  targets::Cache icache_, dcache_;
  uint32_t csselr_ = 0;
};

class CacheMaintenance final : public Device {
 public:
  static constexpr uint32_t kBase = 0xE000EF50;
  static constexpr uint32_t kSize = 0x30;  // up to BPIALL at 0xE000EF78
  CacheMaintenance(DeviceHost& host, const CacheIdentification& caches, MemoryControl& memory)
      : host_(host), caches_(caches.present()), dcache_(caches.dcache()), memory_(memory) {}
  std::string_view name() const override { return "cache maintenance"; }
  uint32_t read(uint32_t offset, unsigned size) override;  // write-only: reads 0
  void write(uint32_t offset, unsigned size, uint32_t value) override;
  // Operations the firmware issued, per register (ICIALLU first).
  const std::array<uint64_t, kSize / 4>& operations() const { return operations_; }

 private:
  void invalidate(uint32_t offset, uint32_t value);

  DeviceHost& host_;
  bool caches_;
  targets::Cache dcache_;
  MemoryControl& memory_;
  std::array<uint64_t, kSize / 4> operations_{};
  std::unordered_set<uint32_t> reported_;
};

}  // namespace mcuprof::sim
