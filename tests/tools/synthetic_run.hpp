// A synthetic profiled run for the trace-store tests and the SIGKILL writer child: a
// patch-based schedule (run > stage > patch > layer-in-patch, then layer-wise layers)
// with SRAM counters, generated deterministically from a seed so that a checker can
// regenerate exactly what a writer wrote. Figures are invented, not measured.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "mcuprof/traces/records.hpp"
#include "mcuprof/traces/writer.hpp"

namespace mcuprof::test {

struct SyntheticOptions {
  uint32_t seed = 1;
  int patch_grid = 2;          // patches per side in the stage
  int stage_layers = 3;        // layers run inside each patch
  int tail_layers = 4;         // layers run layer-wise after the stage
  int samples_per_layer = 20;  // arena samples inside each layer span
};

struct SyntheticRun {
  traces::RunRecord record;
  std::vector<traces::Span> spans;  // parents before children
  std::map<std::string, std::vector<traces::CounterPoint>> counters;
  std::vector<traces::ConsoleChunk> console;

  void write_to(traces::RunWriter& writer) const {
    for (const auto& s : spans) writer.add_span(s);
    for (const auto& [track, points] : counters)
      for (const auto& p : points) writer.add_counter(track, p.ts, p.value);
    for (const auto& c : console) writer.add_console(c);
  }
};

inline SyntheticRun make_synthetic_run(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  const auto uniform = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  SyntheticRun run;
  auto& r = run.record;
  r.name = "synthetic-" + std::to_string(o.seed);
  r.target = "stm32f746";
  r.firmware_path = "/fw/runtime.elf";
  r.firmware_sha256 = std::string(64, 'f');
  r.model_path = "/models/tiny.tflite";
  r.model_sha256 = std::string(64, 'e');
  r.schedule = "patch-" + std::to_string(o.patch_grid) + "x" + std::to_string(o.patch_grid);
  r.started_at = "2026-11-29T00:00:00Z";
  r.tool_version = "0.1.0";
  r.cycle_model = "unit";
  r.clock_hz = 216'000'000;
  r.stop_reason = "exited";
  r.arena_bytes = 96 * 1024;

  const int64_t static_bytes = 4096;
  std::vector<traces::CounterPoint> arena;
  std::vector<traces::CounterPoint> stack;
  uint64_t t = 0;
  const auto layer = [&](const char* kind, std::string name, int index, uint64_t begin) {
    traces::Span s;
    s.name = std::move(name);
    s.kind = kind;
    s.ts = begin;
    s.dur = uniform(2'000, 50'000);
    s.cycles = s.dur;
    s.instructions = s.dur * 2 / 3;
    s.macs = uniform(0, 3) == 0 ? 0 : s.dur / uniform(2, 4);
    s.flash_data_bytes = uniform(0, 10'000);
    s.flash_ifetch_bytes = s.instructions * 2;
    s.op = index % 2 == 0 ? "CONV_2D" : "DEPTHWISE_CONV_2D";
    s.layer_index = index;
    int64_t peak = 0;
    for (int k = 0; k < o.samples_per_layer; ++k) {
      const uint64_t at =
          begin + s.dur * static_cast<uint64_t>(k) / static_cast<uint64_t>(o.samples_per_layer);
      const auto bytes = static_cast<int64_t>(uniform(1'000, 90'000));
      const auto depth = static_cast<int64_t>(uniform(100, 2'000));
      arena.push_back({at, bytes});
      stack.push_back({at, depth});
      peak = std::max(peak, static_bytes + bytes + depth);
    }
    s.sram_peak_bytes = static_cast<uint64_t>(peak);
    return s;
  };
  const auto add_up = [](traces::Span& parent, const traces::Span& child) {
    parent.cycles += child.cycles;
    parent.instructions += child.instructions;
    parent.macs += child.macs;
    parent.flash_data_bytes += child.flash_data_bytes;
    parent.flash_ifetch_bytes += child.flash_ifetch_bytes;
    parent.sram_peak_bytes = std::max(parent.sram_peak_bytes, child.sram_peak_bytes);
  };

  traces::Span whole;
  whole.name = r.name;
  whole.kind = traces::kind::kRun;
  std::vector<traces::Span> body;
  t = uniform(100, 1'000);  // start-up before the first span
  traces::Span stage;
  stage.name = "patch stage";
  stage.kind = traces::kind::kStage;
  stage.ts = t;
  std::vector<traces::Span> stage_body;
  for (int pr = 0; pr < o.patch_grid; ++pr) {
    for (int pc = 0; pc < o.patch_grid; ++pc) {
      traces::Span patch;
      patch.name = "patch " + std::to_string(pr) + "," + std::to_string(pc);
      patch.kind = traces::kind::kPatch;
      patch.ts = t;
      patch.patch_row = pr;
      patch.patch_col = pc;
      patch.args.emplace_back("halo_rows", int64_t{pr == 0 ? 1 : 2});
      std::vector<traces::Span> inner;
      t += uniform(10, 200);
      for (int l = 0; l < o.stage_layers; ++l) {
        auto s = layer(traces::kind::kLayerInPatch, "layer " + std::to_string(l), l, t);
        s.patch_row = pr;
        s.patch_col = pc;
        t += s.dur + uniform(0, 100);
        add_up(patch, s);
        inner.push_back(std::move(s));
      }
      patch.dur = t - patch.ts;
      patch.cycles = patch.dur;
      add_up(stage, patch);
      stage_body.push_back(std::move(patch));
      for (auto& s : inner) stage_body.push_back(std::move(s));
    }
  }
  stage.dur = t - stage.ts;
  stage.cycles = stage.dur;
  add_up(whole, stage);
  body.push_back(std::move(stage));
  for (auto& s : stage_body) body.push_back(std::move(s));
  for (int l = 0; l < o.tail_layers; ++l) {
    t += uniform(10, 200);
    auto s = layer(traces::kind::kLayer, "layer " + std::to_string(o.stage_layers + l),
                   o.stage_layers + l, t);
    t += s.dur;
    add_up(whole, s);
    body.push_back(std::move(s));
  }
  t += uniform(100, 1'000);  // shutdown after the last span
  whole.dur = t;
  whole.cycles = t;
  arena.push_back({t, 0});
  stack.push_back({t, 0});

  run.spans.push_back(whole);
  for (auto& s : body) run.spans.push_back(std::move(s));
  r.total_cycles = whole.cycles;
  r.instructions = whole.instructions;
  r.macs = whole.macs;
  r.flash_data_bytes = whole.flash_data_bytes;
  r.flash_ifetch_bytes = whole.flash_ifetch_bytes;

  // Counters: static constant, arena and stack as sampled, total their sum at every
  // sample (arena and stack share sample times).
  run.counters[traces::track::kSramStatic] = {{0, static_bytes}};
  std::vector<traces::CounterPoint> total;
  for (size_t i = 0; i < arena.size(); ++i)
    total.push_back({arena[i].ts, static_bytes + arena[i].value + stack[i].value});
  run.counters[traces::track::kSramArena] = std::move(arena);
  run.counters[traces::track::kSramStack] = std::move(stack);
  run.counters[traces::track::kSramTotal] = std::move(total);
  run.console.push_back({"itm", "synthetic run " + std::to_string(o.seed) + "\n"});
  return run;
}

}  // namespace mcuprof::test
