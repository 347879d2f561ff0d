// Exception entry and return as ARMv7-M/ARMv6-M define them (ARMv7-M ARM B1.5.6
// "Exception entry behavior", B1.5.7 "Stack alignment", B1.5.8 "Exception return
// behavior"): the 8-word frame (26 words with the FP state, lazily stacked when
// FPCCR.LSPEN is set), EXC_RETURN, pre-emption by group priority, SVC and the sleep of
// WFI/WFE until the next interrupt.
#include <fmt/format.h>

#include "machine_impl.hpp"

namespace mcuprof::sim {
namespace {

constexpr uint32_t kBasicFrame = 0x20;
constexpr uint32_t kFpFrame = 0x68;  // + S0-S15, FPSCR, reserved word
constexpr uint32_t kControlSpsel = 1u << 1;
constexpr uint32_t kControlFpca = 1u << 2;
constexpr uint32_t kStkAlign = 1u << 9;  // CCR.STKALIGN and the xPSR bit that records it

}  // namespace

unsigned Machine::Impl::entry_cycles() const {
  // Interrupt latency with zero-wait-state memory: Cortex-M0 16 cycles, Cortex-M0+ 15,
  // Cortex-M3/M4/M7/M33 12 (Arm white paper "Cortex-M for Beginners", 2017, table of
  // interrupt latencies; docs/machine.md).
  switch (target.core) {
    case targets::Core::CortexM0:
      return 16;
    case targets::Core::CortexM0Plus:
      return 15;
    default:
      return 12;
  }
}

bool Machine::Impl::take_pending(uint32_t return_address) {
  const unsigned n = exceptions.best_pending();
  if (n == 0) return false;
  const bool primask = (reg(UC_ARM_REG_PRIMASK) & 1u) != 0;
  bool faultmask = false;
  uint8_t basepri = 0;
  if (target.core != targets::Core::CortexM0 && target.core != targets::Core::CortexM0Plus) {
    faultmask = (reg(UC_ARM_REG_FAULTMASK) & 1u) != 0;
    basepri = static_cast<uint8_t>(reg(UC_ARM_REG_BASEPRI));
  }
  if (exceptions.group_priority(n) >= exceptions.execution_priority(primask, faultmask, basepri))
    return false;
  enter_exception(n, return_address);
  return true;
}

bool Machine::Impl::enter_exception(unsigned n, uint32_t return_address) {
  const uint32_t control = reg(UC_ARM_REG_CONTROL);
  const bool fp_frame = target.fpu && (control & kControlFpca) != 0;
  const bool thread = ipsr == 0;
  const bool on_psp = thread && (control & kControlSpsel) != 0;
  const uint32_t frame_size = fp_frame ? kFpFrame : kBasicFrame;
  const uint32_t sp = reg(UC_ARM_REG_SP);
  const bool force_align = (scb->ccr() & kStkAlign) != 0;
  const bool realign = force_align && (sp & 4u) != 0;
  const uint32_t frame = (sp - frame_size) & ~(force_align ? 4u : 0u);

  const uint32_t xpsr = reg(UC_ARM_REG_XPSR);
  const uint32_t words[8] = {
      reg(UC_ARM_REG_R0),   reg(UC_ARM_REG_R1),
      reg(UC_ARM_REG_R2),   reg(UC_ARM_REG_R3),
      reg(UC_ARM_REG_R12),  reg(UC_ARM_REG_LR),
      return_address & ~1u, (xpsr & ~kStkAlign & ~0x1FFu) | ipsr | (realign ? kStkAlign : 0u)};
  if (stack_limit && !on_psp && frame < *stack_limit) {
    raise_fault(FaultCause::StackingError, return_address, frame,
                fmt::format("exception {} entry: stacking at 0x{:08x} goes below the stack limit "
                            "0x{:08x}",
                            n, frame, *stack_limit),
                FaultKind::StackOverflow);
    return false;
  }
  if (!write_guest(frame, words, sizeof words)) {
    raise_fault(FaultCause::StackingError, return_address, frame,
                fmt::format("exception {} entry: cannot stack the frame at 0x{:08x}", n, frame));
    return false;
  }
  uint32_t exc_return = thread ? (on_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u) : 0xFFFFFFF1u;
  if (fp_frame) {
    exc_return &= ~0x10u;
    if ((fp->fpccr() & FpExtension::kLspEn) != 0) {
      // Lazy stacking: space reserved now, registers written when the handler first
      // executes an FP instruction (check_fp), or never.
      fp->set_fpcar(frame + kBasicFrame);
      fp->set_fpccr(fp->fpccr() | FpExtension::kLspAct | (thread ? (1u << 3) : 0u));
      update_fp_checks();
    } else {
      uint32_t fpregs[18] = {};
      for (int i = 0; i < 16; ++i) fpregs[i] = reg(UC_ARM_REG_S0 + i);
      fpregs[16] = reg(UC_ARM_REG_FPSCR);
      write_guest(frame + kBasicFrame, fpregs, sizeof fpregs);
    }
  }

  // Switch to the main stack in handler mode.
  if (on_psp) {
    set_reg(UC_ARM_REG_PSP, frame);
    set_reg(UC_ARM_REG_CONTROL, control & ~(kControlSpsel | kControlFpca));
  } else {
    set_reg(UC_ARM_REG_SP, frame);
    if (fp_frame) set_reg(UC_ARM_REG_CONTROL, control & ~kControlFpca);
  }
  set_reg(UC_ARM_REG_LR, exc_return);
  exceptions.set_pending(n, false);
  exceptions.set_active(n, true);
  ipsr = n;
  set_reg(UC_ARM_REG_IPSR, n);
  if (block_observer != nullptr)
    block_observer->on_exception_entry(n, return_address & ~1u, clock->now());
  clock->charge(entry_cycles());

  uint32_t vector = 0;
  if (!read_guest(scb->vtor() + 4 * n, &vector, 4) || (vector & 1u) == 0 ||
      target.memory_at(vector & ~1u) == nullptr) {
    raise_fault(FaultCause::VectorRead, return_address, scb->vtor() + 4 * n,
                fmt::format("exception {}: vector 0x{:08x} at 0x{:08x} is not a Thumb address in "
                            "code memory",
                            n, vector, scb->vtor() + 4 * n));
    return false;
  }
  set_reg(UC_ARM_REG_PC, vector | 1u);
  return true;
}

void Machine::Impl::lazy_fp_save() {
  uint32_t fpregs[17] = {};
  for (int i = 0; i < 16; ++i) fpregs[i] = reg(UC_ARM_REG_S0 + i);
  fpregs[16] = reg(UC_ARM_REG_FPSCR);
  write_guest(fp->fpcar(), fpregs, sizeof fpregs);
  fp->set_fpccr(fp->fpccr() & ~(FpExtension::kLspAct | (1u << 3)));
  update_fp_checks();
}

bool Machine::Impl::exception_return(uint32_t exc_return) {
  const unsigned n = ipsr;
  const uint32_t mode = exc_return & 0xFu;
  const bool fp_frame = (exc_return & 0x10u) == 0;
  if (!exceptions.active(n) || (mode != 0x1 && mode != 0x9 && mode != 0xD) ||
      (fp_frame && !target.fpu) || (exc_return | 0x1Fu) != 0xFFFFFFFFu) {
    raise_fault(FaultCause::InvalidPc, exc_return & ~1u, std::nullopt,
                fmt::format("invalid exception return 0x{:08x} from exception {}", exc_return, n));
    return false;
  }
  const bool to_thread = mode != 0x1;
  const bool to_psp = mode == 0xD;
  exceptions.set_active(n, false);

  const uint32_t frame = to_psp ? reg(UC_ARM_REG_PSP) : reg(UC_ARM_REG_MSP);
  uint32_t words[8];
  if (!read_guest(frame, words, sizeof words)) {
    raise_fault(FaultCause::StackingError, exc_return & ~1u, frame,
                fmt::format("exception return: cannot unstack the frame at 0x{:08x}", frame));
    return false;
  }
  if (fp_frame) {
    if ((fp->fpccr() & FpExtension::kLspAct) != 0) {
      // The handler never used the FPU: the registers still hold the caller's values.
      fp->set_fpccr(fp->fpccr() & ~(FpExtension::kLspAct | (1u << 3)));
    } else {
      uint32_t fpregs[17];
      if (read_guest(frame + kBasicFrame, fpregs, sizeof fpregs)) {
        for (int i = 0; i < 16; ++i) set_reg(UC_ARM_REG_S0 + i, fpregs[i]);
        set_reg(UC_ARM_REG_FPSCR, fpregs[16]);
      }
    }
    update_fp_checks();
  }
  const uint32_t stacked_xpsr = words[7];
  const uint32_t new_sp =
      frame + (fp_frame ? kFpFrame : kBasicFrame) + ((stacked_xpsr & kStkAlign) != 0 ? 4u : 0u);
  const unsigned new_ipsr = to_thread ? 0u : (stacked_xpsr & 0x1FFu);
  uint32_t control = reg(UC_ARM_REG_CONTROL);
  control = fp_frame ? (control | kControlFpca) : (control & ~kControlFpca);

  ipsr = new_ipsr;
  set_reg(UC_ARM_REG_IPSR, new_ipsr);
  if (to_psp) {
    set_reg(UC_ARM_REG_CONTROL, control | kControlSpsel);
    set_reg(UC_ARM_REG_PSP, new_sp);
  } else {
    set_reg(UC_ARM_REG_CONTROL, control);
    set_reg(UC_ARM_REG_MSP, new_sp);
  }
  set_reg(UC_ARM_REG_R0, words[0]);
  set_reg(UC_ARM_REG_R1, words[1]);
  set_reg(UC_ARM_REG_R2, words[2]);
  set_reg(UC_ARM_REG_R3, words[3]);
  set_reg(UC_ARM_REG_R12, words[4]);
  set_reg(UC_ARM_REG_LR, words[5]);
  set_reg(UC_ARM_REG_XPSR_NZCVQG, stacked_xpsr);
  set_reg(UC_ARM_REG_PC, words[6] | 1u);
  if (block_observer != nullptr) block_observer->on_exception_return(words[6] & ~1u, clock->now());
  return true;
}

void Machine::Impl::on_svc(uint32_t return_address) {
  const bool primask = (reg(UC_ARM_REG_PRIMASK) & 1u) != 0;
  bool faultmask = false;
  uint8_t basepri = 0;
  if (target.core != targets::Core::CortexM0 && target.core != targets::Core::CortexM0Plus) {
    faultmask = (reg(UC_ARM_REG_FAULTMASK) & 1u) != 0;
    basepri = static_cast<uint8_t>(reg(UC_ARM_REG_BASEPRI));
  }
  const int running = exceptions.execution_priority(primask, faultmask, basepri);
  if (exceptions.group_priority(ExceptionState::kSvc) >= running) {
    raise_fault(FaultCause::SvcEscalation, return_address - 2, std::nullopt,
                fmt::format("SVC at execution priority {} cannot take SVCall (priority {})",
                            running, exceptions.group_priority(ExceptionState::kSvc)));
    return;
  }
  exceptions.set_pending(ExceptionState::kSvc, true);
  // Anything pending with a higher priority goes first, as on the chip.
  if (!take_pending(return_address)) enter_exception(ExceptionState::kSvc, return_address);
}

bool Machine::Impl::sleep(bool wfe) {
  const uint32_t resume = read_pc();
  for (;;) {
    if (exceptions.best_pending() != 0) {
      // Woken. The exception is taken if its priority allows, else execution continues.
      take_pending(resume);
      return !stop;
    }
    if (systick->deadline() != SysTick::kNever) {
      if (systick->deadline() > max_cycles) {
        if (clock->cycles() < max_cycles) clock->charge(max_cycles - clock->cycles());
        stop_with(StopReason::CycleBudget, FaultKind::None,
                  fmt::format("cycle budget of {} cycles exhausted while sleeping in {}",
                              max_cycles, wfe ? "WFE" : "WFI"),
                  std::nullopt, resume);
        return false;
      }
      if (clock->cycles() < systick->deadline())
        clock->charge(systick->deadline() - clock->cycles());
      systick->expire(clock->cycles());
      continue;
    }
    if (wfe) return true;  // no event source modelled: WFE falls through like a NOP
    stop_with(StopReason::Fault, FaultKind::Lockup,
              "sleeping forever: WFI with no enabled interrupt that could ever wake the core",
              std::nullopt, resume - 2);
    return false;
  }
}

}  // namespace mcuprof::sim
