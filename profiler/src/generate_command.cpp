// `mcuprof generate FAMILY [--width W] [--resolution R] [--seed S] [--classes N] -o FILE`:
// writes a synthetic int8 .tflite (MobileNetV2, MCUNet-style, ResNet-style) with seeded
// random weights, checked by importing it back before it is written.
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "mcuprof/compiler/analysis.hpp"
#include "mcuprof/compiler/generator.hpp"
#include "mcuprof/compiler/importer.hpp"
#include "mcuprof/profiler/exit_codes.hpp"
#include "mcuprof/profiler/run.hpp"
#include "output_file.hpp"

namespace mcuprof::profiler {
namespace {

namespace cc = mcuprof::compiler;

// The numeric options as typed: each is checked here, with one line naming the
// accepted range (0 is not "the default" when typed: --classes 0 is refused).
struct GenerateArgs {
  cc::GeneratorOptions options;
  std::optional<std::string> width, resolution, seed, classes;
  std::string output;
};

[[noreturn]] void bad_value(const char* option, const std::string& text, const std::string& range) {
  throw CommandError(
      exit_code::kUsage,
      fmt::format("generate: {} '{}' is not accepted: expected {}", option, text, range));
}

int64_t integer_in(const char* option, const std::string& text, int64_t lo, int64_t hi) {
  const auto range = fmt::format("an integer in {}..{}", lo, hi);
  int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || at != end || v < lo || v > hi) bad_value(option, text, range);
  return v;
}

double number_in(const char* option, const std::string& text, double lo, double hi) {
  const auto range = fmt::format("a number in {}..{}", lo, hi);
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    bad_value(option, text, range);
  }
  if (used != text.size() || !(v >= lo && v <= hi)) bad_value(option, text, range);
  return v;
}

void check_options(GenerateArgs& a) {
  auto& o = a.options;
  if (a.width) o.width = number_in("--width", *a.width, cc::kMinWidth, cc::kMaxWidth);
  if (a.resolution)
    o.resolution = static_cast<int>(
        integer_in("--resolution", *a.resolution, cc::kMinResolution, cc::kMaxResolution));
  if (a.classes)
    o.classes =
        static_cast<int>(integer_in("--classes", *a.classes, cc::kMinClasses, cc::kMaxClasses));
  if (a.seed) o.seed = static_cast<uint32_t>(integer_in("--seed", *a.seed, 0, UINT32_MAX));
}

int generate(GenerateArgs& a) {
  check_options(a);
  std::vector<uint8_t> bytes;
  cc::Graph g;
  try {
    bytes = cc::generate_model(a.options);
    g = cc::import_tflite(bytes);
  } catch (const cc::ModelError& e) {
    throw CommandError(exit_code::kUsage, e.what());
  }
  write_output_file(a.output, bytes, "model");
  fmt::print("wrote {} ({} bytes): {} ops, {:.2f} M MACs\n", a.output, bytes.size(), g.ops.size(),
             static_cast<double>(cc::total_macs(g)) / 1e6);
  return exit_code::kOk;
}

}  // namespace

void add_generate_command(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate",
                                 "Write a synthetic int8 .tflite model with seeded random weights");
  cmd->add_option("family", args->options.family, "mobilenetv2 | mcunet | resnet")
      ->required()
      ->check(CLI::IsMember(cc::generator_families()));
  cmd->add_option("--width", args->width, "Channel width multiplier, 0.1..4 (default 1.0)");
  cmd->add_option(
      "--resolution", args->resolution,
      "Input height and width, 32..1024 (default: mobilenetv2 224, mcunet 144, resnet 32)");
  cmd->add_option("--seed", args->seed,
                  "Random seed for weights and quantization, 0..4294967295 (default 1)");
  cmd->add_option("--classes", args->classes,
                  "Classifier outputs, 1..100000 (default: 1000, 2, 10)");
  cmd->add_flag("--se", args->options.se,
                "mobilenetv2: a squeeze-excite block (MEAN, two 1x1 convs, broadcast MUL) after "
                "every depthwise conv");
  cmd->add_flag("--float-io", args->options.float_io,
                "mobilenetv2: float32 input and output (a QUANTIZE first, a DEQUANTIZE last)");
  cmd->add_option("-o,--output", args->output, "Output .tflite file")->required();
  commands.push_back({cmd, [args] { return generate(*args); }});
}

}  // namespace mcuprof::profiler
