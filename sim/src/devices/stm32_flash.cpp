// FLASH_ACR of the STM32 families (see stm32_flash.hpp).
#include "stm32_flash.hpp"

namespace mcuprof::sim {
namespace {

using Kind = targets::FlashControl::Kind;

constexpr uint32_t kLatency = 0xFu;
constexpr uint32_t kPrften = 1u << 8;
constexpr uint32_t kIcen = 1u << 9;  // ARTEN on the F7
constexpr uint32_t kDcen = 1u << 10;
constexpr uint32_t kIcrst = 1u << 11;  // ARTRST on the F7
constexpr uint32_t kDcrst = 1u << 12;

uint32_t reset_value(Kind kind) {
  switch (kind) {
    case Kind::Stm32L4:
      return kIcen | kDcen;  // 0x600
    case Kind::Stm32H7:
      return 0x37;  // LATENCY 7, WRHIGHFREQ 3
    default:
      return 0;
  }
}

// The bits that exist (the rest read as zero).
uint32_t writable(Kind kind) {
  switch (kind) {
    case Kind::Stm32F4:
      return kLatency | kPrften | kIcen | kDcen | kIcrst | kDcrst;
    case Kind::Stm32L4:
      return kLatency | kPrften | kIcen | kDcen | kIcrst | kDcrst | (3u << 13);  // RUN_PD, SLEEP_PD
    case Kind::Stm32F7:
      return kLatency | kPrften | kIcen | kIcrst;
    case Kind::Stm32H7:
      return kLatency | (3u << 4);  // WRHIGHFREQ
    default:
      return 0;
  }
}

}  // namespace

Stm32FlashAcr::Stm32FlashAcr(Kind kind, MemoryControl& memory)
    : kind_(kind), memory_(memory), acr_(reset_value(kind)) {
  apply(~acr_);
}

uint32_t Stm32FlashAcr::read(uint32_t offset, unsigned size) {
  return read_register(acr_, offset, size);
}

void Stm32FlashAcr::write(uint32_t offset, unsigned size, uint32_t value) {
  const uint32_t before = acr_;
  acr_ = merge_register(acr_, offset, size, value) & writable(kind_);
  apply(before);
}

void Stm32FlashAcr::apply(uint32_t before) {
  using C = CacheInvalidation::Cache;
  if (((before ^ acr_) & kLatency) != 0) memory_.set_latency(acr_ & kLatency);
  if (kind_ == Kind::Stm32H7) return;  // no accelerator: the L1 caches do the work
  const bool icache = (acr_ & kIcen) != 0;
  const bool dcache = kind_ != Kind::Stm32F7 && (acr_ & kDcen) != 0;
  if (((before ^ acr_) & (kPrften | kIcen | kDcen)) != 0)
    memory_.set_flash(icache, dcache, (acr_ & kPrften) != 0);
  // A reset takes effect only while its cache is off (RM0402 3.5.2 and the others).
  if ((acr_ & kIcrst) != 0 && !icache)
    memory_.invalidate({C::FlashInstruction, CacheInvalidation::Scope::All});
  if (kind_ != Kind::Stm32F7 && (acr_ & kDcrst) != 0 && !dcache)
    memory_.invalidate({C::FlashData, CacheInvalidation::Scope::All});
}

}  // namespace mcuprof::sim
