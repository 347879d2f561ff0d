// Naming layers from calls after the model (see model_layers.hpp).
#include "model_layers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>

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

namespace {

// Ops a code generator folds into its neighbours or leaves to the application (TinyEngine:
// PAD into the next convolution, the model's float QUANTIZE/DEQUANTIZE ends, a TRANSPOSE or
// RESHAPE of the layout): they may have no call.
bool may_have_no_call(const std::string& op) {
  return op == "PAD" || op == "QUANTIZE" || op == "DEQUANTIZE" || op == "TRANSPOSE" ||
         op == "RESHAPE";
}

// Whether a kernel's name fits an op: a name that says what it computes (TinyEngine's
// `convolve_1x1_s8_fpreq`, `depthwise_kernel3x3_...`, `add_fpreq`, `avg_pooling`) must
// agree; a name that does not (TFLite Micro's `EvalInt8`) fits any op.
bool fits(const std::string& function, const std::string& op) {
  std::string f = function;
  for (auto& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto has = [&](const char* word) { return f.find(word) != std::string::npos; };
  if (has("depthwise")) return op == "DEPTHWISE_CONV_2D";
  if (has("conv") || has("mat_mult") || has("fully") || has("matmul"))
    return op == "CONV_2D" || op == "FULLY_CONNECTED";
  if (has("pool") || has("mean"))
    return op == "AVERAGE_POOL_2D" || op == "MAX_POOL_2D" || op == "MEAN";
  if (has("softmax")) return op == "SOFTMAX";
  if (has("add")) return op == "ADD";
  return true;
}

// Lines up the calls with the ops when there are fewer calls: each call runs one op or a
// run of ops of one kind without MACs (two MEANs in one pooling call; convolutions are
// never merged), ops that may have no call are skipped. Returns,
// per call, its ops [first, last], or nothing when the calls cannot be lined up.
std::optional<std::vector<std::pair<size_t, size_t>>> align(
    const std::vector<ModelOperator>& ops, const std::vector<std::string>& functions) {
  const size_t n = ops.size(), m = functions.size();
  constexpr int kNo = 1 << 20;
  // cost[i][j][t]: ops [0, i) and calls [0, j) lined up; t = 1 when op i-1 ran in call j-1.
  std::vector<int> cost((n + 1) * (m + 1) * 2, kNo);
  std::vector<int> from(cost.size(), -1);
  const auto at = [&](size_t i, size_t j, size_t t) { return (i * (m + 1) + j) * 2 + t; };
  cost[at(0, 0, 0)] = 0;
  const auto relax = [&](size_t to, size_t source, int extra) {
    if (cost[source] + extra < cost[to]) cost[to] = cost[source] + extra, from[to] = int(source);
  };
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j <= m; ++j)
      for (size_t t = 0; t < 2; ++t) {
        const size_t here = at(i, j, t);
        if (cost[here] >= kNo) continue;
        if (j < m && fits(functions[j], ops[i].op)) relax(at(i + 1, j + 1, 1), here, 0);
        if (may_have_no_call(ops[i].op)) relax(at(i + 1, j, 0), here, 1);
        if (t == 1 && j > 0 && ops[i - 1].op == ops[i].op && ops[i].macs == 0)
          relax(at(i + 1, j, 1), here, 1);  // e.g. two MEANs in one pooling call
      }
  size_t end = cost[at(n, m, 1)] <= cost[at(n, m, 0)] ? at(n, m, 1) : at(n, m, 0);
  if (cost[end] >= kNo) return std::nullopt;
  std::vector<std::pair<size_t, size_t>> runs(m, {SIZE_MAX, 0});
  for (size_t state = end; from[state] >= 0; state = size_t(from[state])) {
    const size_t i = state / 2 / (m + 1), j = state / 2 % (m + 1);
    if (state % 2 == 0) continue;  // a skipped op
    auto& r = runs[j - 1];
    r.first = std::min(r.first, i - 1);
    r.second = std::max(r.second, i - 1);
  }
  return runs;
}

}  // namespace

ModelMatch match_model(const std::vector<ModelOperator>& ops,
                       const std::vector<uint32_t>& call_functions,
                       const std::vector<std::string>& function_names) {
  ModelMatch m;
  if (function_names.size() != call_functions.size())
    throw std::invalid_argument("match_model: one function name per call");
  if (ops.size() < call_functions.size() || call_functions.empty()) {
    m.warning = fmt::format(
        "{} layer calls in the window but the model has {} operators: the layers keep the "
        "called functions' names (is it the model the firmware runs?)",
        call_functions.size(), ops.size());
    return m;
  }
  if (ops.size() > call_functions.size()) {
    // A code generator's layers: fewer calls than ops (folded, dropped or merged ops).
    const auto runs = align(ops, function_names);
    if (!runs) {
      m.warning = fmt::format(
          "{} layer calls in the window but the model has {} operators, and they do not line "
          "up (each call one op or a run of one kind, skipping only PAD, QUANTIZE, "
          "DEQUANTIZE, TRANSPOSE, RESHAPE): the layers keep the called functions' names",
          call_functions.size(), ops.size());
      return m;
    }
    for (const auto& [first, last] : *runs) {
      uint64_t macs = 0;
      for (size_t k = first; k <= last; ++k) macs += ops[k].macs;
      m.names.ops.push_back(ops[first].op);
      m.names.codes.push_back(ops[first].code);
      m.names.macs.push_back(macs);
    }
    // Say which ops have no call of their own, by kind: "PAD x4, QUANTIZE".
    std::vector<int> role(ops.size(), 0);  // 0: no call, 1: its call, 2: its neighbour's
    for (const auto& [first, last] : *runs)
      for (size_t k = first; k <= last; ++k) role[k] = k == first ? 1 : 2;
    const auto kinds = [&](int wanted) {
      std::map<std::string, int> count;
      for (size_t k = 0; k < ops.size(); ++k)
        if (role[k] == wanted) ++count[ops[k].op];
      std::string text;
      for (const auto& [op, n] : count)
        text += fmt::format("{}{}{}", text.empty() ? "" : ", ", op,
                            n > 1 ? fmt::format(" x{}", n) : "");
      return text.empty() ? std::string("none") : text;
    };
    m.note = fmt::format(
        "{} operators lined up with {} layer calls; without a call of their own: {}; run in "
        "the call of the op before: {}",
        ops.size(), call_functions.size(), kinds(0), kinds(2));
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
