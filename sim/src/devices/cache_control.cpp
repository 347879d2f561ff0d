// The Cortex-M7's cache identification and maintenance registers (see cache_control.hpp).
#include "cache_control.hpp"

#include <bit>

namespace mcuprof::sim {
namespace {

// CCSIDR: [27:13] NumSets-1, [12:3] Associativity-1, [2:0] log2(words per line)-2, and the
// policies the cache supports in [31:28] (WT, WB, RA, WA).
uint32_t ccsidr_of(const targets::Cache& c, uint32_t policies) {
  if (!c.present() || c.line_bytes < 16 || c.ways == 0) return 0;
  const uint32_t sets = c.size / (c.line_bytes * c.ways);
  const auto line_field = static_cast<uint32_t>(std::bit_width(c.line_bytes / 4) - 1) - 2;
  return policies | ((sets - 1) & 0x7FFFu) << 13 | ((c.ways - 1) & 0x3FFu) << 3 | (line_field & 7u);
}

}  // namespace

CacheIdentification::CacheIdentification(targets::Core core, const targets::Cache& icache,
                                         const targets::Cache& dcache) {
  if (core != targets::Core::CortexM7) return;  // the other cores have no L1 caches
  icache_ = icache;
  dcache_ = dcache;
}

uint32_t CacheIdentification::clidr() const {
  // Ctype1 (level 1): 1 instruction only, 2 data only, 3 both; LoC and LoUU = level 1.
  const uint32_t ctype = (icache_.present() ? 1u : 0u) | (dcache_.present() ? 2u : 0u);
  return ctype == 0 ? 0 : (1u << 27) | (1u << 24) | ctype;
}

uint32_t CacheIdentification::ctr() const {
  if (!present()) return 0;
  // Format 0b100 (ARMv7); CWG, ERG, DminLine and IminLine: log2 of the line in words.
  const auto log_words = [](const targets::Cache& c) {
    return static_cast<uint32_t>(std::bit_width((c.present() ? c.line_bytes : 32u) / 4) - 1);
  };
  const uint32_t d = log_words(dcache_), i = log_words(icache_);
  return (4u << 29) | (d << 24) | (d << 20) | (d << 16) | i;
}

uint32_t CacheIdentification::ccsidr() const {
  // The data cache supports write-through, write-back, read and write allocation; the
  // instruction cache read allocation only (Cortex-M7 TRM, cache identification).
  return (csselr_ & 1u) != 0 ? ccsidr_of(icache_, 1u << 29) : ccsidr_of(dcache_, 0xFu << 28);
}

uint32_t CacheMaintenance::read(uint32_t offset, unsigned /*size*/) {
  if (!caches_ && reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, false);
  return 0;
}

void CacheMaintenance::write(uint32_t offset, unsigned /*size*/, uint32_t value) {
  if (caches_) {
    ++operations_[(offset & ~3u) / 4];
    invalidate(offset & ~3u, value);
    return;
  }
  if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
}

void CacheMaintenance::invalidate(uint32_t offset, uint32_t value) {
  using C = CacheInvalidation::Cache;
  using S = CacheInvalidation::Scope;
  switch (offset) {
    case 0x00:  // ICIALLU
      memory_.invalidate({C::L1Instruction, S::All});
      break;
    case 0x08:  // ICIMVAU
      memory_.invalidate({C::L1Instruction, S::Address, value});
      break;
    case 0x0C:  // DCIMVAC
    case 0x20:  // DCCIMVAC
      memory_.invalidate({C::L1Data, S::Address, value});
      break;
    case 0x10:    // DCISW
    case 0x24: {  // DCCISW
      if (!dcache_.present() || dcache_.ways == 0) break;
      // Set in [L+S-1:L] with L = log2(line bytes); way in the top log2(ways) bits
      // (ARMv7-M ARM B2.2.7).
      const auto line_bits = static_cast<uint32_t>(std::countr_zero(dcache_.line_bytes));
      const uint32_t sets = dcache_.size / (dcache_.line_bytes * dcache_.ways);
      const auto way_bits = static_cast<uint32_t>(std::bit_width(dcache_.ways - 1));
      const uint32_t way = way_bits == 0 ? 0 : value >> (32 - way_bits);
      memory_.invalidate({C::L1Data, S::SetWay, 0, (value >> line_bits) & (sets - 1), way});
      break;
    }
    default:  // cleaning (DCCMVAU, DCCMVAC, DCCSW) and BPIALL: no timing to change
      break;
  }
}

}  // namespace mcuprof::sim
