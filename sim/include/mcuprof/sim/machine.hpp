// The emulated Cortex-M board: Unicorn running the firmware on the target's memory
// map, the core peripherals on the private peripheral bus, semihosting, and a cycle
// model fed by basic-block events. Run it, observe it, read its memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/sim/cycle_model.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/observer.hpp"
#include "mcuprof/targets/target.hpp"

namespace mcuprof::sim {

enum class StopReason {
  Exited,       // semihosting SYS_EXIT / SYS_EXIT_EXTENDED
  Breakpoint,   // BKPT with an immediate other than 0xAB
  CycleBudget,  // RunOptions::max_cycles reached
  Fault,        // the firmware did something the chip would fault on
  Interrupted,  // Machine::request_stop() (the user pressed Ctrl-C)
};

std::string_view to_string(StopReason reason);

// What went wrong when a run stops with StopReason::Fault (docs/machine.md lists the
// exit code of each). The first four are the architectural faults as the chip raises
// them (after escalation); the others name a cause mcuprof recognises itself.
enum class FaultKind {
  None,
  HardFault,       // escalated fault, vector-table read error, SVC at too high priority
  UsageFault,      // undefined instruction, no coprocessor, invalid state, unaligned, divide by 0
  BusFault,        // precise bus error (an access to a region the bus rejects)
  MemManage,       // instruction fetch from an execute-never region (peripherals, system)
  UnmappedAccess,  // read/write/fetch outside every memory and device (a BusFault on chip)
  FlashWrite,      // store to read-only code memory
  StackOverflow,   // SP went below the stack limit
  Lockup,          // fault while in HardFault/NMI, or a sleep nothing can wake
  Emulator,        // any other emulator stop
};

std::string_view to_string(FaultKind kind);

// Everything known about a fault: where, what, the machine state. text() formats it.
struct FaultReport {
  FaultKind kind = FaultKind::None;
  std::string cause;                // one line: what happened, in the chip's terms
  uint32_t pc = 0;                  // address of the faulting instruction
  std::string location;             // "function+0x12" or "0x08001234" without a symbol
  std::string instruction;          // Capstone disassembly of the faulting instruction
  std::optional<uint32_t> address;  // data address of an access fault
  uint32_t registers[16] = {};      // r0-r12, sp, lr, pc
  uint32_t xpsr = 0;
  uint32_t msp = 0;
  uint32_t psp = 0;
  uint32_t cfsr = 0;  // SCB fault status registers as the chip would have set them
  uint32_t hfsr = 0;
  uint32_t mmfar = 0;
  uint32_t bfar = 0;
  std::vector<std::string> call_stack;  // innermost first: "0x08000123 main+0x12"

  std::string text() const;
};

struct RunOptions {
  uint64_t max_cycles = 10'000'000'000ull;
};

struct RunResult {
  StopReason reason = StopReason::Exited;
  int exit_code = 0;  // firmware's status (Exited) or BKPT immediate (Breakpoint)
  FaultKind fault = FaultKind::None;
  std::string detail;  // human-readable one-line description of a fault or stop
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint32_t pc = 0;
  std::optional<uint32_t> fault_address;  // data address of an access fault
  std::optional<FaultReport> report;      // set for StopReason::Fault and CycleBudget
};

// Execution profile of one basic block (for per-function cycles).
struct BlockProfile {
  uint32_t address = 0;
  uint32_t size = 0;
  uint32_t instructions = 0;  // per execution
  uint64_t executions = 0;
  uint64_t cycles = 0;  // all cycles charged to it, dynamic corrections included
};

// Main-stack use below the initial SP (bytes): now, and the deepest point reached since
// the previous take_stack_use() (sampled at every block entry, so exact to a block).
struct StackUse {
  uint32_t current_bytes = 0;
  uint32_t deepest_bytes = 0;
};

// The memory system as the firmware has configured it (docs/machine.md, "What the
// firmware configures"): what the board has, what is switched on, and the flash latency.
struct MemoryState {
  MemoryConfig config;  // what is on now (a feature the board lacks reads as on)
  bool has_l1_icache = false;
  bool has_l1_dcache = false;
  bool has_flash_icache = false;  // ART instruction lines, XIP cache, flash I-cache
  bool has_flash_dcache = false;  // ART data lines
  bool has_prefetch = false;
  bool controlled = false;                   // the board has a flash control register
  std::optional<unsigned> latency;           // FLASH_ACR.LATENCY now (STM32 boards)
  std::optional<unsigned> required_latency;  // what the board's clock needs (RM table)
  unsigned flash_wait_states = 0;            // wait states the model charges now
  uint64_t cache_invalidations = 0;          // maintenance operations that invalidated
  bool latency_too_low() const {
    return latency && required_latency && *latency < *required_latency;
  }
};

class Machine {
 public:
  // Opens the emulator for the target's core and maps its memories and devices.
  // Throws SimError if Unicorn cannot provide the requested core.
  Machine(const targets::Target& target, std::unique_ptr<CycleModel> cycle_model);
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Places the loadable segments at their load addresses and resets the core from the
  // vector table at the start of code memory. Throws SimError if a segment falls
  // outside the target's memories or the vector table is not plausible.
  void load(const ElfImage& image);

  // Host folder that semihosting SYS_OPEN may use (paths are relative to it and cannot
  // leave it). Without one, only the console (":tt") opens.
  void set_semihosting_root(const std::filesystem::path& root);

  void add_observer(MachineObserver* observer);
  // Reports every load and store to the target's writable memories to `observer`
  // (installs Unicorn memory hooks on those ranges: slow, so only on request). Call
  // before run(); one observer per machine.
  void observe_memory(MemoryAccessObserver* observer);
  RunResult run(const RunOptions& options);
  // Asks a run to stop at the next block boundary (StopReason::Interrupted); a request
  // made before run() stops it at its first block. Only sets an atomic flag: safe from a
  // signal handler or another thread.
  void request_stop() noexcept;

  uint64_t cycles() const;
  uint64_t instructions() const;
  // The running totals. Called from MachineObserver::on_itm_event, they are exact at the
  // ITM write (instructions and fetch bytes before the writing instruction, loads done
  // so far), as the event's cycle is; elsewhere they are the totals at the last block.
  ExecutionCounters counters() const;
  // Counts data reads from flash too (flash_data_bytes). Costs nothing on targets whose
  // cycle model already watches flash reads (flash with wait states); elsewhere it adds
  // a read hook on the flash range, which slows every load (docs/performance.md).
  void count_flash_data();
  bool counts_flash_data() const;
  // Data reads in slow memory are charged from each block's loads (no memory hook,
  // docs/performance.md); this charges them through memory hooks instead, as before that
  // existed. Results are the same; for checks and comparisons (call before run()).
  void use_memory_hooks();
  // One observer told about every block and exception entry/return (nullptr: none).
  void set_block_observer(BlockObserver* observer);
  // Stack use since the previous call (or the reset), then starts a new interval.
  StackUse take_stack_use();
  const targets::Target& target() const;
  const CycleModel& cycle_model() const;
  // Caches, accelerator and flash latency as the firmware has configured them so far.
  MemoryState memory_state() const;
  // Every basic block executed so far (in no particular order).
  std::vector<BlockProfile> block_profile() const;
  // "function+0x12" for a code address inside a function symbol of the loaded image,
  // else "0x08001234" (the form fault reports use).
  std::string location(uint32_t address) const;
  // The main stack: the initial SP (its top) and the lowest address it may reach (the
  // image's __StackLimit / _stack_limit, or the target's stack size below the top).
  struct StackBounds {
    uint32_t top = 0;
    std::optional<uint32_t> limit;
  };
  StackBounds stack_bounds() const;
  // Reads emulated memory (any mapped memory); throws SimError outside it.
  std::vector<uint8_t> read_memory(uint32_t address, uint32_t length) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcuprof::sim
