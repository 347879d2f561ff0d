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

// A model the exactness tests run: a shared file, or a generated one written to `path`.
struct TestModel {
  std::string name;
  std::filesystem::path path;
  bool shared = false;  // from ../shared/models (skip when missing)
};
std::vector<TestModel> exactness_models(const std::filesystem::path& generated_dir);

}  // namespace mcuprof::test
