// `mcuprof run MODEL.tflite` (see model_run.hpp): compile, check the fit, place image and
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
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/sim/elf_image.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof/targets/target.hpp"
#include "mcuprof_executor.h"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

constexpr uint32_t kStackPaint = 0xA5A5A5A5u;  // model_runner.c paints the free stack
constexpr int kRunnerExitBase = 10;            // model_runner.c: 10 + executor status

uint32_t align16(uint64_t v) {
  return static_cast<uint32_t>((v + 15u) & ~uint64_t{15});
}

std::vector<uint8_t> read_file(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw CommandError(exit_code::kNoInput, fmt::format("{}: cannot read {}", path.string(), what));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  write_output_file(path, bytes, "file");
}

uint32_t symbol(const sim::ElfImage& elf, const std::string& name) {
  const auto a = elf.symbol_address(name);
  if (!a)
    throw CommandError(
        exit_code::kDataError,
        fmt::format("{}: not a model runner firmware (it has no symbol {})", elf.origin(), name));
  return *a;
}

// Where the runner expects things, from its linker-script symbols.
struct RunnerLayout {
  uint32_t image_start = 0, image_end = 0;  // flash
  uint32_t arena_start = 0, stack_limit = 0, stack_top = 0;
};

RunnerLayout layout(const sim::ElfImage& elf) {
  // Any firmware linked for a board has the layout symbols; a runner also has the executor.
  symbol(elf, "mcuprof_model_open");
  symbol(elf, "mcuprof_model_run");
  RunnerLayout l;
  l.image_start = symbol(elf, "__model_image_start");
  l.image_end = symbol(elf, "__model_image_end");
  const uint32_t bss_end = symbol(elf, "__bss_end__");
  l.arena_start = align16(bss_end);
  l.stack_limit = symbol(elf, "__StackLimit");
  l.stack_top = symbol(elf, "__StackTop");
  return l;
}

std::string op_name(uint32_t type) {
  if (type < 1 || type > static_cast<uint32_t>(compiler::OpType::kConcatenation)) return "?";
  return std::string(compiler::to_string(static_cast<compiler::OpType>(type)));
}

nlohmann::json shape_json(const mcuprof_tensor& t) {
  auto j = nlohmann::json::array();
  for (unsigned k = 0; k < t.rank; ++k) j.push_back(t.dims[k]);
  return j;
}

// With a dump folder, follows the runner's events and saves every activation as the
// firmware produces it: on each LAYER_END the op's output is read from the arena.
class ModelObserver final : public sim::MachineObserver {
 public:
  ModelObserver(sim::Machine& machine, const compiler::ModelImage& image, uint32_t arena,
                std::optional<std::filesystem::path> dir)
      : machine_(machine), image_(image), arena_(arena), dir_(std::move(dir)) {}

  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t /*cycle*/) override {
    if (port != kEventPort || size != 4) return;
    const auto event = decoder_.push(value, Counters{machine_.cycles(), 0, 0, 0});
    if (!event) return;
    if (!dir_ || event->type != EventType::LayerEnd || event->arg >= image_.ops.size()) return;
    for (const int32_t t : image_.op_outputs(event->arg)) {
      const auto& r = image_.tensors.at(static_cast<std::size_t>(t));
      if (r.storage != MCUPROF_STORAGE_ARENA || error_) continue;
      try {  // no exception may cross the emulator's callback: keep it, stop the run
        write_file(*dir_ / fmt::format("{}.bin", r.source_index),
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
    const auto& r = image.tensors[i];
    nlohmann::json j{{"index", t.source_index},
                     {"name", t.name},
                     {"dtype", std::string(compiler::to_string(t.dtype))},
                     {"shape", shape_json(r)}};
    const bool input = std::find(m.graph.inputs.begin(), m.graph.inputs.end(),
                                 static_cast<int32_t>(i)) != m.graph.inputs.end();
    if (const auto it = dumped.find(static_cast<int32_t>(i)); it != dumped.end()) {
      const auto& op = image.ops[it->second];
      j["status"] = "dumped";
      j["file"] = fmt::format("{}.bin", t.source_index);
      j["producing_op"] = {
          {"index", it->second}, {"node", op.source_index}, {"op", op_name(op.type)}};
    } else if (input) {
      j["status"] = "model input";
      j["file"] = fmt::format("{}.bin", t.source_index);
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

CompiledModel compile_model(const std::filesystem::path& model) {
  return compile_model(model, "layer", 0);
}

namespace {

struct ScheduleSpec {
  enum Kind { kLayer, kPatch, kFixed, kAuto } kind = kLayer;
  int32_t split = 0, grid = 0;
};

ScheduleSpec parse_schedule(const std::string& text) {
  ScheduleSpec s;
  if (text == "layer") return s;
  if (text == "patch") return {ScheduleSpec::kPatch};
  if (text == "auto") return {ScheduleSpec::kAuto};
  int p = 0, q = 0, n = 0;
  char tail = 0;
  if (text.rfind("patch:", 0) == 0 &&
      std::sscanf(text.c_str() + 6, "%dx%d@%d%c", &p, &q, &n, &tail) == 3 && p == q && p > 0 &&
      n > 0)
    return {ScheduleSpec::kFixed, n, p};
  throw CommandError(exit_code::kUsage,
                     fmt::format("run: --schedule '{}': expected layer, patch, patch:PxP@N (e.g. "
                                 "patch:4x4@12) or auto",
                                 text));
}

std::string schedule_name(int32_t split, int32_t grid) {
  return fmt::format("patch:{}x{}@{}", grid, grid, split);
}

}  // namespace

CompiledModel compile_model(const std::filesystem::path& model, const std::string& schedule,
                            int64_t sram_budget) {
  const ScheduleSpec spec = parse_schedule(schedule);
  CompiledModel m;
  try {
    m.graph = compiler::import_tflite_file(model);
    m.memory = compiler::plan_memory(m.graph);
    std::optional<compiler::StagePlan> stage;
    if (spec.kind == ScheduleSpec::kFixed) {
      stage = compiler::plan_stage(m.graph, spec.split, spec.grid);
    } else if (spec.kind != ScheduleSpec::kLayer) {
      // The kernels' scratch sits after the planned arena in every schedule (it is sized
      // for the whole-map ops): the planned arena gets the room that is left.
      const auto layer_image = compiler::write_model_image(m.graph, m.memory.plan);
      const int64_t scratch = int64_t{mcuprof_image_arena_needed(layer_image.data())} -
                              align16(static_cast<uint64_t>(m.memory.plan.arena_bytes));
      const auto search = compiler::search_schedules(m.graph, sram_budget - scratch, 20.0);
      const compiler::ScheduleOption* pick = nullptr;
      if (spec.kind == ScheduleSpec::kAuto) {
        pick = &search.recommended;
      } else {
        const auto better = [](const compiler::ScheduleOption& a,
                               const compiler::ScheduleOption& b) {
          if (a.estimate.arena_bytes != b.estimate.arena_bytes)
            return a.estimate.arena_bytes < b.estimate.arena_bytes;
          return a.estimate.macs < b.estimate.macs;
        };
        for (const auto& o : search.options)
          if (o.estimate.mac_overhead_pct <= 20.0 && (pick == nullptr || better(o, *pick)))
            pick = &o;
        for (const auto& o : search.options)
          if (pick == nullptr || (pick->estimate.mac_overhead_pct > 20.0 && better(o, *pick)))
            pick = &o;
        if (pick == nullptr)
          throw compiler::ModelError("no patch-based schedule is possible for this model");
      }
      if (pick->patch) stage = compiler::plan_stage(m.graph, pick->split, pick->grid);
    }
    if (stage) {
      m.image = compiler::write_patch_model_image(m.graph, *stage);
      m.schedule = schedule_name(stage->split, stage->grid);
    } else {
      m.image = compiler::write_model_image(m.graph, m.memory.plan);
    }
    m.planned_arena_bytes = compiler::read_model_image(m.image).header.arena_size;
  } catch (const compiler::ModelError& e) {
    std::error_code ec;
    const int status =
        std::filesystem::exists(model, ec) ? exit_code::kDataError : exit_code::kNoInput;
    // The importer's messages often name the file already: name it once.
    const std::string what = e.what();
    throw CommandError(status, what.find(model.filename().string()) != std::string::npos
                                   ? what
                                   : fmt::format("{}: {}", model.string(), what));
  }
  const auto s = mcuprof_image_validate(m.image.data(), static_cast<uint32_t>(m.image.size()), 1);
  if (s != MCUPROF_EXEC_OK)
    throw CommandError(exit_code::kDataError,
                       fmt::format("{}: the executor cannot run this model: {}", model.string(),
                                   mcuprof_exec_status_name(s)));
  m.arena_needed = mcuprof_image_arena_needed(m.image.data());
  return m;
}

std::vector<std::vector<uint8_t>> model_inputs(const CompiledModel& model,
                                               const std::optional<std::filesystem::path>& file) {
  std::vector<std::vector<uint8_t>> inputs;
  std::size_t total = 0;
  for (const auto t : model.graph.inputs)
    total += static_cast<std::size_t>(model.graph.tensor(t).bytes());
  if (file) {
    const auto bytes = read_file(*file, "input");
    if (bytes.size() != total)
      throw CommandError(exit_code::kDataError,
                         fmt::format("{}: input has {} bytes, the model's input tensor(s) need {}",
                                     file->string(), bytes.size(), total));
    std::size_t at = 0;
    for (const auto t : model.graph.inputs) {
      const auto n = static_cast<std::size_t>(model.graph.tensor(t).bytes());
      inputs.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                          bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
    }
    return inputs;
  }
  // Deterministic input: xorshift32 seeded with 0x6D637570 ("mcup"), one draw per byte
  // (low 8 bits) for integer inputs, one per element for float32 (uniform in [-1, 1)).
  uint32_t state = 0x6D637570u;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  for (const auto t : model.graph.inputs) {
    const auto& tensor = model.graph.tensor(t);
    std::vector<uint8_t> bytes(static_cast<std::size_t>(tensor.bytes()));
    if (tensor.dtype == compiler::DType::kFloat32) {
      for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4) {
        const float v = static_cast<float>(next() >> 8) / 8388608.0f - 1.0f;
        std::memcpy(bytes.data() + i, &v, 4);
      }
    } else {
      for (auto& b : bytes) b = static_cast<uint8_t>(next() & 0xFFu);
    }
    inputs.push_back(std::move(bytes));
  }
  return inputs;
}

std::filesystem::path find_model_runner(const std::string& board) {
  const std::filesystem::path leaf = std::filesystem::path(board) / "model_runner.elf";
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("MCUPROF_FIRMWARE_DIR"); env != nullptr && *env != '\0')
    candidates.push_back(std::filesystem::path(env) / leaf);
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path().parent_path() / "firmware" / leaf);
  candidates.push_back(std::filesystem::path(MCUPROF_FIRMWARE_DIR) / leaf);
  for (const auto& c : candidates)
    if (std::filesystem::is_regular_file(c, ec)) return c;
  throw CommandError(exit_code::kNoInput,
                     fmt::format("no model runner firmware for board {} (looked for {})", board,
                                 candidates.back().string()));
}

RunOutcome run_model(const ModelRunRequest& request, std::ostream& console_out,
                     std::ostream& console_err) {
  const targets::Target target = resolve_target(request.target_name, request.target_file);
  const auto runner_path = request.runner ? *request.runner : find_model_runner(target.name);
  RunnerLayout l;
  try {
    l = layout(sim::ElfImage::load(runner_path));
  } catch (const sim::SimError& e) {
    throw CommandError(exit_code::kNoInput, e.what());
  }
  const uint64_t sram_room = l.stack_limit > l.arena_start ? l.stack_limit - l.arena_start : 0;
  const CompiledModel model =
      compile_model(request.model, request.schedule, static_cast<int64_t>(sram_room));
  const compiler::ModelImage image = compiler::read_model_image(model.image);
  const auto inputs = model_inputs(model, request.input);

  // Refuse what does not fit, before running.
  std::vector<uint8_t> flash(model.image.begin(), model.image.end());
  for (const auto& in : inputs) {
    flash.resize(align16(flash.size()));
    flash.insert(flash.end(), in.begin(), in.end());
  }
  const uint64_t flash_room = l.image_end > l.image_start ? l.image_end - l.image_start : 0;
  const std::string advice =
      "; try the patch-based schedule or a larger (what-if) board, see 'mcuprof targets'";
  if (flash.size() > flash_room)
    throw CommandError(
        exit_code::kDataError,
        fmt::format("{} does not fit {}'s flash: image and input need {} bytes, {} are free after "
                    "the model runner ({} bytes of flash in all){}",
                    request.model.filename().string(), target.name, flash.size(), flash_room,
                    target.code().size, advice));
  if (model.arena_needed > sram_room)
    throw CommandError(
        exit_code::kDataError,
        fmt::format("{} does not fit {}'s SRAM: its arena needs {} bytes (plan {} + kernel scratch "
                    "{}), {} are free between static data and the {}-byte stack{}",
                    request.model.filename().string(), target.name, model.arena_needed,
                    model.planned_arena_bytes,
                    model.arena_needed - align16(static_cast<uint64_t>(model.planned_arena_bytes)),
                    sram_room, target.stack_bytes, advice));

  if (request.dump_tensors) {
    std::error_code ec;
    std::filesystem::create_directories(*request.dump_tensors, ec);
    if (ec || !std::filesystem::is_directory(*request.dump_tensors))
      throw CommandError(exit_code::kCantCreate,
                         fmt::format("{}: cannot create folder", request.dump_tensors->string()));
    check_output_writable(*request.dump_tensors / "index.json", "tensor dump");
  }

  RunRequest run;
  run.firmware = runner_path;
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
    watcher = std::make_unique<ModelObserver>(machine, image, l.arena_start, request.dump_tensors);
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
    // run_firmware measured the inference (RUN_BEGIN..RUN_END) and every span's SRAM peak
    // on the static + arena + stack timeline; the summary repeats those figures.
    const auto inference_cycles = s["total_cycles"].get<uint64_t>();
    auto layers = nlohmann::json::array();
    for (std::size_t k = 0; k < attribution.spans.size(); ++k) {
      const Span& span = attribution.spans[k];
      if (span.kind != SpanKind::Layer || span.index >= image.ops.size()) continue;
      const auto outs = image.op_outputs(span.index);
      layers.push_back(
          {{"index", span.index},
           {"node", image.ops[span.index].source_index},
           {"name",
            outs.empty() ? std::string() : image.tensor_name(static_cast<std::size_t>(outs[0]))},
           {"op", op_name(span.op)},
           {"cycles", span.cycles()},
           {"macs", span.macs},
           {"cycles_per_mac", span.macs ? nlohmann::json(static_cast<double>(span.cycles()) /
                                                         static_cast<double>(span.macs))
                                        : nlohmann::json()},
           {"flash_read_bytes", span.flash_data_bytes()},
           {"flash_ifetch_bytes", span.flash_ifetch_bytes()},
           {"arena_live_bytes", span.arena_peak_live_bytes},
           {"peak_sram_bytes", s["spans"][k]["sram_peak_bytes"]}});
      // Inside a patch of a patch schedule: which one.
      if (span.parent >= 0 && static_cast<std::size_t>(span.parent) < attribution.spans.size()) {
        const Span& parent = attribution.spans[static_cast<std::size_t>(span.parent)];
        if (parent.kind == SpanKind::Patch)
          layers.back()["patch"] = {
              {"index", parent.index}, {"row", parent.row}, {"column", parent.column}};
      }
    }
    uint64_t total_macs = 0;
    for (const auto& layer : layers) total_macs += layer["macs"].get<uint64_t>();
    s["model"] = request.model.string();
    s["schedule"] = model.schedule;
    s["machine_cycles"] = result.cycles;
    s["total_macs"] = total_macs;
    s["cycles_per_mac"] = total_macs ? nlohmann::json(static_cast<double>(inference_cycles) /
                                                      static_cast<double>(total_macs))
                                     : nlohmann::json();
    s["layers"] = std::move(layers);
    s["arena_bytes"] = model.arena_needed;
    s["planned_arena_bytes"] = model.planned_arena_bytes;
    s["arena_address"] = l.arena_start;
    s["kernel_scratch_bytes"] = run.scratch_after_arena;  // inside static_sram_bytes
    // The painted stack's high-water mark over the whole run: a cross-check of the sampled
    // stack_peak_bytes (docs/runtime.md says why they differ by a few words).
    s["stack_high_water_bytes"] = stack_used;
    s["image_bytes"] = model.image.size();
    s["image_address"] = l.image_start;
    if (request.dump_tensors) {
      try {  // a failed dump is reported after the run is stored and summarised
        for (std::size_t k = 0; k < image.inputs.size(); ++k)
          write_file(*request.dump_tensors /
                         fmt::format("{}.bin", image.tensors[image.inputs[k]].source_index),
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
