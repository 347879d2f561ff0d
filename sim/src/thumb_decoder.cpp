// Capstone decoding of Thumb code for the cycle models: instruction counts and, per
// instruction, the summary (class, registers, memory operand, target) of thumb_decoder.hpp.
#include "thumb_decoder.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "mcuprof/sim/error.hpp"

namespace mcuprof::sim {
namespace {

// Capstone register id -> mask bits (core 0-15, S0-S31 at 16-47, flags at 63).
RegMask reg_bits(unsigned reg) {
  if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12) return RegMask{1} << (reg - ARM_REG_R0);
  switch (reg) {
    case ARM_REG_SP:
      return RegMask{1} << 13;
    case ARM_REG_LR:
      return RegMask{1} << 14;
    case ARM_REG_PC:
      return kPcBit;
    case ARM_REG_APSR:
    case ARM_REG_APSR_NZCV:
    case ARM_REG_CPSR:
    case ARM_REG_FPSCR:
    case ARM_REG_FPSCR_NZCV:
      return kFlagsBit;
    default:
      break;
  }
  if (reg >= ARM_REG_S0 && reg <= ARM_REG_S31) return RegMask{1} << (16 + reg - ARM_REG_S0);
  if (reg >= ARM_REG_D0 && reg <= ARM_REG_D15) return RegMask{3} << (16 + 2 * (reg - ARM_REG_D0));
  return 0;
}

uint8_t core_number(unsigned reg) {
  if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12) return static_cast<uint8_t>(reg - ARM_REG_R0);
  if (reg == ARM_REG_SP) return 13;
  if (reg == ARM_REG_LR) return 14;
  if (reg == ARM_REG_PC) return 15;
  return 0xFF;
}

// ARM condition code (0-13) of an IT instruction's operand text; 14 when unknown.
uint8_t condition_code(std::string_view text) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"};
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text == "cs") return 2;
  if (text == "cc") return 3;
  for (size_t i = 0; i < kNames.size(); ++i)
    if (text == kNames[i]) return static_cast<uint8_t>(i);
  return 14;
}

unsigned register_count(const cs_arm& arm, unsigned first) {
  unsigned n = 0;
  for (unsigned i = first; i < arm.op_count; ++i) {
    if (arm.operands[i].type != ARM_OP_REG) continue;
    const unsigned r = static_cast<unsigned>(arm.operands[i].reg);
    n += (r >= ARM_REG_D0 && r <= ARM_REG_D31) ? 2u : 1u;
  }
  return n;
}

InsnClass classify(unsigned id) {
  switch (id) {
    case ARM_INS_MUL:
    case ARM_INS_MLA:
    case ARM_INS_MLS:
    case ARM_INS_SMLABB:
    case ARM_INS_SMLABT:
    case ARM_INS_SMLATB:
    case ARM_INS_SMLATT:
    case ARM_INS_SMLAD:
    case ARM_INS_SMLADX:
    case ARM_INS_SMLAWB:
    case ARM_INS_SMLAWT:
    case ARM_INS_SMLSD:
    case ARM_INS_SMLSDX:
    case ARM_INS_SMMLA:
    case ARM_INS_SMMLAR:
    case ARM_INS_SMMLS:
    case ARM_INS_SMMLSR:
    case ARM_INS_SMMUL:
    case ARM_INS_SMMULR:
    case ARM_INS_SMUAD:
    case ARM_INS_SMUADX:
    case ARM_INS_SMULBB:
    case ARM_INS_SMULBT:
    case ARM_INS_SMULTB:
    case ARM_INS_SMULTT:
    case ARM_INS_SMULWB:
    case ARM_INS_SMULWT:
    case ARM_INS_SMUSD:
    case ARM_INS_SMUSDX:
    case ARM_INS_USAD8:
    case ARM_INS_USADA8:
      return InsnClass::Multiply;
    case ARM_INS_UMULL:
    case ARM_INS_SMULL:
    case ARM_INS_UMLAL:
    case ARM_INS_SMLAL:
    case ARM_INS_UMAAL:
    case ARM_INS_SMLALBB:
    case ARM_INS_SMLALBT:
    case ARM_INS_SMLALTB:
    case ARM_INS_SMLALTT:
    case ARM_INS_SMLALD:
    case ARM_INS_SMLALDX:
    case ARM_INS_SMLSLD:
    case ARM_INS_SMLSLDX:
      return InsnClass::MultiplyLong;
    case ARM_INS_SDIV:
    case ARM_INS_UDIV:
      return InsnClass::Divide;
    case ARM_INS_LDR:
    case ARM_INS_LDRB:
    case ARM_INS_LDRH:
    case ARM_INS_LDRSB:
    case ARM_INS_LDRSH:
    case ARM_INS_LDREX:
    case ARM_INS_LDREXB:
    case ARM_INS_LDREXH:
    case ARM_INS_LDRT:
    case ARM_INS_LDRBT:
    case ARM_INS_LDRHT:
    case ARM_INS_LDRSBT:
    case ARM_INS_LDRSHT:
    case ARM_INS_LDA:
    case ARM_INS_LDAB:
    case ARM_INS_LDAH:
    case ARM_INS_LDAEX:
    case ARM_INS_LDAEXB:
    case ARM_INS_LDAEXH:
    case ARM_INS_PLD:
    case ARM_INS_PLI:
    case ARM_INS_PLDW:
      return InsnClass::Load;
    case ARM_INS_STR:
    case ARM_INS_STRB:
    case ARM_INS_STRH:
    case ARM_INS_STREX:
    case ARM_INS_STREXB:
    case ARM_INS_STREXH:
    case ARM_INS_STRT:
    case ARM_INS_STRBT:
    case ARM_INS_STRHT:
    case ARM_INS_STL:
    case ARM_INS_STLB:
    case ARM_INS_STLH:
    case ARM_INS_STLEX:
    case ARM_INS_STLEXB:
    case ARM_INS_STLEXH:
      return InsnClass::Store;
    case ARM_INS_LDRD:
    case ARM_INS_LDREXD:
      return InsnClass::LoadDouble;
    case ARM_INS_STRD:
    case ARM_INS_STREXD:
      return InsnClass::StoreDouble;
    case ARM_INS_LDM:
    case ARM_INS_LDMDB:
    case ARM_INS_POP:
      return InsnClass::LoadMultiple;
    case ARM_INS_STM:
    case ARM_INS_STMDB:
    case ARM_INS_PUSH:
      return InsnClass::StoreMultiple;
    case ARM_INS_B:
      return InsnClass::Branch;
    case ARM_INS_BL:
      return InsnClass::BranchLink;
    case ARM_INS_BX:
    case ARM_INS_BLX:
      return InsnClass::BranchIndirect;
    case ARM_INS_CBZ:
    case ARM_INS_CBNZ:
      return InsnClass::CompareBranch;
    case ARM_INS_TBB:
    case ARM_INS_TBH:
      return InsnClass::TableBranch;
    case ARM_INS_IT:
      return InsnClass::It;
    case ARM_INS_NOP:
    case ARM_INS_YIELD:
    case ARM_INS_SEV:
    case ARM_INS_HINT:
    case ARM_INS_DBG:
    case ARM_INS_CLREX:
      return InsnClass::Nop;
    case ARM_INS_DMB:
    case ARM_INS_DSB:
      return InsnClass::Barrier;
    case ARM_INS_ISB:
      return InsnClass::Isb;
    case ARM_INS_WFI:
    case ARM_INS_WFE:
      return InsnClass::Sleep;
    case ARM_INS_MRS:
    case ARM_INS_MSR:
    case ARM_INS_CPS:
      return InsnClass::SystemRegister;
    case ARM_INS_VADD:
    case ARM_INS_VSUB:
    case ARM_INS_VMUL:
    case ARM_INS_VNMUL:
    case ARM_INS_VABS:
    case ARM_INS_VNEG:
    case ARM_INS_VCMP:
    case ARM_INS_VCMPE:
    case ARM_INS_VCVT:
    case ARM_INS_VCVTR:
    case ARM_INS_VCVTA:
    case ARM_INS_VCVTB:
    case ARM_INS_VCVTM:
    case ARM_INS_VCVTN:
    case ARM_INS_VCVTP:
    case ARM_INS_VCVTT:
    case ARM_INS_VMAXNM:
    case ARM_INS_VMINNM:
    case ARM_INS_VRINTA:
    case ARM_INS_VRINTM:
    case ARM_INS_VRINTN:
    case ARM_INS_VRINTP:
    case ARM_INS_VRINTR:
    case ARM_INS_VRINTX:
    case ARM_INS_VRINTZ:
    case ARM_INS_VSELEQ:
    case ARM_INS_VSELGE:
    case ARM_INS_VSELGT:
    case ARM_INS_VSELVS:
      return InsnClass::FpAlu;
    case ARM_INS_VMLA:
    case ARM_INS_VMLS:
    case ARM_INS_VNMLA:
    case ARM_INS_VNMLS:
    case ARM_INS_VFMA:
    case ARM_INS_VFMS:
    case ARM_INS_VFNMA:
    case ARM_INS_VFNMS:
      return InsnClass::FpMac;
    case ARM_INS_VDIV:
    case ARM_INS_VSQRT:
      return InsnClass::FpDivide;
    case ARM_INS_VLDR:
      return InsnClass::FpLoad;
    case ARM_INS_VSTR:
      return InsnClass::FpStore;
    case ARM_INS_VLDMIA:
    case ARM_INS_VLDMDB:
    case ARM_INS_VPOP:
      return InsnClass::FpLoadMultiple;
    case ARM_INS_VSTMIA:
    case ARM_INS_VSTMDB:
    case ARM_INS_VPUSH:
      return InsnClass::FpStoreMultiple;
    case ARM_INS_VMOV:
    case ARM_INS_VMRS:
    case ARM_INS_VMSR:
      return InsnClass::FpTransfer;  // refined below: VMOV between S registers is FpAlu
    case ARM_INS_SVC:
    case ARM_INS_BKPT:
    case ARM_INS_UDF:
    case ARM_INS_TRAP:
      return InsnClass::Exception;
    default:
      return InsnClass::Alu;
  }
}

uint32_t access_bytes(unsigned id) {
  switch (id) {
    case ARM_INS_LDRB:
    case ARM_INS_LDRSB:
    case ARM_INS_STRB:
    case ARM_INS_LDREXB:
    case ARM_INS_STREXB:
    case ARM_INS_LDRBT:
    case ARM_INS_LDRSBT:
    case ARM_INS_STRBT:
    case ARM_INS_LDAB:
    case ARM_INS_STLB:
    case ARM_INS_LDAEXB:
    case ARM_INS_STLEXB:
      return 1;
    case ARM_INS_LDRH:
    case ARM_INS_LDRSH:
    case ARM_INS_STRH:
    case ARM_INS_LDREXH:
    case ARM_INS_STREXH:
    case ARM_INS_LDRHT:
    case ARM_INS_LDRSHT:
    case ARM_INS_STRHT:
    case ARM_INS_LDAH:
    case ARM_INS_STLH:
    case ARM_INS_LDAEXH:
    case ARM_INS_STLEXH:
      return 2;
    case ARM_INS_LDRD:
    case ARM_INS_STRD:
    case ARM_INS_LDREXD:
    case ARM_INS_STREXD:
      return 8;
    default:
      return 4;
  }
}

// Data processing with a flexible second operand (register with shift, or modified
// immediate).
bool has_operand2(unsigned id) {
  switch (id) {
    case ARM_INS_AND:
    case ARM_INS_ORR:
    case ARM_INS_EOR:
    case ARM_INS_BIC:
    case ARM_INS_ORN:
    case ARM_INS_ADD:
    case ARM_INS_ADC:
    case ARM_INS_SUB:
    case ARM_INS_SBC:
    case ARM_INS_RSB:
    case ARM_INS_MOV:
    case ARM_INS_MVN:
    case ARM_INS_CMP:
    case ARM_INS_CMN:
    case ARM_INS_TST:
    case ARM_INS_TEQ:
      return true;
    default:
      return false;
  }
}

// A Thumb-2 modified immediate that is neither a plain 8-bit value nor a replicated
// byte pattern (0x00XY00XY, 0xXY00XY00, 0xXYXYXYXY): an 8-bit value rotated.
bool is_rotated_immediate(uint32_t v) {
  if (v <= 0xFF) return false;
  const uint32_t b = v & 0xFF;
  const uint32_t b1 = (v >> 8) & 0xFF;
  if (v == (b | b << 16)) return false;
  if (v == (b1 << 8 | b1 << 24)) return false;
  if (v == b * 0x01010101U) return false;
  return true;
}

// ADD, SUB (ADDW, SUBW) or MOV (MOVW): the register arithmetic the block analysis follows
// and the M7 runs in its early ALU.
bool is_add_sub_mov(unsigned id) {
  return id == ARM_INS_ADD || id == ARM_INS_SUB || id == ARM_INS_ADDW || id == ARM_INS_SUBW ||
         id == ARM_INS_MOV || id == ARM_INS_MOVW;
}

// R7-EARLY-ALU ([JNK] cortex_m7.md: "result of early alu can be forwarded to late alu in
// 0 cycles"): ADD and SUB with a register or a plain or replicated-byte immediate, MOV
// of a register or an immediate, LSL/LSR/ASR/ROR by a constant; never with a shifted
// register, a rotated immediate, or the PC.
bool runs_in_early_alu(unsigned id, const cs_arm& arm, const Insn& in) {
  if (in.shifted_operand2 || ((in.reads | in.writes) & kPcBit) != 0) return false;
  if (is_add_sub_mov(id)) return true;
  switch (id) {
    case ARM_INS_LSL:
    case ARM_INS_LSR:
    case ARM_INS_ASR:
    case ARM_INS_ROR:
      return arm.op_count > 0 && arm.operands[arm.op_count - 1].type == ARM_OP_IMM;
    default:
      return false;
  }
}

// The M7 dual-issue class of a data-processing instruction and the register its early
// ALU reads ([JNK] cortex_m7.md: "bitfield and DSP instructions", "operand2"); also the
// M33's two-stage extend-and-add and DSP/SIMD groups (R33-XTA, R33-DSP), which are
// subsets of the same instructions.
void describe_m7_alu(unsigned id, const cs_arm& arm, Insn& in) {
  const auto reg = [&](unsigned i) {
    return i < arm.op_count && arm.operands[i].type == ARM_OP_REG
               ? core_number(static_cast<unsigned>(arm.operands[i].reg))
               : uint8_t{0xFF};
  };
  switch (id) {
    case ARM_INS_LSL:
    case ARM_INS_LSR:
    case ARM_INS_ASR:
    case ARM_INS_ROR:
    case ARM_INS_RRX:
      in.plain_shift = true;
      return;
    case ARM_INS_SBFX:
    case ARM_INS_UBFX:
    case ARM_INS_RBIT:
    case ARM_INS_REV:
    case ARM_INS_REV16:
    case ARM_INS_REVSH:
      in.bitfield_dsp = in.early_shifter = true;
      in.early_reg = reg(1);  // the source is read in the early ALU
      return;
    case ARM_INS_BFI:
    case ARM_INS_PKHBT:
    case ARM_INS_PKHTB:
    case ARM_INS_SXTAB:
    case ARM_INS_SXTAH:
    case ARM_INS_SXTAB16:
    case ARM_INS_UXTAB:
    case ARM_INS_UXTAH:
    case ARM_INS_UXTAB16:
      in.bitfield_dsp = in.early_shifter = true;
      in.extend_add = id != ARM_INS_BFI && id != ARM_INS_PKHBT && id != ARM_INS_PKHTB;
      in.dsp_simd = id == ARM_INS_PKHBT || id == ARM_INS_PKHTB;
      // BFI: the inserted register; PKH and the extend-and-add: the shifted/extracted Rm.
      in.early_reg = reg(id == ARM_INS_BFI ? 1 : 2);
      return;
    case ARM_INS_BFC:
      in.bitfield_dsp = in.early_shifter = true;
      return;
    case ARM_INS_SXTB:
    case ARM_INS_SXTH:
    case ARM_INS_SXTB16:
    case ARM_INS_UXTB:
    case ARM_INS_UXTH:
    case ARM_INS_UXTB16:
    case ARM_INS_CLZ:
    case ARM_INS_SSAT:
    case ARM_INS_USAT:
      in.bitfield_dsp = true;
      return;
    case ARM_INS_SSAT16:
    case ARM_INS_USAT16:
    case ARM_INS_SEL:
    case ARM_INS_QADD:
    case ARM_INS_QSUB:
    case ARM_INS_QDADD:
    case ARM_INS_QDSUB:
    case ARM_INS_QADD8:
    case ARM_INS_QADD16:
    case ARM_INS_QSUB8:
    case ARM_INS_QSUB16:
    case ARM_INS_QASX:
    case ARM_INS_QSAX:
    case ARM_INS_SADD8:
    case ARM_INS_SADD16:
    case ARM_INS_SSUB8:
    case ARM_INS_SSUB16:
    case ARM_INS_SASX:
    case ARM_INS_SSAX:
    case ARM_INS_SHADD8:
    case ARM_INS_SHADD16:
    case ARM_INS_SHSUB8:
    case ARM_INS_SHSUB16:
    case ARM_INS_UADD8:
    case ARM_INS_UADD16:
    case ARM_INS_USUB8:
    case ARM_INS_USUB16:
    case ARM_INS_UASX:
    case ARM_INS_USAX:
    case ARM_INS_UHADD8:
    case ARM_INS_UHADD16:
    case ARM_INS_UHSUB8:
    case ARM_INS_UHSUB16:
    case ARM_INS_UQADD8:
    case ARM_INS_UQADD16:
    case ARM_INS_UQSUB8:
    case ARM_INS_UQSUB16:
      in.bitfield_dsp = in.dsp_simd = true;
      return;
    default:
      return;
  }
}

bool is_multiple(InsnClass c) {
  return c == InsnClass::LoadMultiple || c == InsnClass::StoreMultiple ||
         c == InsnClass::FpLoadMultiple || c == InsnClass::FpStoreMultiple;
}

}  // namespace

ThumbDecoder::ThumbDecoder() {
  const auto mode = static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS);
  if (cs_open(CS_ARCH_ARM, mode, &handle_) != CS_ERR_OK)
    throw SimError(SimError::Kind::Emulator, "Capstone: cannot open a Thumb decoder");
  cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
  scratch_ = cs_malloc(handle_);
}

ThumbDecoder::~ThumbDecoder() {
  if (scratch_ != nullptr) cs_free(scratch_, 1);
  cs_close(&handle_);
}

uint32_t ThumbDecoder::count_instructions(uint32_t address, std::span<const uint8_t> code) const {
  const uint8_t* bytes = code.data();
  size_t size = code.size();
  uint64_t pc = address;
  uint32_t count = 0;
  while (size > 0) {
    if (!cs_disasm_iter(handle_, &bytes, &size, &pc, scratch_)) {
      ++count;  // undecodable: the core stops here with a fault
      break;
    }
    ++count;
  }
  return count;
}

Insn ThumbDecoder::summarise(const cs_insn& ci) const {
  Insn in;
  in.address = static_cast<uint32_t>(ci.address);
  in.bytes = static_cast<uint8_t>(ci.size);
  in.cls = classify(ci.id);
  const cs_arm& arm = ci.detail->arm;
  in.conditional = arm.cc != ARM_CC_AL && arm.cc != ARM_CC_INVALID;
  in.writeback = arm.writeback;

  // Registers read and written, implicit ones included.
  cs_regs read{};
  cs_regs written{};
  uint8_t nread = 0;
  uint8_t nwritten = 0;
  if (cs_regs_access(handle_, &ci, read, &nread, written, &nwritten) == CS_ERR_OK) {
    for (unsigned i = 0; i < nread; ++i) in.reads |= reg_bits(read[i]);
    for (unsigned i = 0; i < nwritten; ++i) in.writes |= reg_bits(written[i]);
  }
  for (unsigned i = 0; i < arm.op_count; ++i) {
    const cs_arm_op& op = arm.operands[i];
    if (op.type == ARM_OP_REG) {
      if (op.access & CS_AC_WRITE) in.writes |= reg_bits(static_cast<unsigned>(op.reg));
      if (op.access & CS_AC_READ) in.reads |= reg_bits(static_cast<unsigned>(op.reg));
    }
  }
  if (arm.update_flags) in.writes |= kFlagsBit;
  if (in.conditional) in.reads |= kFlagsBit;

  // Memory operand and post-index immediate.
  for (unsigned i = 0; i < arm.op_count; ++i) {
    const cs_arm_op& op = arm.operands[i];
    if (op.type != ARM_OP_MEM) continue;
    in.base = core_number(static_cast<unsigned>(op.mem.base));
    in.index = op.mem.index == ARM_REG_INVALID ? uint8_t{0xFF}
                                               : core_number(static_cast<unsigned>(op.mem.index));
    in.register_offset = in.index != 0xFF;
    in.subtract = op.mem.scale == -1 || op.subtracted;
    // Capstone gives LDR Rt, [Rn, Rm, LSL #n]'s shift as the operand's shift, not lshift.
    in.shift = static_cast<uint8_t>(op.mem.lshift);
    if (in.shift == 0 && op.shift.type == ARM_SFT_LSL)
      in.shift = static_cast<uint8_t>(op.shift.value);
    in.disp = op.mem.disp;
    if (i + 1 < arm.op_count && arm.operands[i + 1].type == ARM_OP_IMM) {
      const int32_t imm = arm.operands[i + 1].imm;
      in.post = arm.operands[i + 1].subtracted ? -std::abs(imm) : imm;
    }
    in.access_bytes = access_bytes(ci.id);
    if (in.base != 0xFF) in.address_regs |= RegMask{1} << in.base;
    if (in.index != 0xFF) in.address_regs |= RegMask{1} << in.index;
    break;
  }

  // Unicorn's read accesses (QEMU's translation of each load).
  switch (in.cls) {
    case InsnClass::Load:
      if (ci.id != ARM_INS_PLD && ci.id != ARM_INS_PLI && ci.id != ARM_INS_PLDW) {
        in.read_unit = static_cast<uint8_t>(in.access_bytes);
        in.read_count = 1;
      }
      break;
    case InsnClass::LoadDouble:
      in.read_unit = 4;
      in.read_count = 2;
      break;
    case InsnClass::TableBranch:
      in.read_unit = ci.id == ARM_INS_TBH ? 2 : 1;
      in.read_count = 1;
      break;
    case InsnClass::FpLoad: {
      const bool dp = arm.op_count > 0 && arm.operands[0].type == ARM_OP_REG &&
                      arm.operands[0].reg >= ARM_REG_D0 && arm.operands[0].reg <= ARM_REG_D31;
      in.read_unit = dp ? 8 : 4;
      in.read_count = 1;
      break;
    }
    default:
      break;
  }

  switch (in.cls) {
    case InsnClass::LoadMultiple:
    case InsnClass::StoreMultiple:
    case InsnClass::FpLoadMultiple:
    case InsnClass::FpStoreMultiple: {
      const bool stack = ci.id == ARM_INS_PUSH || ci.id == ARM_INS_POP || ci.id == ARM_INS_VPUSH ||
                         ci.id == ARM_INS_VPOP;
      const unsigned first = stack ? 0u : 1u;
      in.count = static_cast<uint8_t>(register_count(arm, first));
      in.base = stack ? 13 : core_number(static_cast<unsigned>(arm.operands[0].reg));
      in.address_regs = in.base != 0xFF ? RegMask{1} << in.base : 0;
      in.access_bytes = 4u * in.count;
      in.decrement_before = ci.id == ARM_INS_PUSH || ci.id == ARM_INS_STMDB ||
                            ci.id == ARM_INS_LDMDB || ci.id == ARM_INS_VPUSH ||
                            ci.id == ARM_INS_VSTMDB || ci.id == ARM_INS_VLDMDB;
      in.writeback = in.writeback || stack;
      if (in.cls == InsnClass::LoadMultiple) {
        in.read_unit = 4;
        in.read_count = in.count;
      } else if (in.cls == InsnClass::FpLoadMultiple) {
        const unsigned r = arm.op_count > first && arm.operands[first].type == ARM_OP_REG
                               ? static_cast<unsigned>(arm.operands[first].reg)
                               : 0u;
        const bool dp = r >= ARM_REG_D0 && r <= ARM_REG_D31;
        in.read_unit = dp ? 8 : 4;
        in.read_count = static_cast<uint8_t>(dp ? in.count / 2 : in.count);
      }
      break;
    }
    case InsnClass::Branch:
    case InsnClass::BranchLink:
    case InsnClass::CompareBranch:
      for (unsigned i = 0; i < arm.op_count; ++i)
        if (arm.operands[i].type == ARM_OP_IMM) {
          in.has_target = true;
          in.target = static_cast<uint32_t>(arm.operands[i].imm);
        }
      if (in.cls == InsnClass::CompareBranch) in.conditional = true;
      break;
    case InsnClass::Multiply:
      if (arm.op_count == 4 && arm.operands[3].type == ARM_OP_REG)
        in.accumulator = core_number(static_cast<unsigned>(arm.operands[3].reg));
      break;
    case InsnClass::Divide:
      in.is_signed = ci.id == ARM_INS_SDIV;
      if (arm.op_count == 3) {
        in.op1 = core_number(static_cast<unsigned>(arm.operands[1].reg));
        in.op2 = core_number(static_cast<unsigned>(arm.operands[2].reg));
      } else if (arm.op_count == 2) {  // SDIV Rdn, Rm
        in.op1 = core_number(static_cast<unsigned>(arm.operands[0].reg));
        in.op2 = core_number(static_cast<unsigned>(arm.operands[1].reg));
      }
      break;
    case InsnClass::FpTransfer:
      // VMOV Sd, Sm / VMOV Sd, #imm stay in the FP register file: an FP ALU op.
      if (ci.id == ARM_INS_VMOV && (in.reads & 0xFFFF) == 0 && (in.writes & 0xFFFF) == 0)
        in.cls = InsnClass::FpAlu;
      break;
    default:
      break;
  }
  if (is_multiple(in.cls)) in.writeback = in.writeback || arm.writeback;
  if (in.cls == InsnClass::Alu && ci.size == 4 && has_operand2(ci.id)) {
    for (unsigned i = 0; i < arm.op_count; ++i) {
      const cs_arm_op& op = arm.operands[i];
      if (op.type == ARM_OP_REG && op.shift.type != ARM_SFT_INVALID && op.shift.value != 0) {
        in.shifted_operand2 = true;
        in.early_reg = core_number(static_cast<unsigned>(op.reg));
      }
      if (op.type == ARM_OP_IMM && is_rotated_immediate(static_cast<uint32_t>(op.imm))) {
        in.shifted_operand2 = true;
        in.rotated_immediate = ci.id != ARM_INS_MOV && ci.id != ARM_INS_MVN;
      }
    }
  }
  if (in.cls == InsnClass::Alu) {
    describe_m7_alu(ci.id, arm, in);
    in.early_alu = runs_in_early_alu(ci.id, arm, in);
  }
  // Simple register arithmetic the block analysis can follow (pointer set in a block).
  if (!in.conditional && in.cls == InsnClass::Alu && is_add_sub_mov(ci.id)) {
    const cs_arm_op* ops = arm.operands;
    const unsigned n = arm.op_count;
    const bool sub = ci.id == ARM_INS_SUB || ci.id == ARM_INS_SUBW;
    const auto plain_reg = [](const cs_arm_op& op) {
      return op.type == ARM_OP_REG && (op.shift.type == ARM_SFT_INVALID || op.shift.value == 0);
    };
    if (n >= 2 && ops[0].type == ARM_OP_REG) {
      const cs_arm_op& src = ops[n == 3 ? 1 : 0];
      const cs_arm_op& last = ops[n - 1];
      if ((ci.id == ARM_INS_MOV || ci.id == ARM_INS_MOVW) && n == 2) {
        if (last.type == ARM_OP_IMM) {
          in.value_src = 0xFE;
          in.value_add = last.imm;
        } else if (plain_reg(last)) {
          in.value_src = core_number(static_cast<unsigned>(last.reg));
        }
      } else if (!(ci.id == ARM_INS_MOV || ci.id == ARM_INS_MOVW) && plain_reg(src) &&
                 last.type == ARM_OP_IMM) {
        in.value_src = core_number(static_cast<unsigned>(src.reg));
        in.value_add = sub ? -last.imm : last.imm;
      }
      if (in.value_src == 15 || core_number(static_cast<unsigned>(ops[0].reg)) > 14)
        in.value_src = 0xFF;  // PC-relative, or not a core register: not followed
    }
  }
  if (in.read_count > 0 && in.writeback && in.base < 16)
    for (unsigned i = 0; i < arm.op_count; ++i)
      if (arm.operands[i].type == ARM_OP_REG &&
          core_number(static_cast<unsigned>(arm.operands[i].reg)) == in.base)
        in.loads_base = true;
  in.writes_pc = (in.writes & kPcBit) != 0 || in.cls == InsnClass::Branch ||
                 in.cls == InsnClass::BranchLink || in.cls == InsnClass::BranchIndirect ||
                 in.cls == InsnClass::CompareBranch || in.cls == InsnClass::TableBranch;
  in.reads &= ~kPcBit;  // reading the PC is free (literal addresses)
  return in;
}

std::vector<Insn> ThumbDecoder::decode(uint32_t address, std::span<const uint8_t> code) const {
  std::vector<Insn> out;
  const uint8_t* bytes = code.data();
  size_t size = code.size();
  uint64_t pc = address;
  unsigned it_remaining = 0;  // instructions still covered by an IT block
  std::string it_pattern;     // the IT instruction's then/else letters
  uint8_t it_first = 14;      // its first condition (14: unknown, treated as always)
  while (size > 0) {
    const uint64_t at = pc;
    if (!cs_disasm_iter(handle_, &bytes, &size, &pc, scratch_)) {
      Insn bad;
      bad.address = static_cast<uint32_t>(at);
      bad.cls = InsnClass::Undefined;
      out.push_back(bad);
      break;
    }
    Insn in = summarise(*scratch_);
    if (it_remaining > 0) {
      in.conditional = true;
      in.reads |= kFlagsBit;
      // "it<x><y><z> cond": slot k executes on cond for 't', on its inverse for 'e'.
      const char slot = it_pattern[it_pattern.size() - it_remaining];
      in.cond = it_first == 14 ? 14 : static_cast<uint8_t>(slot == 't' ? it_first : it_first ^ 1u);
      --it_remaining;
    }
    if (in.cls == InsnClass::It) {
      it_pattern = std::string(scratch_->mnemonic + 1);  // "t", "tt", "te", ...
      it_remaining = static_cast<unsigned>(it_pattern.size());
      it_first = condition_code(scratch_->op_str);
      in.it_slots = static_cast<uint8_t>(it_remaining);
    }
    out.push_back(in);
  }
  return out;
}

}  // namespace mcuprof::sim
