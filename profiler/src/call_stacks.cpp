// Shadow call stack and calling-context tree (see call_stacks.hpp).
#include "mcuprof/profiler/call_stacks.hpp"

#include <algorithm>
#include <map>

#include "mcuprof/traces/function_names.hpp"

namespace mcuprof::profiler {

sim::ExecutionCounters operator-(const sim::ExecutionCounters& a, const sim::ExecutionCounters& b) {
  return {a.cycles - b.cycles, a.instructions - b.instructions,
          a.flash_ifetch_bytes - b.flash_ifetch_bytes, a.flash_data_bytes - b.flash_data_bytes};
}

sim::ExecutionCounters& operator+=(sim::ExecutionCounters& a, const sim::ExecutionCounters& b) {
  a.cycles += b.cycles;
  a.instructions += b.instructions;
  a.flash_ifetch_bytes += b.flash_ifetch_bytes;
  a.flash_data_bytes += b.flash_data_bytes;
  return a;
}

namespace {

uint64_t block_key(uint32_t address, uint32_t size) {
  return (uint64_t{address} << 16) ^ size;
}

// Direct when the last instruction of the Thumb code is BL <label>, Indirect for BLX
// <register>, else Root (no call).
CallKind ends_in_call(const std::vector<uint8_t>& code) {
  size_t i = 0;
  size_t last = 0;
  bool wide = false;
  while (i + 1 < code.size()) {
    const auto hw = static_cast<uint16_t>(code[i] | (code[i + 1] << 8));
    last = i;
    wide = (hw >> 11) >= 0x1D;  // 0b11101, 0b11110, 0b11111: 32-bit encoding
    i += wide ? 4 : 2;
  }
  if (code.size() < 2) return CallKind::Root;
  const auto first = static_cast<uint16_t>(code[last] | (code[last + 1] << 8));
  if (!wide) return (first & 0xFF87u) == 0x4780u ? CallKind::Indirect : CallKind::Root;  // BLX Rm
  if (last + 3 >= code.size()) return CallKind::Root;
  const auto second = static_cast<uint16_t>(code[last + 2] | (code[last + 3] << 8));
  const bool bl = (first & 0xF800u) == 0xF000u && (second & 0xD000u) == 0xD000u;
  return bl ? CallKind::Direct : CallKind::Root;
}

}  // namespace

std::vector<sim::ExecutionCounters> inclusive_per_node(const CallTree& tree) {
  std::vector<sim::ExecutionCounters> out(tree.nodes.size());
  for (size_t i = 0; i < tree.nodes.size(); ++i) out[i] = tree.nodes[i].self;
  // Children come after their parents: add each node into its parent, last first.
  for (size_t i = tree.nodes.size(); i-- > 0;)
    if (tree.nodes[i].parent >= 0) out[static_cast<size_t>(tree.nodes[i].parent)] += out[i];
  return out;
}

std::vector<FunctionFigures> function_figures(const CallTree& tree) {
  const auto inclusive = inclusive_per_node(tree);
  std::vector<FunctionFigures> rows(tree.functions.size());
  std::vector<bool> seen(tree.functions.size(), false);
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    const CallNode& n = tree.nodes[i];
    const auto f = static_cast<size_t>(n.function);
    seen[f] = true;
    rows[f].calls += n.calls;
    rows[f].exclusive += n.self;
    bool nested = false;  // the function is already active further up this path
    for (int p = n.parent; p >= 0 && !nested; p = tree.nodes[static_cast<size_t>(p)].parent)
      nested = tree.nodes[static_cast<size_t>(p)].function == n.function;
    if (!nested) rows[f].inclusive += inclusive[i];
  }
  std::vector<FunctionFigures> out;
  for (size_t f = 0; f < rows.size(); ++f) {
    if (!seen[f]) continue;
    rows[f].name = tree.functions[f].name;
    rows[f].address = tree.functions[f].address;
    out.push_back(std::move(rows[f]));
  }
  std::stable_sort(out.begin(), out.end(), [](const FunctionFigures& a, const FunctionFigures& b) {
    return a.exclusive.cycles > b.exclusive.cycles;
  });
  return out;
}

CallStackRecorder::CallStackRecorder(const sim::ElfImage& image, CodeReader read_code)
    : image_(image), read_code_(std::move(read_code)) {
  tree_.functions.push_back({"(no symbol)", 0});
}

int CallStackRecorder::function_of(uint32_t address) {
  const sim::Symbol* s = image_.symbol_at(address);
  if (s == nullptr || !s->is_function) return 0;
  auto [it, added] =
      function_index_.try_emplace(s->address, static_cast<int>(tree_.functions.size()));
  if (added) tree_.functions.push_back({traces::demangle(s->name), s->address});
  return it->second;
}

const CallStackRecorder::BlockInfo& CallStackRecorder::info(uint32_t address, uint32_t size) {
  const uint64_t key = block_key(address, size);
  Slot& slot = recent_[(address >> 1) & (recent_.size() - 1)];
  if (slot.key == key) return slot.info;
  auto it = blocks_.find(key);
  if (it == blocks_.end()) {
    BlockInfo b;
    b.function = function_of(address);
    try {
      b.call = ends_in_call(read_code_(address, size));
    } catch (const std::exception&) {
      b.call = CallKind::Root;
    }
    it = blocks_.emplace(key, b).first;
  }
  slot.key = key;
  slot.info = it->second;
  return slot.info;
}

int CallStackRecorder::child(int parent, int function) {
  const uint64_t key = (uint64_t(uint32_t(parent + 1)) << 32) | uint32_t(function);
  auto [it, added] = children_.try_emplace(key, static_cast<int>(tree_.nodes.size()));
  if (added) tree_.nodes.push_back({parent, function, 0, {}});
  return it->second;
}

void CallStackRecorder::charge(const sim::ExecutionCounters& now) {
  // Counters never go back; max() keeps a marker's counters (taken mid-block) harmless.
  sim::ExecutionCounters at = now;
  at.cycles = std::max(at.cycles, last_.cycles);
  at.instructions = std::max(at.instructions, last_.instructions);
  at.flash_ifetch_bytes = std::max(at.flash_ifetch_bytes, last_.flash_ifetch_bytes);
  at.flash_data_bytes = std::max(at.flash_data_bytes, last_.flash_data_bytes);
  if (!stack_.empty() && window_ != WindowState::After)
    tree_.nodes[static_cast<size_t>(stack_.back().node)].self += at - last_;
  last_ = at;
}

void CallStackRecorder::open_slice(Frame& frame, size_t depth) {
  frame.slice = -1;
  if (window_ == WindowState::After || tree_.timeline_capped_at || depth > kTimelineDepth) return;
  if (tree_.timeline.size() >= kTimelineCap) {
    tree_.timeline_capped_at = last_.cycles;
    return;
  }
  const int function = tree_.nodes[static_cast<size_t>(frame.node)].function;
  tree_.timeline.push_back({function, static_cast<unsigned>(depth), last_.cycles, last_.cycles});
  frame.slice = static_cast<int64_t>(tree_.timeline.size() - 1);
}

void CallStackRecorder::close_slice(Frame& frame) {
  if (frame.slice >= 0) tree_.timeline[static_cast<size_t>(frame.slice)].end = last_.cycles;
  frame.slice = -1;
}

void CallStackRecorder::window_begin(const sim::ExecutionCounters& at) {
  if (window_ != WindowState::Before) return;
  charge(at);
  before_window_ = tree_.nodes;
  for (auto& n : tree_.nodes) n.self = {}, n.calls = 0;
  tree_.timeline.clear();
  tree_.timeline_capped_at.reset();
  window_ = WindowState::Inside;
  tree_.window_begin = last_.cycles;
  // The calls in progress count once in the window and start their slices here.
  for (size_t k = 0; k < stack_.size(); ++k) {
    ++tree_.nodes[static_cast<size_t>(stack_[k].node)].calls;
    open_slice(stack_[k], k);
  }
}

void CallStackRecorder::window_end(const sim::ExecutionCounters& at) {
  if (window_ != WindowState::Inside) return;
  charge(at);
  for (auto& f : stack_) close_slice(f);
  window_ = WindowState::After;
  tree_.window_end = last_.cycles;
  tree_.marked = true;
}

void CallStackRecorder::push(int function, uint32_t return_address, CallKind kind) {
  Frame f;
  f.return_address = return_address;
  f.exception = kind == CallKind::Exception;
  f.tail = kind == CallKind::Tail;
  if (stack_.size() >= kMaxDepth)
    f.node = stack_.back().node;
  else
    f.node = child(stack_.empty() ? -1 : stack_.back().node, function);
  if (window_ != WindowState::After) ++tree_.nodes[static_cast<size_t>(f.node)].calls;
  open_slice(f, stack_.size());
  stack_.push_back(f);
  if (listener_ != nullptr)
    listener_->on_call(stack_.size() - 1, tree_.nodes[static_cast<size_t>(f.node)].function, kind,
                       return_address, last_);
}

void CallStackRecorder::pop_to(size_t frames) {
  const size_t keep = std::max<size_t>(frames, 1);  // the root frame stays
  for (size_t k = keep; k < stack_.size(); ++k) close_slice(stack_[k]);
  while (stack_.size() > keep) {
    const int function = tree_.nodes[static_cast<size_t>(stack_.back().node)].function;
    stack_.pop_back();
    if (listener_ != nullptr) listener_->on_return(stack_.size(), function, last_);
  }
}

void CallStackRecorder::enter_function(int function) {
  // A function already running in the top frame's tail chain (a jump back into it, e.g.
  // two functions branching to each other): its frame is on top again.
  for (size_t k = stack_.size(); k-- > 1;) {
    if (tree_.nodes[static_cast<size_t>(stack_[k].node)].function == function) {
      pop_to(k + 1);
      return;
    }
    if (!stack_[k].tail) break;
  }
  // A tail call: a frame for the callee above the tail-calling one, returning where it
  // would have, so the caller's inclusive figures hold the callee's (docs/cli.md).
  push(function, stack_.back().return_address, CallKind::Tail);
}

void CallStackRecorder::on_block(uint32_t address, uint32_t size,
                                 const sim::ExecutionCounters& before) {
  const BlockInfo& b = info(address, size);
  const int function = b.function;
  const bool call = call_pending_ && address != call_return_;
  const uint32_t return_address = call_return_;
  const CallKind kind = call_kind_;
  call_pending_ = b.call != CallKind::Root;
  call_kind_ = b.call;
  call_return_ = address + size;
  if (exception_pending_) {
    // The handler's first block: the frame exists from the entry on, so the stacking
    // cycles charged since then are the handler's.
    exception_pending_ = false;
    push(function, exception_return_, CallKind::Exception);
    charge(before);
    return;
  }
  charge(before);
  if (stack_.empty()) {
    push(function, kNoReturn, CallKind::Root);
    return;
  }
  if (call) {
    push(function, return_address, kind);
    return;
  }
  if (tree_.nodes[static_cast<size_t>(stack_.back().node)].function == function &&
      address != stack_.back().return_address)
    return;  // the common case: still in the same function
  // A return to some frame's return address (the top one normally).
  for (size_t k = stack_.size(); k-- > 1;) {
    if (stack_[k].return_address == address) {
      while (k > 1 && stack_[k].tail) --k;  // the tail-calling frames return with it
      pop_to(k);
      if (tree_.nodes[static_cast<size_t>(stack_.back().node)].function != function)
        enter_function(function);
      return;
    }
  }
  if (tree_.nodes[static_cast<size_t>(stack_.back().node)].function != function)
    enter_function(function);  // tail call or jump into another function
}

void CallStackRecorder::on_exception_entry(unsigned /*number*/, uint32_t return_address,
                                           const sim::ExecutionCounters& before) {
  charge(before);
  if (call_pending_ && return_address != call_return_) {
    // Taken between a call and the callee's first block: the callee's frame exists.
    push(function_of(return_address), call_return_, call_kind_);
  }
  call_pending_ = false;
  exception_pending_ = true;
  exception_return_ = return_address;
}

void CallStackRecorder::on_exception_return(uint32_t /*return_address*/,
                                            const sim::ExecutionCounters& before) {
  charge(before);
  call_pending_ = false;
  for (size_t k = stack_.size(); k-- > 1;) {
    if (stack_[k].exception) {
      pop_to(k);
      return;
    }
  }
}

CallTree CallStackRecorder::finish(const sim::ExecutionCounters& end) {
  charge(end);
  for (auto& f : stack_) close_slice(f);
  if (window_ != WindowState::After) {
    // No RUN_BEGIN..RUN_END window: the figures cover the whole run, so what ran before
    // a lone RUN_BEGIN counts again (the timeline still starts there).
    if (window_ == WindowState::Inside) {
      for (size_t k = 0; k < stack_.size(); ++k)
        --tree_.nodes[static_cast<size_t>(stack_[k].node)].calls;  // counted twice
      for (size_t i = 0; i < before_window_.size(); ++i) {
        tree_.nodes[i].self += before_window_[i].self;
        tree_.nodes[i].calls += before_window_[i].calls;
      }
    }
    tree_.window_begin = 0;
    tree_.window_end = last_.cycles;
    tree_.marked = false;
  }
  tree_.timeline_cap = kTimelineCap;
  return std::move(tree_);
}

}  // namespace mcuprof::profiler
