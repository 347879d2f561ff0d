// Naming layers from calls after the model (see model_layers.hpp).
#include "model_layers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "op_names.hpp"

namespace mcuprof::profiler {

std::vector<ModelOperator> model_operators(const std::filesystem::path& model) {
  compiler::ImportOptions options;
  options.fuse_pad = false;  // the firmware's interpreter runs every PAD
  const compiler::Graph g = compiler::import_tflite_file(model, options);
  std::vector<const compiler::Operator*> ops;
  for (const auto& op : g.ops) ops.push_back(&op);
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto* a, const auto* b) { return a->source_index < b->source_index; });
  std::vector<ModelOperator> out;
  for (const auto* op : ops) {
    if (op->source_index != static_cast<int32_t>(out.size()))
      throw std::runtime_error(fmt::format("{}: operator {} is not one the importer keeps as it is",
                                           model.string(), out.size()));
    out.push_back({std::string(compiler::to_string(op->type)), builtin_code(op->type),
                   static_cast<uint64_t>(compiler::macs(g, *op))});
  }
  return out;
}

ModelMatch match_model(const std::vector<ModelOperator>& ops,
                       const std::vector<uint32_t>& call_functions,
                       const std::vector<std::string>& function_names) {
  ModelMatch m;
  if (ops.size() != call_functions.size()) {
    m.warning = fmt::format(
        "{} layer calls in the window but the model has {} operators: the layers keep the "
        "called functions' names (is it the model the firmware runs?)",
        call_functions.size(), ops.size());
    return m;
  }
  std::map<uint32_t, size_t> first_use;  // function -> first layer calling it
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto [it, added] = first_use.try_emplace(call_functions[i], i);
    const size_t j = it->second;
    if (!added && ops[j].op != ops[i].op) {
      m.warning = fmt::format(
          "{} runs layer {} ({}) and layer {} ({}): the calls do not line up with the model's "
          "operators; the layers keep the called functions' names",
          function_names[i], j, ops[j].op, i, ops[i].op);
      return m;
    }
  }
  for (const auto& op : ops) {
    m.names.ops.push_back(op.op);
    m.names.codes.push_back(op.code);
    m.names.macs.push_back(op.macs);
  }
  return m;
}

}  // namespace mcuprof::profiler
