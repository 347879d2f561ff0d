// Shared by the test_model_run_* tests: a layer-by-layer reference run of a compiled
// graph on the independent TFLite arithmetic of tests/reference, the host executor run
// of an image, and the list of models the exactness tests cover.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mcuprof/compiler/graph.hpp"

namespace mcuprof::test {

// Every tensor's bytes after a reference run (empty for constants never produced and
// tensors removed by fusion), indexed as the graph's tensors. `inputs` as model_inputs.
std::vector<std::vector<uint8_t>> reference_run(const compiler::Graph& g,
                                                const std::vector<std::vector<uint8_t>>& inputs);

// The graph's output tensors out of `tensors` (as reference_run gives them), concatenated
// in output order: what host_run and the firmware's --output give.
std::vector<uint8_t> graph_outputs(const compiler::Graph& g,
                                   const std::vector<std::vector<uint8_t>>& tensors);

// The image run by the host build of the executor: the outputs' bytes, concatenated.
std::vector<uint8_t> host_run(const std::vector<uint8_t>& image,
                              const std::vector<std::vector<uint8_t>>& inputs);

// The layer-wise image of `g` run op by op on the host executor, every op's output read
// right after the op: each tensor's bytes indexed as the graph's tensors (the inputs
// included; empty for constants and tensors no op produces).
std::vector<std::vector<uint8_t>> host_run_tensors(const compiler::Graph& g,
                                                   const std::vector<uint8_t>& image,
                                                   const std::vector<std::vector<uint8_t>>& inputs);

// Every activation of `got` (tensors an op produces, and the inputs) against `expected`
// (both indexed as the graph's tensors; `got` entries may be missing when `need_all` is
// false): "" when all are equal byte for byte, else one line per differing tensor —
// index, name, producing op, how many bytes differ and by at most how much.
std::string tensor_mismatches(const compiler::Graph& g,
                              const std::vector<std::vector<uint8_t>>& got,
                              const std::vector<std::vector<uint8_t>>& expected);

// The tensors `mcuprof run --dump-tensors DIR` wrote, indexed as the graph's tensors
// (empty where nothing was dumped); counts the produced ones in *dumped.
std::vector<std::vector<uint8_t>> dumped_tensors(const compiler::Graph& g,
                                                 const std::filesystem::path& dir, int* dumped);

// A model the exactness tests run: a shared file, or a generated one written to `path`.
struct TestModel {
  std::string name;
  std::filesystem::path path;
  bool shared = false;  // from ../shared/models (skip when missing)
};
std::vector<TestModel> exactness_models(const std::filesystem::path& generated_dir);
// False for a shared model whose file is missing, after printing the skip line naming it.
bool model_available(const TestModel& model);

}  // namespace mcuprof::test
