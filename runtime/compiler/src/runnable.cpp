// check_runnable (runnable.hpp): the whole-graph conditions the model image and the
// executor need, checked on the graph so every command refuses the same models before
// any image is written.
#include "mcuprof/compiler/runnable.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mcuprof/compiler/names.hpp"

namespace mcuprof::compiler {
namespace {

std::string which(const Graph& g, int32_t t) {
  return fmt::format("tensor {} '{}'", g.tensor(t).source_index, short_name(g.tensor(t).name));
}

}  // namespace

void check_runnable(const Graph& g) {
  std::vector<bool> produced(g.tensors.size(), false);
  for (const auto& op : g.ops)
    for (const auto t : op.outputs)
      if (t >= 0) produced[static_cast<std::size_t>(t)] = true;
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    const int32_t t = g.outputs[k];
    const Tensor& x = g.tensor(t);
    const bool is_input = std::find(g.inputs.begin(), g.inputs.end(), t) != g.inputs.end();
    if (x.constant)
      throw ModelError(fmt::format(
          "model output {} is {}, a constant: the runtime only returns tensors an operator "
          "computes",
          k, which(g, t)));
    if (x.removed)
      throw ModelError(fmt::format("model output {} is {}, removed by fusion", k, which(g, t)));
    if (!produced[static_cast<std::size_t>(t)] && !is_input)
      throw ModelError(
          fmt::format("model output {} is {}, which no operator produces", k, which(g, t)));
  }
}

}  // namespace mcuprof::compiler
