// RAII wrapper around a Capstone handle that decodes Thumb (M-profile) code, and the
// instruction summary the cycle models work from (class, registers read and written,
// memory operand, branch target).
#pragma once

#include <capstone/capstone.h>

#include <cstdint>
#include <span>
#include <vector>

namespace mcuprof::sim {

// What the timing rules need to tell instructions apart.
enum class InsnClass : uint8_t {
  Alu,             // data processing, moves, shifts, extends, bit fields, saturation
  Multiply,        // MUL, MLA, MLS and the DSP multiplies (SMLAD, SMULBB, ...)
  MultiplyLong,    // UMULL, SMULL, UMLAL, SMLAL, UMAAL
  Divide,          // SDIV, UDIV
  Load,            // single load (LDR, LDRB, LDRH, LDRSB, LDRSH, LDREX)
  Store,           // single store
  LoadDouble,      // LDRD
  StoreDouble,     // STRD
  LoadMultiple,    // LDM, POP
  StoreMultiple,   // STM, PUSH
  Branch,          // B (conditional or not)
  BranchLink,      // BL
  BranchIndirect,  // BX, BLX
  CompareBranch,   // CBZ, CBNZ
  TableBranch,     // TBB, TBH
  It,
  Nop,      // NOP, YIELD, SEV, hints
  Barrier,  // DMB, DSB
  Isb,
  Sleep,            // WFI, WFE
  SystemRegister,   // MRS, MSR, CPS
  FpAlu,            // VADD, VSUB, VMUL, VNMUL, VABS, VNEG, VCMP, VCVT, VMOV imm/reg
  FpMac,            // VMLA, VMLS, VNMLA, VNMLS, VFMA, VFMS, VFNMA, VFNMS
  FpDivide,         // VDIV, VSQRT
  FpLoad,           // VLDR
  FpStore,          // VSTR
  FpLoadMultiple,   // VLDM, VPOP
  FpStoreMultiple,  // VSTM, VPUSH
  FpTransfer,       // VMOV between core and FP registers, VMRS, VMSR
  Exception,        // SVC, BKPT, UDF
  Undefined,        // Capstone could not decode it
};

// Instructions that access data memory (TBB/TBH read their table).
constexpr bool is_memory(InsnClass c) {
  switch (c) {
    case InsnClass::Load:
    case InsnClass::Store:
    case InsnClass::LoadDouble:
    case InsnClass::StoreDouble:
    case InsnClass::LoadMultiple:
    case InsnClass::StoreMultiple:
    case InsnClass::FpLoad:
    case InsnClass::FpStore:
    case InsnClass::FpLoadMultiple:
    case InsnClass::FpStoreMultiple:
    case InsnClass::TableBranch:
      return true;
    default:
      return false;
  }
}

// Register masks: bits 0-15 core registers, 16-47 S0-S31, 63 the flags.
using RegMask = uint64_t;
constexpr RegMask kPcBit = RegMask{1} << 15;
constexpr RegMask kFlagsBit = RegMask{1} << 63;

struct Insn {
  uint32_t address = 0;
  uint8_t bytes = 2;
  InsnClass cls = InsnClass::Alu;
  bool conditional = false;  // has a condition (B<c>, or inside an IT block)
  bool writes_pc = false;
  bool writeback = false;  // base register update (pre/post-index, LDM!/STM!)
  // 32-bit data processing whose second operand is a shifted register or a rotated
  // ("shifted") modified immediate (M33 rule R33-OP2).
  bool shifted_operand2 = false;
  // ... of which a rotated immediate, in an instruction other than MOV/MVN.
  bool rotated_immediate = false;
  // The register the M7 reads in its early ALU, a cycle before the other operands (core
  // number, 0xFF if none): the register shifted inline in such an operand 2 (R7-OP2), or
  // the source a bit-field or byte-reverse instruction extracts from (R7-EARLY).
  uint8_t early_reg = 0xFF;
  // M7 dual-issue classes (R7-PAIR-ALU): a shift or rotate by a constant or a register
  // as an instruction of its own (LSL, LSR, ASR, ROR, RRX)...
  bool plain_shift = false;
  // ... a bit-field, extend, byte-reverse, saturating or SIMD instruction (UXTB, UXTAB,
  // UBFX, BFI, PKHBT, REV, CLZ, QADD, UADD8, SSAT, SEL...)...
  bool bitfield_dsp = false;
  // ... of which those that use the early ALU's shifter (BFI, BFC, SBFX, UBFX, RBIT,
  // REV*, SXTA*/UXTA*, PKHBT/PKHTB).
  bool early_shifter = false;
  // M7 (R7-EARLY-ALU): runs in the early ALU, whose result the late ALU takes in the
  // same cycle: ADD/SUB with a register or an immediate that is not rotated, MOV of a
  // register or an immediate (MOVW), and shifts by a constant ([JNK] cortex_m7.md).
  bool early_alu = false;
  // An extend-and-add (SXTAB, SXTAH, SXTAB16, UXTAB, UXTAH, UXTAB16: M33 rule R33-XTA).
  bool extend_add = false;
  // A DSP or SIMD data-processing instruction that runs through two stages on the M33
  // (R33-DSP): saturating and parallel add/subtract (QADD, QSUB8, UADD8, SHADD16...),
  // SEL, PKHBT/PKHTB, SSAT16/USAT16.
  bool dsp_simd = false;
  // ADD/SUB Rd, Rn, #imm, ADD/SUB Rdn, #imm, MOV Rd, Rm, MOV Rd, #imm (flag setting or
  // not, unconditional): Rd = core register `value_src` + `value_add` (value_src 0xFE:
  // the constant `value_add`); 0xFF for anything else. Lets the static analysis follow a
  // pointer set inside a block.
  uint8_t value_src = 0xFF;
  int32_t value_add = 0;
  uint8_t count = 1;  // registers transferred by LDM/STM/PUSH/POP/VLDM/VSTM
  RegMask reads = 0;
  RegMask writes = 0;
  RegMask address_regs = 0;  // registers used to form a memory address
  // Memory operand (loads and stores): base/index registers as core numbers.
  uint8_t base = 0xFF;
  uint8_t index = 0xFF;
  uint8_t shift = 0;
  bool subtract = false;
  int32_t disp = 0;               // pre-index displacement (0 for post-indexed forms)
  int32_t post = 0;               // post-index immediate added to the base afterwards
  uint32_t access_bytes = 0;      // bytes read or written
  bool decrement_before = false;  // STMDB/PUSH/VPUSH/LDMDB: lowest address = base - bytes
  bool register_offset = false;
  // The reads Unicorn makes for it, in order: `read_count` accesses of `read_unit` bytes at
  // ascending addresses from the lowest (LDRD: 2 x 4, LDM: 4 per register, VLDR/VLDM of
  // D registers: 8 each, TBB 1, TBH 2; PLD/PLI: none). Stores: none.
  uint8_t read_unit = 0;
  uint8_t read_count = 0;
  // Condition under which it executes (ARM encoding 0-13; 14: always): from the IT
  // instruction of the same block.
  uint8_t cond = 14;
  uint8_t it_slots = 0;  // IT: the instructions it covers (1-4)
  // A load with write-back that also loads its base register (its value afterwards is
  // not base + offset).
  bool loads_base = false;
  // Direct branches: the target address.
  bool has_target = false;
  uint32_t target = 0;
  // A multiply-accumulate with four register operands (MLA, MLS, SMLA<x><y>, SMLAD,
  // SMLSD, SMMLA, USADA8...): the accumulator's core number.
  uint8_t accumulator = 0xFF;
  // SDIV/UDIV operands (core register numbers).
  uint8_t op1 = 0xFF;
  uint8_t op2 = 0xFF;
  bool is_signed = false;
};

class ThumbDecoder {
 public:
  ThumbDecoder();
  ThumbDecoder(const ThumbDecoder&) = delete;
  ThumbDecoder& operator=(const ThumbDecoder&) = delete;
  ~ThumbDecoder();

  // Instructions in `code` (stops at the first undecodable halfword, which counts
  // as one instruction: the core would fault on it).
  uint32_t count_instructions(uint32_t address, std::span<const uint8_t> code) const;

  // Decodes every instruction of a block with its timing-relevant details.
  std::vector<Insn> decode(uint32_t address, std::span<const uint8_t> code) const;

 private:
  Insn summarise(const cs_insn& insn) const;

  csh handle_ = 0;
  cs_insn* scratch_ = nullptr;
};

}  // namespace mcuprof::sim
