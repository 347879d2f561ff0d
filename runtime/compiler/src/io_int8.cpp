// use_int8_io (io_int8.hpp): the boundary QUANTIZE/DEQUANTIZE leave the graph.
#include "mcuprof/compiler/io_int8.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mcuprof/compiler/names.hpp"

namespace mcuprof::compiler {
namespace {

std::string which(const Graph& g, int32_t t) {
  return fmt::format("tensor {} '{}'", g.tensor(t).source_index, short_name(g.tensor(t).name));
}

// Ops that read tensor t (each op once).
std::vector<std::size_t> readers(const Graph& g, int32_t t) {
  std::vector<std::size_t> r;
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (std::find(g.ops[i].inputs.begin(), g.ops[i].inputs.end(), t) != g.ops[i].inputs.end())
      r.push_back(i);
  return r;
}

}  // namespace

void use_int8_io(Graph& g) {
  std::vector<bool> drop(g.ops.size(), false);
  g.float_inputs.assign(g.inputs.size(), -1);
  for (std::size_t k = 0; k < g.inputs.size(); ++k) {
    const int32_t t = g.inputs[k];
    if (g.tensor(t).dtype != DType::kFloat32) continue;
    const auto r = readers(g, t);
    const bool one_quantize = r.size() == 1 && g.ops[r[0]].type == OpType::kQuantize &&
                              g.out(g.ops[r[0]]).dtype == DType::kInt8;
    const bool is_output = std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
    if (!one_quantize || is_output)
      throw ModelError(fmt::format(
          "--io int8: model input {} is {}, float32 read by {} rather than by one QUANTIZE to "
          "int8 alone; run it with --io float",
          k, which(g, t),
          r.empty() ? std::string("no operator") : std::string(to_string(g.ops[r[0]].type))));
    drop[r[0]] = true;
    g.tensors[static_cast<std::size_t>(t)].removed = true;
    g.float_inputs[k] = t;
    g.inputs[k] = g.ops[r[0]].outputs[0];
  }
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    const int32_t t = g.outputs[k];
    if (g.tensor(t).dtype != DType::kFloat32) continue;
    const auto producer = std::find_if(g.ops.begin(), g.ops.end(), [&](const Operator& op) {
      return std::find(op.outputs.begin(), op.outputs.end(), t) != op.outputs.end();
    });
    if (producer == g.ops.end() || producer->type != OpType::kDequantize ||
        g.in(*producer).dtype != DType::kInt8 || !readers(g, t).empty())
      throw ModelError(fmt::format(
          "--io int8: model output {} is {}, float32 not computed by a DEQUANTIZE from int8 "
          "alone; run it with --io float",
          k, which(g, t)));
    drop[static_cast<std::size_t>(producer - g.ops.begin())] = true;
    g.tensors[static_cast<std::size_t>(t)].removed = true;
    g.outputs[k] = producer->inputs[0];
  }
  std::vector<Operator> kept;
  for (std::size_t i = 0; i < g.ops.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(g.ops[i]));
  if (kept.empty())
    throw ModelError("--io int8: the model has no operator besides its QUANTIZE/DEQUANTIZE");
  g.ops = std::move(kept);
  g.int8_io = true;
}

}  // namespace mcuprof::compiler
