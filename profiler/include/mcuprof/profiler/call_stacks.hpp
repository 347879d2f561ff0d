// Per-function figures without markers, from a shadow call stack built while the
// firmware runs (`mcuprof run --function-cycles`). The machine reports every basic
// block and exception entry/return (sim::BlockObserver); the recorder keeps a stack of
// frames and charges the counters that elapse between two blocks to the frame on top,
// in a calling-context tree (one node per distinct call path). Rules (docs/cli.md,
// "Per-function figures"):
//   - call: the previous block ended with BL or BLX and the next block is not the
//     instruction after it (a conditional BLX not taken): push a frame for the
//     function holding the new block, returning to the instruction after the call;
//   - return: a block starts at the return address of the top frame (or of a deeper
//     frame: longjmp-like unwinding pops everything above it);
//   - tail call / jump into another function: the block belongs to another function
//     than the top frame's and is no frame's return address: a frame for that function
//     is pushed above the top one with the same return address (so the tail-calling
//     function's inclusive figures hold the callee's, as a profiler user expects), and
//     the return pops both; a jump back into a function of that tail chain pops to it;
//   - exception entry: a frame for the handler returning to the interrupted address;
//     its stacking cycles count to the handler; exception return pops down to it.
// Function = the ELF function symbol holding the address, "(no symbol)" elsewhere.
// The figures cover the inference window (window_begin/window_end, from the firmware's
// RUN_BEGIN/RUN_END): calls in progress at its edges are clipped to it; without both
// markers they cover the whole run. The recorder also keeps the calls as a timeline
// (when each call ran), capped at a number of slices.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/observer.hpp"

namespace mcuprof::profiler {

sim::ExecutionCounters operator-(const sim::ExecutionCounters& a, const sim::ExecutionCounters& b);
sim::ExecutionCounters& operator+=(sim::ExecutionCounters& a, const sim::ExecutionCounters& b);

struct CallFunction {
  std::string name;
  uint32_t address = 0;
};

// One distinct call path: its function, its caller's node, and what ran in it.
struct CallNode {
  int parent = -1;              // index into CallTree::nodes; -1 for a root
  int function = 0;             // index into CallTree::functions
  uint64_t calls = 0;           // times this path was entered
  sim::ExecutionCounters self;  // exclusive: while this path was on top of the stack
};

// One call as it ran: [begin, end) in cycles since reset, at `depth` on the stack
// (0 for the root frame). Calls nest strictly.
struct CallSlice {
  int function = 0;  // index into CallTree::functions
  unsigned depth = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
};

struct CallTree {
  std::vector<CallFunction> functions;
  std::vector<CallNode> nodes;  // every node after its parent
  // The calls in time order of their start, inside the window (clipped to it).
  std::vector<CallSlice> timeline;
  // Set when the timeline reached its cap: calls starting at or after this cycle were not
  // kept (the calls in progress then are, to their end).
  std::optional<uint64_t> timeline_capped_at;
  size_t timeline_cap = 0;
  // The window the figures cover, in cycles since reset; `marked` false: the whole run.
  uint64_t window_begin = 0;
  uint64_t window_end = 0;
  bool marked = false;
};

// Inclusive figures of every node: its own plus all its descendants'.
std::vector<sim::ExecutionCounters> inclusive_per_node(const CallTree& tree);

// Figures per function, most exclusive cycles first. Inclusive counts each outermost
// activation once: a recursive call inside a function's own subtree is not added again.
struct FunctionFigures {
  std::string name;
  uint32_t address = 0;
  uint64_t calls = 0;
  sim::ExecutionCounters exclusive;
  sim::ExecutionCounters inclusive;
};
std::vector<FunctionFigures> function_figures(const CallTree& tree);

// How a frame came to be: the first frame, a call (BL to a label, BLX through a register),
// a tail call (a branch into another function) or an exception.
enum class CallKind { Root, Direct, Indirect, Tail, Exception };

// Told of every frame pushed and popped, as it happens (call_spans.hpp: the inference
// window and the layers from calls). `depth` is the frame's position on the stack (0: the
// root); `return_address` tells call sites apart; `at` are the counters then.
class CallListener {
 public:
  virtual ~CallListener() = default;
  virtual void on_call(size_t depth, int function, CallKind kind, uint32_t return_address,
                       const sim::ExecutionCounters& at) = 0;
  virtual void on_return(size_t depth, int function, const sim::ExecutionCounters& at) = 0;
};

class CallStackRecorder final : public sim::BlockObserver {
 public:
  // Reads `size` bytes of code at `address` (to see how a block ends).
  using CodeReader = std::function<std::vector<uint8_t>(uint32_t address, uint32_t size)>;
  CallStackRecorder(const sim::ElfImage& image, CodeReader read_code);

  void on_block(uint32_t address, uint32_t size, const sim::ExecutionCounters& before) override;
  void on_exception_entry(unsigned number, uint32_t return_address,
                          const sim::ExecutionCounters& before) override;
  void on_exception_return(uint32_t return_address, const sim::ExecutionCounters& before) override;

  // The firmware's RUN_BEGIN and RUN_END (first RUN_BEGIN, first RUN_END after it), at
  // the counters of the marker's ITM write: what ran before `window_begin` is set aside
  // (restored by finish() if RUN_END never comes: the window is then the whole run),
  // what runs after `window_end` is not counted.
  void window_begin(const sim::ExecutionCounters& at);
  void window_end(const sim::ExecutionCounters& at);

  void set_listener(CallListener* listener) { listener_ = listener; }
  const CallFunction& function(int index) const {
    return tree_.functions[static_cast<size_t>(index)];
  }

  // Charges what ran since the last block and returns the tree.
  CallTree finish(const sim::ExecutionCounters& end);

  // At most this many timeline slices are kept (a Chrome trace stays loadable).
  static constexpr size_t kTimelineCap = 50000;
  static constexpr size_t kTimelineDepth = 256;  // deeper calls are not on the timeline

 private:
  static constexpr uint32_t kNoReturn = 1;   // odd: never a block address
  static constexpr size_t kMaxDepth = 2048;  // deeper frames share the deepest node

  struct BlockInfo {
    int function = 0;
    CallKind call = CallKind::Root;  // Direct or Indirect: the block ends in BL or BLX Rm
  };
  struct Frame {
    int node = 0;
    uint32_t return_address = kNoReturn;
    bool exception = false;
    bool tail = false;   // entered by a tail call from the frame below (same return address)
    int64_t slice = -1;  // its timeline slice, -1 when none
  };
  enum class WindowState { Before, Inside, After };
  struct Slot {
    uint64_t key = ~uint64_t{0};
    BlockInfo info;
  };

  const BlockInfo& info(uint32_t address, uint32_t size);
  int function_of(uint32_t address);
  int child(int parent, int function);
  void charge(const sim::ExecutionCounters& now);
  void push(int function, uint32_t return_address, CallKind kind);
  void pop_to(size_t frames);         // keeps the first `frames` frames
  void enter_function(int function);  // tail call: a frame for `function` on top
  void open_slice(Frame& frame, size_t depth);
  void close_slice(Frame& frame);

  const sim::ElfImage& image_;
  CodeReader read_code_;
  CallTree tree_;
  std::unordered_map<uint32_t, int> function_index_;    // symbol address -> function
  std::unordered_map<uint64_t, int> children_;          // (parent, function) -> node
  std::vector<Slot> recent_ = std::vector<Slot>(4096);  // direct-mapped block cache
  std::unordered_map<uint64_t, BlockInfo> blocks_;
  std::vector<Frame> stack_;
  sim::ExecutionCounters last_;
  CallListener* listener_ = nullptr;
  bool call_pending_ = false;  // the previous block ended with BL/BLX
  CallKind call_kind_ = CallKind::Direct;
  uint32_t call_return_ = 0;  // ... and this is the instruction after it
  bool exception_pending_ = false;
  uint32_t exception_return_ = 0;
  WindowState window_ = WindowState::Before;
  std::vector<CallNode> before_window_;  // the nodes' figures before RUN_BEGIN
};

}  // namespace mcuprof::profiler
