// Patch executor on the host: a patch-based image (schedule section) gives outputs
// byte-identical to the layer-wise image of the same model, for shared and generated
// models and many (split, grid) pairs including uneven grids and stages with residual
// ADDs; the kernels give the same pixels when called on a sub-window with shifted
// (zero or negative) padding and an input larger than the outputs need; damaged
// schedule sections are refused.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/patch_image.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof_executor.h"
#include "mcuprof_kernels.h"
#include "model_run_support.hpp"
#include "paths.hpp"

namespace mcuprof::test {
namespace {

using compiler::Graph;
using compiler::OpType;

bool stage_has_add(const Graph& g, int32_t split) {
  for (int32_t i = 0; i < split; ++i)
    if (g.ops[static_cast<size_t>(i)].type == OpType::kAdd) return true;
  return false;
}

struct Tried {
  int runs = 0;
  int uneven = 0;
  int with_add = 0;
};

// Every valid (split, grid) with grid <= max_grid, or a sample of at most `limit`.
Tried check_model(const std::filesystem::path& path, int32_t max_grid, size_t limit) {
  Tried tried;
  const auto compiled = profiler::compile_model(path);
  const Graph& g = compiled.graph;
  const auto inputs = profiler::model_inputs(compiled, std::nullopt);
  const auto expected = host_run(compiled.image, inputs);
  const auto search = compiler::search_schedules(g, int64_t{1} << 40, 1e9, max_grid);
  std::vector<compiler::ScheduleOption> options = search.options;
  if (options.size() > limit) {  // keep the first, the last and an even spread between
    std::vector<compiler::ScheduleOption> sample;
    for (size_t k = 0; k < limit; ++k)
      sample.push_back(options[k * (options.size() - 1) / (limit - 1)]);
    options = sample;
  }
  for (const auto& o : options) {
    SCOPED_TRACE(testing::Message()
                 << path.filename().string() << " split " << o.split << " grid " << o.grid);
    const auto plan = compiler::plan_stage(g, o.split, o.grid);
    const auto image = compiler::write_patch_model_image(g, plan);
    const auto got = host_run(image, inputs);
    EXPECT_EQ(got, expected);
    ++tried.runs;
    const auto& out = g.tensor(plan.output_tensor);
    if (out.shape[1] % o.grid != 0 || out.shape[2] % o.grid != 0) ++tried.uneven;
    if (stage_has_add(g, o.split)) ++tried.with_add;
  }
  return tried;
}

std::filesystem::path generated(const std::filesystem::path& dir, const char* name,
                                const compiler::GeneratorOptions& options) {
  const auto path = dir / (std::string(name) + ".tflite");
  const auto bytes = compiler::generate_model(options);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(PatchRunHost, GeneratedMobileNetV2MatchesLayerwise) {
  ScratchDir dir;
  const auto t =
      check_model(generated(dir.path(), "mbv2", {"mobilenetv2", 0.35, 64, 7, 10}), 5, 24);
  EXPECT_GE(t.runs, 10);
  EXPECT_GT(t.uneven, 0);
  EXPECT_GT(t.with_add, 0);
}

TEST(PatchRunHost, GeneratedMcunetMatchesLayerwise) {
  ScratchDir dir;
  const auto t = check_model(generated(dir.path(), "mcunet", {"mcunet", 0.5, 64, 3, 2}), 4, 16);
  EXPECT_GE(t.runs, 6);
  EXPECT_GT(t.with_add, 0);
}

TEST(PatchRunHost, SharedModelsMatchLayerwise) {
  int ran = 0;
  for (const char* file : {"vww_96_int8.tflite", "kws_ref_model.tflite", "mcunet-vww1.tflite"}) {
    const auto path = shared_models_dir() / file;
    if (!std::filesystem::exists(path)) {
      std::cout << "[ SKIPPED  ] " << path.string() << " not found\n";
      continue;
    }
    const auto t = check_model(path, 4, 8);
    EXPECT_GT(t.runs, 0) << file << " has no tileable stage";
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no shared model found in " << shared_models_dir();
}

// The window kernels on a sub-window: output rows/cols [o0, o1) computed from an input
// buffer holding rows/cols [i0, i1) (more than needed, so the shifted padding is zero or
// negative) equal the same pixels of the whole-map result.
TEST(PatchRunHost, WindowKernelsOnSubWindowsWithNegativePadding) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(-128, 127);
  const int32_t H = 13, W = 11, C = 6;
  std::vector<int8_t> x(static_cast<size_t>(H * W * C));
  for (auto& b : x) b = static_cast<int8_t>(byte(rng));
  std::vector<int8_t> weights(static_cast<size_t>(8 * 5 * 5 * C));
  for (auto& b : weights) b = static_cast<int8_t>(byte(rng));
  std::vector<int32_t> bias(8, 100), mult(8, 1 << 30), shift(8, -6);
  std::vector<uint64_t> scratch(1 << 14);
  struct Case {
    int kind;  // 0 conv, 1 depthwise, 2 max pool, 3 avg pool
    int32_t k, stride, pad;
  };
  const Case cases[] = {{0, 1, 1, 0}, {0, 3, 1, 1}, {0, 3, 2, 1}, {0, 5, 2, 2}, {1, 3, 1, 1},
                        {1, 3, 2, 1}, {1, 5, 1, 2}, {2, 3, 2, 1}, {3, 3, 1, 1}};
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "kind " << c.kind << " k " << c.k << " s " << c.stride);
    const int32_t oh = (H + 2 * c.pad - c.k) / c.stride + 1,
                  ow = (W + 2 * c.pad - c.k) / c.stride + 1;
    const int32_t oc = c.kind == 0 ? 8 : C;
    const auto run = [&](int32_t in_r0, int32_t in_c0, int32_t in_h, int32_t in_w, int32_t o_r0,
                         int32_t o_c0, int32_t out_h, int32_t out_w) {
      std::vector<int8_t> in(static_cast<size_t>(in_h * in_w * C));
      for (int32_t r = 0; r < in_h; ++r)
        std::memcpy(&in[static_cast<size_t>(r * in_w * C)],
                    &x[static_cast<size_t>(((in_r0 + r) * W + in_c0) * C)],
                    static_cast<size_t>(in_w * C));
      std::vector<int8_t> y(static_cast<size_t>(out_h * out_w * oc));
      const int32_t pt = c.pad + in_r0 - o_r0 * c.stride, pl = c.pad + in_c0 - o_c0 * c.stride;
      if (c.kind == 0) {
        mcuprof_conv_params p{1,   in_h,     in_w,     C, out_h,       out_w,        oc,     c.k,
                              c.k, c.stride, c.stride, 1, 1,           pt,           pl,     3,
                              -2,  -128,     127,      1, mult.data(), shift.data(), nullptr};
        mcuprof_conv2d_s8(&p, in.data(), weights.data(), bias.data(), y.data(), scratch.data());
      } else if (c.kind == 1) {
        mcuprof_depthwise_params p{};
        p.batches = 1, p.in_h = in_h, p.in_w = in_w, p.in_c = C, p.out_h = out_h, p.out_w = out_w;
        p.depth_multiplier = 1, p.filter_h = c.k, p.filter_w = c.k, p.stride_h = c.stride;
        p.stride_w = c.stride, p.dilation_h = 1, p.dilation_w = 1, p.pad_top = pt, p.pad_left = pl;
        p.input_offset = 3, p.output_offset = -2, p.act_min = -128, p.act_max = 127;
        p.per_channel = 1, p.multiplier = mult.data(), p.shift = shift.data();
        std::vector<int8_t> dw(static_cast<size_t>(c.k * c.k * C));
        std::copy(weights.begin(), weights.begin() + static_cast<long>(dw.size()), dw.begin());
        mcuprof_depthwise_conv2d_s8(&p, in.data(), dw.data(), bias.data(), y.data(),
                                    scratch.data());
      } else {
        mcuprof_pool_params p{};
        p.batches = 1, p.in_h = in_h, p.in_w = in_w, p.channels = C, p.out_h = out_h,
        p.out_w = out_w;
        p.filter_h = c.k, p.filter_w = c.k, p.stride_h = c.stride, p.stride_w = c.stride;
        p.pad_top = pt, p.pad_left = pl, p.act_min = -128, p.act_max = 127;
        if (c.kind == 2)
          mcuprof_max_pool_s8(&p, in.data(), y.data());
        else
          mcuprof_average_pool_s8(&p, in.data(), y.data());
      }
      return y;
    };
    const auto whole = run(0, 0, H, W, 0, 0, oh, ow);
    // Interior tiles read from buffers starting one row/col before what they need
    // (negative padding), border tiles from clipped buffers (positive padding), and a
    // tile from the whole map (very negative padding).
    for (int32_t o_r0 = 0; o_r0 < oh; o_r0 += 2) {
      for (int32_t o_c0 = 0; o_c0 < ow; o_c0 += 3) {
        const int32_t out_h = std::min(2, oh - o_r0), out_w = std::min(3, ow - o_c0);
        for (int32_t slack : {0, 1, 100}) {
          const int32_t r0 = std::max(0, o_r0 * c.stride - c.pad - slack);
          const int32_t c0 = std::max(0, o_c0 * c.stride - c.pad - slack);
          const int32_t r1 = std::min(H, (o_r0 + out_h - 1) * c.stride - c.pad + c.k + slack);
          const int32_t c1 = std::min(W, (o_c0 + out_w - 1) * c.stride - c.pad + c.k + slack);
          const auto tile = run(r0, c0, r1 - r0, c1 - c0, o_r0, o_c0, out_h, out_w);
          for (int32_t r = 0; r < out_h; ++r)
            for (int32_t q = 0; q < out_w * oc; ++q)
              ASSERT_EQ(tile[static_cast<size_t>(r * out_w * oc + q)],
                        whole[static_cast<size_t>(((o_r0 + r) * ow + o_c0) * oc + q)])
                  << "tile " << o_r0 << "," << o_c0 << " slack " << slack;
        }
      }
    }
  }
}

// Squeeze-excite blocks end a stage (their MEAN mixes the whole map); chains of stages
// with the SE's MEAN and 1x1 convs run layer by layer between them give the layer-wise
// output, for the deterministic input and a second one, on every chained option the
// search offers (a sample).
TEST(PatchRunHost, SqueezeExciteChainsMatchLayerwise) {
  ScratchDir dir;
  const auto path = generated(dir.path(), "mbv2-se", {"mobilenetv2", 0.35, 48, 3, 10, true, false});
  const auto compiled = profiler::compile_model(path);
  const Graph& g = compiled.graph;
  std::vector<std::vector<std::vector<uint8_t>>> inputs{
      profiler::model_inputs(compiled, std::nullopt)};
  std::mt19937 rng(7);
  inputs.push_back(inputs[0]);
  for (auto& b : inputs[1][0]) b = static_cast<uint8_t>(rng());
  std::vector<std::vector<uint8_t>> expected;
  for (const auto& in : inputs) expected.push_back(host_run(compiled.image, in));
  ASSERT_NE(expected[0], expected[1]);
  const auto search = compiler::search_schedules(g, int64_t{1} << 40, 1e9, 5);
  std::vector<compiler::ScheduleOption> chained;
  for (const auto& o : search.options)
    if (o.stages.size() > 1) chained.push_back(o);
  ASSERT_GE(chained.size(), 10u);
  size_t three = 0;
  for (size_t k = 0; k < chained.size(); k += 1 + chained.size() / 24) {
    const auto name = compiler::schedule_string(chained[k].stages);
    SCOPED_TRACE(name);
    const auto image =
        compiler::write_patch_model_image(g, compiler::plan_stages(g, chained[k].stages));
    for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(host_run(image, inputs[i]), expected[i]);
    if (chained[k].stages.size() > 2) ++three;
  }
  // Explicit ones: two stages, three stages (the third after block 2's SE).
  for (const char* name : {"patch:3x3@2+4x4@5-9", "patch:2x2@2+5x5@5-9+3x3@12-14"}) {
    SCOPED_TRACE(name);
    const auto stages = compiler::plan_stages(g, *compiler::parse_schedule_string(name));
    const auto image = compiler::write_patch_model_image(g, stages);
    for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(host_run(image, inputs[i]), expected[i]);
  }
  std::cout << "[   INFO   ] " << chained.size() << " chained options, " << three
            << " sampled with three stages or more\n";
}

TEST(PatchRunHost, DamagedScheduleIsRefused) {
  ScratchDir dir;
  const auto path = generated(dir.path(), "mbv2", {"mobilenetv2", 0.35, 64, 7, 10});
  const Graph g = compiler::import_tflite_file(path);
  const auto image = compiler::write_patch_model_image(g, compiler::plan_stage(g, 4, 3));
  std::vector<uint64_t> store(image.size() / 8 + 4);
  auto* at = reinterpret_cast<uint8_t*>(store.data());
  const auto size = static_cast<uint32_t>(image.size());
  const auto reset = [&] { std::memcpy(at, image.data(), size); };
  reset();
  ASSERT_EQ(mcuprof_image_validate(at, size, 1), MCUPROF_EXEC_OK);
  mcuprof_image_header h;
  std::memcpy(&h, at, sizeof h);
  EXPECT_EQ(h.version_major, 4u);
  ASSERT_GT(h.schedule_size, 0u);
  mcuprof_schedule s;
  std::memcpy(&s, at + h.schedule_offset, sizeof s);
  ASSERT_EQ(s.num_stages, 1u);
  EXPECT_EQ(s.num_patches, 9u);
  mcuprof_stage st;
  const auto stage0 = at + h.schedule_offset + s.stages_offset;
  std::memcpy(&st, stage0, sizeof st);
  EXPECT_EQ(st.first_op, 0u);
  EXPECT_EQ(st.end_op, 4u);
  EXPECT_EQ(st.grid, 3u);
  // A region past the tensor's rows.
  mcuprof_patch_region r;
  const auto region0 = at + h.schedule_offset + s.regions_offset;
  std::memcpy(&r, region0, sizeof r);
  r.row1 = 30000;
  std::memcpy(region0, &r, sizeof r);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  reset();
  // A split that puts an untileable op... or past the ops.
  mcuprof_stage bad = st;
  bad.end_op = h.num_ops;
  std::memcpy(stage0, &bad, sizeof bad);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  reset();
  bad = st;
  bad.first_op = bad.end_op;  // an empty stage
  std::memcpy(stage0, &bad, sizeof bad);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  reset();
  bad = st;
  bad.grid = 2;  // 4 patches, but the table has 9
  std::memcpy(stage0, &bad, sizeof bad);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
  reset();
  s.num_stages = 0;
  std::memcpy(at + h.schedule_offset, &s, sizeof s);
  EXPECT_EQ(mcuprof_image_validate(at, size, 0), MCUPROF_EXEC_BAD_BOUNDS);
}

}  // namespace
}  // namespace mcuprof::test
