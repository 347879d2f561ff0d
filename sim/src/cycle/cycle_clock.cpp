// Block charging and exact device-access cycles (see cycle_clock.hpp).
#include "cycle_clock.hpp"

#include <algorithm>

namespace mcuprof::sim::cycle {
namespace {

constexpr std::array<int, 16> kCoreRegs = {
    UC_ARM_REG_R0,  UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,  UC_ARM_REG_R5,
    UC_ARM_REG_R6,  UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};

}  // namespace

void UnicornRegisters::read(unsigned r) const {
  uc_reg_read(uc_, kCoreRegs[r], &values_[r]);
  valid_ |= 1u << r;
}

CycleClock::Entry& CycleClock::miss(uc_engine* uc, uint32_t address, uint32_t size, uint64_t key) {
  Entry* prev = previous_entry_;
  Entry& found = lookup(uc, address, size, key);
  if (prev != nullptr) {
    prev->next_key[prev->next_victim] = key;
    prev->next[prev->next_victim] = &found;
    prev->next_victim ^= 1u;
  }
  return found;
}

CycleClock::Entry& CycleClock::lookup(uc_engine* uc, uint32_t address, uint32_t size,
                                      uint64_t key) {
  Slot& slot = recent_[(address >> 1) & (recent_.size() - 1)];
  if (slot.key == key) return *slot.entry;
  auto it = blocks_.find(key);
  if (it == blocks_.end()) {
    scratch_.resize(size);
    uc_mem_read(uc, address, scratch_.data(), size);
    auto fresh = std::make_unique<Entry>();
    const std::span<const uint8_t> next = bytes_after_cut(uc, address + size);
    fresh->timing = next.empty() ? model_.analyse_block(address, scratch_)
                                 : model_.analyse_cut_block(address, scratch_, next);
    fresh->in_flash = in_flash(address);
    it = blocks_.emplace(key, std::move(fresh)).first;
  }
  slot.key = key;
  slot.entry = it->second.get();
  return *it->second;
}

std::span<const uint8_t> CycleClock::bytes_after_cut(uc_engine* uc, uint32_t end) {
  // Unicorn ends a block at a page boundary, or before a 32-bit instruction that would
  // cross one; the core sees no boundary there.
  const uint32_t into_page = end & (page_bytes_ - 1);
  if (into_page != 0 && into_page != page_bytes_ - 2) return {};
  // Up to kSeamLookahead bytes, from the memory the block is in (never a device).
  const auto in = std::find_if(memories_.begin(), memories_.end(), [&](const AddressRange& m) {
    return end >= m.begin && end < m.end;
  });
  if (in == memories_.end()) return {};
  const auto bytes = static_cast<uint32_t>(std::min<uint64_t>(kSeamLookahead, in->end - end));
  after_cut_.resize(bytes);
  if (uc_mem_read(uc, end, after_cut_.data(), bytes) != UC_ERR_OK) return {};
  return after_cut_;
}

void CycleClock::install(uc_engine* uc) {
  data_ranges_.clear();
  for (const AddressRange& r : model_.data_read_ranges())
    if (r.end > r.begin) data_ranges_.push_back(r);
  rebuild_watched();
  uint32_t page = 0;
  if (uc_ctl_get_page_size(uc, &page) == UC_ERR_OK && page != 0) page_bytes_ = page;
}

void CycleClock::use_memory_hooks(uc_engine* uc) {
  if (!placing_) return;
  placing_ = false;
  place_ = false;
  placed_.clear();
  for (const AddressRange& r : data_ranges_) {
    uc_hook h = 0;
    uc_hook_add(uc, &h, UC_HOOK_MEM_READ, reinterpret_cast<void*>(&CycleClock::on_data_read), this,
                r.begin, r.end - 1);
  }
  if (count_data_) add_flash_count_hooks(uc);
  for (const uc_hook h : code_hooks_) uc_hook_del(uc, h);  // the placement's, now idle
  code_hooks_.clear();
  // Code translated so far reads without the hooks (and with the code hooks): translate
  // it again.
  for (const AddressRange& m : memories_) uc_ctl_remove_cache(uc, m.begin, m.end);
}

void CycleClock::count_flash_data(uc_engine* uc) {
  if (count_data_) return;
  count_data_ = true;
  rebuild_watched();
  if (!placing_) add_flash_count_hooks(uc);
}

void CycleClock::rebuild_watched() {
  // Cut the address space at every range's ends; each piece is in a range or in none.
  std::vector<uint64_t> cuts;
  const auto add = [&](const std::vector<AddressRange>& ranges) {
    for (const AddressRange& r : ranges)
      if (r.end > r.begin) cuts.insert(cuts.end(), {r.begin, r.end});
  };
  add(data_ranges_);
  if (count_data_) add(flash_);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  const auto covers = [](const std::vector<AddressRange>& ranges, uint64_t at) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const AddressRange& r) { return at >= r.begin && at < r.end; });
  };
  watched_.clear();
  last_watched_ = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    Watched w{static_cast<uint32_t>(cuts[i]), cuts[i + 1], count_data_ && covers(flash_, cuts[i]),
              covers(data_ranges_, cuts[i])};
    if (!w.flash && !w.data) continue;
    if (!watched_.empty() && watched_.back().end == w.begin && watched_.back().flash == w.flash &&
        watched_.back().data == w.data)
      watched_.back().end = w.end;  // one stretch where the pieces agree
    else
      watched_.push_back(w);
  }
  place_ = placing_ && !watched_.empty();
}

void CycleClock::add_flash_count_hooks(uc_engine* uc) {
  // Flash not already inside one of the model's read ranges gets a counting-only hook.
  const std::vector<AddressRange>& watched = data_ranges_;
  for (const AddressRange& f : flash_) {
    std::vector<AddressRange> rest{f};
    for (const AddressRange& w : watched) {
      std::vector<AddressRange> next;
      for (const AddressRange& r : rest) {
        if (w.end <= r.begin || w.begin >= r.end) {
          next.push_back(r);
          continue;
        }
        if (w.begin > r.begin) next.push_back({r.begin, w.begin});
        if (w.end < r.end) next.push_back({static_cast<uint32_t>(w.end), r.end});
      }
      rest = std::move(next);
    }
    for (const AddressRange& r : rest) {
      if (r.end <= r.begin) continue;
      uc_hook h = 0;
      uc_hook_add(uc, &h, UC_HOOK_MEM_READ, reinterpret_cast<void*>(&CycleClock::on_flash_read),
                  this, r.begin, r.end - 1);
    }
  }
}

void CycleClock::on_flash_read(uc_engine* /*uc*/, uc_mem_type /*type*/, uint64_t /*address*/,
                               int size, int64_t /*value*/, void* user) {
  static_cast<CycleClock*>(user)->flash_data_ += static_cast<unsigned>(size);
}

void CycleClock::on_data_read(uc_engine* /*uc*/, uc_mem_type /*type*/, uint64_t address, int size,
                              int64_t /*value*/, void* user) {
  auto* self = static_cast<CycleClock*>(user);
  if (self->count_data_ && self->in_flash(static_cast<uint32_t>(address)))
    self->flash_data_ += static_cast<unsigned>(size);
  const uint32_t extra =
      self->model_.data_read(static_cast<uint32_t>(address), static_cast<unsigned>(size));
  if (extra == 0) return;
  self->cycles_ += extra;
  self->mid_block_ += extra;
  if (self->previous_entry_ != nullptr) self->previous_entry_->cycles += extra;
}

uint64_t CycleClock::at(uint16_t insn) const {
  uint64_t placed = 0;  // reads charged at entry for the instructions before it
  for (const Placed& p : placed_)
    if (p.insn < insn) placed += p.cycles;
  return block_base_ + (*current_prefix_)[insn] + model_.dynamic_before(insn) + mid_block_ + placed;
}

std::vector<CycleClock::BlockStats> CycleClock::block_stats() const {
  std::vector<BlockStats> out;
  out.reserve(blocks_.size());
  for (const auto& [key, e] : blocks_)
    if (e->executions > 0)
      out.push_back(
          {e->timing.address, e->timing.size, e->timing.instructions, e->executions, e->cycles});
  return out;
}

ExecutionCounters CycleClock::counters_at_access(uc_engine* uc, uint32_t address) {
  if (current_ == nullptr) return now();
  const int insn = access_insn(uc, address);
  if (insn < 0) return {block_base_, instructions_base_, ifetch_base_, flash_data_};
  const auto i = static_cast<uint16_t>(insn);
  uint64_t data = flash_data_;  // less what entry charged for this instruction and later ones
  for (const Placed& p : placed_)
    if (p.insn >= i) data -= p.flash_bytes;
  return {at(i), instructions_base_ + i,
          ifetch_base_ +
              (current_in_flash_ && i < current_->offsets.size() ? current_->offsets[i] : 0u),
          data};
}

int CycleClock::access_insn(uc_engine* uc, uint32_t address) {
  const auto& ops = current_->memory;
  const UnicornRegisters regs(uc);
  const size_t start = matched_ == SIZE_MAX ? 0 : matched_ + 1;
  for (size_t k = start; k < ops.size(); ++k) {
    const MemoryOperand& m = ops[k];
    uint32_t lo = static_cast<uint32_t>(m.disp);
    if (m.base != MemoryOperand::kNoRegister) {
      lo += regs.core(m.base);
      if (m.index != MemoryOperand::kNoRegister) {
        const uint32_t idx = regs.core(m.index) << m.shift;
        lo = m.subtract ? lo - idx : lo + idx;
      }
    }
    if (address - lo < (m.bytes == 0 ? 4u : m.bytes)) {
      matched_ = k;
      return m.insn;
    }
  }
  // No operand matched: the same multiple transfer again, or the next access.
  if (matched_ != SIZE_MAX) return ops[matched_].insn;
  if (!ops.empty()) return ops.front().insn;
  return -1;
}

std::optional<uint32_t> CycleClock::pc_at_access() const {
  if (current_ == nullptr || matched_ >= current_->memory.size()) return std::nullopt;
  const uint16_t insn = current_->memory[matched_].insn;
  if (insn >= current_->offsets.size()) return std::nullopt;
  return current_->address + current_->offsets[insn];
}

}  // namespace mcuprof::sim::cycle
