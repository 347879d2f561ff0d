// `mcuprof run MODEL.tflite` (see model_run.hpp): compile (model_compile.cpp), check the fit
// (model_fit.hpp), place image and
// input after the model runner in flash, run through run_firmware, read results back.
#include "mcuprof/profiler/model_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>

#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/patch_image.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof_executor.h"
#include "op_names.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

constexpr uint32_t kStackPaint = 0xA5A5A5A5u;  // model_runner.c paints the free stack
constexpr int kRunnerExitBase = 10;            // model_runner.c: 10 + executor status

uint32_t align16(uint64_t v) {
  return static_cast<uint32_t>((v + 15u) & ~uint64_t{15});
}

void write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  write_output_file(path, bytes, "file");
}

// With a dump folder, follows the runner's events and saves every activation as the
// firmware produces it: on each LAYER_END the op's output is read from the arena.
class ModelObserver final : public sim::MachineObserver {
 public:
  ModelObserver(sim::Machine& machine, const compiler::Graph& graph,
                const compiler::ModelImage& image, uint32_t arena,
                std::optional<std::filesystem::path> dir)
      : machine_(machine), graph_(graph), image_(image), arena_(arena), dir_(std::move(dir)) {}

  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t /*cycle*/) override {
    if (port != kEventPort || size != 4) return;
    const auto event = decoder_.push(value, Counters{machine_.cycles(), 0, 0, 0});
    if (!event) return;
    if (!dir_ || event->type != EventType::LayerEnd || event->arg >= image_.ops.size()) return;
    for (const int32_t t : image_.op_outputs(event->arg)) {
      const auto& r = image_.tensors.at(static_cast<std::size_t>(t));
      if (r.storage != MCUPROF_STORAGE_ARENA || error_) continue;
      try {  // no exception may cross the emulator's callback: keep it, stop the run
        write_file(*dir_ / fmt::format("{}.bin", graph_.tensor(t).source_index),
                   machine_.read_memory(arena_ + r.offset, r.size_bytes));
        dumped_[t] = event->arg;
      } catch (const CommandError& e) {
        error_ = e;
        machine_.request_stop();
      }
    }
  }
  const std::map<int32_t, uint32_t>& dumped() const { return dumped_; }
  // The write that failed and stopped the run, if any.
  const std::optional<CommandError>& error() const { return error_; }

 private:
  sim::Machine& machine_;
  const compiler::Graph& graph_;  // the image's tensor and op indices are the graph's
  std::optional<CommandError> error_;
  const compiler::ModelImage& image_;
  uint32_t arena_;
  std::optional<std::filesystem::path> dir_;
  EventDecoder decoder_;
  std::map<int32_t, uint32_t> dumped_;  // tensor -> op that produced it
};

nlohmann::json dump_index(const CompiledModel& m, const compiler::ModelImage& image,
                          const std::map<int32_t, uint32_t>& dumped) {
  auto list = nlohmann::json::array();
  for (std::size_t i = 0; i < m.graph.tensors.size(); ++i) {
    const auto& t = m.graph.tensors[i];
    if (t.constant) continue;
    nlohmann::json j{{"index", t.source_index},
                     {"name", t.name},
                     {"dtype", std::string(compiler::to_string(t.dtype))},
                     {"shape", image.tensor_shape(i)}};
    const bool input = std::find(m.graph.inputs.begin(), m.graph.inputs.end(),
                                 static_cast<int32_t>(i)) != m.graph.inputs.end();
    if (const auto it = dumped.find(static_cast<int32_t>(i)); it != dumped.end()) {
      j["status"] = "dumped";
      j["file"] = fmt::format("{}.bin", t.source_index);
      j["producing_op"] = {{"index", it->second},
                           {"node", m.graph.ops.at(it->second).source_index},
                           {"op", image_op_name(image.ops.at(it->second).type)}};
    } else if (input) {
      j["status"] = "model input";
      j["file"] = fmt::format("{}.bin", t.source_index);
      j["producing_op"] = nullptr;
    } else if (t.removed && m.graph.int8_io && t.dtype == compiler::DType::kFloat32) {
      j["status"] = "not run (--io int8)";
      j["producing_op"] = nullptr;
    } else if (t.removed) {
      j["status"] = "removed by fusion";
      j["producing_op"] = nullptr;
    } else {
      j["status"] = "not produced";
      j["producing_op"] = nullptr;
    }
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace

RunOutcome run_model(const ModelRunRequest& request, std::ostream& console_out,
                     std::ostream& console_err) {
  const targets::Target target = resolve_target(request.target_name, request.target_file);
  const ModelBoard board = model_board(target, request.runner);
  const RunnerLayout& l = board.layout;
  const CompiledModel model =
      compile_model(request.model, request.schedule, &board, request.int8_io);
  const compiler::ModelImage image = compiler::read_model_image(model.image);
  const auto inputs = model_inputs(model, request.input);
  std::vector<uint8_t> flash(model.image.begin(), model.image.end());
  for (const auto& in : inputs) {
    flash.resize(align16(flash.size()));
    flash.insert(flash.end(), in.begin(), in.end());
  }
  // Refuse what does not fit, before running: the check `plan` makes (model_fit.hpp).
  const Figures figures = model_figures(board, static_cast<uint64_t>(model.planned_arena_bytes),
                                        model.arena_needed, flash.size());
  if (const auto problem = fit_problem(figures, request.model.filename().string());
      !problem.empty())
    throw CommandError(exit_code::kDataError, problem);

  if (request.dump_tensors) {
    std::error_code ec;
    std::filesystem::create_directories(*request.dump_tensors, ec);
    if (ec || !std::filesystem::is_directory(*request.dump_tensors))
      throw CommandError(exit_code::kCantCreate,
                         fmt::format("{}: cannot create folder", request.dump_tensors->string()));
    check_output_writable(*request.dump_tensors / "index.json", "tensor dump");
  }

  RunRequest run;
  run.firmware = board.runner;
  run.name = request.name.empty() ? request.model.filename().string() : request.name;
  run.figures = figures;
  run.target_name = request.target_name;
  run.target_file = request.target_file;
  run.database = request.database;
  run.summary = request.summary;
  run.max_cycles = request.max_cycles;
  run.max_seconds = request.max_seconds;
  run.unit_cycles = request.unit_cycles;
  run.function_cycles = request.function_cycles;
  run.model = request.model;
  run.observe_memory = request.observe_memory;
  // The kernels' scratch sits right after the announced (16-aligned) arena, unannounced.
  run.scratch_after_arena = static_cast<uint32_t>(
      model.arena_needed - align16(static_cast<uint64_t>(model.planned_arena_bytes)));
  run.schedule = model.schedule;

  std::unique_ptr<ModelObserver> watcher;
  std::optional<CommandError> dump_error;
  std::vector<std::vector<uint8_t>> outputs;
  RunHooks hooks;
  hooks.before_load = [&](sim::ElfImage& elf) {
    sim::Segment s;
    s.load_address = s.virtual_address = l.image_start;
    s.memory_size = static_cast<uint32_t>(flash.size());
    s.bytes = flash;
    elf.add_segment(std::move(s));
  };
  hooks.before_run = [&](sim::Machine& machine) {
    watcher = std::make_unique<ModelObserver>(machine, model.graph, image, l.arena_start,
                                              request.dump_tensors);
    machine.add_observer(watcher.get());
  };
  hooks.after_run = [&](const sim::Machine& machine, const sim::RunResult& result,
                        const Attribution& attribution, nlohmann::json& s) {
    const bool ok = result.reason == sim::StopReason::Exited && result.exit_code == 0;
    if (watcher && watcher->error()) s["detail"] = watcher->error()->what();
    if (result.reason == sim::StopReason::Exited && result.exit_code >= kRunnerExitBase &&
        result.exit_code < kRunnerExitBase + 10)
      console_err << "mcuprof: model runner refused the image: "
                  << mcuprof_exec_status_name(
                         static_cast<mcuprof_exec_status>(result.exit_code - kRunnerExitBase))
                  << '\n';
    if (attribution.arena_address && *attribution.arena_address != l.arena_start)
      console_err << "mcuprof: warning: the runner reported its arena at "
                  << fmt::format("0x{:08x}, expected 0x{:08x}\n", *attribution.arena_address,
                                 l.arena_start);
    // Stack high-water mark: the lowest word of the painted stack that changed.
    uint32_t stack_used = 0;
    {
      const auto stack = machine.read_memory(l.stack_limit, l.stack_top - l.stack_limit);
      std::size_t i = 0;
      for (; i + 4 <= stack.size(); i += 4) {
        uint32_t w = 0;
        std::memcpy(&w, stack.data() + i, 4);
        if (w != kStackPaint) break;
      }
      stack_used = static_cast<uint32_t>(stack.size() - i);
    }
    if (ok) {
      for (const auto t : image.outputs) {
        const auto& r = image.tensors[t];
        outputs.push_back(machine.read_memory(l.arena_start + r.offset, r.size_bytes));
      }
    }
    // run_firmware measured the inference (RUN_BEGIN..RUN_END), every span's SRAM in use
    // and the figures (figures.hpp); the per-layer list repeats the span figures.
    auto layers = nlohmann::json::array();
    for (std::size_t k = 0; k < attribution.spans.size(); ++k) {
      const Span& span = attribution.spans[k];
      if (span.kind != SpanKind::Layer || span.index >= image.ops.size()) continue;
      const auto outs = image.op_outputs(span.index);
      layers.push_back(
          {{"index", span.index},
           {"node", model.graph.ops.at(span.index).source_index},
           {"name",
            outs.empty() ? std::string() : model.graph.tensor(static_cast<int32_t>(outs[0])).name},
           {"op", builtin_op_name(span.op)},  // the trace's code, not the image's
           {"cycles", span.cycles()},
           {"macs", span.macs},
           {"cycles_per_mac", span.macs ? nlohmann::json(static_cast<double>(span.cycles()) /
                                                         static_cast<double>(span.macs))
                                        : nlohmann::json()},
           {"flash_data_bytes", s["spans"][k]["flash_data_bytes"]},
           {"flash_ifetch_bytes", span.flash_ifetch_bytes()},
           {"arena_live_bytes", span.arena_peak_live_bytes},
           {"sram_in_use_peak_bytes", s["spans"][k]["sram_in_use_peak_bytes"]}});
      // Inside a patch of a patch schedule: which one.
      if (span.parent >= 0 && static_cast<std::size_t>(span.parent) < attribution.spans.size()) {
        const Span& parent = attribution.spans[static_cast<std::size_t>(span.parent)];
        if (parent.kind == SpanKind::Patch)
          layers.back()["patch"] = {
              {"index", parent.index}, {"row", parent.row}, {"column", parent.column}};
      }
    }
    s["layers"] = std::move(layers);
    s["arena_address"] = l.arena_start;
    // The painted stack's high-water mark over the whole run: a cross-check of the sampled
    // stack_peak_bytes (docs/runtime.md says why they differ by a few words).
    s["stack_high_water_bytes"] = stack_used;
    s["image_bytes"] = model.image.size();
    // What the application hands the model and reads back (docs/runtime.md, "int8 model I/O").
    s["io"] = model.graph.int8_io ? "int8" : "float";
    s["model_inputs"] = model_io_json(model.graph, model.graph.inputs);
    s["model_outputs"] = model_io_json(model.graph, model.graph.outputs);
    s["image_address"] = l.image_start;
    if (request.dump_tensors) {
      try {  // a failed dump is reported after the run is stored and summarised
        for (std::size_t k = 0; k < image.inputs.size(); ++k)
          write_file(
              *request.dump_tensors /
                  fmt::format(
                      "{}.bin",
                      model.graph.tensor(static_cast<int32_t>(image.inputs[k])).source_index),
              inputs[k]);
        const auto index =
            dump_index(model, image, watcher ? watcher->dumped() : std::map<int32_t, uint32_t>{});
        const auto text = index.dump(2) + "\n";
        write_file(*request.dump_tensors / "index.json",
                   std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
      } catch (const CommandError& e) {
        dump_error = e;
        s["detail"] = e.what();
      }
    }
  };

  RunOutcome outcome = run_firmware(run, console_out, console_err, hooks);
  if (watcher && watcher->error()) throw *watcher->error();  // the run is stored: now say it
  if (dump_error) throw *dump_error;
  // The runner's own statuses (10 + executor status, 20) are mcuprof's verdict on the
  // model, never a firmware status of the user's.
  const auto& s = outcome.summary;
  if (s["stop_reason"] == "exited" && s["exit_code"] != 0)
    outcome.exit_status = exit_code::kModelRunnerRefused;
  if (request.output && !outputs.empty()) {
    std::vector<uint8_t> all;
    for (const auto& o : outputs) all.insert(all.end(), o.begin(), o.end());
    write_file(*request.output, all);
  }
  return outcome;
}

}  // namespace mcuprof::profiler
