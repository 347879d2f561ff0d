// A firmware's worst-case stack depth from GCC's call-graph files (-fcallgraph-info=su):
// every function's frame and its calls, summed along the deepest path from the entry
// points, plus an exception frame and the deepest handler on top. Sound where the graph
// is complete: recursion, frames of dynamic size and indirect calls are refused (unless
// an indirect call is named as allowed), and a function no file defines (libgcc's and the
// C library's helpers) counts a fixed library frame. docs/targets.md, "Stack reserve".
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcuprof::targets {

class StackBoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One function of the call graph: its own frame (bytes, -1 when no file defines it) and
// the functions it calls ("__indirect_call" for a call through a pointer).
struct StackFunction {
  int64_t frame = -1;
  bool dynamic = false;  // the frame's size depends on run-time values (alloca, VLA)
  std::set<std::string> calls;
};

struct CallGraph {
  std::map<std::string, StackFunction> functions;
};

// Adds one .ci file's text (VCG: `node: { title: "f" label: "f\nfile:l:c\nN bytes
// (static)" }`, `edge: { sourcename: "f" targetname: "g" ... }`). A name defined in two
// files (static functions) keeps the larger frame and every call of both.
void add_callgraph_text(CallGraph& graph, const std::string& text);

struct StackBoundOptions {
  std::vector<std::string> entries;      // e.g. Reset_Handler
  std::vector<std::string> handlers;     // exception handlers, on top of the deepest entry
  std::string handler_suffix;            // also every defined function named *suffix
  std::set<std::string> allow_indirect;  // functions whose indirect calls reach nothing
  int64_t exception_frame_bytes = 32;    // 104 with an FPU's extended frame
  int64_t library_frame_bytes = 128;     // a function no file defines
};

struct StackBound {
  int64_t bytes = 0;              // rounded up to 8 (AAPCS stack alignment)
  std::vector<std::string> path;  // the deepest entry's call path
  std::set<std::string> library;  // functions counted with the library frame
};

// Throws StackBoundError naming the function for recursion, a dynamic frame, an
// unknown entry or a disallowed indirect call.
StackBound stack_bound(const CallGraph& graph, const StackBoundOptions& options);

}  // namespace mcuprof::targets
