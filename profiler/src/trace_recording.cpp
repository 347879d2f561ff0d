// Run → trace database (see trace_recording.hpp and docs/trace-schema.md).
#include "trace_recording.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "mcuprof/traces/downsample.hpp"
#include "mcuprof/traces/window.hpp"
#include "op_names.hpp"

namespace mcuprof::profiler {

namespace {

// Bytes of [a_lo, a_hi) that also lie in [b_lo, b_hi).
uint64_t overlap(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi) {
  const uint64_t lo = std::max(a_lo, b_lo);
  const uint64_t hi = std::min(a_hi, b_hi);
  return hi > lo ? hi - lo : 0;
}

}  // namespace

uint64_t static_sram_bytes(const sim::ElfImage& image, const targets::Target& target,
                           const Attribution& attribution) {
  const bool arena = attribution.arena_address && attribution.arena_size;
  const uint64_t arena_lo = arena ? *attribution.arena_address : 0;
  const uint64_t arena_hi = arena ? arena_lo + *attribution.arena_size : 0;
  uint64_t bytes = 0;
  for (const auto& seg : image.segments()) {
    // Run-time addresses (VMA): .data's bytes sit in flash until start-up copies them.
    const uint64_t lo = seg.virtual_address;
    const uint64_t hi = lo + seg.memory_size;
    for (const auto& m : target.memories) {
      if (!m.writable()) continue;  // SRAM and TCM: the board's RAM
      const uint64_t in_lo = std::max<uint64_t>(lo, m.base);
      const uint64_t in_hi = std::min<uint64_t>(hi, m.end());
      if (in_hi <= in_lo) continue;
      bytes += in_hi - in_lo;
      if (arena) bytes -= overlap(in_lo, in_hi, arena_lo, arena_hi);
    }
  }
  return bytes;
}

std::string layer_op_name(const Span& layer) {
  return layer.label.empty() ? builtin_op_name(layer.op) : layer.label;
}

namespace {

// Static + arena + stack as one step series over the union of both series' sample times
// (in time order; samples at the same cycle are all kept, so no peak disappears). At an
// event's cycle the stack samples come first: the deepest point since the previous event
// was reached before this event's alloc/free changed the arena.
std::vector<StackSample> total_series(const Attribution& a, const std::vector<StackSample>& stack,
                                      uint64_t static_bytes) {
  std::vector<StackSample> out;
  size_t i = 0, j = 0;
  uint64_t arena = 0, depth = 0;
  while (i < a.arena.size() || j < stack.size()) {
    const bool take_arena =
        j >= stack.size() || (i < a.arena.size() && a.arena[i].cycle < stack[j].cycle);
    uint64_t cycle = 0;
    if (take_arena) {
      arena = a.arena[i].live_bytes;
      cycle = a.arena[i++].cycle;
    } else {
      depth = stack[j].bytes;
      cycle = stack[j++].cycle;
    }
    out.push_back({cycle, static_bytes + arena + depth});
  }
  return out;
}

traces::Span to_trace_span(const Attribution& a, const Span& s, uint64_t sram_peak) {
  traces::Span t;
  t.track = traces::track::kLayers;
  t.ts = s.begin.cycles;
  t.dur = s.cycles();
  t.cycles = s.cycles();
  t.instructions = s.instructions();
  t.flash_ifetch_bytes = s.flash_ifetch_bytes();
  t.flash_data_bytes = s.flash_data_bytes();
  t.sram_peak_bytes = sram_peak;
  t.args.emplace_back("arena_peak_bytes", static_cast<int64_t>(s.arena_peak_live_bytes));
  bool in_patch = false;
  for (int p = s.parent; p >= 0; p = a.spans[static_cast<size_t>(p)].parent)
    in_patch = in_patch || a.spans[static_cast<size_t>(p)].kind == SpanKind::Patch;
  switch (s.kind) {
    case SpanKind::Run:
      t.kind = traces::kind::kRun;
      t.name = "run";
      break;
    case SpanKind::Stage:
      t.kind = traces::kind::kStage;
      t.name = fmt::format("stage {}", s.index);
      break;
    case SpanKind::Layer:
      t.kind = in_patch ? traces::kind::kLayerInPatch : traces::kind::kLayer;
      t.op = layer_op_name(s);
      if (!s.function.empty()) t.args.emplace_back("function", s.function);
      t.name = fmt::format("{} {}", t.op, s.index);
      t.layer_index = s.index;
      t.macs = s.macs;
      break;
    case SpanKind::Patch:
      t.kind = traces::kind::kPatch;
      t.name = fmt::format("patch {},{}", s.row, s.column);
      t.patch_row = s.row;
      t.patch_col = s.column;
      break;
    case SpanKind::Region:
      t.kind = "region";
      t.name = fmt::format("region {}", s.index);
      break;
  }
  if (!s.terminated) t.args.emplace_back("terminated", int64_t{0});
  return t;
}

// The highest total in [begin, end): the value in force at `begin` and every sample
// before `end`.
uint64_t peak_between(const std::vector<StackSample>& total, uint64_t begin, uint64_t end) {
  uint64_t peak = 0, in_force = 0;
  for (const auto& s : total) {
    if (s.cycle >= end) break;
    if (s.cycle <= begin)
      in_force = s.bytes;
    else
      peak = std::max(peak, s.bytes);
  }
  return std::max(peak, in_force);
}

// True when no span of the attribution but the run crosses `cycle` (starts before it and
// ends after it): a phase span ending or starting there keeps the nesting strict.
bool no_span_crosses(const Attribution& a, uint64_t cycle) {
  for (size_t k = 1; k < a.spans.size(); ++k)
    if (a.spans[k].begin.cycles < cycle && a.spans[k].end.cycles > cycle) return false;
  return true;
}

traces::Span phase_span(const char* name, const Counters& from, const Counters& to,
                        uint64_t sram_peak) {
  traces::Span t;
  t.track = traces::track::kLayers;
  t.kind = traces::kind::kPhase;
  t.name = name;
  t.ts = from.cycles;
  t.dur = to.cycles - from.cycles;
  t.cycles = t.dur;
  t.instructions = to.instructions - from.instructions;
  t.flash_ifetch_bytes = to.flash_ifetch_bytes - from.flash_ifetch_bytes;
  t.flash_data_bytes = to.flash_data_bytes - from.flash_data_bytes;
  t.sram_peak_bytes = sram_peak;
  return t;
}

// The window on the run slice, and the labelled phases around it: `start-up` (reset to
// RUN_BEGIN: image checks, input copy...) and `wind-down` (RUN_END to the stop).
void add_window(traces::RunWriter& writer, traces::Span& run_span, const Attribution& a,
                const SramTimeline& sram) {
  const InferenceWindow w = inference_window(a);
  if (!w.marked || a.spans.empty()) return;
  run_span.args.emplace_back(traces::kInferenceBeginArg, static_cast<int64_t>(w.begin.cycles));
  run_span.args.emplace_back(traces::kInferenceEndArg, static_cast<int64_t>(w.end.cycles));
  if (!a.window_function.empty()) {
    run_span.args.emplace_back(traces::kInferenceFunctionArg, a.window_function);
    run_span.args.emplace_back(traces::kInferenceCallsArg, static_cast<int64_t>(a.window_calls));
  }
  const Span& run = a.spans.front();
  if (w.begin.cycles > run.begin.cycles && no_span_crosses(a, w.begin.cycles))
    writer.add_span(phase_span(traces::phase::kStartUp, run.begin, w.begin,
                               peak_between(sram.total, run.begin.cycles, w.begin.cycles)));
  if (run.end.cycles > w.end.cycles && no_span_crosses(a, w.end.cycles))
    writer.add_span(phase_span(traces::phase::kWindDown, w.end, run.end,
                               peak_between(sram.total, w.end.cycles, run.end.cycles + 1)));
}

}  // namespace

SeriesPeaks::SeriesPeaks(const std::vector<StackSample>& series) : series_(series) {
  const size_t n = series.size();
  if (n == 0) return;
  table_.emplace_back(n);
  for (size_t k = 0; k < n; ++k) table_[0][k] = series[k].bytes;
  for (size_t width = 2; width <= n; width *= 2) {
    const auto& prev = table_.back();
    std::vector<uint64_t> level(n - width + 1);
    for (size_t k = 0; k < level.size(); ++k) level[k] = std::max(prev[k], prev[k + width / 2]);
    table_.push_back(std::move(level));
  }
}

uint64_t SeriesPeaks::peak(uint64_t begin, uint64_t end) const {
  const auto by_cycle = [](const StackSample& s, uint64_t c) { return s.cycle < c; };
  // First sample after `begin`'s value is set, and one past the last sample <= end.
  auto first = std::lower_bound(series_.begin(), series_.end(), begin, by_cycle);
  const auto last = std::upper_bound(series_.begin(), series_.end(), end,
                                     [](uint64_t c, const StackSample& s) { return c < s.cycle; });
  if (first != series_.begin() && (first == series_.end() || first->cycle > begin)) --first;
  if (first >= last) return 0;
  const auto lo = static_cast<size_t>(first - series_.begin());
  const auto count = static_cast<size_t>(last - first);
  const auto level = static_cast<size_t>(std::bit_width(count) - 1);
  return std::max(table_[level][lo], table_[level][lo + count - (size_t{1} << level)]);
}

SramTimeline sram_timeline(const Attribution& attribution, const std::vector<StackSample>& stack,
                           uint64_t static_bytes) {
  SramTimeline t;
  t.static_bytes = static_bytes;
  t.total = total_series(attribution, stack, static_bytes);
  for (const auto& s : t.total)
    if (s.bytes > t.peak_bytes) t.peak_bytes = s.bytes, t.peak_cycle = s.cycle;
  for (const auto& s : stack) t.stack_peak_bytes = std::max(t.stack_peak_bytes, s.bytes);
  const SeriesPeaks peaks(t.total);
  t.span_peaks.reserve(attribution.spans.size());
  for (const auto& s : attribution.spans)
    t.span_peaks.push_back(peaks.peak(s.begin.cycles, s.end.cycles));
  return t;
}

int64_t record_run(traces::TraceStore& store, traces::RunRecord record,
                   std::vector<traces::ConsoleChunk> console, const Attribution& attribution,
                   const std::vector<StackSample>& stack, const SramTimeline& sram,
                   std::vector<traces::Span> extra_spans, const MemoryObservationResult* observed) {
  uint64_t macs = 0;
  for (const auto& s : attribution.spans)
    if (s.kind == SpanKind::Layer) macs += s.macs;
  record.macs = macs;
  const uint64_t end = attribution.spans.empty() ? 0 : attribution.spans[0].end.cycles;
  const uint64_t static_bytes = sram.static_bytes;

  traces::RunWriter writer(store, std::move(record));
  // MACs are stored inclusive, like the other figures: a patch or stage has its layers'.
  // Spans are in preorder, so a reverse pass adds each span into its parent.
  std::vector<uint64_t> inclusive_macs(attribution.spans.size());
  for (size_t k = attribution.spans.size(); k-- > 0;) {
    const Span& sp = attribution.spans[k];
    inclusive_macs[k] += sp.kind == SpanKind::Layer ? sp.macs : 0;
    if (sp.parent >= 0) inclusive_macs[static_cast<size_t>(sp.parent)] += inclusive_macs[k];
  }
  for (size_t k = 0; k < attribution.spans.size(); ++k) {
    traces::Span t = to_trace_span(attribution, attribution.spans[k], sram.span_peaks[k]);
    t.macs = inclusive_macs[k];
    if (k == 0) add_window(writer, t, attribution, sram);
    if (k == 0 && !attribution.memory_system.empty())
      t.args.emplace_back(traces::kMemorySystemArg, attribution.memory_system);
    writer.add_span(std::move(t));
  }
  for (auto& s : extra_spans) writer.add_span(std::move(s));
  // Counters: static SRAM is constant over the run; the planned arena changes at every
  // alloc/free event; the stack is sampled at every event; the total is their sum.
  writer.add_counter(traces::track::kSramStatic, 0, static_cast<int64_t>(static_bytes));
  for (const auto& a : attribution.arena)
    writer.add_counter(traces::track::kSramArena, a.cycle, static_cast<int64_t>(a.live_bytes));
  for (const auto& s : stack)
    writer.add_counter(traces::track::kSramStack, s.cycle, static_cast<int64_t>(s.bytes));
  for (const auto& t : sram.total)
    writer.add_counter(traces::track::kSramTotal, t.cycle, static_cast<int64_t>(t.bytes));
  if (end > 0) {
    writer.add_counter(traces::track::kSramStatic, end, static_cast<int64_t>(static_bytes));
  }
  if (observed != nullptr) {
    std::vector<traces::CounterPoint> points;
    points.reserve(observed->observed.points.size());
    for (const auto& p : observed->observed.points)
      points.push_back({p.cycle, static_cast<int64_t>(p.bytes)});
    for (const auto& p : traces::downsample_counter(points, kObservedPoints))
      writer.add_counter(traces::track::kSramObserved, p.ts, p.value);
    for (const auto& w : observed->check.sites) {
      traces::Span t;
      t.track = kOobTrack;
      t.kind = kOobKind;
      t.name = fmt::format("out-of-bounds write at {}", w.location);
      t.ts = w.cycle;
      t.dur = 0;
      t.args = {{"pc", int64_t{w.pc}},
                {"location", w.location},
                {"address", int64_t{w.address}},
                {"bytes", int64_t{w.bytes}},
                {"count", static_cast<int64_t>(w.count)},
                {"what", w.what}};
      writer.add_span(std::move(t));
    }
  }
  for (auto& chunk : console) writer.add_console(std::move(chunk));
  return writer.finish();
}

}  // namespace mcuprof::profiler
