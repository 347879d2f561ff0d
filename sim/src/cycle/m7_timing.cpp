// Cortex-M7 static timing, approximate: an in-order dual-issue scoreboard built from
// LLVM's scheduling model (llvm/lib/Target/ARM/ARMScheduleM7.td: IssueWidth 2,
// LoadLatency 2, MAC latency 2, divide 7 single-issue, FP latency 3, FP MAC 6,
// FP divide/sqrt 16, load/store-multiple and non-general-purpose instructions single
// issue, one store and one MAC per cycle, two loads per cycle), Arm's Cortex-M7 TRM
// (ARM DDI 0489) for the pipeline, and jnk0le's DWT measurements on an STM32H743
// ("pipeline cycle test/doc/cortex_m7.md": word loads to the late ALU, the dual-issue
// limits, IT, the misprediction). Rules are named R7-xxx in docs/cycle-model.md.
#include <algorithm>
#include <array>
#include <bit>
#include <utility>

#include "core_timing.hpp"

namespace mcuprof::sim::cycle {
namespace {

enum class Unit : uint8_t { Alu, Load, Store, Mac, Branch, Fp, None };

struct Shape {
  Unit unit = Unit::Alu;
  uint32_t latency = 1;       // cycles until the result can be used
  uint32_t occupancy = 1;     // cycles the instruction holds the issue stage
  bool single_issue = false;  // cannot pair with anything
};

Shape shape_of(const Insn& in) {
  switch (in.cls) {
    case InsnClass::Alu:
      return {Unit::Alu, 1, 1, in.writes_pc};
    case InsnClass::Multiply:
    case InsnClass::MultiplyLong:
      return {Unit::Mac, 2, 1, false};  // R7-MUL
    case InsnClass::Divide:
      return {Unit::Alu, 7, 7, true};  // R7-DIV (LLVM: latency 7, single issue)
    case InsnClass::Load:
    case InsnClass::FpLoad:
      return {Unit::Load, 2, 1, in.writes_pc};  // R7-LDR: load-use latency 2
    case InsnClass::Store:
    case InsnClass::FpStore:
      return {Unit::Store, 1, 1, false};  // R7-STR
    case InsnClass::LoadDouble:
      return {Unit::Load, 2, 1, true};  // R7-LDRD: 64-bit load path, single issue
    case InsnClass::StoreDouble:
      return {Unit::Store, 1, 1, true};
    case InsnClass::LoadMultiple:
    case InsnClass::FpLoadMultiple:
    case InsnClass::StoreMultiple:
    case InsnClass::FpStoreMultiple:
      // R7-LDM: two registers per cycle over the 64-bit path, single issue.
      return {in.cls == InsnClass::LoadMultiple || in.cls == InsnClass::FpLoadMultiple
                  ? Unit::Load
                  : Unit::Store,
              2, static_cast<uint32_t>((in.count + 1) / 2), true};
    case InsnClass::Branch:
    case InsnClass::BranchLink:
    case InsnClass::BranchIndirect:
    case InsnClass::CompareBranch:
    case InsnClass::TableBranch:
      return {Unit::Branch, 1, 1, in.cls == InsnClass::TableBranch};
    case InsnClass::It:
      return {Unit::Branch, 1, 1, false};  // R7-IT: issues as a not-taken branch would
    case InsnClass::FpAlu:
    case InsnClass::FpTransfer:
      return {Unit::Fp, 3, 1, false};  // R7-VFP
    case InsnClass::FpMac:
      return {Unit::Fp, 6, 1, false};  // R7-VMLA
    case InsnClass::FpDivide:
      return {Unit::Fp, 16, 14, true};  // R7-VDIV
    case InsnClass::Nop:
      return {Unit::Alu, 1, 1, false};  // R7-NOP: issues in either slot, as an ALU op
    default:
      // R7-SYS: MRS, MSR, barriers, hints (NOP), SVC, BKPT: single issue, 3 cycles
      // latency (LLVM M7NonGeneralPurpose); they hold the issue stage for one cycle.
      return {Unit::None, 3, 1, true};
  }
}

// R7-BRANCH: conditional branches are predicted (2-bit counter per branch, starting
// backward-taken / forward-not-taken), indirect ones by their last target (R7-BTAC); a
// misprediction costs 6 (LLVM ARMScheduleM7.td: "Mispredict cost for forward branches
// is 6"; [JNK] measured 6 with the flags set early, 8 otherwise).
constexpr uint32_t kMispredict = 6;

constexpr RegMask kPairMask = ~kPcBit;  // the PC is no dependence between blocks

// R7-PAIR-ALU: can `younger` take the second slot of the cycle `older` issued in? (Units
// are checked separately.) [JNK] cortex_m7.md: bit-field and DSP instructions issue only
// as the older instruction; an operand 2 with a shifted register or a shifted constant
// does not pair behind another one, behind a shift, or behind a bit-field instruction
// that uses the early shifter.
bool alu_pairs(const Insn& older, const Insn& younger) {
  if (younger.bitfield_dsp) return false;
  if (younger.shifted_operand2 &&
      (older.shifted_operand2 || older.plain_shift || older.early_shifter))
    return false;
  return true;
}

}  // namespace

bool m7_units_pair(uint8_t older, uint8_t younger) {
  if (older == 0xFF || younger == 0xFF) return false;
  const auto a = static_cast<Unit>(older);
  const auto b = static_cast<Unit>(younger);
  // R7-PAIR-MAC: a multiply never issues with a store.
  if ((a == Unit::Mac && b == Unit::Store) || (a == Unit::Store && b == Unit::Mac)) return false;
  if (a != b) return true;
  return a == Unit::Alu || a == Unit::Load;  // R7-ISSUE: two ALU or two loads per cycle
}

// One schedule of the block; `first_paired_before`: its first instruction issued in the
// previous block's last cycle (R7-PAIR).
static StaticTiming schedule(std::span<const Insn> insns, bool first_paired_before) {
  StaticTiming t;
  t.cost.assign(insns.size(), 0);
  std::array<uint64_t, 64> ready{};  // cycle each register's value is available
  uint64_t cycle = 0;                // current issue cycle
  unsigned slots = 0;                // instructions issued in `cycle`
  bool cycle_closed = false;         // a single-issue instruction owns `cycle`
  std::array<uint8_t, 7> used{};     // per-unit issues in `cycle`
  std::vector<uint64_t> issue(insns.size(), 0);
  size_t older = 0;        // the instruction in `cycle`'s first slot
  RegMask bypassed = 0;    // registers last written by a base update
  RegMask mac_result = 0;  // registers last written by a multiply (R7-MAC-FWD)
  RegMask word_load = 0;   // registers last written by a word load (R7-LDR)
  RegMask early_out = 0;   // registers last written in the early ALU (R7-EARLY-ALU)
  RegMask seen = 0;        // registers read or written so far in the block (R7-CROSS)
  uint64_t end = 0;
  bool indirect_exit = false;  // nothing is carried across an indirect branch
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    const Shape s = shape_of(in);
    // Operands: address registers are needed one stage earlier (EX1) than ALU inputs.
    // Store data is needed two stages later (EX3), so it may arrive a cycle late.
    const bool store = in.cls == InsnClass::Store || in.cls == InsnClass::StoreDouble ||
                       in.cls == InsnClass::FpStore || in.cls == InsnClass::StoreMultiple ||
                       in.cls == InsnClass::FpStoreMultiple;
    uint64_t earliest = cycle;
    const bool early_consumer = in.early_reg != 0xFF || in.shifted_operand2;
    // R7-LDR: does this read of `r` go to the late ALU (where a loaded word arrives a
    // cycle sooner)? Not an address, not for an instruction that reads an operand in the
    // early ALU, not a multiplicand.
    const auto late_alu_read = [&](unsigned r, bool address) {
      return !address && !early_consumer && (s.unit != Unit::Mac || r == in.accumulator);
    };
    RegMask early_reads = 0;   // read a cycle early (address, shifted operand)
    RegMask late_reads = 0;    // read a cycle late (store data, a MAC's accumulator)
    uint64_t early_ready = 0;  // when every operand could reach the early ALU
    for (unsigned r = 0; r < 64; ++r) {
      if (((in.reads >> r) & 1u) == 0) continue;
      uint64_t need = ready[r];
      const bool address = r < 16 && ((in.address_regs >> r) & 1u);
      // R7-EARLY-ALU: a result of the early ALU reaches the early ALU and the address
      // unit the next cycle, and the late ALU in its own cycle (not the flags).
      const bool from_early = need > 0 && ((early_out >> r) & 1u) != 0;
      early_ready = std::max(early_ready, need > 0 && !from_early ? need + 1 : need);
      if (address && ((bypassed >> r) & 1u) == 0) early_reads |= RegMask{1} << r;
      if ((store && !address) || r == in.accumulator) late_reads |= RegMask{1} << r;
      if (address && need > 0 && ((bypassed >> r) & 1u) == 0 && !from_early) need += 1;  // R7-AGU
      if (store && !address && need > 0) need -= 1;
      // R7-OP2, R7-EARLY: the register shifted inline in operand 2, or extracted by a
      // bit-field instruction, is read in the early ALU, a cycle early.
      if (r == in.early_reg) {
        early_reads |= RegMask{1} << r;
        if (need > 0 && !from_early) need += 1;
      } else if (from_early && !address && in.cls == InsnClass::Alu) {
        need -= 1;  // R7-EARLY-ALU: the younger instruction of the same cycle
      }
      // R7-MAC-FWD: a multiply-accumulate takes its accumulator a stage late, so one
      // made by the previous multiply is forwarded: chains run one per cycle.
      if (r == in.accumulator && ((mac_result >> r) & 1u) != 0 && need > 0) need -= 1;
      // R7-LDR: a loaded word reaches the late ALU the next cycle.
      if (((word_load >> r) & 1u) != 0 && need > 0 && late_alu_read(r, address)) need -= 1;
      earliest = std::max(earliest, need);
    }
    const auto u = static_cast<size_t>(s.unit);
    const unsigned capacity = s.unit == Unit::Alu || s.unit == Unit::Load ? 2 : 1;
    const bool fits =
        earliest == cycle && !cycle_closed && slots < 2 && !(s.single_issue && slots > 0) &&
        (s.unit == Unit::None || used[u] < capacity) &&
        (slots == 0 || (m7_units_pair(static_cast<uint8_t>(shape_of(insns[older]).unit),
                                      static_cast<uint8_t>(s.unit)) &&
                        alu_pairs(insns[older], in)));
    if (!fits) {
      cycle = std::max(earliest, slots > 0 || cycle_closed ? cycle + 1 : cycle);
      slots = 0;
      cycle_closed = false;
      used.fill(0);
    }
    issue[i] = cycle;
    // R7-EARLY-ALU: ADD, SUB and MOV run in the early ALU as the older instruction of a
    // cycle, shifts by a constant in either slot unless the older one uses the early
    // shifter; all of them only when their operands are there in time. A first
    // instruction sharing the previous block's last cycle with its branch counts as the
    // older here: the branch uses no ALU (our reading, docs/cycle-model.md).
    const bool runs_early = in.early_alu && early_ready <= cycle &&
                            (slots == 0 || (in.plain_shift && !insns[older].shifted_operand2 &&
                                            !insns[older].early_shifter));
    if (slots == 0) older = i;
    ++slots;
    // R7-CROSS: the first read of a register the block has not written yet.
    for (RegMask fresh = in.reads & ~seen & kPairMask; fresh != 0; fresh &= fresh - 1) {
      const auto r = static_cast<unsigned>(std::countr_zero(fresh));
      const int at = static_cast<int>(std::min<uint64_t>(cycle, 100)) -
                     static_cast<int>((early_reads >> r) & 1u) +
                     static_cast<int>((late_reads >> r) & 1u);
      const bool address = r < 16 && ((in.address_regs >> r) & 1u);
      if (at < 16)
        t.first_need.push_back(
            {static_cast<uint8_t>(r), static_cast<int8_t>(at), late_alu_read(r, address)});
    }
    seen |= (in.reads & kPairMask) | in.writes;  // only the first read counts
    if (s.unit != Unit::None) ++used[u];
    for (unsigned r = 0; r < 64; ++r)
      if ((in.writes >> r) & 1u) ready[r] = cycle + s.latency;
    bypassed &= ~in.writes;
    mac_result = s.unit == Unit::Mac ? (mac_result | in.writes) : (mac_result & ~in.writes);
    const RegMask loaded =
        in.writeback && in.base < 16 ? in.writes & ~(RegMask{1} << in.base) : in.writes;
    word_load = in.cls == InsnClass::Load && in.access_bytes == 4 ? (word_load | loaded)
                                                                  : (word_load & ~in.writes);
    early_out = runs_early ? (early_out | (in.writes & ~kFlagsBit)) : (early_out & ~in.writes);
    if (in.writeback && in.base < 16) {  // base update: bypassed out of EX1
      ready[in.base] = cycle + 1;
      bypassed |= RegMask{1} << in.base;
    }
    // R7-PAIR: a first instruction that took the previous block's last cycle leaves
    // this block's first cycle to it alone (that cycle stands for the shared one).
    if (s.single_issue || s.occupancy > 1 || (i == 0 && first_paired_before)) {
      cycle_closed = true;
      if (s.occupancy > 1) {
        cycle += s.occupancy - 1;
      }
    }
    end = cycle + 1;
    // Taken branches end the issue group; their cost is the prediction outcome.
    if (in.writes_pc && i + 1 == insns.size()) {
      const bool backward = in.has_target && in.target <= in.address;
      if (in.conditional) {
        // R7-BRANCH: a 2-bit counter per branch (the BTAC), starting from the static
        // guess (backward taken, forward not taken); a miss costs kMispredict.
        t.predicted = true;
        t.initially_taken = backward;
        t.mispredict_penalty = kMispredict;
      } else if (!in.has_target) {
        // R7-BTAC: an indirect branch (BX, POP PC, LDR PC, TBB) is predicted to go where
        // it went last time; another target costs a misprediction.
        t.target_predicted = true;
        t.mispredict_penalty = kMispredict;
        indirect_exit = true;
      }
    }
  }
  // R7-CROSS: values still in flight when the block's last instruction has issued.
  for (unsigned r = 0; r < 64 && !indirect_exit; ++r) {
    if (((kPairMask >> r) & 1u) == 0 || ((bypassed >> r) & 1u) != 0 || ready[r] <= end) continue;
    t.exit_late.push_back({static_cast<uint8_t>(r),
                           static_cast<int8_t>(std::min<uint64_t>(ready[r] - end, 100)),
                           ((word_load >> r) & 1u) != 0});
  }
  for (size_t i = 0; i < insns.size(); ++i) {
    const uint64_t next = i + 1 < insns.size() ? issue[i + 1] : end;
    t.cost[i] = static_cast<uint32_t>(next - issue[i]);
  }
  // R7-PAIR: the block's first instruction may take the second slot of the cycle in
  // which the previous block's last instruction issued alone (a not-taken or a
  // correctly predicted branch and the instruction after it or at its target issue
  // together). Leave that cycle uncharged here; the next block's entry charges it
  // back when its first instruction cannot pair (enter_block).
  if (!insns.empty()) {
    const Shape first = shape_of(insns.front());
    if (!first.single_issue && first.occupancy == 1 && first.unit != Unit::None &&
        !insns.front().bitfield_dsp) {  // R7-PAIR-ALU: never the younger instruction
      t.first_unit = static_cast<uint8_t>(first.unit);
      t.first_reads = insns.front().reads & kPairMask;
    }
    const size_t last = insns.size() - 1;
    const Shape s = shape_of(insns[last]);
    if (slots == 1 && !cycle_closed && !indirect_exit && s.unit != Unit::None &&
        t.cost[last] == 1) {
      t.cost[last] = 0;
      t.exit_unit = static_cast<uint8_t>(s.unit);
      t.exit_writes = insns[last].writes & kPairMask;
    }
  }
  return t;
}

StaticTiming time_m7(std::span<const Insn> insns) {
  StaticTiming t = schedule(insns, false);
  if (t.first_unit == BlockTiming::kNoPairing) return t;
  StaticTiming paired = schedule(insns, true);
  t.paired_cost = std::move(paired.cost);
  t.paired_exit_unit = paired.exit_unit;
  t.paired_exit_writes = paired.exit_writes;
  return t;
}

}  // namespace mcuprof::sim::cycle
