// The machine's Unicorn callbacks: the private peripheral bus, the block hook (budget,
// progress, stack, pending exceptions), CPU exceptions (semihosting, SVC, faults),
// invalid fetches and accesses, and the memory observer's hook. Every callback runs
// its body through Impl::guarded: no C++ exception unwinds through Unicorn's C frames;
// one raised inside (an observer failing to write a file, a set-up error) stops the
// emulator and Machine::run rethrows it once uc_emu_start has returned.
#include <fmt/format.h>

#include "machine_impl.hpp"

namespace mcuprof::sim {
namespace {

// Unicorn exception numbers (QEMU's EXCP_* for Arm) delivered to UC_HOOK_INTR.
constexpr uint32_t kExcpUdef = 1;
constexpr uint32_t kExcpSwi = 2;
constexpr uint32_t kExcpBkpt = 7;
constexpr uint32_t kExcpNoCp = 17;
constexpr uint32_t kExcpInvState = 18;
constexpr uint32_t kExcpUnaligned = 22;
constexpr uint32_t kExcpDivByZero = 23;

// EXC_RETURN values live at 0xFFFFFFxx; a branch there in handler mode returns.
constexpr uint32_t kExcReturnBase = 0xF0000000;

// Execute-never regions of the default memory map (ARMv7-M ARM B3.1, Table B3-1):
// Peripheral, Device and System; a fetch there is a MemManage fault (IACCVIOL).
bool execute_never(uint32_t address) {
  return (address >= 0x40000000u && address < 0x60000000u) || address >= 0xA0000000u;
}

}  // namespace

void Machine::Impl::host_failure() noexcept {
  if (!host_error) host_error = std::current_exception();
  device_access.reset();  // a device access or ITM event cut short
  event_counters.reset();
  if (!stop) {
    RunResult r;  // no allocation: the detail stays empty, run() rethrows instead
    r.reason = StopReason::Fault;
    r.fault = FaultKind::Emulator;
    stop = std::move(r);
  }
  uc_emu_stop(uc.get());
}

uint64_t Machine::Impl::ppb_read(uc_engine* /*uc*/, uint64_t offset, unsigned size, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    const uint32_t address = kPpbBase + static_cast<uint32_t>(offset);
    auto [device, device_offset] = self->ppb.find(address);
    if (device == nullptr) return self->ppb_unknown->read(static_cast<uint32_t>(offset), size);
    self->device_access = address;  // lets DWT/ITM ask for the accessing instruction's cycle
    const uint32_t value = device->read(device_offset, size);
    self->device_access.reset();
    return value;
  });
}

void Machine::Impl::ppb_write(uc_engine* /*uc*/, uint64_t offset, unsigned size, uint64_t value,
                              void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    const uint32_t address = kPpbBase + static_cast<uint32_t>(offset);
    auto [device, device_offset] = self->ppb.find(address);
    if (device == nullptr) {
      self->ppb_unknown->write(static_cast<uint32_t>(offset), size, static_cast<uint32_t>(value));
      return;
    }
    self->device_access = address;
    device->write(device_offset, size, static_cast<uint32_t>(value));
    self->device_access.reset();
    self->update_fp_checks();    // CPACR or FPCCR may have changed
    self->update_divide_trap();  // or CCR
  });
}

// Runs once per executed block: the common path is inline and branch-light.
void Machine::Impl::on_block(uc_engine* uc, uint64_t address64, uint32_t size, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    const auto address = static_cast<uint32_t>(address64);
    cycle::CycleClock& clock = *self->clock;
    if (self->before_block(address, size)) [[unlikely]]
      return;  // block did not run
    const uint64_t end = clock.on_block(uc, address, size);
    if (clock.restart()) [[unlikely]] {  // translated before the code hooks it needs
      self->set_reg(UC_ARM_REG_PC, address | 1u);
      return;
    }
    if (self->block_observer != nullptr) [[unlikely]]
      self->block_observer->on_block(address, size, clock.entry_counters());
    // One compare per block covers both the budget and the progress reports.
    if (end >= self->next_checkpoint) [[unlikely]]
      self->checkpoint(address, end);
  });
}

// `now`: the cycle count after the block's static and entry costs (its data reads, which
// a memory hook charges while it runs, are left out, whenever they are charged).
void Machine::Impl::checkpoint(uint32_t address, uint64_t now) {
  if (now >= max_cycles && !stop) {
    stop_with(StopReason::CycleBudget, FaultKind::None,
              fmt::format("cycle budget of {} cycles exhausted (--max-cycles)", max_cycles),
              std::nullopt, address);
  }
  if (now >= next_progress) {
    for (auto* o : observers) o->on_progress(now, clock->instructions());
    next_progress = now + kProgressInterval;
  }
  next_checkpoint = std::min(max_cycles, next_progress);
}

bool Machine::Impl::check_stack(uint32_t address) {
  sp_stale = false;
  if (reg(UC_ARM_REG_SP) >= stack_low_water) return false;
  const uint32_t sp = reg(UC_ARM_REG_MSP);
  if (sp < stack_low_water) stack_low_water = sp;  // deepest point, for the profiler
  if (stack_limit) {
    if (sp < *stack_limit && !stop) {
      // Not an architectural fault (ARMv7-M has no stack limit); mcuprof's own check.
      stop_with(StopReason::Fault, FaultKind::StackOverflow,
                fmt::format("stack overflow: the main stack pointer 0x{:08x} is below the stack "
                            "limit 0x{:08x} ({} bytes over)",
                            sp, *stack_limit, *stack_limit - sp),
                sp, address);
      return true;
    }
  }
  return false;
}

void Machine::Impl::on_interrupt(uc_engine* uc, uint32_t intno, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    self->sp_stale = true;
    const uint32_t pc = self->read_pc();
    if (self->stop) {
      uc_emu_stop(uc);
      return;
    }
    if (pc >= kExcReturnBase && self->ipsr != 0) {  // branch to EXC_RETURN in handler mode
      if (self->exception_return(pc | 1u)) return;
      uc_emu_stop(uc);
      return;
    }
    switch (intno) {
      case kExcpBkpt:
        self->on_semihosting(pc);
        return;
      case kExcpSwi:
        self->on_svc(pc);
        return;
      case kExcpUdef:
        self->raise_fault(
            FaultCause::UndefinedInstruction, pc, std::nullopt,
            fmt::format("undefined instruction for {}", targets::to_string(self->target.core)));
        return;
      case kExcpNoCp:
        self->raise_fault(FaultCause::NoCoprocessor, pc, std::nullopt,
                          fmt::format("coprocessor instruction on {}, which has no such unit",
                                      targets::to_string(self->target.core)));
        return;
      case kExcpInvState:
        self->raise_fault(FaultCause::InvalidState, pc, std::nullopt,
                          "execution with the Thumb bit clear (branch to an even address?)");
        return;
      case kExcpUnaligned:
        self->raise_fault(FaultCause::Unaligned, pc, std::nullopt, "unaligned access");
        return;
      case kExcpDivByZero:
        self->raise_fault(FaultCause::DivideByZero, pc, std::nullopt,
                          "integer division by zero with CCR.DIV_0_TRP set");
        return;
      default:
        if (self->target.memory_at(pc) == nullptr) {
          self->fetch_fault(pc);
          return;
        }
        self->stop_with(StopReason::Fault, FaultKind::Emulator,
                        fmt::format("emulator exception {} at 0x{:08x}", intno, pc), std::nullopt,
                        pc);
        return;
    }
  });
}

void Machine::Impl::on_semihosting(uint32_t pc) {
  uint16_t insn = 0;
  uc_mem_read(uc.get(), pc, &insn, 2);
  const uint32_t imm = insn & 0xFFu;
  if (imm != 0xAB) {
    stop_with(StopReason::Breakpoint, FaultKind::None, fmt::format("BKPT #{} at 0x{:08x}", imm, pc),
              std::nullopt, pc);
    stop->exit_code = static_cast<int>(imm);
    return;
  }
  const SemihostingResult result = semihosting.call(reg(UC_ARM_REG_R0), reg(UC_ARM_REG_R1));
  if (result.exit_code) {
    stop_with(StopReason::Exited, FaultKind::None, fmt::format("exit code {}", *result.exit_code),
              std::nullopt, pc);
    stop->exit_code = *result.exit_code;
    return;
  }
  set_reg(UC_ARM_REG_R0, result.r0);
  set_reg(UC_ARM_REG_PC, (pc + 2) | 1u);  // resume after the BKPT, in Thumb state
}

bool Machine::Impl::on_invalid_memory(uc_engine* /*uc*/, uc_mem_type type, uint64_t address,
                                      int size, int64_t /*value*/, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    self->sp_stale = true;
    const auto addr = static_cast<uint32_t>(address);
    if (self->stop) return false;
    if ((type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT) && addr >= kExcReturnBase &&
        self->ipsr != 0) {
      self->pending_return = addr | 1u;  // the run loop returns from the exception
      return false;
    }
    const bool write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
    if (type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT) {
      self->fetch_fault(addr);
      return false;
    }
    const uint32_t pc = self->find_access_pc(addr, write);
    if (type == UC_MEM_WRITE_PROT) {
      const auto* m = self->target.memory_at(addr);
      self->raise_fault(FaultCause::DataBusError, pc, addr,
                        fmt::format("{}-byte write to read-only {} at 0x{:08x}", size,
                                    m != nullptr ? m->name : "memory", addr),
                        FaultKind::FlashWrite);
    } else {
      self->raise_fault(FaultCause::DataBusError, pc, addr,
                        fmt::format("{}-byte {} of unmapped address 0x{:08x}", size,
                                    write ? "write" : "read", addr),
                        FaultKind::UnmappedAccess);
    }
    return false;
  });
}

void Machine::Impl::fetch_fault(uint32_t address) {
  if (execute_never(address)) {
    raise_fault(FaultCause::InstructionAccess, address, address,
                fmt::format("instruction fetch from 0x{:08x}, an execute-never region (branched "
                            "from the block at 0x{:08x})",
                            address, last_block));
    return;
  }
  raise_fault(FaultCause::InstructionBusError, address, address,
              fmt::format("instruction fetch from unmapped address 0x{:08x} (branched from the "
                          "block at 0x{:08x})",
                          address, last_block),
              FaultKind::UnmappedAccess);
}

bool Machine::Impl::on_invalid_instruction(uc_engine* /*uc*/, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    self->sp_stale = true;
    self->raise_fault(
        FaultCause::UndefinedInstruction, self->read_pc(), std::nullopt,
        fmt::format("undefined instruction for {}", targets::to_string(self->target.core)));
    return false;
  });
}

// Machine::observe_memory: one hook per writable memory, for reads and writes.
void Machine::Impl::on_memory_access(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                                     int64_t /*value*/, void* user) {
  auto* self = static_cast<Impl*>(user);
  return self->guarded([&] {
    if (self->stop) return;
    MemoryAccess access;
    access.address = static_cast<uint32_t>(address);
    access.bytes = static_cast<unsigned>(size);
    // The accessing instruction's own cycle, as for DWT->CYCCNT reads mid-block.
    access.cycle = self->clock->cycle_at_access(uc, access.address);
    if (type == UC_MEM_WRITE) {
      // Unicorn's PC here is the block's start: the instruction is the operand matched
      // above, else found by disassembling the block.
      const auto pc = self->clock->pc_at_access();
      access.pc = pc ? *pc : self->find_access_pc(access.address, true);
      access.sp = self->reg(UC_ARM_REG_SP);
      self->memory_observer->on_write(access);
    } else {
      self->memory_observer->on_read(access);
    }
  });
}

}  // namespace mcuprof::sim
