// Per-layer MAC and parameter counts (see analysis.hpp).
#include "mcuprof/compiler/analysis.hpp"

namespace mcuprof::compiler {

int64_t macs(const Graph& g, const Operator& op) {
  switch (op.type) {
    case OpType::kConv2D: {
      const auto& w = g.in(op, 1).shape;  // [O, KH, KW, I]
      return g.out(op).elements() * int64_t{w[1]} * w[2] * w[3];
    }
    case OpType::kDepthwiseConv2D: {
      const auto& w = g.in(op, 1).shape;  // [1, KH, KW, C]
      return g.out(op).elements() * int64_t{w[1]} * w[2];
    }
    case OpType::kFullyConnected:
      return g.out(op).elements() * int64_t{g.in(op, 1).shape[1]};
    default:
      return 0;
  }
}

int64_t params(const Graph& g, const Operator& op) {
  int64_t n = 0;
  for (const auto t : op.inputs)
    if (t >= 0 && g.tensor(t).constant) n += g.tensor(t).elements();
  return n;
}

int64_t param_bytes(const Graph& g, const Operator& op) {
  int64_t n = 0;
  for (const auto t : op.inputs)
    if (t >= 0 && g.tensor(t).constant) n += g.tensor(t).bytes();
  return n;
}

int64_t total_macs(const Graph& g) {
  int64_t n = 0;
  for (const auto& op : g.ops) n += macs(g, op);
  return n;
}

}  // namespace mcuprof::compiler
