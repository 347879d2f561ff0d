// libFuzzer target for the .tflite importer: any byte string must import, plan and
// write an image, or be refused with ModelError. Anything else (crash, sanitizer
// report, other exception) is a finding. Build: see tests/fuzz/CMakeLists.txt.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/compiler/model_image.hpp"
#include "mcuprof/compiler/planner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mcuprof::compiler;
  try {
    const Graph g = import_tflite(std::span(data, size));
    const auto mem = plan_memory(g);
    const auto image = write_model_image(g, mem.plan);
    (void)read_model_image(image);
  } catch (const ModelError&) {
  }
  return 0;
}
