// What the machine tells the outside world while firmware runs. The profiler
// implements this; the machine knows nothing of layers or traces.
#pragma once

#include <cstdint>
#include <string_view>

namespace mcuprof::sim {

// The machine's running totals (docs/machine.md, "Execution counters"). Flash bytes
// count reads by the core from the target's memories of kind "flash": instruction bytes
// of the executed instructions, and bytes of data loads (LDR/LDM/literals...).
struct ExecutionCounters {
  uint64_t cycles = 0;
  uint64_t instructions = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t flash_data_bytes = 0;  // stays 0 unless Machine::count_flash_data() was called
};

enum class ConsoleSource { Itm, SemihostingStdout, SemihostingStderr };

class MachineObserver {
 public:
  virtual ~MachineObserver() = default;
  // Console text: ITM stimulus port 0 or semihosting writes to the console.
  virtual void on_console(ConsoleSource /*source*/, std::string_view /*text*/) {}
  // A write to ITM stimulus port 1..31: `size` bytes (1, 2 or 4) of `value` at `cycle`.
  virtual void on_itm_event(unsigned /*port*/, uint32_t /*value*/, unsigned /*size*/,
                            uint64_t /*cycle*/) {}
  // A first access to a register the machine does not model (reported once each).
  virtual void on_unmodelled_access(uint32_t /*address*/, bool /*write*/) {}
  // Every few tens of millions of cycles while the firmware runs (for progress bars).
  virtual void on_progress(uint64_t /*cycles*/, uint64_t /*instructions*/) {}
};

// One load or store the firmware made to a writable memory (SRAM), with the exact cycle
// at which its instruction runs (the same mid-block timing as DWT->CYCCNT and ITM events).
struct MemoryAccess {
  uint32_t pc = 0;       // the storing instruction (writes only; 0 for reads)
  uint32_t sp = 0;       // the stack pointer in use at the access (writes only)
  uint32_t address = 0;  // first byte
  unsigned bytes = 0;    // 1, 2, 4 or 8 (multiple transfers arrive one word at a time)
  uint64_t cycle = 0;
};

// Every data access to the target's writable memories, opt-in (Machine::observe_memory):
// the memory hooks slow the whole emulation down, so they exist only when requested.
// Accesses the machine makes itself (exception stacking, semihosting) are not reported.
class MemoryAccessObserver {
 public:
  virtual ~MemoryAccessObserver() = default;
  virtual void on_write(const MemoryAccess& access) = 0;
  virtual void on_read(const MemoryAccess& access) = 0;
};

// Opt-in, per basic block (Machine::set_block_observer): for profilers that follow
// control flow, such as a shadow call stack. Costs one virtual call per block.
class BlockObserver {
 public:
  virtual ~BlockObserver() = default;
  // The block [address, address + size) is about to run; `before` holds the counters
  // before it (everything up to the end of the previous block and any cycles charged
  // since, such as exception entry).
  virtual void on_block(uint32_t address, uint32_t size, const ExecutionCounters& before) = 0;
  // Exception `number` is being entered; `return_address` is where it will return to.
  // `before` does not yet include the entry's own cycles.
  virtual void on_exception_entry(unsigned /*number*/, uint32_t /*return_address*/,
                                  const ExecutionCounters& /*before*/) {}
  // An exception return is resuming execution at `return_address`.
  virtual void on_exception_return(uint32_t /*return_address*/,
                                   const ExecutionCounters& /*before*/) {}
};

}  // namespace mcuprof::sim
