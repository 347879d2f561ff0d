// Test helper for the SIGKILL durability test: writes synthetic runs
// (synthetic_run.hpp) into a trace database in an endless loop until it is killed.
// Usage: mcuprof_trace_writer_child DB FIRST_SEED [MAX_RUNS]
// Run k uses seed FIRST_SEED + k and is named "synthetic-<seed>"; every other run is
// announced early (status 'incomplete' until finished), the others are written at the
// end only, so both writer modes get killed.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mcuprof/traces/store.hpp"
#include "mcuprof/traces/writer.hpp"
#include "synthetic_run.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DB FIRST_SEED [MAX_RUNS]\n", argv[0]);
    return 64;
  }
  try {
    const auto first_seed = static_cast<uint32_t>(std::stoul(argv[2]));
    const long max_runs = argc > 3 ? std::stol(argv[3]) : -1;
    auto store =
        mcuprof::traces::TraceStore::open(argv[1], mcuprof::traces::TraceStore::Mode::ReadWrite);
    for (long k = 0; max_runs < 0 || k < max_runs; ++k) {
      mcuprof::test::SyntheticOptions options;
      options.seed = first_seed + static_cast<uint32_t>(k);
      options.samples_per_layer = 400;  // ~6k samples per track: finish() takes a while
      const auto run = mcuprof::test::make_synthetic_run(options);
      mcuprof::traces::WriterOptions writer_options;
      writer_options.announce_early = k % 2 == 0;
      mcuprof::traces::RunWriter writer(store, run.record, writer_options);
      run.write_to(writer);
      writer.finish();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trace_writer_child: %s\n", e.what());
    return 1;
  }
  return 0;
}
