// Summary JSON and exit status of `mcuprof run` (see run_summary.hpp).
#include "run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mcuprof/profiler/exit_codes.hpp"
#include "op_names.hpp"

namespace mcuprof::profiler {
namespace {

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

nlohmann::json fault_report_json(const sim::FaultReport& r) {
  return {{"kind", std::string(sim::to_string(r.kind))},
          {"cause", r.cause},
          {"pc", r.pc},
          {"location", r.location},
          {"instruction", r.instruction},
          {"address", r.address ? nlohmann::json(*r.address) : nlohmann::json()},
          {"cfsr", r.cfsr},
          {"hfsr", r.hfsr},
          {"call_stack", r.call_stack}};
}

// Where the arena's live bytes first reach their peak, named as `plan` names it: "layer K
// (OP)" for the layer running then (or about to: its tensors are allocated just before
// its LAYER_BEGIN), "patch stage" inside a patch.
std::string arena_live_peak_where(const Attribution& a) {
  const ArenaSample* peak = nullptr;
  for (const auto& s : a.arena)
    if (peak == nullptr || s.live_bytes > peak->live_bytes) peak = &s;
  if (peak == nullptr) return {};
  for (const auto& span : a.spans) {
    if (span.kind != SpanKind::Layer || span.end.cycles < peak->cycle) continue;
    for (int p = span.parent; p >= 0; p = a.spans[static_cast<size_t>(p)].parent)
      if (a.spans[static_cast<size_t>(p)].kind == SpanKind::Patch) return "patch stage";
    return fmt::format("layer {} ({})", span.index, layer_op_name(span));
  }
  return {};
}

}  // namespace

int process_exit_status(const sim::RunResult& r) {
  switch (r.reason) {
    case sim::StopReason::Exited:
    case sim::StopReason::Breakpoint:
      return (r.exit_code >= 0 && r.exit_code <= exit_code::kFirmwareStatusMax)
                 ? r.exit_code
                 : exit_code::kFirmwareStatusOutOfRange;
    case sim::StopReason::CycleBudget:
      return exit_code::kCycleBudget;
    case sim::StopReason::Fault:
      return fault_exit_status(r.fault);
    case sim::StopReason::Interrupted:
      return exit_code::kInterrupted;
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

nlohmann::json span_json(const Span& span) {
  nlohmann::json j;
  j["kind"] = std::string(to_string(span.kind));
  j["index"] = span.index;
  j["depth"] = span.depth;
  j["parent"] = span.parent;
  j["begin_cycle"] = span.begin.cycles;
  j["cycles"] = span.cycles();
  j["instructions"] = span.instructions();
  j["flash_ifetch_bytes"] = span.flash_ifetch_bytes();
  j["flash_data_bytes"] = span.flash_data_bytes();
  j["arena_live_peak_bytes"] = span.arena_peak_live_bytes;
  if (span.kind == SpanKind::Layer) {
    j["op"] = span.op == kNoOp ? nlohmann::json() : nlohmann::json(span.op);
    j["op_name"] = layer_op_name(span);
    j["macs"] = span.macs;
    if (!span.function.empty()) j["function"] = span.function;
  }
  if (span.kind == SpanKind::Patch) {
    j["row"] = span.row;
    j["column"] = span.column;
  }
  if (!span.terminated) j["terminated"] = false;
  return j;
}

Counters measured_work(const Attribution& a, const sim::RunResult& result) {
  const InferenceWindow w = inference_window(a);
  if (w.marked)
    return {w.end.cycles - w.begin.cycles, w.end.instructions - w.begin.instructions,
            w.end.flash_ifetch_bytes - w.begin.flash_ifetch_bytes,
            w.end.flash_data_bytes - w.begin.flash_data_bytes};
  const Span* run = a.spans.empty() ? nullptr : &a.spans.front();
  return {result.cycles, result.instructions, run ? run->flash_ifetch_bytes() : 0,
          run ? run->flash_data_bytes() : 0};
}

uint64_t deepest_stack(const std::vector<StackSample>& stack) {
  uint64_t deepest = 0;
  for (const auto& s : stack) deepest = std::max(deepest, s.bytes);
  return deepest;
}

void add_figures_to_record(const Figures& f, const SramTimeline& sram, traces::RunRecord& r) {
  r.peak_sram_bytes = f.peak_sram_bytes();
  r.arena_bytes = f.sram.arena_bytes;
  r.static_sram_bytes = f.sram.static_bytes;
  r.kernel_scratch_bytes = f.sram.kernel_scratch_bytes;
  r.stack_bytes = f.sram.stack_bytes;
  r.stack_peak_bytes = sram.stack_peak_bytes;
  r.sram_in_use_peak_bytes = sram.peak_bytes;
  r.sram_bytes = f.board.sram_bytes;
  r.flash_bytes = f.flash_bytes();
  r.firmware_flash_bytes = f.flash.firmware_bytes;
  r.model_flash_bytes = f.flash.model_bytes;
  r.flash_size_bytes = f.board.flash_bytes;
}

nlohmann::json run_summary(const SummaryInputs& in) {
  const auto& result = in.result;
  const auto& record = in.record;
  const auto& attribution = in.attribution;
  nlohmann::json s;
  s["name"] = record.name;
  s["target"] = in.target.name;
  s["schedule"] = record.schedule.empty() ? nlohmann::json() : nlohmann::json(record.schedule);
  s["model"] = record.model_path.empty() ? nlohmann::json() : nlohmann::json(record.model_path);
  s["core"] = std::string(targets::to_string(in.target.core));
  s["clock_hz"] = in.target.clock_hz;
  s["firmware"] = record.firmware_path;
  s["firmware_sha256"] = record.firmware_sha256;
  s["cycle_model"] = record.cycle_model;
  // record.total_cycles/instructions are measured_work's: the inference when marked.
  s["total_cycles"] = record.total_cycles;
  s["instructions"] = record.instructions;
  s["machine_cycles"] = result.cycles;
  s["machine_instructions"] = result.instructions;
  s["flash_ifetch_bytes"] = record.flash_ifetch_bytes;
  s["flash_data_bytes"] =
      record.flash_data_measured ? nlohmann::json(record.flash_data_bytes) : nlohmann::json();
  s["latency_ms"] = latency_ms(record.total_cycles, in.target.clock_hz);
  s["stop_reason"] = record.stop_reason;
  s["exit_code"] = result.exit_code;
  s["fault"] = record.fault.empty() ? nlohmann::json() : nlohmann::json(record.fault);
  s["detail"] = result.detail;
  s["pc"] = result.pc;
  if (result.report) s["fault_report"] = fault_report_json(*result.report);
  s["spans"] = nlohmann::json::array();
  for (size_t k = 0; k < attribution.spans.size(); ++k) {
    s["spans"].push_back(span_json(attribution.spans[k]));
    s["spans"].back()["sram_in_use_peak_bytes"] = in.sram.span_peaks[k];
    if (!record.flash_data_measured) s["spans"].back()["flash_data_bytes"] = nullptr;
  }
  // The figures (figures.hpp), then the timeline's: SRAM in use (static + scratch + live
  // arena + stack depth) at its highest and when, the deepest stack, the arena's live peak.
  add_figures(in.figures, s);
  s["sram_in_use_peak_bytes"] = in.sram.peak_bytes;
  // Times are relative to the inference start (negative: during start-up).
  const InferenceWindow window = inference_window(attribution);
  s["peak_sram_cycle"] =
      static_cast<int64_t>(in.sram.peak_cycle) - static_cast<int64_t>(window.begin.cycles);
  s["peak_sram_phase"] = in.sram.peak_cycle < window.begin.cycles ? "start-up"
                         : in.sram.peak_cycle > window.end.cycles ? "wind-down"
                                                                  : "inference";
  s["inference_window"] = {{"begin_cycle", window.begin.cycles},
                           {"end_cycle", window.end.cycles},
                           {"markers", window.marked}};
  s["stack_peak_bytes"] = in.sram.stack_peak_bytes;
  s["arena_live_peak_bytes"] = attribution.arena_peak_live_bytes;
  s["arena_live_peak_where"] = arena_live_peak_where(attribution);
  s["arena_peak_extent_bytes"] = attribution.arena_peak_extent_bytes;
  uint64_t macs = 0;
  for (const auto& span : attribution.spans) macs += span.kind == SpanKind::Layer ? span.macs : 0;
  s["macs"] = macs_json(macs);
  s["cycles_per_mac"] = cycles_per_mac(record.total_cycles, macs);
  s["trace_problems"] = attribution.problems;
  return s;
}

}  // namespace mcuprof::profiler
