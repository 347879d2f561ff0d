// The cycle model interface. The machine asks a model once for the static timing of
// every basic block it meets (decoded with Capstone, then cached by the machine) and,
// at every block entry, for the dynamic corrections that need run-time state: the
// previous block's branch outcome, flash fetches through the accelerator or cache,
// data reads from flash, division operand values. No per-instruction hook is needed.
// docs/cycle-model.md lists every rule with its source and its firmware test.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

struct BlockCost {
  uint32_t cycles = 0;
  uint32_t instructions = 0;
};

// A load or store of a block, for attributing a device access to its instruction
// (exact DWT->CYCCNT mid-block) and for charging data reads through the memory model.
struct MemoryOperand {
  static constexpr uint8_t kNoRegister = 0xFF;
  uint16_t insn = 0;            // index of the instruction in its block
  uint8_t base = kNoRegister;   // core register 0..15 (15: PC-relative literal)
  uint8_t index = kNoRegister;  // index register, or kNoRegister
  uint8_t shift = 0;            // left shift of the index register
  bool subtract = false;        // base - index
  bool load = true;
  // The address from the register values at block entry: entry_base's value (none:
  // 0) + offset (+ the index register's entry value, shifted). The block analysis follows
  // write-back and simple register arithmetic (ADD/SUB/MOV immediate or register); an
  // address computed otherwise inside the block is not known at entry (address_known).
  bool address_known = true;
  uint8_t entry_base = kNoRegister;
  int32_t offset = 0;
  int32_t disp = 0;    // address = base value just before the access + disp
  uint32_t bytes = 4;  // bytes accessed (LDM/STM: 4 per register)
  // The static timing saved a cycle on this access by pipelining it behind the load
  // just before it (the previous entry of BlockTiming::memory); on the M3/M4 the saving
  // holds only when both access the same memory (R-LDR-BLOCK, checked at block entry).
  bool pipelined = false;
  mutable uint32_t cache_hint = 0;  // model scratch: where its line was last found
};

// An integer division whose cycle count depends on its operands.
struct DivideOperand {
  uint16_t insn = 0;
  uint8_t dividend = 0;  // core registers
  uint8_t divisor = 0;
  bool is_signed = false;
  bool operands_known = false;  // neither register is written earlier in the block
};

// A load as Unicorn performs it, for charging data reads without a memory hook
// (cycle/load_placement.cpp): `count` reads of `unit` bytes at ascending addresses from
// the lowest one, which is (base == 15 ? pc_value : R[base]) + disp (+/- R[index] << shift)
// just before the instruction, or, when `entry_known`, entry_base's value at block entry
// (kNoRegister: 0) + offset (+/- the index register's entry value << shift).
struct LoadSite {
  static constexpr uint8_t kNoRegister = 0xFF;
  static constexpr uint8_t kAlways = 14;   // cond: unconditional
  static constexpr uint8_t kUnknown = 15;  // cond: in an IT block whose condition is unknown
  uint16_t insn = 0;                       // index of the instruction in its block
  uint8_t unit = 4;
  uint8_t count = 1;
  uint8_t cond = kAlways;  // ARM condition code 0-13 (an IT block), kAlways or kUnknown
  uint8_t base = kNoRegister;
  uint8_t index = kNoRegister;
  uint8_t shift = 0;
  bool subtract = false;
  bool entry_known = false;
  uint8_t entry_base = kNoRegister;
  uint32_t pc_value = 0;  // base 15: the PC as the instruction reads it
  // Not entry_known, but the base was loaded earlier in the block from the literal word at
  // this address (0: none): with a constant literal, the address is that word + offset.
  uint32_t literal = 0;
  int32_t disp = 0;
  int32_t offset = 0;
};

// How a block ends, for the taken/not-taken correction at the next block entry.
enum class BlockExit : uint8_t {
  FallThrough,  // no branch at the end (block split for another reason)
  Always,       // unconditional branch, cost included statically
  Conditional,  // conditional branch (B<c>, CBZ/CBNZ, branch in an IT block)
};

// Static timing of one basic block: computed once per block and cached.
struct BlockTiming {
  uint32_t address = 0;
  uint32_t size = 0;
  uint32_t cycles = 0;  // static cycles, a conditional exit counted as not taken
  uint32_t instructions = 0;
  std::vector<uint32_t> prefix;   // cycles before instruction i (prefix[0] == 0)
  std::vector<uint16_t> offsets;  // byte offset of instruction i from `address`
  std::vector<MemoryOperand> memory;
  std::vector<DivideOperand> divides;
  std::vector<LoadSite> loads;  // every instruction that reads memory, in order
  bool ends_in_it = false;      // the last instructions of an IT block lie beyond the block
  BlockExit exit = BlockExit::FallThrough;
  uint32_t taken_target = 0;         // conditional exit: where the taken branch goes
  uint32_t taken_penalty = 0;        // conditional exit: extra cycles when taken
  uint32_t fallthrough_penalty = 0;  // conditional exit: extra cycles when not taken (M7)
  // Conditional exit predicted by a 2-bit counter (M7): a misprediction costs
  // mispredict_penalty instead of the two penalties above.
  bool predicted = false;
  uint32_t mispredict_penalty = 0;
  mutable uint8_t predictor = 1;  // model scratch: 0-1 predict not taken, 2-3 taken
  // Indirect exit (BX, POP/LDR PC, TBB) predicted to go where it went last time (M7: the
  // branch target address cache); a different target costs mispredict_penalty.
  bool target_predicted = false;
  mutable uint32_t predicted_target = 0;  // model scratch: 0 = not seen yet
  bool first_wide_unaligned = false;      // first instruction is 32-bit at a halfword address
  // The block may change R13 or the stack in use (writes SP, MSR, SVC, an undecodable
  // tail): the machine reads SP after it only then, for the stack low-water mark.
  bool writes_sp = true;
  // M7 dual issue across blocks (set by the model): `exit_unit` != kNoPairing when the
  // last instruction issued alone and its cycle was left uncharged for the next
  // block's first instruction to share; `first_unit` != kNoPairing when this block's
  // first instruction can take a second issue slot. Units and masks are the model's.
  static constexpr uint8_t kNoPairing = 0xFF;
  uint8_t exit_unit = kNoPairing;
  uint8_t first_unit = kNoPairing;
  uint64_t exit_writes = 0;  // registers (and flags) the last instruction writes
  uint64_t first_reads = 0;  // registers (and flags) the first instruction reads
  // When the first instruction did share the previous block's last cycle (the model
  // sets `entered_paired` at entry), the rest of the block issues after it: the block
  // costs `paired_cycles`, `paired_prefix[i]` before instruction i, the schedule with
  // the first instruction alone in the first cycle (which stands for the shared one:
  // one instruction at a taken branch's target, not two), and its exit is
  // `paired_exit_unit` / `paired_exit_writes`. Empty: the same as `prefix`.
  uint32_t paired_cycles = 0;
  std::vector<uint32_t> paired_prefix;
  uint8_t paired_exit_unit = kNoPairing;
  uint64_t paired_exit_writes = 0;
  mutable bool entered_paired = false;
  // M7 dependences across blocks (R7-CROSS): `exit_late` the registers (and flags, bit
  // numbers as the model's masks) whose value arrives `cycles` after the block's last
  // issue cycle; `first_need` the cycle, from the block's start, at which the block
  // first reads each register it reads before writing it (-1: a cycle before its first
  // instruction issues, an address operand). Empty on the other cores.
  struct RegisterTime {
    uint8_t reg = 0;
    int8_t cycles = 0;
    // exit_late: the value is a loaded word; first_need: read by the late ALU. A loaded
    // word reaches the late ALU a cycle sooner (R7-LDR).
    bool word_to_late_alu = false;
  };
  std::vector<RegisterTime> exit_late;
  std::vector<RegisterTime> first_need;
  // A block Unicorn cut at a page boundary where the core sees none (no branch at its
  // end; Unicorn's ARM pages are 1 KiB): it was scheduled together with the instructions
  // that follow, up to the next branch (`seam_instructions` of them, the next block),
  // and charges only its own share; the next block, entered from this one, costs
  // `seam_cycles` instead of its own schedule, `seam_prefix[i]` before its instruction i
  // (continues_cut_block). 0: not cut.
  uint32_t seam_instructions = 0;
  uint32_t seam_cycles = 0;
  std::vector<uint32_t> seam_prefix;
  // Cycles spent executing each instruction-fetch line the block covers (for the
  // prefetch model): line_cycles[k] is the time spent in the k-th line.
  std::vector<uint32_t> line_cycles;
  mutable std::vector<uint32_t> line_hints;    // model scratch: where each line was last found
  mutable uint64_t all_hit_at = ~uint64_t{0};  // model scratch: cache fills when all lines hit
  // What the model must look at when the block is entered (set by the model).
  bool check_fetch = false;
  bool check_memory = false;
  bool check_divides = false;
};

// Is `block`, entered right after `previous`, the rest of a block Unicorn cut at a page
// boundary? Its timing is then the share of the cut block's schedule (seam_cycles,
// seam_prefix) instead of its own.
inline bool continues_cut_block(const BlockTiming& block, const BlockTiming* previous) {
  return previous != nullptr && previous->seam_instructions != 0 &&
         previous->seam_instructions == block.instructions &&
         previous->address + previous->size == block.address;
}

// Did `block` start in the last cycle of the block before it (R7-PAIR), with a schedule
// of its own for that case? Valid after CycleModel::enter_block.
inline bool entered_paired(const BlockTiming& block) {
  return block.entered_paired && !block.paired_prefix.empty();
}

// The static cycles of `block` entered right after `previous` (after enter_block).
inline uint32_t entry_static_cycles(const BlockTiming& block, const BlockTiming* previous) {
  if (continues_cut_block(block, previous)) return previous->seam_cycles;
  return entered_paired(block) ? block.paired_cycles : block.cycles;
}

// The cycles before each of its instructions, the same way.
inline const std::vector<uint32_t>& entry_prefix(const BlockTiming& block,
                                                 const BlockTiming* previous) {
  if (continues_cut_block(block, previous)) return previous->seam_prefix;
  return entered_paired(block) ? block.paired_prefix : block.prefix;
}

// Register values at block entry, for the dynamic part (no Unicorn types here).
class RegisterView {
 public:
  virtual ~RegisterView() = default;
  virtual uint32_t core(unsigned r) const = 0;  // r0..r15
};

// An address range [begin, end) the model wants to see data reads in.
struct AddressRange {
  uint32_t begin = 0;
  uint64_t end = 0;
};

// What the firmware has switched on in its memory system (docs/cycle-model.md, "What the
// firmware configures"): the machine's devices follow the control registers (SCB CCR,
// FLASH_ACR, XIP_CTRL, NVMC ICACHECNF) and hand the result to the model. A board without
// a control register keeps everything it has on.
struct MemoryConfig {
  bool l1_icache = true;           // Cortex-M7 CCR.IC
  bool l1_dcache = true;           // Cortex-M7 CCR.DC
  bool flash_icache = true;        // ART instruction lines, XIP cache, flash instruction cache
  bool flash_dcache = true;        // ART data lines
  bool prefetch = true;            // the flash prefetch buffer (when the board has one)
  unsigned extra_wait_states = 0;  // flash latency set above what the clock needs
  bool operator==(const MemoryConfig&) const = default;
};

// A cache maintenance operation: which cache, and all of it, one line (by address) or
// one set and way.
struct CacheInvalidation {
  enum class Cache : uint8_t { L1Instruction, L1Data, FlashInstruction, FlashData };
  enum class Scope : uint8_t { All, Address, SetWay };
  Cache cache = Cache::L1Instruction;
  Scope scope = Scope::All;
  uint32_t address = 0;  // Scope::Address
  uint32_t set = 0;      // Scope::SetWay
  uint32_t way = 0;
};

class CycleModel {
 public:
  virtual ~CycleModel() = default;
  virtual std::string_view name() const = 0;
  // Static timing of the Thumb basic block at `address` whose bytes are `code`.
  virtual BlockTiming analyse_block(uint32_t address, std::span<const uint8_t> code) = 0;
  // As analyse_block, for a block that ends at a page boundary, where Unicorn may have
  // cut it: `next` holds the bytes that follow (as many as are mapped, up to a few
  // dozen instructions). The default times the block alone.
  virtual BlockTiming analyse_cut_block(uint32_t address, std::span<const uint8_t> code,
                                        std::span<const uint8_t> next) {
    (void)next;
    return analyse_block(address, code);
  }
  // Extra cycles charged when `block` is entered: `previous` is the block executed
  // just before (nullptr at the start); `regs` holds the values at entry.
  virtual uint32_t enter_block(const BlockTiming& block, const BlockTiming* previous,
                               const RegisterView& regs) = 0;
  // Of the cycles the last enter_block() returned for the block now running, those
  // spent before its instruction `insn` starts (fetch stalls of earlier lines, data
  // stalls of earlier loads): makes a device access mid-block see the exact cycle.
  virtual uint32_t dynamic_before(uint16_t /*insn*/) const { return 0; }
  // Where data reads can cost extra cycles (flash with wait states, cached memory):
  // the machine reports every data read there through data_read(), at the access.
  virtual std::vector<AddressRange> data_read_ranges() const { return {}; }
  virtual uint32_t data_read(uint32_t /*address*/, unsigned /*bytes*/) { return 0; }
  // The firmware changed its memory system's configuration, or invalidated a cache.
  virtual void configure(const MemoryConfig& /*config*/) {}
  virtual void invalidate(const CacheInvalidation& /*what*/) {}
  // Static cost only (tests, tools).
  BlockCost block_cost(uint32_t address, std::span<const uint8_t> code) {
    const BlockTiming t = analyse_block(address, code);
    return {t.cycles, t.instructions};
  }
};

// One cycle per instruction, for any core: the reference for instruction counts.
std::unique_ptr<CycleModel> make_unit_cycle_model(const targets::Target& target);

// The timing model of the target's core family (Cortex-M0/M0+, M3/M4/M33, M7) and
// memory system (wait states, prefetch, ART, XIP cache, L1 caches, TCM).
// Throws targets::TargetError when the target's memory system is inconsistent.
std::unique_ptr<CycleModel> make_cycle_model(const targets::Target& target);

}  // namespace mcuprof::sim
