// `mcuprof run` for an ELF (see run.hpp).
#include "mcuprof/profiler/run.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <ostream>

#include "file_hash.hpp"
#include "function_cycles.hpp"
#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/trace_events.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/traces/store.hpp"
#include "memory_observation.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {
namespace {

// Streams console text to the user and keeps it for the trace database.
class ConsoleRecorder final : public sim::MachineObserver {
 public:
  ConsoleRecorder(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  void on_console(sim::ConsoleSource source, std::string_view text) override {
    std::ostream& stream = source == sim::ConsoleSource::SemihostingStderr ? err_ : out_;
    stream << text;
    if (text.find('\n') != std::string_view::npos) stream.flush();
    const std::string name = source_name(source);
    // Consecutive text from one source is one chunk: fewer rows, same content.
    if (!chunks_.empty() && chunks_.back().source == name)
      chunks_.back().text += text;
    else
      chunks_.push_back({name, std::string(text)});
  }

  std::vector<traces::ConsoleChunk> take() { return std::move(chunks_); }

 private:
  static std::string source_name(sim::ConsoleSource s) {
    switch (s) {
      case sim::ConsoleSource::Itm:
        return "itm";
      case sim::ConsoleSource::SemihostingStdout:
        return "semihosting-stdout";
      case sim::ConsoleSource::SemihostingStderr:
        return "semihosting-stderr";
    }
    return "unknown";
  }

  std::ostream& out_;
  std::ostream& err_;
  std::vector<traces::ConsoleChunk> chunks_;
};

// Decodes the firmware's event words (ITM port 1) into spans and the arena timeline.
class EventRecorder final : public sim::MachineObserver {
 public:
  explicit EventRecorder(sim::Machine& machine) : machine_(machine), attributor_(counters(0)) {
    sample_stack(0);
  }

  void on_itm_event(unsigned port, uint32_t value, unsigned size, uint64_t cycle) override {
    if (port != kEventPort) return;
    if (size != 4) {
      ++short_writes_;
      return;
    }
    if (auto event = decoder_.push(value, counters(cycle))) {
      sample_stack(cycle);
      attributor_.on_event(*event);
    }
  }

  Attribution finish() {
    sample_stack(machine_.cycles());
    Attribution result = attributor_.finish(counters(machine_.cycles()));
    for (const auto& p : decoder_.problems()) result.problems.push_back(p);
    if (decoder_.incomplete()) result.problems.push_back("event stream ended inside an event");
    if (short_writes_ > 0)
      result.problems.push_back(
          fmt::format("{} writes to the event port were not 32-bit words", short_writes_));
    return result;
  }

  // Main-stack depth at every event: the deepest point since the previous event, then
  // the depth now (two samples at one cycle, so no peak between events is lost).
  const std::vector<StackSample>& stack() const { return stack_; }

 private:
  Counters counters(uint64_t cycle) const {
    Counters c;
    c.cycles = cycle;  // the exact cycle of the ITM write
    c.instructions = machine_.instructions();
    return c;
  }

  void sample_stack(uint64_t cycle) {
    const sim::StackUse use = machine_.take_stack_use();
    stack_.push_back({cycle, use.deepest_bytes});
    stack_.push_back({cycle, use.current_bytes});
  }

  sim::Machine& machine_;
  EventDecoder decoder_;
  Attributor attributor_;
  std::vector<StackSample> stack_;
  uint64_t short_writes_ = 0;
};

// A progress line on stderr for runs longer than a second, when stderr is a terminal:
// simulated cycles and the simulation speed.
class ProgressLine final : public sim::MachineObserver {
 public:
  ProgressLine() : enabled_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}
  ~ProgressLine() override { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void on_progress(uint64_t cycles, uint64_t instructions) override {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (seconds < 1.0) return;
    fmt::print(stderr, "\r  {:.0f} M cycles simulated, {:.0f} MIPS ",
               static_cast<double>(cycles) / 1e6,
               static_cast<double>(instructions) / 1e6 / seconds);
    std::fflush(stderr);
    shown_ = true;
  }

  void clear() {
    if (!shown_) return;
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

nlohmann::json span_json(const Span& span) {
  nlohmann::json j;
  j["kind"] = std::string(to_string(span.kind));
  j["index"] = span.index;
  j["depth"] = span.depth;
  j["parent"] = span.parent;
  j["begin_cycle"] = span.begin.cycles;
  j["cycles"] = span.cycles();
  j["instructions"] = span.instructions();
  j["arena_peak_bytes"] = span.arena_peak_live_bytes;
  if (span.kind == SpanKind::Layer) {
    j["op"] = span.op;
    j["macs"] = span.macs;
  }
  if (span.kind == SpanKind::Patch) {
    j["row"] = span.row;
    j["column"] = span.column;
  }
  if (!span.terminated) j["terminated"] = false;
  return j;
}

// Peripheral registers the machine does not model, in the order first accessed
// (docs/machine.md, unknown-register policy).
class UnmodelledRegisters final : public sim::MachineObserver {
 public:
  void on_unmodelled_access(uint32_t address, bool write) override {
    seen_.push_back(fmt::format("0x{:08x} {}", address, write ? "write" : "read"));
  }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  std::vector<std::string> seen_;
};

// What a run's cycles, instructions and latency measure: the firmware's RUN_BEGIN..RUN_END
// window when it sent both (one inference, without start-up and checks), else the whole
// machine run. The stored run, the summary and the gates all use this one figure.
Counters measured_work(const Attribution& a, const sim::RunResult& result) {
  if (a.run_begin && a.run_end && a.run_end->cycles >= a.run_begin->cycles)
    return {a.run_end->cycles - a.run_begin->cycles,
            a.run_end->instructions - a.run_begin->instructions,
            a.run_end->flash_ifetch_bytes - a.run_begin->flash_ifetch_bytes,
            a.run_end->flash_data_bytes - a.run_begin->flash_data_bytes};
  return {result.cycles, result.instructions, 0, 0};
}

int fault_exit_status(sim::FaultKind kind) {
  switch (kind) {
    case sim::FaultKind::UnmappedAccess:
      return exit_code::kFaultUnmappedAccess;
    case sim::FaultKind::FlashWrite:
      return exit_code::kFaultFlashWrite;
    case sim::FaultKind::UsageFault:
      return exit_code::kFaultUsageFault;
    case sim::FaultKind::HardFault:
      return exit_code::kFaultHardFault;
    case sim::FaultKind::BusFault:
      return exit_code::kFaultBusFault;
    case sim::FaultKind::MemManage:
      return exit_code::kFaultMemManage;
    case sim::FaultKind::StackOverflow:
      return exit_code::kFaultStackOverflow;
    case sim::FaultKind::Lockup:
      return exit_code::kFaultLockup;
    case sim::FaultKind::Emulator:
    case sim::FaultKind::None:
      return exit_code::kFaultEmulator;
  }
  return exit_code::kFaultEmulator;
}

int process_exit_status(const sim::RunResult& r) {
  switch (r.reason) {
    case sim::StopReason::Exited:
    case sim::StopReason::Breakpoint:
      return (r.exit_code >= 0 && r.exit_code <= exit_code::kFirmwareStatusMax)
                 ? r.exit_code
                 : exit_code::kFirmwareStatusMax;
    case sim::StopReason::CycleBudget:
      return exit_code::kCycleBudget;
    case sim::StopReason::Fault:
      return fault_exit_status(r.fault);
  }
  return exit_code::kSoftware;
}

int sim_error_status(const sim::SimError& e) {
  switch (e.kind()) {
    case sim::SimError::Kind::FileNotFound:
      return exit_code::kNoInput;
    case sim::SimError::Kind::InvalidElf:
    case sim::SimError::Kind::WrongArchitecture:
    case sim::SimError::Kind::ImageDoesNotFit:
      return exit_code::kDataError;
    case sim::SimError::Kind::Emulator:
      return exit_code::kSoftware;
  }
  return exit_code::kSoftware;
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

// Opens the summary file before the run, so an unwritable path fails early.
std::ofstream open_summary(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw CommandError(exit_code::kCantCreate,
                       fmt::format("{}: cannot write summary", path.string()));
  return out;
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
  std::optional<sim::ElfImage> image;
  std::string firmware_hash;
  std::unique_ptr<sim::Machine> machine;
  try {
    image = sim::ElfImage::load(request.firmware);
    firmware_hash = sha256_file(request.firmware);
    machine = std::make_unique<sim::Machine>(target, request.unit_cycles
                                                         ? sim::make_unit_cycle_model(target)
                                                         : sim::make_cycle_model(target));
    if (hooks.before_load) hooks.before_load(*image);
    machine->load(*image);
    if (request.semihosting_root) {
      std::error_code ec;
      if (!std::filesystem::is_directory(*request.semihosting_root, ec))
        throw CommandError(exit_code::kNoInput, fmt::format("{}: semihosting root is not a folder",
                                                            request.semihosting_root->string()));
      machine->set_semihosting_root(*request.semihosting_root);
    }
  } catch (const targets::TargetError& e) {
    throw CommandError(exit_code::kDataError, e.what());
  } catch (const sim::SimError& e) {
    throw CommandError(sim_error_status(e), e.what());
  } catch (const CommandError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw CommandError(exit_code::kNoInput, e.what());
  }

  std::optional<traces::TraceStore> store;
  if (request.database) {
    try {
      store = traces::TraceStore::open(*request.database, traces::TraceStore::Mode::ReadWrite);
    } catch (const traces::TraceError& e) {
      throw CommandError(exit_code::kCantCreate, e.what());
    }
  }
  std::optional<std::ofstream> summary_file;
  if (request.summary) summary_file = open_summary(*request.summary);

  ConsoleRecorder recorder(console_out, console_err);
  machine->add_observer(&recorder);
  ProgressLine progress;
  machine->add_observer(&progress);
  EventRecorder events(*machine);
  machine->add_observer(&events);
  UnmodelledRegisters unmodelled;
  machine->add_observer(&unmodelled);
  std::unique_ptr<MemoryObservation> observation;
  if (request.observe_memory) {
    observation =
        std::make_unique<MemoryObservation>(*machine, *image, request.scratch_after_arena);
    machine->add_observer(observation.get());
    machine->observe_memory(observation.get());
  }
  if (hooks.before_run) hooks.before_run(*machine);
  const std::string started_at = utc_now_iso8601();
  sim::RunOptions options;
  options.max_cycles = request.max_cycles;
  const sim::RunResult result = machine->run(options);
  progress.clear();
  console_out.flush();
  const Attribution attribution = events.finish();
  for (const auto& problem : attribution.problems)
    console_err << "mcuprof: warning: trace protocol: " << problem << '\n';
  if (!unmodelled.seen().empty()) {
    constexpr size_t kShown = 6;
    std::string list;
    for (size_t i = 0; i < std::min(kShown, unmodelled.seen().size()); ++i)
      list += (i ? ", " : "") + unmodelled.seen()[i];
    console_err << fmt::format(
        "mcuprof: {} unmodelled register address(es) accessed ({} policy): "
        "{}{}\n",
        unmodelled.seen().size(),
        target.peripherals.policy == targets::UnknownRegisterPolicy::Fault ? "fault"
                                                                           : "last-written",
        list, unmodelled.seen().size() > kShown ? ", ..." : "");
  }
  std::optional<MemoryObservationResult> observed;
  if (observation) observed = observation->finish(result.cycles);
  // The fault report goes to the user and, in full, into the stored run.
  const std::string report = result.report ? result.report->text() : std::string();
  if (!report.empty()) {
    console_err << report;
    console_err.flush();
  }

  traces::RunRecord record;
  record.target = target.name;
  record.schedule = request.schedule;
  if (request.model) {
    std::error_code model_ec;
    const auto model = std::filesystem::absolute(*request.model, model_ec);
    record.model_path = model_ec ? request.model->string() : model.lexically_normal().string();
    record.model_sha256 = sha256_file(*request.model);
  }
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(request.firmware, ec);
  record.firmware_path = ec ? request.firmware.string() : absolute.lexically_normal().string();
  record.firmware_sha256 = firmware_hash;
  record.started_at = started_at;
  record.tool_version = MCUPROF_VERSION;
  record.cycle_model = std::string(machine->cycle_model().name());
  record.clock_hz = target.clock_hz;
  const Counters work = measured_work(attribution, result);
  record.total_cycles = work.cycles;
  record.instructions = work.instructions;
  record.stop_reason = std::string(sim::to_string(result.reason));
  record.exit_code = result.exit_code;
  record.fault =
      result.fault == sim::FaultKind::None ? "" : std::string(sim::to_string(result.fault));
  record.detail = report.empty() ? result.detail : result.detail + "\n" + report;

  int64_t run_id = 0;
  if (store) {
    try {
      run_id = record_run(*store, record, recorder.take(), attribution, events.stack(),
                          static_sram_bytes(*image, attribution), observed ? &*observed : nullptr);
    } catch (const traces::TraceError& e) {
      throw CommandError(exit_code::kIoError, e.what());
    }
  }

  RunOutcome outcome;
  outcome.exit_status = process_exit_status(result);
  auto& s = outcome.summary;
  s["target"] = target.name;
  s["core"] = std::string(targets::to_string(target.core));
  s["clock_hz"] = target.clock_hz;
  s["firmware"] = record.firmware_path;
  s["firmware_sha256"] = firmware_hash;
  s["cycle_model"] = record.cycle_model;
  s["total_cycles"] = work.cycles;
  s["instructions"] = work.instructions;
  s["latency_ms"] =
      static_cast<double>(work.cycles) * 1000.0 / static_cast<double>(target.clock_hz);
  s["machine_cycles"] = result.cycles;
  s["machine_instructions"] = result.instructions;
  s["stop_reason"] = record.stop_reason;
  s["exit_code"] = result.exit_code;
  s["fault"] = record.fault.empty() ? nlohmann::json() : nlohmann::json(record.fault);
  s["detail"] = result.detail;
  s["pc"] = result.pc;
  s["unmodelled_registers"] = unmodelled.seen();
  if (result.report) {
    const auto& r = *result.report;
    s["fault_report"] = {{"kind", std::string(sim::to_string(r.kind))},
                         {"cause", r.cause},
                         {"pc", r.pc},
                         {"location", r.location},
                         {"instruction", r.instruction},
                         {"address", r.address ? nlohmann::json(*r.address) : nlohmann::json()},
                         {"cfsr", r.cfsr},
                         {"hfsr", r.hfsr},
                         {"call_stack", r.call_stack}};
  }
  s["run_id"] = store ? nlohmann::json(run_id) : nlohmann::json();
  const uint64_t static_bytes = static_sram_bytes(*image, attribution);
  const std::vector<uint64_t> span_peaks =
      span_sram_peaks(attribution, events.stack(), static_bytes);
  s["spans"] = nlohmann::json::array();
  for (size_t k = 0; k < attribution.spans.size(); ++k) {
    s["spans"].push_back(span_json(attribution.spans[k]));
    s["spans"].back()["sram_peak_bytes"] = span_peaks[k];
  }
  s["arena_peak_bytes"] = attribution.arena_peak_live_bytes;
  s["static_sram_bytes"] = static_bytes;
  const MemoryPeak peak = memory_peak(attribution, events.stack(), static_bytes);
  s["stack_peak_bytes"] = peak.stack_peak_bytes;
  s["peak_sram_bytes"] = peak.total_bytes;
  s["peak_sram_cycle"] = peak.cycle;
  if (observed) add_to_summary(*observed, s);
  uint64_t macs = 0;
  for (const auto& span : attribution.spans) macs += span.kind == SpanKind::Layer ? span.macs : 0;
  s["macs"] = macs;
  if (macs > 0) s["cycles_per_mac"] = static_cast<double>(work.cycles) / static_cast<double>(macs);
  s["arena_peak_extent_bytes"] = attribution.arena_peak_extent_bytes;
  s["trace_problems"] = attribution.problems;
  s["database"] = request.database ? nlohmann::json(request.database->string()) : nlohmann::json();
  if (request.function_cycles > 0) {
    const auto rows = cycles_per_function(*image, machine->block_profile());
    auto& functions = s["functions"] = nlohmann::json::array();
    for (const auto& row : rows) {
      if (functions.size() >= request.function_cycles) break;
      functions.push_back({{"name", row.name},
                           {"address", row.address},
                           {"cycles", row.cycles},
                           {"instructions", row.instructions},
                           {"calls", row.calls}});
    }
  }
  if (hooks.after_run) hooks.after_run(*machine, result, attribution, s);
  if (observed)  // after the hooks: a model run's summary has its own planned peak
    print_memory_observation(*observed, s.value("peak_sram_bytes", uint64_t{0}), console_err);
  if (summary_file) {
    *summary_file << s.dump(2) << '\n';
    summary_file->flush();
    if (!*summary_file)
      throw CommandError(exit_code::kIoError,
                         fmt::format("{}: cannot write summary", request.summary->string()));
  }
  return outcome;
}

}  // namespace mcuprof::profiler
