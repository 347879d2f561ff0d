// A small trace database for the GUI tests, written with the traces writer API: run A
// runs three layers one after the other; run B runs layers 0 and 1 patch by patch (2x2
// patches, each computing a piece of both layers, with more MACs for the halo) and then
// layer 2. The layer definitions below are what the tests compute expected figures from,
// independently of the reader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"

namespace gui_fixture {

namespace traces = mcuprof::traces;

struct LayerDef {
  int index;
  std::string name;
  std::string op;
  uint64_t cycles;
  uint64_t macs;
  uint64_t flash_data;
  int64_t sram;  // sram.total while it runs
};

inline constexpr uint64_t kClockHz = 100'000'000;
inline constexpr uint64_t kStart = 100;  // cycles before the first layer
inline constexpr uint64_t kTail = 100;   // after the last
inline constexpr int kPatches = 4;       // 2 x 2

// Run A, layer by layer.
inline std::vector<LayerDef> layers_a() {
  return {{0, "conv 0", "CONV_2D", 4000, 1000, 500, 60000},
          {1, "dw 1", "DEPTHWISE_CONV_2D", 3000, 500, 200, 90000},
          {2, "fc, \"head\"", "FULLY_CONNECTED", 1000, 250, 800, 20000}};
}
// Run B: one patch's share of layers 0 and 1 (run kPatches times), then layer 2 as in A.
inline std::vector<LayerDef> patch_pieces_b() {
  return {{0, "conv 0", "CONV_2D", 1200, 300, 150, 30000},
          {1, "dw 1", "DEPTHWISE_CONV_2D", 900, 150, 60, 35000}};
}
inline uint64_t flash_ifetch_a() {
  return 7000;
}
inline uint64_t flash_ifetch_b() {
  return 9100;
}

struct Written {
  int64_t a = 0;
  int64_t b = 0;
  uint64_t total_a = 0;
  uint64_t total_b = 0;
  // Run B's patch spans [begin, end), in order.
  std::vector<std::pair<uint64_t, uint64_t>> patches;
  std::pair<uint64_t, uint64_t> layer2_b;  // layer 2's span in run B
};

inline traces::Span span(std::string name, const char* kind, uint64_t ts, uint64_t dur) {
  traces::Span s;
  s.name = std::move(name);
  s.kind = kind;
  s.ts = ts;
  s.dur = s.cycles = dur;
  return s;
}

inline traces::Span layer_span(const LayerDef& l, const char* kind, uint64_t ts) {
  traces::Span s = span(l.name, kind, ts, l.cycles);
  s.op = l.op;
  s.layer_index = l.index;
  s.macs = l.macs;
  s.flash_data_bytes = l.flash_data;
  s.sram_peak_bytes = static_cast<uint64_t>(l.sram);
  return s;
}

inline traces::RunRecord record(const char* schedule) {
  traces::RunRecord r;
  r.target = "stm32f412";
  r.firmware_path = "runner.elf";
  r.model_path = "model.tflite";
  r.schedule = schedule;
  r.started_at = "2026-11-29T00:00:00Z";
  r.clock_hz = kClockHz;
  r.stop_reason = "exited";
  return r;
}

inline Written write_two_runs(const std::string& path) {
  Written out;
  auto store = traces::TraceStore::open(path, traces::TraceStore::Mode::ReadWrite);
  {  // A
    auto r = record("layer");
    uint64_t t = kStart;
    std::vector<traces::Span> spans;
    std::vector<std::pair<uint64_t, int64_t>> sram{{0, 10000}};
    for (const auto& l : layers_a()) {
      spans.push_back(layer_span(l, traces::kind::kLayer, t));
      sram.push_back({t, l.sram});
      t += l.cycles;
      r.macs += l.macs;
      r.flash_data_bytes += l.flash_data;
    }
    sram.push_back({t, 10000});
    out.total_a = r.total_cycles = t + kTail;
    r.flash_ifetch_bytes = flash_ifetch_a();
    traces::RunWriter w(store, r);
    w.add_span(span("run", traces::kind::kRun, 0, out.total_a));
    for (auto& s : spans) w.add_span(std::move(s));
    for (const auto& [ts, v] : sram) w.add_counter(traces::track::kSramTotal, ts, v);
    out.a = w.finish();
  }
  {  // B
    auto r = record("patch-2x2");
    uint64_t t = kStart;
    std::vector<traces::Span> spans;
    std::vector<std::pair<uint64_t, int64_t>> sram{{0, 10000}};
    uint64_t stage_len = 0;
    for (const auto& l : patch_pieces_b()) stage_len += l.cycles;
    stage_len *= kPatches;
    spans.push_back(span("stage 0", traces::kind::kStage, t, stage_len));
    for (int p = 0; p < kPatches; ++p) {
      uint64_t len = 0;
      for (const auto& l : patch_pieces_b()) len += l.cycles;
      auto ps = span("patch " + std::to_string(p / 2) + "," + std::to_string(p % 2),
                     traces::kind::kPatch, t, len);
      ps.patch_row = p / 2;
      ps.patch_col = p % 2;
      for (const auto& l : patch_pieces_b()) {
        ps.macs += l.macs;
        ps.flash_data_bytes += l.flash_data;
        ps.sram_peak_bytes = std::max(ps.sram_peak_bytes, static_cast<uint64_t>(l.sram));
      }
      out.patches.push_back({t, t + len});
      spans.push_back(ps);
      for (const auto& l : patch_pieces_b()) {
        spans.push_back(layer_span(l, traces::kind::kLayerInPatch, t));
        sram.push_back({t, l.sram});
        t += l.cycles;
        r.macs += l.macs;
        r.flash_data_bytes += l.flash_data;
      }
    }
    const auto last = layers_a().back();
    spans.push_back(layer_span(last, traces::kind::kLayer, t));
    sram.push_back({t, last.sram});
    out.layer2_b = {t, t + last.cycles};
    t += last.cycles;
    r.macs += last.macs;
    r.flash_data_bytes += last.flash_data;
    sram.push_back({t, 10000});
    out.total_b = r.total_cycles = t + kTail;
    r.flash_ifetch_bytes = flash_ifetch_b();
    traces::RunWriter w(store, r);
    w.add_span(span("run", traces::kind::kRun, 0, out.total_b));
    for (auto& s : spans) w.add_span(std::move(s));
    for (const auto& [ts, v] : sram) w.add_counter(traces::track::kSramTotal, ts, v);
    out.b = w.finish();
  }
  return out;
}

}  // namespace gui_fixture
