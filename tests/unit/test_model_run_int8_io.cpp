// int8 model I/O (`--io int8`, compiler/io_int8.hpp): the boundary QUANTIZE/DEQUANTIZE of
// a float model are not run nor planned; the int8 input the application hands over and
// the int8 output it reads back equal the float path's int8 tensors byte for byte (host
// executor and firmware), every other tensor too; the quantization is reported; models
// whose float boundary is not a plain QUANTIZE/DEQUANTIZE are refused on one line.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "files.hpp"
#include "mcuprof/compiler/io_int8.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "model_run_support.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace mcuprof::test {
namespace {

// The shared model with a float32 input and output (QUANTIZE first, DEQUANTIZE last).
std::filesystem::path float_model() {
  return shared_models_dir() / "mcunet-vww1.tflite";
}

ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), mcuprof_binary().string());
  return run_process(args);
}

TEST(Int8Io, BoundaryOpsAreDroppedAndTensorsEqualTheFloatPath) {
  const auto path = float_model();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path.string() << " not found";
  const auto fp = profiler::compile_model(path);
  const auto q = profiler::compile_model(path, "layer", nullptr, true);
  ASSERT_TRUE(q.graph.int8_io);
  EXPECT_EQ(q.graph.ops.size() + 2, fp.graph.ops.size());  // one QUANTIZE, one DEQUANTIZE
  for (const auto& op : q.graph.ops) {
    EXPECT_NE(op.type, compiler::OpType::kDequantize);
    if (op.type == compiler::OpType::kQuantize) {
      EXPECT_NE(q.graph.in(op).dtype, compiler::DType::kFloat32);
    }
  }
  for (const auto t : q.graph.inputs) EXPECT_EQ(q.graph.tensor(t).dtype, compiler::DType::kInt8);
  for (const auto t : q.graph.outputs) EXPECT_EQ(q.graph.tensor(t).dtype, compiler::DType::kInt8);
  // The image says so, and no float tensor is in its arena.
  const auto image = compiler::read_model_image(q.image);
  EXPECT_EQ(image.header.flags & MCUPROF_IMAGE_FLAG_INT8_IO, MCUPROF_IMAGE_FLAG_INT8_IO);
  EXPECT_EQ(compiler::read_model_image(fp.image).header.flags & MCUPROF_IMAGE_FLAG_INT8_IO, 0u);
  for (const auto& t : image.tensors)
    if (t.storage == MCUPROF_STORAGE_ARENA) {
      EXPECT_NE(t.dtype, MCUPROF_DTYPE_FLOAT32);
    }
  // The float input and its int8 copy no longer sit in the arena side by side.
  const int64_t float_input = fp.graph.tensor(fp.graph.inputs[0]).bytes();
  EXPECT_LE(q.memory.lower_bound, fp.memory.lower_bound);
  EXPECT_LT(q.memory.live_bytes[0], fp.memory.live_bytes[0] - float_input / 2);

  // The default input of the int8 path is the float path's input after its QUANTIZE.
  const auto fp_inputs = profiler::model_inputs(fp, std::nullopt);
  const auto q_inputs = profiler::model_inputs(q, std::nullopt);
  const auto ref = reference_run(fp.graph, fp_inputs);
  ASSERT_EQ(q_inputs.size(), 1u);
  EXPECT_EQ(q_inputs[0], ref[static_cast<size_t>(q.graph.inputs[0])]);
  // Every tensor the int8 path computes (its outputs included) equals the float path's.
  const auto q_tensors = host_run_tensors(q.graph, q.image, q_inputs);
  EXPECT_EQ(tensor_mismatches(q.graph, q_tensors, ref), "");
  EXPECT_EQ(host_run(q.image, q_inputs), graph_outputs(q.graph, ref));
}

TEST(Int8Io, FirmwareRunReadsInt8OutputAndReportsTheQuantization) {
  const auto path = float_model();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path.string() << " not found";
  const std::string board = "stm32h743";
  if (!std::filesystem::exists(firmware(board, "model_runner")))
    GTEST_SKIP() << "board " << board << " has no model runner build";
  const auto fp = profiler::compile_model(path);
  const auto q = profiler::compile_model(path, "layer", nullptr, true);
  const auto ref = reference_run(fp.graph, profiler::model_inputs(fp, std::nullopt));
  ScratchDir dir;
  const auto r = cli({"run", path.string(), "--target", board, "--io", "int8", "--output",
                      (dir / "out.bin").string(), "--summary", (dir / "s.json").string(),
                      "--dump-tensors", (dir / "dump").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_bytes(dir / "out.bin"), graph_outputs(q.graph, ref));
  int dumped = 0;
  EXPECT_EQ(tensor_mismatches(q.graph, dumped_tensors(q.graph, dir / "dump", &dumped), ref), "");
  EXPECT_EQ(static_cast<size_t>(dumped), q.graph.ops.size());
  const auto index = read_json(dir / "dump" / "index.json");
  int boundary = 0;
  for (const auto& t : index) boundary += t["status"] == "not run (--io int8)" ? 1 : 0;
  EXPECT_EQ(boundary, 2);

  const auto s = read_json(dir / "s.json");
  EXPECT_EQ(s["io"], "int8");
  ASSERT_EQ(s["model_inputs"].size(), 1u);
  const auto& in = q.graph.tensor(q.graph.inputs[0]);
  EXPECT_EQ(s["model_inputs"][0]["dtype"], "int8");
  EXPECT_EQ(s["model_inputs"][0]["scale"].get<double>(), static_cast<double>(in.scale()));
  EXPECT_EQ(s["model_inputs"][0]["zero_point"].get<int64_t>(), in.zero_point());
  EXPECT_EQ(s["model_outputs"][0]["dtype"], "int8");
  EXPECT_NE(r.err.find(fmt::format("input 0 '{}' int8", in.name)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("zero point"), std::string::npos) << r.err;
  // No QUANTIZE/DEQUANTIZE layer ran; the input in flash shrank to a quarter.
  for (const auto& layer : s["layers"]) EXPECT_NE(layer["op"], "DEQUANTIZE");
  EXPECT_EQ(s["layers"].size(), q.graph.ops.size());
  EXPECT_EQ(s["arena_bytes"].get<int64_t>(), q.planned_arena_bytes);
}

TEST(Int8Io, CommandsTakeTheOptionAndRefuseBadUse) {
  const auto path = float_model();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path.string() << " not found";
  const auto doc = cli({"inspect", path.string(), "--io", "int8", "--json"});
  ASSERT_EQ(doc.status, 0) << doc.err;
  const auto j = nlohmann::json::parse(doc.out);
  EXPECT_EQ(j["io"], "int8");
  EXPECT_EQ(j["inputs"][0]["dtype"], "int8");
  EXPECT_TRUE(j["inputs"][0]["quantization"]["scale"].is_number());
  for (const auto& l : j["layers"]) EXPECT_NE(l["op"], "DEQUANTIZE");
  const auto text = cli({"inspect", path.string(), "--io", "int8"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("scale"), std::string::npos) << text.out;
  const auto bad = cli({"inspect", path.string(), "--io", "int4"});
  EXPECT_EQ(bad.status, profiler::exit_code::kUsage) << bad.err;
  // An ELF run has no model I/O to change.
  const auto elf = test_firmware("stm32f412", "events");
  if (std::filesystem::exists(elf)) {
    const auto e = cli({"run", elf.string(), "--target", "stm32f412", "--io", "int8"});
    EXPECT_EQ(e.status, profiler::exit_code::kUsage) << e.err;
    EXPECT_NE(e.err.find("--io"), std::string::npos) << e.err;
  }
}

// A float input read by anything but one QUANTIZE, or a float output not computed by a
// DEQUANTIZE, cannot be handed over as int8: one line naming the tensor.
TEST(Int8Io, RefusesAFloatBoundaryThatIsNotAQuantize) {
  compiler::Graph g;
  const auto tensor = [&](compiler::DType d, std::string name) {
    compiler::Tensor t;
    t.dtype = d;
    t.shape = {1, 8};
    t.name = std::move(name);
    t.source_index = static_cast<int32_t>(g.tensors.size());
    t.quant.scale = {0.5f};
    t.quant.zero_point = {3};
    g.tensors.push_back(t);
    return t.source_index;
  };
  const int32_t x = tensor(compiler::DType::kFloat32, "x");
  const int32_t y = tensor(compiler::DType::kInt8, "y");
  const int32_t z = tensor(compiler::DType::kFloat32, "z");
  g.inputs = {x};
  g.outputs = {z};
  const auto op = [](compiler::OpType type, int32_t in, int32_t out) {
    compiler::Operator o;
    o.type = type;
    o.inputs = {in};
    o.outputs = {out};
    return o;
  };
  const auto quantize = op(compiler::OpType::kQuantize, x, y);
  const auto dequantize = op(compiler::OpType::kDequantize, y, z);
  // Dropping both would leave nothing to run.
  auto only_boundary = g;
  only_boundary.ops = {quantize, dequantize};
  EXPECT_THROW(compiler::use_int8_io(only_boundary), compiler::ModelError);
  // The float input also read by the DEQUANTIZE's sibling: refused, naming it.
  auto shared = g;
  shared.ops = {quantize, op(compiler::OpType::kDequantize, x, z)};
  try {
    compiler::use_int8_io(shared);
    ADD_FAILURE() << "accepted a float input read by a DEQUANTIZE";
  } catch (const compiler::ModelError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'x'"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mcuprof::test
