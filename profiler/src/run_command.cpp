// `mcuprof run FIRMWARE.elf --target NAME [--db FILE] [--summary FILE] [--max-cycles N]`,
// and `mcuprof run MODEL.tflite --target NAME [--input F] [--output F] [--dump-tensors DIR]
// ...` (model_run.hpp): the file's first bytes choose the form.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"

namespace mcuprof::profiler {
namespace {

struct RunArgs {
  RunRequest request;
  std::string target_file;
  std::string db;
  std::string summary;
  std::string semihosting_root;
  std::string input, output, dump_tensors, runner;  // model form only
};

std::string with_thousands(uint64_t v) {
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

// A .tflite flatbuffer carries "TFL3" at bytes 4..7; an ELF starts with 0x7F 'E' 'L' 'F'.
bool is_tflite(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  in.read(head.data(), head.size());
  if (in.gcount() == 8 && std::string_view(head.data() + 4, 4) == "TFL3") return true;
  constexpr std::array<char, 4> kElfMagic{'\x7f', 'E', 'L', 'F'};
  if (in.gcount() >= 4 && std::equal(kElfMagic.begin(), kElfMagic.end(), head.begin()))
    return false;
  return path.extension() == ".tflite";
}

int run_model_form(RunArgs& args) {
  ModelRunRequest m;
  m.model = args.request.firmware;
  m.target_name = args.request.target_name;
  m.target_file = args.request.target_file;
  m.database = args.request.database;
  m.summary = args.request.summary;
  m.max_cycles = args.request.max_cycles;
  if (!args.input.empty()) m.input = args.input;
  if (!args.output.empty()) m.output = args.output;
  if (!args.dump_tensors.empty()) m.dump_tensors = args.dump_tensors;
  if (!args.runner.empty()) m.runner = args.runner;
  const auto outcome = run_model(m, std::cout, std::cerr);
  const auto& s = outcome.summary;
  const std::string how = s["stop_reason"] == "exited"
                              ? fmt::format("exited with status {}", s["exit_code"].get<int>())
                              : fmt::format("stopped: {}", s["detail"].get<std::string>());
  fmt::print(stderr, "mcuprof: {} on {}: {}; inference {} cycles ({:.3f} ms at {:g} MHz), {} MACs",
             m.model.filename().string(), s["target"].get<std::string>(), how,
             with_thousands(s.value("total_cycles", uint64_t{0})), s.value("latency_ms", 0.0),
             s["clock_hz"].get<double>() / 1e6, with_thousands(s.value("total_macs", uint64_t{0})));
  if (s.contains("cycles_per_mac") && s["cycles_per_mac"].is_number())
    fmt::print(stderr, " ({:.2f} cycles/MAC)", s["cycles_per_mac"].get<double>());
  fmt::print(stderr, ", peak SRAM {} bytes",
             with_thousands(s.value("peak_sram_bytes", uint64_t{0})));
  if (!s["run_id"].is_null())
    fmt::print(stderr, "; run {} in {}", s["run_id"].get<int64_t>(),
               s["database"].get<std::string>());
  fmt::print(stderr, "\n");
  return outcome.exit_status;
}

int run(RunArgs& args) {
  RunRequest& request = args.request;
  if (request.target_name.empty() && args.target_file.empty())
    throw CommandError(exit_code::kUsage, "run: --target NAME or --target-file FILE is required");
  if (!args.target_file.empty()) request.target_file = args.target_file;
  if (!args.db.empty()) request.database = args.db;
  if (!args.summary.empty()) request.summary = args.summary;
  if (!args.semihosting_root.empty()) request.semihosting_root = args.semihosting_root;
  if (is_tflite(request.firmware)) return run_model_form(args);
  if (!args.input.empty() || !args.output.empty() || !args.dump_tensors.empty() ||
      !args.runner.empty())
    throw CommandError(exit_code::kUsage,
                       "run: --input, --output, --dump-tensors and --runner need a .tflite model");

  const auto outcome = run_firmware(request, std::cout, std::cerr);
  const auto& s = outcome.summary;
  const std::string how = s["stop_reason"] == "exited"
                              ? fmt::format("exited with status {}", s["exit_code"].get<int>())
                              : fmt::format("stopped: {}", s["detail"].get<std::string>());
  fmt::print(stderr,
             "mcuprof: {} on {}: {} after {} cycles ({:.3f} ms at {:g} MHz), {} instructions",
             request.firmware.filename().string(), s["target"].get<std::string>(), how,
             with_thousands(s["total_cycles"].get<uint64_t>()), s["latency_ms"].get<double>(),
             s["clock_hz"].get<double>() / 1e6, with_thousands(s["instructions"].get<uint64_t>()));
  if (!s["run_id"].is_null())
    fmt::print(stderr, "; run {} in {}", s["run_id"].get<int64_t>(),
               s["database"].get<std::string>());
  fmt::print(stderr, "\n");
  return outcome.exit_status;
}

}  // namespace

void add_run_command(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd =
      app.add_subcommand("run", "Run a firmware ELF or a .tflite model on an emulated board");
  cmd->add_option("firmware", args->request.firmware,
                  "Firmware ELF file, or an int8 .tflite model (runs on the board's model runner)")
      ->required();
  auto* target =
      cmd->add_option("--target", args->request.target_name, "Board name (see 'mcuprof targets')");
  cmd->add_option("--target-file", args->target_file, "Board description JSON instead of a name")
      ->excludes(target);
  cmd->add_option("--db", args->db, "Trace database to add the run to (created if missing)");
  cmd->add_option("--summary", args->summary, "Write a JSON summary of the run to this file");
  cmd->add_option("--semihosting-root", args->semihosting_root,
                  "Folder whose files the firmware may open through semihosting (no access "
                  "outside it)");
  cmd->add_option(
      "--input", args->input,
      "Model: raw bytes of the input tensor(s) in their own dtype (NHWC, little-endian)");
  cmd->add_option("--output", args->output, "Model: write the output tensor(s) as raw bytes");
  cmd->add_option("--dump-tensors", args->dump_tensors,
                  "Model: write every activation as DIR/<tensor-index>.bin plus DIR/index.json");
  cmd->add_option("--runner", args->runner,
                  "Model: model runner ELF to use instead of the board's");
  cmd->add_option("--max-cycles", args->request.max_cycles,
                  "Stop a firmware that has not exited after this many cycles")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  commands.push_back({cmd, [args] { return run(*args); }});
}

}  // namespace mcuprof::profiler
