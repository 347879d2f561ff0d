// FunctionTree: a run's calling-context tree (the "functions" track of `mcuprof run
// --function-cycles`, docs/trace-schema.md) as plain data for the Functions tab: one node
// per call path with its inclusive and exclusive figures, its children largest first, and
// its place in the flame-graph layout; and the per-function totals of the flat "by
// function" view. Built on the loader's worker thread, shared read-only by the tree model
// and the flame graph. QtCore only.
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

#include "mcuprof/traces/records.hpp"

namespace mcuprof::gui {

// What a call path (or a function, all its paths added up) spent. Inclusive figures
// count what ran while it was on the stack, exclusive (`self_`) while it was on top.
struct FunctionFigures {
  uint64_t cycles = 0;
  uint64_t self_cycles = 0;
  uint64_t instructions = 0;
  uint64_t self_instructions = 0;
  uint64_t flash_ifetch_bytes = 0;
  uint64_t self_flash_ifetch_bytes = 0;
  uint64_t flash_data_bytes = 0;
  uint64_t self_flash_data_bytes = 0;
  uint64_t calls = 0;
};

struct FunctionNode {
  QString name;        // demangled, as stored
  QString short_name;  // see short_function_names()
  uint64_t address = 0;
  int parent = -1;            // node index; -1 for a root
  int row = 0;                // index among its parent's children (or among the roots)
  int depth = 0;              // 0 for a root
  std::vector<int> children;  // largest inclusive cycles first
  uint64_t position = 0;      // flame-graph x: parent's position + earlier siblings' cycles
  FunctionFigures figures;
};

// One function, all its call paths: exclusive figures and calls summed over every path,
// inclusive ones over its outermost activations only (a path with the same function
// further up is inside one already), as the profiler's function table counts them.
struct FunctionTotal {
  QString name;
  QString short_name;
  FunctionFigures figures;
};

struct FunctionTree {
  bool has_track = false;  // the run was stored with --function-cycles
  std::vector<FunctionNode> nodes;
  std::vector<int> roots;                // largest first
  std::vector<FunctionTotal> functions;  // by exclusive cycles, most first
  uint64_t total_cycles = 0;             // the roots' inclusive cycles added up
  uint64_t window_cycles = 0;            // the run's inference window (the % columns' base)
  int max_depth = -1;                    // deepest node's depth; -1 when empty

  bool empty() const { return nodes.empty(); }
  // Fraction of the window (0..1); of total_cycles when the window is unknown.
  double share(uint64_t cycles) const;
};

// The tree from the `function` spans of a run's "functions" track (any order; parents are
// found by parent_id). Spans whose parent is missing become roots.
FunctionTree build_function_tree(const std::vector<traces::Span>& spans, uint64_t window_cycles);

// One short name per entry, for a column or a box: argument lists, template arguments and
// ABI tags dropped, then leading qualifiers dropped as long as no two distinct names of
// `names` read the same ("tflite::MicroInterpreter::Invoke()" → "Invoke" unless another
// Invoke is there, then "MicroInterpreter::Invoke"). Overloads keep their full name. The
// CLI's rule (traces/function_names.hpp), without its width limit.
std::vector<QString> short_function_names(const std::vector<QString>& names);

}  // namespace mcuprof::gui
