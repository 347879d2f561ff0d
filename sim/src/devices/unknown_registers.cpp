// Last-written register file for unmodelled peripherals (see unknown_registers.hpp).
#include "unknown_registers.hpp"

namespace mcuprof::sim {

uint32_t UnknownRegisters::word(uint32_t address) const {
  const auto it = words_.find(address);
  if (it != words_.end()) return it->second;
  const auto* rule = peripherals_.rule_at(address);
  return rule != nullptr ? rule->reset : 0u;
}

void UnknownRegisters::report(uint32_t address, bool write) {
  if (reported_.insert(address).second) host_.unmodelled_access(address, write);
}

uint32_t UnknownRegisters::read(uint32_t offset, unsigned size) {
  const uint32_t address = base_ + offset;
  const uint32_t aligned = address & ~3u;
  report(aligned, false);
  uint32_t v = word(aligned);
  if (const auto* rule = peripherals_.rule_at(aligned)) v = rule->read_value(v);
  const unsigned shift = 8 * (address & 3u);
  return size >= 4 ? v : (v >> shift) & (size == 1 ? 0xFFu : 0xFFFFu);
}

void UnknownRegisters::write(uint32_t offset, unsigned size, uint32_t value) {
  const uint32_t address = base_ + offset;
  const uint32_t aligned = address & ~3u;
  report(aligned, true);
  uint32_t v = value;
  if (size < 4) {
    const unsigned shift = 8 * (address & 3u);
    const uint32_t mask = (size == 1 ? 0xFFu : 0xFFFFu) << shift;
    v = (word(aligned) & ~mask) | ((value << shift) & mask);
  }
  words_[aligned] = v;
}

}  // namespace mcuprof::sim
