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

void CacheMaintenance::write(uint32_t offset, unsigned /*size*/, uint32_t /*value*/) {
  if (caches_) {
    ++operations_[(offset & ~3u) / 4];
    return;
  }
  if (reported_.insert(offset).second) host_.unmodelled_access(kBase + offset, true);
}

}  // namespace mcuprof::sim
