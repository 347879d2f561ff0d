// The firmware's self-reports during `mcuprof run`: event words on ITM port 1 decoded
// into spans and the planned-arena timeline (Attributor), each with the machine's
// counters exact at the ITM write, and the main stack's depth sampled at every event.
#pragma once

#include <functional>
#include <vector>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/sim/machine.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {

// Main-stack depth at every event: the deepest point since the previous sample, then
// the depth now (two samples at one cycle, so no peak between events is lost).
class StackSampler {
 public:
  explicit StackSampler(sim::Machine& machine) : machine_(machine) {}
  void sample(uint64_t cycle);
  const std::vector<StackSample>& samples() const { return samples_; }

 private:
  sim::Machine& machine_;
  std::vector<StackSample> samples_;
};

class EventRecorder final : public sim::MachineObserver {
 public:
  explicit EventRecorder(sim::Machine& machine);
  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) override;
  // Called at the inference window's edges as they happen (the first RUN_BEGIN, the first
  // RUN_END after it: the Attributor's window), with the counters at the marker.
  using WindowListener = std::function<void(bool begin, const Counters& at)>;
  void on_window(WindowListener listener) { window_listener_ = std::move(listener); }
  // Samples the stack now (at a layer edge found some other way, e.g. from calls).
  void sample_stack(uint64_t cycle) { stack_.sample(cycle); }
  // Closes the spans at the machine's final counters; adds the stream's problems.
  Attribution finish();
  const std::vector<StackSample>& stack() const { return stack_.samples(); }

 private:
  Counters counters(uint64_t cycle) const;

  sim::Machine& machine_;
  EventDecoder decoder_;
  Attributor attributor_;
  StackSampler stack_;
  uint64_t short_writes_ = 0;
  WindowListener window_listener_;
  bool window_begun_ = false, window_ended_ = false;
};

}  // namespace mcuprof::profiler
