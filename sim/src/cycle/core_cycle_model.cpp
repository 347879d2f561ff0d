// The per-core cycle model: static block timing from the family's rules
// (armv6m_timing.cpp, armv7m_timing.cpp, m7_timing.cpp) plus the dynamic corrections
// at block entry: branch outcome, branch-target alignment, instruction fetch and data
// reads through the memory system, unaligned accesses and division operands.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

#include "../thumb_decoder.hpp"
#include "block_analysis.hpp"
#include "core_timing.hpp"
#include "mcuprof/sim/cycle_model.hpp"
#include "memory_system.hpp"

namespace mcuprof::sim {
namespace {

using cycle::Family;

uint32_t effective_address(const MemoryOperand& m, const RegisterView& regs, bool at_entry) {
  if (m.base == MemoryOperand::kNoRegister) return static_cast<uint32_t>(m.offset);
  uint32_t a = at_entry
                   ? (m.entry_base == MemoryOperand::kNoRegister ? 0u : regs.core(m.entry_base)) +
                         static_cast<uint32_t>(m.offset)
                   : regs.core(m.base) + static_cast<uint32_t>(m.disp);
  if (m.index != MemoryOperand::kNoRegister) {
    const uint32_t idx = regs.core(m.index) << m.shift;
    a = m.subtract ? a - idx : a + idx;
  }
  return a;
}

class CoreCycleModel final : public CycleModel {
 public:
  explicit CoreCycleModel(const targets::Target& target)
      : family_(cycle::family_of(target.core)),
        memory_(target),
        name_(fmt::format(
            "{} ({})", targets::to_string(target.core),
            family_ == Family::M7 ? "approximate dual-issue model" : "TRM instruction timing")) {}

  std::string_view name() const override { return name_; }

  BlockTiming analyse_block(uint32_t address, std::span<const uint8_t> code) override {
    const std::vector<Insn> insns = decoder_.decode(address, code);
    return finish_block(address, code, insns, static_timing(insns));
  }

  // R-SEAM: a block Unicorn cut at a page boundary is scheduled with the instructions
  // that follow it up to the next branch (the next block), as the core runs them.
  BlockTiming analyse_cut_block(uint32_t address, std::span<const uint8_t> code,
                                std::span<const uint8_t> next) override {
    std::vector<Insn> insns = decoder_.decode(address, code);
    const size_t own = insns.size();
    const size_t tail =
        own == 0 || insns.back().writes_pc || cycle::ends_inside_it(insns)
            ? 0
            : append_to_branch(insns, address + static_cast<uint32_t>(code.size()), next);
    if (tail == 0) return finish_block(address, code, {insns.data(), own}, static_timing(insns));
    cycle::StaticTiming st = static_timing(insns);
    std::vector<uint32_t> prefix;  // of the next block's instructions
    const uint32_t rest = prefix_sums(std::span<const uint32_t>(st.cost).subspan(own), prefix);
    // This block keeps its own instructions' share; what the schedule says about the
    // exit (the branch, the pairing and values in flight across it) is the next block's.
    st.cost.resize(own);
    if (!st.paired_cost.empty()) st.paired_cost.resize(own);
    std::erase_if(st.pipelined, [&](uint16_t i) { return i >= own; });
    st.taken_penalty = st.fallthrough_penalty = st.mispredict_penalty = 0;
    st.predicted = st.initially_taken = st.target_predicted = false;
    st.exit_unit = st.paired_exit_unit = BlockTiming::kNoPairing;
    st.exit_writes = st.paired_exit_writes = 0;
    st.exit_late.clear();
    BlockTiming b = finish_block(address, code, {insns.data(), own}, std::move(st));
    b.seam_instructions = static_cast<uint32_t>(tail);
    b.seam_cycles = rest;
    b.seam_prefix = std::move(prefix);
    return b;
  }

  uint32_t enter_block(const BlockTiming& block, const BlockTiming* previous,
                       const RegisterView& regs) override {
    uint32_t extra = 0;
    event_count_ = 0;
    if (previous != nullptr && previous->exit != BlockExit::FallThrough) {
      // A conditional branch to the next instruction looks not taken (same address).
      const bool taken = previous->exit == BlockExit::Always ||
                         block.address != previous->address + previous->size;
      if (previous->exit == BlockExit::Conditional && previous->predicted) {
        uint8_t& state = previous->predictor;
        if (taken != (state >= 2)) extra += previous->mispredict_penalty;
        state = taken ? static_cast<uint8_t>(state < 3 ? state + 1 : 3)
                      : static_cast<uint8_t>(state > 0 ? state - 1 : 0);
      } else if (previous->exit == BlockExit::Conditional) {
        extra += taken ? previous->taken_penalty : previous->fallthrough_penalty;
      }
      if (previous->target_predicted) {
        if (block.address != previous->predicted_target) extra += previous->mispredict_penalty;
        previous->predicted_target = block.address;
      }
      if (taken && block.first_wide_unaligned)
        extra += cycle::unaligned_wide_target_penalty(family_);
    }
    // R7-PAIR: the previous block left its last cycle uncharged for this block's first
    // instruction; charge it when they cannot issue together (refilled pipeline, unit
    // conflict, or a dependence). When they do, the rest of the block issues after it.
    // The previous block's exit is that of the schedule it was entered with.
    const bool previous_paired = previous != nullptr && entered_paired(*previous);
    const uint8_t exit_unit = previous == nullptr ? BlockTiming::kNoPairing
                              : previous_paired   ? previous->paired_exit_unit
                                                  : previous->exit_unit;
    block.entered_paired = false;
    if (exit_unit != BlockTiming::kNoPairing) {
      const uint64_t exit_writes =
          previous_paired ? previous->paired_exit_writes : previous->exit_writes;
      block.entered_paired = extra == 0 && cycle::m7_units_pair(exit_unit, block.first_unit) &&
                             (exit_writes & block.first_reads) == 0;
      if (!block.entered_paired) extra += 1;
    }
    // R7-CROSS: a value the previous block produced late holds up this block's first
    // read of it; a refill or pairing charge above already covers that many cycles.
    if (previous != nullptr && !previous->exit_late.empty() && !block.first_need.empty()) {
      int stall = 0;
      for (const auto& late : previous->exit_late)
        for (const auto& need : block.first_need)
          if (need.reg == late.reg)
            stall = std::max(stall, late.cycles - need.cycles -
                                        (late.word_to_late_alu && need.word_to_late_alu ? 1 : 0));
      if (stall > static_cast<int>(extra)) extra = static_cast<uint32_t>(stall);
    }
    if (extra != 0) {
      add_event({0, extra, true});   // the previous branch's refill
      block.entered_paired = false;  // a stall above: the first instruction waited
    }
    if (block.check_fetch) {
      extra += memory_.fetch(block, previous, &line_extra_);
      const uint32_t line = memory_.fetch_line_bytes();
      for (size_t k = 0; k < line_extra_.size(); ++k) {
        if (line_extra_[k] == 0) continue;
        // Charged before the first instruction of line k.
        const uint32_t line_start = (block.address & ~(line - 1)) + static_cast<uint32_t>(k) * line;
        add_event({first_insn_at(block, line_start), line_extra_[k]});
      }
    }
    if (block.check_memory) extra += data_cycles(block, regs) + memory_block_cycles(block, regs);
    if (block.check_divides) extra += divide_cycles(block, regs);
    return extra;
  }

  std::vector<AddressRange> data_read_ranges() const override { return memory_.slow_data_ranges(); }

  uint32_t data_read(uint32_t address, unsigned bytes) override {
    return memory_.data_read(address, bytes, data_hint_);
  }

  void configure(const MemoryConfig& config) override { memory_.configure(config); }
  void invalidate(const CacheInvalidation& what) override { memory_.invalidate(what); }

  uint32_t dynamic_before(uint16_t insn) const override {
    uint32_t sum = 0;
    for (size_t k = 0; k < event_count_; ++k) {
      const Event& e = events_[k];
      if (e.insn < insn || (e.insn == insn && e.before)) sum += e.cycles;
    }
    return sum;
  }

 private:
  cycle::StaticTiming static_timing(std::span<const Insn> insns) const {
    switch (family_) {
      case Family::M0:
      case Family::M0Plus:
        return cycle::time_armv6m(insns, family_);
      case Family::M7:
        return cycle::time_m7(insns);
      default:
        return cycle::time_armv7m(insns, family_);
    }
  }

  // Fills `prefix` with the cycles before each instruction of `cost`; returns their sum.
  static uint32_t prefix_sums(std::span<const uint32_t> cost, std::vector<uint32_t>& prefix) {
    uint32_t total = 0;
    for (const uint32_t c : cost) {
      prefix.push_back(total);
      total += c;
    }
    return total;
  }

  // Appends the instructions in `next` (at `at`) up to and including the first branch;
  // returns how many, or 0 (and appends nothing) when `next` holds no branch.
  size_t append_to_branch(std::vector<Insn>& insns, uint32_t at,
                          std::span<const uint8_t> next) const {
    const std::vector<Insn> more = decoder_.decode(at, next);
    for (size_t i = 0; i < more.size() && more[i].cls != InsnClass::Undefined; ++i) {
      if (!more[i].writes_pc) continue;
      insns.insert(insns.end(), more.begin(), more.begin() + static_cast<std::ptrdiff_t>(i + 1));
      return i + 1;
    }
    return 0;
  }

  BlockTiming finish_block(uint32_t address, std::span<const uint8_t> code,
                           std::span<const Insn> insns, cycle::StaticTiming st) {
    BlockTiming b = cycle::assemble_block(address, static_cast<uint32_t>(code.size()), insns,
                                          st.cost, memory_.fetch_line_bytes());
    b.taken_penalty = st.taken_penalty;
    b.fallthrough_penalty = st.fallthrough_penalty;
    b.predicted = st.predicted;
    b.mispredict_penalty = st.mispredict_penalty;
    b.predictor = st.initially_taken ? 2 : 1;
    b.target_predicted = st.target_predicted;
    b.exit_unit = st.exit_unit;
    b.first_unit = st.first_unit;
    b.exit_writes = st.exit_writes;
    b.first_reads = st.first_reads;
    if (!st.paired_cost.empty()) {
      b.paired_exit_unit = st.paired_exit_unit;
      b.paired_exit_writes = st.paired_exit_writes;
      b.paired_cycles = prefix_sums(st.paired_cost, b.paired_prefix);
    }
    b.exit_late = std::move(st.exit_late);
    b.first_need = std::move(st.first_need);
    // Unaligned accesses are only possible for halfword/word single transfers not
    // relative to SP or the PC (the ABI keeps the stack aligned).
    bool may_misalign = false;
    for (const auto& m : b.memory)
      if ((m.bytes == 2 || m.bytes == 4) && m.base != MemoryOperand::kNoRegister && m.base != 13)
        may_misalign = true;
    // Data reads from slow or cached memory arrive through data_read() (a memory hook
    // on those ranges only); the block-entry check is left with unaligned accesses.
    const bool data_check =
        may_misalign && cycle::unaligned_access_penalty(family_, 1, 4, true) > 0;
    const bool divide_check = !b.divides.empty() && cycle::divide_static_cycles(family_) > 0 &&
                              family_ != Family::M0 && family_ != Family::M0Plus;
    const bool block_check = mark_pipelined(b, st.pipelined);
    b.check_memory = data_check || block_check;
    b.check_divides = divide_check;
    b.check_fetch = memory_.fetch_may_stall(address);
    return b;
  }

  struct Event {
    uint16_t insn = 0;  // instruction the cycles belong to
    uint32_t cycles = 0;
    bool before = true;  // spent before the instruction starts (fetch) or during it
  };

  void add_event(Event e) {
    if (event_count_ < events_.size())
      events_[event_count_++] = e;
    else
      events_.back().cycles += e.cycles;  // beyond capacity: merged (mid-block times approximate)
  }

  // Index of the first instruction starting at or after `address`.
  static uint16_t first_insn_at(const BlockTiming& block, uint32_t address) {
    uint16_t i = 0;
    for (; i < block.offsets.size(); ++i)
      if (block.address + block.offsets[i] >= address) break;
    return i;
  }

  uint32_t data_cycles(const BlockTiming& block, const RegisterView& regs) {
    uint32_t extra = 0;
    for (const MemoryOperand& m : block.memory) {
      if (m.base == 13 || m.base == MemoryOperand::kNoRegister)
        continue;  // stack, literals: aligned
      if (m.bytes != 2 && m.bytes != 4) continue;
      if (!m.address_known) continue;  // computed inside the block: not known at entry
      const uint32_t a = effective_address(m, regs, true);
      if (const uint32_t misalign = cycle::unaligned_access_penalty(family_, a, m.bytes, m.load)) {
        extra += misalign;  // R-UNALIGNED
        add_event({m.insn, misalign, false});
      }
    }
    return extra;
  }

  // Marks the memory operands R-LDR-PIPE pipelined behind the load before them (the
  // instruction indices in `pipelined`); true when any pair may reach two memories and
  // needs the check at block entry. Two addresses from the same register at entry, a few
  // bytes apart, are taken as one memory.
  static bool mark_pipelined(BlockTiming& b, const std::vector<uint16_t>& pipelined) {
    bool check = false;
    for (size_t k = 1; k < b.memory.size(); ++k) {
      MemoryOperand& m = b.memory[k];
      const MemoryOperand& before = b.memory[k - 1];
      if (before.insn + 1 != m.insn ||
          std::find(pipelined.begin(), pipelined.end(), m.insn) == pipelined.end())
        continue;
      m.pipelined = true;
      if (m.address_known && before.address_known &&
          (m.entry_base != before.entry_base || m.entry_base == MemoryOperand::kNoRegister))
        check = true;
    }
    return check;
  }

  // R-LDR-BLOCK (M3/M4): a load or store pipelines behind the load before it only when
  // both go to the same memory; otherwise the cycle R-LDR-PIPE saved is spent. Addresses
  // computed inside the block are not known here: such a pair keeps its saving.
  uint32_t memory_block_cycles(const BlockTiming& block, const RegisterView& regs) {
    uint32_t extra = 0;
    for (size_t k = 1; k < block.memory.size(); ++k) {
      const MemoryOperand& m = block.memory[k];
      const MemoryOperand& before = block.memory[k - 1];
      if (!m.pipelined || !m.address_known || !before.address_known) continue;
      if (memory_.memory_block(effective_address(m, regs, true)) ==
          memory_.memory_block(effective_address(before, regs, true)))
        continue;
      extra += 1;
      add_event({m.insn, 1, true});  // the access waits for the previous one's data phase
    }
    return extra;
  }

  uint32_t divide_cycles(const BlockTiming& block, const RegisterView& regs) {
    uint32_t extra = 0;
    {
      for (const DivideOperand& d : block.divides) {
        // Operands changed earlier in the block are unknown here: charge the middle
        // of the 2..12 range.
        const uint32_t c = d.operands_known
                               ? cycle::divide_cycles(family_, regs.core(d.dividend),
                                                      regs.core(d.divisor), d.is_signed)
                               : 7;
        extra += c - cycle::divide_static_cycles(family_);
        add_event({d.insn, c - cycle::divide_static_cycles(family_), false});
      }
    }
    return extra;
  }

  Family family_;
  ThumbDecoder decoder_;
  cycle::MemorySystem memory_;
  std::string name_;
  std::array<Event, 64> events_{};  // dynamic cycles of the block now running
  size_t event_count_ = 0;
  std::vector<uint32_t> line_extra_;
  uint32_t data_hint_ = 0;
};

}  // namespace

std::unique_ptr<CycleModel> make_cycle_model(const targets::Target& target) {
  return std::make_unique<CoreCycleModel>(target);
}

}  // namespace mcuprof::sim
