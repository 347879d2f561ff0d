// The firmware's memory-system configuration (see memory_control.hpp).
#include "memory_control.hpp"

namespace mcuprof::sim {
namespace {

bool has_l1(const targets::Target& t) {
  return t.core == targets::Core::CortexM7 && (t.icache.present() || t.dcache.present());
}

}  // namespace

MemoryControl::MemoryControl(CycleModel& model, const targets::Target& target)
    : model_(model), target_(target) {
  // CCR resets with IC = DC = 0 (ARMv7-M ARM B3.2.8): the caches are off until enabled.
  if (has_l1(target)) config_.l1_icache = config_.l1_dcache = false;
  if (target.flash_control.stm32()) latency_ = target.flash_control.latency;
  apply();  // the flash interface device then sets its own reset values
}

void MemoryControl::set_l1(bool icache, bool dcache) {
  if (!has_l1(target_)) return;
  config_.l1_icache = icache;
  config_.l1_dcache = dcache;
  apply();
}

void MemoryControl::set_flash(bool icache, bool dcache, bool prefetch) {
  config_.flash_icache = icache;
  config_.flash_dcache = dcache;
  config_.prefetch = prefetch;
  apply();
}

void MemoryControl::set_latency(unsigned latency) {
  latency_ = latency;
  apply();
}

void MemoryControl::invalidate(const CacheInvalidation& what) {
  ++invalidations_;
  model_.invalidate(what);
}

void MemoryControl::apply() {
  const auto& c = target_.flash_control;
  // Fewer wait states than the clock needs would not read flash reliably on silicon:
  // the model keeps what the clock needs (and says so, MemoryState); more cost more.
  config_.extra_wait_states =
      latency_ && *latency_ > c.latency ? (*latency_ - c.latency) * c.cycles_per_latency : 0;
  model_.configure(config_);
}

MemoryState MemoryControl::state() const {
  MemoryState s;
  s.config = config_;
  s.has_l1_icache = has_l1(target_) && target_.icache.present();
  s.has_l1_dcache = has_l1(target_) && target_.dcache.present();
  const auto kind = target_.flash_accelerator.kind;
  s.has_flash_icache = kind == targets::FlashAccelerator::Kind::StmArt ||
                       kind == targets::FlashAccelerator::Kind::XipCache ||
                       kind == targets::FlashAccelerator::Kind::FlashCache;
  s.has_flash_dcache =
      kind == targets::FlashAccelerator::Kind::StmArt && target_.flash_accelerator.dcache_lines > 0;
  s.has_prefetch =
      target_.flash_accelerator.prefetch || kind == targets::FlashAccelerator::Kind::Prefetch;
  s.controlled = target_.flash_control.present();
  s.latency = latency_;
  if (latency_) s.required_latency = target_.flash_control.latency;
  for (const auto& m : target_.memories)
    if (m.kind == targets::MemoryKind::Flash) {
      s.flash_wait_states = m.wait_states + config_.extra_wait_states;
      break;
    }
  s.cache_invalidations = invalidations_;
  return s;
}

}  // namespace mcuprof::sim
