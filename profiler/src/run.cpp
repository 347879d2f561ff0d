// `mcuprof run` for an ELF (see run.hpp): set-up, the run, then the stored run and the
// summary. The observers live in run_console (console, progress, unmodelled registers),
// run_events (events, attribution, stack), run_functions (per-function figures); the
// summary and exit status in run_summary.
#include "mcuprof/profiler/run.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <ostream>

#include "elf_arena.hpp"
#include "file_hash.hpp"
#include "interrupts.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/model_fit.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof/traces/store.hpp"
#include "memory_observation.hpp"
#include "memory_system.hpp"
#include "output_file.hpp"
#include "run_budget.hpp"
#include "run_calls.hpp"
#include "run_console.hpp"
#include "run_events.hpp"
#include "run_store.hpp"
#include "run_summary.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {
namespace {

std::string utc_now_iso8601() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

// The firmware loaded on a machine for the target, ready to run.
struct PreparedMachine {
  sim::ElfImage image;
  std::string firmware_hash;
  std::unique_ptr<sim::Machine> machine;
};

PreparedMachine prepare_machine(const RunRequest& request, const targets::Target& target,
                                const RunHooks& hooks) {
  try {
    auto image = sim::ElfImage::load(request.firmware);
    std::string hash = sha256_file(request.firmware);
    auto machine = std::make_unique<sim::Machine>(target, request.unit_cycles
                                                              ? sim::make_unit_cycle_model(target)
                                                              : sim::make_cycle_model(target));
    if (hooks.before_load) hooks.before_load(image);
    machine->load(image);
    if (request.semihosting_root) {
      std::error_code ec;
      if (!std::filesystem::is_directory(*request.semihosting_root, ec))
        throw CommandError(exit_code::kNoInput, fmt::format("{}: semihosting root is not a folder",
                                                            request.semihosting_root->string()));
      machine->set_semihosting_root(*request.semihosting_root);
    }
    return {std::move(image), std::move(hash), std::move(machine)};
  } catch (const targets::TargetError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  } catch (const sim::SimError& e) {
    throw CommandError(sim_error_status(e), e.what());
  } catch (const CommandError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw CommandError(exit_code::kNoInput, e.what());
  }
}

std::string absolute_path(const std::filesystem::path& path) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path.string() : absolute.lexically_normal().string();
}

// The stored run's record: what ran, where, and its totals.
traces::RunRecord run_record(const RunRequest& request, const targets::Target& target,
                             const PreparedMachine& m, const sim::RunResult& result,
                             const Attribution& attribution, const std::string& started_at,
                             const std::string& report) {
  traces::RunRecord record;
  record.name =
      request.name.empty()
          ? (request.model ? request.model->filename() : request.firmware.filename()).string()
          : request.name;
  record.target = target.name;
  record.schedule = request.schedule;
  if (request.model) {
    record.model_path = absolute_path(*request.model);
    record.model_sha256 = sha256_file(*request.model);
  }
  record.firmware_path = absolute_path(request.firmware);
  record.firmware_sha256 = m.firmware_hash;
  record.started_at = started_at;
  record.tool_version = MCUPROF_VERSION;
  record.cycle_model = std::string(m.machine->cycle_model().name());
  record.clock_hz = target.clock_hz;
  const Counters work = measured_work(attribution, result);
  record.total_cycles = work.cycles;
  record.instructions = work.instructions;
  record.flash_ifetch_bytes = work.flash_ifetch_bytes;
  record.flash_data_bytes = work.flash_data_bytes;
  record.flash_data_measured = m.machine->counts_flash_data();
  record.stop_reason = std::string(sim::to_string(result.reason));
  record.exit_code = result.exit_code;
  record.fault =
      result.fault == sim::FaultKind::None ? "" : std::string(sim::to_string(result.fault));
  record.detail = report.empty() ? result.detail : result.detail + "\n" + report;
  return record;
}

// The arena to observe: --arena's, else a known engine's (none for the runtime's own runs,
// which announce theirs).
std::optional<ArenaSymbol> elf_arena(const sim::ElfImage& image, const RunRequest& request) {
  try {
    return find_arena(image, request.arena_symbol);
  } catch (const std::invalid_argument& e) {
    throw CommandError(exit_code::kUsage, e.what());
  }
}

uint64_t in_use_peak(const nlohmann::json& s) {
  return s.value("sram_in_use_peak_bytes", uint64_t{0});
}

}  // namespace

targets::Target resolve_target(const std::string& name,
                               const std::optional<std::filesystem::path>& file) {
  try {
    if (file) return targets::load_target_file(*file);
    return targets::Catalogue::from_directory(targets::default_catalogue_dir()).find(name);
  } catch (const targets::TargetError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  }
}

RunOutcome run_firmware(const RunRequest& request, std::ostream& console_out,
                        std::ostream& console_err, const RunHooks& hooks) {
  const targets::Target target = resolve_target(request.target_name, request.target_file);

  // Inputs first, outputs next, then run: a bad request never touches the database.
  PreparedMachine prepared = prepare_machine(request, target, hooks);
  sim::Machine& machine = *prepared.machine;
  std::optional<traces::TraceStore> store;
  if (request.database) store = open_store_for_writing(*request.database);
  // An unwritable summary fails now; it is written (atomically) after the run.
  if (request.summary) check_output_writable(*request.summary, "summary");
  const RunBudget budget = run_budget(request.max_cycles, request.max_seconds, target.clock_hz);

  if (request.count_flash_data) machine.count_flash_data();
  ConsoleRecorder recorder(console_out, console_err);
  machine.add_observer(&recorder);
  ProgressLine progress(budget.cycles, target.clock_hz);
  machine.add_observer(&progress);
  EventRecorder events(machine);
  machine.add_observer(&events);
  UnmodelledRegisters unmodelled;
  machine.add_observer(&unmodelled);
  RunCalls calls(machine, prepared.image, request, events);
  const std::optional<ArenaSymbol> arena =
      request.observe_memory ? elf_arena(prepared.image, request) : std::nullopt;
  std::unique_ptr<MemoryObservation> observation;
  if (request.observe_memory) {
    observation =
        std::make_unique<MemoryObservation>(machine, prepared.image, request.scratch_after_arena,
                                            arena ? std::optional(arena->range) : std::nullopt);
    machine.add_observer(observation.get());
    machine.observe_memory(observation.get());
  }
  if (hooks.before_run) hooks.before_run(machine);
  const std::string started_at = utc_now_iso8601();
  sim::RunOptions options;
  options.max_cycles = budget.cycles;
  sim::RunResult result;
  int stop_signal = 0;
  {
    const StopOnSignal stop_on_signal(machine);
    result = machine.run(options);
    stop_signal = stop_on_signal.signal();
  }
  progress.clear();
  if (result.reason == sim::StopReason::Interrupted && stop_signal != 0)
    result.detail = fmt::format("interrupted by {}", signal_name(stop_signal));
  else if (result.reason == sim::StopReason::CycleBudget) {
    result.detail = fmt::format("cycle budget of {} exhausted", budget.text(target.clock_hz));
    if (result.report) result.report->cause = result.detail;
  }
  console_out.flush();
  Attribution attribution = events.finish();
  calls.finish(attribution, console_err);
  for (const auto& problem : attribution.problems)
    console_err << "mcuprof: warning: trace protocol: " << problem << '\n';
  console_err << unmodelled.warning(target);
  const sim::MemoryState memory_state = machine.memory_state();
  // Stopped by the user, the firmware may not have configured its flash yet: no warning
  // about what it left (an interrupted run prints one line).
  if (result.reason != sim::StopReason::Interrupted)
    console_err << memory_system_warning(memory_state, target);
  attribution.memory_system = describe_memory_system(memory_state);
  std::optional<MemoryObservationResult> observed;
  if (observation) observed = observation->finish(result.cycles);
  // A stock firmware's arena seen through the observed view (its own markers come first).
  if (observed && observed->arena && !attribution.arena_address)
    use_observed_arena(attribution, arena->range, *observed->arena);
  // The fault report goes to the user and, in full, into the stored run.
  const std::string report = result.report ? result.report->text() : std::string();
  if (!report.empty()) {
    console_err << report;
    console_err.flush();
  }

  traces::RunRecord record =
      run_record(request, target, prepared, result, attribution, started_at, report);
  // The figures (figures.hpp): a model run's, checked before running, else the ELF's.
  const uint64_t stack_peak = deepest_stack(events.stack());
  const Figures figures = request.figures ? *request.figures
                                          : elf_figures(target, prepared.image, attribution,
                                                        request.scratch_after_arena, stack_peak);
  // SRAM in use over time: static data and the kernel scratch (placed after the arena,
  // never announced as a tensor) for the whole run, the arena's live tensors, the stack.
  const SramTimeline sram = sram_timeline(
      attribution, events.stack(), figures.sram.static_bytes + figures.sram.kernel_scratch_bytes);
  add_figures_to_record(figures, sram, record);
  int64_t run_id = 0;
  std::optional<StoreFailure> not_stored;  // then the summary keeps the results
  if (store) {
    try {
      run_id = record_run(*store, record, recorder.take(), attribution, events.stack(), sram,
                          calls.spans(), observed ? &*observed : nullptr);
    } catch (const traces::TraceError& e) {
      not_stored = store_failure(e);
    }
  }

  RunOutcome outcome;
  outcome.exit_status =
      stop_signal != 0 ? signal_exit_status(stop_signal) : process_exit_status(result);
  auto& s = outcome.summary;
  s = run_summary({target, record, result, attribution, sram, figures});
  s["unmodelled_registers"] = unmodelled.seen();
  s["memory_system"] = memory_system_json(memory_state);
  s["budget"] = budget.json();
  s["run_id"] = store && !not_stored ? nlohmann::json(run_id) : nlohmann::json();
  s["database"] = request.database ? nlohmann::json(request.database->string()) : nlohmann::json();
  calls.add_to_summary(attribution, s);
  if (observed) add_to_summary(*observed, s);
  if (hooks.after_run) hooks.after_run(machine, result, attribution, s);
  if (observed)  // beside SRAM in use (the planned view over time)
    print_memory_observation(*observed, in_use_peak(s), console_err);
  if (request.summary) write_output_file(*request.summary, s.dump(2) + "\n", "summary");
  if (not_stored) throw keep_unstored_run(*not_stored, request.summary, *request.database, s);
  return outcome;
}

}  // namespace mcuprof::profiler
