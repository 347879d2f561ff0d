// Span nesting and arena occupancy from firmware events (see attribution.hpp).
#include "mcuprof/profiler/attribution.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "op_names.hpp"

namespace mcuprof::profiler {
namespace {
constexpr size_t kMaxProblems = 50;
}  // namespace

std::string_view to_string(SpanKind kind) {
  switch (kind) {
    case SpanKind::Run:
      return "run";
    case SpanKind::Stage:
      return "stage";
    case SpanKind::Layer:
      return "layer";
    case SpanKind::Patch:
      return "patch";
    case SpanKind::Region:
      return "region";
  }
  return "unknown";
}

InferenceWindow inference_window(const Attribution& a) {
  InferenceWindow w;
  if (a.run_begin && a.run_end && a.run_end->cycles >= a.run_begin->cycles) {
    w.begin = *a.run_begin;
    w.end = *a.run_end;
    w.marked = true;
  } else if (!a.spans.empty()) {
    w.begin = a.spans.front().begin;
    w.end = a.spans.front().end;
  }
  return w;
}

Attributor::Attributor(const Counters& start) {
  Span run;
  run.kind = SpanKind::Run;
  run.begin = start;
  result_.spans.push_back(run);
  open_.push_back(0);
  result_.arena.push_back({start.cycles, 0, 0});
}

void Attributor::problem(std::string text) {
  if (result_.problems.size() < kMaxProblems) result_.problems.push_back(std::move(text));
}

void Attributor::begin_span(SpanKind kind, const TraceEvent& event) {
  Span span;
  span.kind = kind;
  span.index = event.arg;
  span.parent = open_.back();
  span.depth = result_.spans[static_cast<size_t>(span.parent)].depth + 1;
  span.begin = event.at;
  span.arena_peak_live_bytes = live_bytes_;
  span.arena_peak_extent_bytes = result_.arena.back().extent_bytes;
  if (kind == SpanKind::Layer) {
    span.op = event.payload[0];
    if (protocol_ == 1) {  // mcuprof's own op numbering, before TFLite's codes
      const auto code = builtin_code_from_v1(span.op);
      if (!code)
        problem(fmt::format("layer {}: op code {} is not an op of trace protocol 1", event.arg,
                            span.op));
      span.op = code.value_or(kNoOp);
    }
    span.macs = event.payload[1];
  } else if (kind == SpanKind::Patch) {
    span.row = static_cast<int>(event.payload[0] >> 16);
    span.column = static_cast<int>(event.payload[0] & 0xFFFFu);
  }
  result_.spans.push_back(span);
  open_.push_back(static_cast<int>(result_.spans.size() - 1));
}

void Attributor::end_span(SpanKind kind, const TraceEvent& event) {
  // Find the innermost open span this event closes.
  auto it = std::find_if(open_.rbegin(), open_.rend() - 1, [&](int i) {
    const Span& s = result_.spans[static_cast<size_t>(i)];
    return s.kind == kind && s.index == event.arg;
  });
  if (it == open_.rend() - 1) {
    problem(fmt::format("{} {} ended at cycle {} but was not open", to_string(kind), event.arg,
                        event.at.cycles));
    return;
  }
  // Spans opened inside it and still open are closed here: nesting stays strict.
  while (open_.back() != *it) {
    Span& inner = result_.spans[static_cast<size_t>(open_.back())];
    inner.end = event.at;
    inner.terminated = false;
    problem(fmt::format("{} {} was still open when {} {} ended at cycle {}", to_string(inner.kind),
                        inner.index, to_string(kind), event.arg, event.at.cycles));
    open_.pop_back();
  }
  result_.spans[static_cast<size_t>(open_.back())].end = event.at;
  open_.pop_back();
}

void Attributor::record_arena(uint64_t cycle) {
  uint64_t extent = 0;
  for (const auto& [_, t] : live_)
    extent = std::max<uint64_t>(extent, uint64_t{t.offset} + t.bytes);
  ArenaSample sample{cycle, live_bytes_, extent};
  // Several events at the same cycle: the last state wins, but peaks are kept below.
  if (result_.arena.back().cycle == cycle)
    result_.arena.back() = sample;
  else
    result_.arena.push_back(sample);
  result_.arena_peak_live_bytes = std::max(result_.arena_peak_live_bytes, live_bytes_);
  result_.arena_peak_extent_bytes = std::max(result_.arena_peak_extent_bytes, extent);
  for (int i : open_) {
    Span& s = result_.spans[static_cast<size_t>(i)];
    s.arena_peak_live_bytes = std::max(s.arena_peak_live_bytes, live_bytes_);
    s.arena_peak_extent_bytes = std::max(s.arena_peak_extent_bytes, extent);
  }
}

void Attributor::alloc(const TraceEvent& event) {
  const uint32_t offset = event.payload[0];
  const uint32_t bytes = event.payload[1];
  if (live_.contains(event.arg)) {
    problem(fmt::format("tensor {} allocated twice (cycle {})", event.arg, event.at.cycles));
    return;
  }
  for (const auto& [index, t] : live_) {
    if (offset < uint64_t{t.offset} + t.bytes && t.offset < uint64_t{offset} + bytes)
      problem(fmt::format("tensor {} [{}, +{}) overlaps live tensor {} [{}, +{}) at cycle {}",
                          event.arg, offset, bytes, index, t.offset, t.bytes, event.at.cycles));
  }
  if (result_.arena_size && uint64_t{offset} + bytes > *result_.arena_size)
    problem(fmt::format("tensor {} [{}, +{}) ends past the arena ({} bytes)", event.arg, offset,
                        bytes, *result_.arena_size));
  live_[event.arg] = {offset, bytes};
  live_bytes_ += bytes;
  record_arena(event.at.cycles);
}

void Attributor::release(const TraceEvent& event) {
  const auto it = live_.find(event.arg);
  if (it == live_.end()) {
    problem(
        fmt::format("tensor {} freed but not allocated (cycle {})", event.arg, event.at.cycles));
    return;
  }
  live_bytes_ -= it->second.bytes;
  live_.erase(it);
  record_arena(event.at.cycles);
}

void Attributor::on_event(const TraceEvent& event) {
  switch (event.type) {
    case EventType::RunBegin:
      if (event.arg < kOldestProtocolVersion || event.arg > kProtocolVersion)
        problem(fmt::format("firmware speaks trace protocol {}, mcuprof reads {} to {}", event.arg,
                            kOldestProtocolVersion, kProtocolVersion));
      else
        protocol_ = event.arg;
      if (!result_.run_begin) result_.run_begin = event.at;
      break;
    case EventType::RunEnd:
      if (result_.run_begin && !result_.run_end) result_.run_end = event.at;
      break;
    case EventType::Mark:
      break;
    case EventType::LayerBegin:
      begin_span(SpanKind::Layer, event);
      break;
    case EventType::LayerEnd:
      end_span(SpanKind::Layer, event);
      break;
    case EventType::PatchBegin:
      begin_span(SpanKind::Patch, event);
      break;
    case EventType::PatchEnd:
      end_span(SpanKind::Patch, event);
      break;
    case EventType::StageBegin:
      begin_span(SpanKind::Stage, event);
      break;
    case EventType::StageEnd:
      end_span(SpanKind::Stage, event);
      break;
    case EventType::RegionBegin:
      begin_span(SpanKind::Region, event);
      break;
    case EventType::RegionEnd:
      end_span(SpanKind::Region, event);
      break;
    case EventType::TensorAlloc:
      alloc(event);
      break;
    case EventType::TensorFree:
      release(event);
      break;
    case EventType::Arena:
      result_.arena_address = event.payload[0];
      result_.arena_size = event.payload[1];
      break;
  }
}

Attribution Attributor::finish(const Counters& end) {
  while (open_.size() > 1) {
    Span& s = result_.spans[static_cast<size_t>(open_.back())];
    s.end = end;
    s.terminated = false;
    problem(fmt::format("{} {} never ended", to_string(s.kind), s.index));
    open_.pop_back();
  }
  result_.spans[0].end = end;
  open_.clear();
  return std::move(result_);
}

}  // namespace mcuprof::profiler
