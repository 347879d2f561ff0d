// The JSON summary and the exit status of `mcuprof run` for an ELF, from the run's
// result, its attribution and its memory figures (docs/cli.md lists the fields).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcuprof/profiler/attribution.hpp"
#include "mcuprof/profiler/figures.hpp"
#include "mcuprof/sim/error.hpp"
#include "mcuprof/sim/machine.hpp"
#include "mcuprof/traces/records.hpp"
#include "trace_recording.hpp"

namespace mcuprof::profiler {

// What mcuprof returns for a run that stopped this way (docs/cli.md, exit codes).
int process_exit_status(const sim::RunResult& result);
// ... and for a machine that could not be set up.
int sim_error_status(const sim::SimError& error);

nlohmann::json span_json(const Span& span);

// What a run's cycles, instructions, flash bytes and latency measure: the firmware's
// RUN_BEGIN..RUN_END window when it sent both (one inference, without start-up and
// checks), else the whole machine run. The stored run, the summary and the gates all use
// this one figure.
Counters measured_work(const Attribution& attribution, const sim::RunResult& result);

struct SummaryInputs {
  const targets::Target& target;
  const traces::RunRecord& record;
  const sim::RunResult& result;
  const Attribution& attribution;
  const SramTimeline& sram;
  const Figures& figures;
};

// The deepest stack among the samples.
uint64_t deepest_stack(const std::vector<StackSample>& stack);
// The figures, and SRAM in use at its highest, into the stored run's record (same
// definitions, same values as the summary).
void add_figures_to_record(const Figures& figures, const SramTimeline& sram,
                           traces::RunRecord& record);

// Every field but the optional ones the caller adds (run_id, database, functions).
nlohmann::json run_summary(const SummaryInputs& in);

}  // namespace mcuprof::profiler
