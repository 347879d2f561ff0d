// The memory system's configuration as the firmware sets it: the devices that own the
// control bits (the SCB's CCR.IC/DC, the cache maintenance operations, the flash
// interface registers FLASH_ACR, XIP_CTRL, NVMC ICACHECNF) report here, and every change
// is handed to the cycle model at once. Starts at the board's reset values: the L1
// caches off (CCR), the flash interface as its reference manual says after reset, and
// everything on for a board with no control register (docs/cycle-model.md).
#pragma once

#include <cstdint>
#include <optional>

#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

class MemoryControl {
 public:
  MemoryControl(CycleModel& model, const targets::Target& target);

  // CCR.IC and CCR.DC (Cortex-M7; ignored on a board without L1 caches).
  void set_l1(bool icache, bool dcache);
  // The flash interface's switches and its LATENCY field (STM32), as now written.
  void set_flash(bool icache, bool dcache, bool prefetch);
  void set_latency(unsigned latency);
  void invalidate(const CacheInvalidation& what);

  const MemoryConfig& config() const { return config_; }
  MemoryState state() const;

 private:
  void apply();

  CycleModel& model_;
  const targets::Target& target_;
  MemoryConfig config_;
  std::optional<unsigned> latency_;  // FLASH_ACR.LATENCY (STM32 boards)
  uint64_t invalidations_ = 0;
};

}  // namespace mcuprof::sim
