// SIGINT and SIGTERM during a run: while a StopOnSignal lives, the first of them asks the
// machine to stop at its next block (Machine::request_stop, an atomic flag: the handler
// does nothing else), so the run ends as "interrupted" and is stored and summarised with
// everything measured so far. A second signal ends the process the default way.
#pragma once

#include <string>

#include "mcuprof/sim/machine.hpp"

namespace mcuprof::profiler {

class StopOnSignal {
 public:
  explicit StopOnSignal(sim::Machine& machine);  // installs the handlers
  ~StopOnSignal();                               // restores the previous ones
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

  // The signal received so far (0: none).
  int signal() const;
};

// "SIGINT", "SIGTERM".
std::string signal_name(int signal);
// The status a process stopped by `signal` returns: 128 + signal (130, 143).
int signal_exit_status(int signal);

}  // namespace mcuprof::profiler
