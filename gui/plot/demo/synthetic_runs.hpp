// A synthetic pair of runs of a MobileNetV2-like model, layer-wise and patch-based (4x4
// patches over the first stage), for the demo picture and the rendering benchmark. The
// numbers are made up to look plausible; nothing here is measured.
#pragma once

#include <cstddef>

#include "chart_data.hpp"

namespace mcuprof::plot::demo {

// `stack_samples` extra stack samples spread over the run (the event load to render).
ChartRun layerwise_run(size_t stack_samples = 20'000);
ChartRun patch_based_run(size_t stack_samples = 20'000);

}  // namespace mcuprof::plot::demo
