// Event decoding, attribution and stack sampling during `mcuprof run` (see run_events.hpp).
#include "run_events.hpp"

#include <fmt/format.h>

namespace mcuprof::profiler {

void StackSampler::sample(uint64_t cycle) {
  const sim::StackUse use = machine_.take_stack_use();
  samples_.push_back({cycle, use.deepest_bytes});
  samples_.push_back({cycle, use.current_bytes});
}

EventRecorder::EventRecorder(sim::Machine& machine)
    : machine_(machine), attributor_(counters(0)), stack_(machine) {
  stack_.sample(0);
}

void EventRecorder::on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) {
  if (port != kEventPort) return;
  if (size != 4) {
    ++short_writes_;
    return;
  }
  if (auto event = decoder_.push(value, counters(cycle))) {
    stack_.sample(cycle);
    attributor_.on_event(*event);
    const bool begin = event->type == EventType::RunBegin && !window_begun_;
    const bool end = event->type == EventType::RunEnd && window_begun_ && !window_ended_;
    window_begun_ = window_begun_ || begin;
    window_ended_ = window_ended_ || end;
    if ((begin || end) && window_listener_) window_listener_(begin, event->at);
  }
}

Attribution EventRecorder::finish() {
  stack_.sample(machine_.cycles());
  Attribution result = attributor_.finish(counters(machine_.cycles()));
  for (const auto& p : decoder_.problems()) result.problems.push_back(p);
  if (decoder_.incomplete()) result.problems.push_back("event stream ended inside an event");
  if (short_writes_ > 0)
    result.problems.push_back(
        fmt::format("{} writes to the event port were not 32-bit words", short_writes_));
  return result;
}

// The machine's counters, exact at the ITM write when called from on_itm_event.
Counters EventRecorder::counters(uint64_t cycle) const {
  const sim::ExecutionCounters m = machine_.counters();
  Counters c;
  c.cycles = cycle;  // the exact cycle of the ITM write (== m.cycles inside an event)
  c.instructions = m.instructions;
  c.flash_ifetch_bytes = m.flash_ifetch_bytes;
  c.flash_data_bytes = m.flash_data_bytes;
  return c;
}

}  // namespace mcuprof::profiler
