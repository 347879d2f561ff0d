// RunWriter: collects one run's spans, counter samples and console text in memory and
// writes them with the run's summary in ONE transaction (finish()), with prepared,
// batched inserts. Killing the process at any moment therefore leaves either the whole
// run or nothing — or, with WriterOptions::announce_early, a run row with status
// 'incomplete' that finish() turns into the complete run. See docs/trace-schema.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::traces {

class TraceStore;

struct WriterOptions {
  // Insert the run row (status 'incomplete') right away, in its own transaction, so a
  // killed writer leaves a visible incomplete run; finish() completes it.
  bool announce_early = false;
  // Largest number of samples stored per counter track; above it the series is
  // downsampled (downsample.hpp), never hiding a peak. 0 keeps every sample.
  size_t max_counter_points = 0;
};

class RunWriter {
 public:
  RunWriter(TraceStore& store, RunRecord run, WriterOptions options = {});
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  // The summary, which may be completed until finish().
  RunRecord& run() { return run_; }
  // The run's id: known from the start with announce_early, else after finish().
  int64_t id() const { return run_.id; }

  // Spans: complete ones, or opened now and closed later. The index stays valid.
  size_t add_span(Span span);
  size_t begin_span(std::string track, std::string name, std::string kind, uint64_t ts);
  void end_span(size_t index, uint64_t ts);
  Span& span(size_t index) { return spans_.at(index); }
  size_t span_count() const { return spans_.size(); }

  // Counter samples, in time order per track (the value holds until the next sample).
  void add_counter(std::string_view track, uint64_t ts, int64_t value);
  void set_counter_unit(std::string_view track, std::string unit);
  void add_console(ConsoleChunk chunk);

  // Checks that the spans nest strictly per track (throws TraceError naming the first
  // pair that overlaps), fills the peak-SRAM summary from sram.total if unset, and
  // writes everything in one transaction. Returns the run's id. Call once.
  int64_t finish();

 private:
  TraceStore& store_;
  RunRecord run_;
  WriterOptions options_;
  bool finished_ = false;
  std::vector<Span> spans_;
  std::vector<bool> open_;
  struct Counter {
    std::string unit = "bytes";
    std::vector<CounterPoint> points;
  };
  std::map<std::string, Counter, std::less<>> counters_;
  std::vector<ConsoleChunk> console_;
};

}  // namespace mcuprof::traces
