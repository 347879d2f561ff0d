// Synthetic layer-wise and patch-based runs (see synthetic_runs.hpp).
#include "synthetic_runs.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace mcuprof::plot::demo {

namespace {

struct Layer {
  const char* op;
  int64_t in_kib;
  int64_t out_kib;
  uint64_t kcycles;  // thousands of cycles layer-wise
};

// input 96x96x3 ... a MobileNetV2-ish stack: big early activations, small late ones.
constexpr std::array<Layer, 14> kModel = {{
    {"CONV_2D", 27, 144, 900},
    {"DEPTHWISE_CONV_2D", 144, 144, 500},
    {"CONV_2D", 144, 72, 700},
    {"CONV_2D", 72, 216, 1100},
    {"DEPTHWISE_CONV_2D", 216, 54, 400},
    {"CONV_2D", 54, 18, 600},
    {"CONV_2D", 18, 54, 700},
    {"DEPTHWISE_CONV_2D", 54, 54, 300},
    {"CONV_2D", 54, 18, 600},
    {"ADD", 36, 18, 120},
    {"CONV_2D", 18, 36, 800},
    {"AVERAGE_POOL_2D", 36, 1, 60},
    {"FULLY_CONNECTED", 1, 1, 40},
    {"SOFTMAX", 1, 1, 10},
}};
constexpr int kStageLayers = 5;  // the patch-based stage: layers 0..4
constexpr int64_t kStatic = 18 * 1024;
constexpr uint64_t kClock = 100'000'000;
constexpr uint64_t kSram = 256 * 1024;

std::string layer_name(size_t i) {
  return std::string("L") + std::to_string(i) + " " + kModel[i].op;
}

// Deterministic stack depth wiggle (kernels call helpers) between 0.6 and 2.6 KiB.
void add_stack(ChartRun& run, size_t samples) {
  uint32_t state = 12345;
  run.stack.push_back({0, 512});
  const uint64_t end = run.end_cycle;
  for (size_t k = 0; k < samples; ++k) {
    state = state * 1664525u + 1013904223u;
    const uint64_t cycle = 1 + (end - 2) * k / std::max<size_t>(samples, 1);
    run.stack.push_back({cycle, 600 + static_cast<int64_t>(state >> 21)});
  }
  run.stack.push_back({end, 512});
}

}  // namespace

ChartRun layerwise_run(size_t stack_samples) {
  ChartRun run;
  run.name = "vww96 · layer-wise";
  run.clock_hz = kClock;
  run.sram_limit_bytes = kSram;
  run.static_bytes = {{0, kStatic}};
  uint64_t t = 0;
  run.arena.push_back({0, kModel[0].in_kib * 1024});
  for (size_t i = 0; i < kModel.size(); ++i) {
    const auto& l = kModel[i];
    const uint64_t len = l.kcycles * 1000;
    // Output allocated at the start, input freed at the end (residual keeps 18 KiB more).
    const int64_t extra = (i >= 6 && i <= 9) ? 18 * 1024 : 0;
    run.arena.push_back({t, (l.in_kib + l.out_kib) * 1024 + extra});
    run.arena.push_back({t + len, l.out_kib * 1024 + extra});
    run.layers.push_back({layer_name(i), l.op, t, t + len, static_cast<int>(i)});
    t += len;
  }
  run.end_cycle = t;
  add_stack(run, stack_samples);
  return run;
}

ChartRun patch_based_run(size_t stack_samples) {
  ChartRun run;
  run.name = "vww96 · patch 4x4";
  run.clock_hz = kClock;
  run.sram_limit_bytes = kSram;
  run.static_bytes = {{0, kStatic}};
  uint64_t t = 0;
  const int64_t stage_out = kModel[kStageLayers - 1].out_kib * 1024;
  run.arena.push_back({0, kModel[0].in_kib * 1024 + stage_out});
  // 16 patches; each recomputes a halo (~+42 % work in the stage) on 1/16 of the map.
  for (int p = 0; p < 16; ++p) {
    const uint64_t patch_begin = t;
    for (int i = 0; i < kStageLayers; ++i) {
      const auto& l = kModel[static_cast<size_t>(i)];
      const uint64_t len = l.kcycles * 1000 * 142 / 100 / 16;
      const int64_t tile = (l.in_kib + l.out_kib) * 1024 * 3 / 16;
      run.arena.push_back({t, kModel[0].in_kib * 1024 + stage_out + tile});
      run.arena.push_back(
          {t + len, kModel[0].in_kib * 1024 + stage_out + l.out_kib * 1024 * 3 / 32});
      run.layers.push_back({layer_name(static_cast<size_t>(i)), l.op, t, t + len, i});
      t += len;
    }
    run.patches.push_back({p / 4, p % 4, patch_begin, t});
  }
  run.arena.push_back({t, stage_out});
  for (size_t i = kStageLayers; i < kModel.size(); ++i) {
    const auto& l = kModel[i];
    const uint64_t len = l.kcycles * 1000;
    const int64_t extra = (i >= 6 && i <= 9) ? 18 * 1024 : 0;
    run.arena.push_back({t, (l.in_kib + l.out_kib) * 1024 + extra});
    run.arena.push_back({t + len, l.out_kib * 1024 + extra});
    run.layers.push_back({layer_name(i), l.op, t, t + len, static_cast<int>(i)});
    t += len;
  }
  run.end_cycle = t;
  add_stack(run, stack_samples);
  return run;
}

}  // namespace mcuprof::plot::demo
