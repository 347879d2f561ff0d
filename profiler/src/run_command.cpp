// `mcuprof run FIRMWARE.elf --target NAME [--db FILE] [--summary FILE] [--max-cycles N]`,
// and `mcuprof run MODEL.tflite --target NAME [--input F] [--output F] [--dump-tensors DIR]
// ...` (model_run.hpp): the file's first bytes choose the form.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli_values.hpp"
#include "commands.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/gates.hpp"
#include "mcuprof/profiler/junit_report.hpp"
#include "mcuprof/profiler/model_run.hpp"
#include "mcuprof/profiler/run.hpp"
#include "mcuprof/traces/function_names.hpp"
#include "output_file.hpp"
#include "output_guard.hpp"
#include "run_tables.hpp"
#include "table.hpp"

namespace mcuprof::profiler {
namespace {

struct RunArgs {
  RunRequest request;
  std::string target_file;
  std::string db;
  std::string summary;
  std::string semihosting_root;
  std::vector<std::string> fail_if;
  std::string junit;
  std::string input, output, dump_tensors, runner;  // model form only
  std::string schedule;                             // model form only
  std::string io;                                   // model form only: float | int8
  std::string model;                                // ELF form only: --model
};

// A .tflite flatbuffer carries "TFL3" at bytes 4..7; an ELF starts with 0x7F 'E' 'L' 'F'.
bool is_tflite(const std::filesystem::path& path) {
  // Only a regular file is opened: a FIFO would block (the loader names what it is).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return path.extension() == ".tflite";
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  in.read(head.data(), head.size());
  if (in.gcount() == 8 && std::string_view(head.data() + 4, 4) == "TFL3") return true;
  constexpr std::array<char, 4> kElfMagic{'\x7f', 'E', 'L', 'F'};
  if (in.gcount() >= 4 && std::equal(kElfMagic.begin(), kElfMagic.end(), head.begin()))
    return false;
  return path.extension() == ".tflite";
}

// Evaluates the --fail-if gates on a summary, prints them, writes --junit; returns the
// process status: the run's own when it failed, else 91 when a gate failed.
int apply_gates(const RunArgs& args, const std::vector<Gate>& gates, const nlohmann::json& s,
                int exit_status) {
  int status = exit_status;
  const auto results = evaluate_gates(gates, s);
  size_t failed = 0;
  for (const auto& r : results) {
    fmt::print(stderr, "mcuprof: gate: {}\n", r.message);
    failed += r.failed() ? 1 : 0;
  }
  if (failed > 0 && status == exit_code::kOk) status = exit_code::kGateFailed;
  if (!gates.empty())
    fmt::print(stderr, "mcuprof: verdict: {} ({} of {} gates failed)\n", failed ? "FAIL" : "PASS",
               failed, gates.size());
  if (!args.junit.empty())
    write_junit(args.junit, junit_xml(junit_run_from_summary(s, exit_status), results));
  return status;
}

// Runs `run` (one of the run forms); when it refuses before running (CommandError: does not
// fit, bad schedule, unknown board, missing input...), writes --junit with the refusal as
// the failing test case and passes the refusal on with its own status.
template <class Run>
RunOutcome reporting_refusal(const RunArgs& args, const std::vector<Gate>& gates, Run&& run) {
  try {
    return run();
  } catch (const CommandError& e) {
    if (!args.junit.empty()) {
      // The run's name: `--name`, else its default, the model's or ELF's file name.
      const std::string name = !args.request.name.empty()
                                   ? args.request.name
                                   : args.request.firmware.filename().string();
      const std::string board = !args.request.target_name.empty()
                                    ? args.request.target_name
                                    : std::filesystem::path(args.target_file).stem().string();
      try {
        write_junit(args.junit, junit_xml(junit_refused_run(name, board, e.what(), e.exit_status()),
                                          {}, gates));
      } catch (const CommandError& junit_error) {  // the refusal stays the status
        fmt::print(stderr, "mcuprof: error: {}\n", junit_error.what());
      }
    }
    throw;
  }
}

// Ends the one-line verdict both run forms print (where the run was stored), then the
// function table and the gates.
int finish_run_line(const RunArgs& args, const std::vector<Gate>& gates, const nlohmann::json& s,
                    int exit_status) {
  if (!s["run_id"].is_null())
    fmt::print(stderr, "; run {} in {}", s["run_id"].get<int64_t>(),
               s["database"].get<std::string>());
  fmt::print(stderr, "\n");
  if (!is_tflite(args.request.firmware)) print_layers(s);
  if (s.contains("functions")) print_functions(s);
  return apply_gates(args, gates, s, exit_status);
}

// --io int8: the quantization the application applies to its input and output.
void print_int8_io(const nlohmann::json& s) {
  for (const char* key : {"model_inputs", "model_outputs"}) {
    std::size_t k = 0;
    for (const auto& t : s[key]) {
      const bool input = std::string_view(key) == "model_inputs";
      fmt::print(stderr, "\nmcuprof: --io int8: {} {} '{}' {} [{}]", input ? "input" : "output",
                 k++, t["name"].get<std::string>(), t["dtype"].get<std::string>(),
                 fmt::join(t["shape"].get<std::vector<int64_t>>(), ","));
      if (t["scale"].is_number())
        fmt::print(stderr, ", scale {:.9g}, zero point {}{}", t["scale"].get<double>(),
                   t["zero_point"].get<int64_t>(),
                   input ? " (write q = round(x / scale) + zero point into the arena)"
                         : " (read x = scale * (q - zero point))");
    }
  }
}

int run_model_form(RunArgs& args, const std::vector<Gate>& gates) {
  ModelRunRequest m;
  m.model = args.request.firmware;
  m.target_name = args.request.target_name;
  m.target_file = args.request.target_file;
  m.database = args.request.database;
  m.summary = args.request.summary;
  m.max_cycles = args.request.max_cycles;
  m.max_seconds = args.request.max_seconds;
  m.unit_cycles = args.request.unit_cycles;
  m.observe_memory = args.request.observe_memory;
  m.function_cycles = args.request.function_cycles;
  m.name = args.request.name;
  if (!args.input.empty()) m.input = args.input;
  if (!args.output.empty()) m.output = args.output;
  if (!args.dump_tensors.empty()) m.dump_tensors = args.dump_tensors;
  if (!args.runner.empty()) m.runner = args.runner;
  if (!args.schedule.empty()) m.schedule = args.schedule;
  m.int8_io = args.io == "int8";
  if (m.output) check_output_writable(*m.output, "output");  // before the run
  const auto outcome =
      reporting_refusal(args, gates, [&] { return run_model(m, std::cout, std::cerr); });
  const auto& s = outcome.summary;
  const std::string how = s["stop_reason"] == "exited"
                              ? fmt::format("exited with status {}", s["exit_code"].get<int>())
                              : fmt::format("stopped: {}", s["detail"].get<std::string>());
  const uint64_t macs = s["macs"].is_number() ? s["macs"].get<uint64_t>() : 0;
  fmt::print(stderr, "mcuprof: {} on {}: {}; inference {} cycles ({:.3f} ms at {:g} MHz), {} MACs",
             s["name"].get<std::string>(), s["target"].get<std::string>(), how,
             format_count(s.value("total_cycles", uint64_t{0})), s.value("latency_ms", 0.0),
             s["clock_hz"].get<double>() / 1e6, format_count(macs));
  if (s.contains("cycles_per_mac") && s["cycles_per_mac"].is_number())
    fmt::print(stderr, " ({:.2f} cycles/MAC)", s["cycles_per_mac"].get<double>());
  fmt::print(stderr, ", peak SRAM {} bytes ({:.1f} % of {})",
             format_count(s["peak_sram_bytes"].get<uint64_t>()), s["sram_pct"].get<double>(),
             format_bytes(s["sram_bytes"].get<uint64_t>()));
  // Always say which schedule ran (with --schedule auto it is the planner's choice).
  fmt::print(stderr, ", schedule {}{}", s["schedule"].get<std::string>(),
             m.schedule == "auto" ? " (auto: what 'mcuprof plan' recommends)" : "");
  if (m.int8_io && s.contains("model_inputs")) print_int8_io(s);
  return finish_run_line(args, gates, s, outcome.exit_status);
}

int run(RunArgs& args) {
  RunRequest& request = args.request;
  if (request.target_name.empty() && args.target_file.empty())
    throw CommandError(exit_code::kUsage, "run: --target NAME or --target-file FILE is required");
  if (!args.target_file.empty()) request.target_file = args.target_file;
  if (!args.db.empty()) request.database = args.db;
  if (!args.summary.empty()) request.summary = args.summary;
  if (!args.semihosting_root.empty()) request.semihosting_root = args.semihosting_root;
  using Kind = CommandFile::Kind;
  refuse_clashing_files("run", {{"firmware", request.firmware, Kind::Input},
                                {"--target-file", args.target_file, Kind::Input},
                                {"--input", args.input, Kind::Input},
                                {"--runner", args.runner, Kind::Input},
                                {"--model", args.model, Kind::Input},
                                {"--db", args.db, Kind::Input},
                                {"--summary", args.summary, Kind::Output},
                                {"--output", args.output, Kind::Output},
                                {"--junit", args.junit, Kind::Output},
                                {"--dump-tensors", args.dump_tensors, Kind::OutputFolder}});
  if (!args.junit.empty()) check_output_writable(args.junit, "JUnit report");
  std::vector<Gate> gates;
  for (const auto& text : args.fail_if) gates.push_back(parse_gate(text));  // before running
  if (is_tflite(request.firmware)) {
    if (!args.model.empty() || !request.window_functions.empty() || !request.layers_from.empty() ||
        !request.arena_symbol.empty())
      throw CommandError(exit_code::kUsage,
                         "run: --model, --window, --layers-from and --arena are for a "
                         "firmware ELF (a .tflite runs on the model runner, which marks its "
                         "own window, layers and arena)");
    return run_model_form(args, gates);
  }
  if (!args.model.empty()) {
    require_regular_file(args.model, "model");
    request.model = args.model;
    request.layers_from_model = true;
    // The run is the firmware's, named after it, not after the model it runs.
    if (request.name.empty()) request.name = request.firmware.filename().string();
  }
  if (!args.input.empty() || !args.output.empty() || !args.dump_tensors.empty() ||
      !args.runner.empty() || !args.schedule.empty() || !args.io.empty())
    throw CommandError(exit_code::kUsage,
                       "run: --input, --output, --dump-tensors, --runner, --schedule and --io "
                       "need a .tflite model");

  const auto outcome =
      reporting_refusal(args, gates, [&] { return run_firmware(request, std::cout, std::cerr); });
  const auto& s = outcome.summary;
  const std::string how = s["stop_reason"] == "exited"
                              ? fmt::format("exited with status {}", s["exit_code"].get<int>())
                              : fmt::format("stopped: {}", s["detail"].get<std::string>());
  const bool windowed = s["inference_window"].value("source", "") != "whole run";
  fmt::print(stderr, "mcuprof: {} on {}: {}{} {} cycles ({:.3f} ms at {:g} MHz){}, {} instructions",
             s["name"].get<std::string>(), s["target"].get<std::string>(), how,
             windowed ? "; inference" : " after", format_count(s["total_cycles"].get<uint64_t>()),
             s["latency_ms"].get<double>(), s["clock_hz"].get<double>() / 1e6,
             windowed ? " in " + window_words(s) : "",
             format_count(s["instructions"].get<uint64_t>()));
  if (s["macs"].is_number())
    fmt::print(stderr, ", {} MACs ({:.2f} cycles/MAC)", format_count(s["macs"].get<uint64_t>()),
               s["cycles_per_mac"].get<double>());
  return finish_run_line(args, gates, s, outcome.exit_status);
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
  cmd->add_option("--name", args->request.name,
                  "Name of the run (stored; shown by report, compare, plot and the GUI; "
                  "default: the model's or the firmware's file name)");
  cmd->add_option("--semihosting-root", args->semihosting_root,
                  "Folder whose files the firmware may open through semihosting (no access "
                  "outside it)");
  cmd->add_option(
      "--input", args->input,
      "Model: raw bytes of the input tensor(s) in their own dtype (NHWC, little-endian)");
  cmd->add_option("--output", args->output, "Model: write the output tensor(s) as raw bytes");
  cmd->add_option("--dump-tensors", args->dump_tensors,
                  "Model: write every activation as DIR/<tensor-index>.bin plus DIR/index.json");
  cmd->add_option("--schedule", args->schedule,
                  "Model: layer (default), patch (the planner's best patch option), "
                  "patch:PxP@N (p x p patches over the first N layers) or auto (the "
                  "recommendation for the board)");
  cmd->add_option("--runner", args->runner,
                  "Model: model runner ELF to use instead of the board's");
  cmd->add_option("--io", args->io,
                  "Model: float (default: the model's own inputs and outputs) or int8 (the "
                  "application writes int8 input into the arena and reads int8 output; the "
                  "boundary QUANTIZE/DEQUANTIZE are not run)")
      ->check(CLI::IsMember({"float", "int8"}));
  add_cycle_count_option(*cmd, "--max-cycles", args->request.max_cycles,
                         "Stop a firmware that has not exited after this many cycles (e.g. "
                         "5000000, 1e6, 10M, 2G); overrides --max-time");
  add_duration_option(*cmd, "--max-time", args->request.max_seconds,
                      "Stop a firmware that has not exited after this much simulated time at "
                      "the board's clock (e.g. 60, 500ms, 2m; default 60 s)");
  cmd->add_option("--function-cycles", args->request.function_cycles,
                  "Per-function inclusive/exclusive figures from a shadow call stack, stored "
                  "with the run; list the N functions (ELF symbols) that took most cycles")
      ->expected(0, 1)
      ->default_str("20")
      ->check(CLI::Range(1u, 1'000'000u));
  cmd->add_option("--window", args->request.window_functions,
                  "ELF: the inference window is the first call to this function (symbol, "
                  "mangled or demangled, e.g. Invoke; repeatable: the first of them called); "
                  "default: TFLite Micro's Invoke, TinyEngine's invoke, or the firmware's "
                  "RUN_BEGIN/RUN_END markers");
  cmd->add_option("--layers-from", args->request.layers_from,
                  "ELF: each call this function makes in the window is a layer (repeatable); "
                  "default: TFLite Micro's op loop, TinyEngine's invoke, or the firmware's "
                  "layer markers");
  cmd->add_option("--model", args->model,
                  "ELF: the .tflite the firmware runs: layers from calls take its op names and "
                  "MACs (checked against the calls)");
  cmd->add_option("--arena", args->request.arena_symbol,
                  "ELF with --observe-memory: the arena array whose observed use is the arena "
                  "track (default: tensor_arena, or TinyEngine's buffer)");
  cmd->add_flag("--unit-cycles", args->request.unit_cycles,
                "Count one cycle per instruction instead of the core's timing model");
  cmd->add_flag("--observe-memory", args->request.observe_memory,
                "Hook every SRAM access: report writes outside live buffers, the stack and "
                "static data (out-of-bounds writes) and store the observed SRAM view (slow)");
  cmd->add_flag("--no-flash-data{false}", args->request.count_flash_data,
                "ELF runs: do not count data reads from flash (faster on boards whose flash has "
                "no wait states; the figures then say \"not measured\")");
  cmd->add_option("--fail-if", args->fail_if,
                  "Fail (exit 91) if a condition holds after the run: METRIC OP LIMIT[UNIT], "
                  "e.g. 'peak_sram>256KiB', 'flash_bytes>1MiB', 'sram_pct>=90%', "
                  "'latency_ms>50ms', 'cycles>2M'; KB = 1000 B, KiB = 1024 B; a metric the run "
                  "did not measure fails; repeatable (docs/cli.md, \"Gates\")");
  cmd->add_option("--junit", args->junit,
                  "Write a JUnit XML report: the run and each gate as test cases, also when "
                  "the run is refused before running");
  commands.push_back({cmd, [args] { return run(*args); }});
}

}  // namespace mcuprof::profiler
