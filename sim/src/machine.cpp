// The machine: Unicorn set-up for the target's core, memory map, device bus on the
// private peripheral bus, hooks (blocks, interrupts, invalid accesses) and the run loop.
#include "mcuprof/sim/machine.hpp"

#include <fmt/format.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <cstring>

#include "cycle/cycle_clock.hpp"
#include "devices/dwt.hpp"
#include "devices/itm.hpp"
#include "devices/system_control.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/sim/error.hpp"
#include "semihosting.hpp"

namespace mcuprof::sim {
namespace {

// Unicorn exception numbers (QEMU's EXCP_* for Arm) delivered to UC_HOOK_INTR.
constexpr uint32_t kExcpBkpt = 7;

// The private peripheral bus: ITM, DWT, FPB, System Control Space.
constexpr uint32_t kPpbBase = 0xE0000000;
constexpr uint32_t kPpbSize = 0x00100000;

struct UcCloser {
  void operator()(uc_engine* uc) const { uc_close(uc); }
};

[[noreturn]] void emulator_error(std::string_view what, uc_err err) {
  throw SimError(SimError::Kind::Emulator, fmt::format("{}: {}", what, uc_strerror(err)));
}

int unicorn_model(targets::Core core) {
  switch (core) {
    case targets::Core::CortexM0:
    case targets::Core::CortexM0Plus:  // same ARMv6-M instruction set; timing differs
      return UC_CPU_ARM_CORTEX_M0;
    case targets::Core::CortexM3:
      return UC_CPU_ARM_CORTEX_M3;
    case targets::Core::CortexM4:
      return UC_CPU_ARM_CORTEX_M4;
    case targets::Core::CortexM7:
      return UC_CPU_ARM_CORTEX_M7;
    case targets::Core::CortexM33:
      return UC_CPU_ARM_CORTEX_M33;
  }
  return UC_CPU_ARM_CORTEX_M4;
}

}  // namespace

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::Exited:
      return "exited";
    case StopReason::Breakpoint:
      return "breakpoint";
    case StopReason::CycleBudget:
      return "cycle-budget";
    case StopReason::Fault:
      return "fault";
  }
  return "unknown";
}

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::None:
      return "none";
    case FaultKind::UnmappedAccess:
      return "unmapped-access";
    case FaultKind::FlashWrite:
      return "flash-write";
    case FaultKind::UndefinedInstruction:
      return "undefined-instruction";
    case FaultKind::UnhandledException:
      return "unhandled-exception";
    case FaultKind::Emulator:
      return "emulator";
  }
  return "unknown";
}

struct Machine::Impl final : DeviceHost, SemihostingHost {
  targets::Target target;
  std::unique_ptr<uc_engine, UcCloser> uc;
  std::vector<std::vector<uint8_t>> backing;  // host storage of each target memory
  DeviceBus ppb;
  std::unique_ptr<CycleModel> model;
  Semihosting semihosting{*this};
  std::unique_ptr<cycle::CycleClock> clock;  // charges blocks through `model`
  std::vector<MachineObserver*> observers;
  std::optional<uint32_t> device_access;  // address of the device access in progress

  uint64_t max_cycles = 0;
  std::optional<RunResult> stop;  // set by a hook that ends the run

  Impl(const targets::Target& t, std::unique_ptr<CycleModel> m) : target(t), model(std::move(m)) {}

  // --- DeviceHost / SemihostingHost -------------------------------------------------
  // Inside a device access, the cycle of the accessing instruction (exact CYCCNT).
  uint64_t cycles() const override {
    return device_access ? clock->cycle_at_access(uc.get(), *device_access) : clock->cycles();
  }
  uint64_t clock_hz() const override { return target.clock_hz; }
  void console(std::string_view text) override { console(ConsoleSource::Itm, text); }
  void console(ConsoleSource source, std::string_view text) override {
    for (auto* o : observers) o->on_console(source, text);
  }
  void itm_event(unsigned port, uint32_t value, unsigned size) override {
    const uint64_t now = cycles();
    for (auto* o : observers) o->on_itm_event(port, value, size, now);
  }
  void unmodelled_access(uint32_t address, bool write) override {
    for (auto* o : observers) o->on_unmodelled_access(address, write);
  }
  bool read_guest(uint32_t address, void* out, uint32_t length) override {
    return uc_mem_read(uc.get(), address, out, length) == UC_ERR_OK;
  }
  bool write_guest(uint32_t address, const void* data, uint32_t length) override {
    return uc_mem_write(uc.get(), address, data, length) == UC_ERR_OK;
  }

  // --- set-up ------------------------------------------------------------------------
  void open_core() {
    uc_engine* raw = nullptr;
    // Thumb mode without UC_MODE_MCLASS: MCLASS makes Unicorn 2.0.1 replace the model
    // with a Cortex-M33 whatever is asked (docs/machine.md). The model then decides
    // the M-profile behaviour.
    if (uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &raw); e != UC_ERR_OK)
      emulator_error("uc_open", e);
    uc.reset(raw);
    const int wanted = unicorn_model(target.core);
    if (uc_err e = uc_ctl_set_cpu_model(uc.get(), wanted); e != UC_ERR_OK)
      emulator_error("uc_ctl_set_cpu_model", e);
    int got = -1;
    if (uc_err e = uc_ctl_get_cpu_model(uc.get(), &got); e != UC_ERR_OK)
      emulator_error("uc_ctl_get_cpu_model", e);
    if (got != wanted)
      throw SimError(SimError::Kind::Emulator,
                     fmt::format("Unicorn gave CPU model {} instead of {} for {}", got, wanted,
                                 targets::to_string(target.core)));
  }

  void map_memories() {
    backing.reserve(target.memories.size());
    for (const auto& m : target.memories) {
      if (m.base % 1024 != 0 || m.size % 1024 != 0)
        throw SimError(SimError::Kind::Emulator,
                       fmt::format("memory '{}' must start and end on a 1 KiB boundary", m.name));
      auto& store = backing.emplace_back(m.size, uint8_t{0});
      const uint32_t perms = m.writable() ? UC_PROT_ALL : (UC_PROT_READ | UC_PROT_EXEC);
      if (uc_err e = uc_mem_map_ptr(uc.get(), m.base, m.size, perms, store.data()); e != UC_ERR_OK)
        emulator_error(fmt::format("mapping memory '{}'", m.name), e);
    }
  }

  void attach_devices() {
    ppb.attach(Itm::kBase, Itm::kSize, std::make_unique<Itm>(*this));
    ppb.attach(Dwt::kBase, Dwt::kSize, std::make_unique<Dwt>(*this));
    ppb.attach(SystemControl::kBase, SystemControl::kSize,
               std::make_unique<SystemControl>(*this, target.core, target.code().base));
    if (uc_err e = uc_mmio_map(uc.get(), kPpbBase, kPpbSize, &Impl::ppb_read, this, &Impl::ppb_write,
                               this);
        e != UC_ERR_OK)
      emulator_error("mapping the private peripheral bus", e);
  }

  void add_hooks() {
    uc_hook h = 0;
    auto add = [&](int type, void* callback) {
      if (uc_err e = uc_hook_add(uc.get(), &h, type, callback, this, 1, 0); e != UC_ERR_OK)
        emulator_error("uc_hook_add", e);
    };
    add(UC_HOOK_BLOCK, reinterpret_cast<void*>(&Impl::on_block));
    add(UC_HOOK_INTR, reinterpret_cast<void*>(&Impl::on_interrupt));
    add(UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&Impl::on_invalid_memory));
    add(UC_HOOK_INSN_INVALID, reinterpret_cast<void*>(&Impl::on_invalid_instruction));
  }

  // --- hooks -------------------------------------------------------------------------
  static uint64_t ppb_read(uc_engine* /*uc*/, uint64_t offset, unsigned size, void* user) {
    auto* self = static_cast<Impl*>(user);
    const uint32_t address = kPpbBase + static_cast<uint32_t>(offset);
    auto [device, device_offset] = self->ppb.find(address);
    if (device == nullptr) {
      self->unmodelled_access(address, false);
      return 0;
    }
    self->device_access = address;
    const uint32_t value = device->read(device_offset, size);
    self->device_access.reset();
    return value;
  }

  static void ppb_write(uc_engine* /*uc*/, uint64_t offset, unsigned size, uint64_t value,
                        void* user) {
    auto* self = static_cast<Impl*>(user);
    const uint32_t address = kPpbBase + static_cast<uint32_t>(offset);
    auto [device, device_offset] = self->ppb.find(address);
    if (device == nullptr) {
      self->unmodelled_access(address, true);
      return;
    }
    self->device_access = address;
    device->write(device_offset, size, static_cast<uint32_t>(value));
    self->device_access.reset();
  }

  static void on_block(uc_engine* uc, uint64_t address, uint32_t size, void* user) {
    auto* self = static_cast<Impl*>(user);
    self->clock->on_block(uc, static_cast<uint32_t>(address), size);
    if (self->clock->cycles() >= self->max_cycles && !self->stop) {
      RunResult r;
      r.reason = StopReason::CycleBudget;
      r.detail = fmt::format("cycle budget of {} cycles exhausted (--max-cycles)", self->max_cycles);
      self->stop = r;
      uc_emu_stop(uc);
    }
  }

  uint32_t read_pc() const {
    uint32_t pc = 0;
    uc_reg_read(uc.get(), UC_ARM_REG_PC, &pc);
    return pc;
  }

  void stop_with_fault(FaultKind kind, std::string detail, std::optional<uint32_t> address = {}) {
    if (stop) return;
    RunResult r;
    r.reason = StopReason::Fault;
    r.fault = kind;
    r.detail = std::move(detail);
    r.fault_address = address;
    stop = r;
    uc_emu_stop(uc.get());
  }

  static void on_interrupt(uc_engine* uc, uint32_t intno, void* user) {
    auto* self = static_cast<Impl*>(user);
    const uint32_t pc = self->read_pc();
    if (intno != kExcpBkpt) {
      self->stop_with_fault(FaultKind::UnhandledException,
                            fmt::format("exception {} at 0x{:08x} (exceptions are not modelled yet)",
                                        intno, pc));
      return;
    }
    uint16_t insn = 0;
    uc_mem_read(uc, pc, &insn, 2);
    const uint32_t imm = insn & 0xFFu;
    if (imm != 0xAB) {
      RunResult r;
      r.reason = StopReason::Breakpoint;
      r.exit_code = static_cast<int>(imm);
      r.detail = fmt::format("BKPT #{} at 0x{:08x}", imm, pc);
      self->stop = r;
      uc_emu_stop(uc);
      return;
    }
    uint32_t op = 0;
    uint32_t arg = 0;
    uc_reg_read(uc, UC_ARM_REG_R0, &op);
    uc_reg_read(uc, UC_ARM_REG_R1, &arg);
    const SemihostingResult result = self->semihosting.call(op, arg);
    if (result.exit_code) {
      RunResult r;
      r.reason = StopReason::Exited;
      r.exit_code = *result.exit_code;
      r.detail = fmt::format("exit code {}", *result.exit_code);
      self->stop = r;
      uc_emu_stop(uc);
      return;
    }
    uc_reg_write(uc, UC_ARM_REG_R0, &result.r0);
    const uint32_t next = (pc + 2) | 1u;  // resume after the BKPT, in Thumb state
    uc_reg_write(uc, UC_ARM_REG_PC, &next);
  }

  static bool on_invalid_memory(uc_engine* /*uc*/, uc_mem_type type, uint64_t address, int size,
                                int64_t /*value*/, void* user) {
    auto* self = static_cast<Impl*>(user);
    const auto addr = static_cast<uint32_t>(address);
    const char* what = "access";
    switch (type) {
      case UC_MEM_READ_UNMAPPED:
      case UC_MEM_READ_PROT:
        what = "read";
        break;
      case UC_MEM_WRITE_UNMAPPED:
      case UC_MEM_WRITE_PROT:
        what = "write";
        break;
      case UC_MEM_FETCH_UNMAPPED:
      case UC_MEM_FETCH_PROT:
        what = "instruction fetch";
        break;
      default:
        break;
    }
    if (type == UC_MEM_WRITE_PROT) {
      const auto* m = self->target.memory_at(addr);
      self->stop_with_fault(FaultKind::FlashWrite,
                            fmt::format("{}-byte write to read-only {} at 0x{:08x}", size,
                                        m != nullptr ? m->name : "memory", addr),
                            addr);
    } else {
      self->stop_with_fault(FaultKind::UnmappedAccess,
                            fmt::format("{}-byte {} of unmapped address 0x{:08x}", size, what, addr),
                            addr);
    }
    return false;
  }

  static bool on_invalid_instruction(uc_engine* /*uc*/, void* user) {
    auto* self = static_cast<Impl*>(user);
    self->stop_with_fault(FaultKind::UndefinedInstruction,
                          fmt::format("undefined instruction for {} near 0x{:08x}",
                                      targets::to_string(self->target.core), self->read_pc()));
    return false;
  }
};

Machine::Machine(const targets::Target& target, std::unique_ptr<CycleModel> cycle_model)
    : impl_(std::make_unique<Impl>(target, std::move(cycle_model))) {
  if (!impl_->model) impl_->model = make_unit_cycle_model(target);
  impl_->clock = std::make_unique<cycle::CycleClock>(*impl_->model);
  impl_->open_core();
  impl_->map_memories();
  impl_->attach_devices();
  impl_->add_hooks();
  impl_->clock->install(impl_->uc.get());
}

Machine::~Machine() = default;

void Machine::load(const ElfImage& image) {
  const auto& target = impl_->target;
  for (const auto& seg : image.segments()) {
    if (seg.bytes.empty()) continue;  // .bss-like: nothing to place
    const auto* m = target.memory_at(seg.load_address);
    const uint64_t end = uint64_t{seg.load_address} + seg.bytes.size();
    if (m == nullptr || end > m->end())
      throw SimError(SimError::Kind::ImageDoesNotFit,
                     fmt::format("{}: segment at 0x{:08x} ({} bytes) is outside {}'s memories — "
                                 "was it linked for another board?",
                                 image.origin(), seg.load_address, seg.bytes.size(), target.name));
    auto& store = impl_->backing[static_cast<size_t>(m - target.memories.data())];
    std::memcpy(store.data() + (seg.load_address - m->base), seg.bytes.data(), seg.bytes.size());
  }

  // Reset: SP and PC from the vector table at the start of code memory.
  const auto& code = target.code();
  const auto& table = impl_->backing[static_cast<size_t>(&code - target.memories.data())];
  uint32_t sp = 0;
  uint32_t pc = 0;
  std::memcpy(&sp, table.data(), 4);
  std::memcpy(&pc, table.data() + 4, 4);
  const auto* sp_memory = target.memory_at(sp - 4);
  if (sp_memory == nullptr || !sp_memory->writable() || (pc & 1u) == 0 ||
      target.memory_at(pc & ~1u) == nullptr)
    throw SimError(SimError::Kind::ImageDoesNotFit,
                   fmt::format("{}: no valid vector table at 0x{:08x} (initial SP 0x{:08x}, reset "
                               "0x{:08x})",
                               image.origin(), code.base, sp, pc));
  uc_engine* uc = impl_->uc.get();
  uc_reg_write(uc, UC_ARM_REG_SP, &sp);
  uc_reg_write(uc, UC_ARM_REG_MSP, &sp);
  uc_reg_write(uc, UC_ARM_REG_PC, &pc);
}

void Machine::add_observer(MachineObserver* observer) { impl_->observers.push_back(observer); }

RunResult Machine::run(const RunOptions& options) {
  impl_->max_cycles = options.max_cycles;
  impl_->stop.reset();
  const uint32_t start = impl_->read_pc() | 1u;
  const uc_err err = uc_emu_start(impl_->uc.get(), start, 0xFFFFFFFFull, 0, 0);
  RunResult result;
  if (impl_->stop) {
    result = *impl_->stop;
  } else if (err != UC_ERR_OK) {
    result.reason = StopReason::Fault;
    result.fault = FaultKind::Emulator;
    result.detail = fmt::format("emulator stopped: {}", uc_strerror(err));
  } else {
    result.reason = StopReason::Fault;
    result.fault = FaultKind::Emulator;
    result.detail = "emulation ended without an exit request";
  }
  result.pc = impl_->read_pc();
  result.cycles = impl_->clock->cycles();
  result.instructions = impl_->clock->instructions();
  return result;
}

uint64_t Machine::cycles() const { return impl_->clock->cycles(); }
uint64_t Machine::instructions() const { return impl_->clock->instructions(); }
const targets::Target& Machine::target() const { return impl_->target; }
const CycleModel& Machine::cycle_model() const { return *impl_->model; }

std::vector<BlockProfile> Machine::block_profile() const {
  std::vector<BlockProfile> out;
  for (const auto& b : impl_->clock->block_stats())
    out.push_back({b.address, b.size, b.instructions, b.executions, b.cycles});
  return out;
}

std::vector<uint8_t> Machine::read_memory(uint32_t address, uint32_t length) const {
  std::vector<uint8_t> out(length);
  if (uc_mem_read(impl_->uc.get(), address, out.data(), length) != UC_ERR_OK)
    throw SimError(SimError::Kind::Emulator,
                   fmt::format("cannot read {} bytes at 0x{:08x}", length, address));
  return out;
}

}  // namespace mcuprof::sim
