// Data reads charged without a memory hook (see cycle_clock.hpp). Unicorn 2.0.1 sends every
// load and store of every translated block through its slow path (a memory-map lookup and
// the hook list) as soon as any memory read hook exists, whatever the hook's range. So the
// clock charges the reads from each block's loads instead (the block analysis lists them
// as Unicorn performs them: LDRD as two words, LDM a word per register, VLDR/VLDM of D
// registers 8 bytes each, TBB/TBH, no PLD):
//  - at block entry, the loads whose address follows from the registers at entry (base
//    and index not changed by the block before the load, or changed by an immediate,
//    literals), as long as no load before them in the block needs a hook: the reads are
//    charged in program order;
//  - through a code hook on each other load (address from an earlier load, a register
//    computed in the block, a condition from an IT block), which reads the registers and
//    flags just before the instruction;
//  - a block that ends inside an IT block (the next one starts with conditional
//    instructions the analysis cannot see), or more hooked instructions than kMaxHooks
//    (Unicorn walks every code hook at each hooked instruction), switch the clock back to
//    memory hooks for the rest of the run.
// Each read is charged exactly as the hook charged it: same address, size and order, the
// three reports of a read crossing a page, the flash byte counter, the cycles of a device
// access later in the block (CycleClock::at, counters_at_access).
#include <cstdlib>
#include "cycle_clock.hpp"

namespace mcuprof::sim::cycle {
namespace {

constexpr size_t kMaxHooks = 12;

constexpr std::array<int, 16> kCoreRegs = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,  UC_ARM_REG_R5,
    UC_ARM_REG_R6,  UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};

// ARM condition `cond` (0-13) against the flags N, Z, C, V (APSR bits 31-28).
bool passes(uint8_t cond, uint32_t apsr) {
  const bool n = (apsr >> 31) & 1u;
  const bool z = (apsr >> 30) & 1u;
  const bool c = (apsr >> 29) & 1u;
  const bool v = (apsr >> 28) & 1u;
  switch (cond) {
    case 0:
      return z;
    case 1:
      return !z;
    case 2:
      return c;
    case 3:
      return !c;
    case 4:
      return n;
    case 5:
      return !n;
    case 6:
      return v;
    case 7:
      return !v;
    case 8:
      return c && !z;
    case 9:
      return !c || z;
    case 10:
      return n == v;
    case 11:
      return n != v;
    case 12:
      return !z && n == v;
    case 13:
      return z || n != v;
    default:
      return true;
  }
}

}  // namespace

bool CycleClock::prepare(uc_engine* uc, Entry& e) {
  const BlockTiming& b = e.timing;
  if (b.ends_in_it || hook_calls_ > kHookBudget) {
    use_memory_hooks(uc);
    return true;
  }
  // Bases loaded from literals in flash, which the firmware cannot write: constants.
  for (LoadSite& l : e.timing.loads) {
    uint32_t word = 0;
    if (l.literal == 0 || l.entry_known || !in_flash(l.literal) || !in_flash(l.literal + 3) ||
        uc_mem_read(uc, l.literal, &word, 4) != UC_ERR_OK)
      continue;
    l.offset = static_cast<int32_t>(word + static_cast<uint32_t>(l.offset));
    l.entry_known = true;
  }
  const auto& loads = b.loads;
  size_t first = 0;
  while (first < loads.size() && loads[first].entry_known && loads[first].cond == LoadSite::kAlways)
    ++first;
  e.hooked_from = static_cast<uint16_t>(first);
  e.prepared = true;
  if (first == loads.size()) return false;
  std::vector<uint32_t> fresh;
  for (size_t i = first; i < loads.size(); ++i) {
    if (loads[i].cond == LoadSite::kUnknown) {
      use_memory_hooks(uc);
      return true;
    }
    const uint32_t pc = b.address + b.offsets[loads[i].insn];
    if (!hooked_.contains(pc)) fresh.push_back(pc);
  }
  if (hooked_.size() + fresh.size() > kMaxHooks) {
    use_memory_hooks(uc);
    return true;
  }
  for (const uint32_t pc : fresh) {
    uc_hook h = 0;
    uc_hook_add(uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&CycleClock::on_load_site), this, pc,
                pc);
    hooked_.insert(pc);
    code_hooks_.push_back(h);
  }
  // The block was translated before (some of) its hooks: translate it again.
  uc_ctl_remove_cache(uc, b.address, uint64_t{b.address} + b.size);
  return true;
}

void CycleClock::place_at_entry(const Entry& e, const UnicornRegisters& regs) {
  const auto& loads = e.timing.loads;
  for (size_t i = 0; i < e.hooked_from; ++i) {
    const LoadSite& l = loads[i];
    uint32_t a = (l.entry_base == LoadSite::kNoRegister ? 0u : regs.core(l.entry_base)) +
                 static_cast<uint32_t>(l.offset);
    if (l.index != LoadSite::kNoRegister) {
      const uint32_t idx = regs.core(l.index) << l.shift;
      a = l.subtract ? a - idx : a + idx;
    }
    Placed at;
    at.insn = l.insn;
    for (unsigned k = 0; k < l.count; ++k) charge_read(a + k * l.unit, l.unit, &at);
  }
}

void CycleClock::on_load_site(uc_engine* uc, uint64_t address64, uint32_t /*size*/, void* user) {
  auto* self = static_cast<CycleClock*>(user);
  const Entry* e = self->previous_entry_;
  if (!self->placing_ || e == nullptr) return;
  ++self->hook_calls_;
  const BlockTiming& b = e->timing;
  const auto address = static_cast<uint32_t>(address64);
  for (size_t i = e->hooked_from; i < b.loads.size(); ++i) {
    const LoadSite& l = b.loads[i];
    if (b.address + b.offsets[l.insn] != address) continue;
    if (l.cond != LoadSite::kAlways) {
      uint32_t apsr = 0;
      uc_reg_read(uc, UC_ARM_REG_APSR, &apsr);
      if (!passes(l.cond, apsr)) return;
    }
    uint32_t a = l.pc_value;
    if (l.base != 15) uc_reg_read(uc, kCoreRegs[l.base & 15u], &a);
    a += static_cast<uint32_t>(l.disp);
    if (l.index != LoadSite::kNoRegister) {
      uint32_t idx = 0;
      uc_reg_read(uc, kCoreRegs[l.index & 15u], &idx);
      idx <<= l.shift;
      a = l.subtract ? a - idx : a + idx;
    }
    for (unsigned k = 0; k < l.count; ++k) self->charge_read(a + k * l.unit, l.unit, nullptr);
    return;
  }
}

void CycleClock::charge_watched(uint32_t address, unsigned bytes, const Placed* at) {
  charge_hook(address, bytes, at);
  // Unicorn's load_helper: a read crossing a page is made as its two aligned halves,
  // each through load_helper again, which reports it to the hooks too.
  if (bytes > 1 && (address & (page_bytes_ - 1)) + bytes - 1 >= page_bytes_) {
    const uint32_t low = address & ~(bytes - 1);
    charge_hook(low, bytes, at);
    charge_hook(low + bytes, bytes, at);
  }
}

void CycleClock::charge_hook(uint32_t address, unsigned bytes, const Placed* at) {
  const Watched* w = watched(address);
  if (w == nullptr) return;
  Placed p;
  if (w->flash) {
    flash_data_ += bytes;
    p.flash_bytes = bytes;
  }
  if (w->data) {
    const uint32_t extra = model_.data_read(address, bytes);
    if (extra != 0) {
      cycles_ += extra;
      if (previous_entry_ != nullptr) previous_entry_->cycles += extra;
      if (at == nullptr) mid_block_ += extra;
      p.cycles = extra;
    }
  }
  if (at != nullptr && (p.cycles != 0 || p.flash_bytes != 0)) {
    p.insn = at->insn;
    placed_.push_back(p);
  }
}

}  // namespace mcuprof::sim::cycle
