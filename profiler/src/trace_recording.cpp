// Run → trace database (see trace_recording.hpp and docs/trace-schema.md).
#include "trace_recording.hpp"

#include <fmt/format.h>

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
  static constexpr std::array<const char*, 17> kNames = {
      "OP_0",    "CONV_2D",     "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",  "ADD",
      "MUL",     "MEAN",        "AVERAGE_POOL_2D",   "MAX_POOL_2D",      "PAD",
      "RESHAPE", "SOFTMAX",     "QUANTIZE",          "DEQUANTIZE",       "TRANSPOSE",
      "RESIZE_NEAREST_NEIGHBOR", "CONCATENATION"};
  return op < kNames.size() ? kNames[op] : fmt::format("OP_{}", op);
}

namespace {

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

int64_t record_run(traces::TraceStore& store, traces::RunRecord record,
                   std::vector<traces::ConsoleChunk> console, const Attribution& attribution,
                   uint64_t static_bytes) {
  uint64_t macs = 0;
  for (const auto& s : attribution.spans)
    if (s.kind == SpanKind::Layer) macs += s.macs;
  record.macs = macs;
  record.arena_bytes = attribution.arena_size.value_or(0);
  const uint64_t end = record.total_cycles;

  traces::RunWriter writer(store, std::move(record));
  for (const auto& s : attribution.spans) writer.add_span(to_trace_span(attribution, s));
  // Counters: static SRAM is constant over the run; the planned arena changes at every
  // alloc/free event; the total is their sum (the stack joins when the machine reports it).
  writer.add_counter(traces::track::kSramStatic, 0, static_cast<int64_t>(static_bytes));
  for (const auto& a : attribution.arena) {
    writer.add_counter(traces::track::kSramArena, a.cycle, static_cast<int64_t>(a.live_bytes));
    writer.add_counter(traces::track::kSramTotal, a.cycle,
                       static_cast<int64_t>(static_bytes + a.live_bytes));
  }
  if (end > 0) {
    writer.add_counter(traces::track::kSramStatic, end, static_cast<int64_t>(static_bytes));
  }
  for (auto& chunk : console) writer.add_console(std::move(chunk));
  return writer.finish();
}

}  // namespace mcuprof::profiler
