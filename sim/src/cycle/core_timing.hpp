// Static instruction timing per core family: given the decoded instructions of one
// basic block, the cycles of each instruction (pipelining and dependences inside the
// block included) and the extra cycles if the block's final conditional branch is
// taken. One implementation per family; docs/cycle-model.md gives every rule's source.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "../thumb_decoder.hpp"
#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim::cycle {

enum class Family { M0, M0Plus, M3, M4, M33, M7 };

// Shared by the M3/M4 and M33 rules (armv7m_timing.cpp, m33_timing.cpp).
// P for B, B<c>, BL, BX, BLX, CBZ/CBNZ and data processing to the PC (R-BRANCH,
// R33-BRANCH-PAIR): 1, as measured on silicon (a taken branch 2 cycles). The TRM gives
// 1..3; the +1 for a 32-bit target at a halfword address is R-BRANCH-ALIGN, at run time.
inline constexpr uint32_t kBranchRefill = 1;
inline constexpr uint32_t kLoadRefill = 3;  // reload after a load to the PC (R-LDR-PC, R-POP-PC)
inline constexpr uint32_t kIsbCycles = 3;   // ISB: 1 + B, B = a refill (R-BARRIER; not measured)

// Core registers r0..r14 in a register mask.
inline unsigned core_regs(RegMask m) {
  return static_cast<unsigned>(__builtin_popcountll(m & 0x7FFF));
}

Family family_of(targets::Core core);

struct StaticTiming {
  std::vector<uint32_t> cost;        // cycles of each instruction
  uint32_t taken_penalty = 0;        // extra cycles when the final conditional branch is taken
  uint32_t fallthrough_penalty = 0;  // extra cycles when it is not taken (M7 prediction)
  bool predicted = false;            // M7: 2-bit dynamic predictor, initial state below
  bool initially_taken = false;
  uint32_t mispredict_penalty = 0;
  bool target_predicted = false;  // M7: indirect exit predicted from its last target
  // M7 dual issue across blocks (R7-PAIR): see BlockTiming::exit_unit / first_unit.
  uint8_t exit_unit = 0xFF;
  uint8_t first_unit = 0xFF;
  uint64_t exit_writes = 0;
  uint64_t first_reads = 0;
  // M7: the cost of each instruction when the first shared the previous block's last
  // cycle (R7-PAIR; BlockTiming::paired_prefix), empty when it cannot.
  std::vector<uint32_t> paired_cost;
  uint8_t paired_exit_unit = 0xFF;
  uint64_t paired_exit_writes = 0;
  // M7 dependences across blocks (R7-CROSS): see BlockTiming::exit_late / first_need.
  std::vector<BlockTiming::RegisterTime> exit_late;
  std::vector<BlockTiming::RegisterTime> first_need;
  // M3/M4: the instructions R-LDR-PIPE made a cycle cheaper behind the single load just
  // before them. The saving needs both accesses in the same memory (R-LDR-BLOCK), which
  // the model checks at block entry (MemoryOperand::pipelined).
  std::vector<uint16_t> pipelined;
};

// M7: can instructions of these units (StaticTiming::exit_unit, first_unit) issue in the
// same cycle?
bool m7_units_pair(uint8_t older, uint8_t younger);

// Shared by the M3/M4 and M33 rules: R-ADDR-DEP (a load/store whose address the
// previous data-processing instruction wrote) and R-STR-LDR (a load right after a store).
bool address_from_previous_result(const Insn* prev, const Insn& in);
bool load_after_store(const Insn* prev, const Insn& in);

// Cortex-M3, M4 and M33 (ARMv7-M / ARMv8-M Mainline 3-stage pipeline).
StaticTiming time_armv7m(std::span<const Insn> insns, Family family);
// Cortex-M33: its own rules where measurements show it differs from the M4
// (time_armv7m hands M33 blocks to it).
StaticTiming time_m33(std::span<const Insn> insns);
// Cortex-M0 (3-stage) and M0+ (2-stage), ARMv6-M.
StaticTiming time_armv6m(std::span<const Insn> insns, Family family);
// Cortex-M7 (6-stage dual-issue superscalar), approximate; with the schedule for an entry
// where the first instruction issued in the previous block's last cycle (R7-PAIR).
StaticTiming time_m7(std::span<const Insn> insns);

// Cycles of SDIV/UDIV with these operands; `static_part` is what the static cost
// already counted for it.
uint32_t divide_cycles(Family family, uint32_t dividend, uint32_t divisor, bool is_signed);
uint32_t divide_static_cycles(Family family);

// Extra refill cycle when a branch lands on a 32-bit instruction at a halfword address.
uint32_t unaligned_wide_target_penalty(Family family);

// Extra cycles of a single `bytes`-wide load/store at `address` (0 when aligned): +1 for
// a halfword at an odd address or a word at a halfword address, +2 for a word at an odd
// address (M3/M4/M33); M7 loads +3 inside a 64-bit doubleword, +4 across one (stores 0);
// 0 on ARMv6-M, which faults instead.
uint32_t unaligned_access_penalty(Family family, uint32_t address, uint32_t bytes, bool load);

}  // namespace mcuprof::sim::cycle
