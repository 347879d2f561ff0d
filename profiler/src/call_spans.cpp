// The inference window and layers from calls (see call_spans.hpp).
#include "call_spans.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "mcuprof/traces/function_names.hpp"
#include "symbol_match.hpp"

namespace mcuprof::profiler {
namespace {

Counters counters_of(const sim::ExecutionCounters& c) {
  return {c.cycles, c.instructions, c.flash_ifetch_bytes, c.flash_data_bytes};
}

// The engines mcuprof knows, tried in order when no name is given.
constexpr const char* kKnownWindows[] = {"tflite::MicroInterpreter::Invoke", "invoke"};
constexpr const char* kKnownDispatchers[] = {"tflite::MicroInterpreterGraph::InvokeSubgraph",
                                             "tflite::MicroInterpreter::Invoke", "invoke"};

// Adds the functions `names` name to `out`; returns the first one's demangled name.
std::string add_named(const sim::ElfImage& image, const std::vector<std::string>& names,
                      const char* option, std::set<uint32_t>& out) {
  std::string first;
  for (const auto& name : names) {
    const auto match = find_function(image, name);  // throws when ambiguous
    if (!match)
      throw std::invalid_argument(
          fmt::format("{} {}: no function of that name in the ELF's "
                      "symbols (see arm-none-eabi-nm -C)",
                      option, name));
    out.insert(match->addresses.begin(), match->addresses.end());
    if (first.empty()) first = match->name;
  }
  return first;
}

// The known engines' functions present in the ELF (an ambiguous name is skipped).
template <size_t N>
std::string add_known(const sim::ElfImage& image, const char* const (&names)[N],
                      std::set<uint32_t>& out) {
  std::string first;
  for (const char* name : names) {
    try {
      const auto match = find_function(image, name);
      if (!match) continue;
      // Exactly that function: "invoke" must not pick some class's Invoke-like member.
      if (traces::without_brackets(match->name) != name) continue;
      out.insert(match->addresses.begin(), match->addresses.end());
      if (first.empty()) first = match->name;
    } catch (const std::invalid_argument&) {
    }
  }
  return first;
}

bool runtime_helper(const std::string& name) {
  return name.starts_with("__aeabi_") || name.starts_with("__gnu_") || name.starts_with("__ARM_") ||
         name == "(no symbol)";
}

}  // namespace

CallTargets resolve_call_targets(const sim::ElfImage& image,
                                 const std::vector<std::string>& window_names,
                                 const std::vector<std::string>& layer_names) {
  CallTargets t;
  t.window_given = !window_names.empty();
  t.layers_given = !layer_names.empty();
  t.window_name = t.window_given ? add_named(image, window_names, "--window", t.window)
                                 : add_known(image, kKnownWindows, t.window);
  t.dispatcher_name = t.layers_given ? add_named(image, layer_names, "--layers-from", t.dispatchers)
                                     : add_known(image, kKnownDispatchers, t.dispatchers);
  return t;
}

CallSpans::CallSpans(CallTargets targets, FunctionName function_name)
    : targets_(std::move(targets)), function_(std::move(function_name)) {}

void CallSpans::edge(bool begin, const Counters& at) {
  if (window_listener_) window_listener_(begin, at);
}

void CallSpans::on_call(size_t depth, int function, CallKind kind, uint32_t return_address,
                        const sim::ExecutionCounters& at) {
  const uint32_t address = function_(function).address;
  if (targets_.window.contains(address) && outer_window_depth_ == SIZE_MAX) {
    outer_window_depth_ = depth;
    ++window_calls_;
    if (!window_done_ && !window_open_ && owner_ != Owner::Markers) {
      owner_ = Owner::Calls;
      window_open_ = true;
      window_depth_ = depth;
      begin_ = counters_of(at);
      edge(true, *begin_);
    }
  }
  const bool dispatcher = targets_.dispatchers.contains(address);
  if (kind == CallKind::Exception) return;  // an interrupt handler is never a layer
  if (!dispatcher_depths_.empty() && dispatcher_depths_.back() + 1 == depth) {
    if (dispatcher) {
      dispatcher_depths_.push_back(depth);  // a dispatcher called by one hands over
    } else {
      LayerCall call;
      call.function = function;
      call.kind = kind;
      call.site = kind == CallKind::Tail ? 0 : return_address;
      call.begin = counters_of(at);
      open_.push_back({depth, call});
      if (edge_listener_) edge_listener_(at.cycles);
    }
  } else if (dispatcher && dispatcher_depths_.empty()) {
    dispatcher_depths_.push_back(depth);
  }
}

void CallSpans::on_return(size_t depth, int /*function*/, const sim::ExecutionCounters& at) {
  while (!open_.empty() && open_.back().depth >= depth) {
    LayerCall call = open_.back().call;
    call.end = counters_of(at);
    calls_.push_back(call);
    open_.pop_back();
    if (edge_listener_) edge_listener_(at.cycles);
  }
  while (!dispatcher_depths_.empty() && dispatcher_depths_.back() >= depth)
    dispatcher_depths_.pop_back();
  if (outer_window_depth_ != SIZE_MAX && depth <= outer_window_depth_)
    outer_window_depth_ = SIZE_MAX;
  if (window_open_ && depth <= window_depth_) {
    window_open_ = false;
    window_done_ = true;
    end_ = counters_of(at);
    edge(false, *end_);
  }
}

void CallSpans::marker_edge(bool begin, const Counters& at) {
  if (targets_.window_given) return;  // --window: the calls define the window
  if (begin && owner_ == Owner::None) {
    owner_ = Owner::Markers;
    marker_begin_ = at;
    edge(true, at);
  } else if (!begin && owner_ == Owner::Markers && !marker_end_) {
    marker_end_ = at;
    edge(false, at);
  }
}

std::vector<LayerCall> CallSpans::layer_calls() const {
  std::optional<Counters> from, to;
  if (owner_ == Owner::Calls) from = begin_, to = end_;
  if (owner_ == Owner::Markers) from = marker_begin_, to = marker_end_;
  std::vector<LayerCall> inside;
  for (const auto& c : calls_) {
    if (from && c.begin.cycles < from->cycles) continue;
    if (to && c.end.cycles > to->cycles) continue;
    inside.push_back(c);
  }
  // An interpreter's op loop calls each op through a pointer: its busiest such call site.
  std::map<uint32_t, uint64_t> indirect_cycles;
  for (const auto& c : inside)
    if (c.kind == CallKind::Indirect) indirect_cycles[c.site] += c.end.cycles - c.begin.cycles;
  std::vector<LayerCall> out;
  if (!indirect_cycles.empty()) {
    const auto busiest =
        std::max_element(indirect_cycles.begin(), indirect_cycles.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& c : inside)
      if (c.kind == CallKind::Indirect && c.site == busiest->first) out.push_back(c);
    return out;
  }
  for (const auto& c : inside)
    if (!runtime_helper(function_(c.function).name)) out.push_back(c);
  return out;
}

bool CallSpans::apply(Attribution& a, const std::vector<LayerCall>& calls,
                      const ModelNames* model) const {
  if (a.spans.empty()) return false;
  if (owner_ == Owner::Calls && begin_) {
    a.run_begin = *begin_;
    a.run_end = end_ ? *end_ : a.spans.front().end;
    a.window_function = targets_.window_name;
    a.window_calls = window_calls_;
    if (!end_)
      a.problems.push_back(
          fmt::format("the window's call to {} never returned: the window ends "
                      "where the run stopped",
                      targets_.window_name));
  } else if (targets_.window_given) {
    a.run_begin.reset();
    a.run_end.reset();
    a.problems.push_back(fmt::format("--window {}: never called; the figures cover the whole run",
                                     targets_.window_name));
  }
  const bool marker_layers = std::any_of(a.spans.begin(), a.spans.end(),
                                         [](const Span& s) { return s.kind == SpanKind::Layer; });
  if (calls.empty() || (marker_layers && !targets_.layers_given)) return false;

  // Names: the model's when given, else the called functions' short names (two functions
  // of one name, e.g. two files' anonymous `Eval`, keep their addresses apart).
  std::vector<std::string> full;
  std::map<uint32_t, std::string> by_address;  // each distinct function once
  for (const auto& c : calls) {
    full.push_back(function_(c.function).name);
    by_address.emplace(function_(c.function).address, full.back());
  }
  std::vector<std::string> distinct;
  for (const auto& [address, name] : by_address) distinct.push_back(name);
  const auto shortened = traces::short_function_names(distinct);
  std::map<std::string, size_t> uses;  // short name -> functions bearing it
  std::map<uint32_t, std::string> short_of;
  size_t next = 0;
  for (const auto& [address, name] : by_address) ++uses[short_of[address] = shortened[next++]];
  std::vector<std::string> names;
  for (const auto& c : calls) {
    const uint32_t address = function_(c.function).address;
    const std::string& s = short_of[address];
    names.push_back(uses[s] > 1 ? fmt::format("{}@{:08x}", traces::without_brackets(s), address)
                                : s);
  }

  std::vector<Span> spans;
  for (size_t k = 1; k < a.spans.size(); ++k)
    if (!(targets_.layers_given && a.spans[k].kind == SpanKind::Layer)) spans.push_back(a.spans[k]);
  for (size_t i = 0; i < calls.size(); ++i) {
    Span s;
    s.kind = SpanKind::Layer;
    s.index = static_cast<uint32_t>(i);
    s.begin = calls[i].begin;
    s.end = calls[i].end;
    const bool named = model != nullptr && model->ops.size() == calls.size() &&
                       model->codes.size() == calls.size();
    s.op = named ? model->codes[i] : kNoOp;
    s.label = named ? model->ops[i] : names[i];
    s.macs = named && i < model->macs.size() ? model->macs[i] : 0;
    s.function = full[i];
    spans.push_back(std::move(s));
  }
  // Preorder again: by start, the longer first; parents by containment.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) {
    if (x.begin.cycles != y.begin.cycles) return x.begin.cycles < y.begin.cycles;
    return x.end.cycles > y.end.cycles;
  });
  a.spans.resize(1);
  std::vector<int> open = {0};
  for (auto& s : spans) {
    while (open.size() > 1 && a.spans[static_cast<size_t>(open.back())].end.cycles <
                                  std::max(s.end.cycles, s.begin.cycles + 1))
      open.pop_back();
    s.parent = open.back();
    s.depth = a.spans[static_cast<size_t>(s.parent)].depth + 1;
    a.spans.push_back(std::move(s));
    open.push_back(static_cast<int>(a.spans.size() - 1));
  }
  return true;
}

nlohmann::json CallSpans::summary(const Attribution& a) const {
  nlohmann::json j;
  const bool calls = owner_ == Owner::Calls && begin_;
  j["source"] = calls ? "function" : inference_window(a).marked ? "markers" : "whole run";
  j["function"] = calls ? nlohmann::json(targets_.window_name) : nlohmann::json();
  j["calls"] = calls ? nlohmann::json(window_calls_) : nlohmann::json();
  return j;
}

}  // namespace mcuprof::profiler
