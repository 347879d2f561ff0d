// The machine's private state, shared by the files that implement it: machine.cpp
// (set-up, hooks, run loop), exceptions.cpp (exception entry and return, sleep),
// faults.cpp (raising faults the way the chip would and the fault report).
#pragma once

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cycle/cycle_clock.hpp"
#include "devices/fp_extension.hpp"
#include "devices/scb.hpp"
#include "devices/systick.hpp"
#include "devices/unknown_registers.hpp"
#include "exception_state.hpp"
#include "mcuprof/sim/device.hpp"
#include "mcuprof/sim/machine.hpp"
#include "memory_control.hpp"
#include "semihosting.hpp"

namespace mcuprof::sim {

// The private peripheral bus: ITM, DWT, FPB, System Control Space.
inline constexpr uint32_t kPpbBase = 0xE0000000;
inline constexpr uint32_t kPpbSize = 0x00100000;

struct UcCloser {
  void operator()(uc_engine* uc) const { uc_close(uc); }
};

// Capstone handle (Thumb, M-class, with operand details) closed on destruction.
class Disassembler {
 public:
  Disassembler();
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;
  csh handle() const { return handle_; }

 private:
  csh handle_ = 0;
};

// What the machine remembers of a basic block the first time it meets it, for the
// checks the emulator does not make itself (FP instructions the core lacks).
struct BlockIsa {
  std::optional<uint32_t> first_fp;      // first VFP instruction
  std::optional<uint32_t> first_double;  // first double-precision arithmetic
};

// Why a fault is raised, in the terms of the chip's fault status registers.
enum class FaultCause {
  UndefinedInstruction,  // UFSR.UNDEFINSTR
  InvalidState,          // UFSR.INVSTATE
  InvalidPc,             // UFSR.INVPC (bad EXC_RETURN)
  NoCoprocessor,         // UFSR.NOCP
  Unaligned,             // UFSR.UNALIGNED
  DivideByZero,          // UFSR.DIVBYZERO
  DataBusError,          // BFSR.PRECISERR (+BFAR)
  InstructionBusError,   // BFSR.IBUSERR
  StackingError,         // BFSR.STKERR
  InstructionAccess,     // MMFSR.IACCVIOL (execute-never region)
  VectorRead,            // HFSR.VECTTBL
  SvcEscalation,         // SVC at a priority that cannot take SVCall
};

struct Machine::Impl final : DeviceHost, SemihostingHost {
  targets::Target target;
  std::unique_ptr<uc_engine, UcCloser> uc;
  std::vector<std::vector<uint8_t>> backing;  // host storage of each target memory
  DeviceBus ppb;
  std::unique_ptr<UnknownRegisters> ppb_unknown;          // PPB addresses no device claims
  std::vector<std::unique_ptr<Device>> peripheral_files;  // one per peripheral region
  ExceptionState exceptions;
  Scb* scb = nullptr;  // owned by ppb
  SysTick* systick = nullptr;
  FpExtension* fp = nullptr;
  std::unique_ptr<CycleModel> model;
  std::unique_ptr<MemoryControl> memory_control;  // caches and flash as the firmware set them
  Semihosting semihosting{*this};
  std::unique_ptr<cycle::CycleClock> clock;  // charges blocks through `model`
  std::optional<uint32_t> device_access;     // address of the device access in progress
  std::unordered_map<uint64_t, BlockIsa> block_isa;
  std::vector<MachineObserver*> observers;
  BlockObserver* block_observer = nullptr;
  std::optional<ExecutionCounters> event_counters;  // exact counters of the ITM write in progress
  Disassembler disassembler;
  std::vector<Symbol> symbols;  // of the loaded image, for fault reports
  std::optional<uint32_t> stack_limit;
  uint32_t stack_top = 0;
  uint32_t stack_low_water = 0xFFFFFFFFu;  // lowest MSP seen since take_stack_use()
  // SP may have changed outside the blocks (a register write, an exception, a hook):
  // the next block entry reads it whatever the previous block did.
  bool sp_stale = true;

  uint64_t max_cycles = 0;
  static constexpr uint64_t kProgressInterval = 50'000'000;  // cycles between progress reports
  uint64_t next_progress = kProgressInterval;
  uint64_t next_checkpoint = 0;             // min(max_cycles, next_progress)
  std::optional<RunResult> stop;            // set by a hook that ends the run
  std::atomic<bool> stop_requested{false};  // Machine::request_stop (signal handlers)
  static_assert(std::atomic<bool>::is_always_lock_free);
  unsigned ipsr = 0;                       // exception being handled (mirrors Unicorn's IPSR)
  std::optional<uint32_t> pending_return;  // EXC_RETURN seen by a fetch hook
  uint32_t last_block = 0;                 // start and size of the block executing now
  uint32_t last_block_size = 0;
  bool fp_checks = false;                           // blocks must be checked for FP instructions
  bool divide_trap = false;                         // CCR.DIV_0_TRP (divide_trap.cpp)
  std::unordered_set<uint64_t> divide_blocks;       // blocks searched for SDIV/UDIV
  std::unordered_set<uint32_t> divide_hooks;        // SDIV/UDIV addresses with a code hook
  MemoryAccessObserver* memory_observer = nullptr;  // Machine::observe_memory

  Impl(const targets::Target& t, std::unique_ptr<CycleModel> m);

  // --- DeviceHost / SemihostingHost (machine.cpp) ------------------------------------
  // Inside a device access, the cycle of the accessing instruction (exact CYCCNT).
  uint64_t cycles() const override {
    return device_access ? clock->cycle_at_access(uc.get(), *device_access) : clock->cycles();
  }
  uint64_t clock_hz() const override { return target.clock_hz; }
  void console(std::string_view text) override { console(ConsoleSource::Itm, text); }
  void console(ConsoleSource source, std::string_view text) override;
  void itm_event(unsigned port, uint32_t value, unsigned size) override;
  void unmodelled_access(uint32_t address, bool write) override;
  unsigned current_exception() const override { return ipsr; }
  void bus_error(uint32_t address, bool write) override;
  bool read_guest(uint32_t address, void* out, uint32_t length) override;
  bool write_guest(uint32_t address, const void* data, uint32_t length) override;

  // --- set-up (machine.cpp) -----------------------------------------------------------
  void open_core();
  void map_memories();
  void attach_devices();
  void attach_peripheral_windows();
  void add_hooks();

  // --- registers ---------------------------------------------------------------------
  uint32_t reg(int id) const;
  void set_reg(int id, uint32_t value);
  uint32_t read_pc() const { return reg(UC_ARM_REG_PC); }

  // --- block-boundary work: true when the block must not run --------------------------
  bool before_block(uint32_t address, uint32_t size) {
    last_block = address;
    last_block_size = size;
    if (clock->cycles() >= systick->deadline()) [[unlikely]]
      systick->expire(clock->cycles());
    if (exceptions.any_pending()) [[unlikely]] {
      if (take_pending(address)) return true;
    }
    if (stop_requested.load(std::memory_order_relaxed)) [[unlikely]] {
      stop_with(StopReason::Interrupted, FaultKind::None, "stopped on request", std::nullopt,
                address);
      return true;
    }
    if (fp_checks) [[unlikely]] {
      if (check_fp(address, size)) return true;
    }
    if (divide_trap) [[unlikely]] {
      if (hook_divides(address, size)) return true;
    }
    // The main stack only: thread stacks of an RTOS (PSP) live elsewhere. R13 is not
    // read after a block that cannot have changed it: it was not below the mark at that
    // block's entry and the mark only goes down (take_stack_use and every register write,
    // exception or hook mark SP stale).
    const BlockTiming* previous = clock->previous_block();
    if (previous != nullptr && !previous->writes_sp && !sp_stale) [[likely]]
      return false;
    return check_stack(address);
  }
  // The stack low-water mark and overflow check (machine.cpp). R13 is a plain register
  // copy, MSP a helper call in Unicorn (~10 % of the run when read per block), so MSP is
  // read only when R13 is below the deepest point so far: while the main stack is in use
  // they are equal, so every new low of MSP is seen (and so is an overflow, which is a
  // new low below the limit).
  bool check_stack(uint32_t address);
  const BlockIsa& isa_of(uint32_t address, uint32_t size);
  bool check_fp(uint32_t address, uint32_t size);
  void update_fp_checks();

  // --- CCR.DIV_0_TRP (divide_trap.cpp) ------------------------------------------------
  void update_divide_trap();
  // Hooks the block's SDIV/UDIV not hooked yet; true (block restarted) when it did.
  bool hook_divides(uint32_t address, uint32_t size);
  static void on_divide(uc_engine* uc, uint64_t address, uint32_t size, void* user);

  // --- exceptions (exceptions.cpp) ----------------------------------------------------
  // Takes the highest-priority pending exception if it pre-empts; true when taken.
  bool take_pending(uint32_t return_address);
  // Stacks a frame and enters exception `n`; false (with a fault) on failure.
  bool enter_exception(unsigned n, uint32_t return_address);
  bool exception_return(uint32_t exc_return);
  void on_svc(uint32_t return_address);
  // Lazy FP stacking: writes S0-S15/FPSCR into the reserved frame (FPCCR.LSPACT).
  void lazy_fp_save();
  // WFI/WFE stopped the emulator: sleep until something wakes the core; false on a
  // stop (budget, lock-up).
  bool sleep(bool wfe);
  unsigned entry_cycles() const;

  // --- faults (faults.cpp) ------------------------------------------------------------
  void raise_fault(FaultCause cause, uint32_t pc, std::optional<uint32_t> address,
                   std::string detail, std::optional<FaultKind> kind_override = {});
  void stop_with(StopReason reason, FaultKind kind, std::string detail,
                 std::optional<uint32_t> address, uint32_t pc);
  FaultReport make_report(FaultKind kind, std::string cause, uint32_t pc,
                          std::optional<uint32_t> address);
  // The instruction of the current block that accessed `address` (loads or stores).
  uint32_t find_access_pc(uint32_t address, bool write);
  std::string location(uint32_t address) const;
  std::string disassemble(uint32_t address);
  // Calls fn(mnemonic, address) for each instruction of the block [address, +size) as it
  // is in emulated memory (the FP check and the divide trap scan blocks this way).
  template <class F>
  void for_each_instruction(uint32_t address, uint32_t size, F&& fn) {
    std::vector<uint8_t> code(size);
    if (uc_mem_read(uc.get(), address, code.data(), size) != UC_ERR_OK) return;
    cs_insn* insn = nullptr;
    const size_t n = cs_disasm(disassembler.handle(), code.data(), size, address, 0, &insn);
    for (size_t i = 0; i < n; ++i)
      fn(std::string_view(insn[i].mnemonic), static_cast<uint32_t>(insn[i].address));
    if (n > 0) cs_free(insn, n);
  }

  // --- errors inside callbacks (hooks.cpp) -------------------------------------------
  // The first C++ exception raised inside a Unicorn callback, rethrown by Machine::run
  // after uc_emu_start returned: it must never unwind through Unicorn's C frames.
  std::exception_ptr host_error;
  // In a catch block: keeps the exception in flight, marks the run stopped, stops Unicorn.
  void host_failure() noexcept;
  // Runs a callback's body; an exception ends the run (host_failure) and the callback
  // returns a neutral value to Unicorn.
  template <class F>
  auto guarded(F&& body) noexcept -> decltype(body()) {
    using R = decltype(body());
    try {
      return body();
    } catch (...) {
      host_failure();
      if constexpr (!std::is_void_v<R>) return R{};
    }
  }

  // --- hooks (hooks.cpp) --------------------------------------------------------------
  static uint64_t ppb_read(uc_engine* uc, uint64_t offset, unsigned size, void* user);
  static void ppb_write(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value, void* user);
  static void on_block(uc_engine* uc, uint64_t address, uint32_t size, void* user);
  void checkpoint(uint32_t address, uint64_t now);  // cycle budget and progress reports
  static void on_interrupt(uc_engine* uc, uint32_t intno, void* user);
  static bool on_invalid_memory(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                                int64_t value, void* user);
  static bool on_invalid_instruction(uc_engine* uc, void* user);
  static void on_memory_access(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                               int64_t value, void* user);
  void on_semihosting(uint32_t pc);
  void fetch_fault(uint32_t address);
};

[[noreturn]] void emulator_error(std::string_view what, uc_err err);
// The key of a basic block in the machine's per-block caches.
inline uint64_t block_key(uint64_t address, uint32_t size) {
  return (address << 16) ^ size;
}

}  // namespace mcuprof::sim
