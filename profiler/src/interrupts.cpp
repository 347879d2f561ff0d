// The SIGINT/SIGTERM handlers of a run (see interrupts.hpp). The handler only stores the
// signal and sets the machine's atomic stop flag: both async-signal-safe.
#include "interrupts.hpp"

#include <csignal>

#include <atomic>

namespace mcuprof::profiler {
namespace {

std::atomic<sim::Machine*> g_machine{nullptr};
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

static_assert(std::atomic<sim::Machine*>::is_always_lock_free);

void on_stop_signal(int signal) {
  g_signal = signal;
  if (sim::Machine* machine = g_machine.load()) machine->request_stop();
}

}  // namespace

StopOnSignal::StopOnSignal(sim::Machine& machine) {
  g_signal = 0;
  g_machine.store(&machine);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;  // a second signal: the default action
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

StopOnSignal::~StopOnSignal() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  g_machine.store(nullptr);
}

int StopOnSignal::signal() const {
  return g_signal;
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(signal);
  }
}

int signal_exit_status(int signal) {
  return 128 + signal;
}

}  // namespace mcuprof::profiler
