// Model exactness under emulation: every shared and generated model runs on the model
// runner firmware of an M4 (stm32f412) and an M7 (stm32f746) board through
// `mcuprof run MODEL.tflite --dump-tensors`, and its output and every intermediate tensor
// are byte-identical to the host executor's and to the layer-by-layer reference; the
// small models do the same on the M0+ (rp2040); models that do not fit are refused
// before running; the runner firmware refuses damaged images with its own exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "files.hpp"
#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof_executor.h"
#include "model_run_support.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {
namespace {

void write_model(const std::filesystem::path& path, const compiler::GeneratorOptions& o) {
  write_bytes(path, compiler::generate_model(o));
}

profiler::RunOutcome run(const profiler::ModelRunRequest& r) {
  std::ostringstream out, err;
  auto outcome = profiler::run_model(r, out, err);
  EXPECT_EQ(outcome.exit_status, 0) << err.str();
  return outcome;
}

class ModelRunFirmware : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelRunFirmware, OutputsAreByteIdenticalToHostAndReference) {
  const std::string board = GetParam();
  if (!std::filesystem::exists(firmware(board, "model_runner")))
    GTEST_SKIP() << "board " << board << " has no model runner build";
  ScratchDir dir;
  int ran = 0;
  for (const auto& model : exactness_models(dir.path())) {
    SCOPED_TRACE(model.name + " on " + board);
    if (!model_available(model)) continue;
    const auto compiled = profiler::compile_model(model.path);
    const auto inputs = profiler::model_inputs(compiled, std::nullopt);
    const auto host = host_run(compiled.image, inputs);
    const auto ref = reference_run(compiled.graph, inputs);
    const std::vector<uint8_t> expected = graph_outputs(compiled.graph, ref);

    profiler::ModelRunRequest r;
    r.model = model.path;
    r.target_name = board;
    r.output = dir / (model.name + "." + board + ".out");
    r.summary = dir / (model.name + "." + board + ".json");
    r.dump_tensors = dir / (model.name + "." + board + ".dump");
    run(r);
    const auto firmware_out = read_bytes(*r.output);
    EXPECT_EQ(firmware_out, host);
    EXPECT_EQ(firmware_out, expected);
    // Every intermediate tensor, not only the outputs.
    int dumped = 0;
    const auto tensors = dumped_tensors(compiled.graph, *r.dump_tensors, &dumped);
    EXPECT_EQ(static_cast<size_t>(dumped), compiled.graph.ops.size());
    EXPECT_EQ(tensor_mismatches(compiled.graph, tensors, ref), "");

    // The summary has one layer per op with the MACs the compiler counts.
    const auto s = read_json(*r.summary);
    ASSERT_EQ(s["layers"].size(), compiled.graph.ops.size());
    uint64_t macs = 0;
    for (const auto& layer : s["layers"]) {
      EXPECT_GT(layer["cycles"].get<uint64_t>(), 0u);
      EXPECT_GE(layer["sram_in_use_peak_bytes"].get<uint64_t>(),
                layer["arena_live_bytes"].get<uint64_t>());
      macs += layer["macs"].get<uint64_t>();
    }
    EXPECT_EQ(macs, static_cast<uint64_t>(compiler::total_macs(compiled.graph)));
    EXPECT_EQ(s["schedule"], "layer");
    EXPECT_EQ(s["arena_bytes"].get<uint64_t>() + s["kernel_scratch_bytes"].get<uint64_t>(),
              compiled.arena_needed);
    EXPECT_EQ(s["arena_bytes"].get<int64_t>(), compiled.planned_arena_bytes);
    EXPECT_LE(s["total_cycles"].get<uint64_t>(), s["machine_cycles"].get<uint64_t>());
    EXPECT_GT(s["peak_sram_bytes"].get<uint64_t>(), s["static_sram_bytes"].get<uint64_t>());
    EXPECT_TRUE(s["trace_problems"].empty()) << s["trace_problems"].dump();
    // The alloc/free events follow the planner's lifetimes: the live peak is the lower
    // bound (largest sum of simultaneously live tensors), or below it where ops run in
    // place (their input dies as their output is born).
    if (compiled.memory.plan.in_place_ops.empty())
      EXPECT_EQ(s["arena_live_peak_bytes"].get<int64_t>(), compiled.memory.lower_bound);
    else
      EXPECT_LE(s["arena_live_peak_bytes"].get<int64_t>(), compiled.memory.lower_bound);
    // The planned arena never exceeds what the planner said.
    EXPECT_LE(s["arena_peak_extent_bytes"].get<uint64_t>(),
              static_cast<uint64_t>(compiled.memory.plan.arena_bytes));
    std::cout << "[   INFO   ] " << model.name << " on " << board << ": "
              << s["total_cycles"].get<uint64_t>() << " cycles, " << macs << " MACs";
    if (s["cycles_per_mac"].is_number())
      std::cout << ", " << s["cycles_per_mac"].get<double>() << " cycles/MAC";
    std::cout << ", peak SRAM " << s["peak_sram_bytes"].get<uint64_t>() << " B\n";
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no model ran";
}

INSTANTIATE_TEST_SUITE_P(Boards, ModelRunFirmware, ::testing::Values("stm32f412", "stm32f746"));

// The Cortex-M0+ family (no DSP, no hardware divide in the kernels' paths): every tensor
// of the smaller models (the generated ones — MEAN, average pool, ADD, PAD — and the
// shared DS-CNN and autoencoder) equals the reference's. The large shared models run on
// the M4 and M7 above; here they would only add minutes of emulation.
TEST(ModelRunFirmwareM0, EveryTensorMatchesTheReferenceOnRp2040) {
  const std::string board = "rp2040";
  if (!std::filesystem::exists(firmware(board, "model_runner")))
    GTEST_SKIP() << "board " << board << " has no model runner build";
  ScratchDir dir;
  int ran = 0;
  for (const auto& model : exactness_models(dir.path())) {
    if (model.shared && model.name != "kws_ref_model.tflite" && model.name != "ad01_int8.tflite")
      continue;
    SCOPED_TRACE(model.name + " on " + board);
    if (!model_available(model)) continue;
    const auto compiled = profiler::compile_model(model.path);
    const auto inputs = profiler::model_inputs(compiled, std::nullopt);
    const auto ref = reference_run(compiled.graph, inputs);
    profiler::ModelRunRequest r;
    r.model = model.path;
    r.target_name = board;
    r.dump_tensors = dir / (model.name + ".dump");
    run(r);
    int dumped = 0;
    const auto tensors = dumped_tensors(compiled.graph, *r.dump_tensors, &dumped);
    EXPECT_EQ(static_cast<size_t>(dumped), compiled.graph.ops.size());
    EXPECT_EQ(tensor_mismatches(compiled.graph, tensors, ref), "");
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no model ran";
}

TEST(ModelRunDump, EveryIntermediateTensorMatchesTheReference) {
  ScratchDir dir;
  // MCUNet-style: explicit PADs fused into convs (listed as removed), depthwise, MEAN.
  const auto model = dir / "mcunet.tflite";
  write_model(model, {"mcunet", 0.5, 48, 11, 2});
  const auto compiled = profiler::compile_model(model);
  std::vector<uint8_t> input(
      static_cast<size_t>(compiled.graph.tensor(compiled.graph.inputs[0]).bytes()));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 37 + 11);
  std::ofstream(dir / "in.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(input.data()),
             static_cast<std::streamsize>(input.size()));
  const auto ref = reference_run(compiled.graph, {input});

  profiler::ModelRunRequest r;
  r.model = model;
  r.target_name = "stm32f412";
  r.input = dir / "in.bin";
  r.dump_tensors = dir / "dump";
  run(r);
  const auto index = read_json(dir / "dump" / "index.json");
  int dumped = 0, removed = 0;
  for (const auto& t : index) {
    const auto i = t["index"].get<size_t>();
    if (t["status"] == "removed by fusion") {
      EXPECT_TRUE(compiled.graph.tensors[i].removed);
      ++removed;
      continue;
    }
    ASSERT_TRUE(t["status"] == "dumped" || t["status"] == "model input") << t.dump();
    EXPECT_EQ(read_bytes(dir / "dump" / t["file"].get<std::string>()), ref[i]) << t.dump();
    if (t["status"] == "dumped") {
      EXPECT_FALSE(t["producing_op"].is_null());
      ++dumped;
    }
  }
  EXPECT_EQ(static_cast<size_t>(dumped), compiled.graph.ops.size());
  EXPECT_GT(removed, 0);  // the generator's PADs fused away
}

TEST(ModelRunFit, ModelsThatDoNotFitAreRefusedBeforeRunning) {
  ScratchDir dir;
  // Weights beyond 1 MiB of flash.
  write_model(dir / "big.tflite", {"mobilenetv2", 1.0, 96, 1, 1000});
  profiler::ModelRunRequest r;
  r.model = dir / "big.tflite";
  r.target_name = "stm32f412";
  r.summary = dir / "s.json";
  std::ostringstream out, err;
  try {
    profiler::run_model(r, out, err);
    FAIL() << "a 3.5 M-parameter model ran on a 1 MiB board";
  } catch (const profiler::CommandError& e) {
    EXPECT_EQ(e.exit_status(), profiler::exit_code::kDataError);
    const std::string m = e.what();
    EXPECT_NE(m.find("does not fit stm32f412's flash"), std::string::npos) << m;
    // A schedule changes SRAM, never flash: the hint must not suggest one.
    EXPECT_EQ(m.find("patch-based"), std::string::npos) << m;
    EXPECT_NE(m.find("no schedule changes flash"), std::string::npos) << m;
  }
  EXPECT_FALSE(std::filesystem::exists(*r.summary));
  // Activations beyond 256 KiB of SRAM, few weights.
  write_model(dir / "wide.tflite", {"resnet", 0.5, 160, 1, 10});
  r.model = dir / "wide.tflite";
  try {
    profiler::run_model(r, out, err);
    FAIL() << "a model with a >256 KiB arena ran on a 256 KiB board";
  } catch (const profiler::CommandError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("does not fit stm32f412's SRAM"), std::string::npos) << m;
  }
}

TEST(ModelRunCli, RunsATfliteAndRefusesBadInput) {
  ScratchDir dir;
  write_model(dir / "m.tflite", {"resnet", 0.25, 32, 2, 4});
  const auto ok = run_process({mcuprof_binary().string(), "run", (dir / "m.tflite").string(),
                               "--target", "stm32f412", "--output", (dir / "out.bin").string(),
                               "--summary", (dir / "s.json").string()});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(read_bytes(dir / "out.bin").size(), 4u);
  EXPECT_EQ(read_json(dir / "s.json")["layers"].size() > 0, true);
  // Wrong input size: one clear line, data error.
  std::ofstream(dir / "short.bin") << "abc";
  const auto bad = run_process({mcuprof_binary().string(), "run", (dir / "m.tflite").string(),
                                "--target", "stm32f412", "--input", (dir / "short.bin").string()});
  EXPECT_EQ(bad.status, profiler::exit_code::kDataError);
  EXPECT_NE(bad.err.find("input has 3 bytes"), std::string::npos) << bad.err;
  // A corrupt model file.
  std::ofstream(dir / "junk.tflite", std::ios::binary) << "0123TFL3 not really a model";
  const auto junk = run_process(
      {mcuprof_binary().string(), "run", (dir / "junk.tflite").string(), "--target", "stm32f412"});
  EXPECT_EQ(junk.status, profiler::exit_code::kDataError) << junk.err;
  // --input with an ELF is a usage error.
  const auto usage =
      run_process({mcuprof_binary().string(), "run", firmware("stm32f412", "demo").string(),
                   "--target", "stm32f412", "--input", (dir / "short.bin").string()});
  EXPECT_EQ(usage.status, profiler::exit_code::kUsage);
}

}  // namespace
}  // namespace mcuprof::test

namespace mcuprof::test {
namespace {

// The runner firmware validates the image itself: a damaged image placed in flash makes
// it exit with 10 + the executor's status, before any layer runs.
TEST(ModelRunFirmwareImage, RunnerRefusesADamagedImageWithItsOwnExitCode) {
  ScratchDir dir;
  const auto model = dir / "m.tflite";
  write_model(model, {"resnet", 0.25, 32, 4, 4});
  const auto compiled = profiler::compile_model(model);
  const auto runner = firmware("stm32f412", "model_runner");
  const auto start = sim::ElfImage::load(runner).symbol_address("__model_image_start");
  ASSERT_TRUE(start.has_value());

  const auto run_with = [&](std::vector<uint8_t> flash) {
    profiler::RunRequest r;
    r.firmware = runner;
    r.target_name = "stm32f412";
    profiler::RunHooks hooks;
    hooks.before_load = [&](sim::ElfImage& elf) {
      sim::Segment s;
      s.load_address = s.virtual_address = *start;
      s.memory_size = static_cast<uint32_t>(flash.size());
      s.bytes = flash;
      elf.add_segment(std::move(s));
    };
    std::ostringstream out, err;
    return profiler::run_firmware(r, out, err, hooks);
  };
  auto flash = compiled.image;
  flash.resize(flash.size() + 4096, 0);  // room for the input (zeros)
  const auto good = run_with(flash);
  EXPECT_EQ(good.exit_status, 0);
  EXPECT_EQ(good.summary["spans"].size(), compiled.graph.ops.size() + 1);

  auto bad = flash;
  bad[compiled.image.size() - 1] ^= 0x40;  // a weight byte: only the CRC can tell
  const auto crc = run_with(bad);
  EXPECT_EQ(crc.exit_status, 10 + MCUPROF_EXEC_BAD_CRC);
  EXPECT_EQ(crc.summary["spans"].size(), 1u);  // the run span only: no layer ran
  bad = flash;
  bad[0] ^= 1;
  EXPECT_EQ(run_with(bad).exit_status, 10 + MCUPROF_EXEC_BAD_MAGIC);
}

}  // namespace
}  // namespace mcuprof::test
