// Compiling a model for the model runner (see model_run.hpp): import, schedule (the
// choice `plan` shows, model_fit.hpp), image; the model's input bytes; finding the runner.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/patch_image.hpp"
#include "mcuprof/compiler/patch_plan.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof_executor.h"
#include "mcuprof_kernels.h"

namespace mcuprof::profiler {

void require_regular_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::regular) return;
  if (status.type() == std::filesystem::file_type::not_found || ec)
    throw CommandError(exit_code::kNoInput,
                       fmt::format("{}: no such file (the {})", path.string(), what));
  if (status.type() == std::filesystem::file_type::directory)
    throw CommandError(exit_code::kNoInput,
                       fmt::format("{}: is a directory, not a {} file", path.string(), what));
  throw CommandError(exit_code::kNoInput,
                     fmt::format("{}: not a regular file (a device, FIFO or socket); the {} "
                                 "must be a file",
                                 path.string(), what));
}

namespace {

std::vector<uint8_t> read_file(const std::filesystem::path& path, const char* what) {
  require_regular_file(path, what);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw CommandError(exit_code::kNoInput, fmt::format("{}: cannot read {}", path.string(), what));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

CompiledModel compile_model(const std::filesystem::path& model) {
  return compile_model(model, "layer", nullptr);
}

nlohmann::json model_io_json(const compiler::Graph& graph, const std::vector<int32_t>& tensors) {
  auto list = nlohmann::json::array();
  for (const auto t : tensors) {
    const auto& x = graph.tensor(t);
    nlohmann::json j{{"index", x.source_index},
                     {"name", x.name},
                     {"dtype", std::string(compiler::to_string(x.dtype))},
                     {"shape", x.shape}};
    if (x.quant.present() && !x.quant.per_channel()) {
      j["scale"] = x.scale();
      j["zero_point"] = x.zero_point();
    } else {
      j["scale"] = nullptr;
      j["zero_point"] = nullptr;
    }
    list.push_back(std::move(j));
  }
  return list;
}

namespace {

struct ScheduleSpec {
  enum Kind { kLayer, kPatch, kFixed, kAuto } kind = kLayer;
  std::vector<compiler::StageSpec> stages;  // kFixed
};

ScheduleSpec parse_schedule(const std::string& text) {
  ScheduleSpec s;
  if (text == "layer") return s;
  if (text == "patch") return {ScheduleSpec::kPatch, {}};
  if (text == "auto") return {ScheduleSpec::kAuto, {}};
  if (auto stages = compiler::parse_schedule_string(text))
    return {ScheduleSpec::kFixed, std::move(*stages)};
  throw CommandError(exit_code::kUsage,
                     fmt::format("run: --schedule '{}': expected layer, patch, auto, patch:PxP@N "
                                 "(p x p patches over layers 0 to N-1, e.g. patch:4x4@12) or "
                                 "stages joined by '+', the later ones as PxP@A-B (layers A to "
                                 "B-1, e.g. patch:4x4@2+4x4@5-9)",
                                 text));
}

std::vector<compiler::StageSpec> specs_of(const std::vector<compiler::StagePlan>& stages) {
  std::vector<compiler::StageSpec> specs;
  for (const auto& s : stages) specs.push_back({s.first, s.split, s.grid});
  return specs;
}

}  // namespace

CompiledModel compile_model(const std::filesystem::path& model, const std::string& schedule,
                            const ModelBoard* board, bool int8_io) {
  const ScheduleSpec spec = parse_schedule(schedule);
  require_regular_file(model, "model");
  CompiledModel m;
  try {
    m.graph = compiler::import_tflite_file(model, {.int8_io = int8_io});
    m.memory = compiler::plan_memory(m.graph);
    std::vector<compiler::StagePlan> stages;
    if (spec.kind == ScheduleSpec::kFixed) {
      stages = compiler::plan_stages(m.graph, spec.stages);
    } else if (spec.kind == ScheduleSpec::kAuto) {
      if (board == nullptr) throw CommandError(exit_code::kUsage, "--schedule auto needs a board");
      // Exactly what `plan` recommends for this board (model_fit.hpp).
      const auto choice = choose_schedule(m.graph, *board, input_sizes(m.graph));
      if (choice.recommended.option.patch)
        stages = compiler::plan_stages(m.graph, choice.recommended.option.stages);
    } else if (spec.kind == ScheduleSpec::kPatch) {
      // The planner's least-arena patch option within 20 % MAC overhead, else the least
      // arena of all (no board: the budget plays no part in this pick).
      const auto search = compiler::search_schedules(m.graph, 0, 20.0);
      const compiler::ScheduleOption* pick = nullptr;
      const auto better = [](const compiler::ScheduleOption& a, const compiler::ScheduleOption& b) {
        if (a.estimate.arena_bytes != b.estimate.arena_bytes)
          return a.estimate.arena_bytes < b.estimate.arena_bytes;
        return a.estimate.macs < b.estimate.macs;
      };
      for (const auto& o : search.options)
        if (o.estimate.mac_overhead_pct <= 20.0 && (pick == nullptr || better(o, *pick))) pick = &o;
      for (const auto& o : search.options)
        if (pick == nullptr || (pick->estimate.mac_overhead_pct > 20.0 && better(o, *pick)))
          pick = &o;
      if (pick == nullptr)
        throw compiler::ModelError("no patch-based schedule is possible for this model");
      stages = compiler::plan_stages(m.graph, pick->stages);
    }
    if (!stages.empty()) {
      m.image = compiler::write_patch_model_image(m.graph, stages);
      m.schedule = compiler::schedule_string(specs_of(stages));
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
  for (std::size_t k = 0; k < model.graph.inputs.size(); ++k) {
    const auto& tensor = model.graph.tensor(model.graph.inputs[k]);
    std::vector<uint8_t> bytes(static_cast<std::size_t>(tensor.bytes()));
    const int32_t from_float =
        k < model.graph.float_inputs.size() ? model.graph.float_inputs[k] : -1;
    if (from_float >= 0) {
      // int8 I/O: the float input the float path would use, quantized by the kernel the
      // dropped QUANTIZE would have run (same scale and zero point), so both paths agree.
      std::vector<float> values(bytes.size());
      for (auto& v : values) v = static_cast<float>(next() >> 8) / 8388608.0f - 1.0f;
      mcuprof_quantize_f32_s8(values.data(), reinterpret_cast<int8_t*>(bytes.data()), values.size(),
                              tensor.scale(), tensor.zero_point());
    } else if (tensor.dtype == compiler::DType::kFloat32) {
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

}  // namespace mcuprof::profiler
