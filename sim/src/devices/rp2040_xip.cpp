// The RP2040's XIP cache control (see rp2040_xip.hpp).
#include "rp2040_xip.hpp"

namespace mcuprof::sim {
namespace {

constexpr uint32_t kCtrl = 0x0;
constexpr uint32_t kFlush = 0x4;
constexpr uint32_t kStat = 0x8;
constexpr uint32_t kEn = 1u << 0;

}  // namespace

Rp2040XipCtrl::Rp2040XipCtrl(MemoryControl& memory) : memory_(memory) {
  words_[kCtrl / 4] = 0x3;  // EN and ERR_BADWRITE after reset
  memory_.set_flash(true, false, false);
}

uint32_t Rp2040XipCtrl::read(uint32_t offset, unsigned size) {
  const uint32_t word = offset & ~3u;
  const uint32_t v = word == kStat ? 0x3u : words_[word / 4];  // FLUSH_READY, FIFO_EMPTY
  return read_register(v, offset, size);
}

void Rp2040XipCtrl::write(uint32_t offset, unsigned size, uint32_t value) {
  const uint32_t word = offset & ~3u;
  if (word == kFlush) {
    memory_.invalidate({CacheInvalidation::Cache::FlashInstruction, CacheInvalidation::Scope::All});
    return;
  }
  if (word == kStat) return;  // read-only
  const uint32_t before = words_[word / 4];
  words_[word / 4] = merge_register(before, offset, size, value);
  if (word == kCtrl && ((before ^ words_[0]) & kEn) != 0)
    memory_.set_flash((words_[0] & kEn) != 0, false, false);
}

}  // namespace mcuprof::sim
