// The nRF52's NVMC ICACHECNF (see nrf52_nvmc.hpp).
#include "nrf52_nvmc.hpp"

namespace mcuprof::sim {
namespace {

constexpr uint32_t kCacheEn = 1u << 0;

}  // namespace

Nrf52Icachecnf::Nrf52Icachecnf(MemoryControl& memory) : memory_(memory) {
  memory_.set_flash(false, false, false);
}

void Nrf52Icachecnf::write(uint32_t offset, unsigned size, uint32_t value) {
  const uint32_t before = value_;
  value_ = merge_register(value_, offset, size, value) & (kCacheEn | (1u << 8));  // CACHEPROFEN
  if (((before ^ value_) & kCacheEn) == 0) return;
  const bool on = (value_ & kCacheEn) != 0;
  if (!on)
    memory_.invalidate({CacheInvalidation::Cache::FlashInstruction, CacheInvalidation::Scope::All});
  memory_.set_flash(on, false, false);
}

}  // namespace mcuprof::sim
