// Run → trace database (see trace_recording.hpp and docs/trace-schema.md).
#include "trace_recording.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace mcuprof::profiler {

uint64_t static_sram_bytes(const sim::ElfImage& image, const Attribution& attribution) {
  uint64_t bytes = 0;
  bool arena_inside = false;
  for (const auto& seg : image.segments()) {
    if (!seg.writable) continue;
    bytes += seg.memory_size;
    if (attribution.arena_address && attribution.arena_size &&
        *attribution.arena_address >= seg.virtual_address &&
        uint64_t{*attribution.arena_address} + *attribution.arena_size <=
            uint64_t{seg.virtual_address} + seg.memory_size)
      arena_inside = true;
  }
  if (arena_inside && bytes >= *attribution.arena_size) bytes -= *attribution.arena_size;
  return bytes;
}

std::string op_name(uint32_t op) {
  // runtime/firmware/include/mcuprof_model_image.h, enum mcuprof_op_type.
  static constexpr std::array<const char*, 17> kNames = {"OP_0",
                                                         "CONV_2D",
                                                         "DEPTHWISE_CONV_2D",
                                                         "FULLY_CONNECTED",
                                                         "ADD",
                                                         "MUL",
                                                         "MEAN",
                                                         "AVERAGE_POOL_2D",
                                                         "MAX_POOL_2D",
                                                         "PAD",
                                                         "RESHAPE",
                                                         "SOFTMAX",
                                                         "QUANTIZE",
                                                         "DEQUANTIZE",
                                                         "TRANSPOSE",
                                                         "RESIZE_NEAREST_NEIGHBOR",
                                                         "CONCATENATION"};
  return op < kNames.size() ? kNames[op] : fmt::format("OP_{}", op);
}

namespace {

// Static + arena + stack as one step series over the union of both series' sample times
// (in time order; samples at the same cycle are all kept, so no peak disappears).
std::vector<StackSample> total_series(const Attribution& a, const std::vector<StackSample>& stack,
                                      uint64_t static_bytes) {
  std::vector<StackSample> out;
  size_t i = 0, j = 0;
  uint64_t arena = 0, depth = 0;
  while (i < a.arena.size() || j < stack.size()) {
    const bool take_arena =
        j >= stack.size() || (i < a.arena.size() && a.arena[i].cycle <= stack[j].cycle);
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

traces::Span to_trace_span(const Attribution& a, const Span& s) {
  traces::Span t;
  t.track = traces::track::kLayers;
  t.ts = s.begin.cycles;
  t.dur = s.cycles();
  t.cycles = s.cycles();
  t.instructions = s.instructions();
  t.flash_ifetch_bytes = s.flash_ifetch_bytes();
  t.flash_data_bytes = s.flash_data_bytes();
  t.sram_peak_bytes = s.arena_peak_live_bytes;
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
      t.op = op_name(s.op);
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

}  // namespace

MemoryPeak memory_peak(const Attribution& attribution, const std::vector<StackSample>& stack,
                       uint64_t static_bytes) {
  MemoryPeak peak;
  for (const auto& s : total_series(attribution, stack, static_bytes))
    if (s.bytes > peak.total_bytes) peak = {s.bytes, s.cycle, 0};
  for (const auto& s : stack) peak.stack_peak_bytes = std::max(peak.stack_peak_bytes, s.bytes);
  return peak;
}

int64_t record_run(traces::TraceStore& store, traces::RunRecord record,
                   std::vector<traces::ConsoleChunk> console, const Attribution& attribution,
                   const std::vector<StackSample>& stack, uint64_t static_bytes,
                   std::vector<traces::Span> extra_spans) {
  uint64_t macs = 0;
  for (const auto& s : attribution.spans)
    if (s.kind == SpanKind::Layer) macs += s.macs;
  record.macs = macs;
  record.arena_bytes = attribution.arena_size.value_or(0);
  const uint64_t end = record.total_cycles;

  traces::RunWriter writer(store, std::move(record));
  for (const auto& s : attribution.spans) writer.add_span(to_trace_span(attribution, s));
  for (auto& s : extra_spans) writer.add_span(std::move(s));
  // Counters: static SRAM is constant over the run; the planned arena changes at every
  // alloc/free event; the stack is sampled at every event; the total is their sum.
  writer.add_counter(traces::track::kSramStatic, 0, static_cast<int64_t>(static_bytes));
  for (const auto& a : attribution.arena)
    writer.add_counter(traces::track::kSramArena, a.cycle, static_cast<int64_t>(a.live_bytes));
  for (const auto& s : stack)
    writer.add_counter(traces::track::kSramStack, s.cycle, static_cast<int64_t>(s.bytes));
  for (const auto& t : total_series(attribution, stack, static_bytes))
    writer.add_counter(traces::track::kSramTotal, t.cycle, static_cast<int64_t>(t.bytes));
  if (end > 0) {
    writer.add_counter(traces::track::kSramStatic, end, static_cast<int64_t>(static_bytes));
  }
  for (auto& chunk : console) writer.add_console(std::move(chunk));
  return writer.finish();
}

}  // namespace mcuprof::profiler
