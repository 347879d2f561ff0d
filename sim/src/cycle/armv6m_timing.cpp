// Cortex-M0+ and Cortex-M0 static timing: Cortex-M0+ TRM (ARM DDI 0484C) Table 3-1
// "Core instruction set summary" (2-stage pipeline: a taken branch refills one stage)
// and Cortex-M0 TRM (ARM DDI 0432C) Table 3-1 (3-stage pipeline). Rules are named
// R0-xxx as in docs/cycle-model.md.
#include "core_timing.hpp"

namespace mcuprof::sim::cycle {

StaticTiming time_armv6m(std::span<const Insn> insns, Family family) {
  StaticTiming t;
  t.cost.reserve(insns.size());
  // Cycles a taken branch adds: M0+ refetches 1 stage, M0 2 (B: 2 vs 3 cycles).
  const uint32_t refill = family == Family::M0Plus ? 1 : 2;
  for (size_t i = 0; i < insns.size(); ++i) {
    const Insn& in = insns[i];
    uint32_t c = 1;
    switch (in.cls) {
      case InsnClass::Alu:
        c = in.writes_pc ? 1 + refill : 1;  // R0-ALU (ADD/MOV PC: 2 on M0+)
        break;
      case InsnClass::Multiply:
      case InsnClass::MultiplyLong:
        c = 1;  // R0-MUL: the fast (single-cycle) multiplier option, as in RP2040
        break;
      case InsnClass::Load:
      case InsnClass::Store:
      case InsnClass::LoadDouble:
      case InsnClass::StoreDouble:
        c = 2;  // R0-LDR: every load and store is 2 cycles, never pipelined
        break;
      case InsnClass::LoadMultiple:
        c = 1 + in.count + (in.writes_pc ? 1 + refill : 0);  // R0-LDM, R0-POP-PC (3+N on M0+)
        break;
      case InsnClass::StoreMultiple:
        c = 1 + in.count;  // R0-LDM
        break;
      case InsnClass::Branch:
      case InsnClass::CompareBranch:
        if (in.conditional) {
          c = 1;  // R0-BCOND: not taken 1, taken 2 (M0+)
          if (i + 1 == insns.size()) t.taken_penalty = refill;
        } else {
          c = 1 + refill;  // R0-BRANCH: B 2 (M0+)
        }
        break;
      case InsnClass::BranchLink:
        c = 2 + refill;  // R0-BL: 3 (M0+), 4 (M0)
        break;
      case InsnClass::BranchIndirect:
        c = 1 + refill;  // R0-BX: BX/BLX 2 (M0+)
        break;
      case InsnClass::SystemRegister:
        c = 3;  // R0-MSR: MRS, MSR 3 (CPS is 1)
        if ((in.reads | in.writes) == 0) c = 1;
        break;
      case InsnClass::Barrier:
      case InsnClass::Isb:
        c = 3;  // R0-BARRIER: DMB, DSB, ISB 3
        break;
      case InsnClass::Sleep:
        c = 2;  // R0-WFI: WFI/WFE 2 (plus the sleep itself)
        break;
      default:
        c = 1;  // NOP, SEV, YIELD, SVC, BKPT
        break;
    }
    t.cost.push_back(c);
  }
  return t;
}

}  // namespace mcuprof::sim::cycle
