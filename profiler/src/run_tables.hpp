// The tables `mcuprof run` prints on stderr after its one-line verdict for an ELF: the
// layers (from the firmware's markers or from its calls) and, with --function-cycles,
// the functions, both inside the inference window and as shares of it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mcuprof::profiler {

// What defines the inference window, in words: "RUN_BEGIN..RUN_END", "the first call to
// tflite::MicroInterpreter::Invoke() (1 of 3 calls)", "the whole run".
std::string window_words(const nlohmann::json& summary);

// The layer table of a run summary's layer spans (nothing when it has none).
void print_layers(const nlohmann::json& summary);
// The --function-cycles table.
void print_functions(const nlohmann::json& summary);

}  // namespace mcuprof::profiler
