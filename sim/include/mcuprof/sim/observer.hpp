// What the machine tells the outside world while firmware runs. The profiler
// implements this; the machine knows nothing of layers or traces.
#pragma once

#include <cstdint>
#include <string_view>

namespace mcuprof::sim {

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

}  // namespace mcuprof::sim
