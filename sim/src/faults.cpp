// Faults as the chip raises them (ARMv7-M ARM B1.5.14-B1.5.16, B3.2.15-B3.2.18):
// the cause sets its CFSR/HFSR bit and fault address, a configurable fault that is
// disabled or cannot pre-empt escalates to HardFault (FORCED), a fault while in
// HardFault or NMI is a lock-up. The run stops with a report: kind, PC, symbol+offset,
// the instruction (Capstone), registers, fault status registers and a call stack.
#include <fmt/format.h>

#include <algorithm>

#include "machine_impl.hpp"

namespace mcuprof::sim {
namespace {

bool is_v6m(targets::Core core) {
  return core == targets::Core::CortexM0 || core == targets::Core::CortexM0Plus;
}

int uc_reg_of(unsigned cs_reg) {
  if (cs_reg >= ARM_REG_R0 && cs_reg <= ARM_REG_R12)
    return UC_ARM_REG_R0 + static_cast<int>(cs_reg - ARM_REG_R0);
  if (cs_reg == ARM_REG_SP) return UC_ARM_REG_SP;
  if (cs_reg == ARM_REG_LR) return UC_ARM_REG_LR;
  if (cs_reg == ARM_REG_PC) return UC_ARM_REG_PC;
  return -1;
}

struct Raised {
  unsigned exception;  // ExceptionState number of the fault handler
  uint32_t cfsr;
  uint32_t hfsr;
  const char* name;
};

Raised classify(FaultCause cause) {
  using E = ExceptionState;
  switch (cause) {
    case FaultCause::UndefinedInstruction:
      return {E::kUsageFault, Scb::kUndefInstr, 0, "UNDEFINSTR"};
    case FaultCause::InvalidState:
      return {E::kUsageFault, Scb::kInvState, 0, "INVSTATE"};
    case FaultCause::InvalidPc:
      return {E::kUsageFault, Scb::kInvPc, 0, "INVPC"};
    case FaultCause::NoCoprocessor:
      return {E::kUsageFault, Scb::kNoCp, 0, "NOCP"};
    case FaultCause::Unaligned:
      return {E::kUsageFault, Scb::kUnaligned, 0, "UNALIGNED"};
    case FaultCause::DivideByZero:
      return {E::kUsageFault, Scb::kDivByZero, 0, "DIVBYZERO"};
    case FaultCause::DataBusError:
      return {E::kBusFault, Scb::kPreciseErr, 0, "PRECISERR"};
    case FaultCause::InstructionBusError:
      return {E::kBusFault, Scb::kIbusErr, 0, "IBUSERR"};
    case FaultCause::StackingError:
      return {E::kBusFault, Scb::kStkErr, 0, "STKERR"};
    case FaultCause::InstructionAccess:
      return {E::kMemManage, Scb::kIaccViol, 0, "IACCVIOL"};
    case FaultCause::VectorRead:
      return {E::kHardFault, 0, Scb::kVectTbl, "VECTTBL"};
    case FaultCause::SvcEscalation:
      return {E::kHardFault, 0, Scb::kForced, "FORCED"};
  }
  return {E::kHardFault, 0, 0, "?"};
}

const char* exception_name(unsigned n) {
  switch (n) {
    case ExceptionState::kHardFault:
      return "HardFault";
    case ExceptionState::kMemManage:
      return "MemManage";
    case ExceptionState::kBusFault:
      return "BusFault";
    case ExceptionState::kUsageFault:
      return "UsageFault";
    default:
      return "exception";
  }
}

FaultKind kind_of(unsigned n) {
  switch (n) {
    case ExceptionState::kMemManage:
      return FaultKind::MemManage;
    case ExceptionState::kBusFault:
      return FaultKind::BusFault;
    case ExceptionState::kUsageFault:
      return FaultKind::UsageFault;
    default:
      return FaultKind::HardFault;
  }
}

bool is_store(std::string_view m) {
  return m.starts_with("st") || m.starts_with("push") || m.starts_with("vst") ||
         m.starts_with("vpush");
}

bool is_load(std::string_view m) {
  return m.starts_with("ld") || m.starts_with("pop") || m.starts_with("vld") ||
         m.starts_with("vpop") || m.starts_with("tbb") || m.starts_with("tbh");
}

}  // namespace

Disassembler::Disassembler() {
  if (cs_open(CS_ARCH_ARM, static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS), &handle_) !=
      CS_ERR_OK)
    handle_ = 0;
  else
    cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
}

Disassembler::~Disassembler() {
  if (handle_ != 0) cs_close(&handle_);
}

void Machine::Impl::raise_fault(FaultCause cause, uint32_t pc, std::optional<uint32_t> address,
                                std::string detail, std::optional<FaultKind> kind_override) {
  if (stop) return;
  const Raised raised = classify(cause);
  unsigned handler = raised.exception;
  uint32_t hfsr = raised.hfsr;
  std::string how = fmt::format("{} ({})", exception_name(handler), raised.name);
  if (is_v6m(target.core) && handler != ExceptionState::kHardFault) {
    how = fmt::format("HardFault (ARMv6-M has no {}; cause {})", exception_name(handler),
                      raised.name);
    handler = ExceptionState::kHardFault;
  } else if (handler != ExceptionState::kHardFault) {
    const bool primask = (reg(UC_ARM_REG_PRIMASK) & 1u) != 0;
    const bool faultmask = (reg(UC_ARM_REG_FAULTMASK) & 1u) != 0;
    const auto basepri = static_cast<uint8_t>(reg(UC_ARM_REG_BASEPRI));
    const int running = exceptions.execution_priority(primask, faultmask, basepri);
    if (!exceptions.enabled(handler) || exceptions.group_priority(handler) >= running) {
      how = fmt::format(
          "HardFault (FORCED: escalated from {} {}, which is {})", exception_name(handler),
          raised.name, exceptions.enabled(handler) ? "masked by the current priority" : "disabled");
      handler = ExceptionState::kHardFault;
      hfsr |= Scb::kForced;
    }
  }
  std::optional<uint32_t> bfar;
  std::optional<uint32_t> mmfar;
  if (cause == FaultCause::DataBusError && address) bfar = address;
  // IACCVIOL leaves MMFAR invalid (ARMv7-M ARM B3.2.15): no data address.
  if (!is_v6m(target.core)) scb->record_fault(raised.cfsr, hfsr, mmfar, bfar);

  FaultKind kind = kind_override.value_or(kind_of(handler));
  if (ipsr == ExceptionState::kHardFault || ipsr == ExceptionState::kNmi) {
    how = fmt::format("lock-up: {} while in {}", how,
                      ipsr == ExceptionState::kNmi ? "the NMI handler" : "the HardFault handler");
    if (!kind_override) kind = FaultKind::Lockup;
  }
  stop_with(StopReason::Fault, kind, fmt::format("{}: {}", how, detail), address, pc);
}

void Machine::request_stop() noexcept {
  impl_->stop_requested.store(true, std::memory_order_relaxed);
}

void Machine::Impl::stop_with(StopReason reason, FaultKind kind, std::string detail,
                              std::optional<uint32_t> address, uint32_t pc) {
  if (stop) return;
  RunResult r;
  r.reason = reason;
  r.fault = kind;
  r.fault_address = address;
  r.pc = pc;
  if (reason == StopReason::Fault || reason == StopReason::CycleBudget)
    r.report = make_report(kind, detail, pc, address);
  r.detail = std::move(detail);
  stop = std::move(r);
  uc_emu_stop(uc.get());
}

std::string Machine::Impl::location(uint32_t address) const {
  const auto after = std::upper_bound(symbols.begin(), symbols.end(), address,
                                      [](uint32_t a, const Symbol& s) { return a < s.address; });
  for (auto it = std::make_reverse_iterator(after); it != symbols.rend(); ++it) {
    if (!it->is_function) continue;
    if (address < uint64_t{it->address} + std::max<uint32_t>(it->size, 2))
      return address == it->address ? it->name
                                    : fmt::format("{}+0x{:x}", it->name, address - it->address);
    break;
  }
  return fmt::format("0x{:08x}", address);
}

std::string Machine::Impl::disassemble(uint32_t address) {
  uint8_t code[4] = {};
  if (!read_guest(address & ~1u, code, 4) && !read_guest(address & ~1u, code, 2))
    return "(instruction not readable)";
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(disassembler.handle(), code, 4, address & ~1u, 1, &insn);
  if (n == 0)
    return fmt::format("(undecodable: {:02x} {:02x} {:02x} {:02x})", code[0], code[1], code[2],
                       code[3]);
  std::string bytes;
  for (uint16_t i = 0; i < insn[0].size; ++i)
    bytes += fmt::format("{}{:02x}", i ? " " : "", insn[0].bytes[i]);
  std::string text = fmt::format("{} {}  [{}]", insn[0].mnemonic, insn[0].op_str, bytes);
  cs_free(insn, n);
  return text;
}

uint32_t Machine::Impl::find_access_pc(uint32_t address, bool write) {
  const uint32_t fallback = last_block;
  std::vector<uint8_t> code(last_block_size);
  if (last_block_size == 0 || !read_guest(last_block, code.data(), last_block_size))
    return fallback;
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(disassembler.handle(), code.data(), code.size(), last_block, 0, &insn);
  uint32_t found = fallback;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view m = insn[i].mnemonic;
    if (write ? !is_store(m) : !is_load(m)) continue;
    const cs_arm& arm = insn[i].detail->arm;
    uint64_t lo = 0;
    uint64_t hi = 0;
    const auto regs = static_cast<uint32_t>(arm.op_count);
    const unsigned width = (m.starts_with("vpush") || m.starts_with("vpop")) ? 8u : 4u;
    if (m.starts_with("push") || m.starts_with("vpush")) {
      const uint32_t sp = reg(UC_ARM_REG_SP);
      lo = sp - width * regs;
      hi = sp;
    } else if (m.starts_with("pop") || m.starts_with("vpop")) {
      lo = reg(UC_ARM_REG_SP);
      hi = lo + width * regs;
    } else if (m.starts_with("ldm") || m.starts_with("stm") || m.starts_with("vldm") ||
               m.starts_with("vstm")) {
      const int base = arm.op_count > 0 && arm.operands[0].type == ARM_OP_REG
                           ? uc_reg_of(arm.operands[0].reg)
                           : -1;
      if (base < 0) continue;
      const uint32_t b = reg(base);
      const uint32_t bytes = 4 * (regs - 1) * (m.find(".64") != std::string_view::npos ? 2 : 1);
      if (m.find("db") != std::string_view::npos) {
        lo = b - bytes;
        hi = b;
      } else {
        lo = b;
        hi = uint64_t{b} + bytes;
      }
    } else {
      bool have = false;
      for (uint8_t k = 0; k < arm.op_count; ++k) {
        const cs_arm_op& op = arm.operands[k];
        if (op.type != ARM_OP_MEM) continue;
        const int base = uc_reg_of(op.mem.base);
        uint64_t ea = 0;
        if (base == UC_ARM_REG_PC)
          ea = ((insn[i].address + 4) & ~3ull);
        else if (base >= 0)
          ea = reg(base);
        const int index = uc_reg_of(op.mem.index);
        if (index >= 0) {
          const uint64_t iv = reg(index);
          const uint64_t shifted = op.shift.type == ARM_SFT_LSL ? iv << op.shift.value : iv;
          ea = op.mem.scale < 0 ? ea - shifted : ea + shifted;
        }
        ea = static_cast<uint32_t>(ea + static_cast<int64_t>(op.mem.disp));
        lo = ea;
        hi = ea + 8;
        have = true;
      }
      if (!have) continue;
    }
    if (address >= lo && address < std::max(hi, lo + 1)) {
      found = static_cast<uint32_t>(insn[i].address);
      break;
    }
  }
  if (n > 0) cs_free(insn, n);
  return found;
}

FaultReport Machine::Impl::make_report(FaultKind kind, std::string cause, uint32_t pc,
                                       std::optional<uint32_t> address) {
  FaultReport r;
  r.kind = kind;
  r.cause = std::move(cause);
  r.pc = pc;
  r.address = address;
  for (int i = 0; i <= 12; ++i) r.registers[i] = reg(UC_ARM_REG_R0 + i);
  r.registers[13] = reg(UC_ARM_REG_SP);
  r.registers[14] = reg(UC_ARM_REG_LR);
  r.registers[15] = pc;
  r.xpsr = (reg(UC_ARM_REG_XPSR) & ~0x1FFu) | ipsr;
  r.msp = reg(UC_ARM_REG_MSP);
  r.psp = reg(UC_ARM_REG_PSP);
  r.cfsr = scb->cfsr();
  r.hfsr = scb->hfsr();
  r.mmfar = scb->mmfar();
  r.bfar = scb->bfar();
  r.location = location(pc);
  const auto* code_memory = target.memory_at(pc);
  r.instruction = code_memory != nullptr ? disassemble(pc) : "(none: the fetch itself failed)";

  // Call stack: the PC, the LR if it is a return address, then the words on the stack
  // that are return addresses (odd, in code, right after a BL/BLX), innermost first.
  const auto frame = [&](uint32_t a) { return fmt::format("0x{:08x} {}", a, location(a)); };
  const auto is_return_address = [&](uint32_t v) {
    if ((v & 1u) == 0 || v < 5) return false;
    const uint32_t a = v & ~1u;
    const auto* m = target.memory_at(a);
    if (m == nullptr || m != &target.code()) return false;
    uint16_t h[2] = {};
    if (!read_guest(a - 4, h, 4)) return false;
    const bool bl = (h[0] & 0xF800u) == 0xF000u && (h[1] & 0xC000u) == 0xC000u;
    const bool blx_reg = (h[1] & 0xFF87u) == 0x4780u;
    return bl || blx_reg;
  };
  r.call_stack.push_back(frame(pc));
  const uint32_t lr = r.registers[14];
  if (is_return_address(lr)) r.call_stack.push_back(frame((lr & ~1u) - 4));
  uint32_t sp = r.registers[13];
  const auto* stack_memory = target.memory_at(sp);
  constexpr size_t kMaxFrames = 16;
  constexpr uint32_t kMaxWords = 4096;
  for (uint32_t i = 0; stack_memory != nullptr && i < kMaxWords && r.call_stack.size() < kMaxFrames;
       ++i, sp += 4) {
    if (!stack_memory->contains(sp) || (stack_top != 0 && sp >= stack_top)) break;
    uint32_t word = 0;
    if (!read_guest(sp, &word, 4)) break;
    if (word == lr && i < 2) continue;  // the LR pushed by the current function
    if (is_return_address(word)) r.call_stack.push_back(frame((word & ~1u) - 4));
  }
  return r;
}

std::string FaultReport::text() const {
  std::string out = kind == FaultKind::None
                        ? fmt::format("stopped:\n  {}\n", cause)
                        : fmt::format("fault: {}\n  {}\n", to_string(kind), cause);
  out += fmt::format("  at 0x{:08x} {}: {}\n", pc, location, instruction);
  if (address) out += fmt::format("  address: 0x{:08x}\n", *address);
  static constexpr const char* kNames[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                             "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
  for (int i = 0; i < 16; i += 4)
    out += fmt::format("  {:>3} 0x{:08x}  {:>3} 0x{:08x}  {:>3} 0x{:08x}  {:>3} 0x{:08x}\n",
                       kNames[i], registers[i], kNames[i + 1], registers[i + 1], kNames[i + 2],
                       registers[i + 2], kNames[i + 3], registers[i + 3]);
  out += fmt::format("  xpsr 0x{:08x}  msp 0x{:08x}  psp 0x{:08x}\n", xpsr, msp, psp);
  out += fmt::format("  CFSR 0x{:08x}  HFSR 0x{:08x}  MMFAR 0x{:08x}  BFAR 0x{:08x}\n", cfsr, hfsr,
                     mmfar, bfar);
  out += "  call stack (innermost first; return addresses shown at their call):\n";
  for (size_t i = 0; i < call_stack.size(); ++i)
    out += fmt::format("    #{} {}\n", i, call_stack[i]);
  return out;
}

}  // namespace mcuprof::sim
