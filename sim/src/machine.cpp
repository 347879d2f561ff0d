// The machine: Unicorn set-up for the target's core, memory map, device bus on the
// private peripheral bus, unmodelled peripheral regions and the run loop. Hooks
// (blocks, interrupts, invalid accesses): hooks.cpp; exception entry/return:
// exceptions.cpp; fault raising and reports: faults.cpp.
#include "mcuprof/sim/machine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "cycle/cycle_clock.hpp"
#include "devices/cache_control.hpp"
#include "devices/dwt.hpp"
#include "devices/flash_interface.hpp"
#include "devices/itm.hpp"
#include "devices/nvic.hpp"
#include "devices/peripheral_window.hpp"
#include "image_fit.hpp"
#include "machine_impl.hpp"
#include "mcuprof/sim/error.hpp"

namespace mcuprof::sim {
namespace {

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

uint64_t device_read(uc_engine* /*uc*/, uint64_t offset, unsigned size, void* user) {
  return static_cast<Device*>(user)->read(static_cast<uint32_t>(offset), size);
}

void device_write(uc_engine* /*uc*/, uint64_t offset, unsigned size, uint64_t value, void* user) {
  static_cast<Device*>(user)->write(static_cast<uint32_t>(offset), size,
                                    static_cast<uint32_t>(value));
}

}  // namespace

[[noreturn]] void emulator_error(std::string_view what, uc_err err) {
  throw SimError(SimError::Kind::Emulator, fmt::format("{}: {}", what, uc_strerror(err)));
}

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
    case StopReason::Interrupted:
      return "interrupted";
  }
  return "unknown";
}

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::None:
      return "none";
    case FaultKind::HardFault:
      return "hard-fault";
    case FaultKind::UsageFault:
      return "usage-fault";
    case FaultKind::BusFault:
      return "bus-fault";
    case FaultKind::MemManage:
      return "memmanage-fault";
    case FaultKind::UnmappedAccess:
      return "unmapped-access";
    case FaultKind::FlashWrite:
      return "flash-write";
    case FaultKind::StackOverflow:
      return "stack-overflow";
    case FaultKind::Lockup:
      return "lockup";
    case FaultKind::Emulator:
      return "emulator";
  }
  return "unknown";
}

Machine::Impl::Impl(const targets::Target& t, std::unique_ptr<CycleModel> m)
    : target(t), exceptions(t.irq_count, t.priority_bits), model(std::move(m)) {}

// --- DeviceHost / SemihostingHost ------------------------------------------------------
void Machine::Impl::console(ConsoleSource source, std::string_view text) {
  for (auto* o : observers) o->on_console(source, text);
}

void Machine::Impl::itm_event(unsigned port, uint32_t value, unsigned size) {
  event_counters =
      device_access ? clock->counters_at_access(uc.get(), *device_access) : clock->now();
  for (auto* o : observers) o->on_itm_event(port, value, size, event_counters->cycles);
  event_counters.reset();
}

// Called from the peripheral regions' MMIO callbacks (device_read/device_write pass the
// device, not the machine): guarded here so no exception reaches Unicorn.
void Machine::Impl::unmodelled_access(uint32_t address, bool write) {
  guarded([&] {
    for (auto* o : observers) o->on_unmodelled_access(address, write);
  });
}

void Machine::Impl::bus_error(uint32_t address, bool write) {
  guarded([&] {
    if (stop) return;
    const uint32_t pc = find_access_pc(address, write);
    raise_fault(FaultCause::DataBusError, pc, address,
                fmt::format("{} of unmodelled peripheral register 0x{:08x} (unknown-register "
                            "policy \"fault\")",
                            write ? "write" : "read", address));
  });
}

bool Machine::Impl::read_guest(uint32_t address, void* out, uint32_t length) {
  return uc_mem_read(uc.get(), address, out, length) == UC_ERR_OK;
}

bool Machine::Impl::write_guest(uint32_t address, const void* data, uint32_t length) {
  return uc_mem_write(uc.get(), address, data, length) == UC_ERR_OK;
}

uint32_t Machine::Impl::reg(int id) const {
  uint32_t v = 0;
  uc_reg_read(uc.get(), id, &v);
  return v;
}

void Machine::Impl::set_reg(int id, uint32_t value) {
  sp_stale = true;
  uc_reg_write(uc.get(), id, &value);
}

// --- set-up ----------------------------------------------------------------------------
void Machine::Impl::open_core() {
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

void Machine::Impl::map_memories() {
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

void Machine::Impl::attach_devices() {
  ppb.attach(Itm::kBase, Itm::kSize, std::make_unique<Itm>(*this));
  ppb.attach(Dwt::kBase, Dwt::kSize, std::make_unique<Dwt>(*this));
  auto tick = std::make_unique<SysTick>(*this, exceptions, target.clock_hz);
  systick = tick.get();
  ppb.attach(SysTick::kBase, SysTick::kSize, std::move(tick));
  ppb.attach(Nvic::kBase, Nvic::kSize, std::make_unique<Nvic>(exceptions));
  const CacheIdentification caches(target.core, target.icache, target.dcache);
  auto control = std::make_unique<Scb>(*this, exceptions, target.core, target.code().base, caches,
                                       *memory_control);
  scb = control.get();
  ppb.attach(Scb::kBase, Scb::kSize, std::move(control));
  auto fpext = std::make_unique<FpExtension>(*this, exceptions, target.fpu);
  fp = fpext.get();
  ppb.attach(FpExtension::kBase, FpExtension::kSize, std::move(fpext));
  ppb.attach(CacheMaintenance::kBase, CacheMaintenance::kSize,
             std::make_unique<CacheMaintenance>(*this, caches, *memory_control));
  ppb_unknown = std::make_unique<UnknownRegisters>(*this, target.peripherals, kPpbBase);
  if (uc_err e =
          uc_mmio_map(uc.get(), kPpbBase, kPpbSize, &Impl::ppb_read, this, &Impl::ppb_write, this);
      e != UC_ERR_OK)
    emulator_error("mapping the private peripheral bus", e);

  attach_peripheral_windows();
}

// The target's peripheral regions answer through the unknown-register policy, apart from
// the registers the machine models there (the flash interface); a modelled register
// outside every region gets a 4 KiB window of its own.
void Machine::Impl::attach_peripheral_windows() {
  const auto others = [&](uint32_t base) -> std::unique_ptr<Device> {
    if (target.peripherals.policy == targets::UnknownRegisterPolicy::Fault)
      return std::make_unique<RejectingRegion>(*this, base);
    return std::make_unique<UnknownRegisters>(*this, target.peripherals, base);
  };
  std::vector<std::pair<PeripheralWindow*, AddressRange>> windows;
  const auto map = [&](std::string_view name, uint32_t base, uint32_t size) {
    auto window = std::make_unique<PeripheralWindow>(base, others(base));
    windows.emplace_back(window.get(), AddressRange{base, uint64_t{base} + size});
    Device* raw = peripheral_files.emplace_back(std::move(window)).get();
    if (const uc_err e = uc_mmio_map(uc.get(), base, size, &device_read, raw, &device_write, raw);
        e != UC_ERR_OK)
      emulator_error(fmt::format("mapping peripheral region '{}'", name), e);
  };
  for (const auto& region : target.peripherals.regions) map(region.name, region.base, region.size);
  auto flash = make_flash_interface(target.flash_control, *memory_control);
  if (!flash) return;
  const auto inside = std::find_if(windows.begin(), windows.end(), [&](const auto& w) {
    return flash->address >= w.second.begin && flash->address + flash->size <= w.second.end;
  });
  if (inside == windows.end()) {
    map("flash control", flash->address & ~0xFFFu, 0x1000);
    windows.back().first->attach(flash->address, flash->size, std::move(flash->device));
  } else {
    inside->first->attach(flash->address, flash->size, std::move(flash->device));
  }
}

void Machine::Impl::add_hooks() {
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

// --- FP instructions the core lacks or that need lazy stacking ---------------------------
void Machine::Impl::update_fp_checks() {
  const bool unicorn_has_fpu = target.core == targets::Core::CortexM4 ||
                               target.core == targets::Core::CortexM7 ||
                               target.core == targets::Core::CortexM33;
  if (!unicorn_has_fpu) {
    fp_checks = false;  // the emulator itself raises NOCP / undefined instruction
    return;
  }
  const bool lazy_pending = (fp->fpccr() & FpExtension::kLspAct) != 0;
  fp_checks = !target.fpu || !scb->fpu_enabled() || lazy_pending ||
              (target.core == targets::Core::CortexM7 && !target.fpu_double);
}

const BlockIsa& Machine::Impl::isa_of(uint32_t address, uint32_t size) {
  const uint64_t key = block_key(address, size);
  auto it = block_isa.find(key);
  if (it != block_isa.end()) return it->second;
  BlockIsa isa;
  for_each_instruction(address, size, [&isa](std::string_view m, uint32_t at) {
    const bool vfp = m.starts_with("v") || m.starts_with("fmrx") || m.starts_with("fmxr");
    if (vfp && !isa.first_fp) isa.first_fp = at;
    if (vfp && m.find("f64") != std::string_view::npos && !isa.first_double) isa.first_double = at;
  });
  return block_isa.emplace(key, isa).first->second;
}

bool Machine::Impl::check_fp(uint32_t address, uint32_t size) {
  const BlockIsa& isa = isa_of(address, size);
  if (!isa.first_fp) return false;
  if (!target.fpu) {
    raise_fault(FaultCause::NoCoprocessor, *isa.first_fp, std::nullopt,
                fmt::format("floating-point instruction, but {} has no FPU", target.name));
    return true;
  }
  if (!scb->fpu_enabled()) {
    raise_fault(FaultCause::NoCoprocessor, *isa.first_fp, std::nullopt,
                "floating-point instruction while CPACR denies access to CP10/CP11 (FPU not "
                "enabled)");
    return true;
  }
  if (isa.first_double && target.core == targets::Core::CortexM7 && !target.fpu_double) {
    raise_fault(FaultCause::UndefinedInstruction, *isa.first_double, std::nullopt,
                fmt::format("double-precision instruction, but {} has a single-precision FPU",
                            target.name));
    return true;
  }
  if ((fp->fpccr() & FpExtension::kLspAct) != 0) lazy_fp_save();
  return false;
}

// --- Machine ---------------------------------------------------------------------------
Machine::Machine(const targets::Target& target, std::unique_ptr<CycleModel> cycle_model)
    : impl_(std::make_unique<Impl>(target, std::move(cycle_model))) {
  if (!impl_->model) impl_->model = make_unit_cycle_model(target);
  impl_->clock = std::make_unique<cycle::CycleClock>(*impl_->model);
  std::vector<AddressRange> flash;
  std::vector<AddressRange> all;
  for (const auto& m : target.memories) {
    if (m.kind == targets::MemoryKind::Flash) flash.push_back({m.base, m.end()});
    all.push_back({m.base, m.end()});
  }
  impl_->clock->set_flash(std::move(flash));
  impl_->clock->set_memories(std::move(all));
  impl_->memory_control = std::make_unique<MemoryControl>(*impl_->model, impl_->target);
  impl_->open_core();
  impl_->map_memories();
  impl_->attach_devices();
  impl_->add_hooks();
  impl_->clock->install(impl_->uc.get());
  // ARMv6-M code forms most addresses in the block (no offset modes): placing its loads
  // cost more than the hook (docs/performance.md, RP2040 conv 5.6 -> 7.1 s).
  if (target.core == targets::Core::CortexM0 || target.core == targets::Core::CortexM0Plus)
    impl_->clock->use_memory_hooks(impl_->uc.get());
  impl_->update_fp_checks();
}

Machine::~Machine() = default;

void Machine::load(const ElfImage& image) {
  const auto& target = impl_->target;
  check_image_fits(image, target);
  for (const auto& seg : image.segments()) {
    if (seg.bytes.empty()) continue;  // .bss-like: nothing to place
    const auto* m = target.memory_at(seg.load_address);
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
  impl_->set_reg(UC_ARM_REG_SP, sp);
  impl_->set_reg(UC_ARM_REG_MSP, sp);
  impl_->set_reg(UC_ARM_REG_PC, pc);

  impl_->symbols = image.symbols();
  impl_->stack_top = sp;
  impl_->stack_low_water = sp;
  // Stack limit: the ELF's label, else the target's stack size below the initial SP
  // when the image uses the target's own layout (SP at the end of data memory).
  impl_->stack_limit = image.symbol_address("__StackLimit");
  if (!impl_->stack_limit) impl_->stack_limit = image.symbol_address("_stack_limit");
  if (!impl_->stack_limit && sp == target.data().end())
    impl_->stack_limit = sp - target.stack_bytes;
}

void Machine::set_semihosting_root(const std::filesystem::path& root) {
  impl_->semihosting.set_root(root);
}

void Machine::add_observer(MachineObserver* observer) {
  impl_->observers.push_back(observer);
}

void Machine::observe_memory(MemoryAccessObserver* observer) {
  Impl& m = *impl_;
  if (m.memory_observer != nullptr || observer == nullptr) return;
  m.memory_observer = observer;
  m.clock->use_memory_hooks(m.uc.get());  // the observer's hooks are there anyway
  for (const auto& memory : m.target.memories) {
    if (!memory.writable()) continue;
    uc_hook h = 0;
    const uc_err e = uc_hook_add(m.uc.get(), &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                                 reinterpret_cast<void*>(&Impl::on_memory_access), &m, memory.base,
                                 uint64_t{memory.base} + memory.size - 1);
    if (e != UC_ERR_OK) emulator_error("uc_hook_add (memory observer)", e);
  }
}

RunResult Machine::run(const RunOptions& options) {
  Impl& m = *impl_;
  m.max_cycles = options.max_cycles;
  m.next_progress = m.clock->cycles() + Impl::kProgressInterval;
  m.next_checkpoint = std::min(m.max_cycles, m.next_progress);
  m.stop.reset();
  for (;;) {
    const uint32_t start = m.read_pc() | 1u;
    const uc_err err = uc_emu_start(m.uc.get(), start, 0xFFFFFFFFull, 0, 0);
    if (m.host_error) std::rethrow_exception(std::exchange(m.host_error, nullptr));
    if (m.stop) break;
    if (m.pending_return) {
      const uint32_t value = *m.pending_return;
      m.pending_return.reset();
      if (!m.exception_return(value)) break;
      continue;
    }
    if (err == UC_ERR_OK) {
      // WFI and WFE halt the emulator; anything else ending the emulation is unexpected.
      const uint32_t pc = m.read_pc();
      uint16_t before[2] = {0, 0};
      uc_mem_read(m.uc.get(), pc - 4, before, 4);
      const bool wfi = before[1] == 0xBF30 || (before[0] == 0xF3AF && before[1] == 0x8003);
      const bool wfe = before[1] == 0xBF20 || (before[0] == 0xF3AF && before[1] == 0x8002);
      if (wfi || wfe) {
        if (!m.sleep(wfe)) break;
        continue;
      }
      m.stop_with(StopReason::Fault, FaultKind::Emulator, "emulation ended without an exit request",
                  std::nullopt, pc);
      break;
    }
    m.stop_with(StopReason::Fault, FaultKind::Emulator,
                fmt::format("emulator stopped: {}", uc_strerror(err)), std::nullopt, m.read_pc());
    break;
  }
  RunResult result = *m.stop;
  result.cycles = m.clock->cycles();
  result.instructions = m.clock->instructions();
  return result;
}

StackUse Machine::take_stack_use() {
  const uint32_t sp = impl_->reg(UC_ARM_REG_MSP);
  StackUse use;
  use.current_bytes = impl_->stack_top > sp ? impl_->stack_top - sp : 0;
  const uint32_t low = std::min(impl_->stack_low_water, sp);
  use.deepest_bytes = impl_->stack_top > low ? impl_->stack_top - low : 0;
  impl_->stack_low_water = sp;
  impl_->sp_stale = true;
  return use;
}

std::string Machine::location(uint32_t address) const {
  return impl_->location(address);
}

Machine::StackBounds Machine::stack_bounds() const {
  return {impl_->stack_top, impl_->stack_limit};
}

uint64_t Machine::cycles() const {
  return impl_->clock->cycles();
}
uint64_t Machine::instructions() const {
  return impl_->clock->instructions();
}
ExecutionCounters Machine::counters() const {
  return impl_->event_counters ? *impl_->event_counters : impl_->clock->now();
}
void Machine::count_flash_data() {
  impl_->clock->count_flash_data(impl_->uc.get());
}
void Machine::use_memory_hooks() {
  impl_->clock->use_memory_hooks(impl_->uc.get());
}
bool Machine::counts_flash_data() const {
  return impl_->clock->counts_flash_data();
}
void Machine::set_block_observer(BlockObserver* observer) {
  impl_->block_observer = observer;
}
const targets::Target& Machine::target() const {
  return impl_->target;
}
MemoryState Machine::memory_state() const {
  return impl_->memory_control->state();
}

const CycleModel& Machine::cycle_model() const {
  return *impl_->model;
}

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
