// Cortex-M3/M4 static timing (the M33 has its own, m33_timing.cpp): Cortex-M4 TRM
// (ARM DDI 0439B) Table 3-1 "Cortex-M4 instruction set summary" and section 3.3.2
// "Load/store timings" (same text in the Cortex-M3 TRM, ARM DDI 0337, 18.3), Table 7-1
// for the FPU. Rules are named R-xxx as in docs/cycle-model.md.
#include <cstdlib>

#include "core_timing.hpp"

namespace mcuprof::sim::cycle {
namespace {

bool is_data_processing(InsnClass c) {
  return c == InsnClass::Alu || c == InsnClass::Multiply || c == InsnClass::MultiplyLong ||
         c == InsnClass::Divide;
}

}  // namespace

bool address_from_previous_result(const Insn* prev, const Insn& in) {
  return prev != nullptr && is_memory(in.cls) && is_data_processing(prev->cls) &&
         (prev->writes & in.address_regs & 0x7FFF) != 0;
}

bool load_after_store(const Insn* prev, const Insn& in) {
  return prev != nullptr && (prev->cls == InsnClass::Store || prev->cls == InsnClass::FpStore) &&
         (in.cls == InsnClass::Load || in.cls == InsnClass::FpLoad ||
          in.cls == InsnClass::LoadDouble || in.cls == InsnClass::LoadMultiple);
}

Family family_of(targets::Core core) {
  switch (core) {
    case targets::Core::CortexM0:
      return Family::M0;
    case targets::Core::CortexM0Plus:
      return Family::M0Plus;
    case targets::Core::CortexM3:
      return Family::M3;
    case targets::Core::CortexM4:
      return Family::M4;
    case targets::Core::CortexM7:
      return Family::M7;
    case targets::Core::CortexM33:
      return Family::M33;
  }
  return Family::M4;
}

StaticTiming time_armv7m(std::span<const Insn> insns, Family family) {
  if (family == Family::M33) return time_m33(insns);  // m33_timing.cpp
  StaticTiming t;
  t.cost.reserve(insns.size());
  const bool m3 = family == Family::M3;
  // R-WIDE-RUN: the current run of 32-bit instructions at halfword addresses.
  unsigned wide_run = 0;
  bool wide_run_stores = true;
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    const Insn* prev = i > 0 ? &insns[i - 1] : nullptr;
    // R-LDR-PIPE: a load or store right after a single load saves one cycle unless the
    // load's result or updated base forms its address; on the M3 only the first access of
    // such a pair may update its base.
    const bool prev_single_load =
        prev != nullptr && (prev->cls == InsnClass::Load || prev->cls == InsnClass::FpLoad);
    const bool after_load = prev_single_load && !prev->writes_pc &&
                            (prev->writes & in.address_regs) == 0 && !(m3 && in.writeback);
    uint32_t c = 1;
    bool pipelined = false;  // R-LDR-PIPE saved a cycle on it (R-LDR-BLOCK at block entry)
    switch (in.cls) {
      case InsnClass::Alu:
        c = in.writes_pc ? 1 + kBranchRefill : 1;  // R-ALU
        break;
      case InsnClass::Multiply:
        c = (m3 && core_regs(in.reads) > 2) ? 2 : 1;  // R-MUL: M3 MLA/MLS 2
        break;
      case InsnClass::MultiplyLong:
        c = m3 ? (core_regs(in.reads) > 2 ? 5 : 4) : 1;  // R-MULL
        break;
      case InsnClass::Divide:
        c = divide_static_cycles(family);  // R-DIV, the rest at run time
        break;
      case InsnClass::Load:
      case InsnClass::FpLoad:
        if (in.writes_pc)
          c = 2 + kLoadRefill;  // R-LDR-PC
        else
          c = after_load ? 1 : 2;  // R-LDR, R-LDR-PIPE
        pipelined = after_load && !in.writes_pc;
        break;
      case InsnClass::Store:
        // R-STR: STR with an immediate offset is one cycle; register offset 2, or 1
        // when pipelined after a load.
        c = (in.register_offset && !after_load) ? 2 : 1;
        pipelined = in.register_offset && after_load;
        // R-STR-INDEX: a store with base update takes 2 right after another on the same
        // base, and on the M3 right after a load.
        if (in.writeback && prev != nullptr &&
            ((prev->cls == InsnClass::Store && prev->writeback && prev->base == in.base) ||
             (m3 && prev_single_load)))
          c = 2;
        break;
      case InsnClass::FpStore:
        c = after_load ? 1 : 2;  // R-VLDR-VSTR
        pipelined = after_load;
        break;
      case InsnClass::LoadDouble:
      case InsnClass::StoreDouble:
        c = 3;  // R-LDRD: 1 + N with N = 2, never pipelined
        break;
      case InsnClass::LoadMultiple:
        c = 1 + in.count + (in.writes_pc ? kLoadRefill : 0);  // R-LDM, R-POP-PC
        break;
      case InsnClass::StoreMultiple:
      case InsnClass::FpLoadMultiple:
      case InsnClass::FpStoreMultiple:
        c = 1 + in.count;  // R-LDM, R-VLDM
        break;
      case InsnClass::Branch:
      case InsnClass::CompareBranch:
        if (in.conditional) {
          c = 1;  // R-BCOND: not taken 1, taken 1 + P (added at the next block)
          if (i + 1 == insns.size()) t.taken_penalty = kBranchRefill;
        } else {
          c = 1 + kBranchRefill;  // R-BRANCH
        }
        break;
      case InsnClass::BranchLink:
      case InsnClass::BranchIndirect:
        if (in.conditional) {
          c = 1;
          if (i + 1 == insns.size()) t.taken_penalty = kBranchRefill;
        } else {
          c = 1 + kBranchRefill;  // R-BRANCH
        }
        break;
      case InsnClass::TableBranch:
        c = 2 + 1 + kLoadRefill;  // R-TBB: load 2, add 1, reload 3
        break;
      case InsnClass::It:
        // R-IT: folded onto a preceding 16-bit instruction (M3 r2p0 and later, M4,
        // M33: all three have ACTLR.DISFOLD).
        c = (prev != nullptr && prev->bytes == 2 && !prev->writes_pc && prev->cls != InsnClass::It)
                ? 0
                : 1;
        break;
      case InsnClass::Isb:
        c = kIsbCycles;  // R-BARRIER: ISB refills the pipeline
        break;
      case InsnClass::Barrier:
      case InsnClass::Nop:
      case InsnClass::SystemRegister:
      case InsnClass::Sleep:
      case InsnClass::Exception:
      case InsnClass::Undefined:
        c = 1;  // R-BARRIER (B = 0: the write buffer is drained), R-MISC, R-WFI
        break;
      case InsnClass::FpAlu:
        c = 1;  // R-VFP
        break;
      case InsnClass::FpMac:
        c = 3;  // R-VMLA
        break;
      case InsnClass::FpDivide:
        c = 14;  // R-VDIV
        break;
      case InsnClass::FpTransfer:
        c = core_regs(in.reads | in.writes) >= 2 ? 2 : 1;  // R-VMOV
        break;
    }
    // R-ADDR-DEP: address formed from the result of the previous data-processing
    // instruction: one stall cycle (no forwarding path).
    if (address_from_previous_result(prev, in)) c += 1;
    // R-STR-LDR: a load right after a single store waits one cycle for the bus (the
    // store's data phase overlaps the next instruction, but not a load's).
    if (load_after_store(prev, in)) c += 1;
    // R-VFP-USE: an FP instruction that uses the register loaded by the VLDR just
    // before it waits one cycle.
    if (prev != nullptr && prev->cls == InsnClass::FpLoad &&
        (in.cls == InsnClass::FpAlu || in.cls == InsnClass::FpMac ||
         in.cls == InsnClass::FpDivide) &&
        (prev->writes & in.reads & ~RegMask{0xFFFF} & ~kFlagsBit) != 0)
      c += 1;
    // R-WIDE-RUN: three 32-bit instructions in a row at halfword addresses drain the
    // prefetch buffer once: +1 at the third (a run of stores only: at the fourth).
    if (in.bytes == 4 && ((in.address & 3u) == 2 || wide_run > 0)) {
      ++wide_run;
      wide_run_stores = wide_run_stores && in.cls == InsnClass::Store;
      if (wide_run == (wide_run_stores ? 4u : 3u)) c += 1;
    } else {
      wide_run = 0;
      wide_run_stores = true;
    }
    t.cost.push_back(c);
    if (pipelined) t.pipelined.push_back(static_cast<uint16_t>(i));
  }
  return t;
}

uint32_t divide_static_cycles(Family family) {
  switch (family) {
    case Family::M7:
      return 0;  // scheduled by time_m7
    default:
      return 2;
  }
}

uint32_t divide_cycles(Family family, uint32_t dividend, uint32_t divisor, bool is_signed) {
  if (family == Family::M0 || family == Family::M0Plus || family == Family::M7) return 0;
  if (is_signed) {
    dividend =
        static_cast<uint32_t>(std::abs(static_cast<int64_t>(static_cast<int32_t>(dividend))));
    divisor = static_cast<uint32_t>(std::abs(static_cast<int64_t>(static_cast<int32_t>(divisor))));
  }
  // R-DIV: 2 to 12 cycles with early termination (TRM Table 3-1 note). We take the
  // significant bits of the quotient, mapped linearly onto 2..12.
  if (divisor == 0 || dividend < divisor) return 2;
  const uint32_t q = dividend / divisor;
  const auto bits = static_cast<uint32_t>(32 - __builtin_clz(q));
  return 2 + (bits * 10 + 31) / 32;
}

uint32_t unaligned_wide_target_penalty(Family family) {
  switch (family) {
    case Family::M3:
    case Family::M4:
    case Family::M33:
      return 1;  // R-BRANCH-ALIGN
    default:
      return 0;
  }
}

uint32_t unaligned_access_penalty(Family family, uint32_t address, uint32_t bytes, bool load) {
  switch (family) {
    case Family::M3:
    case Family::M4:
    case Family::M33:
      // R-UNALIGNED ([M4] 3.3.2): a halfword at an odd address, or a word at a halfword
      // address, is done as two transfers (+1); a word at an odd address as three, a
      // byte, a halfword and a byte (+2).
      if (bytes == 2) return (address & 1u) != 0 ? 1 : 0;
      if (bytes == 4) return (address & 3u) == 0 ? 0 : (address & 1u) != 0 ? 2 : 1;
      return 0;
    case Family::M7:
      // R7-UNALIGNED (measured on an STM32H743, issue 18): an unaligned halfword or word
      // load costs +3 inside one 64-bit doubleword, +4 when it crosses into the next. A
      // store goes through the store buffer: not measured, charged nothing.
      if (!load || (bytes != 2 && bytes != 4) || (address & (bytes - 1)) == 0) return 0;
      return (address & 7u) + bytes > 8 ? 4 : 3;
    default:
      return 0;
  }
}

}  // namespace mcuprof::sim::cycle
