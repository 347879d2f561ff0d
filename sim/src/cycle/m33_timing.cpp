// Cortex-M33 static timing where it differs from the Cortex-M4 (rules R33-xxx in
// docs/cycle-model.md). Arm publishes no cycle table for the M33; the rules follow
// jnk0le's DWT measurements on an RP2350 (github.com/jnk0le/random, "pipeline cycle
// test/doc/cortex_m33.md"). A small in-block scoreboard gives each instruction its
// issue cycle: the cost of an instruction is its stall plus its own cycles. What the
// measurements do not cover keeps the M4 rule (armv7m_timing.cpp).
#include <algorithm>
#include <array>

#include "core_timing.hpp"

namespace mcuprof::sim::cycle {
namespace {

constexpr uint32_t kLoadLatency = 2;  // R33-LDR: result usable 2 cycles after issue
constexpr uint32_t kMulLatency = 2;   // R33-MUL, R33-OP2: multiply/MAC/operand2 results
constexpr uint32_t kFpMacBlock = 3;   // R33-VFMA: no FP instruction in the next 2 cycles

bool is_fp_datapath(InsnClass c) {
  return c == InsnClass::FpAlu || c == InsnClass::FpMac || c == InsnClass::FpDivide;
}

// Blocked for two cycles after a VFMA/VMLA (R33-VFMA: "no other floating point
// instruction can be issued in the following 2 cycles (including vldr/vstr)").
bool is_fp_issue(InsnClass c) {
  return is_fp_datapath(c) || c == InsnClass::FpLoad || c == InsnClass::FpStore ||
         c == InsnClass::FpLoadMultiple || c == InsnClass::FpStoreMultiple;
}

bool is_single_or_multiple_load(InsnClass c) {
  return c == InsnClass::Load || c == InsnClass::LoadDouble || c == InsnClass::LoadMultiple;
}

bool writes_flags(const Insn& in) {
  return (in.writes & kFlagsBit) != 0;
}

}  // namespace

StaticTiming time_m33(std::span<const Insn> insns) {
  StaticTiming t;
  t.cost.reserve(insns.size());
  std::array<uint32_t, 16> ready{};  // cycle at which each core register's value is usable
  uint32_t flags_ready = 0;          // ... and the condition flags (R33-OP2-FLAGS)
  uint32_t now = 0;                  // issue cycle of the current instruction
  uint32_t fp_free = 0;              // first cycle an FP instruction may issue (R33-VFMA)
  bool prev_paired = false;          // the previous instruction issued as a pair's second
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    const Insn* prev = i > 0 ? &insns[i - 1] : nullptr;
    const bool last = i + 1 == insns.size();
    // R33-DUAL: a 16-bit instruction after a 16-bit one that did not itself pair.
    const bool pairable =
        prev != nullptr && prev->bytes == 2 && in.bytes == 2 && !prev_paired && !prev->writes_pc;

    // Operands: stores take their data one cycle later than loads and ALU operations
    // their inputs ("load to store latency is 1 cycle", "can store result from
    // accumulate stage in 1 cycle"), so only a store's address registers can stall it.
    RegMask sources = in.reads & 0x7FFF;
    if (in.cls == InsnClass::Store || in.cls == InsnClass::StoreDouble ||
        in.cls == InsnClass::StoreMultiple)
      sources = in.address_regs & 0x7FFF;
    uint32_t issue = now;
    for (unsigned r = 0; r < 15; ++r) {
      if ((sources & (RegMask{1} << r)) == 0) continue;
      uint32_t when = ready[r];
      // R33-MAC-ACC: an accumulating multiply takes its accumulator (by our reading the
      // register it also writes) from a previous MAC or load one cycle early.
      if (in.cls == InsnClass::Multiply && core_regs(in.reads) > 2 &&
          (in.writes & (RegMask{1} << r)) != 0 && when > 0)
        when -= 1;
      // R33-XTA: an extend-and-add chains on its added register (Rn) the same way.
      if (in.extend_add && r != in.early_reg && when > 0) when -= 1;
      issue = std::max(issue, when);
    }
    // R-ADDR-DEP and R-STR-LDR, the M4 rules ([JNK33] measured neither way): an address
    // formed by the previous data-processing instruction costs a cycle, and so does a
    // load right after a store.
    if (address_from_previous_result(prev, in) || load_after_store(prev, in))
      issue = std::max(issue, now + 1);
    if ((in.reads & kFlagsBit) != 0 && !(in.cls == InsnClass::Branch && pairable))
      issue = std::max(issue, flags_ready);                     // R33-OP2-FLAGS
    if (is_fp_issue(in.cls)) issue = std::max(issue, fp_free);  // R33-VFMA

    uint32_t c = 1;
    switch (in.cls) {
      case InsnClass::Alu:
        if (in.writes_pc)
          c = 1 + kBranchRefill;  // R-ALU
        else if (in.rotated_immediate && writes_flags(in))
          c = 2;  // R33-OP2: flag-setting with a rotated constant (not MOVS.W)
        else
          c = 1;  // R-ALU
        break;
      case InsnClass::Multiply:
        // R33-MUL: MULS (16-bit, flag-setting) 2 cycles, other multiplies 1.
        c = (in.bytes == 2 && writes_flags(in)) ? 2 : 1;
        break;
      case InsnClass::MultiplyLong:
        c = 1;  // R-MULL (M4 value; not measured on the M33)
        break;
      case InsnClass::Divide:
        c = divide_static_cycles(Family::M33);  // R-DIV, the rest at run time
        break;
      case InsnClass::Load:
        c = in.writes_pc ? 1 + kLoadRefill : 1;  // R33-LDR, R-LDR-PC
        break;
      case InsnClass::Store:
        c = 1;  // R33-LDR (stores 1, any offset)
        break;
      case InsnClass::FpLoad:
      case InsnClass::FpStore:
        c = in.access_bytes > 4 ? 2 : 1;  // R33-VLDR: VLDR.32 1, VLDR.64 2 (as LDRD)
        break;
      case InsnClass::LoadDouble:
      case InsnClass::StoreDouble:
        c = 2;  // R33-LDRD
        break;
      case InsnClass::LoadMultiple:
        c = in.count + (in.writes_pc ? kLoadRefill : 0);  // R33-LDM, R-POP-PC
        break;
      case InsnClass::StoreMultiple:
        c = in.count;  // R33-LDM
        break;
      case InsnClass::FpLoadMultiple:
      case InsnClass::FpStoreMultiple:
        c = std::max(1U, in.access_bytes / 4);  // R33-LDM: one cycle per word, as LDM
        break;
      case InsnClass::Branch:
      case InsnClass::CompareBranch:
      case InsnClass::BranchLink:
      case InsnClass::BranchIndirect:
        if (in.cls == InsnClass::Branch && pairable) {
          // R33-BRANCH-PAIR: a 16-bit B after a 16-bit instruction issues with it: not
          // taken 0; taken 1 if that instruction set no flags, else 2.
          const uint32_t taken = writes_flags(*prev) ? 1 + kBranchRefill : kBranchRefill;
          if (in.conditional) {
            c = 0;
            if (last) t.taken_penalty = taken;
          } else {
            c = taken;
          }
          prev_paired = true;
          issue = now;  // flags reach a paired branch in time (measured SUBS; BNE)
          t.cost.push_back(c);
          now = issue + c;
          continue;
        }
        if (in.conditional) {
          c = 1;  // R-BCOND: not taken 1, taken 1 + P
          if (last) t.taken_penalty = kBranchRefill;
        } else {
          c = 1 + kBranchRefill;  // R-BRANCH
        }
        break;
      case InsnClass::TableBranch:
        c = 2 + 1 + kLoadRefill;  // R-TBB (M4 value)
        break;
      case InsnClass::It:
        c = prev != nullptr ? 0 : 1;  // R33-IT: pairs with any preceding instruction
        break;
      case InsnClass::Isb:
        c = kIsbCycles;  // R-BARRIER
        break;
      case InsnClass::Barrier:
      case InsnClass::Nop:
      case InsnClass::SystemRegister:
      case InsnClass::Sleep:
      case InsnClass::Exception:
      case InsnClass::Undefined:
        c = 1;  // R-BARRIER, R-MISC, R-WFI
        break;
      case InsnClass::FpAlu:
        c = 1;  // R-VFP
        break;
      case InsnClass::FpMac:
        c = 1;  // R33-VFMA: issues in 1, blocks the FP pipe for 2 more
        break;
      case InsnClass::FpDivide:
        c = 14;  // R-VDIV (M4 value)
        break;
      case InsnClass::FpTransfer:
        c = core_regs(in.reads | in.writes) >= 2 ? 2 : 1;  // R-VMOV
        break;
    }
    // R33-VLDR: a VLDR.32 result is usable by the next instruction (latency 1): no
    // R-VFP-USE stall on the M33.
    const uint32_t done = issue + c;
    // Result availability (R33-LDR, R33-MUL); everything else forwards in 1 cycle.
    uint32_t latency_end = done;
    if (is_single_or_multiple_load(in.cls))
      latency_end = done - 1 + kLoadLatency;  // the last register loaded
    else if (in.cls == InsnClass::Multiply || in.cls == InsnClass::MultiplyLong ||
             in.shifted_operand2 || in.extend_add || in.dsp_simd)
      latency_end = issue + std::max(c, kMulLatency);  // R33-MUL, R33-OP2, R33-XTA, R33-DSP
    // R33-OP2-FLAGS: flags set with a shifted register operand arrive a cycle late.
    if (writes_flags(in))
      flags_ready = in.early_reg != 0xFF && in.shifted_operand2 ? done + 1 : done;
    for (unsigned r = 0; r < 15; ++r)
      if ((in.writes & (RegMask{1} << r)) != 0) ready[r] = latency_end;
    if (in.writeback && in.base < 15) ready[in.base] = done;  // base update: ALU path
    if (in.cls == InsnClass::FpMac) fp_free = issue + kFpMacBlock;

    prev_paired = in.cls == InsnClass::It && c == 0;
    t.cost.push_back(done - now);
    now = done;
  }
  return t;
}

}  // namespace mcuprof::sim::cycle
