// The per-tensor exactness check: every intermediate tensor of every model, from the
// host executor run op by op, equals the layer-by-layer reference's byte for byte (the
// firmware side, through `mcuprof run --dump-tensors`, is in test_model_run_firmware).
// Also the helpers both use (model_run_support.hpp).
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <cstring>

#include "files.hpp"
#include "mcuprof/compiler/graph.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof_executor.h"
#include "model_run_support.hpp"
#include "paths.hpp"

namespace mcuprof::test {

std::vector<std::vector<uint8_t>> host_run_tensors(
    const compiler::Graph& g, const std::vector<uint8_t>& image,
    const std::vector<std::vector<uint8_t>>& inputs) {
  std::vector<uint64_t> image_store((image.size() + 15) / 8 + 2);
  auto* image_at = reinterpret_cast<uint8_t*>(
      (reinterpret_cast<uintptr_t>(image_store.data()) + 15) & ~uintptr_t{15});
  std::memcpy(image_at, image.data(), image.size());
  const uint32_t needed = mcuprof_image_arena_needed(image_at);
  std::vector<uint64_t> arena_store(needed / 8 + 4);
  auto* arena_at = reinterpret_cast<uint8_t*>(
      (reinterpret_cast<uintptr_t>(arena_store.data()) + 15) & ~uintptr_t{15});
  mcuprof_model m;
  std::vector<std::vector<uint8_t>> t(g.tensors.size());
  EXPECT_EQ(mcuprof_model_open(&m, image_at, static_cast<uint32_t>(image.size()), arena_at, needed),
            MCUPROF_EXEC_OK);
  EXPECT_EQ(m.header->num_ops, g.ops.size());
  if (m.header->num_ops != g.ops.size()) return t;
  const auto read = [&](int32_t i) {
    const auto* p =
        static_cast<const uint8_t*>(mcuprof_model_tensor_data(&m, static_cast<uint32_t>(i)));
    t[static_cast<size_t>(i)].assign(p, p + m.tensors[i].size_bytes);
  };
  for (std::size_t k = 0; k < g.inputs.size(); ++k) {
    std::memcpy(mcuprof_model_tensor_data(&m, static_cast<uint32_t>(g.inputs[k])),
                inputs.at(k).data(), inputs[k].size());
    read(g.inputs[k]);
  }
  for (uint32_t i = 0; i < m.header->num_ops; ++i) {
    EXPECT_EQ(mcuprof_model_run_op(&m, i), MCUPROF_EXEC_OK);
    for (const auto o : g.ops[i].outputs) read(o);
  }
  return t;
}

std::string tensor_mismatches(const compiler::Graph& g,
                              const std::vector<std::vector<uint8_t>>& got,
                              const std::vector<std::vector<uint8_t>>& expected) {
  std::string report;
  std::vector<int32_t> producer(g.tensors.size(), -1);
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    for (const auto o : g.ops[i].outputs)
      producer[static_cast<size_t>(o)] = static_cast<int32_t>(i);
  for (std::size_t i = 0; i < g.tensors.size(); ++i) {
    const bool input =
        std::find(g.inputs.begin(), g.inputs.end(), static_cast<int32_t>(i)) != g.inputs.end();
    if (producer[i] < 0 && !input) continue;
    const auto& a = got.at(i);
    const auto& b = expected.at(i);
    const auto& t = g.tensors[i];
    const std::string op =
        producer[i] < 0
            ? "model input"
            : fmt::format("op {} {} (node {})", producer[i],
                          compiler::to_string(g.ops[static_cast<size_t>(producer[i])].type),
                          g.ops[static_cast<size_t>(producer[i])].source_index);
    if (a.size() != b.size()) {
      report += fmt::format("tensor {} '{}' ({}): {} bytes, expected {}\n", t.source_index, t.name,
                            op, a.size(), b.size());
      continue;
    }
    std::size_t differ = 0;
    int worst = 0;
    for (std::size_t k = 0; k < a.size(); ++k)
      if (a[k] != b[k]) {
        ++differ;
        if (t.dtype == compiler::DType::kInt8)
          worst = std::max(worst, std::abs(static_cast<int8_t>(a[k]) - static_cast<int8_t>(b[k])));
      }
    if (differ > 0)
      report += fmt::format(
          "tensor {} '{}' ({}): {} of {} bytes differ{}\n", t.source_index, t.name, op, differ,
          a.size(),
          t.dtype == compiler::DType::kInt8 ? fmt::format(", by up to {}", worst) : std::string());
  }
  return report;
}

std::vector<std::vector<uint8_t>> dumped_tensors(const compiler::Graph& g,
                                                 const std::filesystem::path& dir, int* dumped) {
  std::vector<std::vector<uint8_t>> t(g.tensors.size());
  *dumped = 0;
  for (const auto& entry : read_json(dir / "index.json")) {
    if (entry["status"] != "dumped" && entry["status"] != "model input") continue;
    const auto source = entry["index"].get<int32_t>();
    for (std::size_t i = 0; i < g.tensors.size(); ++i)
      if (g.tensors[i].source_index == source)
        t[i] = read_bytes(dir / entry["file"].get<std::string>());
    if (entry["status"] == "dumped") ++*dumped;
  }
  return t;
}

namespace {

// Every activation of every model (shared ones skipped, named, when missing) from the
// host executor equals the reference's: not just the final outputs, which can agree by
// luck while an intermediate MEAN or pool rounds differently.
TEST(ModelRunTensors, HostExecutorEveryTensorMatchesReferenceOnEveryModel) {
  ScratchDir dir;
  int ran = 0;
  for (const auto& model : exactness_models(dir.path())) {
    SCOPED_TRACE(model.name);
    if (!model_available(model)) continue;
    const auto compiled = profiler::compile_model(model.path);
    const auto inputs = profiler::model_inputs(compiled, std::nullopt);
    const auto ref = reference_run(compiled.graph, inputs);
    const auto host = host_run_tensors(compiled.graph, compiled.image, inputs);
    EXPECT_EQ(tensor_mismatches(compiled.graph, host, ref), "");
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "no model ran";
}

// The check can fail: one flipped byte in one intermediate tensor is reported, named.
TEST(ModelRunTensors, MismatchReportNamesTheTensorAndOp) {
  ScratchDir dir;
  const auto models = exactness_models(dir.path());
  const auto compiled = profiler::compile_model(models.back().path);
  const auto inputs = profiler::model_inputs(compiled, std::nullopt);
  const auto ref = reference_run(compiled.graph, inputs);
  auto host = host_run_tensors(compiled.graph, compiled.image, inputs);
  ASSERT_EQ(tensor_mismatches(compiled.graph, host, ref), "");
  const auto& op = compiled.graph.ops[2];
  auto& bytes = host[static_cast<size_t>(op.outputs[0])];
  bytes[bytes.size() / 2] ^= 1;
  const auto report = tensor_mismatches(compiled.graph, host, ref);
  EXPECT_NE(report.find(fmt::format("'{}' (op 2 {}", compiled.graph.out(op).name,
                                    compiler::to_string(op.type))),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("1 of"), std::string::npos) << report;
}

}  // namespace
}  // namespace mcuprof::test
